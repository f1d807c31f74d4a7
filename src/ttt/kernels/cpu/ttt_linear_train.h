#pragma once
// Fused CPU kernels for *training* TTT-Linear: the inner scan's forward over whole mini-batches, and its
// hand-written backward. Together they are one autograd node (kernels/ttt_linear_scan_autograd.h) that
// replaces the ~20 libtorch ops per mini-batch of the reference path (ops::ttt_segment) and their saved
// intermediates. The math of one mini-batch (K tokens, start weights W [d,d], b [d]; X = XK, Q = XQ):
//   Z = X·W + b,  G = ∂ℓ/∂Z = LN+L2 backward of ½‖LN(Z) − (XV − X)‖²    (per row, ops::layer_norm_l2_grad)
//   M[i,j] = tok_i · lr_j · (q_i·x_j + 1) for j ≤ i, else 0
//   Z̄ = Q·W + b − M·G,  out = Q + LN(Z̄)
//   W' = W − tok_K · Xᵀ·diag(lr)·G,  b' = b − tok_K · Σ_j lr_j g_j
// The forward keeps only each mini-batch's start state; the backward walks the mini-batches in reverse,
// recomputes that mini-batch's Z, G, Z̄ from its start state, and back-propagates through all of the above
// (including the second-order path through G, i.e. the LN+L2 gradient's own derivative; the formulas are
// written out next to the code). tests/kernels/ttt_linear_train_test.cpp checks each input's gradient
// against autograd through ops::ttt_segment (float64 and float32).
#include <torch/torch.h>

namespace ttt::kernels::cpu {

struct LinearScanInputs {
  torch::Tensor xq, xk, xv;          // [B,H,T,d], last dim contiguous, T a multiple of K, RoPE applied
  torch::Tensor lr_eta;              // [B,H,T]
  torch::Tensor token_eta;           // [K]
  torch::Tensor ln_weight, ln_bias;  // [H,d]
  torch::Tensor w0, b0;              // [B,H,d,d], [B,H,1,d]: the state at a mini-batch boundary
};

struct LinearScanForward {
  torch::Tensor out;               // [B,T,H,d] contiguous: XQ + LN(Z̄), in the layer's [B,T,C] order
  torch::Tensor w_final, b_final;  // [B,H,d,d], [B,H,1,d]
  torch::Tensor w_starts, b_starts;  // [B,H,T/K,d,d], [B,H,T/K,d]: each mini-batch's start state (for backward)
};

struct LinearScanGrads {
  torch::Tensor xq, xk, xv;          // [B,H,T,d]
  torch::Tensor lr_eta;              // [B,H,T]
  torch::Tensor token_eta;           // [K]
  torch::Tensor ln_weight, ln_bias;  // [H,d]
  torch::Tensor w0, b0;              // [B,H,d,d], [B,H,1,d]
};

LinearScanForward ttt_linear_scan_forward(const LinearScanInputs& in);

// grad_out [B,T,H,d] (any strides); grad_w_final / grad_b_final may be undefined (= zero).
LinearScanGrads ttt_linear_scan_backward(const LinearScanInputs& in, const LinearScanForward& saved,
                                         const torch::Tensor& grad_out, const torch::Tensor& grad_w_final,
                                         const torch::Tensor& grad_b_final);

}  // namespace ttt::kernels::cpu
