#pragma once
// Training windows for the ARC base model (`ttt arc pretrain`): tasks drawn from the seen generator
// families and from augmented ARC tasks, serialized in the compact grid vocabulary (grid_tokens.h) with
// loss on all outputs, packed whole into windows of L+1 tokens and padded.
//
// Window i is a pure function of (seed, i): resuming, or reading the windows in any order, gives the same
// data, and the trainer's checkpoints need nothing but the sample count. The curriculum is a function of
// the window's place in the run, p = i / num_windows:
//   - grid sides: inputs are drawn with sides in [min_side, max_side(p)], max_side growing linearly from
//     start_max_side to final_max_side over the first side_ramp of the run;
//   - family difficulty: tier-1 families (whole-grid geometry, colour maps, scaling, tiling) from the
//     start, tier 2 (gravity, crops, outlines, lines, fills) from tier2_start, tier 3 (objects, counting,
//     patterns, logic) from tier3_start; once introduced, families are drawn uniformly.
// ARC tasks: every pair of the task (demonstrations and tests with known outputs) is a candidate; a random
// one becomes the query, the others the demonstrations (demonstrations are dropped, last first, until the
// sequence fits). The task then goes through a random spec augmenter (or none), a colour permutation and a
// demonstration shuffle.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/generators/family.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/task.h"
#include "ttt/data/window_source.h"

namespace ttt::arc {

// Ten-plus families never shown in pretraining (held out for the "held-out families" evaluation); spread
// over the groups, each with a seen relative, so test-time training has something to adapt.
std::vector<std::string> default_holdout_families();

// 1, 2 or 3 by the family's group (see above); throws ttt::Error for an unknown family.
int family_tier(const std::string& family);

struct PretrainDataOptions {
  std::vector<const gen::Family*> families;  // the seen families (at least one)
  std::vector<Task> arc_tasks;               // ARC tasks with known outputs to augment (may be empty)
  double arc_fraction = 0.2;                 // share of drawn tasks taken from arc_tasks (when any)
  std::int64_t context = 1024;               // L
  std::int64_t num_windows = 0;              // windows the run reads (steps × batch): the curriculum clock
  std::uint64_t seed = 0;
  int min_side = 3, start_max_side = 5, final_max_side = 10;
  double side_ramp = 0.5;
  double tier2_start = 0.1, tier3_start = 0.25;
  int min_demos = 2, max_demos = 4;

  void validate() const;  // throws ttt::Error naming the bad value
};

class PretrainWindows : public data::WindowSource {
 public:
  // Drops ARC tasks that cannot fit the context even with one demonstration; throws ttt::Error when no
  // family is given or the options are invalid.
  explicit PretrainWindows(PretrainDataOptions options);

  std::int64_t size() const override { return options_.num_windows; }
  std::int64_t window_length() const override { return options_.context + 1; }
  void read(std::int64_t index, std::int64_t* out) const override;
  bool has_loss_mask() const override { return true; }
  void read_loss_mask(std::int64_t index, std::uint8_t* out) const override;

  // The tasks packed into window `index`, in order (for tests and `--dry-run` inspection).
  std::vector<Task> tasks_of(std::int64_t index) const;
  // The curriculum at window `index`: the largest input side and the highest tier drawn.
  int max_side_at(std::int64_t index) const;
  int max_tier_at(std::int64_t index) const;
  std::size_t arc_task_count() const { return options_.arc_tasks.size(); }

 private:
  struct Packed {
    std::int64_t index = -1;
    TokenSequence tokens;  // L+1 ids and their in-loss flags (padding is out of the loss)
    std::vector<Task> tasks;
  };
  const Packed& pack(std::int64_t index) const;
  Task draw_generated(std::uint64_t seed, std::int64_t index) const;
  Task draw_arc(std::uint64_t seed) const;

  PretrainDataOptions options_;
  std::vector<std::vector<const gen::Family*>> by_tier_;  // [0] tier 1, [1] tier 2, [2] tier 3
  mutable Packed cache_;  // read() and read_loss_mask() of the same window pack it once
};

// ARC tasks split for pretraining: `holdout` of the small-grid tasks (every grid side ≤ max_side) are
// kept out entirely for evaluation, chosen by a hash of their ids (independent of folder order); the rest
// (small or not) are pretraining material. Throws ttt::Error when fewer small-grid tasks exist than asked.
struct ArcTaskSplit {
  std::vector<Task> pretrain;
  std::vector<Task> heldout;  // sorted by id
};
ArcTaskSplit split_arc_tasks(std::vector<Task> tasks, std::size_t holdout, int max_side, std::uint64_t seed);
bool all_grids_within(const Task& task, int max_side);

// Drops demonstrations (last first) until the task's sequence (query: test 0) fits `limit` tokens;
// nullopt when even one demonstration is too many.
std::optional<Task> fit_demonstrations(Task task, std::size_t limit);

// Real ARC tasks as answer-scoring material (the held-out ARC check during pretraining): one task per test
// input with a known output (ids "<id>/<k>" when a task has several), demonstrations dropped until it fits
// `limit` tokens; test inputs that cannot fit even with one demonstration are left out.
std::vector<Task> arc_eval_tasks(const std::vector<Task>& tasks, std::size_t limit);

// Held-out instances of seen families: `per_family` tasks of each family, drawn from a seed space disjoint
// from PretrainWindows' (so never seen in training), with input sides in [min_side, max_side]. Families
// that cannot produce a task at these sides are skipped. Ids "<family>/heldout<k>".
std::vector<Task> generated_eval_tasks(const std::vector<const gen::Family*>& families, int per_family, int min_side,
                                       int max_side, int min_demos, int max_demos, std::uint64_t seed);

}  // namespace ttt::arc
