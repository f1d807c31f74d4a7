#include "ttt/arc/voting.h"

#include <gtest/gtest.h>

#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

Grid g(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

const Grid A = g({{1}});
const Grid B = g({{2}});
const Grid C = g({{3}});
const Grid D = g({{4}});

std::vector<Grid> grids(std::initializer_list<Grid> list) { return list; }

TEST(Voting, RowMajorityTakesMostCommonRowPerIndexAmongMajorityShape) {
  // The 1×1 output appears first but its shape is in the minority, so it does not take part.
  const std::vector<Grid> outputs{g({{5}}), g({{1, 1}, {7, 7}}), g({{1, 1}, {6, 6}}), g({{2, 2}, {8, 8}}),
                                  g({{3, 3}, {8, 8}})};
  // Row 0: [1 1] twice; row 1: [8 8] twice. A grid none of the outputs is.
  EXPECT_EQ(row_majority_grid(outputs), g({{1, 1}, {8, 8}}));
  // Every column is distinct across outputs, so each falls back to the first output of the majority shape.
  EXPECT_EQ(column_majority_grid(outputs), g({{1, 1}, {7, 7}}));
}

TEST(Voting, ColumnMajorityIsRowMajorityOfTheTransposes) {
  const std::vector<Grid> outputs{g({{1, 7}, {1, 7}}), g({{1, 6}, {1, 6}}), g({{2, 8}, {2, 8}}),
                                  g({{3, 8}, {3, 8}})};
  EXPECT_EQ(column_majority_grid(outputs), g({{1, 8}, {1, 8}}));
  EXPECT_EQ(row_majority_grid(outputs), g({{1, 7}, {1, 7}}));
}

TEST(Voting, MajorityShapeTieGoesToFirstAppearance) {
  EXPECT_EQ(row_majority_grid(grids({g({{1}}), g({{2, 2}})})), g({{1}}));
  EXPECT_EQ(column_majority_grid(grids({g({{2, 2}}), g({{1}})})), g({{2, 2}}));
  EXPECT_FALSE(row_majority_grid({}).has_value());
  EXPECT_FALSE(column_majority_grid({}).has_value());
}

TEST(Voting, TopThreeRanksByCountThenFirstAppearance) {
  EXPECT_EQ(top_three_with_fill(grids({A, B, C, B, D, C, D, B})), grids({B, C, D}));
  EXPECT_EQ(top_three_with_fill(grids({D, C, B, A})), grids({D, C, B}));
  EXPECT_TRUE(top_three_with_fill({}).empty());
}

TEST(Voting, FillRepeatsTheMajorityWhenFewerThanThreeDistinct) {
  EXPECT_EQ(top_three_with_fill(grids({A, A})), grids({A, A, A}));
  EXPECT_EQ(top_three_with_fill(grids({B, A, A})), grids({A, B, A}));
  // Different shapes: the 1×2 grid is more common, so both majority grids are it.
  const Grid wide = g({{2, 3}});
  EXPECT_EQ(top_three_with_fill(grids({A, wide, wide})), grids({wide, A, wide}));
}

TEST(Voting, NoPredictionsGivesZeroGrids) {
  const VoteResult r = vote({});
  EXPECT_EQ(r.attempt_1, g({{0}}));
  EXPECT_EQ(r.attempt_2, g({{0}}));
  EXPECT_TRUE(r.finalists.empty());
}

TEST(Voting, UnanimousPredictionsFillBothAttempts) {
  const VoteResult r = vote({{"identity", A}, {"Transpose", A}});
  EXPECT_EQ(r.attempt_1, A);
  EXPECT_EQ(r.attempt_2, A);
  EXPECT_EQ(r.finalists, grids({A, A, A}));
}

TEST(Voting, TwoLevelsHandComputed) {
  // all      [A A B A C B]  -> A3 B2 C1        -> A B C
  // identity [A A B]        -> A2 B1 (+fill A) -> A B A
  // Transpose[A C]          -> tie, A first    -> A C A
  // Flip(0)  [B]                               -> B B B
  // pool: A 5, B 5, C 2; A before B (first nominated by "all") -> C1 A, C2 B, C3 C
  const VoteResult r = vote({{"identity", A}, {"identity", A}, {"identity", B},
                             {"Transpose", A}, {"Transpose", C}, {"Flip(0)", B}});
  ASSERT_EQ(r.groups.size(), 4u);
  EXPECT_EQ(r.groups[0].group, "all");
  EXPECT_EQ(r.groups[0].nominated, grids({A, B, C}));
  EXPECT_EQ(r.groups[1].group, "identity");
  EXPECT_EQ(r.groups[1].nominated, grids({A, B, A}));
  EXPECT_EQ(r.groups[2].group, "Transpose");
  EXPECT_EQ(r.groups[2].nominated, grids({A, C, A}));
  EXPECT_EQ(r.groups[3].group, "Flip(0)");
  EXPECT_EQ(r.groups[3].nominated, grids({B, B, B}));
  EXPECT_EQ(r.finalists, grids({A, B, C}));
  EXPECT_EQ(r.attempt_1, A);
  EXPECT_EQ(r.attempt_2, B);
}

TEST(Voting, GroupsArePooledAllThenIdentityThenTransformsInOrderOfAppearance) {
  const VoteResult r = vote({{"Flip(1)", A}, {"Rotate(90)", B}, {"identity", C}});
  ASSERT_EQ(r.groups.size(), 4u);
  EXPECT_EQ(r.groups[0].group, "all");
  EXPECT_EQ(r.groups[1].group, "identity");
  EXPECT_EQ(r.groups[2].group, "Flip(1)");
  EXPECT_EQ(r.groups[3].group, "Rotate(90)");
  // all [A B C] -> A B C; identity C C C; Flip(1) A A A; Rotate(90) B B B: pool A4 B4 C4, order A B C.
  // C2 (B) and C3 (C) tie at 4 nominations; C has one identity vote, B none -> C becomes C2.
  EXPECT_EQ(r.finalists, grids({A, C, B}));
  EXPECT_EQ(r.attempt_1, A);
  EXPECT_EQ(r.attempt_2, C);
}

TEST(Voting, IdentityBreaksTieBetweenSecondAndThird) {
  // all      [C A A B A B] -> A3 B2 C1 -> A B C
  // identity [C A]         -> C A C
  // Flip(0)  [A B]         -> A B A
  // Flip(1)  [A B]         -> A B A
  // pool: A 6, B 3, C 3 -> A B C before the rule; B and C tie, C has an identity vote, B none.
  const VoteResult r = vote({{"identity", C}, {"identity", A}, {"Flip(0)", A}, {"Flip(0)", B},
                             {"Flip(1)", A}, {"Flip(1)", B}});
  EXPECT_EQ(r.finalists, grids({A, C, B}));
  EXPECT_EQ(r.attempt_1, A);
  EXPECT_EQ(r.attempt_2, C);
}

TEST(Voting, EqualIdentityCountsKeepTheEarlierNominee) {
  // all      [A A B A C] -> A3 B1 C1 -> A B C
  // identity [A] -> A A A; Flip(0) [A B] -> A B A; Flip(1) [A C] -> A C A
  // pool: A 8, B 2, C 2; B and C tie with no identity votes each -> B (nominated first) stays C2.
  const VoteResult r = vote({{"identity", A}, {"Flip(0)", A}, {"Flip(0)", B}, {"Flip(1)", A}, {"Flip(1)", C}});
  EXPECT_EQ(r.finalists, grids({A, B, C}));
  EXPECT_EQ(r.attempt_2, B);
}

TEST(Voting, NoTieNoSwapEvenWithMoreIdentityVotes) {
  // all [B B C] -> B C B; identity [C] -> C C C; Flip(0) [B B] -> B B B.
  // pool: B 5, C 4 -> C1 B, C2 C; only two distinct, so C3 is the pool's fill (B again): no swap.
  const VoteResult r = vote({{"Flip(0)", B}, {"Flip(0)", B}, {"identity", C}});
  EXPECT_EQ(r.finalists, grids({B, C, B}));
  EXPECT_EQ(r.attempt_1, B);
  EXPECT_EQ(r.attempt_2, C);
}

TEST(Voting, ReservedGroupNameIsRejected) {
  EXPECT_THROW(vote({{"all", A}}), Error);
}

}  // namespace
}  // namespace ttt::arc
