#pragma once
// Fused CPU kernels for *training* TTT-MLP: the inner scan's forward over whole mini-batches, and its
// hand-written backward — the two-layer twin of ttt_linear_train.h. Together they are one autograd node
// (kernels/ttt_mlp_scan_autograd.h) that replaces the dozens of libtorch ops per mini-batch of the reference path
// (ops::ttt_segment(InnerModel::MLP, ...)) and their saved intermediates. The math of one mini-batch (K tokens,
// start state W1 [d,h], b1 [h], W2 [h,d], b2 [d], h = 4d; X = XK, Q = XQ, V = XV):
//   Z1 = X·W1 + b1,  X2 = gelu(Z1),  Z2 = X2·W2 + b2
//   G2 = ∂ℓ/∂Z2 = LN+L2 backward of ½‖LN(Z2) − (V − X)‖²           (per row, ops::layer_norm_l2_grad)
//   G1 = (G2·W2ᵀ) ⊙ gelu'(Z1)                                          (gelu' with the reference's constants)
//   M1[i,j] = tok_i · lr_j · (q_i·x_j + 1),  M2[i,j] = tok_i · lr_j · (x̄2_i·x2_j + 1)   for j ≤ i, else 0
//   Z̄1 = Q·W1 + b1 − M1·G1,  X̄2 = gelu(Z̄1),  Z̄2 = X̄2·W2 + b2 − M2·G2,  out = Q + LN(Z̄2)
//   W1' = W1 − tok_K · Xᵀ·diag(lr)·G1,   b1' = b1 − tok_K · Σ_j lr_j g1_j
//   W2' = W2 − tok_K · X2ᵀ·diag(lr)·G2,  b2' = b2 − tok_K · Σ_j lr_j g2_j
// gelu is the tanh approximation. The forward keeps the start state of every `checkpoint_group`-th mini-batch
// only (one state is 2dh + h + d numbers, 8× a TTT-Linear state); the backward walks the groups in reverse,
// replays a group's state updates from its checkpoint into per-worker scratch, then walks its mini-batches in
// reverse, recomputes each from its start state and back-propagates through all of the above, including the
// second-order paths through G2 (the LN+L2 gradient's own derivative) and through G1 (gelu'' and W2 via G2·W2ᵀ);
// the formulas are written out next to the code. The replay keeps the inner gradients it computes for the
// backward, so the groups cost only the replayed state steps (2 of the ~28 d×4d-sized products per mini-batch).
// tests/kernels/ttt_mlp_train_test.cpp checks each input's gradient against autograd through ops::ttt_segment
// (float64 and float32).
#include <torch/torch.h>

namespace ttt::kernels::cpu {

// Mini-batches per saved start state by default: at T = 2048, K = 16 a head keeps 16 states instead of 128 (at d 64,
// 2 MiB instead of 16 MiB of float32), while a group's replay scratch (about 220 KiB per mini-batch at d 64) stays
// within a core's L2/L3. Measured at B 1, H 12, d 64, T 2048 (float32, one thread): one state per mini-batch ran
// ~3× slower than groups of 4–16 (first-touch page faults of the large buffer), and 4, 8, 16 were within noise.
constexpr std::int64_t kMlpCheckpointGroup = 8;

struct MlpScanInputs {
  torch::Tensor xq, xk, xv;          // [B,H,T,d], last dim contiguous, T a multiple of K, RoPE applied
  torch::Tensor lr_eta;              // [B,H,T]
  torch::Tensor token_eta;           // [K]
  torch::Tensor ln_weight, ln_bias;  // [H,d]
  torch::Tensor w1, b1, w2, b2;      // [B,H,d,h], [B,H,1,h], [B,H,h,d], [B,H,1,d]: the state at a mini-batch boundary
  std::int64_t checkpoint_group = kMlpCheckpointGroup;  // mini-batches per saved start state (≥ 1)
};

struct MlpScanForward {
  torch::Tensor out;             // [B,T,H,d] contiguous: XQ + LN(Z̄2), in the layer's [B,T,C] order
  torch::Tensor w1, b1, w2, b2;  // the end state, shaped like the inputs' state
  // The start state of mini-batches 0, G, 2G, … (G = checkpoint_group), for the backward; N = ⌈T/(K·G)⌉:
  torch::Tensor w1_checkpoints, b1_checkpoints;  // [B,H,N,d,h], [B,H,N,h]
  torch::Tensor w2_checkpoints, b2_checkpoints;  // [B,H,N,h,d], [B,H,N,d]
};

struct MlpScanGrads {
  torch::Tensor xq, xk, xv;          // [B,H,T,d]
  torch::Tensor lr_eta;              // [B,H,T]
  torch::Tensor token_eta;           // [K]
  torch::Tensor ln_weight, ln_bias;  // [H,d]
  torch::Tensor w1, b1, w2, b2;      // shaped like the start state
};

// Gradients arriving at the end state; any of them may be undefined (= zero).
struct MlpStateGrads {
  torch::Tensor w1, b1, w2, b2;
};

MlpScanForward ttt_mlp_scan_forward(const MlpScanInputs& in);

// grad_out [B,T,H,d] (any strides, may be undefined = zero).
MlpScanGrads ttt_mlp_scan_backward(const MlpScanInputs& in, const MlpScanForward& saved, const torch::Tensor& grad_out,
                                   const MlpStateGrads& grad_end_state);

}  // namespace ttt::kernels::cpu
