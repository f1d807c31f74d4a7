#pragma once
// Normalization math in plain libtorch ops (differentiable; the reference for any fused kernel).
#include <torch/torch.h>

namespace ttt::ops {

// x · rsqrt(mean(x², -1) + eps) · weight, computed in float32 or wider like the reference.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Per-row LayerNorm over the last dim with biased variance: γ ⊙ (x − μ)/sqrt(var + eps) + β.
torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                         double eps = 1e-6);

// ∂/∂x of ½‖LN(x) − target‖² with LN as above, written out (the "fused LN+L2 backward" of the spec):
// g = γ⊙(y − target); G = [d·g − Σg − x̂·Σ(g⊙x̂)] / (d·σ).
torch::Tensor layer_norm_l2_grad(const torch::Tensor& x, const torch::Tensor& target, const torch::Tensor& gamma,
                                 const torch::Tensor& beta, double eps = 1e-6);

// gelu with the tanh approximation and its derivative (the constants of the reference).
torch::Tensor gelu_tanh(const torch::Tensor& x);
torch::Tensor gelu_tanh_grad(const torch::Tensor& x);

}  // namespace ttt::ops
