// Augmenters: hand-checked small cases (numpy conventions), properties over random grids and tasks,
// determinism under a seed, and the 30-cell limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "arc/random_tasks.h"
#include "ttt/arc/augment.h"
#include "ttt/arc/grid_geometry.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"

using namespace ttt::arc;
using ttt::arc::testing::random_grid;
using ttt::arc::testing::random_task;

namespace {

Grid rows(const std::vector<std::vector<int>>& r) { return Grid::from_rows(r); }

const Grid k2x3 = rows({{1, 2, 3}, {4, 5, 6}});
const Grid k2x2 = rows({{1, 2}, {3, 4}});

Task one_example_task(const Grid& in, const Grid& out) {
  return Task{"t", {Example{in, out}}, {Example{in, std::nullopt}}};
}

// Every augmenter the spec names, with its parameters.
std::vector<Augmenter> all_deterministic() {
  return {Augmenter::identity(),
          Augmenter::rotate(90),
          Augmenter::rotate(180),
          Augmenter::rotate(270),
          Augmenter::flip(0),
          Augmenter::flip(1),
          Augmenter::transpose(),
          Augmenter::reflect(0, false),
          Augmenter::reflect(0, true),
          Augmenter::reflect(1, false),
          Augmenter::reflect(1, true),
          Augmenter::increase_resolution(2),
          Augmenter::increase_height(2),
          Augmenter::increase_width(3),
          Augmenter::repeat(0, 2),
          Augmenter::repeat(1, 3),
          Augmenter::repeat(2, 2),
          Augmenter::chain({Augmenter::rotate(90), Augmenter::increase_resolution(2)}),
          Augmenter::chain({Augmenter::flip(1), Augmenter::transpose()})};
}

std::vector<Augmenter> invertible_deterministic() {
  std::vector<Augmenter> out;
  for (const auto& a : all_deterministic())
    if (a.is_invertible()) out.push_back(a);
  return out;
}

std::multiset<int> cell_multiset(const Grid& g) { return std::multiset<int>(g.cells().begin(), g.cells().end()); }

}  // namespace

// Expected values written out from numpy: np.rot90([[1,2,3],[4,5,6]]) == [[3,6],[2,5],[1,4]].
TEST(Augment, RotationsFollowNumpyRot90CounterClockwise) {
  EXPECT_EQ(Augmenter::rotate(90).apply(k2x3), rows({{3, 6}, {2, 5}, {1, 4}}));
  EXPECT_EQ(Augmenter::rotate(180).apply(k2x3), rows({{6, 5, 4}, {3, 2, 1}}));
  EXPECT_EQ(Augmenter::rotate(270).apply(k2x3), rows({{4, 1}, {5, 2}, {6, 3}}));
  EXPECT_EQ(Augmenter::rotate(90).apply(k2x2), rows({{2, 4}, {1, 3}}));
}

TEST(Augment, FlipsTransposeAndReflectByHand) {
  EXPECT_EQ(Augmenter::flip(0).apply(k2x3), rows({{4, 5, 6}, {1, 2, 3}}));
  EXPECT_EQ(Augmenter::flip(1).apply(k2x3), rows({{3, 2, 1}, {6, 5, 4}}));
  EXPECT_EQ(Augmenter::transpose().apply(k2x3), rows({{1, 4}, {2, 5}, {3, 6}}));
  EXPECT_EQ(Augmenter::reflect(0, false).apply(k2x3), rows({{1, 2, 3}, {4, 5, 6}, {4, 5, 6}, {1, 2, 3}}));
  EXPECT_EQ(Augmenter::reflect(0, true).apply(k2x3), rows({{4, 5, 6}, {1, 2, 3}, {1, 2, 3}, {4, 5, 6}}));
  EXPECT_EQ(Augmenter::reflect(1, false).apply(k2x3), rows({{1, 2, 3, 3, 2, 1}, {4, 5, 6, 6, 5, 4}}));
  EXPECT_EQ(Augmenter::reflect(1, true).apply(k2x3), rows({{3, 2, 1, 1, 2, 3}, {6, 5, 4, 4, 5, 6}}));
}

TEST(Augment, ResolutionHeightWidthAndRepeatByHand) {
  EXPECT_EQ(Augmenter::increase_resolution(2).apply(k2x2),
            rows({{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}));
  EXPECT_EQ(Augmenter::increase_height(2).apply(k2x2), rows({{1, 2}, {1, 2}, {3, 4}, {3, 4}}));
  EXPECT_EQ(Augmenter::increase_width(2).apply(k2x2), rows({{1, 1, 2, 2}, {3, 3, 4, 4}}));
  EXPECT_EQ(Augmenter::increase_height(3).apply(rows({{7, 8}})), rows({{7, 8}, {7, 8}, {7, 8}}));
  EXPECT_EQ(Augmenter::repeat(0, 2).apply(k2x2), rows({{1, 2}, {3, 4}, {1, 2}, {3, 4}}));
  EXPECT_EQ(Augmenter::repeat(1, 2).apply(k2x2), rows({{1, 2, 1, 2}, {3, 4, 3, 4}}));
  EXPECT_EQ(Augmenter::repeat(2, 2).apply(k2x2), rows({{1, 2, 1, 2}, {3, 4, 3, 4}, {1, 2, 1, 2}, {3, 4, 3, 4}}));
  EXPECT_EQ(Augmenter::repeat(1, 3).apply(rows({{5}, {6}})), rows({{5, 5, 5}, {6, 6, 6}}));
  // Chain applies left to right: rotate first, then scale.
  EXPECT_EQ(Augmenter::chain({Augmenter::rotate(90), Augmenter::increase_resolution(2)}).apply(k2x2),
            rows({{2, 2, 4, 4}, {2, 2, 4, 4}, {1, 1, 3, 3}, {1, 1, 3, 3}}));
}

TEST(Augment, RollFollowsNumpy) {
  // np.roll([[1,2,3],[4,5,6]], (1, 1), axis=(0, 1)) == [[6,4,5],[3,1,2]]
  EXPECT_EQ(rolled(k2x3, 1, 1), rows({{6, 4, 5}, {3, 1, 2}}));
  EXPECT_EQ(rolled(k2x3, 0, -1), rows({{2, 3, 1}, {5, 6, 4}}));
  EXPECT_EQ(rolled(k2x3, 2, 3), k2x3);
}

TEST(Augment, Names) {
  EXPECT_EQ(Augmenter::rotate(90).name(), "Rotate(90)");
  EXPECT_EQ(Augmenter::flip(1).name(), "Flip(1)");
  EXPECT_EQ(Augmenter::reflect(0, true).name(), "Reflect(0,reverse)");
  EXPECT_EQ(Augmenter::reflect(1, false).name(), "Reflect(1)");
  EXPECT_EQ(Augmenter::repeat(2, 2).name(), "Repeat(2,2)");
  EXPECT_EQ(Augmenter::chain({Augmenter::transpose(), Augmenter::increase_resolution(2)}).name(),
            "Chain[Transpose,IncreaseResolution(2)]");
  EXPECT_EQ(Augmenter::permute_colors().name(), "PermuteColors");
  EXPECT_EQ(Augmenter::random_translate_xy().name(), "RandomTranslateXY");
}

TEST(Augment, InvalidParametersAndMisuseAreErrors) {
  EXPECT_THROW(Augmenter::rotate(45), ttt::Error);
  EXPECT_THROW(Augmenter::flip(2), ttt::Error);
  EXPECT_THROW(Augmenter::reflect(-1, false), ttt::Error);
  EXPECT_THROW(Augmenter::repeat(3, 2), ttt::Error);
  EXPECT_THROW(Augmenter::repeat(0, 0), ttt::Error);
  EXPECT_THROW(Augmenter::increase_resolution(0), ttt::Error);
  EXPECT_THROW(Augmenter::chain({}), ttt::Error);
  EXPECT_THROW(Augmenter::permute_colors().apply(k2x2), ttt::Error);  // random: task level only
  EXPECT_THROW(Augmenter::reflect(0, false).invert(k2x2), ttt::Error);
  EXPECT_THROW(Augmenter::chain({Augmenter::rotate(90), Augmenter::repeat(0, 2)}).invert(k2x2), ttt::Error);
}

TEST(Augment, InvertibilityFollowsTheSpec) {
  for (const auto& a : {Augmenter::rotate(90), Augmenter::rotate(180), Augmenter::rotate(270), Augmenter::flip(0),
                        Augmenter::flip(1), Augmenter::transpose(), Augmenter::permute_colors()})
    EXPECT_TRUE(a.is_invertible()) << a.name();
  for (const auto& a : {Augmenter::reflect(0, true), Augmenter::random_translate_xy(), Augmenter::increase_resolution(2),
                        Augmenter::increase_height(2), Augmenter::increase_width(2), Augmenter::repeat(2, 2),
                        Augmenter::chain({Augmenter::rotate(90), Augmenter::increase_resolution(2)})})
    EXPECT_FALSE(a.is_invertible()) << a.name();
}

// inverse ∘ augment = identity, over many random grids of every size up to 30.
TEST(Augment, InverseUndoesEveryInvertibleAugmenterOnRandomGrids) {
  DeterministicRng rng(1);
  for (int trial = 0; trial < 300; ++trial) {
    const Grid g = random_grid(rng);
    for (const auto& a : invertible_deterministic()) {
      const Grid forward = a.apply(g);
      ASSERT_EQ(a.invert(forward), g) << a.name() << " on " << g.height() << "x" << g.width();
      EXPECT_EQ(cell_multiset(forward), cell_multiset(g)) << a.name() << " only moves cells";
    }
  }
}

TEST(Augment, ShapesOnRandomGrids) {
  DeterministicRng rng(2);
  for (int trial = 0; trial < 300; ++trial) {
    const Grid g = random_grid(rng);
    const int h = g.height(), w = g.width();
    auto shape = [](const Grid& x) { return std::make_pair(x.height(), x.width()); };
    using P = std::pair<int, int>;
    EXPECT_EQ(shape(Augmenter::rotate(90).apply(g)), P(w, h));
    EXPECT_EQ(shape(Augmenter::rotate(180).apply(g)), P(h, w));
    EXPECT_EQ(shape(Augmenter::rotate(270).apply(g)), P(w, h));
    EXPECT_EQ(shape(Augmenter::flip(0).apply(g)), P(h, w));
    EXPECT_EQ(shape(Augmenter::transpose().apply(g)), P(w, h));
    EXPECT_EQ(shape(Augmenter::reflect(0, true).apply(g)), P(2 * h, w));
    EXPECT_EQ(shape(Augmenter::reflect(1, false).apply(g)), P(h, 2 * w));
    EXPECT_EQ(shape(Augmenter::increase_resolution(3).apply(g)), P(3 * h, 3 * w));
    EXPECT_EQ(shape(Augmenter::increase_height(2).apply(g)), P(2 * h, w));
    EXPECT_EQ(shape(Augmenter::increase_width(2).apply(g)), P(h, 2 * w));
    EXPECT_EQ(shape(Augmenter::repeat(0, 3).apply(g)), P(3 * h, w));
    EXPECT_EQ(shape(Augmenter::repeat(1, 2).apply(g)), P(h, 2 * w));
    EXPECT_EQ(shape(Augmenter::repeat(2, 2).apply(g)), P(2 * h, 2 * w));
  }
}

// Independent identities between the geometric augmenters, cell by cell.
TEST(Augment, GeometricIdentitiesOnRandomGrids) {
  DeterministicRng rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    const Grid g = random_grid(rng);
    const Grid r90 = Augmenter::rotate(90).apply(g);
    EXPECT_EQ(Augmenter::rotate(90).apply(r90), Augmenter::rotate(180).apply(g));
    EXPECT_EQ(Augmenter::rotate(90).apply(Augmenter::rotate(180).apply(g)), Augmenter::rotate(270).apply(g));
    EXPECT_EQ(Augmenter::flip(0).apply(r90), Augmenter::transpose().apply(g));
    EXPECT_EQ(Augmenter::flip(1).apply(Augmenter::flip(0).apply(g)), Augmenter::rotate(180).apply(g));
    // rot90: cell (r, c) goes to (w-1-c, r).
    for (int r = 0; r < g.height(); ++r)
      for (int c = 0; c < g.width(); ++c) ASSERT_EQ(r90.at(g.width() - 1 - c, r), g.at(r, c));
    // IncreaseResolution(2): cell (r, c) fills the 2×2 block at (2r, 2c).
    const Grid big = Augmenter::increase_resolution(2).apply(g);
    for (int rr = 0; rr < big.height(); ++rr)
      for (int cc = 0; cc < big.width(); ++cc) ASSERT_EQ(big.at(rr, cc), g.at(rr / 2, cc / 2));
    const Grid tiles = Augmenter::repeat(2, 2).apply(g);
    for (int rr = 0; rr < tiles.height(); ++rr)
      for (int cc = 0; cc < tiles.width(); ++cc) ASSERT_EQ(tiles.at(rr, cc), g.at(rr % g.height(), cc % g.width()));
  }
}

TEST(Augment, TaskLevelTransformsEveryGridAndKeepsUnknownOutputs) {
  Task t{"abc", {Example{k2x3, k2x2}, Example{k2x2, k2x3}}, {Example{k2x3, std::nullopt}, Example{k2x2, k2x2}}};
  DeterministicRng rng(0);
  const auto out = Augmenter::transpose().augment(t, rng);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->task.id, "abc");
  ASSERT_EQ(out->task.train.size(), 2u);
  ASSERT_EQ(out->task.test.size(), 2u);
  EXPECT_EQ(out->task.train[0].input, transposed(k2x3));
  EXPECT_EQ(*out->task.train[0].output, transposed(k2x2));
  EXPECT_EQ(*out->task.train[1].output, transposed(k2x3));
  EXPECT_FALSE(out->task.test[0].output.has_value());
  EXPECT_EQ(*out->task.test[1].output, transposed(k2x2));
  ASSERT_TRUE(out->invert);
  EXPECT_EQ(out->invert(*out->task.test[1].output), k2x2);
}

// Task-level inverses, including the drawn color map and chains, over random tasks and seeds.
TEST(Augment, TaskInverseRestoresTheTestOutput) {
  std::vector<Augmenter> augmenters = invertible_deterministic();
  augmenters.push_back(Augmenter::permute_colors());
  augmenters.push_back(Augmenter::permute_examples());
  augmenters.push_back(Augmenter::chain({Augmenter::permute_colors(), Augmenter::rotate(90), Augmenter::flip(1)}));
  DeterministicRng rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    const Task t = random_task(rng, 3, 30, static_cast<int>(rng.below(10)));
    for (const auto& a : augmenters) {
      const auto out = a.augment(t, rng);
      ASSERT_TRUE(out.has_value()) << a.name();
      ASSERT_TRUE(out->invert) << a.name();
      EXPECT_EQ(out->invert(*out->task.test[0].output), *t.test[0].output) << a.name();
      // The inverse works on grids the task never held, too (a prediction may use any color).
      const Grid any = random_grid(rng, 5);
      if (!a.is_random()) EXPECT_EQ(out->invert(a.apply(any)), any) << a.name();
    }
  }
  for (const auto& a : {Augmenter::reflect(0, false), Augmenter::random_translate_xy(),
                        Augmenter::chain({Augmenter::permute_colors(), Augmenter::increase_width(2)})}) {
    const auto out = a.augment(random_task(rng, 2, 5), rng);
    ASSERT_TRUE(out.has_value());
    EXPECT_FALSE(out->invert) << a.name();
  }
}

TEST(Augment, PermuteColorsKeepsZeroAndPrefersUnusedColors) {
  DeterministicRng rng(5);
  for (int trial = 0; trial < 500; ++trial) {
    const Task t = random_task(rng, 2, 4, static_cast<int>(rng.below(10)));
    std::set<int> used;
    for (const auto* ex : {&t.train, &t.test})
      for (const auto& e : *ex) {
        for (auto v : e.input.cells()) used.insert(v);
        for (auto v : e.output->cells()) used.insert(v);
      }
    used.erase(0);
    const auto map = draw_color_permutation(t, rng);
    EXPECT_EQ(map[0], 0);
    std::set<int> image(map.begin(), map.end());
    EXPECT_EQ(image.size(), 10u) << "a permutation of 0-9";
    // The first min(k, 9-k) used colors (ascending) must land on colors the task does not use.
    const std::size_t k = used.size();
    std::size_t i = 0;
    for (int c : used) {
      if (i++ >= std::min(k, 9 - k)) break;
      EXPECT_EQ(used.count(map[c]), 0u) << "color " << c << " -> " << int(map[c]) << " with " << k << " used";
    }
  }
}

TEST(Augment, PermuteColorsCountsTheTestPairAndIsApplied) {
  // Train uses only 1; the test output alone uses 2. Both count as used, so neither maps to 1 or 2.
  Task t{"t", {Example{rows({{1, 0}}), rows({{0, 1}})}}, {Example{rows({{1}}), rows({{2}})}}};
  std::set<int> targets_of_1;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    DeterministicRng rng(seed);
    const auto map = draw_color_permutation(t, rng);
    EXPECT_NE(map[1], 1);
    EXPECT_NE(map[1], 2);
    EXPECT_NE(map[2], 1);
    EXPECT_NE(map[2], 2);
    targets_of_1.insert(map[1]);
    const auto out = Augmenter::permute_colors().apply(t, seed);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->train[0].input, rows({{map[1], 0}}));
    EXPECT_EQ(*out->test[0].output, rows({{map[2]}}));
  }
  EXPECT_EQ(targets_of_1, (std::set<int>{3, 4, 5, 6, 7, 8, 9})) << "every unused color is reachable";
  // With all nine colors used the map permutes them among themselves.
  Task full{"f", {Example{rows({{1, 2, 3, 4, 5, 6, 7, 8, 9}}), rows({{0}})}}, {Example{rows({{1}}), std::nullopt}}};
  DeterministicRng rng(9);
  const auto map = draw_color_permutation(full, rng);
  EXPECT_EQ(std::set<int>(map.begin() + 1, map.end()), (std::set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(Augment, RandomTranslateUsesOneShiftForTheWholeTask) {
  DeterministicRng rng(6);
  std::set<std::pair<int, int>> seen;
  for (int trial = 0; trial < 300; ++trial) {
    // Half the tasks have only sides ≥ 4, where all 16 shifts are allowed.
    const Task t = random_task(rng, 3, 12, 9, trial % 2 == 0 ? 4 : 1);
    int min_h = 30, min_w = 30;
    std::vector<Grid> grids;
    for (const auto* ex : {&t.train, &t.test})
      for (const auto& e : *ex)
        for (const Grid* g : {&e.input, &*e.output}) {
          grids.push_back(*g);
          min_h = std::min(min_h, g->height());
          min_w = std::min(min_w, g->width());
        }
    const auto out = Augmenter::random_translate_xy().apply(t, rng);
    ASSERT_TRUE(out.has_value());
    std::vector<Grid> moved;
    for (const auto* ex : {&out->train, &out->test})
      for (const auto& e : *ex) {
        moved.push_back(e.input);
        moved.push_back(*e.output);
      }
    // Exactly the shifts allowed by the smallest side; at least one of them explains every grid.
    bool explained = false;
    for (int dy = 0; dy <= std::min(3, min_h - 1) && !explained; ++dy)
      for (int dx = 0; dx <= std::min(3, min_w - 1) && !explained; ++dx) {
        bool all = true;
        for (std::size_t i = 0; i < grids.size(); ++i) all = all && rolled(grids[i], dy, dx) == moved[i];
        if (all) {
          explained = true;
          if (min_h > 3 && min_w > 3) seen.insert({dy, dx});
        }
      }
    EXPECT_TRUE(explained) << "trial " << trial;
  }
  EXPECT_EQ(seen.size(), 16u) << "every shift 0..3 x 0..3 occurs on large grids";
  // A single-row grid in the task allows no vertical shift.
  Task flat{"f", {Example{rows({{1, 2, 3, 4, 5}}), rows({{5, 4, 3, 2, 1}})}}, {Example{rows({{1, 1, 2, 3, 5}}), std::nullopt}}};
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const auto out = Augmenter::random_translate_xy().apply(flat, seed);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->train[0].input.height(), 1);
  }
}

TEST(Augment, PermuteExamplesShufflesOnlyDemonstrations) {
  DeterministicRng rng(7);
  const Task t = random_task(rng, 5, 6);
  std::set<std::string> orders;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto out = Augmenter::permute_examples().apply(t, seed);
    ASSERT_TRUE(out.has_value());
    ASSERT_EQ(out->train.size(), 5u);
    std::string order;
    for (const auto& e : out->train) {
      const auto it = std::find_if(t.train.begin(), t.train.end(), [&](const Example& x) { return x.input == e.input && *x.output == *e.output; });
      ASSERT_NE(it, t.train.end());
      order += std::to_string(it - t.train.begin());
    }
    std::string sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, "01234") << "a permutation";
    orders.insert(order);
    EXPECT_EQ(out->test[0].input, t.test[0].input);
  }
  EXPECT_GT(orders.size(), 10u);
}

TEST(Augment, DeterministicUnderASeed) {
  DeterministicRng rng(8);
  const Task t = random_task(rng, 4, 8);
  const std::vector<Augmenter> random_ones = {
      Augmenter::permute_colors(), Augmenter::permute_examples(), Augmenter::random_translate_xy(),
      Augmenter::chain({Augmenter::permute_colors(), Augmenter::permute_examples()})};
  for (const auto& a : random_ones) {
    std::set<std::string> distinct;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const auto first = a.apply(t, seed);
      const auto second = a.apply(t, seed);
      ASSERT_TRUE(first && second);
      EXPECT_EQ(task_to_json(*first), task_to_json(*second)) << a.name() << " seed " << seed;
      distinct.insert(task_to_json(*first));
    }
    EXPECT_GT(distinct.size(), 1u) << a.name() << " should depend on the seed";
  }
  // Pinned draws: a change here changes every generated data set, so it must be deliberate.
  DeterministicRng pinned(12345);
  std::vector<std::size_t> draws;
  for (int i = 0; i < 5; ++i) draws.push_back(pinned.below(10));
  DeterministicRng again(12345);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(again.below(10), draws[i]);
}

TEST(Augment, ResultsOverThirtyAreDropped) {
  const Grid g15(15, 15, 1), g16(16, 16, 1), g15x16(15, 16, 2);
  const Task fits = one_example_task(g15, g15);
  EXPECT_TRUE(Augmenter::increase_resolution(2).apply(fits, 0).has_value());  // 30×30 is allowed
  EXPECT_TRUE(Augmenter::repeat(2, 2).apply(fits, 0).has_value());
  EXPECT_TRUE(Augmenter::reflect(0, false).apply(fits, 0).has_value());
  // One grid over the limit drops the whole task, even when it is only the test input.
  Task big = fits;
  big.test[0].input = g16;
  EXPECT_FALSE(Augmenter::increase_resolution(2).apply(big, 0).has_value());
  EXPECT_FALSE(Augmenter::reflect(1, true).apply(big, 0).has_value());
  EXPECT_FALSE(Augmenter::increase_height(2).apply(big, 0).has_value());
  EXPECT_FALSE(Augmenter::chain({Augmenter::rotate(90), Augmenter::increase_resolution(2)}).apply(big, 0).has_value());
  const Task wide = one_example_task(g15x16, g15);
  EXPECT_FALSE(Augmenter::repeat(2, 2).apply(wide, 0).has_value());  // 30×32
  EXPECT_TRUE(Augmenter::repeat(0, 2).apply(wide, 0).has_value());   // 30×16
  EXPECT_FALSE(Augmenter::repeat(1, 2).apply(wide, 0).has_value());  // 15×32
  EXPECT_TRUE(Augmenter::increase_height(2).apply(wide, 0).has_value());
  EXPECT_FALSE(Augmenter::increase_width(2).apply(wide, 0).has_value());
  EXPECT_TRUE(fits_arc_limits(*Augmenter::rotate(90).apply(wide, 0)));
}
