// `ttt arc solve --tasks PATH --out submission.json [--depth D] [--time-limit S] [--explain] [--json]`:
// program search over the ARC DSL (src/ttt/arc/search) for every task, in parallel over tasks. Writes
// a Kaggle submission and, beside it, the programs record the ensemble and the report read
// (<out stem>.programs.json unless --programs says otherwise). With --solutions it also scores.
// Finished tasks are journaled (<out stem>.journal.jsonl, see solve_journal.h): rerunning a killed run
// searches only the tasks it had not finished.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/search/solve_journal.h"
#include "ttt/arc/search/solver.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct SolveFlags {
  std::string tasks;
  std::string out;
  std::string programs;
  std::string solutions;
  arc::search::SearchOptions search;
  int threads = 0;
  bool explain = false;
  bool json = false;
  bool quiet = false;
};

void run_arc_solve(const SolveFlags& flags) {
  arc::search::check_options(flags.search);
  TTT_CHECK(flags.threads >= 0, "[arc solve] --threads must be 0 (all cores) or more, got ", flags.threads);
  const std::vector<arc::Task> tasks = arc::load_tasks(flags.tasks);
  TTT_CHECK(!tasks.empty(), "[arc solve] ", flags.tasks, ": no tasks found");
  // Solutions before the long search: a wrong path should fail in a second, not after an hour.
  arc::Solutions solutions;
  if (!flags.solutions.empty()) solutions = arc::load_solutions(flags.solutions);

  // Finished tasks go to the journal as they end, so a killed run continues where it stopped.
  arc::search::SolveJournal journal(arc::search::default_journal_path(flags.out), flags.search);
  std::vector<arc::Task> remaining;
  for (const arc::Task& task : tasks)
    if (!journal.finished().count(task.id)) remaining.push_back(task);
  const std::size_t resumed = tasks.size() - remaining.size();
  if (resumed > 0 && !flags.quiet)
    std::fprintf(stderr, "resuming: %zu of %zu tasks were solved by an earlier run (%s)\n", resumed, tasks.size(),
                 journal.path().c_str());
  const int offset = static_cast<int>(resumed), total_tasks = static_cast<int>(tasks.size());
  arc::search::solve_tasks(remaining, flags.search, flags.threads,
                           [&](int done, int, const arc::search::TaskSolution& s) {
                             journal.append(s);
                             if (flags.quiet) return;
                             std::fprintf(stderr, "[%d/%d] %s: %s (%.2f s%s)\n", offset + done, total_tasks,
                                          s.task_id.c_str(), s.consistent ? s.program.c_str() : "no program",
                                          s.seconds, s.timed_out ? ", time limit" : "");
                           });
  std::vector<arc::search::TaskSolution> results;  // in the tasks' order, earlier runs' results included
  for (const arc::Task& task : tasks) results.push_back(journal.finished().at(task.id));
  const arc::Submission submission = arc::search::to_submission(results);
  const std::string programs_path =
      flags.programs.empty() ? arc::search::default_programs_path(flags.out) : flags.programs;
  arc::save_submission(flags.out, submission);
  arc::search::save_program_records(programs_path, arc::search::to_program_records(results));
  journal.remove();

  double seconds = 0, slowest = 0;
  std::size_t consistent = 0, timed_out = 0, inputs = 0;
  std::map<int, std::size_t> by_length;  // program length → tasks
  for (const auto& r : results) {
    seconds += r.seconds;
    slowest = std::max(slowest, r.seconds);
    inputs += r.attempts.size();
    timed_out += r.timed_out;
    if (r.consistent) ++consistent, ++by_length[r.program_length];
  }
  nlohmann::ordered_json summary;
  summary["tasks"] = tasks.size();
  summary["resumed_tasks"] = resumed;
  summary["test_inputs"] = inputs;
  summary["solved_demos"] = consistent;
  summary["seconds_per_task"] = seconds / tasks.size();
  summary["slowest_task_seconds"] = slowest;
  summary["timed_out_tasks"] = timed_out;
  summary["depth"] = flags.search.max_depth;
  summary["time_limit_s"] = flags.search.time_limit_s;
  nlohmann::ordered_json lengths = nlohmann::ordered_json::object();
  for (const auto& [length, n] : by_length) lengths[std::to_string(length)] = n;
  summary["solved_demos_by_length"] = lengths;
  summary["submission"] = flags.out;
  summary["programs"] = programs_path;

  std::size_t overfit = 0;
  std::optional<arc::ScoreReport> report;
  if (!solutions.empty()) {
    report = arc::score_submission(submission, solutions);
    std::map<std::string, bool> correct;
    for (const auto& t : report->tasks) correct[t.task_id] = t.correct();
    nlohmann::ordered_json correct_by_length = nlohmann::ordered_json::object();
    for (const auto& r : results) {
      if (!r.consistent) continue;
      const auto it = correct.find(r.task_id);
      if (it == correct.end()) continue;
      if (!it->second) ++overfit;
      const std::string key = std::to_string(r.program_length);
      correct_by_length[key] = correct_by_length.value(key, 0) + (it->second ? 1 : 0);
    }
    // pass@2 on tasks whose grids (demonstrations, test inputs and true outputs) are all ≤ 10×10.
    std::size_t small = 0, small_correct = 0;
    for (const arc::Task& task : tasks) {
      const auto truth = solutions.find(task.id);
      if (truth == solutions.end()) continue;
      bool fits = true;
      auto check = [&fits](const arc::Grid& g) { fits = fits && g.height() <= 10 && g.width() <= 10; };
      for (const arc::Example& ex : task.train) check(ex.input), check(*ex.output);
      for (const arc::Example& ex : task.test) check(ex.input);
      for (const arc::Grid& g : truth->second) check(g);
      if (!fits) continue;
      ++small;
      small_correct += correct.count(task.id) && correct[task.id];
    }
    summary["small_tasks"] = small;
    summary["small_correct_tasks"] = small_correct;
    summary["overfit"] = overfit;
    summary["correct_by_length"] = correct_by_length;
    const nlohmann::ordered_json score = arc::score_report_to_json(*report);  // outlives the loop
    for (const auto& [key, value] : score.items()) summary[key] = value;
  }

  if (flags.explain)
    for (const auto& r : results) {
      std::printf("%s: %s\n", r.task_id.c_str(), r.consistent ? r.program.c_str() : "no program");
      if (!r.second_program.empty()) std::printf("  second: %s\n", r.second_program.c_str());
    }
  if (flags.json) {
    std::printf("%s\n", summary.dump().c_str());
    return;
  }
  std::printf("solved demos: %zu / %zu tasks (a program consistent with every demonstration)\n", consistent,
              tasks.size());
  std::printf("seconds per task: %.3f (slowest %.2f, %zu hit the time limit)\n", seconds / tasks.size(), slowest,
              timed_out);
  if (report) {
    std::printf("score: %zu / %zu tasks correct (%.2f%%)\n", report->correct_tasks(), report->task_count(),
                100.0 * report->score());
    std::printf("grids all <= 10x10: %zu / %zu tasks correct\n", summary["small_correct_tasks"].get<std::size_t>(),
                summary["small_tasks"].get<std::size_t>());
    std::printf("consistent but wrong on test: %zu\n", overfit);
  }
  std::printf("wrote %s and %s\n", flags.out.c_str(), programs_path.c_str());
}

}  // namespace

void register_arc_solve(CLI::App& arc) {
  auto flags = std::make_shared<SolveFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "solve",
      "Solve ARC tasks by program search over a DSL of grid and object transforms: breadth-first up to --depth "
      "steps, each distinct intermediate state once; the two simplest programs consistent with every "
      "demonstration give attempt 1 and 2. Writes a Kaggle submission and a programs record beside it.");
  cmd->add_option("--tasks", flags->tasks, "Task file, folder of task files, or Kaggle challenges file")->required();
  cmd->add_option("--out", flags->out, "Submission JSON to write")->required();
  cmd->add_option("--programs", flags->programs,
                  "Programs record to write (default: the submission's name with .programs.json)");
  cmd->add_option("--depth", flags->search.max_depth, "Most transforms per program (0-4)")->capture_default_str();
  cmd->add_option("--time-limit", flags->search.time_limit_s, "Seconds per task (wall clock)")->capture_default_str();
  cmd->add_option("--max-states", flags->search.max_states,
                  "Distinct intermediate states kept per task (the memory budget)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "Tasks solved in parallel (0: all cores)")->capture_default_str();
  cmd->add_option("--solutions", flags->solutions,
                  "Also score: Kaggle solutions.json or task files with test outputs");
  cmd->add_flag("--explain", flags->explain, "Print each task's program (or \"no program\")");
  cmd->add_flag("--json", flags->json,
                "Print one JSON object: tasks, solved_demos, seconds_per_task, ... and with --solutions the fields of "
                "`ttt arc score --json` plus overfit");
  cmd->add_flag("--quiet", flags->quiet, "No per-task progress lines on stderr");
  cmd->callback([flags] { run_arc_solve(*flags); });
}

}  // namespace ttt::cli
