// The fused element-wise kernels around the inner loop (kernels/cpu/ttt_layer_io) against their slow twins,
// the libtorch ops the layer runs on the reference path: CausalConv → split_heads → ops::rope_interleaved, and
// LayerNorm → ops::gelu_tanh gate, and the two η's (scaled sigmoid of the lr logits, clamped token η). Head dims,
// tap counts, chunk offsets and batch sizes vary; float32 and float64.
#include <gtest/gtest.h>

#include "ttt/kernels/cpu/ttt_layer_io.h"
#include "ttt/nn/basic_layers.h"
#include "ttt/ops/norms.h"
#include "ttt/ops/rope.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

torch::Tensor heads_view(const torch::Tensor& x, int64_t heads) {  // [B,T,C] → [B,H,T,d]
  return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

torch::Tensor slow_rope(const torch::Tensor& x, const kernels::cpu::RopeSpec& spec) {
  const auto len = x.size(1);
  auto pos = torch::remainder(torch::arange(spec.position, spec.position + len, torch::kLong), spec.mini_batch);
  auto rotated = ops::rope_interleaved(heads_view(x, spec.heads), pos, spec.theta);
  return rotated.transpose(1, 2).reshape(x.sizes());
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Case {
  int64_t batch, len, heads, d, taps, position;
  bool with_past;
};

}  // namespace

TEST(TttLayerIo, ConvRopeMatchesConvThenRope) {
  torch::manual_seed(0);
  const std::vector<Case> cases = {{1, 37, 2, 16, 4, 0, false}, {2, 19, 3, 32, 4, 5, true},
                                   {1, 1, 2, 64, 4, 37, true},  {2, 33, 1, 96, 2, 16, true},
                                   {1, 8, 4, 16, 1, 3, false},  {1, 3, 2, 32, 5, 0, false}};
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (const auto& c : cases) {
      const auto C = c.heads * c.d;
      nn::CausalConv conv_q(C, c.taps), conv_k(C, c.taps);
      conv_q->to(dtype);
      conv_k->to(dtype);
      auto x = torch::randn({c.batch, c.len, C}, dtype);
      auto past = c.with_past && c.taps > 1 ? torch::randn({c.batch, c.taps - 1, C}, dtype) : torch::Tensor();
      const kernels::cpu::RopeSpec spec{c.heads, c.position, 16, 10000.0};
      torch::NoGradGuard no_grad;
      auto [q, k] = kernels::cpu::conv_rope_qk(x, past, {conv_q->weight, conv_q->bias},
                                               {conv_k->weight, conv_k->bias}, spec);
      auto q_ref = slow_rope(conv_q(x, past), spec), k_ref = slow_rope(conv_k(x, past), spec);
      const double tol = dtype == torch::kFloat ? 2e-6 : 1e-13;
      EXPECT_LE(max_diff(q, q_ref), tol) << "d " << c.d << " taps " << c.taps << " pos " << c.position;
      EXPECT_LE(max_diff(k, k_ref), tol) << "d " << c.d << " taps " << c.taps << " pos " << c.position;
      EXPECT_GT(max_diff(q, k), 1e-3);  // two different convolutions, not one twice
      EXPECT_GT(q_ref.abs().max().item<double>(), 0.1);
    }
}

TEST(TttLayerIo, ConvRopeWithHistoryEqualsTheUnsplitSequence) {
  // A chunk after a history of k−1 rows equals the tail of the whole sequence's result.
  torch::manual_seed(1);
  const int64_t C = 64, taps = 4, len = 29, cut = 11;
  nn::CausalConv conv_q(C, taps), conv_k(C, taps);
  auto x = torch::randn({2, len, C});
  const kernels::cpu::RopeSpec whole{4, 0, 8, 10000.0}, tail{4, cut, 8, 10000.0};
  torch::NoGradGuard no_grad;
  auto [q_all, k_all] =
      kernels::cpu::conv_rope_qk(x, {}, {conv_q->weight, conv_q->bias}, {conv_k->weight, conv_k->bias}, whole);
  auto past = x.narrow(1, cut - (taps - 1), taps - 1).contiguous();
  auto [q_tail, k_tail] = kernels::cpu::conv_rope_qk(x.narrow(1, cut, len - cut).contiguous(), past,
                                                     {conv_q->weight, conv_q->bias}, {conv_k->weight, conv_k->bias},
                                                     tail);
  EXPECT_LE(max_diff(q_tail, q_all.narrow(1, cut, len - cut)), 1e-6);
  EXPECT_LE(max_diff(k_tail, k_all.narrow(1, cut, len - cut)), 1e-6);
}

TEST(TttLayerIo, RopeRowsMatchesRopeInterleaved) {
  torch::manual_seed(2);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t d : {16, 32, 64, 96})
      for (int64_t position : {0, 7, 1000}) {
        const int64_t heads = 3;
        auto x = torch::randn({2, 21, heads * d}, dtype);
        const kernels::cpu::RopeSpec spec{heads, position, 16, 10000.0};
        const double tol = dtype == torch::kFloat ? 1e-6 : 1e-14;
        EXPECT_LE(max_diff(kernels::cpu::rope_rows(x, spec), slow_rope(x, spec)), tol) << d << " " << position;
        // Tables kept by the caller give the same rotation as tables built from θ.
        const auto tables = ops::rope_tables(torch::arange(16, torch::kLong), d, 10000.0, dtype);
        auto with_tables = spec;
        with_tables.tables = &tables;
        EXPECT_TRUE(torch::equal(kernels::cpu::rope_rows(x, with_tables), kernels::cpu::rope_rows(x, spec)));
      }
}

TEST(TttLayerIo, GatedPostNormMatchesLayerNormTimesGeluGate) {
  torch::manual_seed(3);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t C : {64, 768, 100}) {
      auto z = torch::randn({2, 13, C}, dtype) * 3 + 1;
      auto gate = torch::randn({2, 13, C}, dtype) * 2;
      auto w = torch::randn({C}, dtype), b = torch::randn({C}, dtype);
      auto ln = torch::layer_norm(z, {C}, w, b, 1e-6);
      const double tol = dtype == torch::kFloat ? 2e-5 : 1e-12;
      auto gated = kernels::cpu::gated_post_norm(z.clone(), w, b, 1e-6, gate);
      EXPECT_LE(max_diff(gated, ln * ops::gelu_tanh(gate)), tol) << C;
      EXPECT_LE(max_diff(kernels::cpu::gated_post_norm(z.clone(), w, b, 1e-6, {}), ln), tol) << C;
    }
}

TEST(TttLayerIo, InnerLrEtasMatchScaledSigmoidOfLogitsPlusBias) {
  torch::manual_seed(7);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t len : {1, 5, 16}) {
      const int64_t B = 2, H = 3;
      auto logits = torch::randn({B, len, H}, dtype) * 4;
      logits.index_put_({0, 0, 0}, 60.0);  // saturated gates
      logits.index_put_({1, 0, 1}, -60.0);
      auto bias = torch::randn({H, 1}, torch::kFloat);  // the layer's parameter stays float32
      const double scale = 1.0 / 64;
      auto expected = scale * torch::sigmoid(logits.transpose(1, 2) + bias.to(dtype).view({1, H, 1}));
      auto fused = kernels::cpu::inner_lr_etas(logits, bias, scale);
      ASSERT_EQ(fused.sizes(), expected.sizes());
      EXPECT_EQ(fused.scalar_type(), dtype);
      const double tol = dtype == torch::kFloat ? 1e-8 : 1e-17;  // η ≤ 1/64: a few ulps
      EXPECT_LE(max_diff(fused, expected), tol) << len;
      // A strided view of the logits (the projection's column slice) reads the same numbers.
      auto wide = torch::randn({B, len, H + 2}, dtype);
      auto slice = wide.narrow(2, 1, H);
      EXPECT_LE(max_diff(kernels::cpu::inner_lr_etas(slice, bias, scale),
                         scale * torch::sigmoid(slice.transpose(1, 2) + bias.to(dtype).view({1, H, 1}))),
                tol);
    }
}

TEST(TttLayerIo, TokenEtasMatchClampedInverseIndexPlusLearnable) {
  torch::manual_seed(8);
  for (auto dtype : {torch::kFloat, torch::kDouble})
    for (int64_t K : {1, 8, 16}) {
      auto learnable = 0.3 * torch::randn({K});
      learnable.index_put_({K - 1}, -2.0);  // clamped to 0
      auto expected = torch::clamp_min(1.0 / torch::arange(1, K + 1, torch::TensorOptions().dtype(dtype)) +
                                           learnable.to(dtype),
                                       0.0);
      auto fused = kernels::cpu::token_etas(learnable, dtype);
      EXPECT_EQ(fused.scalar_type(), dtype);
      EXPECT_LE(max_diff(fused, expected), dtype == torch::kFloat ? 1e-7 : 1e-16) << K;
      EXPECT_EQ(fused[K - 1].item<double>(), 0.0);
    }
}

TEST(TttLayerIo, BadShapesAreClearErrors) {
  const int64_t C = 32;
  nn::CausalConv conv(C, 4), other(2 * C, 4);
  auto x = torch::randn({1, 5, C});
  const kernels::cpu::RopeSpec spec{2, 0, 16, 10000.0};
  torch::NoGradGuard no_grad;
  EXPECT_THROW(kernels::cpu::conv_rope_qk(x, {}, {other->weight, other->bias}, {conv->weight, conv->bias}, spec),
               ttt::Error);
  EXPECT_THROW(kernels::cpu::conv_rope_qk(x, torch::zeros({1, 2, C}), {conv->weight, conv->bias},
                                          {conv->weight, conv->bias}, spec),
               ttt::Error);
  EXPECT_THROW(kernels::cpu::rope_rows(torch::randn({1, C, 5}).transpose(1, 2), spec),
               ttt::Error);
  EXPECT_THROW(kernels::cpu::rope_rows(torch::randn({1, 5, 30}), {4, 0, 16, 10000.0}), ttt::Error);  // odd d
  const auto wrong_k = ops::rope_tables(torch::arange(8, torch::kLong), C / 2, 10000.0, torch::kFloat);
  auto with_wrong_tables = spec;
  with_wrong_tables.tables = &wrong_k;  // tables for K 8, spec says 16
  EXPECT_THROW(kernels::cpu::rope_rows(x, with_wrong_tables), ttt::Error);
  EXPECT_THROW(kernels::cpu::inner_lr_etas(torch::randn({1, 5, 3}), torch::zeros({4, 1}), 0.1), ttt::Error);
  EXPECT_THROW(kernels::cpu::inner_lr_etas(torch::randn({5, 3}), torch::zeros({3, 1}), 0.1), ttt::Error);
  EXPECT_THROW(kernels::cpu::inner_lr_etas(torch::randint(0, 3, {1, 5, 3}), torch::zeros({3}), 0.1), ttt::Error);
  EXPECT_THROW(kernels::cpu::token_etas(torch::zeros({4, 1}), torch::kFloat), ttt::Error);
  EXPECT_THROW(kernels::cpu::token_etas(torch::zeros({4}), torch::kHalf), ttt::Error);
  EXPECT_THROW(kernels::cpu::gated_post_norm(x.clone(), torch::ones({C + 1}), torch::zeros({C + 1}), 1e-6, {}),
               ttt::Error);
  EXPECT_THROW(kernels::cpu::gated_post_norm(x.clone(), torch::ones({C}), torch::zeros({C}), 1e-6,
                                             torch::randn({1, 4, C})),
               ttt::Error);
}
