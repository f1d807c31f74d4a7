#pragma once
// The TTT sequence layer (TTT-Linear or TTT-MLP) of the spec: projections, RoPE mod K, learnable inner
// learning rate and token index, the inner loop (ops::ttt_segment), post-norm, optional gate, o_proj.
// Parameter names are the reference's (q_proj, W1, learnable_ttt_lr_weight, ttt_norm_weight, ...).
#include <torch/torch.h>

#include "ttt/nn/basic_layers.h"
#include "ttt/nn/layer_cache.h"
#include "ttt/ops/rope.h"
#include "ttt/ops/ttt_inner.h"

namespace ttt::nn {

struct TTTLayerOptions {
  std::int64_t hidden_size = 64;
  std::int64_t num_heads = 4;
  std::int64_t mini_batch_size = 16;
  ops::InnerModel inner = ops::InnerModel::Linear;
  double ttt_base_lr = 1.0;
  double rope_theta = 10000.0;
  bool share_qk = false;  // Mamba backbone: one q projection, separate causal convs for Q and K
  bool use_gate = false;  // Mamba backbone: gelu_tanh(g_proj(X)) ⊙ output
  std::int64_t conv_kernel = 4;
  double init_std = 0.02;
  // Training memory: recompute the inner scan in groups of this many mini-batches during backward
  // (0: keep every intermediate). Only used when gradients are being recorded.
  std::int64_t scan_checkpoint_group_size = 0;
};

class TTTLayerImpl : public torch::nn::Module {
 public:
  explicit TTTLayerImpl(const TTTLayerOptions& options);

  // x: [B,T,C] (already RMS-normed by the block); `position` is the absolute position of x[:,0].
  // With a cache the layer continues from its state and leaves it ready for the next chunk; without one
  // it starts fresh (position must then be 0 unless the caller knows better).
  torch::Tensor forward(const torch::Tensor& x, std::int64_t position = 0, LayerCache* cache = nullptr);

  // Inner-loop implementation: the dual form (default; the fused kernel under no-grad when
  // kernels::impl() is Fused) or its slow primal twin (for tests).
  void use_primal_form(bool primal) { primal_ = primal; }
  // ttt_base_lr may change during training (TTT-MLP warms it up).
  void set_ttt_base_lr(double lr) { options_.ttt_base_lr = lr; }
  void set_scan_checkpoint_group_size(std::int64_t g) { options_.scan_checkpoint_group_size = g; }
  const TTTLayerOptions& options() const { return options_; }

  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr}, g_proj{nullptr};
  // Optional LoRA adapters of q/k/v/o (not submodules). The projections run before the inner loop, so the
  // fused inference kernel sees the adapted XQ/XK/XV like the reference path. With share_qk there is no
  // k_proj (q_proj feeds both convs); g_proj is not a LoRA target.
  LoraAdapterPtr q_lora, k_lora, v_lora, o_lora;
  LoraSite lora_site(const std::string& projection);  // empty when the layer has no such projection
  CausalConv conv_q{nullptr}, conv_k{nullptr};
  torch::nn::LayerNorm post_norm{nullptr};
  torch::Tensor learnable_token_idx, learnable_ttt_lr_weight, learnable_ttt_lr_bias;
  torch::Tensor ttt_norm_weight, ttt_norm_bias;
  torch::Tensor W1, b1, W2, b2;

 private:
  std::vector<torch::Tensor> inner_params() const;
  // The inner loop through ops::ttt_segment (differentiable; the fused kernel's slow twin): [B,T,C].
  torch::Tensor reference_inner_chunk(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                      const torch::Tensor& xv, const torch::Tensor& lr_eta,
                                      const torch::Tensor& token_eta, std::int64_t position) const;
  TTTLayerOptions options_;
  bool primal_ = false;
  ops::RopeTables rope_tables_;  // in-mini-batch RoPE tables of the fused path, kept across calls (one dtype)
};
TORCH_MODULE(TTTLayer);

}  // namespace ttt::nn
