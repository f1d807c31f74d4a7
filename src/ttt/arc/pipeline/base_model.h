#pragma once
// The ARC base model: a causal LM over the compact grid vocabulary (grid_tokens.h). Llama-style
// Transformer by default; a TTT-Linear model (Transformer backbone) as an option, so test-time training
// happens at two levels. The LM head is untied so LoRA can adapt it.
#include <string>
#include <vector>

#include "ttt/models/causal_lm.h"
#include "ttt/models/config.h"

namespace ttt::arc {

// Sizes: "tiny" (~0.4 M parameters, tests and the demo), "small" (~1.6 M), "base" (~5 M).
// layer_type: "attention" or "linear". context: the longest sequence the model will see.
models::ModelConfig arc_model_config(const std::string& size, const std::string& layer_type, std::int64_t context);
std::vector<std::string> arc_model_sizes();

// Loads DIR/config.json + DIR/model.safetensors (a model folder or a training checkpoint) and checks that it
// is a grid-vocabulary model; errors name the folder and the problem.
models::CausalLM load_arc_model(const std::string& dir);

}  // namespace ttt::arc
