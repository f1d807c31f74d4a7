#pragma once
// A model config's settings for one sequence layer: the options the causal LM builds its TTT layers and
// Mamba mixers with, shared with anything that builds a single layer the same way (e.g. `ttt bench`).
#include "ttt/models/config.h"
#include "ttt/nn/mamba.h"
#include "ttt/nn/ttt_layer.h"

namespace ttt::models {

nn::TTTLayerOptions ttt_layer_options(const ModelConfig& config);
nn::MambaOptions mamba_options(const ModelConfig& config);

}  // namespace ttt::models
