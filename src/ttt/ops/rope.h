#pragma once
// Rotary position embedding on interleaved pairs (x[2i], x[2i+1]) rotated by pos·θ^(−2i/d): the layout
// the TTT reference reaches through permute_qk → rotate_half → undo_permute_qk.
#include <torch/torch.h>

namespace ttt::ops {

// x: [B, H, T, d]; positions: [T] int64. Returns the rotated tensor (differentiable in x).
torch::Tensor rope_interleaved(const torch::Tensor& x, const torch::Tensor& positions, double theta);

}  // namespace ttt::ops
