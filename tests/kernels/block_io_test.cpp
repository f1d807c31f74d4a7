// The fused element-wise kernels of the LM blocks (kernels/cpu/block_io) against their slow twins: ops::rms_norm,
// h + nn::CausalConv, silu(gate)·up, and the conv history kept for the next chunk; float32 and float64, with and
// without a convolution history.
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

TEST(BlockIo, ConvNextHistoryIsTheLastInputsOfPastThenChunk) {
  torch::manual_seed(3);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t taps : {1, 2, 4, 5})
      for (int64_t len : {1, 2, 3, 7})
        for (bool with_past : {false, true}) {
          const int64_t C = 24, keep = taps - 1;
          auto x = torch::randn({2, len, C}, dtype);
          auto past = with_past ? torch::randn({2, keep, C}, dtype) : torch::Tensor();
          // Written out: the last taps−1 rows of [past (or zeros); x].
          auto full = torch::cat({with_past ? past : torch::zeros({2, keep, C}, dtype), x}, 1);
          auto expected = full.narrow(1, full.size(1) - keep, keep);
          torch::NoGradGuard no_grad;
          auto fused = kernels::cpu::conv_next_history(past, x, taps);
          ASSERT_EQ(fused.sizes(), expected.sizes());
          EXPECT_TRUE(torch::equal(fused, expected)) << taps << " " << len << " " << with_past;
          // The layer's method takes the kernel under no-grad and the libtorch ops with autograd: same rows.
          nn::CausalConv conv(C, taps);
          EXPECT_TRUE(torch::equal(conv->next_history(past, x), expected));
          torch::AutoGradMode grad(true);
          EXPECT_TRUE(torch::equal(conv->next_history(past, x), expected));
        }
}

TEST(BlockIo, EmbeddingRowsMatchTorchEmbedding) {
  torch::manual_seed(4);
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    auto table = torch::randn({50, 12}, dtype);
    auto ids = torch::randint(0, 50, {3, 7}, torch::kLong);
    ids.index_put_({0, 0}, 0);
    ids.index_put_({2, 6}, 49);
    EXPECT_TRUE(torch::equal(kernels::cpu::embedding_rows(table, ids), torch::embedding(table, ids)));
    auto strided = ids.t().contiguous().t();  // column-major ids
    EXPECT_TRUE(torch::equal(kernels::cpu::embedding_rows(table, strided), torch::embedding(table, strided)));
    EXPECT_EQ(kernels::cpu::embedding_rows(table, torch::zeros({1, 0}, torch::kLong)).sizes(),
              (std::vector<int64_t>{1, 0, 12}));
  }
  EXPECT_THROW(kernels::cpu::embedding_rows(torch::randn({5, 4}), torch::full({1, 1}, 5, torch::kLong)), ttt::Error);
  EXPECT_THROW(kernels::cpu::embedding_rows(torch::randn({5, 4}), torch::full({1, 1}, -1, torch::kLong)), ttt::Error);
  EXPECT_THROW(kernels::cpu::embedding_rows(torch::randn({5, 4}), torch::zeros({1, 1}, torch::kInt)), ttt::Error);
  EXPECT_THROW(kernels::cpu::embedding_rows(torch::randn({4, 5}).t(), torch::zeros({1, 1}, torch::kLong)), ttt::Error);
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
  EXPECT_THROW(kernels::cpu::conv_next_history(torch::zeros({1, 2, C}), x, 4), ttt::Error);  // 3 rows needed
  EXPECT_THROW(kernels::cpu::conv_next_history({}, torch::randn({5, C}), 4), ttt::Error);
  EXPECT_THROW(kernels::cpu::conv_next_history({}, x, 0), ttt::Error);
  EXPECT_THROW(kernels::cpu::silu_times(torch::randn({2, 3}).to(torch::kHalf), torch::randn({2, 3}).to(torch::kHalf)),
               ttt::Error);
}
