#pragma once
// Test-time-training data for one ARC task (spec arc-ttt.md, "Test-time training data"):
//   1. leave-one-out tasks from the demonstrations (leave-two-out as a reserve),
//   2. every augmenter of the list applied to each, originals kept, duplicates removed,
//   3. one PermuteColors+PermuteExamples copy of each, duplicates removed,
//   4. tasks too long for the model dropped, then capped at max_tasks: leave-one-out first, filled up
//      from leave-two-out when fewer, shuffled and cut when more.
// Only the task's demonstrations are used: its test outputs are unknown at test time.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ttt/arc/augment.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

// The spec's augmenters in order: Rotate 90/270/180, Flip 0/1, Reflect (0,rev),(1,rev),(0),(1),
// RandomTranslateXY, Transpose, IncreaseResolution(2), IncreaseHeight(2), IncreaseWidth(2),
// Chain[X, IncreaseResolution(2)] for X in Rotate 90/270/180, Flip 0/1, Transpose, then Repeat (0,2),
// (1,2), (2,2) on their own (as in the paper's code; a Repeat chained with IncreaseResolution(2)
// would quadruple a side and almost never fit in 30). 23 augmenters.
std::vector<Augmenter> ttt_augmenters();

// The stages hold every base task (N−1 demonstrations each) times (augmenters + 1) times 2 (the permuted
// copies) before the cap applies: a task with 1000 small demonstrations would need gigabytes. make_ttt_data
// estimates that size first (each grid counted at its largest augmented size, at most 30x30, plus 64 bytes)
// and, over the budget, builds only a seeded random subset of the base tasks. Ordinary ARC tasks (up to
// ~20 demonstrations) stay far below it and are unaffected.
constexpr std::uint64_t kTttDataMemoryBudget = std::uint64_t(512) << 20;

struct TttDataOptions {
  std::size_t max_tasks = 250;     // Nmax
  std::size_t max_length = 8192;   // a task is kept when length(task) ≤ max_length
  std::uint64_t seed = 0;
  std::vector<Augmenter> augmenters = ttt_augmenters();
  bool permuted_copies = true;         // step 3
  bool fill_with_leave_two_out = true; // step 4's reserve
  // A task whose answers all have one shape the inputs do not dictate (a 3×3 pattern → a 1×1 colour) keeps
  // only the augmenters that leave that shape as it is: the resolution, repeat and reflect augmenters would
  // teach the adapter 2×2 or 1×2 answers the test never has, and a transpose swaps a non-square one
  // (issue 8: "only augmentations that keep the task's shape logic valid").
  bool keep_fixed_answer_shape = true;
  // Bound on the bytes the stages may hold (estimated before anything is built, see make_ttt_data).
  std::uint64_t memory_budget = kTttDataMemoryBudget;
};

struct TttDataStats {
  std::size_t leave_one_out = 0;         // leave-one-out base tasks (N for N ≥ 2 demonstrations)
  std::size_t augmented = 0;             // after step 2 (originals + augmented, distinct)
  std::size_t with_copies = 0;           // after step 3 (distinct)
  std::size_t fitting = 0;               // of those, within max_length
  std::size_t leave_two_out = 0;         // leave-two-out base tasks built (0 when not needed)
  std::size_t leave_two_out_fitting = 0; // distinct leave-two-out tasks after steps 2–4's length filter
  std::size_t from_leave_one_out = 0;    // in the result
  std::size_t from_leave_two_out = 0;    // in the result
  std::size_t skipped_for_memory = 0;    // base tasks (either kind) not built because of memory_budget
  std::size_t augmenters_used = 0;       // of options.augmenters, after the fixed-answer-shape filter
  std::size_t augmenters_dropped = 0;    // augmenters left out because they change a fixed answer shape
  std::optional<std::pair<int, int>> kept_answer_shape;  // the fixed answer shape they would have changed
};

struct TttData {
  std::vector<Task> tasks;  // leave-one-out tasks first, then leave-two-out fill
  TttDataStats stats;
};

// The one shape every demonstration's answer has when the test's answers will have it too: all answers share
// a shape, at least one input has another, and either the inputs' shapes vary or every test input has the
// demonstrations' one input shape. nullopt otherwise (the answer's shape may follow the input's).
std::optional<std::pair<int, int>> fixed_answer_shape(const Task& task);

// The augmenters that map a grid of `shape` to a grid of the same shape (in the order given).
std::vector<Augmenter> augmenters_keeping_shape(const std::vector<Augmenter>& augmenters, std::pair<int, int> shape);

// Returns the number of tokens (or any size) a task takes in the model's context.
using TaskLength = std::function<std::size_t(const Task&)>;

// For each i: demonstrations = all but i (in order), test = [demonstration i]. Needs N ≥ 2, else empty.
// Ids "<id>/loo<i>".
std::vector<Task> leave_one_out_tasks(const Task& task);
// For each ordered (i, j ≠ i): demonstrations = all but i and j (in order), test = [demonstration i];
// N(N−1) tasks. Needs N ≥ 3, else empty. Ids "<id>/l2o<i>-<j>".
std::vector<Task> leave_two_out_tasks(const Task& task);

// A byte string equal for two tasks exactly when their grids are equal example by example, in order
// (the id is ignored).
std::string task_content_key(const Task& task);
// Keeps the first of each set of tasks with equal content.
std::vector<Task> deduplicate(std::vector<Task> tasks);

// Step 2: the bases, then each augmenter applied to every base (skipping results over 30), deduplicated.
// Augmented ids get "|<augmenter name>" appended.
std::vector<Task> augment_all(const std::vector<Task>& bases, const std::vector<Augmenter>& augmenters,
                              DeterministicRng& rng);
// Step 3: the tasks, then one PermuteColors+PermuteExamples copy of each ("|permuted"), deduplicated.
std::vector<Task> with_permuted_copies(const std::vector<Task>& tasks, DeterministicRng& rng);

// The whole recipe. `length` may be empty (no length filter).
TttData make_ttt_data(const Task& task, const TttDataOptions& options, const TaskLength& length);

}  // namespace ttt::arc
