// The fused element-wise kernels of the LM blocks (kernels/cpu/block_io) against their slow twins: ops::rms_norm,
// h + nn::CausalConv, and silu(gate)·up; float32 and float64, with and without a convolution history.
#include <gtest/gtest.h>

#include "ttt/kernels/cpu/block_io.h"
#include "ttt/nn/basic_layers.h"
#include "ttt/ops/norms.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {
double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }
}  // namespace

TEST(BlockIo, RmsNormRowsMatchesOpsRmsNorm) {
  torch::manual_seed(0);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t C : {8, 100, 768}) {
      auto x = torch::randn({2, 17, C}, dtype) * 4 + 0.5;
      auto w = torch::randn({C}, dtype);
      const double tol = dtype == torch::kFloat ? 1e-5 : 1e-13;
      EXPECT_LE(max_diff(kernels::cpu::rms_norm_rows(x, w, 1e-6), ops::rms_norm(x, w, 1e-6)), tol) << C;
    }
}

TEST(BlockIo, AddCausalConvMatchesResidualPlusConv) {
  torch::manual_seed(1);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t taps : {1, 2, 4})
      for (bool with_past : {false, true}) {
        const int64_t C = 48;
        nn::CausalConv conv(C, taps);
        conv->to(dtype);
        auto h = torch::randn({2, 9, C}, dtype), x = torch::randn({2, 9, C}, dtype);
        auto past = with_past && taps > 1 ? torch::randn({2, taps - 1, C}, dtype) : torch::Tensor();
        torch::NoGradGuard no_grad;
        auto fused = kernels::cpu::add_causal_conv(h, x, past, conv->weight, conv->bias);
        const double tol = dtype == torch::kFloat ? 2e-6 : 1e-13;
        EXPECT_LE(max_diff(fused, h + conv(x, past)), tol) << taps << " " << with_past;
        EXPECT_GT(max_diff(fused, h), 0.01);
      }
}

TEST(BlockIo, SiluTimesMatchesSiluThenProduct) {
  torch::manual_seed(2);
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    auto gate = torch::randn({3, 5, 344}, dtype) * 6, up = torch::randn({3, 5, 344}, dtype);
    gate.index_put_({0, 0, 0}, 80.0);  // saturated σ
    gate.index_put_({0, 0, 1}, -80.0);
    auto expected = torch::silu(gate) * up;
    const double tol = dtype == torch::kFloat ? 1e-5 : 1e-13;
    EXPECT_LE(max_diff(kernels::cpu::silu_times(gate.clone(), up), expected), tol);
  }
}

TEST(BlockIo, BadShapesAreClearErrors) {
  const int64_t C = 16;
  nn::CausalConv conv(C, 4);
  auto x = torch::randn({1, 5, C});
  torch::NoGradGuard no_grad;
  EXPECT_THROW(kernels::cpu::rms_norm_rows(x, torch::ones({C + 1}), 1e-6), ttt::Error);
  EXPECT_THROW(kernels::cpu::rms_norm_rows(torch::randn({1, C, 5}).transpose(1, 2), torch::ones({C}), 1e-6),
               ttt::Error);
  EXPECT_THROW(kernels::cpu::add_causal_conv(x, torch::randn({1, 4, C}), {}, conv->weight, conv->bias), ttt::Error);
  EXPECT_THROW(kernels::cpu::add_causal_conv(x, x, torch::zeros({1, 2, C}), conv->weight, conv->bias), ttt::Error);
  EXPECT_THROW(kernels::cpu::silu_times(torch::randn({2, 3}), torch::randn({3, 2})), ttt::Error);
  EXPECT_THROW(kernels::cpu::silu_times(torch::randn({2, 3}).to(torch::kHalf), torch::randn({2, 3}).to(torch::kHalf)),
               ttt::Error);
}
