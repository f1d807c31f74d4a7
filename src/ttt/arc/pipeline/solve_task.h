#pragma once
// One ARC task end to end with the base model: predictions without test-time training (the baseline), and
// with it — a fresh LoRA adapter trained on the task's demonstrations (task_ttt.h), merged for fast
// decoding, then the same augmented inference and voting (predict_task.h). The recipe behind
// `ttt arc ttt`, `ttt arc predict` and `ttt arc eval`.
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/pipeline/task_ttt.h"
#include "ttt/arc/predict_task.h"
#include "ttt/arc/submission.h"
#include "ttt/models/lora_adapters.h"
#include "ttt/nn/lora.h"

namespace ttt::arc {

struct SolveOptions {
  nn::LoraConfig lora;
  std::uint64_t lora_seed = 0;  // every task starts from the same adapter (spec: reset per task)
  TaskTttOptions ttt;
  PredictTaskOptions predict;   // queries.max_length is set from the model's context
};

// The submission entries of a prediction: one Attempts per test input.
std::vector<Attempts> attempts_of(const TaskPrediction& prediction);

// Augmented inference with the model as it is (no adapter, or the adapters as they are, merged for the
// duration). Leaves the model in eval mode.
TaskPrediction predict_with_model(models::CausalLM& model, models::LoraAdapters* adapters, const Task& task,
                                  const SolveOptions& options);

// The base model's prediction: when `adapters` are attached to `model` (they hold the previous task's
// training after solve_with_ttt, and an attached adapter acts in every forward), they are reset first
// (B = 0, so merging them leaves each weight bit for bit as it was), so the result never depends on which
// task was trained before. `adapters` may be null or detached.
TaskPrediction predict_with_base_model(models::CausalLM& model, models::LoraAdapters* adapters, const Task& task,
                                       const SolveOptions& options);

struct TttOutcome {
  TaskTttReport report;
  TaskPrediction prediction;
  double predict_seconds = 0;
};

// Resets `adapters` (attached to `model`), trains them on `task` and predicts with them. When adapter_path
// is not empty the trained adapter is saved there (atomically).
TttOutcome solve_with_ttt(models::CausalLM& model, models::LoraAdapters& adapters, const Task& task,
                          const SolveOptions& options, const std::string& adapter_path = "");

}  // namespace ttt::arc
