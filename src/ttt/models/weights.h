#pragma once
// Model weights in safetensors under the reference's parameter names (lm_head.weight absent when tied).
#include <map>
#include <string>

#include "ttt/io/safetensors_torch.h"
#include "ttt/models/causal_lm.h"

namespace ttt::models {

// Copies every parameter of `model` from `tensors`. Errors (naming `source` and the tensor): a missing
// parameter, a shape mismatch, an unexpected "model.*" tensor (a checkpoint of another architecture).
// Tensors outside the model namespace (e.g. "fixture.*") are ignored, and so is "lm_head.weight" when the
// head is tied (after checking its shape).
void load_weights(CausalLM& model, const io::TensorMap& tensors, const std::string& source);
void load_weights(CausalLM& model, const std::string& path);

void save_weights(const std::string& path, CausalLM& model, const std::map<std::string, std::string>& metadata = {});

// config.json + weights in one call: builds the model the config describes and loads it.
CausalLM load_model(const std::string& config_path, const std::string& weights_path);

}  // namespace ttt::models
