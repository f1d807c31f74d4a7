// `ttt arc eval`: the before/after measurement of ARC test-time training on tasks with known test outputs.
// Every task is predicted twice with the same augmented inference and voting — by the base model alone and
// after training the task's own LoRA adapter — and both are scored (pass@2 per task and per test input),
// timed, and shown in HTML reports. Per-task results are kept in OUT/tasks/, so an interrupted or crashed
// evaluation continues where it stopped. With --search, the program search (arc/search) solves the same
// tasks and the paper's ensemble of search and TTT (search/ensemble.h) is scored too; pass2_ttt stays the
// model's own score.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "arc_model_options.h"
#include "commands.h"
#include "task_share.h"
#include "ttt/arc/grid_json.h"
#include "ttt/arc/report.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/search/ensemble.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/interrupt.h"
#include "ttt/util/printable.h"
#include "ttt/util/progress.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct EvalFlags {
  ArcModelFlags model;
  std::string tasks, out = "arc-eval";
  bool json = false, no_ttt = false;
  bool search = false;
  int nproc = 0;  // 0: one worker per core when no thread count is given (task_share.h)
  arc::search::SearchOptions search_options;
};

nlohmann::json attempts_json(const std::vector<arc::Attempts>& attempts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : attempts)
    out.push_back({{"attempt_1", arc::grid_to_json(a.attempt_1)}, {"attempt_2", arc::grid_to_json(a.attempt_2)}});
  return out;
}

std::vector<arc::Attempts> attempts_from_json(const nlohmann::json& j, const std::string& where) {
  std::vector<arc::Attempts> out;
  TTT_CHECK(j.is_array(), "[arc eval] ", where, ": attempts are not a list");
  for (const auto& a : j)
    out.push_back({arc::grid_from_json(a.at("attempt_1"), where), arc::grid_from_json(a.at("attempt_2"), where)});
  return out;
}

struct TaskRecord {
  std::vector<arc::Attempts> base, ttt;
  double base_seconds = 0, ttt_seconds = 0;
  bool has_ttt = false;
  // Per test input: where the right grid stood among the candidates (arc::answer_rank; -1: not produced).
  std::vector<int> base_answer_rank, ttt_answer_rank;
};

std::vector<int> answer_ranks(const arc::TaskPrediction& prediction, const std::vector<arc::Grid>& answers) {
  std::vector<int> ranks;
  for (std::size_t t = 0; t < prediction.tests.size() && t < answers.size(); ++t)
    ranks.push_back(arc::answer_rank(prediction.tests[t].candidates, answers[t]));
  return ranks;
}

// Test inputs whose right grid was among the candidates.
std::size_t answers_produced(const std::vector<int>& ranks) {
  return static_cast<std::size_t>(std::count_if(ranks.begin(), ranks.end(), [](int r) { return r >= 0; }));
}

// A record written by an earlier run of the same evaluation, or nullopt (missing or unreadable: redo it).
std::optional<TaskRecord> read_record(const std::string& path, bool need_ttt) {
  if (!fs::exists(path)) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(read_file(path, "eval record"));
    TaskRecord r;
    r.base = attempts_from_json(j.at("base"), path);
    r.base_seconds = j.at("base_seconds").get<double>();
    r.base_answer_rank = j.value("base_answer_rank", std::vector<int>{});
    r.ttt_answer_rank = j.value("ttt_answer_rank", std::vector<int>{});
    r.has_ttt = j.contains("ttt");
    if (r.has_ttt) {
      r.ttt = attempts_from_json(j.at("ttt"), path);
      r.ttt_seconds = j.at("ttt_seconds").get<double>();
    }
    if (need_ttt && !r.has_ttt) return std::nullopt;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Per-task records under OUT/tasks; the settings that wrote them in OUT/settings.json.
TaskRecordFolder eval_folder(const EvalFlags& f) {
  return open_record_folder(fs::path(f.out) / "tasks", fs::path(f.out) / "settings.json", arc_model_settings(f.model),
                            "arc eval");
}

// Predicts one task with the base model and, unless --no-ttt, after training its adapter; writes its record.
TaskRecord evaluate_task(const EvalFlags& f, const arc::SolveOptions& options, models::CausalLM& model,
                         models::LoraAdapters& adapters, const arc::Task& task, const std::vector<arc::Grid>& answers,
                         const std::string& record_path) {
  TaskRecord r;
  auto start = std::chrono::steady_clock::now();
  const auto base_prediction = arc::predict_with_base_model(model, &adapters, task, options);
  r.base = arc::attempts_of(base_prediction);
  r.base_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.base_answer_rank = answer_ranks(base_prediction, answers);
  nlohmann::json j = {{"task", task.id}, {"base", attempts_json(r.base)}, {"base_seconds", r.base_seconds},
                      {"base_answer_rank", r.base_answer_rank}};
  if (!f.no_ttt) {
    start = std::chrono::steady_clock::now();
    r.has_ttt = true;
    try {
      const auto outcome = arc::solve_with_ttt(model, adapters, task, options);
      r.ttt = arc::attempts_of(outcome.prediction);
      r.ttt_answer_rank = answer_ranks(outcome.prediction, answers);
      j["ttt_answer_rank"] = r.ttt_answer_rank;
      j["ttt_steps"] = outcome.report.steps;
      j["ttt_examples"] = outcome.report.examples;
      j["ttt_best_step"] = outcome.report.best_step;
      j["ttt_refit_steps"] = outcome.report.refit_steps;
      j["ttt_initial_heldout_loss"] = outcome.report.initial_heldout_loss;
      j["ttt_best_heldout_loss"] = outcome.report.best_heldout_loss;
    } catch (const Error& e) {
      // A task whose demonstrations do not fit the context cannot be trained on: it keeps the base
      // model's prediction, and the reason is shown and recorded.
      std::fprintf(stderr, "%s: test-time training skipped: %s\n", printable(task.id).c_str(), e.what());
      r.ttt = r.base;
      r.ttt_answer_rank = r.base_answer_rank;
      j["ttt_error"] = e.what();
    }
    r.ttt_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    j["ttt"] = attempts_json(r.ttt);
    j["ttt_seconds"] = r.ttt_seconds;
  }
  write_file_atomic(record_path, j.dump() + "\n");
  return r;
}

bool right_answer(const std::string& task_id, const std::vector<arc::Attempts>& attempts,
                  const std::vector<arc::Grid>& answers) {
  arc::Submission one{{task_id, attempts}};
  return arc::score_submission(one, {{task_id, answers}}).correct_tasks() == 1;
}

// Evaluates this process's share of the tasks that have no record yet (every task when it runs alone),
// with a progress line per task on stderr. Returns whether it was interrupted.
bool evaluate_tasks(const EvalFlags& f, const TaskRecordFolder& folder, const std::vector<arc::Task>& tasks,
                    const arc::Solutions& solutions) {
  const auto options = solve_options(f.model);
  auto model = load_arc_model_flag(f.model);
  models::LoraAdapters adapters;
  if (!f.no_ttt) adapters.attach(model, options.lora, options.lora_seed);
  TaskShare share(folder.claims());
  TaskEta eta(share.expected(tasks.size()));
  for (std::size_t i = 0; i < tasks.size() && !interrupt_requested(); ++i) {
    const auto& task = tasks[i];
    const auto record_path = folder.record_path(task.id);
    auto record = read_record(record_path, !f.no_ttt);
    if (!record) {
      if (!share.take(i, task_file_stem(task.id))) continue;
      record = evaluate_task(f, options, model, adapters, task, solutions.at(task.id), record_path);
      eta.finished(record->base_seconds + record->ttt_seconds);
    } else {
      if (!share.whole()) continue;  // a worker reports only its own tasks
      eta.skipped();
    }
    // Progress on stderr, with --json too: stdout carries only the summary object.
    const auto& answers = solutions.at(task.id);
    std::fprintf(stderr, "[%zu/%zu] %s: base %s%s (%.1f s%s)\n", i + 1, tasks.size(), printable(task.id).c_str(),
                 right_answer(task.id, record->base, answers) ? "right" : "wrong",
                 record->has_ttt ? (right_answer(task.id, record->ttt, answers) ? ", TTT right" : ", TTT wrong") : "",
                 record->base_seconds + record->ttt_seconds, eta.suffix().c_str());
  }
  return interrupt_requested();
}

// Scores every task that has a record (all of them unless the run was interrupted; a rank's own share and
// whatever other ranks finished when it ran on a list split elsewhere), writes the
// submissions and reports, runs the search when asked, and prints the summary.
int summarize(const EvalFlags& f, const TaskRecordFolder& folder, const std::vector<arc::Task>& tasks,
              const arc::Solutions& solutions, bool interrupted, int workers, double wall_seconds) {
  arc::Submission base_submission, ttt_submission;
  double base_seconds = 0, ttt_seconds = 0;
  std::size_t produced_base = 0, produced_ttt = 0;
  std::vector<arc::Task> done;
  arc::Solutions done_solutions;
  for (const auto& task : tasks) {
    const auto record = read_record(folder.record_path(task.id), !f.no_ttt);
    if (!record) continue;
    done.push_back(task);
    done_solutions[task.id] = solutions.at(task.id);
    base_submission[task.id] = record->base;
    base_seconds += record->base_seconds;
    produced_base += answers_produced(record->base_answer_rank);
    produced_ttt += answers_produced(record->ttt_answer_rank);
    if (record->has_ttt) {
      ttt_submission[task.id] = record->ttt;
      ttt_seconds += record->ttt_seconds;
    }
  }
  const std::size_t evaluated = done.size();
  const auto base_score = arc::score_submission(base_submission, done_solutions);
  const auto ttt_score = arc::score_submission(ttt_submission, done_solutions);
  arc::save_submission((fs::path(f.out) / "submission_base.json").string(), base_submission);
  arc::ReportInput report;
  report.tasks = done;
  report.solutions = done_solutions;
  report.title = "ARC eval: base model";
  report.submission = base_submission;
  const auto base_report = (fs::path(f.out) / "report_base.html").string();
  arc::write_report(base_report, report);
  std::string ttt_report;
  if (!f.no_ttt) {
    arc::save_submission((fs::path(f.out) / "submission_ttt.json").string(), ttt_submission);
    report.title = "ARC eval: after test-time training";
    report.submission = ttt_submission;
    ttt_report = (fs::path(f.out) / "report.html").string();
    arc::write_report(ttt_report, report);
  }
  // The program search and the ensemble, on the tasks evaluated (the search is fast and deterministic
  // up to its time limit, so it is not part of the per-task records).
  arc::Submission search_submission, ensemble_submission;
  double search_seconds = 0;
  if (f.search && !done.empty()) {
    const auto solutions_found = arc::search::solve_tasks(done, f.search_options, f.model.threads);
    for (const auto& s : solutions_found) search_seconds += s.seconds;
    search_submission = arc::search::to_submission(solutions_found);
    const auto programs = arc::search::to_program_records(solutions_found);
    ensemble_submission =
        arc::search::ensemble(search_submission, programs, f.no_ttt ? base_submission : ttt_submission);
    arc::save_submission((fs::path(f.out) / "submission_search.json").string(), search_submission);
    arc::search::save_program_records((fs::path(f.out) / "programs.json").string(), programs);
    arc::save_submission((fs::path(f.out) / "submission_ensemble.json").string(), ensemble_submission);
  }
  const double n = std::max<double>(1, static_cast<double>(evaluated));
  nlohmann::json summary = {{"tasks", evaluated},
                            {"interrupted", interrupted},
                            {"pass2_base", base_score.score()},
                            {"per_input_base", base_score.per_input()},
                            {"correct_base", base_score.correct_tasks()},
                            {"test_inputs", base_score.input_count()},
                            {"correct_inputs_base", base_score.correct_inputs()},
                            {"answer_produced_inputs_base", produced_base},
                            {"rank_by", f.model.rank_by},
                            {"seconds_per_task_base", base_seconds / n},
                            {"workers", workers},
                            {"wall_seconds", wall_seconds},
                            {"report_base", base_report}};
  if (!f.no_ttt) {
    summary["pass2_ttt"] = ttt_score.score();
    summary["per_input_ttt"] = ttt_score.per_input();
    summary["correct_ttt"] = ttt_score.correct_tasks();
    summary["correct_inputs_ttt"] = ttt_score.correct_inputs();
    summary["answer_produced_inputs_ttt"] = produced_ttt;
    summary["seconds_per_task"] = (base_seconds + ttt_seconds) / n;
    summary["seconds_per_task_ttt"] = ttt_seconds / n;
    summary["report"] = ttt_report;
  } else {
    summary["seconds_per_task"] = base_seconds / n;
  }
  arc::ScoreReport search_score, ensemble_score;
  if (f.search) {
    search_score = arc::score_submission(search_submission, done_solutions);
    ensemble_score = arc::score_submission(ensemble_submission, done_solutions);
    summary["pass2_search"] = search_score.score();
    summary["per_input_search"] = search_score.per_input();
    summary["correct_search"] = search_score.correct_tasks();
    summary["pass2_ensemble"] = ensemble_score.score();
    summary["per_input_ensemble"] = ensemble_score.per_input();
    summary["correct_ensemble"] = ensemble_score.correct_tasks();
    summary["seconds_per_task_search"] = search_seconds / n;
    summary["ensemble_of"] = f.no_ttt ? "search+base" : "search+ttt";
  }
  if (f.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::printf("%s%zu tasks: pass@2 base %.1f %% (%zu), per input %.1f %%", interrupted ? "interrupted after " : "",
                evaluated, 100 * base_score.score(), base_score.correct_tasks(), 100 * base_score.per_input());
    if (!f.no_ttt)
      std::printf("; after TTT %.1f %% (%zu), per input %.1f %%; %.1f s per task\nreport %s\n",
                  100 * ttt_score.score(), ttt_score.correct_tasks(), 100 * ttt_score.per_input(),
                  (base_seconds + ttt_seconds) / n, ttt_report.c_str());
    else
      std::printf("; %.1f s per task\nreport %s\n", base_seconds / n, base_report.c_str());
    if (f.search)
      std::printf("program search %.1f %% (%zu); ensemble of search and %s %.1f %% (%zu)\n", 100 * search_score.score(),
                  search_score.correct_tasks(), f.no_ttt ? "base model" : "TTT", 100 * ensemble_score.score(),
                  ensemble_score.correct_tasks());
  }
  return interrupted ? 130 : 0;
}

// One process evaluates every task (or, as a worker or rank, its share) and summarises; with several
// local workers this process launches them and summarises what they recorded.
int run_eval(const EvalFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  const auto tasks = load_arc_tasks_flag(f.tasks, f.model.max_tasks);
  const auto solutions = arc::solutions_from_tasks(tasks, f.tasks);  // every test output must be known
  const auto folder = eval_folder(f);
  const int workers = task_worker_count(f.nproc, f.model.threads, tasks.size());
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  if (workers > 1) {
    load_arc_model_flag(f.model);  // a missing or corrupt model is one error here, not one per worker
    const int code = launch_task_workers(folder.claims(), workers);
    if (code != 0 && code != 130) return code;  // the failing worker said why
    return summarize(f, folder, tasks, solutions, code == 130, workers, elapsed());
  }
  install_graceful_interrupt();
  const bool interrupted = evaluate_tasks(f, folder, tasks, solutions);
  if (is_local_worker()) return interrupted ? 130 : 0;  // the launcher summarises
  return summarize(f, folder, tasks, solutions, interrupted, task_worker().second, elapsed());
}

}  // namespace

void register_arc_eval(CLI::App& arc) {
  auto f = std::make_shared<EvalFlags>();
  auto* cmd = arc.add_subcommand("eval", "Score predictions without and with test-time training (pass@2, reports)");
  cmd->add_option("--tasks", f->tasks, "Tasks with known test outputs (file, folder, or Kaggle challenges)")->required();
  cmd->add_option("--out", f->out, "Output folder: submissions, reports, per-task records")->capture_default_str();
  cmd->add_flag("--no-ttt", f->no_ttt, "Only the base model");
  add_arc_model_flags(cmd, f->model, true, true);
  cmd->add_flag("--search", f->search,
                "Also run the program search and score its ensemble with the model (the paper's final system)");
  cmd->add_option("--search-depth", f->search_options.max_depth, "Program search: most transforms per program (0-4)")
      ->check(CLI::Range(0, 4))
      ->capture_default_str();
  cmd->add_option("--search-time-limit", f->search_options.time_limit_s, "Program search: seconds per task")
      ->check(CLI::Range(0.01, 86400.0))
      ->capture_default_str();
  add_nproc_option(cmd, f->nproc);
  cmd->add_flag("--json", f->json, "Print one JSON object with the scores");
  cmd->callback([f] {
    const int code = run_eval(*f);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ttt::cli
