// Every whole-grid primitive of the search DSL against hand-computed grids.
#include <gtest/gtest.h>

#include "arc_search/test_grids.h"
#include "ttt/arc/search/primitives.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::arc::search::testing::show;

TEST(SearchPrimitives, CropToContent) {
  const Grid g = G({{0, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 4, 0}, {0, 0, 0, 0}});
  EXPECT_EQ(show(*crop_to_content(g, 0)), "30\n04\n");
  EXPECT_FALSE(crop_to_content(Grid(2, 2, 0), 0).has_value());
  EXPECT_EQ(show(*crop_to_content(G({{5, 5}, {5, 1}}), 5)), "1\n");
}

TEST(SearchPrimitives, MajorityColorBreaksTiesTowardsSmallerColor) {
  EXPECT_EQ(majority_color(G({{1, 2, 2}, {1, 3, 3}})), 1);
  EXPECT_EQ(majority_color(G({{4, 2, 2}})), 2);
}

TEST(SearchPrimitives, ScaleDownNeedsUniformBlocks) {
  EXPECT_EQ(show(*scale_down(G({{1, 1, 2, 2}, {1, 1, 2, 2}}), 2, 2)), "12\n");
  EXPECT_FALSE(scale_down(G({{1, 1, 2, 2}, {1, 3, 2, 2}}), 2, 2).has_value());
  EXPECT_FALSE(scale_down(G({{1, 1, 1}}), 1, 2).has_value());  // 3 is not a multiple of 2
  EXPECT_EQ(show(*scale_down(G({{1, 1, 2, 2}}), 1, 2)), "12\n");
}

TEST(SearchPrimitives, GravityInEveryDirection) {
  const Grid g = G({{1, 0, 0}, {0, 0, 2}, {3, 0, 0}});
  EXPECT_EQ(show(gravity(g, Side::kDown, 0)), "000\n100\n302\n");
  EXPECT_EQ(show(gravity(g, Side::kUp, 0)), "102\n300\n000\n");
  EXPECT_EQ(show(gravity(g, Side::kLeft, 0)), "100\n200\n300\n");
  EXPECT_EQ(show(gravity(g, Side::kRight, 0)), "001\n002\n003\n");
}

TEST(SearchPrimitives, ShiftLosesCellsAtTheEdge) {
  EXPECT_EQ(show(shifted(G({{1, 2}, {3, 4}}), 1, 0, 0)), "00\n12\n");
  EXPECT_EQ(show(shifted(G({{1, 2}, {3, 4}}), 0, -1, 0)), "20\n40\n");
}

TEST(SearchPrimitives, BorderFillOutlineHollow) {
  EXPECT_EQ(show(with_border(Grid(3, 4, 0), 7)), "7777\n7007\n7777\n");
  const Grid ring = G({{0, 0, 0, 0, 0}, {0, 1, 1, 1, 0}, {0, 1, 0, 1, 0}, {0, 1, 1, 1, 0}, {0, 0, 0, 0, 0}});
  EXPECT_EQ(show(fill_enclosed(ring, 4, 0)), "00000\n01110\n01410\n01110\n00000\n");
  EXPECT_EQ(show(outline_objects(G({{0, 0, 0}, {0, 5, 0}, {0, 0, 0}}), 2, 0)), "222\n252\n222\n");
  EXPECT_EQ(show(hollow(Grid(3, 3, 6), 0)), "666\n606\n666\n");
  EXPECT_EQ(show(remove_isolated(G({{1, 0, 0}, {0, 0, 2}, {0, 0, 2}}), 0)), "000\n002\n002\n");
}

TEST(SearchPrimitives, OverlayAndColors) {
  EXPECT_EQ(show(*overlay(G({{1, 0}}), G({{2, 3}}), 0)), "13\n");
  EXPECT_FALSE(overlay(G({{1}}), G({{1, 2}}), 0).has_value());
  EXPECT_EQ(show(remove_color(G({{1, 2, 1}}), 1, 0)), "020\n");
  EXPECT_EQ(show(keep_color(G({{1, 2, 1}}), 1, 0)), "101\n");
  EXPECT_EQ(show(*fill_majority_foreground(G({{1, 2, 2, 0}}), 0)), "2220\n");
  EXPECT_EQ(color_set(G({{0, 3, 9}})), (1u << 0) | (1u << 3) | (1u << 9));
}

TEST(SearchPrimitives, DedupeRowsColumns) {
  EXPECT_EQ(show(*dedupe_rows_columns(G({{1, 1, 2}, {1, 1, 2}, {3, 3, 4}}))), "12\n34\n");
  EXPECT_FALSE(dedupe_rows_columns(G({{1, 2}, {3, 4}})).has_value());
}

TEST(SearchPrimitives, SelfTileIsTheFractalCopy) {
  EXPECT_EQ(show(*self_tile(G({{1, 0}, {0, 1}}), 0)), "1000\n0100\n0010\n0001\n");
  EXPECT_FALSE(self_tile(Grid(6, 6, 1), 0).has_value());  // 36 > 30
}

TEST(SearchPrimitives, SplitBySeparators) {
  const Grid g = G({{1, 0, 5, 0, 2}, {0, 1, 5, 2, 0}, {5, 5, 5, 5, 5}, {3, 3, 5, 0, 0}, {0, 0, 5, 4, 0}});
  const auto lattice = split_by_separators(g);
  ASSERT_TRUE(lattice.has_value());
  EXPECT_EQ(lattice->separator, 5);
  EXPECT_EQ(lattice->rows, 2);
  EXPECT_EQ(lattice->columns, 2);
  ASSERT_EQ(lattice->cells.size(), 4u);
  EXPECT_EQ(show(lattice->cells[1]), "02\n20\n");
  EXPECT_EQ(show(lattice->cells[3]), "00\n40\n");
  EXPECT_FALSE(split_by_separators(G({{1, 2}, {3, 4}})).has_value());
}

TEST(SearchPrimitives, SplitInTwoUsesSeparatorOrHalves) {
  const auto by_line = split_in_two(G({{1, 0, 5, 0, 2}}), 1);
  ASSERT_TRUE(by_line.has_value());
  EXPECT_EQ(show(by_line->first), "10\n");
  EXPECT_EQ(show(by_line->second), "02\n");
  const auto halves = split_in_two(G({{1}, {2}, {3}, {4}}), 0);
  ASSERT_TRUE(halves.has_value());
  EXPECT_EQ(show(halves->first), "1\n2\n");
  EXPECT_EQ(show(halves->second), "3\n4\n");
  const auto odd = split_in_two(G({{1, 9, 2}}), 1);  // middle column dropped
  EXPECT_EQ(show(odd->first), "1\n");
  EXPECT_EQ(show(odd->second), "2\n");
}

TEST(SearchPrimitives, CombineLogic) {
  const Grid a = G({{1, 1, 0, 0}}), b = G({{2, 0, 2, 0}});
  EXPECT_EQ(show(*combine(a, b, Logic::kAnd, 0)), "1000\n");
  EXPECT_EQ(show(*combine(a, b, Logic::kOr, 0)), "1110\n");
  EXPECT_EQ(show(*combine(a, b, Logic::kXor, 0)), "0110\n");
  EXPECT_EQ(show(*combine(a, b, Logic::kNor, 0)), "0001\n");
  EXPECT_EQ(show(*combine(a, b, Logic::kLeftOnly, 0)), "0100\n");
  EXPECT_FALSE(combine(a, G({{1}}), Logic::kAnd, 0).has_value());
}
