#pragma once
// The Mamba-1 selective scan (Gu & Dao 2023, Algorithm 2) in plain libtorch ops, differentiable.
// Shapes: B batch, L tokens, D channels (d_inner), N state size.
//
//   h_t = exp(Δ_t ⊙ A) ⊙ h_{t−1} + (Δ_t ⊙ u_t) ⊗ B_t        h: [B, D, N]
//   y_t = h_t · C_t + D ⊙ u_t                                 y: [B, D]
//
// Δ enters already positive (the mixer applies softplus(dt + dt_bias)); A is negative (−exp(A_log)), so
// every per-step decay exp(Δ A) lies in (0, 1]. The state is carried in and out, so a sequence fed in
// any pieces (prefill chunks, single decode steps) gives the outputs of one piece.
#include <torch/torch.h>

namespace ttt::ops {

struct ScanInputs {
  torch::Tensor u;      // [B, L, D]  input of the scan (the conv branch after SiLU)
  torch::Tensor delta;  // [B, L, D]  step sizes Δ > 0
  torch::Tensor A;      // [D, N]     negative decay rates
  torch::Tensor B, C;   // [B, L, N]  input and output projections of the state
  torch::Tensor D;      // [D]        skip connection; undefined means none
};

// Reference: one token at a time, exactly the recurrence above (the slow twin). `state` is h before the
// first token ([B, D, N]; undefined means zeros) and is replaced by h after the last one.
torch::Tensor selective_scan_sequential(const ScanInputs& in, torch::Tensor& state);

// Chunked form, same contract and values (the fast path). The sequence is cut into chunks of `chunk`
// tokens that all advance together, so each tensor op covers L/chunk tokens: (1) `chunk` steps give
// every chunk's end state from a zero start; (2) one step per chunk carries the true start state across
// chunk boundaries with the chunk's total decay exp(S), S its sum of Δ⊙A in log space; (3) `chunk`
// steps rerun every chunk from its true start and read y_t = h_t·C_t. About 2·chunk + L/chunk steps
// instead of L (chunk ≈ √(L/2) is best); no [B,L,D,N] tensor is materialised when not training, and
// every exponent is ≤ 0, so nothing overflows however large Δ grows.
torch::Tensor selective_scan_chunked(const ScanInputs& in, torch::Tensor& state, std::int64_t chunk = 32);

}  // namespace ttt::ops
