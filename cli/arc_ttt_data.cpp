// `ttt arc ttt-data --task FILE [--max-tasks N] [--max-length N --format tokens|text] [--seed N] [--out DIR]
// [--json]`: the test-time-training data make_ttt_data builds for one task, counted stage by stage, and
// optionally written out as task files "<id>-ttt-<k>.json".
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "arc_augmenter_names.h"
#include "commands.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/task_io.h"
#include "ttt/arc/text_format.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"

namespace ttt::cli {
namespace {

namespace fs = std::filesystem;

struct TttDataFlags {
  std::string task;
  std::size_t max_tasks = 250;
  std::size_t max_length = 0;
  bool has_max_length = false;  // set from the option count: 0 is rejected, absence means no limit
  std::string format = "tokens";
  std::string augmenters = "ttt";
  std::uint64_t seed = 0;
  std::string out;
  bool json = false;
  bool all_augmenters = false;
};

// Length of a TTT task (one test pair, output known) as the model would see it in training.
arc::TaskLength length_function(const std::string& format) {
  if (format == "tokens")
    return [](const arc::Task& t) { return arc::serialize_task_tokens(t, 0, /*include_answer=*/true).ids.size(); };
  return [](const arc::Task& t) { return arc::serialize_task_text(t, 0, /*include_answer=*/true).text.size(); };
}

struct StageCounts {
  std::size_t leave_one_out, augmented, with_permuted_copies, deduplicated, fitting, kept_from_leave_one_out,
      leave_two_out, leave_two_out_fitting, leave_two_out_fill, final_count;
};

StageCounts stage_counts(const arc::TttData& data, const arc::TttDataOptions& options) {
  const arc::TttDataStats& s = data.stats;
  // with_permuted_copies adds exactly one copy per task before it deduplicates.
  const std::size_t before_dedupe = options.permuted_copies ? 2 * s.augmented : s.augmented;
  return {s.leave_one_out, s.augmented,     before_dedupe,        s.with_copies,          s.fitting,
          s.from_leave_one_out, s.leave_two_out, s.leave_two_out_fitting, s.from_leave_two_out, data.tasks.size()};
}

std::string output_name(const std::string& id, std::size_t k) { return str(id, "-ttt-", k, ".json"); }

// "<id>-ttt-<digits>.json" with k ≥ count: left from an earlier, larger run; removing them keeps the folder
// equal to this run's data.
std::size_t remove_stale_outputs(const std::string& out_dir, const std::string& id, std::size_t count) {
  const std::string prefix = id + "-ttt-", suffix = ".json";
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(out_dir, ec)) {
    const std::string name = item.path().filename().string();
    if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string k = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (k.find_first_not_of("0123456789") != std::string::npos || k.size() > 18) continue;
    if (std::stoull(k) >= count && fs::remove(item.path(), ec)) ++removed;
  }
  return removed;
}

void run_arc_ttt_data(const TttDataFlags& flags) {
  TTT_CHECK(flags.max_tasks >= 1, "[arc ttt-data] --max-tasks must be at least 1");
  TTT_CHECK(!flags.has_max_length || flags.max_length >= 1, "[arc ttt-data] --max-length must be at least 1");
  TTT_CHECK(flags.format == "tokens" || flags.format == "text", "[arc ttt-data] --format must be tokens or text, got '",
            flags.format, "'");
  arc::TttDataOptions options;
  options.augmenters.clear();
  for (const NamedAugmenter& entry : select_augmenters(flags.augmenters, "--augmenters"))
    options.augmenters.push_back(entry.augmenter);
  options.max_tasks = flags.max_tasks;
  options.seed = flags.seed;
  options.keep_fixed_answer_shape = !flags.all_augmenters;
  arc::TaskLength length;
  if (flags.has_max_length) {
    options.max_length = flags.max_length;
    length = length_function(flags.format);
  }

  const std::vector<arc::Task> tasks = arc::load_tasks(flags.task);
  TTT_CHECK(tasks.size() == 1, "[arc ttt-data] ", flags.task, " holds ", tasks.size(),
            " tasks; --task takes one task (a task file)");
  const arc::Task& task = tasks.front();
  if (!flags.out.empty()) check_task_id_for_file_name(task.id, flags.task);
  if (task.train.size() < 2)
    std::fprintf(stderr, "note: task '%s' has %zu demonstration; leave-one-out needs at least 2, so there is no data\n",
                 task.id.c_str(), task.train.size());

  const arc::TttData data = arc::make_ttt_data(task, options, length);
  const StageCounts counts = stage_counts(data, options);
  if (data.stats.skipped_for_memory > 0)
    std::fprintf(stderr,
                 "note: task '%s' has %zu demonstrations; %zu base tasks were left out (a seeded random subset is "
                 "built) to stay within the %llu MiB the stages may hold\n",
                 printable(task.id).c_str(), task.train.size(), data.stats.skipped_for_memory,
                 static_cast<unsigned long long>(options.memory_budget >> 20));

  std::size_t written = 0, removed = 0;
  if (!flags.out.empty()) {
    std::error_code ec;
    TTT_CHECK(!fs::exists(flags.out, ec) || fs::is_directory(flags.out, ec), "[arc ttt-data] --out '", flags.out,
              "' exists and is not a folder");
    fs::create_directories(flags.out, ec);
    TTT_CHECK(!ec, "[arc ttt-data] cannot create the folder '", flags.out, "': ", ec.message());
    for (std::size_t k = 0; k < data.tasks.size(); ++k) {
      arc::Task file_task = data.tasks[k];
      file_task.id = str(task.id, "-ttt-", k);
      arc::save_task((fs::path(flags.out) / output_name(task.id, k)).string(), file_task);
      ++written;
    }
    removed = remove_stale_outputs(flags.out, task.id, data.tasks.size());
  }

  if (flags.json) {
    nlohmann::ordered_json j;
    j["task"] = task.id;
    j["demonstrations"] = task.train.size();
    j["augmenters"] = data.stats.augmenters_used;
    j["augmenters_dropped_for_fixed_answer_shape"] = data.stats.augmenters_dropped;
    j["seed"] = flags.seed;
    j["max_tasks"] = flags.max_tasks;
    j["max_length"] = flags.has_max_length ? nlohmann::ordered_json(flags.max_length) : nlohmann::ordered_json();
    j["format"] = flags.has_max_length ? nlohmann::ordered_json(flags.format) : nlohmann::ordered_json();
    j["leave_one_out"] = counts.leave_one_out;
    j["augmented"] = counts.augmented;
    j["with_permuted_copies"] = counts.with_permuted_copies;
    j["deduplicated"] = counts.deduplicated;
    j["fitting"] = counts.fitting;
    j["kept_from_leave_one_out"] = counts.kept_from_leave_one_out;
    j["leave_two_out"] = counts.leave_two_out;
    j["leave_two_out_fitting"] = counts.leave_two_out_fitting;
    j["leave_two_out_fill"] = counts.leave_two_out_fill;
    j["final"] = counts.final_count;
    j["skipped_for_memory"] = data.stats.skipped_for_memory;
    if (!flags.out.empty()) {
      j["out"] = flags.out;
      j["written"] = written;
      j["removed_stale"] = removed;
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  const std::string limit =
      flags.has_max_length ? str("(", flags.format, " <= ", flags.max_length, ")") : std::string("(no --max-length)");
  std::printf("task %s: %zu demonstrations, %zu augmenters, seed %llu\n", task.id.c_str(), task.train.size(),
              data.stats.augmenters_used, static_cast<unsigned long long>(flags.seed));
  if (data.stats.augmenters_dropped > 0) {
    const auto& shape = data.stats.kept_answer_shape;
    std::printf("(%zu augmenters left out: every answer is %dx%d whatever the input, and they would change that)\n",
                data.stats.augmenters_dropped, shape->first, shape->second);
  }
  std::printf("leave-one-out           %6zu\n", counts.leave_one_out);
  std::printf("after augmentation      %6zu   (originals kept, distinct)\n", counts.augmented);
  std::printf("after permuted copies   %6zu   (one PermuteColors+PermuteExamples copy each)\n",
              counts.with_permuted_copies);
  std::printf("after dedupe            %6zu\n", counts.deduplicated);
  std::printf("after length filter     %6zu   %s\n", counts.fitting, limit.c_str());
  std::printf("kept under the cap      %6zu   (--max-tasks %zu)\n", counts.kept_from_leave_one_out, flags.max_tasks);
  std::printf("leave-two-out fill      %6zu   (%zu leave-two-out tasks, %zu after the same stages)\n",
              counts.leave_two_out_fill, counts.leave_two_out, counts.leave_two_out_fitting);
  std::printf("final                   %6zu\n", counts.final_count);
  if (!flags.out.empty()) {
    std::printf("wrote %zu task files to %s", written, flags.out.c_str());
    if (removed > 0) std::printf(" (removed %zu left from an earlier run)", removed);
    std::printf("\n");
  }
}

}  // namespace

void register_arc_ttt_data(CLI::App& arc) {
  auto flags = std::make_shared<TttDataFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "ttt-data",
      "Build the test-time-training data of one task (spec: leave-one-out tasks, each augmenter applied, one "
      "PermuteColors+PermuteExamples copy each, duplicates removed, tasks longer than --max-length dropped, capped "
      "at --max-tasks, filled up from leave-two-out) and print the count after each stage. With --out, write the "
      "final tasks as DIR/<id>-ttt-<k>.json (k from 0; such files from an earlier, larger run are removed).");
  cmd->add_option("--task", flags->task, "The task file")->required();
  cmd->add_option("--max-tasks", flags->max_tasks, "Cap on the number of tasks (Nmax)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);  // unsigned: "-1" would wrap to 2^64 - 1; 0 is refused below
  CLI::Option* max_length = cmd->add_option(
      "--max-length", flags->max_length,
      "Drop tasks longer than this (default: no limit); length as --format measures it")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--format", flags->format,
                  "tokens: token count of the compact grid-token serialization; text: character count of the "
                  "paper's text format")
      ->capture_default_str()
      ->needs(max_length);
  cmd->add_option("--augmenters", flags->augmenters,
                  "ttt (the spec's 23), all, or a comma-separated list of names or aliases (`ttt arc augment --list`)")
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Random seed (translations, color maps, demonstration orders, the cut)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", flags->out, "Write the final tasks into this folder (created when missing)");
  cmd->add_flag("--all-augmenters", flags->all_augmenters, kAllAugmentersHelp);
  cmd->add_flag("--json", flags->json,
                "Print one JSON object of the counts: augmenters, augmenters_dropped_for_fixed_answer_shape, leave_one_out, augmented, with_permuted_copies, deduplicated, "
                "fitting, kept_from_leave_one_out, leave_two_out, leave_two_out_fitting, leave_two_out_fill, final");
  cmd->callback([flags, max_length] {
    flags->has_max_length = max_length->count() > 0;
    run_arc_ttt_data(*flags);
  });
}

}  // namespace ttt::cli
