// `ttt arc ttt`: per-task test-time training. For every task a fresh LoRA adapter is trained on the task's
// own demonstrations and saved as OUT/adapters/<task>.safetensors with a report OUT/reports/<task>.json.
// Tasks already done (both files present) are skipped, so a crashed or interrupted run continues where it
// stopped; `--nproc N` (by default one per core) shares the task list among N local workers (or RANK/WORLD_SIZE
// split it over machines; task_share.h).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "arc_model_options.h"
#include "commands.h"
#include "task_share.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/interrupt.h"
#include "ttt/util/printable.h"
#include "ttt/util/progress.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct TttFlags {
  ArcModelFlags model;
  std::string tasks, out;
  int nproc = 0;
  bool json = false;
};

nlohmann::json report_json(const std::string& task_id, const arc::TaskTttReport& r) {
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& [step, loss] : r.heldout_curve) curve.push_back({step, loss});
  return {{"task", task_id},
          {"examples", r.examples},
          {"steps", r.steps},
          {"early_stopping", r.early_stopping},
          {"best_step", r.best_step},
          {"initial_heldout_loss", r.initial_heldout_loss},
          {"best_heldout_loss", r.best_heldout_loss},
          {"final_train_loss", r.final_train_loss},
          {"refit_examples", r.refit_examples},
          {"refit_steps", r.refit_steps},
          {"seconds", r.seconds},
          {"heldout_curve", curve}};
}

struct TttCounts {
  std::size_t tasks = 0, trained = 0, skipped = 0, failed = 0;
  bool interrupted = false;
};

void print_summary(const TttFlags& f, const TttCounts& c) {
  if (f.json)
    std::printf("%s\n", nlohmann::json({{"event", "done"}, {"tasks", c.tasks}, {"trained", c.trained},
                                        {"skipped", c.skipped}, {"failed", c.failed},
                                        {"interrupted", c.interrupted}, {"out", f.out}})
                            .dump()
                            .c_str());
  else
    std::printf("%s%zu tasks: %zu trained, %zu already done, %zu failed; adapters in %s\n",
                c.interrupted ? "interrupted: " : "", c.tasks, c.trained, c.skipped, c.failed,
                (fs::path(f.out) / "adapters").c_str());
}

int run_ttt(const TttFlags& f, const std::vector<arc::Task>& tasks) {
  const auto options = solve_options(f.model);
  auto model = load_arc_model_flag(f.model);
  const auto adapters_dir = fs::path(f.out) / "adapters", reports_dir = fs::path(f.out) / "reports";
  fs::create_directories(adapters_dir);
  fs::create_directories(reports_dir);
  models::LoraAdapters adapters;
  adapters.attach(model, options.lora, options.lora_seed);
  install_graceful_interrupt();
  std::size_t done = 0, skipped = 0, mine = 0, failed = 0;
  TaskShare share(fs::path(f.out) / "claims");
  TaskEta eta(share.expected(tasks.size()));
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& task = tasks[i];
    const auto stem = task_file_stem(task.id);
    const auto adapter_path = (adapters_dir / (stem + ".safetensors")).string();
    const auto report_path = (reports_dir / (stem + ".json")).string();
    if (fs::exists(adapter_path) && fs::exists(report_path)) {
      if (!share.whole()) continue;  // a worker counts only its own tasks
      mine += 1;
      skipped += 1;
      eta.skipped();
      continue;
    }
    if (interrupt_requested()) break;
    if (!share.take(i, stem)) continue;
    mine += 1;
    adapters.reset(options.lora_seed);
    arc::TaskTttReport report;
    try {
      report = arc::test_time_train(model, adapters, task, options.ttt);
    } catch (const Error& e) {
      // One task that cannot be trained (too long for the context) must not stop the others.
      failed += 1;
      eta.skipped();
      if (f.json)
        std::printf("%s\n", nlohmann::json({{"event", "task_failed"}, {"task", task.id}, {"error", e.what()}}).dump().c_str());
      std::fprintf(stderr, "[%zu/%zu] %s: failed: %s\n", i + 1, tasks.size(), printable(task.id).c_str(), e.what());
      continue;
    }
    adapters.save(adapter_path);
    // The report last: its presence marks the task done.
    const auto j = report_json(task.id, report);
    write_file_atomic(report_path, j.dump(2) + "\n");
    done += 1;
    eta.finished(report.seconds);
    if (f.json) {
      auto event = j;
      event["event"] = "task";
      event["eta_seconds"] = eta.eta_seconds();
      event["adapter"] = adapter_path;
      event.erase("heldout_curve");
      std::printf("%s\n", event.dump().c_str());
      std::fflush(stdout);
    } else {
      std::fprintf(stderr, "[%zu/%zu] %s: %zu examples, %lld steps, %s, %.1f s%s\n", i + 1, tasks.size(),
                   printable(task.id).c_str(), report.examples, static_cast<long long>(report.steps),
                   report.early_stopping
                       ? str("held-out demo loss ", report.initial_heldout_loss, " → ", report.best_heldout_loss,
                             " (kept step ", report.best_step,
                             report.refit_steps > 0
                                 ? str("; refit on every demonstration: ", report.refit_steps, " steps")
                                 : std::string(),
                             ")").c_str()
                       : "no early stopping (fewer than 3 demonstrations)",
                   report.seconds, eta.suffix().c_str());
    }
  }
  const bool interrupted = interrupt_requested();
  // A local worker leaves the summary to its launcher, and a task that failed is no reason to stop the
  // other workers (the launcher stops them all when one exits non-zero): the launcher counts failures.
  if (is_local_worker()) return interrupted ? 130 : 0;
  print_summary(f, {mine, done, skipped, failed, interrupted});
  if (interrupted) return 130;
  return failed > 0 ? 1 : 0;
}

// Tasks of the list whose adapter and report are both written.
std::size_t tasks_done(const TttFlags& f, const std::vector<arc::Task>& tasks) {
  std::size_t n = 0;
  for (const auto& task : tasks) {
    const auto stem = task_file_stem(task.id);
    n += fs::exists(fs::path(f.out) / "adapters" / (stem + ".safetensors")) &&
         fs::exists(fs::path(f.out) / "reports" / (stem + ".json"));
  }
  return n;
}

// Several local workers share the list; the summary counts what they wrote.
int launch_ttt_workers(const TttFlags& f, const std::vector<arc::Task>& tasks, int workers) {
  load_arc_model_flag(f.model);  // a missing or corrupt model is one error here, not one per worker
  const auto before = tasks_done(f, tasks);
  const int code = launch_task_workers(fs::path(f.out) / "claims", workers);
  if (code != 0 && code != 130) return code;  // the failing worker said why
  const bool interrupted = code == 130;
  const auto after = tasks_done(f, tasks);
  // Not interrupted, every worker went through the whole list: a task still without adapter failed.
  const std::size_t failed = interrupted ? 0 : tasks.size() - after;
  print_summary(f, {tasks.size(), after - before, before, failed, interrupted});
  if (interrupted) return 130;
  return failed > 0 ? 1 : 0;
}

}  // namespace

void register_arc_ttt(CLI::App& arc) {
  auto f = std::make_shared<TttFlags>();
  auto* cmd = arc.add_subcommand("ttt", "Per-task test-time training: one LoRA adapter per task (resumable)");
  cmd->add_option("--tasks", f->tasks, "Task file, folder of task files, or Kaggle challenges file")->required();
  cmd->add_option("--out", f->out, "Output folder: adapters/<task>.safetensors, reports/<task>.json")->required();
  add_arc_model_flags(cmd, f->model, true, false);
  add_nproc_option(cmd, f->nproc);
  cmd->add_flag("--json", f->json, "One JSON object per task, then a summary");
  cmd->callback([f] {
    const auto tasks = load_arc_tasks_flag(f->tasks, f->model.max_tasks);
    const int workers = task_worker_count(f->nproc, f->model.threads, tasks.size());
    const int code = workers > 1 ? launch_ttt_workers(*f, tasks, workers) : run_ttt(*f, tasks);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ttt::cli
