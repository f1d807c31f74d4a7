// The search recovers known programs on constructed tasks, ranks simpler programs first, respects its
// budgets, is deterministic, and rejects malformed tasks.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "arc_search/test_grids.h"
#include "ttt/arc/grid_geometry.h"
#include "ttt/arc/search/color_map.h"
#include "ttt/arc/search/objects.h"
#include "ttt/arc/search/primitives.h"
#include "ttt/arc/search/search.h"
#include "ttt/arc/search/solver.h"
#include "ttt/util/error.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::arc::search::testing::show;
using ttt::arc::search::testing::task_from_rule;

namespace {

// A deterministic sparse grid: mt19937's raw output is specified by the standard.
Grid random_grid(std::mt19937& rng, int h, int w, int colors, int fill_percent) {
  Grid g(h, w, 0);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c)
      if (static_cast<int>(rng() % 100) < fill_percent) g.at(r, c) = static_cast<std::uint8_t>(1 + rng() % colors);
  return g;
}

std::vector<Grid> random_grids(std::uint32_t seed, int n, int colors, int fill_percent) {
  std::mt19937 rng(seed);
  std::vector<Grid> grids;
  for (int i = 0; i < n; ++i) grids.push_back(random_grid(rng, 3 + i % 3, 4 + i % 2, colors, fill_percent));
  return grids;
}

SearchOptions quick(int depth) {
  SearchOptions o;
  o.max_depth = depth;
  o.time_limit_s = 20;
  return o;
}

void expect_solves(const Task& task, const SearchOptions& options, const std::string& expected_program) {
  const SearchResult r = search_programs(task, options);
  ASSERT_FALSE(r.programs.empty()) << task.id << ": no program";
  EXPECT_EQ(r.programs[0].text(), expected_program);
  EXPECT_EQ(show(r.programs[0].test_outputs[0]), show(*task.test[0].output)) << r.programs[0].text();
}

}  // namespace

TEST(Search, RotateThenRecolor) {
  auto grids = random_grids(1, 4, 3, 50);
  const Grid test = grids.back();
  grids.pop_back();
  ColorMap map{0, 5, 2, 7, 4, 5, 6, 7, 8, 9};  // 1→5, 3→7
  const Task task = task_from_rule("rot-recolor", grids, test,
                                   [&map](const Grid& g) { return apply_color_map(rot90(g, 1), map); });
  expect_solves(task, quick(2), "rot90 | recolor{1->5,3->7}");
}

TEST(Search, CropTheLargestObject) {
  const std::vector<Grid> inputs = {
      G({{1, 1, 0, 0, 0}, {1, 1, 0, 2, 0}, {1, 0, 0, 0, 0}, {0, 0, 3, 0, 0}}),
      G({{0, 0, 0, 0}, {0, 4, 4, 0}, {0, 4, 0, 0}, {0, 0, 0, 2}}),
      G({{6, 0, 0, 0, 0}, {0, 0, 5, 5, 5}, {0, 0, 5, 0, 5}, {1, 0, 0, 0, 0}})};
  const Grid test = G({{0, 0, 0, 0, 0}, {0, 7, 0, 3, 3}, {0, 0, 0, 3, 0}, {0, 0, 3, 3, 0}, {1, 0, 0, 0, 0}});
  const Task task = task_from_rule("crop-largest", inputs, test, [](const Grid& g) {
    const auto pieces = components(g, false, false, 0);
    return pieces[*select_piece(pieces, Selector::kLargest)].grid;
  });
  const SearchResult r = search_programs(task, quick(2));
  ASSERT_FALSE(r.programs.empty());
  EXPECT_EQ(show(r.programs[0].test_outputs[0]), "033\n030\n330\n");
  EXPECT_EQ(r.programs[0].steps.size(), 1u) << r.programs[0].text();
  EXPECT_EQ(r.programs[0].text().rfind("crop(", 0), 0u) << r.programs[0].text();
}

TEST(Search, TileThenMirror) {
  auto grids = random_grids(7, 4, 4, 60);
  const Grid test = grids.back();
  grids.pop_back();
  const Task task = task_from_rule("tile-mirror", grids, test,
                                   [](const Grid& g) { return reflected(tiled(g, 1, 2), 0, false); });
  const SearchResult r = search_programs(task, quick(2));
  ASSERT_FALSE(r.programs.empty());
  EXPECT_EQ(r.programs[0].steps.size(), 2u) << r.programs[0].text();
  EXPECT_EQ(show(r.programs[0].test_outputs[0]), show(*task.test[0].output)) << r.programs[0].text();
}

TEST(Search, ThreeStepProgramAtDepthThree) {
  auto grids = random_grids(11, 4, 3, 40);
  const Grid test = grids.back();
  grids.pop_back();
  const auto rule = [](const Grid& g) { return with_border(gravity(flip(g, 1), Side::kDown, 0), 8); };
  const Task task = task_from_rule("three-steps", grids, test, rule);
  EXPECT_TRUE(search_programs(task, quick(2)).programs.empty() ||
              search_programs(task, quick(2)).programs[0].test_outputs[0] != *task.test[0].output);
  const SearchResult r = search_programs(task, quick(3));
  ASSERT_FALSE(r.programs.empty());
  EXPECT_EQ(show(r.programs[0].test_outputs[0]), show(*task.test[0].output)) << r.programs[0].text();
  EXPECT_EQ(r.depth_completed, 3);
}

TEST(Search, ShorterProgramsRankFirstAndAttemptsDiffer) {
  // Output = input flipped left-right; on these symmetric-free inputs flip_columns alone explains it.
  auto grids = random_grids(3, 3, 4, 70);
  const Grid test = grids.back();
  grids.pop_back();
  const Task task = task_from_rule("flip", grids, test, [](const Grid& g) { return flip(g, 1); });
  const SearchResult r = search_programs(task, quick(2));
  ASSERT_FALSE(r.programs.empty());
  EXPECT_EQ(r.programs[0].text(), "flip_columns");
  if (r.programs.size() > 1) EXPECT_NE(r.programs[0].test_outputs, r.programs[1].test_outputs);
  EXPECT_GE(r.consistent_programs, 2u);  // e.g. flip_columns twice more, or rot180 | flip_rows
}

TEST(Search, NoProgramMeansFallbackAnswer) {
  // Output: a 1×1 grid holding the number of cells (as a color) — not expressible in the DSL.
  const std::vector<Grid> inputs = {G({{1, 0}, {0, 0}}), G({{1, 1}, {0, 0}}), G({{1, 1}, {1, 0}})};
  Task task = task_from_rule("count", inputs, G({{1, 1}, {1, 1}}), [](const Grid& g) {
    int n = 0;
    for (auto v : g.cells()) n += v != 0;
    return G({{n + 2}});
  });
  const TaskSolution s = solve_task(task, quick(2));
  EXPECT_FALSE(s.consistent);
  EXPECT_EQ(s.program, "");
  ASSERT_EQ(s.attempts.size(), 1u);
  // Fixed 1×1 output rule: the guess has the right shape.
  EXPECT_EQ(s.attempts[0].attempt_1.height(), 1);
  EXPECT_EQ(s.attempts[0].attempt_1.width(), 1);
}

TEST(Search, TimeLimitIsRespectedOnAnExplodingTask) {
  // 30×30 noise in many colors, depth 4: far more states than the time allows.
  std::mt19937 rng(5);
  Task task;
  task.id = "explode";
  for (int i = 0; i < 4; ++i) task.train.push_back({random_grid(rng, 30, 30, 9, 60), random_grid(rng, 30, 30, 9, 60)});
  task.test.push_back({random_grid(rng, 30, 30, 9, 60), std::nullopt});
  SearchOptions o;
  o.max_depth = 4;
  o.time_limit_s = 0.5;
  const auto start = std::chrono::steady_clock::now();
  const TaskSolution s = solve_task(task, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(s.timed_out);
  EXPECT_LT(seconds, 2.5);  // 0.5 s budget plus slack for a loaded 2-core machine
  ASSERT_EQ(s.attempts.size(), 1u);  // still an answer
}

TEST(Search, StateBudgetCapsStoredStates) {
  auto grids = random_grids(9, 4, 5, 50);
  const Grid test = grids.back();
  grids.pop_back();
  const Task task = task_from_rule("budget", grids, test, [](const Grid& g) { return g; });
  SearchOptions o = quick(3);
  o.max_states = 50;
  const SearchResult r = search_programs(task, o);
  EXPECT_LE(r.states, 50u);
  EXPECT_TRUE(r.state_budget_hit);
}

TEST(Search, DeterministicAcrossRunsAndThreadCounts) {
  std::vector<Task> tasks;
  for (std::uint32_t seed = 20; seed < 26; ++seed) {
    auto grids = random_grids(seed, 4, 3, 50);
    const Grid test = grids.back();
    grids.pop_back();
    tasks.push_back(task_from_rule("t" + std::to_string(seed), grids, test, [seed](const Grid& g) {
      return seed % 2 ? rot90(g, 2) : *crop_to_content(tiled(g, 2, 1), 0);
    }));
  }
  SearchOptions o = quick(2);
  o.max_states = 20000;  // the state budget, not the clock, bounds the search
  const auto one = solve_tasks(tasks, o, 1);
  const auto two = solve_tasks(tasks, o, 2);
  EXPECT_EQ(to_submission(one), to_submission(two));
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(one[i].program, two[i].program);
    EXPECT_EQ(one[i].second_program, two[i].second_program);
  }
}

TEST(Search, MalformedTasksAndOptionsAreRejected) {
  Task task;
  task.id = "broken";
  task.train.push_back({G({{1}}), std::nullopt});
  task.test.push_back({G({{1}}), std::nullopt});
  try {
    search_programs(task, quick(1));
    FAIL() << "expected an error";
  } catch (const ttt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'broken': a demonstration has no output"), std::string::npos) << e.what();
  }
  SearchOptions bad;
  bad.max_depth = 9;
  EXPECT_THROW(check_options(bad), ttt::Error);
  bad = SearchOptions();
  bad.time_limit_s = 0;
  EXPECT_THROW(check_options(bad), ttt::Error);
}
