// The model-free half of candidate re-ranking: which grids become candidates, how scores order them, which
// queries can score every candidate, and where a known answer stands.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ttt/arc/augment.h"
#include "ttt/arc/candidate_ranking.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

using namespace ttt;
using namespace ttt::arc;

namespace {

Grid g(std::initializer_list<std::initializer_list<int>> rows) {
  Grid out(static_cast<int>(rows.size()), static_cast<int>(rows.begin()->size()), 0);
  int r = 0;
  for (const auto& row : rows) {
    int c = 0;
    for (int v : row) out.at(r, c++) = static_cast<std::uint8_t>(v);
    ++r;
  }
  return out;
}

}  // namespace

TEST(CandidateRanking, CandidatesAreTheDistinctOutputsMostProducedFirstThenTheVotesOtherFinalists) {
  const Grid a = g({{1}}), b = g({{2}}), c = g({{3, 3}}), d = g({{4}});
  // b twice, a three times, c once, d once (after c): a, b, c, d by count then first appearance.
  const std::vector<Prediction> predictions{{"identity", b}, {"identity", a}, {"Flip(0)", a}, {"identity", c},
                                            {"Transpose", b}, {"Rotate(90)", a}, {"identity", d}};
  VoteResult vote;
  vote.finalists = {a, g({{9}}), b};  // a majority grid nobody produced
  const auto all = vote_candidates(predictions, vote, 0);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].grid, a);
  EXPECT_EQ(all[0].votes, 3u);
  EXPECT_EQ(all[1].grid, b);
  EXPECT_EQ(all[1].votes, 2u);
  EXPECT_EQ(all[2].grid, c);
  EXPECT_EQ(all[3].grid, d);
  EXPECT_EQ(all[4].grid, g({{9}}));
  EXPECT_EQ(all[4].votes, 0u);
  for (const auto& candidate : all) EXPECT_TRUE(std::isinf(candidate.log_likelihood));

  // The cap keeps the two most produced; the unproduced finalist still joins.
  const auto capped = vote_candidates(predictions, vote, 2);
  ASSERT_EQ(capped.size(), 3u);
  EXPECT_EQ(capped[0].grid, a);
  EXPECT_EQ(capped[1].grid, b);
  EXPECT_EQ(capped[2].grid, g({{9}}));

  EXPECT_TRUE(vote_candidates({}, VoteResult{}, 8).empty());
}

TEST(CandidateRanking, OrderIsScoreThenVotesThenPosition) {
  std::vector<Candidate> c{{g({{1}}), 5, -3.0}, {g({{2}}), 1, -1.0}, {g({{3}}), 2, -3.0}, {g({{4}}), 5, -3.0}};
  EXPECT_EQ(likelihood_order(c), (std::vector<std::size_t>{1, 0, 3, 2}));
  EXPECT_EQ(answer_rank(c, g({{2}})), 0);
  EXPECT_EQ(answer_rank(c, g({{3}})), 3);
  EXPECT_EQ(answer_rank(c, g({{7}})), -1);
  // Unscored (-inf for all): most votes first, list order among equals.
  for (auto& x : c) x.log_likelihood = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(likelihood_order(c), (std::vector<std::size_t>{0, 3, 2, 1}));
}

TEST(CandidateRanking, RankingNamesParseAndBadOnesAreRejected) {
  EXPECT_EQ(parse_candidate_ranking("vote"), CandidateRanking::kVote);
  EXPECT_EQ(parse_candidate_ranking("likelihood"), CandidateRanking::kLikelihood);
  EXPECT_STREQ(candidate_ranking_name(CandidateRanking::kLikelihood), "likelihood");
  EXPECT_THROW(parse_candidate_ranking("votes"), Error);
}

TEST(CandidateRanking, AnswerTokensAreTheGridRowsThenEndOfExample) {
  const auto ids = answer_tokens(g({{1, 2}, {3, 4}}));
  EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 2, kTokenRowEnd, 3, 4, kTokenRowEnd, kTokenEndOfExample}));
}

TEST(CandidateRanking, ScoringQueriesNeedAForwardTransformAndRoomForEveryCandidate) {
  Task task;
  task.id = "t";
  task.train.push_back(Example{g({{1, 2}}), g({{2, 1}})});
  task.test.push_back(Example{g({{3, 4}}), std::nullopt});
  const auto identity = [](const Grid& x) { return x; };
  const Augmenter transpose = Augmenter::transpose();
  std::vector<InferenceQuery> queries;
  queries.push_back(InferenceQuery{task, "identity", identity, identity});
  queries.push_back(InferenceQuery{task, "PermuteColors", identity, {}});  // no grid-level forward
  queries.push_back(InferenceQuery{task, transpose.name(), identity, [transpose](const Grid& x) { return transpose.apply(x); }});
  const std::size_t prompt = serialize_query_tokens(task, 0).size();
  const std::vector<Grid> candidates{g({{1, 2, 3}}), g({{5}})};
  // 1×3 → 5 answer tokens as is (3 cells, a row end, EOX), 7 transposed (3×1); 1×1 → 3.
  EXPECT_EQ(scoring_queries(queries, candidates, prompt + 7), (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(scoring_queries(queries, candidates, prompt + 6), (std::vector<std::size_t>{0}));
  EXPECT_EQ(scoring_queries(queries, candidates, prompt + 5), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(scoring_queries(queries, candidates, prompt + 4).empty());
}
