// `ttt arc report --tasks PATH --submission FILE [--solutions FILE_OR_DIR] --out report.html`: a static,
// self-contained HTML page with every task's demonstrations, test inputs, both attempts and the truth.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "commands.h"
#include "ttt/arc/report.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/search/solver.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct ReportFlags {
  std::string tasks;
  std::string submission;
  std::string solutions;
  std::string out;
  std::string programs;
  std::string title = "ARC report";
};

void run_arc_report(const ReportFlags& flags) {
  check_output_is_not_input("arc report", "--out", flags.out,
                            {{"--tasks", flags.tasks}, {"--submission", flags.submission}, {"--solutions", flags.solutions}});
  arc::ReportInput input;
  input.title = flags.title;
  input.tasks = arc::load_tasks(flags.tasks);
  input.submission = arc::load_submission(flags.submission);
  if (!flags.solutions.empty()) {
    input.solutions = arc::load_solutions(flags.solutions);
  } else {
    // Without --solutions, tasks whose test outputs are all in the task files are scored from them.
    for (const arc::Task& task : input.tasks) {
      std::vector<arc::Grid> truths;
      for (const arc::Example& ex : task.test)
        if (ex.output) truths.push_back(*ex.output);
      if (!truths.empty() && truths.size() == task.test.size()) input.solutions[task.id] = truths;
    }
  }
  // The programs record `ttt arc solve` wrote beside the submission is shown when present.
  const std::string programs =
      flags.programs.empty() ? arc::search::default_programs_path(flags.submission) : flags.programs;
  if (!flags.programs.empty() || std::filesystem::exists(programs))
    for (const auto& [id, record] : arc::search::load_program_records(programs))
      input.programs[id] = record.consistent ? record.program : "";
  arc::write_report(flags.out, input);
  std::fprintf(stderr, "wrote %s (%zu tasks)\n", flags.out.c_str(), input.tasks.size());
}

}  // namespace

void register_arc_report(CLI::App& arc) {
  auto flags = std::make_shared<ReportFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "report",
      "Write a self-contained HTML page showing each task's demonstrations, test inputs, both attempts of a "
      "submission and the truth, marked right or wrong, under a summary table.");
  cmd->add_option("--tasks", flags->tasks, "Task file, folder of task files, or Kaggle challenges file")->required();
  cmd->add_option("--submission", flags->submission, "Submission JSON {task_id: [{attempt_1, attempt_2}, ...]}")
      ->required();
  cmd->add_option("--solutions", flags->solutions,
                  "Kaggle solutions.json or task files with test outputs (default: the tasks' own test outputs)");
  cmd->add_option("--out", flags->out, "HTML file to write")->required();
  cmd->add_option("--programs", flags->programs,
                  "Programs record of `ttt arc solve`, shown beside each task (default: <submission stem>.programs.json "
                  "when it exists)");
  cmd->add_option("--title", flags->title, "Page title")->capture_default_str();
  cmd->callback([flags] { run_arc_report(*flags); });
}

}  // namespace ttt::cli
