#include "ttt/arc/text_format.h"

#include <gtest/gtest.h>

#include "ttt/util/error.h"
#include "arc/tiny_task.h"

namespace ttt::arc {
namespace {

using testing::g;
using testing::tiny_task;

std::string span_text(const TextSequence& seq, const CharSpan& span) {
  return seq.text.substr(span.begin, span.end - span.begin);
}

TEST(TextFormat, GridPrintsAsNumpyDoes) {
  EXPECT_EQ(grid_to_text(g({{1, 2, 3}, {4, 5, 6}})), "[[1 2 3]\n [4 5 6]]");
  EXPECT_EQ(grid_to_text(g({{7}})), "[[7]]");
  EXPECT_EQ(grid_to_text(g({{0}, {9}})), "[[0]\n [9]]");
}

TEST(TextFormat, TrainingTextAndLossSpans) {
  const TextSequence seq = serialize_task_text(tiny_task(), 0, true);
  const std::string expected = std::string(kTextInstruction) +
                               "[[1]] -> [[2]]#\n"
                               "[[3 4]] -> [[5]\n [6]]#\n"
                               "[[7]] -> [[8 9]]#";
  EXPECT_EQ(seq.text, expected);
  const std::size_t n = kTextInstruction.size();
  // Demo 2's output starts after "[[1]] -> [[2]]#\n" (16) + "[[3 4]] -> " (11).
  const std::size_t demo2_out = n + 16 + 11;
  const std::size_t answer = demo2_out + std::string("[[5]\n [6]]#\n").size() + std::string("[[7]] -> ").size();
  ASSERT_EQ(seq.loss_spans.size(), 2u);
  EXPECT_EQ(seq.loss_spans[0], (CharSpan{demo2_out, demo2_out + 11}));
  EXPECT_EQ(seq.loss_spans[1], (CharSpan{answer, answer + 8}));
  EXPECT_EQ(span_text(seq, seq.loss_spans[0]), "[[5]\n [6]]#");
  EXPECT_EQ(span_text(seq, seq.loss_spans[1]), "[[8 9]]#");
  EXPECT_EQ(seq.prompt_length, answer);
  EXPECT_EQ(seq.text.size(), answer + 8);
}

TEST(TextFormat, QueryTextIsThePromptWithoutLoss) {
  const Task task = tiny_task();
  const TextSequence seq = serialize_task_text(task, 0, false);
  EXPECT_TRUE(seq.loss_spans.empty());
  EXPECT_EQ(seq.prompt_length, seq.text.size());
  const std::string query = serialize_query_text(task, 0);
  EXPECT_EQ(query, seq.text);
  EXPECT_EQ(query.substr(query.size() - 9), "[[7]] -> ");
  EXPECT_EQ(serialize_task_text(task, 0, true).text.substr(0, query.size()), query);
}

TEST(TextFormat, SingleDemoTaskTrainsOnlyTheAnswer) {
  Task task = tiny_task();
  task.train.pop_back();
  const TextSequence seq = serialize_task_text(task, 0, true);
  ASSERT_EQ(seq.loss_spans.size(), 1u);
  EXPECT_EQ(span_text(seq, seq.loss_spans[0]), "[[8 9]]#");
}

TEST(TextFormat, ErrorsForMissingOutputsAndIndices) {
  Task task = tiny_task();
  EXPECT_THROW(serialize_task_text(task, 2, false), Error);
  task.test[0].output.reset();
  EXPECT_NO_THROW(serialize_query_text(task, 0));
  EXPECT_THROW(serialize_task_text(task, 0, true), Error);
  task.train[0].output.reset();
  EXPECT_THROW(serialize_query_text(task, 0), Error);
}

TEST(TextFormat, ParsesPrintedGridsBack) {
  const Grid grid = g({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(parse_grid_text(grid_to_text(grid)), grid);
  EXPECT_EQ(parse_grid_text("[[7]]"), g({{7}}));
}

TEST(TextFormat, ParseToleratesWhitespaceAndStopsAtEndMarker) {
  const Grid grid = g({{1, 2}, {3, 4}});
  EXPECT_EQ(parse_grid_text("  \n[[1 2]\n [3 4]]#\n[[9 9]]"), grid);
  EXPECT_EQ(parse_grid_text("[ [ 1  2 ]\t[3 4] ]\n"), grid);
  EXPECT_EQ(parse_grid_text("[[1 2][3 4]]"), grid);
}

TEST(TextFormat, ParseIsStrictAboutGridShapeAndValues) {
  EXPECT_FALSE(parse_grid_text("").has_value());
  EXPECT_FALSE(parse_grid_text("#[[1]]").has_value());
  EXPECT_FALSE(parse_grid_text("[[1 2]\n [3]]").has_value());      // ragged
  EXPECT_FALSE(parse_grid_text("[[1 10]]").has_value());           // color 10
  EXPECT_FALSE(parse_grid_text("[[1 -1]]").has_value());           // negative
  EXPECT_FALSE(parse_grid_text("[[12]]").has_value());             // not two cells
  EXPECT_FALSE(parse_grid_text("[[1, 2]]").has_value());           // python list commas
  EXPECT_FALSE(parse_grid_text("[[1 2]").has_value());             // unclosed
  EXPECT_FALSE(parse_grid_text("[[1 2]]]").has_value());           // extra bracket
  EXPECT_FALSE(parse_grid_text("[[1 2]] x").has_value());          // trailing junk before '#'
  EXPECT_FALSE(parse_grid_text("[]").has_value());                 // no rows
  EXPECT_FALSE(parse_grid_text("[[]]").has_value());               // empty row
  EXPECT_FALSE(parse_grid_text("[1 2]").has_value());              // not nested
}

TEST(TextFormat, ParseRejectsSidesOver30) {
  std::string row = "[";
  for (int c = 0; c < 31; ++c) row += c ? " 1" : "1";
  row += "]";
  EXPECT_FALSE(parse_grid_text("[" + row + "]").has_value());
  std::string tall = "[";
  for (int r = 0; r < 31; ++r) tall += "[2]";
  EXPECT_FALSE(parse_grid_text(tall + "]").has_value());
  const Grid big(30, 30, 5);
  EXPECT_EQ(parse_grid_text(grid_to_text(big)), big);
}

}  // namespace
}  // namespace ttt::arc
