#pragma once
// Small random models for tests whose ground truth is another code path (dual vs primal, chunked vs
// one pass, autograd vs finite differences). Every parameter is moved off its initial value so biases,
// norms, gates and token-index offsets all matter.
#include <torch/torch.h>

#include "ttt/models/causal_lm.h"

namespace ttt::test_support {

inline void perturb_parameters(torch::nn::Module& module, double scale, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) p.add_(torch::randn_like(p) * scale);
}

// A tiny config: hidden 16, 2 heads (d = 8), mini-batch 4, 2 layers, vocab 23.
inline models::ModelConfig tiny_config(const std::string& layer_type, const std::string& backbone) {
  models::ModelConfig c;
  c.vocab_size = 23;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.mini_batch_size = 4;
  c.ttt_layer_type = layer_type;
  c.ttt_base_lr = layer_type == "mlp" ? 0.1 : 1.0;
  c.use_gate = c.share_qk = c.pre_conv = backbone == "mamba";
  return c;
}

inline models::CausalLM random_model(const models::ModelConfig& config, torch::ScalarType dtype,
                                     std::uint64_t seed) {
  torch::manual_seed(seed);
  models::CausalLM model(config);
  perturb_parameters(*model, 0.05, seed + 1);
  model->to(dtype);
  model->eval();
  return model;
}

}  // namespace ttt::test_support
