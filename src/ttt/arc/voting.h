#pragma once
// Two-level voting over augmented predictions (spec: Augmented inference and voting).
//
// Every prediction is tagged with the transform its query went through ("identity" or the augmenter's
// name; its output has already been mapped back by the inverse).
//
// Level 1 — groups. One group per transform plus the group "all" holding every prediction. Each
// non-empty group nominates exactly three grids (top_three_with_fill):
//   1. its distinct outputs ranked by count, ties going to the output that appeared first, up to three;
//   2. while fewer than three: the row-majority grid if it is not nominated yet, otherwise the
//      column-majority grid — even when that repeats a nomination. So a group whose outputs all agree
//      nominates its grid three times: agreement within a group counts as extra weight, as in the
//      paper's implementation.
// Level 2 — pool. The nominations are pooled in group order ("all", "identity", then the other
// transforms in order of first appearance) and top_three_with_fill runs again on the pool → C1, C2, C3.
// Ties in the pool therefore go to the earlier nomination, i.e. to the grid the "all" group ranked higher.
// Tie rule: if C2 and C3 are different grids nominated equally often, the one produced by more identity
// predictions becomes C2; if those counts are equal too, C2 stays (it won the first-appearance tie).
// attempt_1 = C1, attempt_2 = C2.
//
// Majority grids (precise definitions; ties always go to what appeared first in `outputs`):
//   row-majority:    take the most common shape H×W among the outputs; for each row r < H, the most
//                    common row r among the outputs of that shape. The result has shape H×W.
//   column-majority: the same with columns: for each column c < W, the most common column c.
// A fill is only needed when a group has at most two distinct outputs, and then both majority grids equal
// the group's top-ranked output, so the fill repeats it ([A A A] for a unanimous group, [X Y X] for two);
// rows (columns) of different outputs only combine when there are three or more distinct outputs.
// Where this differs from the paper's code (ekinakyurek/marc): its row-majority also takes rows from
// outputs of other shapes that happen to have the right width, its ties depend on Python set order, and
// when C2 and C3 have equal identity counts it picks C3; here every tie goes to first appearance.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc {

inline constexpr std::string_view kIdentityTransform = "identity";
inline constexpr std::string_view kAllGroup = "all";

struct Prediction {
  std::string transform;  // "identity" or the augmenter's name; "all" is reserved
  Grid output;            // already mapped back with the transform's inverse
};

struct GroupNominations {
  std::string group;          // "all", "identity" or a transform name
  std::vector<Grid> nominated;  // exactly three, possibly repeated
};

struct VoteResult {
  Grid attempt_1;
  Grid attempt_2;
  std::vector<Grid> finalists;          // C1, C2, C3 after the tie rule (may repeat); empty if no predictions
  std::vector<GroupNominations> groups;  // level-1 nominations in pool order
};

// Distinct outputs, most common first; equal counts keep the order of first appearance.
std::vector<Grid> distinct_by_count(const std::vector<Grid>& outputs);

// nullopt for no outputs.
std::optional<Grid> row_majority_grid(const std::vector<Grid>& outputs);
std::optional<Grid> column_majority_grid(const std::vector<Grid>& outputs);

// Exactly three nominations for a non-empty list, none for an empty one (rules above).
std::vector<Grid> top_three_with_fill(const std::vector<Grid>& outputs);

// Both attempts are [[0]] when there are no predictions (the submission's "no prediction").
// Throws ttt::Error for a prediction whose transform is named "all".
VoteResult vote(const std::vector<Prediction>& predictions);

}  // namespace ttt::arc
