#pragma once
// Training checkpoints: one folder per save, RUN/checkpoints/step-<N>/ holding
//   config.json        the model config (so a checkpoint folder is also a model folder)
//   model.safetensors  the parameters under the reference's names
//   optimizer.safetensors  AdamW moments ("<param>.exp_avg", "<param>.exp_avg_sq") and the torch RNG state
//   state.json         step, samples and tokens seen, the run's fixed settings, elapsed time, last loss
// A save writes a hidden temporary folder and renames it into place, then rewrites RUN/checkpoints/latest
// (atomically) to name it: killed at any moment, `latest` names a complete checkpoint.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "ttt/models/causal_lm.h"

namespace ttt::train {

class AdamW;

struct TrainProgress {
  std::int64_t step = 0;          // optimizer updates done
  std::int64_t samples_seen = 0;  // windows consumed by all ranks
  std::int64_t tokens_seen = 0;
  double elapsed_seconds = 0;     // training time over all sessions of the run
  double last_loss = 0;
};

struct CheckpointContents {
  std::string path;
  models::ModelConfig config;
  TrainProgress progress;
  nlohmann::json run_settings;  // the settings a resumed run must share (context, batch, schedule, seed…)
};

// Writes checkpoint `progress.step` under `run_dir` and points `latest` at it; keeps the newest `keep`
// checkpoints (keep ≤ 0 keeps all). Returns the folder written.
std::string save_checkpoint(const std::string& run_dir, models::CausalLM& model, const AdamW& optimizer,
                            const TrainProgress& progress, const nlohmann::json& run_settings, int keep);

// The folder `latest` names, or nothing when the run has no checkpoint yet.
std::optional<std::string> latest_checkpoint(const std::string& run_dir);

// Reads state.json and config.json of a checkpoint folder (validated; errors name the file).
CheckpointContents read_checkpoint_info(const std::string& checkpoint_dir);

// Loads parameters, optimizer moments and the RNG state into an already built model/optimizer.
void load_checkpoint_tensors(const std::string& checkpoint_dir, models::CausalLM& model, AdamW& optimizer);

// Removes temporary folders left by a save that was killed.
void remove_stale_temporaries(const std::string& run_dir);

}  // namespace ttt::train
