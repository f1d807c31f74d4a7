#include "ttt/arc/grid_tokens.h"

#include <gtest/gtest.h>

#include "ttt/util/error.h"
#include "arc/tiny_task.h"

namespace ttt::arc {
namespace {

using testing::g;
using testing::tiny_task;

constexpr std::int32_t R = kTokenRowEnd, I = kTokenInput, O = kTokenOutput, X = kTokenEndOfExample,
                       B = kTokenBos, E = kTokenEos;

TEST(GridTokens, VocabularyIdsAreDistinctAndDocumented) {
  EXPECT_EQ(kGridVocabSize, 17);
  EXPECT_EQ(grid_token_name(0), "0");
  EXPECT_EQ(grid_token_name(9), "9");
  EXPECT_EQ(grid_token_name(R), "<row>");
  EXPECT_EQ(grid_token_name(I), "<in>");
  EXPECT_EQ(grid_token_name(O), "<out>");
  EXPECT_EQ(grid_token_name(X), "<eox>");
  EXPECT_EQ(grid_token_name(B), "<bos>");
  EXPECT_EQ(grid_token_name(E), "<eos>");
  EXPECT_EQ(grid_token_name(kTokenPad), "<pad>");
  EXPECT_EQ(grid_token_name(17), "<bad:17>");
}

TEST(GridTokens, GridIsRowsClosedByRowEnd) {
  std::vector<std::int32_t> ids;
  append_grid_tokens(g({{1, 2}, {3, 4}}), ids);
  EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 2, R, 3, 4, R}));
}

TEST(GridTokens, TrainingSequenceAndLossOnAllOutputsButTheFirst) {
  const TokenSequence seq = serialize_task_tokens(tiny_task(), 0, true);
  const std::vector<std::int32_t> ids{
      B,                                     // bos
      I, 1, R, O, 2, R, X,                   // demo 1: output masked
      I, 3, 4, R, O, 5, R, 6, R, X,          // demo 2: output + eox in loss
      I, 7, R, O, 8, 9, R, X, E};            // query: answer + eox + eos in loss
  const std::vector<std::uint8_t> mask{
      0,
      0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
      0, 0, 0, 0, 1, 1, 1, 1, 1};
  EXPECT_EQ(seq.ids, ids);
  EXPECT_EQ(seq.in_loss, mask);
}

TEST(GridTokens, QueryPromptEndsAfterOutputMarkerAndHasNoLoss) {
  const Task task = tiny_task();
  const TokenSequence seq = serialize_task_tokens(task, 0, false);
  const std::vector<std::int32_t> ids{B, I, 1, R, O, 2, R, X, I, 3, 4, R, O, 5, R, 6, R, X, I, 7, R, O};
  EXPECT_EQ(seq.ids, ids);
  EXPECT_EQ(seq.in_loss, std::vector<std::uint8_t>(ids.size(), 0));
  EXPECT_EQ(serialize_query_tokens(task, 0), ids);
}

TEST(GridTokens, QueryWithoutKnownAnswerCanStillBePrompted) {
  Task task = tiny_task();
  task.test[0].output.reset();
  EXPECT_EQ(serialize_query_tokens(task, 0).back(), O);
  EXPECT_THROW(serialize_task_tokens(task, 0, true), Error);
}

TEST(GridTokens, RejectsBadTaskShapesWithErrors) {
  Task task = tiny_task();
  EXPECT_THROW(serialize_task_tokens(task, 1, false), Error);
  task.train[1].output.reset();
  try {
    serialize_task_tokens(task, 0, false);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train[1] has no output"), std::string::npos) << e.what();
  }
}

TEST(GridTokens, ParsesGeneratedGridUpToEndMarker) {
  auto grid = parse_grid_tokens({1, 2, R, 3, 4, R, X, 9, 9, R});
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(*grid, g({{1, 2}, {3, 4}}));
  grid = parse_grid_tokens({5, R, E});
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(*grid, g({{5}}));
  // Truncated generation without a stop token, and a last row without ROW_END, are still a grid.
  EXPECT_EQ(parse_grid_tokens({1, 2, R, 3, 4}), g({{1, 2}, {3, 4}}));
}

TEST(GridTokens, RoundTripsSerializedAnswer) {
  const Task task = tiny_task();
  const TokenSequence full = serialize_task_tokens(task, 0, true);
  const std::size_t prompt = serialize_query_tokens(task, 0).size();
  std::vector<std::int32_t> generated(full.ids.begin() + static_cast<std::ptrdiff_t>(prompt), full.ids.end());
  EXPECT_EQ(parse_grid_tokens(generated), task.test[0].output);
}

TEST(GridTokens, RejectsMalformedGenerations) {
  EXPECT_FALSE(parse_grid_tokens({}).has_value());                // nothing
  EXPECT_FALSE(parse_grid_tokens({X}).has_value());               // stops immediately
  EXPECT_FALSE(parse_grid_tokens({1, 2, R, 3, R, X}).has_value()); // ragged
  EXPECT_FALSE(parse_grid_tokens({1, R, R, 2, R}).has_value());   // empty row
  EXPECT_FALSE(parse_grid_tokens({R, 1, R}).has_value());         // empty first row
  EXPECT_FALSE(parse_grid_tokens({1, O, R}).has_value());         // marker inside
  EXPECT_FALSE(parse_grid_tokens({1, kTokenPad, R}).has_value()); // padding inside
  EXPECT_FALSE(parse_grid_tokens({1, 17, R}).has_value());        // outside the vocabulary
  EXPECT_FALSE(parse_grid_tokens({1, -1, R}).has_value());
}

TEST(GridTokens, RejectsSidesOver30) {
  std::vector<std::int32_t> wide(31, 3);
  wide.push_back(R);
  EXPECT_FALSE(parse_grid_tokens(wide).has_value());
  wide.erase(wide.begin());  // 30 wide is fine
  EXPECT_TRUE(parse_grid_tokens(wide).has_value());

  std::vector<std::int32_t> tall;
  for (int r = 0; r < 31; ++r) tall.insert(tall.end(), {4, R});
  EXPECT_FALSE(parse_grid_tokens(tall).has_value());
  tall.resize(60);
  auto grid = parse_grid_tokens(tall);
  ASSERT_TRUE(grid.has_value());
  EXPECT_EQ(grid->height(), 30);
  EXPECT_EQ(grid->width(), 1);
}

}  // namespace
}  // namespace ttt::arc
