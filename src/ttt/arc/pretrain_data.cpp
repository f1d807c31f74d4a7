#include "ttt/arc/pretrain_data.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ttt/arc/augment.h"
#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/generators/generate.h"
#include "ttt/arc/generators/groups.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

// Salts that keep the streams of one seed apart.
constexpr std::uint64_t kWindowSalt = 0x5057494e;   // pretraining windows
constexpr std::uint64_t kEvalSalt = 0x4556414c;     // held-out instances (never drawn for training)

const std::map<std::string, int>& tier_table() {
  static const std::map<std::string, int> table = [] {
    std::map<std::string, int> t;
    auto add = [&t](void (*group)(std::vector<gen::Family>&), int tier) {
      std::vector<gen::Family> families;
      group(families);
      for (const auto& f : families) t[f.name] = tier;
    };
    add(gen::add_geometry_families, 1);
    add(gen::add_tiling_families, 1);
    add(gen::add_scaling_families, 1);
    add(gen::add_color_families, 1);
    add(gen::add_gravity_families, 2);
    add(gen::add_crop_families, 2);
    add(gen::add_outline_families, 2);
    add(gen::add_fill_families, 2);
    add(gen::add_line_families, 2);
    add(gen::add_object_families, 3);
    add(gen::add_counting_families, 3);
    add(gen::add_pattern_families, 3);
    add(gen::add_logic_families, 3);
    return t;
  }();
  return table;
}

std::size_t sequence_length(const Task& task) { return serialize_task_tokens(task, 0, true).ids.size(); }

}  // namespace

std::optional<Task> fit_demonstrations(Task task, std::size_t limit) {
  while (true) {
    if (sequence_length(task) <= limit) return task;
    if (task.train.size() <= 1) return std::nullopt;
    task.train.pop_back();
  }
}

std::vector<Task> arc_eval_tasks(const std::vector<Task>& tasks, std::size_t limit) {
  std::vector<Task> out;
  for (const auto& task : tasks) {
    for (std::size_t i = 0; i < task.test.size(); ++i) {
      if (!task.test[i].output) continue;
      Task one = task;
      one.test = {task.test[i]};
      if (task.test.size() > 1) one.id = task.id + "/" + std::to_string(i);
      if (auto fitted = fit_demonstrations(std::move(one), limit)) out.push_back(std::move(*fitted));
    }
  }
  return out;
}

std::vector<std::string> default_holdout_families() {
  return {"rotate_270",        "anti_transpose",      "mirror_down",    "swap_two_colors",
          "scale_down",        "gravity_cells",       "crop_largest_object", "outline_objects",
          "extend_rays",       "keep_largest_object", "count_colors",   "fill_from_seeds"};
}

int family_tier(const std::string& family) {
  const auto& t = tier_table();
  const auto it = t.find(family);
  TTT_CHECK(it != t.end(), "[arc pretrain] unknown generator family '", family, "'");
  return it->second;
}

void PretrainDataOptions::validate() const {
  TTT_CHECK(!families.empty(), "[arc pretrain] no generator family to draw from");
  TTT_CHECK(arc_fraction >= 0 && arc_fraction <= 1, "[arc pretrain] the ARC share must be in [0, 1], got ",
            arc_fraction);
  TTT_CHECK(context >= 16, "[arc pretrain] context ", context, " is too short for any task (at least 16)");
  TTT_CHECK(num_windows > 0, "[arc pretrain] the run must read at least one window, got ", num_windows);
  TTT_CHECK(min_side >= 1 && min_side <= start_max_side && start_max_side <= final_max_side &&
                final_max_side <= kMaxGridSide,
            "[arc pretrain] grid sides need 1 ≤ min ≤ start max ≤ final max ≤ 30, got ", min_side, ", ",
            start_max_side, ", ", final_max_side);
  TTT_CHECK(side_ramp >= 0 && side_ramp <= 1 && tier2_start >= 0 && tier2_start <= 1 && tier3_start >= 0 &&
                tier3_start <= 1,
            "[arc pretrain] curriculum fractions must be in [0, 1]");
  TTT_CHECK(min_demos >= 1 && min_demos <= max_demos && max_demos <= 10,
            "[arc pretrain] demonstrations need 1 ≤ min ≤ max ≤ 10, got ", min_demos, "..", max_demos);
}

PretrainWindows::PretrainWindows(PretrainDataOptions options) : options_(std::move(options)) {
  options_.validate();
  by_tier_.resize(3);
  for (const auto* f : options_.families) by_tier_[family_tier(f->name) - 1].push_back(f);
  TTT_CHECK(!by_tier_[0].empty(), "[arc pretrain] the curriculum starts with tier-1 families (geometry, colour, "
                                  "scaling, tiling) and none was given");
  std::vector<Task> fitting;
  for (auto& task : options_.arc_tasks) {
    // Every pair must have an output: any of them may become the query.
    bool known = true;
    for (const auto& e : task.test) known = known && e.output.has_value();
    if (!known) continue;
    Task smallest = task;
    smallest.train.resize(std::min<std::size_t>(smallest.train.size(), 1));
    if (!smallest.train.empty() && sequence_length(smallest) <= static_cast<std::size_t>(options_.context + 1))
      fitting.push_back(std::move(task));
  }
  options_.arc_tasks = std::move(fitting);
}

int PretrainWindows::max_side_at(std::int64_t index) const {
  const double p = static_cast<double>(index) / static_cast<double>(options_.num_windows);
  const double ramp = options_.side_ramp > 0 ? std::min(1.0, p / options_.side_ramp) : 1.0;
  return options_.start_max_side +
         static_cast<int>(std::floor(ramp * (options_.final_max_side - options_.start_max_side) + 1e-9));
}

int PretrainWindows::max_tier_at(std::int64_t index) const {
  const double p = static_cast<double>(index) / static_cast<double>(options_.num_windows);
  int tier = 1;
  if (p >= options_.tier2_start && !by_tier_[1].empty()) tier = 2;
  if (p >= options_.tier3_start && !by_tier_[2].empty()) tier = 3;
  return tier;
}

Task PretrainWindows::draw_generated(std::uint64_t seed, std::int64_t index) const {
  DeterministicRng rng(seed);
  const int max_tier = max_tier_at(index);
  std::vector<const gen::Family*> pool;
  for (int t = 0; t < max_tier; ++t) pool.insert(pool.end(), by_tier_[t].begin(), by_tier_[t].end());
  gen::GenerateOptions go;
  go.min_demos = options_.min_demos;
  go.max_demos = options_.max_demos;
  go.sides.min_side = options_.min_side;
  // The side limit of this task: uniform in [min_side, max_side(p)] so small grids stay common.
  go.sides.max_side = options_.min_side + static_cast<int>(rng.below(max_side_at(index) - options_.min_side + 1));
  // A family may not fit the drawn sides (a 2×2 mirror needs room): try others before widening.
  for (int attempt = 0; attempt < 16; ++attempt) {
    const auto* family = pool[rng.below(pool.size())];
    try {
      auto generated = gen::generate_task(*family, go, rng.next(), family->name);
      return std::move(generated.task);
    } catch (const Error&) {
      if (attempt >= 8) go.sides.max_side = max_side_at(index);
    }
  }
  fail("[arc pretrain] no family produced a task with sides ", go.sides.min_side, "..", go.sides.max_side,
       " in 16 tries (window ", index, ")");
}

Task PretrainWindows::draw_arc(std::uint64_t seed) const {
  DeterministicRng rng(seed);
  const Task& source = options_.arc_tasks[rng.below(options_.arc_tasks.size())];
  std::vector<Example> pairs = source.train;
  pairs.insert(pairs.end(), source.test.begin(), source.test.end());
  rng.shuffle(pairs);
  Task task;
  task.id = source.id;
  task.test = {pairs.back()};
  pairs.pop_back();
  task.train = std::move(pairs);
  // A geometric augmenter half of the time, then always a colour permutation: colours carry no meaning
  // the model should memorise per task.
  static const std::vector<Augmenter> augmenters = ttt_augmenters();
  if (rng.below(2) == 0) {
    if (auto augmented = augmenters[rng.below(augmenters.size())].apply(task, rng)) task = std::move(*augmented);
  }
  if (auto permuted = Augmenter::permute_colors().apply(task, rng)) task = std::move(*permuted);
  return task;
}

const PretrainWindows::Packed& PretrainWindows::pack(std::int64_t index) const {
  TTT_CHECK(index >= 0 && index < options_.num_windows, "[arc pretrain] window ", index, " out of range [0, ",
            options_.num_windows, ")");
  if (cache_.index == index) return cache_;
  const std::size_t capacity = static_cast<std::size_t>(options_.context + 1);
  Packed p;
  p.index = index;
  const std::uint64_t window_seed = derive_seed(options_.seed ^ kWindowSalt, static_cast<std::uint64_t>(index));
  DeterministicRng rng(window_seed);
  // Draw until one task does not fit the space left; at least one task per window (the first draw is
  // shortened to fit when it is an ARC task that is too long).
  for (int draw = 0; draw < 64; ++draw) {
    const bool from_arc = !options_.arc_tasks.empty() &&
                          static_cast<double>(rng.below(1000000)) < options_.arc_fraction * 1e6;
    Task task = from_arc ? draw_arc(rng.next()) : draw_generated(rng.next(), index);
    const std::size_t room = capacity - p.tokens.ids.size();
    auto fitted = fit_demonstrations(std::move(task), room);
    if (!fitted) {
      if (!p.tasks.empty()) break;
      continue;  // the window is empty and even this task's shortest form is too long: draw another
    }
    const auto seq = serialize_task_tokens(*fitted, 0, true);
    p.tokens.ids.insert(p.tokens.ids.end(), seq.ids.begin(), seq.ids.end());
    p.tokens.in_loss.insert(p.tokens.in_loss.end(), seq.in_loss.begin(), seq.in_loss.end());
    p.tasks.push_back(std::move(*fitted));
    if (p.tokens.ids.size() + 16 > capacity) break;
  }
  TTT_CHECK(!p.tasks.empty(), "[arc pretrain] window ", index, ": no drawn task fits a context of ",
            options_.context);
  p.tokens.ids.resize(capacity, kTokenPad);
  p.tokens.in_loss.resize(capacity, 0);
  cache_ = std::move(p);
  return cache_;
}

void PretrainWindows::read(std::int64_t index, std::int64_t* out) const {
  const auto& p = pack(index);
  std::copy(p.tokens.ids.begin(), p.tokens.ids.end(), out);
}

void PretrainWindows::read_loss_mask(std::int64_t index, std::uint8_t* out) const {
  // Target j is token j+1.
  const auto& p = pack(index);
  std::copy(p.tokens.in_loss.begin() + 1, p.tokens.in_loss.end(), out);
}

std::vector<Task> PretrainWindows::tasks_of(std::int64_t index) const { return pack(index).tasks; }

bool all_grids_within(const Task& task, int max_side) {
  auto ok = [max_side](const Grid& g) {
    return g.height() <= max_side && g.width() <= max_side;
  };
  for (const auto* examples : {&task.train, &task.test})
    for (const auto& e : *examples)
      if (!ok(e.input) || (e.output && !ok(*e.output))) return false;
  return true;
}

ArcTaskSplit split_arc_tasks(std::vector<Task> tasks, std::size_t holdout, int max_side, std::uint64_t seed) {
  auto id_hash = [seed](const std::string& id) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, then mixed with the seed
    for (unsigned char ch : id) h = (h ^ ch) * 1099511628211ULL;
    return derive_seed(seed, h);
  };
  std::vector<std::pair<std::uint64_t, std::size_t>> small;
  for (std::size_t i = 0; i < tasks.size(); ++i)
    if (all_grids_within(tasks[i], max_side)) small.emplace_back(id_hash(tasks[i].id), i);
  TTT_CHECK(small.size() >= holdout, "[arc pretrain] asked to hold out ", holdout, " small-grid tasks (sides ≤ ",
            max_side, "), only ", small.size(), " of the ", tasks.size(), " tasks are that small");
  std::sort(small.begin(), small.end());
  std::vector<bool> held(tasks.size(), false);
  for (std::size_t k = 0; k < holdout; ++k) held[small[k].second] = true;
  ArcTaskSplit split;
  for (std::size_t i = 0; i < tasks.size(); ++i) (held[i] ? split.heldout : split.pretrain).push_back(std::move(tasks[i]));
  std::sort(split.heldout.begin(), split.heldout.end(), [](const Task& a, const Task& b) { return a.id < b.id; });
  return split;
}

std::vector<Task> generated_eval_tasks(const std::vector<const gen::Family*>& families, int per_family, int min_side,
                                       int max_side, int min_demos, int max_demos, std::uint64_t seed) {
  TTT_CHECK(per_family >= 0, "[arc pretrain] tasks per family must be ≥ 0, got ", per_family);
  gen::GenerateOptions go;
  go.sides.min_side = min_side;
  go.sides.max_side = max_side;
  go.min_demos = min_demos;
  go.max_demos = max_demos;
  gen::check_options(go);
  std::vector<Task> out;
  for (const auto* family : families) {
    for (int k = 0; k < per_family; ++k) {
      const std::string id = family->name + "/heldout" + std::to_string(k);
      try {
        out.push_back(gen::generate_task(*family, go, gen::task_seed(seed ^ kEvalSalt, family->name, k), id).task);
      } catch (const Error&) {
        break;  // the family cannot draw at these sides
      }
    }
  }
  return out;
}

}  // namespace ttt::arc
