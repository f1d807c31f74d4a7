#pragma once
// Fused element-wise work around a TTT layer's inner loop, inference only (no autograd): each call is one
// pass over [B,T,C] rows, parallel over rows, instead of the many libtorch ops of the slow twin (each of which
// reads and writes the whole [B,T,C] and allocates its result). With the projections' GEMMs and the fused
// inner loop, they are the whole of a TTT layer's prefill.
//   conv_rope_qk     share_qk layers (Mamba backbone): the two causal depthwise convolutions of one projection,
//                    each followed by RoPE. Slow twin: CausalConv ×2 → split_heads → ops::rope_interleaved.
//   rope_rows        the same rotation of a [B,T,C] projection without convolution (Transformer backbone).
//   gated_post_norm  LN(z)·gelu_tanh(gate), or LN(z) without a gate. Slow twin: LayerNorm, ops::gelu_tanh, ·.
//   inner_lr_etas    the lr gate's η per head and token. Slow twin: scale · sigmoid(logitsᵀ + bias).
//   token_etas       the token η of a mini-batch. Slow twin: clamp_min(1/(i+1) + learnable_i, 0).
// RoPE positions are in-mini-batch: token t of the chunk sits at (position + t) mod K, as in the layer.
// The two η's are tiny ([B,H,T] and [K]); in decoding, their five libtorch ops each cost more than the whole
// loop below, so each is one allocation and a loop.
#include <torch/torch.h>

#include <utility>

#include "ttt/ops/rope.h"

namespace ttt::kernels::cpu {

struct RopeSpec {
  std::int64_t heads = 1;        // channel c = h·d + i, pairs (2j, 2j+1) within a head
  std::int64_t position = 0;     // absolute position of token 0
  std::int64_t mini_batch = 16;  // K
  double theta = 10000.0;
  // The cos/sin tables of in-mini-batch positions 0..K−1 ([K, d/2], ops::rope_tables) when the caller keeps
  // them across calls (the layer does: they only depend on K, d, θ and dtype); built from θ when null.
  const ops::RopeTables* tables = nullptr;
};

struct DepthwiseConv {
  torch::Tensor weight;  // [C, 1, k] (torch's Conv1d layout with groups = C)
  torch::Tensor bias;    // [C]
};

// x: [B,T,C] contiguous; past: [B, k−1, C] inputs before x (undefined: zeros, i.e. the sequence starts here).
// Returns (rope(conv_q(x)), rope(conv_k(x))), each [B,T,C] contiguous.
std::pair<torch::Tensor, torch::Tensor> conv_rope_qk(const torch::Tensor& x, const torch::Tensor& past,
                                                     const DepthwiseConv& conv_q, const DepthwiseConv& conv_k,
                                                     const RopeSpec& rope);

// rope(x) for x [B,T,C]; a new contiguous [B,T,C] tensor.
torch::Tensor rope_rows(const torch::Tensor& x, const RopeSpec& rope);

// LN(z)·gelu_tanh(gate) over the last dim C, written into z (which must be contiguous and not shared: the
// layer passes the inner kernel's fresh output); gate undefined → LN(z). Returns z.
torch::Tensor gated_post_norm(torch::Tensor z, const torch::Tensor& ln_weight, const torch::Tensor& ln_bias,
                              double eps, const torch::Tensor& gate);

// η_{b,h,t} = scale · sigmoid(logits[b,t,h] + bias[h]) for logits [B,T,H] and bias [H] (any shape of H
// elements); a new contiguous [B,H,T] tensor in the logits' dtype (float32/float64, CPU).
torch::Tensor inner_lr_etas(const torch::Tensor& logits, const torch::Tensor& bias, double scale);

// η_i = max(1/(i+1) + learnable[i], 0) for i in 0..K−1, learnable [K]; a new [K] tensor of `dtype`.
torch::Tensor token_etas(const torch::Tensor& learnable, torch::ScalarType dtype);

}  // namespace ttt::kernels::cpu
