// `ttt arc predict`: augmented inference with voting, two attempts per test input, written as a Kaggle
// submission. With the base model alone (--no-ttt), with adapters trained by `ttt arc ttt` (--adapters),
// or, by default, training each task's adapter on the fly first.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "arc_model_options.h"
#include "commands.h"
#include "ttt/arc/grid_json.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"
#include "ttt/util/progress.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct PredictFlags {
  ArcModelFlags model;
  std::string tasks, out, adapters, details;
  bool no_ttt = false, json = false;
};

int run_predict(const PredictFlags& f) {
  TTT_CHECK(!(f.no_ttt && !f.adapters.empty()), "[arc predict] --no-ttt and --adapters exclude each other");
  const auto options = solve_options(f.model);
  auto model = load_arc_model_flag(f.model);
  const auto tasks = load_arc_tasks_flag(f.tasks, f.model.max_tasks);
  if (!f.adapters.empty())
    TTT_CHECK(fs::is_directory(f.adapters), "[arc predict] --adapters ", f.adapters, ": not a folder");
  models::LoraAdapters adapters;
  if (!f.no_ttt) adapters.attach(model, options.lora, options.lora_seed);
  arc::Submission submission;
  nlohmann::json details = nlohmann::json::object();
  TaskEta eta(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const auto& task = tasks[i];
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
    submission[task.id] = arc::attempts_of(prediction);
    if (!f.details.empty()) {
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
      details[task.id] = {{"mode", mode}, {"tests", tests}};
    }
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
  arc::complete_submission(submission, tasks);
  arc::save_submission(f.out, submission);
  if (!f.details.empty()) write_file_atomic(f.details, details.dump() + "\n");
  if (f.json)
    std::printf("%s\n", nlohmann::json({{"event", "done"}, {"tasks", tasks.size()}, {"submission", f.out}}).dump().c_str());
  else
    std::printf("predicted %zu tasks: submission %s\n", tasks.size(), f.out.c_str());
  return 0;
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
  cmd->add_flag("--json", f->json, "One JSON object per task, then a summary");
  cmd->callback([f] { run_predict(*f); });
}

}  // namespace ttt::cli
