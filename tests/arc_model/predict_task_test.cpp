// predict_task with a tiny random model: per-query results are reproduced by the independent uncached
// decoder and the inverse, the attempts are the vote over them, and the [[0]] fallbacks apply when no
// query fits or no decoding finishes within the context.
#include <gtest/gtest.h>

#include "arc/random_tasks.h"
#include "arc_model/tiny_grid_model.h"
#include "ttt/arc/grid_decoder_lm.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/predict_task.h"

using namespace ttt;
using namespace ttt::arc;
using ttt::arc::testing::fast_options;
using ttt::arc::testing::grid_model;

namespace {

Task small_task(std::uint64_t seed, int demonstrations, int tests = 1) {
  DeterministicRng rng(seed);
  Task t = ttt::arc::testing::random_task(rng, demonstrations, 3);
  t.id = "small";
  for (int i = 1; i < tests; ++i) t.test.push_back(Example{ttt::arc::testing::random_grid(rng, 3), std::nullopt});
  return t;
}

bool well_formed(const Grid& g) {
  return g.height() >= 1 && g.width() >= 1 && g.height() <= kMaxGridSide && g.width() <= kMaxGridSide;
}

}  // namespace

TEST(PredictTask, QueriesMatchTheUncachedDecoderAndAttemptsAreTheVote) {
  auto model = grid_model(3);
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    const Task task = small_task(seed, 3, seed == 2 ? 2 : 1);
    const PredictTaskOptions options = fast_options();
    std::size_t progress_calls = 0;
    const TaskPrediction out =
        predict_task(model, task, options, [&](std::size_t, std::size_t, std::size_t) { ++progress_calls; });
    ASSERT_EQ(out.tests.size(), task.test.size());
    std::size_t total_queries = 0;
    for (std::size_t t = 0; t < task.test.size(); ++t) {
      const TestInputPrediction& p = out.tests[t];
      EXPECT_TRUE(well_formed(p.attempt_1));
      EXPECT_TRUE(well_formed(p.attempt_2));
      EXPECT_EQ(p.base, QueryBase::kLeaveOneOut);
      const InferenceQueries queries =
          make_inference_queries(task, t, options.queries, grid_query_length(default_answer_room(task)));
      ASSERT_EQ(p.queries.size(), queries.queries.size());
      total_queries += queries.queries.size();
      std::vector<Prediction> votes;
      for (std::size_t q = 0; q < queries.queries.size(); ++q) {
        const InferenceQuery& query = queries.queries[q];
        const QueryPrediction& record = p.queries[q];
        EXPECT_EQ(record.query_id, query.task.id);
        EXPECT_EQ(record.transform, query.transform);
        const auto prompt = serialize_query_tokens(query.task, 0);
        EXPECT_EQ(record.prompt_tokens, prompt.size());
        const auto slow = decode_grid_uncached(model, prompt, options.decode);
        ASSERT_TRUE(slow.has_value());  // 3x3 limits: at most 13 tokens, far within the budget
        ASSERT_TRUE(record.output.has_value());
        EXPECT_EQ(*record.output, query.invert(slow->grid)) << record.query_id;
        EXPECT_EQ(record.generated_tokens, slow->tokens.size());
        EXPECT_NEAR(record.log_prob, slow->log_prob, 1e-9);
        votes.push_back(Prediction{query.transform, query.invert(slow->grid)});
      }
      const VoteResult expected = vote(votes);
      EXPECT_EQ(p.attempt_1, expected.attempt_1);
      EXPECT_EQ(p.attempt_2, expected.attempt_2);
    }
    EXPECT_EQ(progress_calls, total_queries);
  }
}

TEST(PredictTask, NoFittingQueryPredictsZeroGrid) {
  auto model = grid_model(4);
  const Task task = small_task(1, 3);
  PredictTaskOptions options = fast_options();
  options.queries.max_length = 5;  // no prompt is this short
  const TaskPrediction out = predict_task(model, task, options);
  ASSERT_EQ(out.tests.size(), 1u);
  EXPECT_EQ(out.tests[0].base, QueryBase::kNone);
  EXPECT_TRUE(out.tests[0].queries.empty());
  EXPECT_EQ(out.tests[0].attempt_1, Grid::from_rows({{0}}));
  EXPECT_EQ(out.tests[0].attempt_2, Grid::from_rows({{0}}));
}

TEST(PredictTask, DecodingNeverOutgrowsTheContext) {
  // Room for exactly one generated token after the longest prompt (a grid needs at least three):
  // every query is kept but none can finish, so all outputs are missing and the attempts are [[0]].
  // All grids 2x2, so every query (transformed ones too) has the same prompt length.
  auto model = grid_model(5);
  DeterministicRng rng(2);
  const Task task = ttt::arc::testing::random_task(rng, 3, 2, 9, 2);
  PredictTaskOptions options = fast_options();
  options.answer_room = 1;
  std::size_t longest = 0;
  for (const InferenceQuery& q : make_inference_queries(task, 0, options.queries, {}).queries)
    longest = std::max(longest, serialize_query_tokens(q.task, 0).size());
  options.queries.max_length = longest + 1;
  const TaskPrediction out = predict_task(model, task, options);
  ASSERT_FALSE(out.tests[0].queries.empty());
  for (const QueryPrediction& q : out.tests[0].queries) {
    EXPECT_FALSE(q.output.has_value()) << q.query_id;
    EXPECT_EQ(q.generated_tokens, 0u);
  }
  EXPECT_EQ(out.tests[0].attempt_1, Grid::from_rows({{0}}));
}

TEST(PredictTask, CapLimitsTheQueriesDecoded) {
  auto model = grid_model(6);
  const Task task = small_task(3, 4);
  PredictTaskOptions options = fast_options();
  options.queries.max_queries = 2;
  const TaskPrediction out = predict_task(model, task, options);
  EXPECT_EQ(out.tests[0].queries.size(), 2u);
  EXPECT_TRUE(well_formed(out.tests[0].attempt_1));
  Task no_tests = task;
  no_tests.test.clear();
  EXPECT_THROW(predict_task(model, no_tests, options), ttt::Error);
}
