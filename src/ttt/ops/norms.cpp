#include "ttt/ops/norms.h"

namespace ttt::ops {

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  const auto compute_type = x.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
  auto h = x.to(compute_type);
  auto variance = h.pow(2).mean(-1, /*keepdim=*/true);
  h = h * torch::rsqrt(variance + eps);
  return weight * h.to(x.scalar_type());
}

torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                         double eps) {
  // libtorch's fused normalisation (biased variance, eps inside the square root: the same x̂), then the
  // affine part, which here may differ per head and so is broadcast rather than passed to layer_norm.
  return torch::addcmul(beta, gamma, torch::layer_norm(x, {x.size(-1)}, {}, {}, eps));
}

torch::Tensor layer_norm_l2_grad(const torch::Tensor& x, const torch::Tensor& target, const torch::Tensor& gamma,
                                 const torch::Tensor& beta, double eps) {
  const auto d = static_cast<double>(x.size(-1));
  auto mu = x.mean(-1, true);
  auto var = x.var(-1, false, true);
  auto std = torch::sqrt(var + eps);
  auto x_hat = (x - mu) / std;
  auto y = gamma * x_hat + beta;
  auto grad_x_hat = (y - target) * gamma;
  return (1.0 / d) *
         (d * grad_x_hat - grad_x_hat.sum(-1, true) - x_hat * (grad_x_hat * x_hat).sum(-1, true)) / std;
}

torch::Tensor gelu_tanh(const torch::Tensor& x) {
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the reference's F.gelu(approximate="tanh"): one fused op
  // (and one in backward) instead of eight element-wise ones.
  return torch::gelu(x, "tanh");
}

torch::Tensor gelu_tanh_grad(const torch::Tensor& x) {
  auto t = torch::tanh(0.79788456 * x * (1 + 0.044715 * x * x));
  return 0.5 * x * ((1 - t * t) * (0.79788456 + 0.1070322243 * x * x)) + 0.5 * (1 + t);
}

}  // namespace ttt::ops
