// The hand-written pieces of the inner loop against independent ground truth: autograd for the
// written-out gradients, and the reference's own permute → rotate_half → undo route for RoPE.
#include <gtest/gtest.h>

#include "ttt/ops/norms.h"
#include "ttt/ops/rope.h"

using namespace ttt;

TEST(Ops, LayerNormL2GradEqualsAutogradOfTheLoss) {
  torch::manual_seed(1);
  for (int64_t d : {4, 16, 64}) {
    auto x = torch::randn({3, 5, d}, torch::kDouble).requires_grad_(true);
    auto target = torch::randn({3, 5, d}, torch::kDouble);
    auto gamma = torch::randn({d}, torch::kDouble), beta = torch::randn({d}, torch::kDouble);
    auto loss = 0.5 * (ops::layer_norm(x, gamma, beta) - target).pow(2).sum();
    auto autograd = torch::autograd::grad({loss}, {x})[0];
    auto written = ops::layer_norm_l2_grad(x.detach(), target, gamma, beta);
    EXPECT_LE((autograd - written).abs().max().item<double>(), 1e-10) << "d=" << d;
  }
}

TEST(Ops, GeluTanhGradMatchesAutogradToTheReferenceConstants) {
  auto x = torch::linspace(-6, 6, 241, torch::kDouble).requires_grad_(true);
  auto autograd = torch::autograd::grad({ops::gelu_tanh(x).sum()}, {x})[0];
  // The reference's gelu_bwd truncates sqrt(2/pi) to 0.79788456: agreement to ~1e-8, not 1e-15.
  EXPECT_LE((autograd - ops::gelu_tanh_grad(x.detach())).abs().max().item<double>(), 1e-7);
  // And gelu_tanh itself is the tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) at x = 1.
  EXPECT_NEAR(ops::gelu_tanh(torch::ones({1}, torch::kDouble)).item<double>(), 0.8411919906082768, 1e-12);
}

namespace {

// The reference's route, literally: permute_qk → (q·cos + rotate_half(q)·sin) → undo_permute_qk.
torch::Tensor rope_reference_route(const torch::Tensor& x, const torch::Tensor& positions, double theta) {
  const auto b = x.size(0), h = x.size(1), t = x.size(2), d = x.size(3);
  auto permuted = x.reshape({b, h, t, d / 2, 2}).transpose(3, 4).reshape({b, h, t, d});
  auto inv_freq = 1.0 / torch::pow(theta, torch::arange(0, d, 2, torch::kDouble) / d);
  auto freqs = positions.to(torch::kDouble).unsqueeze(1) * inv_freq.unsqueeze(0);  // [T, d/2]
  auto emb = torch::cat({freqs, freqs}, -1);
  auto rotate_half = torch::cat({-permuted.narrow(-1, d / 2, d / 2), permuted.narrow(-1, 0, d / 2)}, -1);
  auto rotated = permuted * emb.cos() + rotate_half * emb.sin();
  return rotated.reshape({b, h, t, 2, d / 2}).transpose(3, 4).reshape({b, h, t, d});
}

}  // namespace

TEST(Ops, RopeInterleavedEqualsTheReferenceRoute) {
  torch::manual_seed(2);
  for (int64_t d : {2, 8, 16, 64, 96}) {
    auto x = torch::randn({2, 3, 7, d}, torch::kDouble);
    auto positions = torch::tensor({0, 1, 5, 15, 3, 100, 2047}, torch::kLong);
    for (double theta : {10000.0, 500.0}) {
      auto ours = ops::rope_interleaved(x, positions, theta);
      auto theirs = rope_reference_route(x, positions, theta);
      EXPECT_LE((ours - theirs).abs().max().item<double>(), 1e-10) << "d=" << d << " theta=" << theta;
    }
  }
}
