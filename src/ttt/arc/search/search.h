#pragma once
// Breadth-first program search over the DSL (dsl.h) for one task.
//
// A state is the tuple of grids a program prefix produces from every input of the task (demonstrations
// first, then test inputs). States are hashed and each distinct tuple is expanded once, so programs
// that reach the same grids by different routes are explored once (the first, cheapest-ordered route
// names them). Every state, at every depth, is checked against the demonstration outputs: exactly, or
// through a learned color map (color_map.h) as one extra step; the inputs themselves also
// through a learned local rule (local_rule.h).
//
// Consistent programs are ranked by length, then whether their color map must guess a test color,
// then total cost (a recolor step costs one per changed color), then discovery order; the two best
// programs with different test outputs give attempt 1 and 2.
//
// Budgets: `time_limit_s` (checked every fourth transform application) and `max_states` (distinct
// stored states; bounds memory, since a state is a handful of ≤30×30 grids). The search is
// deterministic whenever the state budget, not the clock, ends it.
#include <cstddef>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc::search {

struct SearchOptions {
  int max_depth = 3;              // transforms per program (a learned color map is one more step)
  double time_limit_s = 5.0;      // per task, wall clock
  std::size_t max_states = 50000;  // distinct intermediate states kept per task (≈ ≤ 0.5 GB at 30×30)
};
// Throws ttt::Error for depth outside 0..4, a non-positive time limit or a zero state budget.
void check_options(const SearchOptions& options);

struct FoundProgram {
  std::vector<std::string> steps;  // transform names, then "recolor{…}" when a color map is learned
  int cost = 0;
  std::vector<Grid> test_outputs;  // one per test input
  std::string text() const;        // steps joined by " | ", "identity" when empty
};

struct SearchResult {
  std::vector<FoundProgram> programs;  // ≤ 2, ranked, with pairwise different test outputs
  std::size_t consistent_programs = 0;  // programs consistent with all demonstrations (before dedup)
  std::size_t states = 0;                // distinct states stored
  std::size_t evaluations = 0;           // transform applications to a whole state
  int depth_completed = -1;              // deepest level searched completely
  bool timed_out = false;
  bool state_budget_hit = false;
};

// Throws ttt::Error when a demonstration has no output.
SearchResult search_programs(const Task& task, const SearchOptions& options);

}  // namespace ttt::arc::search
