#include "ttt/arc/ttt_data.h"

#include <algorithm>
#include <set>
#include <unordered_set>
#include <utility>

#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

// Independent random streams per stage, so that e.g. a different length limit does not change which
// colors the copies get.
enum Stage : std::uint64_t {
  kAugmentLeaveOneOut = 1,
  kCopiesLeaveOneOut,
  kCutLeaveOneOut,
  kAugmentLeaveTwoOut,
  kCopiesLeaveTwoOut,
  kCutLeaveTwoOut,
  kSampleLeaveOneOut,
  kSampleLeaveTwoOut,
};

// Upper bound on the bytes one example takes once augmented (IncreaseResolution quadruples a grid, but
// no kept grid exceeds 30x30) in a Grid (plus its bookkeeping).
std::uint64_t example_bytes(const Example& e) {
  auto grid_bytes = [](const Grid& g) {
    return std::min<std::uint64_t>(4 * g.cells().size(), kMaxGridSide * kMaxGridSide) + 64;
  };
  return grid_bytes(e.input) + (e.output ? grid_bytes(*e.output) : 0);
}

// How many base tasks, each holding about `task_bytes`, fit in the budget after steps 2-3 multiply them.
std::uint64_t bases_within_budget(std::uint64_t task_bytes, const TttDataOptions& options) {
  const std::uint64_t per_base = std::max<std::uint64_t>(1, task_bytes) * (options.augmenters.size() + 1) * 2;
  return std::max<std::uint64_t>(1, options.memory_budget / per_base);
}

// `keep` distinct indices of [0, total), ascending; all of them when keep >= total. Floyd's algorithm: no
// array of size `total` (which may be N^2).
std::vector<std::uint64_t> sample_indices(std::uint64_t total, std::uint64_t keep, std::uint64_t seed) {
  std::vector<std::uint64_t> out;
  if (keep >= total) {
    for (std::uint64_t i = 0; i < total; ++i) out.push_back(i);
    return out;
  }
  DeterministicRng rng(seed);
  std::set<std::uint64_t> chosen;
  for (std::uint64_t j = total - keep; j < total; ++j) {
    const std::uint64_t t = rng.below(static_cast<std::size_t>(j + 1));
    chosen.insert(chosen.count(t) ? j : t);
  }
  return {chosen.begin(), chosen.end()};
}

Task leave_one_out_task(const Task& task, std::size_t i) {
  Task t;
  t.id = str(task.id, "/loo", i);
  for (std::size_t k = 0; k < task.train.size(); ++k)
    if (k != i) t.train.push_back(task.train[k]);
  t.test.push_back(task.train[i]);
  return t;
}

Task leave_two_out_task(const Task& task, std::size_t i, std::size_t j) {
  Task t;
  t.id = str(task.id, "/l2o", i, "-", j);
  for (std::size_t k = 0; k < task.train.size(); ++k)
    if (k != i && k != j) t.train.push_back(task.train[k]);
  t.test.push_back(task.train[i]);
  return t;
}

// The bases make_ttt_data uses: all of them, or a seeded subset when they would not fit memory_budget.
std::vector<Task> budgeted_leave_one_out(const Task& task, const TttDataOptions& options, std::size_t* skipped) {
  const std::uint64_t n = task.train.size();
  if (n < 2) return {};
  std::uint64_t bytes = 0;
  for (const Example& e : task.train) bytes += example_bytes(e);
  const auto chosen =
      sample_indices(n, bases_within_budget(bytes, options), derive_seed(options.seed, kSampleLeaveOneOut));
  *skipped += n - chosen.size();
  std::vector<Task> out;
  for (std::uint64_t i : chosen) out.push_back(leave_one_out_task(task, i));
  return out;
}

std::vector<Task> budgeted_leave_two_out(const Task& task, const TttDataOptions& options, std::size_t* skipped) {
  const std::uint64_t n = task.train.size();
  if (n < 3) return {};
  std::uint64_t bytes = 0;
  for (const Example& e : task.train) bytes += example_bytes(e);
  const std::uint64_t pairs = n * (n - 1);  // ordered (i, j != i), numbered i * (n - 1) + (j < i ? j : j - 1)
  const auto chosen =
      sample_indices(pairs, bases_within_budget(bytes, options), derive_seed(options.seed, kSampleLeaveTwoOut));
  *skipped += pairs - chosen.size();
  std::vector<Task> out;
  for (std::uint64_t p : chosen) {
    const std::size_t i = p / (n - 1), r = p % (n - 1);
    out.push_back(leave_two_out_task(task, i, r < i ? r : r + 1));
  }
  return out;
}

void append_grid(std::string& key, const Grid& g) {
  key += str(g.height(), "x", g.width(), ":");
  key.append(g.cells().begin(), g.cells().end());
}

// Steps 2–4 up to the length filter, for one set of base tasks.
std::vector<Task> expand_and_filter(const std::vector<Task>& bases, const TttDataOptions& options,
                                    const TaskLength& length, std::uint64_t augment_stage, std::uint64_t copies_stage,
                                    std::size_t* augmented, std::size_t* with_copies) {
  DeterministicRng augment_rng(derive_seed(options.seed, augment_stage));
  std::vector<Task> tasks = augment_all(bases, options.augmenters, augment_rng);
  if (augmented) *augmented = tasks.size();
  if (options.permuted_copies) {
    DeterministicRng copies_rng(derive_seed(options.seed, copies_stage));
    tasks = with_permuted_copies(tasks, copies_rng);
  }
  if (with_copies) *with_copies = tasks.size();
  if (!length) return tasks;
  std::vector<Task> fitting;
  for (Task& t : tasks)
    if (length(t) <= options.max_length) fitting.push_back(std::move(t));
  return fitting;
}

// Keeps `count` of the tasks: all of them in order when there are no more, else a seeded random subset.
std::vector<Task> take(std::vector<Task> tasks, std::size_t count, std::uint64_t seed) {
  if (tasks.size() <= count) return tasks;
  DeterministicRng rng(seed);
  rng.shuffle(tasks);
  tasks.resize(count);
  return tasks;
}

}  // namespace

std::vector<Augmenter> ttt_augmenters() {
  using A = Augmenter;
  std::vector<Augmenter> list = {A::rotate(90),          A::rotate(270),          A::rotate(180),
                                 A::flip(0),             A::flip(1),              A::reflect(0, true),
                                 A::reflect(1, true),    A::reflect(0, false),    A::reflect(1, false),
                                 A::random_translate_xy(), A::transpose(),        A::increase_resolution(2),
                                 A::increase_height(2),  A::increase_width(2)};
  for (const A& first : {A::rotate(90), A::rotate(270), A::rotate(180), A::flip(0), A::flip(1), A::transpose()})
    list.push_back(A::chain({first, A::increase_resolution(2)}));
  for (int axis = 0; axis <= 2; ++axis) list.push_back(A::repeat(axis, 2));
  return list;
}

std::vector<Task> leave_one_out_tasks(const Task& task) {
  const std::size_t n = task.train.size();
  std::vector<Task> out;
  if (n < 2) return out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leave_one_out_task(task, i));
  return out;
}

std::vector<Task> leave_two_out_tasks(const Task& task) {
  const std::size_t n = task.train.size();
  std::vector<Task> out;
  if (n < 3) return out;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) out.push_back(leave_two_out_task(task, i, j));
  return out;
}

std::string task_content_key(const Task& task) {
  std::string key;
  for (const auto* examples : {&task.train, &task.test}) {
    key += str(examples->size(), ";");
    for (const Example& e : *examples) {
      append_grid(key, e.input);
      key.push_back(e.output ? 'o' : '-');
      if (e.output) append_grid(key, *e.output);
    }
  }
  return key;
}

std::vector<Task> deduplicate(std::vector<Task> tasks) {
  std::unordered_set<std::string> seen;
  std::vector<Task> out;
  out.reserve(tasks.size());
  for (Task& t : tasks)
    if (seen.insert(task_content_key(t)).second) out.push_back(std::move(t));
  return out;
}

std::vector<Task> augment_all(const std::vector<Task>& bases, const std::vector<Augmenter>& augmenters,
                              DeterministicRng& rng) {
  std::vector<Task> tasks = bases;
  for (const Augmenter& augmenter : augmenters)
    for (const Task& base : bases) {
      std::optional<Task> t = augmenter.apply(base, rng);
      if (!t) continue;  // a grid side over 30
      t->id = str(base.id, "|", augmenter.name());
      tasks.push_back(std::move(*t));
    }
  return deduplicate(std::move(tasks));
}

std::vector<Task> with_permuted_copies(const std::vector<Task>& tasks, DeterministicRng& rng) {
  const Augmenter permute = Augmenter::chain({Augmenter::permute_colors(), Augmenter::permute_examples()});
  std::vector<Task> out = tasks;
  for (const Task& t : tasks) {
    std::optional<Task> copy = permute.apply(t, rng);  // never larger, so never dropped
    copy->id = t.id + "|permuted";
    out.push_back(std::move(*copy));
  }
  return deduplicate(std::move(out));
}

std::optional<std::pair<int, int>> fixed_answer_shape(const Task& task) {
  using Shape = std::pair<int, int>;
  auto shape_of = [](const Grid& g) { return Shape{g.height(), g.width()}; };
  std::optional<Shape> answer;
  std::set<Shape> inputs;
  bool an_input_differs = false;
  for (const Example& e : task.train) {
    if (!e.output) return std::nullopt;
    if (answer && *answer != shape_of(*e.output)) return std::nullopt;  // the answer shape varies
    answer = shape_of(*e.output);
    inputs.insert(shape_of(e.input));
    an_input_differs |= shape_of(e.input) != *answer;
  }
  if (!an_input_differs) return std::nullopt;  // same shape in and out: the answer follows the input
  // One input shape only: a constant answer and one that scales with the input look alike, but when every
  // test input has that shape too, the test's answers have the demonstrations' shape either way.
  if (inputs.size() == 1)
    for (const Example& e : task.test)
      if (shape_of(e.input) != *inputs.begin()) return std::nullopt;
  return answer;
}

std::vector<Augmenter> augmenters_keeping_shape(const std::vector<Augmenter>& augmenters, std::pair<int, int> shape) {
  // Applied to a probe task of that shape; the random draws of RandomTranslateXY never change a shape.
  const Grid probe(shape.first, shape.second);
  Task probe_task;
  probe_task.id = "shape-probe";
  probe_task.train.push_back({probe, probe});
  probe_task.test.push_back({probe, probe});
  std::vector<Augmenter> kept;
  for (const Augmenter& a : augmenters) {
    const std::optional<Task> out = a.apply(probe_task, std::uint64_t{0});
    if (out && out->test[0].output->height() == shape.first && out->test[0].output->width() == shape.second)
      kept.push_back(a);
  }
  return kept;
}

TttData make_ttt_data(const Task& task, const TttDataOptions& given, const TaskLength& length) {
  TttData data;
  TttDataOptions options = given;
  if (options.keep_fixed_answer_shape) {
    data.stats.kept_answer_shape = fixed_answer_shape(task);
    if (data.stats.kept_answer_shape)
      options.augmenters = augmenters_keeping_shape(given.augmenters, *data.stats.kept_answer_shape);
  }
  data.stats.augmenters_used = options.augmenters.size();
  data.stats.augmenters_dropped = given.augmenters.size() - options.augmenters.size();
  const std::vector<Task> leave_one_out = budgeted_leave_one_out(task, options, &data.stats.skipped_for_memory);
  data.stats.leave_one_out = leave_one_out.size();
  std::vector<Task> primary = expand_and_filter(leave_one_out, options, length, kAugmentLeaveOneOut, kCopiesLeaveOneOut,
                                                &data.stats.augmented, &data.stats.with_copies);
  data.stats.fitting = primary.size();
  data.tasks = take(std::move(primary), options.max_tasks, derive_seed(options.seed, kCutLeaveOneOut));
  data.stats.from_leave_one_out = data.tasks.size();

  // Fill up (or, when no leave-one-out task fits, fill entirely) from leave-two-out.
  if (data.tasks.size() < options.max_tasks && (options.fill_with_leave_two_out || data.tasks.empty())) {
    const std::vector<Task> leave_two_out = budgeted_leave_two_out(task, options, &data.stats.skipped_for_memory);
    data.stats.leave_two_out = leave_two_out.size();
    std::vector<Task> reserve =
        expand_and_filter(leave_two_out, options, length, kAugmentLeaveTwoOut, kCopiesLeaveTwoOut, nullptr, nullptr);
    // Leave-two-out tasks have one demonstration fewer, so they never repeat a leave-one-out task.
    data.stats.leave_two_out_fitting = reserve.size();
    std::vector<Task> fill =
        take(std::move(reserve), options.max_tasks - data.tasks.size(), derive_seed(options.seed, kCutLeaveTwoOut));
    data.stats.from_leave_two_out = fill.size();
    for (Task& t : fill) data.tasks.push_back(std::move(t));
  }
  return data;
}

}  // namespace ttt::arc
