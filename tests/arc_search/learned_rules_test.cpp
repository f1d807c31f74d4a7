// The learned final steps beyond the color map: local rules and per-object recoloring, on hand-made
// demonstrations, including the guards that refuse to memorize.
#include <gtest/gtest.h>

#include "arc_search/test_grids.h"
#include "ttt/arc/search/local_rule.h"
#include "ttt/arc/search/object_recolor.h"
#include "ttt/arc/search/search.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::arc::search::testing::show;

TEST(SearchLocalRule, LearnsACrossNeighbourhoodRule) {
  // Background cells left of a 1 become 2 (a one-cell "shadow"), everything else stays. The test's
  // neighbourhoods (edges included) all occur in the demonstrations.
  const std::vector<Grid> in = {G({{0, 1, 0, 0, 1, 1, 0}}), G({{0, 0, 1, 0, 1, 0, 1}}), G({{1, 0, 0, 1, 1, 0, 0}})};
  const std::vector<Grid> out = {G({{2, 1, 0, 2, 1, 1, 0}}), G({{0, 2, 1, 2, 1, 2, 1}}), G({{1, 0, 2, 1, 1, 0, 0}})};
  const Grid test = G({{0, 0, 1, 0, 0, 1, 1, 0}});
  const auto rule = learn_local_rule(in, out, {test});
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->name(), "local_rule(cross)");
  EXPECT_EQ(show(apply_local_rule(*rule, test)), "02102110\n");
}

TEST(SearchLocalRule, RefusesConflictsAndUnseenNeighbourhoods) {
  // The same neighbourhood must not map to two colors.
  EXPECT_FALSE(learn_local_rule({G({{0, 0, 0}}), G({{0, 0, 0}})}, {G({{0, 0, 0}}), G({{0, 3, 0}})}, {G({{0}})}));
  // A test neighbourhood never seen in the demonstrations (a 5) means no rule.
  EXPECT_FALSE(learn_local_rule({G({{0, 1}})}, {G({{2, 1}})}, {G({{5, 1}})}));
}

TEST(SearchObjectRecolor, LearnsColorBySizeRank) {
  // Largest object → 1, smallest → 2; the property table must cover the test's objects.
  const std::vector<Grid> in = {G({{5, 5, 0, 5}, {5, 0, 0, 0}}), G({{5, 0, 5, 5}, {0, 0, 5, 5}})};
  const std::vector<Grid> out = {G({{1, 1, 0, 2}, {1, 0, 0, 0}}), G({{2, 0, 1, 1}, {0, 0, 1, 1}})};
  const Grid test = G({{5, 0, 0}, {0, 0, 5}, {0, 5, 5}});
  const auto rule = learn_object_recolor(in, out, {test}, 0);
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->name(), "recolor_objects(objects4,by=size_rank)");
  EXPECT_EQ(show(apply_object_recolor(*rule, test, 0)), "200\n001\n011\n");
}

TEST(SearchObjectRecolor, RefusesUnevenRecoloringAndChangesOutsideObjects) {
  // Half an object recolored: no property explains it.
  EXPECT_FALSE(learn_object_recolor({G({{5, 5}})}, {G({{1, 5}})}, {G({{5, 5}})}, 0));
  // A background cell changes: not a recoloring of objects.
  EXPECT_FALSE(learn_object_recolor({G({{5, 0}})}, {G({{1, 1}})}, {G({{5, 0}})}, 0));
}

TEST(SearchObjectRecolor, FoundBySearchAsAProgramStep) {
  Task task;
  task.id = "by-hole";
  // Objects with a hole become 3, solid ones stay 5 (a property table: has_hole → color).
  task.train.push_back({G({{5, 5, 5, 0, 5}, {5, 0, 5, 0, 5}, {5, 5, 5, 0, 0}}),
                        G({{3, 3, 3, 0, 5}, {3, 0, 3, 0, 5}, {3, 3, 3, 0, 0}})});
  task.train.push_back({G({{5, 5, 0, 0, 0}, {0, 0, 5, 5, 5}, {0, 0, 5, 0, 5}, {0, 0, 5, 5, 5}}),
                        G({{5, 5, 0, 0, 0}, {0, 0, 3, 3, 3}, {0, 0, 3, 0, 3}, {0, 0, 3, 3, 3}})});
  task.test.push_back({G({{0, 5, 5, 5}, {0, 5, 0, 5}, {0, 5, 5, 5}, {5, 0, 0, 0}}), std::nullopt});
  SearchOptions o;
  o.max_depth = 1;
  const SearchResult r = search_programs(task, o);
  ASSERT_FALSE(r.programs.empty());
  EXPECT_EQ(show(r.programs[0].test_outputs[0]), "0333\n0303\n0333\n5000\n") << r.programs[0].text();
}
