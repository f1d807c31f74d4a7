// The fused CPU inner-loop kernel against its slow twin, ops::ttt_segment (the dual form in plain
// libtorch ops, itself checked against the primal form and the official reference): same outputs and
// same end state for head dims {16, 32, 64, 96} and others (4 … 128), mini-batch {8, 16} and others (1, 7, 12,
// 32, 300), remainders, batch > 1, chunks at odd offsets, decode steps, both inner models, float32 and float64.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <limits>
#include <random>

#include "ttt/kernels/cpu/inner_math.h"
#include "ttt/kernels/cpu/ttt_inner_fused.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

struct Problem {
  torch::Tensor xq, xk, xv, lr_eta, token_eta, ln_w, ln_b;
  std::vector<torch::Tensor> params;  // [H, ...] like the layer's W1, b1(, W2, b2)
};

Problem make_problem(ops::InnerModel model, int64_t batch, int64_t heads, int64_t len, int64_t d, int64_t k,
                     torch::ScalarType dtype, uint64_t seed) {
  torch::manual_seed(seed);
  auto opt = torch::TensorOptions().dtype(dtype);
  Problem p;
  // Non-contiguous [B,H,T,d] views, as the layer passes them (split heads of [B,T,C]).
  auto heads_view = [&] { return torch::randn({batch, len, heads, d}, opt).transpose(1, 2); };
  p.xq = heads_view();
  p.xk = heads_view();
  p.xv = heads_view();
  p.lr_eta = torch::rand({batch, heads, len}, opt) * (2.0 / d);
  p.token_eta = (1.0 / torch::arange(1, k + 1, opt) + 0.05 * torch::randn({k}, opt)).clamp_min(0);
  p.ln_w = 1 + 0.2 * torch::randn({heads, d}, opt);
  p.ln_b = 0.2 * torch::randn({heads, d}, opt);
  const int64_t hidden = model == ops::InnerModel::Linear ? d : 4 * d;
  p.params = {0.3 * torch::randn({heads, d, hidden}, opt) / std::sqrt(double(d)), 0.1 * torch::randn({heads, 1, hidden}, opt)};
  if (model == ops::InnerModel::MLP)
    p.params.insert(p.params.end(), {0.3 * torch::randn({heads, hidden, d}, opt) / std::sqrt(double(hidden)),
                                     0.1 * torch::randn({heads, 1, d}, opt)});
  return p;
}

// The slow twin over tokens [t0, t0 + n) at absolute position `pos` of the sequence: [B,n,H,d].
torch::Tensor reference_chunk(ops::InnerModel model, ops::InnerState& s, const Problem& p, int64_t t0, int64_t n,
                              int64_t pos, int64_t k) {
  std::vector<torch::Tensor> outs;
  for (int64_t t = 0; t < n;) {
    const auto offset = (pos + t) % k;
    const auto m = std::min(k - offset, n - t);
    ops::SegmentInputs seg{p.xq.narrow(2, t0 + t, m), p.xk.narrow(2, t0 + t, m), p.xv.narrow(2, t0 + t, m),
                           p.lr_eta.narrow(2, t0 + t, m), p.token_eta.narrow(0, offset, m), p.ln_w, p.ln_b};
    outs.push_back(ops::ttt_segment(model, s, seg, offset + m == k));
    t += m;
  }
  return torch::cat(outs, 2).transpose(1, 2);
}

torch::Tensor fused_chunk(ops::InnerModel model, ops::InnerState& s, const Problem& p, int64_t t0, int64_t n,
                          int64_t pos, int64_t k) {
  return kernels::cpu::ttt_inner_chunk(
      model, s,
      {p.xq.narrow(2, t0, n), p.xk.narrow(2, t0, n), p.xv.narrow(2, t0, n), p.lr_eta.narrow(2, t0, n), p.token_eta,
       p.ln_w, p.ln_b, pos, k});
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Case {
  ops::InnerModel model;
  int64_t d, k, batch, len;
};

std::string name(const Case& c) {
  return std::string(c.model == ops::InnerModel::Linear ? "linear" : "mlp") + "_d" + std::to_string(c.d) + "_k" +
         std::to_string(c.k) + "_b" + std::to_string(c.batch) + "_len" + std::to_string(c.len);
}

class FusedInner : public ::testing::TestWithParam<Case> {};

// Chunks: a first piece ending mid mini-batch, odd pieces, single-token decode steps, and a long tail.
std::vector<int64_t> chunking(int64_t len, uint64_t seed) {
  std::mt19937 rng(seed);
  std::vector<int64_t> chunks;
  for (int64_t total = len; total > 0;) {
    const int64_t n = std::min<int64_t>(total, chunks.size() % 3 == 1 ? 1 : 1 + rng() % 13);
    chunks.push_back(n);
    total -= n;
  }
  return chunks;
}

}  // namespace

TEST_P(FusedInner, MatchesReferenceInOnePassAndInChunks) {
  const auto c = GetParam();
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    const double tol = dtype == torch::kFloat ? 1e-4 : 1e-10;
    auto p = make_problem(c.model, c.batch, 3, c.len, c.d, c.k, dtype, 11 + c.d + c.k);
    torch::NoGradGuard no_grad;

    auto ref_state = ops::initial_inner_state(p.params, c.batch);
    auto ref = reference_chunk(c.model, ref_state, p, 0, c.len, 0, c.k);
    auto fused_state = ops::initial_inner_state(p.params, c.batch);
    auto fused = fused_chunk(c.model, fused_state, p, 0, c.len, 0, c.k);
    ASSERT_EQ(fused.sizes(), ref.sizes());
    EXPECT_LE(max_diff(fused, ref), tol) << "one pass, " << dtype;
    for (size_t i = 0; i < ref_state.weights.size(); ++i)
      EXPECT_LE(max_diff(fused_state.weights[i], ref_state.weights[i]), tol) << "weight " << i;
    for (size_t i = 0; i < fused_state.grad_sums.size(); ++i) {
      auto ref_sum = ref_state.grad_sums.empty() ? torch::zeros_like(fused_state.grad_sums[i]) : ref_state.grad_sums[i];
      EXPECT_LE(max_diff(fused_state.grad_sums[i], ref_sum), tol) << "grad sum " << i;
    }

    // The same sequence in chunks at odd offsets (prefill pieces and decode steps) gives the one-pass outputs.
    auto chunk_state = ops::initial_inner_state(p.params, c.batch);
    std::vector<torch::Tensor> pieces;
    int64_t t = 0;
    for (auto n : chunking(c.len, c.d)) {
      pieces.push_back(fused_chunk(c.model, chunk_state, p, t, n, t, c.k));
      t += n;
    }
    EXPECT_LE(max_diff(torch::cat(pieces, 1), ref), tol) << "chunked, " << dtype;
    for (size_t i = 0; i < ref_state.weights.size(); ++i)
      EXPECT_LE(max_diff(chunk_state.weights[i], ref_state.weights[i]), tol) << "chunked weight " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, FusedInner,
    ::testing::Values(Case{ops::InnerModel::Linear, 16, 8, 2, 37}, Case{ops::InnerModel::Linear, 32, 16, 1, 40},
                      Case{ops::InnerModel::Linear, 64, 16, 2, 35}, Case{ops::InnerModel::Linear, 96, 8, 1, 21},
                      Case{ops::InnerModel::Linear, 64, 8, 3, 16}, Case{ops::InnerModel::Linear, 48, 16, 1, 5},
                      Case{ops::InnerModel::MLP, 16, 8, 2, 29}, Case{ops::InnerModel::MLP, 32, 16, 1, 35},
                      Case{ops::InnerModel::MLP, 64, 16, 2, 19}, Case{ops::InnerModel::MLP, 96, 8, 1, 13},
                      // longer chunks than the layer sends to the TTT-MLP loops (it uses them up to 64 tokens)
                      Case{ops::InnerModel::MLP, 24, 8, 2, 150}, Case{ops::InnerModel::MLP, 16, 16, 1, 77},
                      // a mini-batch longer than the accumulation's 256-row tiling run
                      Case{ops::InnerModel::Linear, 8, 300, 1, 310},
                      // head dims and mini-batches outside the list: wider, odd, and one token per mini-batch
                      Case{ops::InnerModel::Linear, 128, 32, 2, 70}, Case{ops::InnerModel::Linear, 40, 7, 2, 30},
                      Case{ops::InnerModel::Linear, 4, 1, 2, 9}, Case{ops::InnerModel::MLP, 80, 12, 2, 30},
                      Case{ops::InnerModel::MLP, 40, 7, 1, 23}, Case{ops::InnerModel::MLP, 4, 1, 1, 5}),
    [](const ::testing::TestParamInfo<Case>& info) { return name(info.param); });

// Mixing paths: a reference prefill that stops mid mini-batch, then fused decode steps on that state
// (and the reverse) equal the reference throughout.
TEST(FusedInnerState, ContinuesAReferenceStateAndViceVersa) {
  for (auto model : {ops::InnerModel::Linear, ops::InnerModel::MLP}) {
    const int64_t k = 8, len = 27;
    auto p = make_problem(model, 2, 2, len, 16, k, torch::kDouble, 5);
    torch::NoGradGuard no_grad;
    auto ref_state = ops::initial_inner_state(p.params, 2);
    auto ref = reference_chunk(model, ref_state, p, 0, len, 0, k);

    auto mixed_state = ops::initial_inner_state(p.params, 2);
    std::vector<torch::Tensor> pieces{reference_chunk(model, mixed_state, p, 0, 11, 0, k),
                                      fused_chunk(model, mixed_state, p, 11, 1, 11, k),
                                      fused_chunk(model, mixed_state, p, 12, 7, 12, k),
                                      reference_chunk(model, mixed_state, p, 19, 3, 19, k),
                                      fused_chunk(model, mixed_state, p, 22, 5, 22, k)};
    EXPECT_LE(max_diff(torch::cat(pieces, 1), ref), 1e-10);
  }
}

// Copy-on-write: the kernel steps the state in place, yet never writes the parameters the initial state
// aliases, nor a state another cache copy still shares.
TEST(FusedInnerState, NeverWritesSharedTensors) {
  const int64_t k = 8, len = 20;
  auto p = make_problem(ops::InnerModel::Linear, 1, 2, len, 16, k, torch::kFloat, 9);
  torch::NoGradGuard no_grad;
  const auto params_before = p.params[0].clone();
  auto state = ops::initial_inner_state(p.params, 1);  // batch 1: a contiguous view of the parameters
  fused_chunk(ops::InnerModel::Linear, state, p, 0, 10, 0, k);
  EXPECT_TRUE(torch::equal(p.params[0], params_before)) << "parameters were modified";

  ops::InnerState copy = state;  // shares tensors
  const auto w_before = state.weights[0].clone();
  auto a = fused_chunk(ops::InnerModel::Linear, state, p, 10, 10, 10, k);
  EXPECT_TRUE(torch::equal(copy.weights[0], w_before)) << "a shared state was modified";
  auto b = fused_chunk(ops::InnerModel::Linear, copy, p, 10, 10, 10, k);
  EXPECT_TRUE(torch::equal(a, b));
}

// Decoding: each one-token step writes into the previous step's output buffer when the caller let go of it (no
// allocation per token), and never into an output the caller still holds.
TEST(FusedInnerState, DecodeStepsReuseTheirOutputOnlyWhenNothingHoldsIt) {
  for (auto model : {ops::InnerModel::Linear, ops::InnerModel::MLP}) {
    const int64_t k = 8, len = 19;
    auto p = make_problem(model, 2, 3, len, 16, k, torch::kFloat, 11);
    torch::NoGradGuard no_grad;
    auto ref_state = ops::initial_inner_state(p.params, 2);
    std::vector<torch::Tensor> expected;
    for (int64_t t = 0; t < len; ++t) expected.push_back(reference_chunk(model, ref_state, p, t, 1, t, k));

    // Outputs held: every step gets its own buffer and keeps its values.
    auto held_state = ops::initial_inner_state(p.params, 2);
    std::vector<torch::Tensor> held;
    for (int64_t t = 0; t < len; ++t) held.push_back(fused_chunk(model, held_state, p, t, 1, t, k));
    for (int64_t t = 0; t < len; ++t) {
      EXPECT_LE(max_diff(held[t], expected[t]), 1e-5) << "token " << t;
      if (t > 0) EXPECT_NE(held[t].data_ptr(), held[t - 1].data_ptr()) << "token " << t;
    }

    // Outputs released: one buffer for every token, the same values. After each step a tensor of the output's
    // size is allocated and kept, so that a buffer freed by the step could not come back by chance.
    auto state = ops::initial_inner_state(p.params, 2);
    const void* first = nullptr;
    std::vector<torch::Tensor> occupied;
    for (int64_t t = 0; t < len; ++t) {
      {
        auto out = fused_chunk(model, state, p, t, 1, t, k);
        EXPECT_LE(max_diff(out, expected[t]), 1e-5) << "token " << t;
        if (t == 0) first = out.data_ptr();
        EXPECT_EQ(out.data_ptr(), first) << "token " << t;
      }
      occupied.push_back(torch::empty({2, 1, 3, 16}));
    }
  }
}

TEST(FusedInnerState, RejectsBadShapes) {
  auto p = make_problem(ops::InnerModel::Linear, 1, 2, 8, 16, 8, torch::kFloat, 1);
  torch::NoGradGuard no_grad;
  auto state = ops::initial_inner_state(p.params, 1);
  kernels::cpu::ChunkInputs in{p.xq, p.xk, p.xv.narrow(2, 0, 4), p.lr_eta, p.token_eta, p.ln_w, p.ln_b, 0, 8};
  EXPECT_THROW(kernels::cpu::ttt_inner_chunk(ops::InnerModel::Linear, state, in), ttt::Error);
  in.xv = p.xv;
  in.mini_batch = 4;  // token_eta has 8 entries
  EXPECT_THROW(kernels::cpu::ttt_inner_chunk(ops::InnerModel::Linear, state, in), ttt::Error);
  in.mini_batch = 8;
  EXPECT_THROW(kernels::cpu::ttt_inner_chunk(ops::InnerModel::MLP, state, in), ttt::Error);
}

// The kernel parallelises over (sequence, head) pairs, each writing only its own outputs and state: the
// result must not depend on the thread count, bit for bit (a race or a shared scratch buffer would show
// here; ThreadSanitizer cannot watch libgomp's uninstrumented pool, so this is the race check).
TEST(FusedInnerState, ThreadCountDoesNotChangeTheResult) {
  const int threads_before = torch::get_num_threads();
  for (const auto model : {ops::InnerModel::Linear, ops::InnerModel::MLP}) {
    const int64_t k = 8, len = 21;
    auto p = make_problem(model, 3, 5, len, 16, k, torch::kFloat, 17);
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> outputs, weights;
    for (const int threads : {1, 4}) {
      torch::set_num_threads(threads);
      auto state = ops::initial_inner_state(p.params, 3);
      outputs.push_back(fused_chunk(model, state, p, 0, len, 0, k));
      weights.push_back(state.weights[0].clone());
    }
    EXPECT_TRUE(torch::equal(outputs[0], outputs[1])) << (model == ops::InnerModel::Linear ? "linear" : "mlp");
    EXPECT_TRUE(torch::equal(weights[0], weights[1]));
  }
  torch::set_num_threads(threads_before);
}

// A long TTT-MLP chunk that starts mid mini-batch and leaves one open: the same outputs and state (weights and
// gradient sums) as the reference walked segment by segment, for 1, 2 and 5 heads.
TEST(FusedInnerLongMlp, OddStartAndOpenEndMatchTheReference) {
  for (int64_t heads : {1, 2, 5}) {
    auto p = make_problem(ops::InnerModel::MLP, 2, heads, 100, 16, 8, torch::kDouble, 40 + heads);
    torch::NoGradGuard no_grad;
    auto ref_state = ops::initial_inner_state(p.params, 2);
    auto ref = reference_chunk(ops::InnerModel::MLP, ref_state, p, 0, 99, 0, 8);
    auto state = ops::initial_inner_state(p.params, 2);
    auto first = fused_chunk(ops::InnerModel::MLP, state, p, 0, 3, 0, 8);
    auto rest = fused_chunk(ops::InnerModel::MLP, state, p, 3, 96, 3, 8);  // 99 tokens: ends 3 into a mini-batch
    EXPECT_LE(max_diff(torch::cat({first, rest}, 1), ref), 1e-10) << heads << " heads";
    ASSERT_EQ(state.grad_sums.size(), ref_state.grad_sums.size());
    for (size_t i = 0; i < ref_state.weights.size(); ++i) {
      EXPECT_LE(max_diff(state.weights[i], ref_state.weights[i]), 1e-10) << "weight " << i;
      EXPECT_LE(max_diff(state.grad_sums[i], ref_state.grad_sums[i]), 1e-10) << "grad sum " << i;
    }
  }
}

// The fused kernels split heads over libtorch's threads with at::parallel_for, which runs everything on one
// thread unless its translation unit is compiled with OpenMP (as it once silently was).
TEST(FusedKernelThreads, ParallelForReallyUsesTheThreads) {
  const int saved = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_EQ(kernels::cpu::detail::parallel_for_threads(12), 2);
  at::set_num_threads(1);
  EXPECT_EQ(kernels::cpu::detail::parallel_for_threads(12), 1);
  at::set_num_threads(saved);
}

// TTT_KERNEL_ISA (set by the ctest entries that rerun this suite per instruction set) narrows the clone every
// kernel dispatches to, and never widens it past what the CPU supports; isa_name() reports the choice.
TEST(FusedKernelIsa, TheEnvironmentNarrowsTheInstructionSetAndNeverWidensIt) {
  using kernels::cpu::detail::Isa;
  const Isa detected = kernels::cpu::detail::detected_isa();
  Isa expected = detected;
  if (const char* env = std::getenv("TTT_KERNEL_ISA")) {
    const std::string wanted(env);
    const Isa requested = wanted == "generic" ? Isa::Generic : wanted == "avx2" ? Isa::Avx2 : Isa::Avx512;
    if (static_cast<int>(requested) < static_cast<int>(detected)) expected = requested;
  }
  EXPECT_EQ(kernels::cpu::detail::cpu_isa(), expected);
  const std::string name = kernels::cpu::isa_name();
  EXPECT_EQ(name, expected == Isa::Avx512 ? "avx512" : expected == Isa::Avx2 ? "avx2+fma" : "generic");
}

// The vectorisable tanh of the TTT-MLP loops against libm: ≤ 2e-7 absolute over [−60, 60], exact signs and
// saturation at ±inf, 0 at 0.
TEST(FusedKernelMath, TanhFastMatchesLibm) {
  double worst = 0;
  for (double x = -60; x <= 60; x += 0.00093) {
    const float f = static_cast<float>(x);
    worst = std::max(worst, std::abs(double(kernels::cpu::detail::tanh_fast(f)) - std::tanh(double(f))));
  }
  EXPECT_LT(worst, 2e-7);
  EXPECT_EQ(kernels::cpu::detail::tanh_fast(0.0f), 0.0f);
  EXPECT_EQ(kernels::cpu::detail::tanh_fast(std::numeric_limits<float>::infinity()), 1.0f);
  EXPECT_EQ(kernels::cpu::detail::tanh_fast(-std::numeric_limits<float>::infinity()), -1.0f);
  EXPECT_EQ(kernels::cpu::detail::tanh_fast(1e30f), 1.0f);
}
