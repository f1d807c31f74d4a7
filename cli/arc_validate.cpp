// `ttt arc validate PATH...`: checks task files, folders of task files and Kaggle challenges/solutions
// files, printing every problem (one line each) rather than stopping at the first.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"

namespace ttt::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> paths;
};

void run_arc_validate(const ValidateOptions& options) {
  arc::ValidationReport total;
  std::vector<arc::ValidationReport> reports;
  // Every path must exist before any is examined: a typo should not hide behind a long problem list.
  for (const auto& path : options.paths) reports.push_back(arc::validate(path));
  for (const auto& report : reports) {
    total.files += report.files;
    total.tasks += report.tasks;
    total.invalid_tasks += report.invalid_tasks;
    total.solution_entries += report.solution_entries;
    total.problems.insert(total.problems.end(), report.problems.begin(), report.problems.end());
  }
  // Problems quote task ids and keys from the files: escape control bytes before they reach a terminal.
  for (const auto& problem : total.problems) std::printf("%s\n", printable(problem).c_str());
  const std::string solutions =
      total.solution_entries > 0 ? str(", solutions for ", total.solution_entries, " tasks") : std::string();
  if (total.problems.empty()) {
    std::printf("%zu tasks valid (%zu files%s)\n", total.tasks, total.files, solutions.c_str());
    return;
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%zu problems; %zu of %zu tasks invalid (%zu files%s)\n", total.problems.size(),
               total.invalid_tasks, total.tasks, total.files, solutions.c_str());
  throw CLI::RuntimeError(1);
}

}  // namespace

void register_arc_validate(CLI::App& arc) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* cmd = arc.add_subcommand(
      "validate",
      "Check ARC task files: a task file, a folder of *.json task files, or a Kaggle challenges/solutions file. "
      "Prints every problem, one per line, and exits non-zero if there is any.");
  cmd->add_option("paths", options->paths, "Task files, folders or Kaggle files")->required();
  cmd->callback([options] { run_arc_validate(*options); });
}

}  // namespace ttt::cli
