#pragma once
// The fused TTT-Linear training scan as one autograd node: forward and backward are the hand-written CPU
// kernels of kernels/cpu/ttt_linear_train.h, so a training step records one node per layer instead of the
// reference path's ~20 ops per mini-batch. The slow twin is ops::ttt_segment under autograd.
#include <torch/torch.h>

#include "ttt/ops/ttt_inner.h"

namespace ttt::kernels {

// Runs whole mini-batches (T a multiple of K = token_eta.size(0)) from a mini-batch boundary, starting at
// the state `state` (weights {W [B,H,d,d], b [B,H,1,d]}, empty gradient sums), and advances it. Returns
// XQ + LN(Z̄) as [B,T,H,d]. Gradients flow to xq/xk/xv, lr_eta, token_eta, the ttt_norm parameters and the
// start state (hence to W1/b1 through their broadcast).
torch::Tensor ttt_linear_scan_trainable(ops::InnerState& state, const torch::Tensor& xq, const torch::Tensor& xk,
                                        const torch::Tensor& xv, const torch::Tensor& lr_eta,
                                        const torch::Tensor& token_eta, const torch::Tensor& ln_weight,
                                        const torch::Tensor& ln_bias);

}  // namespace ttt::kernels
