#pragma once
// Fused element-wise work of a language-model block around its GEMMs, inference only (no autograd): one pass
// over [B,T,C] rows each, parallel over rows, in place of several libtorch ops that each read and write the
// whole tensor (and, in decoding, cost more in dispatch than in arithmetic). Slow twins in brackets.
//   rms_norm_rows    weight · x / sqrt(mean(x²) + eps)                          [ops::rms_norm]
//   add_causal_conv  h + conv(x, past): the pre-conv residual of TTT blocks    [h + nn::CausalConv]
//   silu_times       silu(gate) · up, written into gate: SwiGLU's middle        [torch::silu(gate) · up]
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

}  // namespace ttt::kernels::cpu
