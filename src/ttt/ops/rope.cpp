#include "ttt/ops/rope.h"

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::ops {

RopeTables rope_tables(const torch::Tensor& positions, std::int64_t d, double theta, torch::ScalarType dtype) {
  TTT_CHECK(positions.dim() == 1 && d % 2 == 0, "[rope] positions ", shape_str(positions), ", head dim ", d);
  // Angles in float32 like the reference (its RotaryEmbedding forces float32; half types would lose
  // precision on long contexts), in float64 for float64 inputs (gradient checks), then cast.
  const auto angle_type = dtype == torch::kDouble ? torch::kDouble : torch::kFloat;
  auto opts = torch::TensorOptions().dtype(angle_type).device(positions.device());
  auto inv_freq = 1.0 / torch::pow(theta, torch::arange(0, d, 2, opts.dtype(torch::kLong)).to(angle_type) / d);
  auto angles = positions.to(opts).unsqueeze(1) * inv_freq.unsqueeze(0);  // [T, d/2]
  return {angles.cos().to(dtype), angles.sin().to(dtype)};
}

torch::Tensor rope_interleaved(const torch::Tensor& x, const torch::Tensor& positions, double theta) {
  TTT_CHECK(x.dim() == 4 && x.size(-1) % 2 == 0, "[rope] expected [B, H, T, even d], got ", shape_str(x));
  TTT_CHECK(positions.dim() == 1 && positions.size(0) == x.size(2), "[rope] positions ", shape_str(positions),
            " do not match T of ", shape_str(x));
  const auto d = x.size(-1);
  const auto [cos, sin] = rope_tables(positions, d, theta, x.scalar_type());
  auto sizes = x.sizes().vec();
  sizes.back() = d / 2;
  sizes.push_back(2);
  auto pairs = x.reshape(sizes);
  auto even = pairs.select(-1, 0);
  auto odd = pairs.select(-1, 1);
  auto rotated_even = even * cos - odd * sin;
  auto rotated_odd = odd * cos + even * sin;
  return torch::stack({rotated_even, rotated_odd}, -1).flatten(-2);
}

}  // namespace ttt::ops
