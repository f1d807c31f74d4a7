// `ttt arc augment --tasks PATH [--augmenters all|NAME,...] [--seed N] (--out DIR | --check-inverse)`:
// the library's augmenters applied to the user's own tasks. --out writes every augmented task as a task
// file; --check-inverse checks that every invertible augmenter restores every grid, both through the
// grid-level Augmenter::invert and through the inverse the task-level AugmentedTask carries.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "arc_augmenter_names.h"
#include "commands.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

namespace fs = std::filesystem;

struct AugmentFlags {
  std::string tasks;
  std::string augmenters = "all";
  std::uint64_t seed = 0;
  std::string out;
  bool check_inverse = false;
  bool list = false;
};

// Lines that can run into the thousands (skips over a big data set) are shown up to this many.
constexpr std::size_t kMaxListedLines = 20;

std::string shape(const arc::Grid& g) { return str(g.height(), "x", g.width()); }

// Why `got` is not `expected`, in a few words.
std::string difference(const arc::Grid& got, const arc::Grid& expected) {
  if (got.height() != expected.height() || got.width() != expected.width())
    return str("is ", shape(got), ", expected ", shape(expected));
  for (int r = 0; r < got.height(); ++r)
    for (int c = 0; c < got.width(); ++c)
      if (got.at(r, c) != expected.at(r, c))
        return str("differs at row ", r, " column ", c, " (", int(got.at(r, c)), ", expected ", int(expected.at(r, c)), ")");
  return "is equal";
}

// Every grid of a task with its place, e.g. "train[1].output"; unknown test outputs are left out.
struct GridPlace {
  std::string where;
  const arc::Grid* grid;
};

std::vector<GridPlace> grids_of(const arc::Task& task) {
  std::vector<GridPlace> places;
  for (const auto* examples : {&task.train, &task.test}) {
    const char* part = examples == &task.train ? "train" : "test";
    for (std::size_t i = 0; i < examples->size(); ++i) {
      const arc::Example& e = (*examples)[i];
      places.push_back({str(part, "[", i, "].input"), &e.input});
      if (e.output) places.push_back({str(part, "[", i, "].output"), &*e.output});
    }
  }
  return places;
}

struct InverseCheck {
  std::size_t grids = 0;
  std::vector<std::string> failures;
};

// Checks one invertible augmenter on one task; every grid counts once, whatever the number of levels.
void check_inverse(const arc::Task& task, const NamedAugmenter& entry, std::uint64_t seed, InverseCheck& check) {
  const arc::Augmenter& augmenter = entry.augmenter;
  const std::vector<GridPlace> places = grids_of(task);
  check.grids += places.size();
  auto failure = [&](const std::string& where, const std::string& level, const std::string& what) {
    check.failures.push_back(str(task.id, " ", augmenter.name(), " ", where, ": ", level, ": ", what));
  };

  // Grid level: only augmenters without random draws have a fixed inverse.
  if (!augmenter.is_random())
    for (const GridPlace& place : places) {
      const arc::Grid restored = augmenter.invert(augmenter.apply(*place.grid));
      if (restored != *place.grid)
        failure(place.where, "grid level", "invert(apply(grid)) " + difference(restored, *place.grid));
    }

  // Task level: the augmented task and the inverse it carries.
  arc::DeterministicRng rng(augment_seed(seed, task.id, augmenter.name()));
  const std::optional<arc::AugmentedTask> augmented = augmenter.augment(task, rng);
  if (!augmented) return failure("task", "task level", "augment dropped the task (a grid side over 30)");
  if (!augmented->invert) return failure("task", "task level", "the augmented task carries no inverse");
  const arc::Task& out = augmented->task;
  if (out.train.size() != task.train.size() || out.test.size() != task.test.size())
    return failure("task", "task level", str("augmented task has ", out.train.size(), " demonstrations and ",
                                             out.test.size(), " test inputs, expected ", task.train.size(), " and ",
                                             task.test.size()));
  auto compare = [&](const std::string& where, const arc::Grid& original, const std::optional<arc::Grid>& transformed) {
    if (!transformed) return failure(where, "task level", "missing in the augmented task");
    if (!augmenter.is_random() && *transformed != augmenter.apply(original))
      failure(where, "task level", "augmented grid " + difference(*transformed, augmenter.apply(original)) +
                                       " from the grid-level apply");
    const arc::Grid restored = augmented->invert(*transformed);
    if (restored != original) failure(where, "task level", "invert(augmented grid) " + difference(restored, original));
  };
  auto compare_example = [&](const std::string& where, const arc::Example& original, const arc::Example& transformed) {
    compare(where + ".input", original.input, transformed.input);
    if (original.output) compare(where + ".output", *original.output, transformed.output);
  };
  for (std::size_t i = 0; i < task.test.size(); ++i) compare_example(str("test[", i, "]"), task.test[i], out.test[i]);
  if (!entry.reorders_demonstrations) {
    for (std::size_t i = 0; i < task.train.size(); ++i)
      compare_example(str("train[", i, "]"), task.train[i], out.train[i]);
    return;
  }
  // The demonstrations come back in another order: each original must be among the restored ones.
  std::vector<bool> used(out.train.size(), false);
  for (std::size_t i = 0; i < task.train.size(); ++i) {
    bool found = false;
    for (std::size_t k = 0; k < out.train.size() && !found; ++k) {
      if (used[k] || !out.train[k].output) continue;
      if (augmented->invert(out.train[k].input) == task.train[i].input &&
          augmented->invert(*out.train[k].output) == *task.train[i].output)
        used[k] = found = true;
    }
    if (!found) failure(str("train[", i, "]"), "task level", "not found among the restored demonstrations");
  }
}

void run_check_inverse(const std::vector<arc::Task>& tasks, const std::vector<NamedAugmenter>& selected,
                       std::uint64_t seed) {
  std::vector<const NamedAugmenter*> invertible;
  std::string skipped;
  for (const NamedAugmenter& entry : selected) {
    if (entry.augmenter.is_invertible()) invertible.push_back(&entry);
    else skipped += (skipped.empty() ? "" : ", ") + entry.augmenter.name();
  }
  if (!skipped.empty()) std::printf("skipped (not invertible): %s\n", skipped.c_str());
  TTT_CHECK(!invertible.empty(), "[arc augment] --check-inverse: none of the selected augmenters is invertible");
  InverseCheck check;
  for (const arc::Task& task : tasks)
    for (const NamedAugmenter* entry : invertible) check_inverse(task, *entry, seed, check);
  for (const std::string& line : check.failures) std::printf("%s\n", line.c_str());
  if (check.failures.empty()) {
    std::printf("%zu grids checked across %zu tasks and %zu augmenters: all restored\n", check.grids, tasks.size(),
                invertible.size());
    return;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%zu failures in %zu grids checked across %zu tasks and %zu augmenters\n", check.failures.size(),
               check.grids, tasks.size(), invertible.size());
  throw CLI::RuntimeError(1);
}

void run_write(const std::vector<arc::Task>& tasks, const std::vector<NamedAugmenter>& selected, std::uint64_t seed,
               const std::string& out_dir, const std::string& tasks_path) {
  for (const arc::Task& task : tasks) check_task_id_for_file_name(task.id, tasks_path);
  std::error_code ec;
  TTT_CHECK(!fs::exists(out_dir, ec) || fs::is_directory(out_dir, ec), "[arc augment] --out '", out_dir,
            "' exists and is not a folder");
  fs::create_directories(out_dir, ec);
  TTT_CHECK(!ec, "[arc augment] cannot create the folder '", out_dir, "': ", ec.message());

  std::size_t written = 0;
  std::vector<std::string> skips;
  for (const arc::Task& task : tasks)
    for (const NamedAugmenter& entry : selected) {
      arc::DeterministicRng rng(augment_seed(seed, task.id, entry.augmenter.name()));
      const std::optional<arc::Task> augmented = entry.augmenter.apply(task, rng);
      if (!augmented) {
        skips.push_back(str(task.id, " ", entry.augmenter.name()));
        continue;
      }
      arc::save_task((fs::path(out_dir) / str(task.id, ".", entry.alias, ".json")).string(), *augmented);
      ++written;
    }
  for (std::size_t i = 0; i < skips.size() && i < kMaxListedLines; ++i)
    std::printf("skipped %s: a grid side would exceed 30\n", skips[i].c_str());
  if (skips.size() > kMaxListedLines) std::printf("... and %zu more skipped\n", skips.size() - kMaxListedLines);
  std::printf("%zu tasks x %zu augmenters: %zu task files written to %s, %zu skipped (a grid side over 30)\n",
              tasks.size(), selected.size(), written, out_dir.c_str(), skips.size());
}

void run_arc_augment(const AugmentFlags& flags) {
  if (flags.list) {
    std::printf("%s", augmenter_listing().c_str());
    return;
  }
  // Flags first, then names, then the (possibly large) task files: nothing is written before all pass.
  TTT_CHECK(!flags.tasks.empty(), "[arc augment] --tasks PATH is required");
  TTT_CHECK(!(flags.check_inverse && !flags.out.empty()),
            "[arc augment] --out and --check-inverse exclude each other: give one of them");
  TTT_CHECK(flags.check_inverse || !flags.out.empty(),
            "[arc augment] give --out DIR (write the augmented tasks) or --check-inverse (check the inverses)");
  const std::vector<NamedAugmenter> selected = select_augmenters(flags.augmenters, "--augmenters");
  const std::vector<arc::Task> tasks = arc::load_tasks(flags.tasks);
  if (flags.check_inverse) return run_check_inverse(tasks, selected, flags.seed);
  run_write(tasks, selected, flags.seed, flags.out, flags.tasks);
}

}  // namespace

void register_arc_augment(CLI::App& arc) {
  auto flags = std::make_shared<AugmentFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "augment",
      "Apply the library's augmenters to your tasks. With --out, write each task transformed by each selected "
      "augmenter as the task file DIR/<task_id>.<alias>.json (tasks with a grid side over 30 after augmenting are "
      "skipped and counted). With --check-inverse, check for every invertible augmenter and every grid that "
      "invert(apply(grid)) == grid, through Augmenter::invert (augmenters without random draws) and through the "
      "augmented task's own inverse; one line per failure, exit 1 if any.\n"
      "Names: the library's (\"Rotate(90)\", \"Reflect(0,reverse)\", \"Chain[Flip(0),IncreaseResolution(2)]\"; any case) "
      "or their aliases, which need no quoting and name the files: CamelCase words in lowercase joined by '-', "
      "parameters appended with '-', chain members joined by '+' (rotate-90, reflect-0-reverse, random-translate-xy, "
      "flip-0+increase-resolution-2). --list shows them all.");
  cmd->add_option("--tasks", flags->tasks, "A task file, a folder of task files, or a Kaggle challenges file");
  cmd->add_option("--augmenters", flags->augmenters,
                  "all (the spec's 23 TTT augmenters, PermuteColors, PermuteExamples and their chain), ttt (the 23), "
                  "or a comma-separated list of names or aliases")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed,
                  "Seed of the random augmenters (RandomTranslateXY, PermuteColors, PermuteExamples); each task and "
                  "augmenter draws from its own stream, so a file does not depend on what else was selected")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", flags->out, "Write the augmented tasks into this folder (created when missing)");
  cmd->add_flag("--check-inverse", flags->check_inverse,
                "Check that the invertible augmenters restore every grid (non-invertible ones are skipped)");
  cmd->add_flag("--list", flags->list, "List the augmenters: library name, alias, invertible/random; then exit");
  cmd->callback([flags] { run_arc_augment(*flags); });
}

}  // namespace ttt::cli
