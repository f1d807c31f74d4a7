#pragma once
// The training recipe behind `ttt lm train`: a Trainer driven to the end of its schedule with periodic
// validation and checkpoints, a JSONL log (RUN/log.jsonl) and a loss-curve plot (RUN/loss.svg). A run
// folder holds one run: starting again over it needs --resume, which continues from the latest
// checkpoint; an interruption (should_stop) saves a checkpoint first.
#include <functional>
#include <optional>
#include <string>

#include "ttt/data/window_source.h"
#include "ttt/eval/lm_eval.h"
#include "ttt/train/trainer.h"

namespace ttt::train {

struct RunSpec {
  std::string run_dir;
  TrainOptions options;
  std::int64_t eval_every = 0;     // steps between validations (0: only at the end)
  std::int64_t eval_windows = 16;  // validation windows (spread over the split)
  std::int64_t eval_batch = 1;
  std::int64_t save_every = 0;     // steps between checkpoints (0: only at the end / on interruption)
  int keep_checkpoints = 2;
  bool resume = false;
  nlohmann::json extra_log_fields;  // e.g. the architecture and parameter count, logged with "start"
};

struct RunCallbacks {
  std::function<void(const StepReport&)> on_step;
  std::function<void(std::int64_t step, const eval::LmEvalResult&)> on_eval;
  std::function<void(const std::string& checkpoint)> on_checkpoint;
  std::function<void(const std::string& checkpoint, const TrainProgress&)> on_resume;
  // Task-specific validation run with the built-in one (e.g. ARC exact match), on every rank; its fields
  // are added to the log's "eval" event. Must leave the model's mode and parameters as it found them.
  std::function<nlohmann::json(models::CausalLM& model, std::int64_t step)> extra_eval;
  std::function<bool()> should_stop;  // polled after every step (e.g. SIGINT received)
};

struct RunResult {
  bool interrupted = false;
  TrainProgress progress;
  std::optional<double> val_loss;  // the last validation
  std::string checkpoint;          // the last checkpoint written
};

RunResult run_training(models::CausalLM model, const RunSpec& spec, const data::WindowSource& train,
                       const data::WindowSource* validation, Communicator& comm, const RunCallbacks& callbacks);

}  // namespace ttt::train
