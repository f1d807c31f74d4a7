// Candidate re-ranking with a tiny random model: the batched teacher-forced scores equal one-sequence
// forwards and the greedy decoder's own log-probabilities, and predict_task's likelihood ranking submits the
// two candidates with the highest mean score, recomputed here one sequence at a time.
#include <gtest/gtest.h>

#include <cmath>

#include "arc/random_tasks.h"
#include "arc_model/tiny_grid_model.h"
#include "ttt/arc/candidate_ranking_lm.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/predict_task.h"
#include "ttt/util/error.h"

using namespace ttt;
using namespace ttt::arc;
using ttt::arc::testing::fast_options;
using ttt::arc::testing::grid_model;

namespace {

// log p(answer | prompt) from one unpadded forward over prompt + answer: the slow twin.
double one_sequence_log_prob(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                             const std::vector<std::int32_t>& answer) {
  std::vector<std::int64_t> ids(prompt.begin(), prompt.end());
  ids.insert(ids.end(), answer.begin(), answer.end());
  torch::NoGradGuard no_grad;
  const auto input = torch::tensor(ids, torch::kLong).narrow(0, 0, static_cast<std::int64_t>(ids.size()) - 1);
  const auto log_probs = model->forward(input.unsqueeze(0)).logits[0].log_softmax(-1);
  double sum = 0;
  for (std::size_t i = 0; i < answer.size(); ++i)
    sum += log_probs[static_cast<std::int64_t>(prompt.size() - 1 + i)][answer[i]].item<double>();
  return sum;
}

}  // namespace

TEST(CandidateRankingLm, BatchedScoresEqualOneSequenceForwardsWhateverTheAnswerLengths) {
  auto model = grid_model(11);
  model->eval();
  DeterministicRng rng(4);
  const Task task = ttt::arc::testing::random_task(rng, 2, 4);
  const auto prompt = serialize_query_tokens(task, 0);
  const std::vector<std::vector<std::int32_t>> answers{answer_tokens(Grid::from_rows({{1, 2, 3}, {4, 5, 6}})),
                                                       answer_tokens(Grid::from_rows({{7}})),
                                                       answer_tokens(Grid::from_rows({{0, 0}, {9, 9}, {8, 8}}))};
  const auto batched = answer_log_probs(model, prompt, answers);
  ASSERT_EQ(batched.size(), answers.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_NEAR(batched[i], one_sequence_log_prob(model, prompt, answers[i]), 1e-10) << i;
    EXPECT_LT(batched[i], 0.0);
    EXPECT_NEAR(answer_log_probs(model, prompt, {answers[i]})[0], batched[i], 1e-10) << i;
  }
  EXPECT_THROW(answer_log_probs(model, {}, answers), Error);
  EXPECT_THROW(answer_log_probs(model, prompt, {{}}), Error);
  const std::vector<std::int32_t> too_long(static_cast<std::size_t>(model->config().max_position_embeddings), 1);
  EXPECT_THROW(answer_log_probs(model, prompt, {too_long}), Error);
}

TEST(CandidateRankingLm, LikelihoodRankingSubmitsTheTwoBestMeanScoresAndAgreesWithTheDecoder) {
  auto model = grid_model(12);
  model->eval();
  std::size_t scored_inputs = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    DeterministicRng rng(seed + 100);
    Task task = ttt::arc::testing::random_task(rng, 3, 3);
    task.id = "rank";
    PredictTaskOptions options = fast_options();
    options.ranking = CandidateRanking::kLikelihood;
    const TaskPrediction out = predict_task(model, task, options);
    const InferenceQueries queries =
        make_inference_queries(task, 0, options.queries, grid_query_length(default_answer_room(task)));
    const TestInputPrediction& p = out.tests[0];

    // The candidates are the vote's.
    std::vector<Prediction> votes;
    for (const QueryPrediction& q : p.queries)
      if (q.output) votes.push_back(Prediction{q.transform, *q.output});
    const auto expected_candidates = vote_candidates(votes, p.vote, options.max_candidates);
    ASSERT_EQ(p.candidates.size(), expected_candidates.size());
    if (p.candidates.size() < 2) continue;
    ++scored_inputs;
    EXPECT_EQ(p.scoring_queries, queries.queries.size());  // every inference transform is deterministic

    // Each candidate's score, one sequence at a time; a query's own output scores its decoder log-prob.
    std::vector<double> mean(p.candidates.size(), 0.0);
    for (std::size_t q = 0; q < queries.queries.size(); ++q) {
      const InferenceQuery& query = queries.queries[q];
      const auto prompt = serialize_query_tokens(query.task, 0);
      for (std::size_t c = 0; c < p.candidates.size(); ++c) {
        EXPECT_EQ(p.candidates[c].grid, expected_candidates[c].grid);
        const double lp = one_sequence_log_prob(model, prompt, answer_tokens(query.apply(p.candidates[c].grid)));
        mean[c] += lp / static_cast<double>(queries.queries.size());
        if (p.queries[q].output && *p.queries[q].output == p.candidates[c].grid)
          EXPECT_NEAR(lp, p.queries[q].log_prob, 1e-9) << "query " << q;
      }
    }
    std::size_t best = 0, second = 1;
    if (mean[second] > mean[best]) std::swap(best, second);
    for (std::size_t c = 2; c < mean.size(); ++c) {
      if (mean[c] > mean[best]) {
        second = best;
        best = c;
      } else if (mean[c] > mean[second]) {
        second = c;
      }
    }
    for (std::size_t c = 0; c < mean.size(); ++c) EXPECT_NEAR(p.candidates[c].log_likelihood, mean[c], 1e-9);
    EXPECT_EQ(p.attempt_1, p.candidates[best].grid);
    EXPECT_EQ(p.attempt_2, p.candidates[second].grid);
  }
  EXPECT_GT(scored_inputs, 0u);  // a random model disagrees with itself across augmentations
}

TEST(CandidateRankingLm, VoteRankingLeavesTheCandidatesUnscored) {
  auto model = grid_model(13);
  model->eval();
  DeterministicRng rng(7);
  const Task task = ttt::arc::testing::random_task(rng, 3, 3);
  const TaskPrediction out = predict_task(model, task, fast_options());
  const TestInputPrediction& p = out.tests[0];
  EXPECT_EQ(p.scoring_queries, 0u);
  EXPECT_EQ(p.attempt_1, p.vote.attempt_1);
  EXPECT_EQ(p.attempt_2, p.vote.attempt_2);
  for (const Candidate& c : p.candidates) EXPECT_TRUE(std::isinf(c.log_likelihood));
}
