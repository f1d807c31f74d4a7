#pragma once
// Rotary position embedding on interleaved pairs (x[2i], x[2i+1]) rotated by pos·θ^(−2i/d): the layout
// the TTT reference reaches through permute_qk → rotate_half → undo_permute_qk.
#include <torch/torch.h>

namespace ttt::ops {

// x: [B, H, T, d]; positions: [T] int64. Returns the rotated tensor (differentiable in x).
torch::Tensor rope_interleaved(const torch::Tensor& x, const torch::Tensor& positions, double theta);

// The rotation's cos and sin, [T, d/2] each in `dtype`, for positions [T] (int64): angles in float32 like the
// reference (float64 for float64), so the fused kernels (kernels/cpu/ttt_layer_io) rotate bit-for-bit alike.
struct RopeTables {
  torch::Tensor cos, sin;
};
RopeTables rope_tables(const torch::Tensor& positions, std::int64_t d, double theta, torch::ScalarType dtype);

}  // namespace ttt::ops
