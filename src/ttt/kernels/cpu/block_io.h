#pragma once
// Fused element-wise work of a language-model block around its GEMMs, inference only (no autograd): one pass
// over [B,T,C] rows each, parallel over rows, in place of several libtorch ops that each read and write the
// whole tensor (and, in decoding, cost more in dispatch than in arithmetic). Slow twins in brackets.
//   rms_norm_rows    weight · x / sqrt(mean(x²) + eps)                          [ops::rms_norm]
//   add_causal_conv  h + conv(x, past): the pre-conv residual of TTT blocks    [h + nn::CausalConv]
//   silu_times       silu(gate) · up, written into gate: SwiGLU's middle        [torch::silu(gate) · up]
//   conv_next_history the last k−1 inputs of a causal conv, for the next chunk  [nn::CausalConv::next_history:
//                    cat + narrow + clone]
//   embedding_rows   the rows of an embedding table for token ids               [torch::embedding]
#include <torch/torch.h>

namespace ttt::kernels::cpu {

// x [B,T,C] contiguous; weight [C]. A new [B,T,C] tensor.
torch::Tensor rms_norm_rows(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// h, x [B,T,C] contiguous; past [B, k−1, C] inputs before x (undefined: zeros); weight [C,1,k], bias [C].
// A new [B,T,C] tensor h + conv(x).
torch::Tensor add_causal_conv(const torch::Tensor& h, const torch::Tensor& x, const torch::Tensor& past,
                              const torch::Tensor& weight, const torch::Tensor& bias);

// gate, up [.., N] contiguous, same shape; gate must not be shared (the caller's fresh GEMM output). Returns gate.
torch::Tensor silu_times(torch::Tensor gate, const torch::Tensor& up);

// The inputs a causal conv with `taps` taps needs before the next chunk: the last taps−1 rows of
// [past; x] (past [B, taps−1, C], undefined: zeros), x [B,T,C]. A new [B, taps−1, C] tensor in x's dtype.
torch::Tensor conv_next_history(const torch::Tensor& past, const torch::Tensor& x, std::int64_t taps);

// weight [V,C] contiguous (float32/float64), ids int64 [B,T] (any strides) in 0..V−1 (checked). A new
// [B,T,C] tensor. libtorch's embedding costs ~200 µs of dispatch and index_select set-up for the one id of a
// decoded token; this is a copy per id.
torch::Tensor embedding_rows(const torch::Tensor& weight, const torch::Tensor& ids);

}  // namespace ttt::kernels::cpu
