// `ttt arc predict`: augmented inference with voting, two attempts per test input, written as a Kaggle
// submission. With the base model alone (--no-ttt), with adapters trained by `ttt arc ttt` (--adapters),
// or, by default, training each task's adapter on the fly first. Resumable (per-task records in OUT.tasks/
// until the submission is written) and shared among local workers (--nproc, task_share.h).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "arc_model_options.h"
#include "commands.h"
#include "task_share.h"
#include "ttt/arc/grid_json.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/interrupt.h"
#include "ttt/util/printable.h"
#include "ttt/util/progress.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct PredictFlags {
  ArcModelFlags model;
  std::string tasks, out, adapters, details;
  bool no_ttt = false, json = false;
  int nproc = 0;  // 0: one worker per core when no thread count is given (task_share.h)
};

// An unfinished prediction keeps one record per task in OUT.tasks/ (attempts, mode, the task's details),
// so a crashed or interrupted run, or the workers of --nproc, continue where they are; the folder is removed
// once the submission is written. Records are reused only by a prediction with the same settings.
nlohmann::json predict_settings(const PredictFlags& f) {
  auto settings = arc_model_settings(f.model);
  settings["adapters"] = f.adapters;
  settings["no_ttt"] = f.no_ttt;
  settings["details"] = !f.details.empty();
  return settings;
}

TaskRecordFolder predict_folder(const PredictFlags& f) {
  const fs::path records = f.out + ".tasks";
  return open_record_folder(records, records / "settings.json", predict_settings(f), "arc predict");
}

// After an error: a records folder with nothing to resume from is not left behind.
void remove_if_no_records(const TaskRecordFolder& folder) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder.records, ec))
    if (entry.is_regular_file() && entry.path().filename() != "settings.json") return;
  fs::remove_all(folder.records, ec);
}

nlohmann::json details_json(const arc::TaskPrediction& prediction, const std::string& mode) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& t : prediction.tests) {
    nlohmann::json queries = nlohmann::json::array();
    for (const auto& q : t.queries)
      queries.push_back({{"query", q.query_id}, {"transform", q.transform}, {"prompt_tokens", q.prompt_tokens},
                         {"output", q.output ? arc::grid_to_json(*q.output) : nlohmann::json()},
                         {"log_prob", q.log_prob}});
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : t.candidates) {
      nlohmann::json entry = {{"grid", arc::grid_to_json(c.grid)}, {"votes", c.votes}};
      // -inf (unscored) is not JSON: the key is left out.
      if (std::isfinite(c.log_likelihood)) entry["log_likelihood"] = c.log_likelihood;
      candidates.push_back(std::move(entry));
    }
    tests.push_back({{"base", arc::query_base_name(t.base)}, {"queries", queries}, {"candidates", candidates},
                     {"scoring_queries", t.scoring_queries}});
  }
  return {{"mode", mode}, {"tests", tests}};
}

struct TaskRecord {
  std::vector<arc::Attempts> attempts;
  nlohmann::json details;  // null without --details
};

// A record of an earlier run, or nullopt (missing or unreadable: predict again).
std::optional<TaskRecord> read_record(const std::string& path, bool need_details) {
  if (!fs::exists(path)) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(read_file(path, "predict record"));
    TaskRecord r;
    for (const auto& a : j.at("attempts"))
      r.attempts.push_back({arc::grid_from_json(a.at("attempt_1"), path), arc::grid_from_json(a.at("attempt_2"), path)});
    r.details = j.value("details", nlohmann::json());
    if (need_details && r.details.is_null()) return std::nullopt;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Predicts this process's share of the tasks that have no record yet, writing each record. Returns whether
// it was interrupted.
bool predict_tasks(const PredictFlags& f, const TaskRecordFolder& folder, const std::vector<arc::Task>& tasks,
                   models::CausalLM& model) {
  const auto options = solve_options(f.model);
  models::LoraAdapters adapters;
  if (!f.no_ttt) adapters.attach(model, options.lora, options.lora_seed);
  TaskShare share(folder.claims());
  TaskEta eta(share.expected(tasks.size()));
  for (std::size_t i = 0; i < tasks.size() && !interrupt_requested(); ++i) {
    const auto& task = tasks[i];
    const auto record_path = folder.record_path(task.id);
    if (read_record(record_path, !f.details.empty())) {
      if (share.whole()) eta.skipped();
      continue;
    }
    if (!share.take(i, task_file_stem(task.id))) continue;
    const auto start = std::chrono::steady_clock::now();
    arc::TaskPrediction prediction;
    std::string mode = "base";
    if (f.no_ttt) {
      prediction = arc::predict_with_model(model, nullptr, task, options);
    } else if (!f.adapters.empty()) {
      // Adapters are saved under the task's file stem (`ttt arc ttt`); the Kaggle layout has the same ids.
      const auto path = (fs::path(f.adapters) / "adapters" / (task_file_stem(task.id) + ".safetensors")).string();
      const auto flat = (fs::path(f.adapters) / (task_file_stem(task.id) + ".safetensors")).string();
      const auto& found = fs::exists(path) ? path : flat;
      TTT_CHECK(fs::exists(found), "[arc predict] no adapter for task '", printable(task.id), "' in ", f.adapters,
                " (expected ", path, ")");
      adapters.load(found);
      prediction = arc::predict_with_model(model, &adapters, task, options);
      mode = "adapter";
    } else {
      try {
        prediction = arc::solve_with_ttt(model, adapters, task, options).prediction;
        mode = "ttt";
      } catch (const Error& e) {
        // Demonstrations too long to train on: predict with the base model and say why.
        std::fprintf(stderr, "%s: test-time training skipped (%s); base model prediction\n",
                     printable(task.id).c_str(), e.what());
        prediction = arc::predict_with_base_model(model, &adapters, task, options);
        mode = "base (ttt failed)";
      }
    }
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : arc::attempts_of(prediction))
      attempts.push_back({{"attempt_1", arc::grid_to_json(a.attempt_1)}, {"attempt_2", arc::grid_to_json(a.attempt_2)}});
    nlohmann::json record = {{"task", task.id}, {"mode", mode}, {"attempts", attempts}};
    if (!f.details.empty()) record["details"] = details_json(prediction, mode);
    write_file_atomic(record_path, record.dump() + "\n");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    eta.finished(seconds);
    if (f.json) {
      std::printf("%s\n", nlohmann::json({{"event", "task"}, {"task", task.id}, {"mode", mode},
                                          {"test_inputs", prediction.tests.size()}, {"seconds", seconds},
                                          {"eta_seconds", eta.eta_seconds()}})
                              .dump()
                              .c_str());
      std::fflush(stdout);
    } else {
      std::fprintf(stderr, "[%zu/%zu] %s (%s)%s\n", i + 1, tasks.size(), printable(task.id).c_str(), mode.c_str(),
                   eta.suffix().c_str());
    }
  }
  return interrupt_requested();
}

// The submission (and details) from the records once every task has one; then the records go.
int write_submission(const PredictFlags& f, const TaskRecordFolder& folder, const std::vector<arc::Task>& tasks,
                     bool interrupted) {
  arc::Submission submission;
  nlohmann::json details = nlohmann::json::object();
  std::size_t missing = 0;
  for (const auto& task : tasks) {
    const auto record = read_record(folder.record_path(task.id), !f.details.empty());
    if (!record) {
      missing += 1;
      continue;
    }
    submission[task.id] = record->attempts;
    if (!f.details.empty()) details[task.id] = record->details;
  }
  if (missing > 0) {
    // No half-written submission: the records stay for the next run.
    const auto done = tasks.size() - missing;
    if (f.json)
      std::printf("%s\n", nlohmann::json({{"event", "done"}, {"tasks", tasks.size()}, {"predicted", done},
                                          {"interrupted", true}, {"records", folder.records.string()}})
                              .dump()
                              .c_str());
    else
      std::printf("interrupted: %zu of %zu tasks predicted (kept in %s); run the same command again to finish\n",
                  done, tasks.size(), folder.records.c_str());
    return interrupted ? 130 : 1;
  }
  arc::complete_submission(submission, tasks);
  arc::save_submission(f.out, submission);
  if (!f.details.empty()) write_file_atomic(f.details, details.dump() + "\n");
  std::error_code ec;
  fs::remove_all(folder.records, ec);  // the submission holds everything now
  if (f.json)
    std::printf("%s\n", nlohmann::json({{"event", "done"}, {"tasks", tasks.size()}, {"predicted", tasks.size()},
                                        {"interrupted", false}, {"submission", f.out}})
                            .dump()
                            .c_str());
  else
    std::printf("predicted %zu tasks: submission %s\n", tasks.size(), f.out.c_str());
  return 0;
}

int run_predict(const PredictFlags& f) {
  TTT_CHECK(!(f.no_ttt && !f.adapters.empty()), "[arc predict] --no-ttt and --adapters exclude each other");
  const auto tasks = load_arc_tasks_flag(f.tasks, f.model.max_tasks);
  if (!f.adapters.empty())
    TTT_CHECK(fs::is_directory(f.adapters), "[arc predict] --adapters ", f.adapters, ": not a folder");
  const int workers = task_worker_count(f.nproc, f.model.threads, tasks.size());
  auto model = load_arc_model_flag(f.model);  // a missing or corrupt model: one error, before any folder
  const auto folder = predict_folder(f);
  if (workers > 1) {
    const int code = launch_task_workers(folder.claims(), workers);
    if (code != 0 && code != 130) return code;  // the failing worker said why
    return write_submission(f, folder, tasks, code == 130);
  }
  install_graceful_interrupt();
  bool interrupted = false;
  try {
    interrupted = predict_tasks(f, folder, tasks, model);
  } catch (...) {
    remove_if_no_records(folder);
    throw;
  }
  // A worker or rank writes records only: the launcher, or a last run without RANK/WORLD_SIZE, writes the
  // submission once every task has one.
  if (std::getenv("WORLD_SIZE") != nullptr) return interrupted ? 130 : 0;
  return write_submission(f, folder, tasks, interrupted);
}

}  // namespace

void register_arc_predict(CLI::App& arc) {
  auto f = std::make_shared<PredictFlags>();
  auto* cmd = arc.add_subcommand("predict", "Augmented inference with voting → Kaggle submission (with or without TTT)");
  cmd->add_option("--tasks", f->tasks, "Task file, folder of task files, or Kaggle challenges file")->required();
  cmd->add_option("--out", f->out, "Submission file to write")->required();
  cmd->add_option("--adapters", f->adapters, "Folder written by `ttt arc ttt` (use its adapters instead of training)");
  cmd->add_flag("--no-ttt", f->no_ttt, "Predict with the base model alone");
  cmd->add_option("--details", f->details, "Also write every query's prediction (JSON)");
  add_arc_model_flags(cmd, f->model, true, true);
  add_nproc_option(cmd, f->nproc);
  cmd->add_flag("--json", f->json, "One JSON object per task, then a summary");
  cmd->callback([f] {
    const int code = run_predict(*f);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ttt::cli
