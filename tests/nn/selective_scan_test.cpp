// The selective scan's chunked parallel form against its token-by-token reference (values, final
// states, gradients), the reference against a hand-computed case, and state carry across calls.
#include <gtest/gtest.h>

#include <cmath>

#include "ttt/ops/selective_scan.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Random inputs; `delta_scale` large makes the per-chunk log-decay sums reach hundreds (a factorised
// exp(S_t)·exp(−S_s) form would overflow there, the window differences must not).
ops::ScanInputs random_inputs(std::int64_t b, std::int64_t l, std::int64_t d, std::int64_t n, torch::ScalarType dtype,
                              double delta_scale = 1.0, std::uint64_t seed = 1) {
  torch::manual_seed(seed);
  auto opt = torch::TensorOptions().dtype(dtype);
  ops::ScanInputs in;
  in.u = torch::randn({b, l, d}, opt);
  in.delta = torch::softplus(torch::randn({b, l, d}, opt)) * delta_scale;
  in.A = -torch::exp(torch::randn({d, n}, opt));
  in.B = torch::randn({b, l, n}, opt);
  in.C = torch::randn({b, l, n}, opt);
  in.D = torch::randn({d}, opt);
  return in;
}

ops::ScanInputs slice(const ops::ScanInputs& in, std::int64_t start, std::int64_t len) {
  ops::ScanInputs out = in;
  out.u = in.u.narrow(1, start, len);
  out.delta = in.delta.narrow(1, start, len);
  out.B = in.B.narrow(1, start, len);
  out.C = in.C.narrow(1, start, len);
  return out;
}

}  // namespace

TEST(SelectiveScan, SequentialMatchesAHandComputedCase) {
  // One channel, one state: u = (1, 2), Δ = (0.5, 1), A = −1, B = (1, 0.5), C = (2, 1), D = 0.1.
  //   h1 = 0.5·1·1 = 0.5                         y1 = 0.5·2 + 0.1·1 = 1.1
  //   h2 = e^−1·0.5 + 1·2·0.5 = 1 + 0.5/e        y2 = h2·1 + 0.1·2
  auto t = [](std::vector<double> v, std::vector<std::int64_t> shape) {
    return torch::tensor(v, torch::kDouble).reshape(shape);
  };
  ops::ScanInputs in;
  in.u = t({1, 2}, {1, 2, 1});
  in.delta = t({0.5, 1}, {1, 2, 1});
  in.A = t({-1}, {1, 1});
  in.B = t({1, 0.5}, {1, 2, 1});
  in.C = t({2, 1}, {1, 2, 1});
  in.D = t({0.1}, {1});
  const double h2 = 1 + 0.5 / std::exp(1.0);
  for (int chunked = 0; chunked < 2; ++chunked) {
    torch::Tensor state;
    auto y = chunked ? ops::selective_scan_chunked(in, state, 2) : ops::selective_scan_sequential(in, state);
    EXPECT_NEAR(y[0][0][0].item<double>(), 1.1, 1e-15);
    EXPECT_NEAR(y[0][1][0].item<double>(), h2 + 0.2, 1e-15);
    EXPECT_NEAR(state[0][0][0].item<double>(), h2, 1e-15);
  }
}

TEST(SelectiveScan, ChunkedEqualsSequentialForAnyChunkAndLength) {
  for (std::int64_t len : {1, 7, 33, 70}) {
    for (double delta_scale : {1.0, 40.0}) {
      auto in = random_inputs(2, len, 5, 3, torch::kDouble, delta_scale, len);
      for (bool with_state : {false, true}) {
        torch::Tensor h0 = with_state ? torch::randn({2, 5, 3}, torch::kDouble) : torch::Tensor();
        torch::Tensor ref_state = h0;
        auto ref = ops::selective_scan_sequential(in, ref_state);
        for (std::int64_t chunk : {1, 3, 8, 32, 64, 100}) {
          torch::Tensor state = h0;
          auto y = ops::selective_scan_chunked(in, state, chunk);
          ASSERT_TRUE(torch::isfinite(y).all().item<bool>());
          EXPECT_LE(max_diff(y, ref), 1e-10) << "len " << len << " chunk " << chunk << " Δ×" << delta_scale;
          EXPECT_LE(max_diff(state, ref_state), 1e-10) << "len " << len << " chunk " << chunk;
        }
      }
    }
  }
}

TEST(SelectiveScan, LargeStepsStayFiniteInFloat32) {
  // Δ up to ~100 and A down to ~−20: S over a chunk of 64 reaches −10^5; exp(−S) would be inf.
  auto in = random_inputs(1, 64, 4, 4, torch::kFloat, 30.0, 5);
  torch::Tensor s1, s2;
  auto ref = ops::selective_scan_sequential(in, s1);
  auto y = ops::selective_scan_chunked(in, s2, 64);
  ASSERT_TRUE(torch::isfinite(y).all().item<bool>());
  EXPECT_LE(max_diff(y, ref), 1e-4 * (1 + ref.abs().max().item<double>()));
}

TEST(SelectiveScan, StateCarriesAcrossCallsAtAnySplit) {
  auto in = random_inputs(2, 29, 4, 3, torch::kDouble, 1.0, 9);
  torch::Tensor full_state;
  auto full = ops::selective_scan_sequential(in, full_state);
  // Pieces of 5, 1, 1, 13, 9 tokens (decode steps among prefill chunks), each through the chunked form.
  std::vector<torch::Tensor> ys;
  torch::Tensor state;
  std::int64_t start = 0;
  for (std::int64_t n : {5, 1, 1, 13, 9}) {
    ys.push_back(ops::selective_scan_chunked(slice(in, start, n), state, 4));
    start += n;
  }
  EXPECT_LE(max_diff(torch::cat(ys, 1), full), 1e-12);
  EXPECT_LE(max_diff(state, full_state), 1e-12);
  // An empty piece changes nothing.
  auto before = state.clone();
  auto empty = ops::selective_scan_chunked(slice(in, 0, 0), state, 4);
  EXPECT_EQ(empty.size(1), 0);
  EXPECT_TRUE(torch::equal(state, before));
}

TEST(SelectiveScan, ChunkedGradientsEqualSequentialGradients) {
  auto base = random_inputs(2, 19, 4, 3, torch::kDouble, 2.0, 4);
  auto h0 = torch::randn({2, 4, 3}, torch::kDouble);
  auto probe = torch::randn({2, 19, 4}, torch::kDouble);
  auto probe_state = torch::randn({2, 4, 3}, torch::kDouble);
  // Gradients of every input (and of the initial state) through outputs and final state.
  auto grads = [&](bool chunked) {
    std::vector<torch::Tensor> leaves = {base.u.clone(), base.delta.clone(), base.A.clone(), base.B.clone(),
                                         base.C.clone(), base.D.clone(),     h0.clone()};
    for (auto& t : leaves) t.requires_grad_(true);
    ops::ScanInputs in{leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], leaves[5]};
    torch::Tensor state = leaves[6];
    auto y = chunked ? ops::selective_scan_chunked(in, state, 8) : ops::selective_scan_sequential(in, state);
    ((y * probe).sum() + (state * probe_state).sum()).backward();
    std::vector<torch::Tensor> g;
    for (auto& t : leaves) g.push_back(t.grad());
    return g;
  };
  auto ref = grads(false), got = grads(true);
  const char* names[] = {"u", "delta", "A", "B", "C", "D", "h0"};
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ASSERT_TRUE(got[i].defined()) << names[i];
    EXPECT_GT(ref[i].abs().max().item<double>(), 1e-3) << names[i] << " gradient is not exercised";
    EXPECT_LE(max_diff(got[i], ref[i]), 1e-10) << names[i];
  }
}

TEST(SelectiveScan, BadShapesAreRejected) {
  auto in = random_inputs(2, 5, 4, 3, torch::kDouble);
  torch::Tensor state;
  auto bad = in;
  bad.B = bad.B.narrow(2, 0, 2);
  EXPECT_THROW(ops::selective_scan_chunked(bad, state), Error);
  bad = in;
  bad.delta = bad.delta.narrow(1, 0, 4);
  EXPECT_THROW(ops::selective_scan_sequential(bad, state), Error);
  torch::Tensor wrong_state = torch::zeros({2, 4, 5}, torch::kDouble);
  EXPECT_THROW(ops::selective_scan_chunked(in, wrong_state), Error);
  EXPECT_THROW(ops::selective_scan_chunked(in, state, 0), Error);
}
