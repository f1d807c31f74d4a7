#pragma once
// The fused TTT-MLP training scan as one autograd node: forward and backward are the hand-written CPU kernels
// of kernels/cpu/ttt_mlp_train.h, so a training step records one node per layer instead of the reference path's
// dozens of ops per mini-batch. The slow twin is ops::ttt_segment(InnerModel::MLP, ...) under autograd.
#include <torch/torch.h>

#include "ttt/kernels/cpu/ttt_mlp_train.h"
#include "ttt/ops/ttt_inner.h"

namespace ttt::kernels {

// Runs whole mini-batches (T a multiple of K = token_eta.size(0)) from a mini-batch boundary, starting at the
// state `state` (weights {W1 [B,H,d,h], b1 [B,H,1,h], W2 [B,H,h,d], b2 [B,H,1,d]}, empty gradient sums), and
// advances it. Returns XQ + LN(Z̄2) as [B,T,H,d]. Gradients flow to xq/xk/xv, lr_eta, token_eta, the ttt_norm
// parameters and the start state (hence to W1/b1/W2/b2 through their broadcast). The node keeps the start state
// of every `checkpoint_group`-th mini-batch (cpu::kMlpCheckpointGroup by default) and recomputes the others in
// the backward; the result does not depend on it.
torch::Tensor ttt_mlp_scan_trainable(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                     const torch::Tensor& xv, const torch::Tensor& lr_eta,
                                     const torch::Tensor& token_eta, const torch::Tensor& ln_weight,
                                     const torch::Tensor& ln_bias,
                                     std::int64_t checkpoint_group = cpu::kMlpCheckpointGroup);

}  // namespace ttt::kernels
