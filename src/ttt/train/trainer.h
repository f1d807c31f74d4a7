#pragma once
// The one trainer of the project (`ttt lm train`; later ARC pretraining and per-task TTT): AdamW with
// decoupled weight decay, linear warmup + cosine decay, global-norm clipping, gradient accumulation,
// TTT-MLP's inner base-lr warmup, data parallelism through a Communicator, and checkpoints from which a
// resumed run continues exactly (same windows, same parameters as an uninterrupted run).
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "ttt/data/window_source.h"
#include "ttt/models/causal_lm.h"
#include "ttt/train/adamw.h"
#include "ttt/train/checkpoint.h"
#include "ttt/train/data_order.h"
#include "ttt/train/distributed.h"
#include "ttt/train/schedule.h"

namespace ttt::train {

struct TrainOptions {
  std::int64_t context = 256;      // L: tokens per window (windows hold L+1 ids)
  std::int64_t batch_size = 8;     // windows per optimizer step, over all ranks and accumulation steps
  std::int64_t micro_batch = 0;    // windows per forward/backward on one rank (0: the rank's whole share)
  LrSchedule schedule;             // peak/min lr, warmup and total steps
  AdamWOptions adamw;
  double clip_norm = 1.0;          // ≤ 0 disables clipping
  std::uint64_t seed = 0;          // data order (the model's init seed is the caller's)
  bool shuffle = true;
  // TTT-MLP (spec): ttt_base_lr warms up from ttt_lr_start to the config's value over the lr warmup.
  bool ttt_lr_warmup = true;
  double ttt_lr_start = 0.01;

  void validate(int world_size) const;
  // The settings a resumed run must share with the run that wrote the checkpoint.
  nlohmann::json fixed_settings() const;
};

struct StepReport {
  std::int64_t step = 0, total_steps = 0;  // step = updates done after this one
  double loss = 0, lr = 0, grad_norm = 0, ttt_base_lr = 0;
  std::int64_t tokens_seen = 0;
  double step_seconds = 0, tokens_per_s = 0, elapsed_seconds = 0, eta_seconds = 0;
  std::int64_t peak_rss_bytes = 0;
};

class Trainer {
 public:
  Trainer(models::CausalLM model, TrainOptions options, const data::WindowSource& train, Communicator& comm);

  // Loads a checkpoint written by a run with the same model config and fixed settings; throws ttt::Error
  // naming the first setting that differs ("--resume with a different config: ...").
  void resume_from(const std::string& checkpoint_dir);

  StepReport step();  // one optimizer update
  bool finished() const { return progress_.step >= options_.schedule.total_steps; }

  // Rank 0 writes (every rank must call it: it ends with a barrier). Returns the folder.
  std::string save(const std::string& run_dir, int keep);

  const TrainProgress& progress() const { return progress_; }
  const TrainOptions& options() const { return options_; }
  models::CausalLM& model() { return model_; }
  Communicator& communicator() { return comm_; }

 private:
  torch::Tensor read_windows(std::int64_t first_sample, std::int64_t count);
  torch::Tensor read_masks(std::int64_t first_sample, std::int64_t count);  // [count, L] uint8
  double current_ttt_base_lr() const;

  models::CausalLM model_;
  TrainOptions options_;
  const data::WindowSource& train_;
  Communicator& comm_;
  std::vector<std::pair<std::string, torch::Tensor>> params_;
  std::unique_ptr<AdamW> optimizer_;
  DataOrder order_;
  TrainProgress progress_;
  double smoothed_step_seconds_ = 0;
};

// Current and peak resident memory of this process, in bytes (Linux; 0 elsewhere).
std::int64_t peak_rss_bytes();

}  // namespace ttt::train
