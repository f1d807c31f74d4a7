#pragma once
// Fused CPU kernels of the TTT inner loop (TTT-Linear and TTT-MLP), inference only (no autograd).
// One call walks a whole chunk of tokens — every mini-batch and partial mini-batch, at any start
// position — for each (sequence, head) in one pass with the inner state hot in cache, parallel over
// batch × heads. The math is ops::ttt_segment's (the slow twin, which the tests compare against):
//   G    = ∂ℓ/∂Z at the mini-batch start weights (LN + L2 backward written out)
//   Z̄_i = x_i·(W − η_i ΣW) + (b − η_i Σb) − η_i Σ_{j≤i, same mini-batch} lr_j (x_i·x_j + 1) G_j
//   out  = XQ + LN(Z̄)
// and the state steps W ← W − η_last ΣW at each mini-batch end. A decode step is the 1-token case.
#include <torch/torch.h>

#include "ttt/ops/ttt_inner.h"

namespace ttt::kernels::cpu {

struct ChunkInputs {
  torch::Tensor xq, xk, xv;          // [B,H,T,d], last dim contiguous (any other strides), RoPE applied
  torch::Tensor lr_eta;              // [B,H,T]
  torch::Tensor token_eta;           // [K] for in-mini-batch positions 0..K−1
  torch::Tensor ln_weight, ln_bias;  // [H,d]
  std::int64_t position = 0;         // absolute position of token 0 (its in-mini-batch offset is position % K)
  std::int64_t mini_batch = 16;      // K
};

// Runs the chunk and advances `state` in place; returns XQ + LN(Z̄) as [B,T,H,d] (contiguous), i.e. already
// in the [B,T,C] order the layer's post-norm reads. The state's tensors are updated in place when this state
// is their only owner and copied first otherwise (copy-on-write), so parameters and shared caches are never
// modified. Gradient sums are kept allocated (zero at a boundary) so decoding allocates no state per token.
torch::Tensor ttt_inner_chunk(ops::InnerModel model, ops::InnerState& state, const ChunkInputs& in);

// The instruction set the kernels were dispatched to on this CPU: "avx512", "avx2+fma" or "generic".
const char* isa_name();

}  // namespace ttt::kernels::cpu
