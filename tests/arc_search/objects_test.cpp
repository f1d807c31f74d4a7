// Connected components, lattice cells and the piece selectors on hand-made grids.
#include <gtest/gtest.h>

#include "arc_search/test_grids.h"
#include "ttt/arc/search/objects.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::arc::search::testing::show;

namespace {
// Two diagonal 1-cells (one object with 8-, two with 4-connectivity), a 2-cell, and an L of 3s.
const Grid kScene = G({{1, 0, 0, 3}, {0, 1, 0, 3}, {0, 0, 0, 3}, {2, 0, 3, 3}});
}  // namespace

TEST(SearchObjects, ConnectivityAndColorModes) {
  EXPECT_EQ(components(kScene, false, false, 0).size(), 4u);  // 1, 1, 3-L, 2
  EXPECT_EQ(components(kScene, true, false, 0).size(), 3u);
  const auto multi = components(G({{1, 2, 0}, {0, 0, 0}, {0, 0, 4}}), true, true, 0);
  ASSERT_EQ(multi.size(), 2u);
  EXPECT_EQ(show(multi[0].grid), "12\n");
  EXPECT_EQ(multi[0].colors, (1u << 1) | (1u << 2));
}

TEST(SearchObjects, PieceGeometry) {
  const auto pieces = components(kScene, true, false, 0);
  // Row-major order of first cells: the diagonal 1s, the L of 3s, the 2.
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(show(pieces[0].grid), "10\n01\n");
  EXPECT_EQ(pieces[0].cells, 2);
  EXPECT_EQ(show(pieces[1].grid), "03\n03\n03\n33\n");
  EXPECT_EQ(pieces[1].top, 0);
  EXPECT_EQ(pieces[1].left, 2);
  EXPECT_EQ(show(pieces[1].mask), "01\n01\n01\n11\n");
  EXPECT_TRUE(pieces[2].touches_border);
}

TEST(SearchObjects, Selectors) {
  const auto pieces = components(kScene, true, false, 0);
  EXPECT_EQ(select_piece(pieces, Selector::kLargest), 1u);
  EXPECT_EQ(select_piece(pieces, Selector::kSmallest), 2u);
  EXPECT_EQ(select_piece(pieces, Selector::kLargestBox), 1u);
  // Colors {1}, {3}, {2}: all unique, so no single odd one.
  EXPECT_FALSE(select_piece(pieces, Selector::kUniqueColor).has_value());
  const auto three = components(G({{1, 0, 1, 0, 2}}), true, false, 0);
  EXPECT_EQ(select_piece(three, Selector::kUniqueColor), 2u);
  EXPECT_FALSE(select_piece(three, Selector::kLargest).has_value());  // a three-way tie
  const auto shapes = components(G({{1, 0, 1, 0, 1}, {0, 0, 0, 0, 1}}), true, false, 0);
  EXPECT_EQ(select_piece(shapes, Selector::kUniqueShape), 2u);
  const auto inner = components(G({{1, 0, 0, 0, 1}, {0, 0, 2, 0, 0}, {0, 0, 0, 0, 0}}), true, false, 0);
  EXPECT_EQ(select_piece(inner, Selector::kBorderOddOne), 2u);
  const auto multi = components(G({{1, 2, 0, 3}}), true, true, 0);
  EXPECT_EQ(select_piece(multi, Selector::kMostColors), 0u);
  EXPECT_FALSE(select_piece(components(G({{1}}), true, false, 0), Selector::kLargest).has_value());
}

TEST(SearchObjects, KeepErasePaint) {
  const auto pieces = components(kScene, true, false, 0);
  EXPECT_EQ(show(keep_piece(kScene, pieces[0], 0)), "1000\n0100\n0000\n0000\n");
  EXPECT_EQ(show(erase_piece(kScene, pieces[1], 0)), "1000\n0100\n0000\n2000\n");
  EXPECT_EQ(show(paint_piece(kScene, pieces[2], 7)), "1003\n0103\n0003\n7033\n");
}

TEST(SearchObjects, LatticeCellsArePieces) {
  const Grid g = G({{1, 1, 5, 0, 2}, {1, 1, 5, 0, 0}});
  const auto cells = extract(g, Extractor::kLatticeCells, 0);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[1].left, 3);
  EXPECT_EQ(show(cells[1].grid), "02\n00\n");
  EXPECT_EQ(select_piece(cells, Selector::kLargest), 0u);
}
