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

// Chunked parallel form, same contract and values. Per chunk of `chunk` tokens: the log-decays Δ⊙A are
// summed cumulatively (S_t), the chunk's zero-start states come from a log-depth (Hillis–Steele)
// scan whose window decays exp(S_t − S_{t−w}) are differences of those sums (never a ratio of two
// exponentials, so no overflow however large Δ gets), the carried state enters as exp(S_t) ⊙ h_0, and
// y = h·C is one batched matmul. Cost: ~log2(chunk) tensor ops per chunk instead of `chunk` steps.
torch::Tensor selective_scan_chunked(const ScanInputs& in, torch::Tensor& state, std::int64_t chunk = 32);

}  // namespace ttt::ops
