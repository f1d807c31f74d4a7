#pragma once
// Flags shared by the ARC commands that run the model (`ttt arc ttt|predict|eval`): the base model, the
// LoRA adapter, per-task test-time training and augmented inference. The schedule's shape is the spec's
// (arc-ttt.md "LoRA test-time training": AdamW, weight decay 0.01, 2 epochs, batch 2, cosine with 10 %
// warmup, alpha 16, no clipping). Learning rate, rank and data size default to what works for the shipped
// ~1 M-parameter model on a CPU (measured on held-out-family dev tasks, docs/results.md); the paper's values
// for 1B–8B models are --lr 1e-4 --lora-rank 64 --max-examples 250.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ttt/arc/pipeline/solve_task.h"
#include "ttt/arc/task.h"
#include "ttt/models/causal_lm.h"

namespace ttt::cli {

struct ArcModelFlags {
  std::string model;  // empty: the shipped model
  std::string targets = "q_proj,v_proj,gate_proj,up_proj,down_proj";
  std::int64_t rank = 16, epochs = 2, batch = 2, max_steps = 0, max_examples = 48;
  double alpha = 16, dropout = 0, lr = 1e-3, weight_decay = 0.01, warmup = 0.1;
  bool no_early_stop = false;
  bool refit = false;
  bool all_augmenters = false;
  std::size_t max_queries = 0, permutations = 2;
  std::string rank_by = "vote";
  std::size_t max_candidates = 8;
  std::uint64_t seed = 0;
  int threads = 0;
  std::size_t max_tasks = 0;
};

// with_ttt: the LoRA and training flags; with_prediction: the augmented-inference flags (queries, orders,
// ranking), which `arc ttt` (training only) does not take.
void add_arc_model_flags(CLI::App* cmd, ArcModelFlags& f, bool with_ttt, bool with_prediction);
arc::SolveOptions solve_options(const ArcModelFlags& f);

// Every flag that changes a prediction, as JSON: per-task records are reused only by a run with the same.
nlohmann::json arc_model_settings(const ArcModelFlags& f);

// The shipped base model: models/arc-base next to the source tree the binary was built from (found from
// the executable's location), or TTT_ARC_MODEL when set.
std::string shipped_arc_model_dir();
// --model, or the shipped model; loads and checks it (error naming the folder).
models::CausalLM load_arc_model_flag(const ArcModelFlags& f);

// The tasks of --tasks, each with at least one test input, cut to --max-tasks.
std::vector<arc::Task> load_arc_tasks_flag(const std::string& path, std::size_t max_tasks);

// Task ids become file names: anything outside [A-Za-z0-9._-] is replaced, and a leading dot too.
std::string task_file_stem(const std::string& task_id);

// The worker's share of a task list under `--nproc` / torchrun (RANK, WORLD_SIZE): tasks i with
// i mod world == rank. Returns {rank, world}.
std::pair<int, int> task_worker();

}  // namespace ttt::cli
