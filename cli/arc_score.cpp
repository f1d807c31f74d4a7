// `ttt arc score --submission FILE --solutions FILE_OR_DIR [--json]`: competition accuracy of a Kaggle
// submission (a test input is right if either attempt matches; a task only if all its inputs are),
// plus per-test-input accuracy. Irregular but well-formed submissions are scored with notes;
// malformed ones are rejected with the file and the problem.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/submission.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"

namespace ttt::cli {
namespace {

struct ScoreOptions {
  std::string submission;
  std::string solutions;
  bool json = false;
};

// A few lines are enough to see what went wrong; --json carries the complete lists.
constexpr std::size_t kMaxListedLines = 20;

void print_summary(const arc::ScoreReport& report) {
  std::printf("score: %zu / %zu tasks correct (%.2f%%)\n", report.correct_tasks(), report.task_count(),
              100.0 * report.score());
  std::printf("per test input: %zu / %zu correct (%.2f%%)\n", report.correct_inputs(), report.input_count(),
              100.0 * report.per_input());
  std::size_t wrong = 0;
  std::string wrong_ids;
  for (const arc::TaskScore& task : report.tasks) {
    if (task.correct()) continue;
    if (wrong++ < kMaxListedLines) wrong_ids += (wrong_ids.empty() ? "" : " ") + printable(task.task_id);
  }
  if (wrong > 0)
    std::printf("wrong tasks: %s%s\n", wrong_ids.c_str(),
                wrong > kMaxListedLines ? str(" ... and ", wrong - kMaxListedLines, " more").c_str() : "");
  if (report.notes.empty()) return;
  std::printf("notes:\n");
  const std::size_t shown = std::min(report.notes.size(), kMaxListedLines);
  for (std::size_t i = 0; i < shown; ++i) std::printf("  %s\n", printable(report.notes[i]).c_str());
  if (report.notes.size() > shown)
    std::printf("  ... and %zu more (--json lists them all)\n", report.notes.size() - shown);
}

void run_arc_score(const ScoreOptions& options) {
  // Solutions first: a wrong solutions path is the likelier mistake and says nothing about the submission.
  const arc::Solutions solutions = arc::load_solutions(options.solutions);
  const arc::Submission submission = arc::load_submission(options.submission);
  const arc::ScoreReport report = arc::score_submission(submission, solutions);
  if (options.json) {
    std::printf("%s\n", arc::score_report_to_json(report).dump(2).c_str());
  } else {
    print_summary(report);
  }
}

}  // namespace

void register_arc_score(CLI::App& arc) {
  auto options = std::make_shared<ScoreOptions>();
  CLI::App* cmd = arc.add_subcommand(
      "score",
      "Score a Kaggle submission {task_id: [{attempt_1, attempt_2}, ...]}: a test input is correct if either "
      "attempt equals the truth, a task if all its test inputs are; missing tasks and entries count as wrong.");
  cmd->add_option("--submission", options->submission, "Submission JSON file")->required();
  cmd->add_option("--solutions", options->solutions,
                  "Kaggle solutions.json, or a task file / folder of task files / challenges file with test outputs")
      ->required();
  cmd->add_flag("--json", options->json,
                "Print one JSON object: tasks, correct_tasks, score, inputs, correct_inputs, per_input, per_task, "
                "unknown_tasks, notes");
  cmd->callback([options] { run_arc_score(*options); });
}

}  // namespace ttt::cli
