// What the search learns from demonstrations: color maps and output-size rules, and the fallback.
#include <gtest/gtest.h>

#include "arc_search/test_grids.h"
#include "ttt/arc/search/color_map.h"
#include "ttt/arc/search/output_size.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::arc::search::testing::show;

TEST(SearchColorMap, LearnsAConsistentMapAndRejectsConflicts) {
  const auto map = learn_color_map({G({{1, 2}}), G({{2, 0}})}, {G({{3, 4}}), G({{4, 0}})});
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ((*map)[1], 3);
  EXPECT_EQ((*map)[2], 4);
  EXPECT_EQ((*map)[0], 0);
  EXPECT_EQ((*map)[5], kUnmapped);
  EXPECT_EQ(show(apply_color_map(G({{1, 5, 2}}), *map)), "354\n");  // unseen 5 stays
  EXPECT_EQ(color_map_name(*map), "recolor{1->3,2->4}");
  EXPECT_FALSE(learn_color_map({G({{1, 1}})}, {G({{2, 3}})}).has_value());  // 1 → 2 and 3
  EXPECT_FALSE(learn_color_map({G({{1, 1}})}, {G({{2}, {2}})}).has_value());  // shapes differ
  ColorMapLearner identity;
  EXPECT_TRUE(identity.add(G({{1, 2}}), G({{1, 2}})));
  EXPECT_TRUE(identity.is_identity());
}

namespace {
Task demo_task(const std::vector<std::pair<Grid, Grid>>& pairs) {
  Task t;
  t.id = "sizes";
  for (const auto& [in, out] : pairs) t.train.push_back({in, out});
  t.test.push_back({G({{1, 2, 3}, {0, 0, 0}}), std::nullopt});
  return t;
}
}  // namespace

TEST(SearchOutputSize, InfersEachRule) {
  auto same = infer_size_rule(demo_task({{Grid(2, 3), Grid(2, 3)}, {Grid(4, 1), Grid(4, 1)}}));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->name(), "same_as_input");
  auto fixed = infer_size_rule(demo_task({{Grid(2, 3), Grid(1, 1)}, {Grid(4, 1), Grid(1, 1)}}));
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->name(), "fixed(1x1)");
  auto scaled = infer_size_rule(demo_task({{Grid(2, 3), Grid(4, 9)}, {Grid(3, 1), Grid(6, 3)}}));
  ASSERT_TRUE(scaled);
  EXPECT_EQ(scaled->name(), "scaled(2/1,3/1)");
  EXPECT_EQ(predict_size(*scaled, Grid(5, 2)), std::make_pair(10, 6));
  auto box = infer_size_rule(demo_task({{G({{0, 1, 1}, {0, 0, 0}}), Grid(1, 2)}, {G({{3}, {3}}), Grid(2, 1)}}));
  ASSERT_TRUE(box);
  EXPECT_EQ(box->name(), "content_box");
  EXPECT_FALSE(infer_size_rule(demo_task({{Grid(2, 2), Grid(3, 1)}, {Grid(2, 2), Grid(1, 3)}})).has_value());
}

TEST(SearchOutputSize, FallbackGuessesHaveTheInferredShape) {
  const Task same = demo_task({{G({{1, 0}}), G({{0, 1}})}, {G({{2, 0}}), G({{0, 2}})}});
  const auto [a, b] = fallback_guesses(same, same.test[0].input);
  EXPECT_EQ(a, same.test[0].input);
  const Task fixed = demo_task({{Grid(2, 3, 1), Grid(2, 2, 4)}, {Grid(4, 1, 1), Grid(2, 2, 4)}});
  const auto [c, d] = fallback_guesses(fixed, fixed.test[0].input);
  EXPECT_EQ(show(c), "44\n44\n");
  EXPECT_EQ(d, fixed.test[0].input);
}
