// The fused TTT-MLP training scan (forward + hand-written backward, one autograd node) against its slow twin:
// autograd through ops::ttt_segment(InnerModel::MLP, ...), one mini-batch at a time. Same outputs, same end state,
// and the same gradient for every input — XQ/XK/XV, the lr gate's η, the token η, the ttt_norm parameters and the
// inner weights W1/b1/W2/b2 through their broadcast — with gradients arriving both at the outputs and at the end
// state. float64 (tight) and float32; the inputs are strided views as the layer hands them over.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "support/random_models.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/ttt_mlp_scan_autograd.h"
#include "ttt/nn/ttt_layer.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

struct Leaves {  // what the gradients are taken with respect to
  torch::Tensor xq, xk, xv, lr_eta, token_eta, ln_w, ln_b, w1, b1, w2, b2;
  std::vector<torch::Tensor> all() const { return {xq, xk, xv, lr_eta, token_eta, ln_w, ln_b, w1, b1, w2, b2}; }
};
const char* const kLeafNames[] = {"xq", "xk", "xv", "lr_eta", "token_eta", "ln_w", "ln_b", "W1", "b1", "W2", "b2"};

// Scales chosen so every path matters: Z1 ~ N(0, 1) puts gelu in its curved range (gelu'' is far from zero), and
// lr_eta is large enough that the state moves visibly from one mini-batch to the next.
Leaves make_leaves(int64_t batch, int64_t heads, int64_t len, int64_t d, int64_t k, torch::ScalarType dtype,
                   uint64_t seed) {
  torch::manual_seed(seed);
  auto opt = torch::TensorOptions().dtype(dtype);
  const int64_t hidden = 4 * d;
  Leaves l;
  l.xq = torch::randn({batch, heads, len, d}, opt);
  l.xk = torch::randn({batch, heads, len, d}, opt);
  l.xv = torch::randn({batch, heads, len, d}, opt);
  l.lr_eta = torch::rand({batch, heads, len}, opt) * (1.0 / d);
  l.token_eta = (1.0 / torch::arange(1, k + 1, opt) + 0.05 * torch::randn({k}, opt)).clamp_min(0);
  l.ln_w = 1 + 0.2 * torch::randn({heads, d}, opt);
  l.ln_b = 0.2 * torch::randn({heads, d}, opt);
  l.w1 = torch::randn({heads, d, hidden}, opt) / std::sqrt(double(d));
  l.b1 = 0.1 * torch::randn({heads, 1, hidden}, opt);
  l.w2 = torch::randn({heads, hidden, d}, opt) / std::sqrt(double(hidden));
  l.b2 = 0.1 * torch::randn({heads, 1, d}, opt);
  for (auto* t : {&l.xq, &l.xk, &l.xv, &l.lr_eta, &l.token_eta, &l.ln_w, &l.ln_b, &l.w1, &l.b1, &l.w2, &l.b2})
    t->requires_grad_(true);
  return l;
}

// Non-contiguous [B,H,T,d] views with a contiguous last dim (and lr_eta [B,H,T] with stride H over T), as the
// layer hands them over.
torch::Tensor heads_view(const torch::Tensor& x) { return x.transpose(1, 2).contiguous().transpose(1, 2); }

struct ScanRun {
  torch::Tensor out;                     // [B,T,H,d]
  std::vector<torch::Tensor> end_state;  // W1, b1, W2, b2
};

ScanRun run_reference(const Leaves& l, int64_t k) {
  auto state = ops::initial_inner_state({l.w1, l.b1, l.w2, l.b2}, l.xq.size(0));
  std::vector<torch::Tensor> outs;
  for (int64_t t = 0; t < l.xq.size(2); t += k) {
    ops::SegmentInputs seg{l.xq.narrow(2, t, k), l.xk.narrow(2, t, k), l.xv.narrow(2, t, k),
                           l.lr_eta.narrow(2, t, k), l.token_eta, l.ln_w, l.ln_b};
    outs.push_back(ops::ttt_segment(ops::InnerModel::MLP, state, seg, true));
  }
  return {torch::cat(outs, 2).transpose(1, 2), state.weights};
}

ScanRun run_fused(const Leaves& l, int64_t checkpoint_group = kernels::cpu::kMlpCheckpointGroup) {
  auto state = ops::initial_inner_state({l.w1, l.b1, l.w2, l.b2}, l.xq.size(0));
  auto out = kernels::ttt_mlp_scan_trainable(state, heads_view(l.xq), heads_view(l.xk), heads_view(l.xv),
                                             heads_view(l.lr_eta.unsqueeze(-1)).squeeze(-1), l.token_eta, l.ln_w,
                                             l.ln_b, checkpoint_group);
  return {out, state.weights};
}

// A scalar of outputs and end state with fixed random weights, so every element matters.
torch::Tensor objective(const ScanRun& r, uint64_t seed, bool use_end_state) {
  torch::manual_seed(seed);
  auto opt = r.out.options().requires_grad(false);
  auto loss = (r.out * torch::randn(r.out.sizes(), opt)).sum();
  if (use_end_state)
    for (const auto& w : r.end_state) loss = loss + (w * torch::randn(w.sizes(), opt)).sum();
  return loss;
}

std::vector<torch::Tensor> gradients(const Leaves& l, const torch::Tensor& loss) {
  return torch::autograd::grad({loss}, l.all());
}

double rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>() / std::max(1e-30, b.abs().max().item<double>());
}

struct Case {
  int64_t batch, heads, len, d, k;
  bool end_state;
  int64_t checkpoint_group;  // mini-batches per saved state: 1, a divisor of T/K, a non-divisor, or the default
};

std::string name(const Case& c) {
  return "b" + std::to_string(c.batch) + "_h" + std::to_string(c.heads) + "_len" + std::to_string(c.len) + "_d" +
         std::to_string(c.d) + "_k" + std::to_string(c.k) + "_group" + std::to_string(c.checkpoint_group) +
         (c.end_state ? "_endstate" : "");
}

void PrintTo(const Case& c, std::ostream* os) { *os << name(c); }

// Compares outputs, end state and every leaf's gradient; records the worst relative errors as test properties
// (visible with --gtest_output=xml) so the margins can be read off, not only pass/fail.
void expect_match(const Leaves& l, const Case& c, uint64_t objective_seed, double out_tol, double grad_tol) {
  const auto ref = run_reference(l, c.k), fused = run_fused(l, c.checkpoint_group);
  ASSERT_EQ(fused.out.sizes(), ref.out.sizes());
  EXPECT_LT(rel_diff(fused.out, ref.out), out_tol);
  const char* const state_names[] = {"W1_end", "b1_end", "W2_end", "b2_end"};
  for (std::size_t i = 0; i < ref.end_state.size(); ++i) {
    ASSERT_EQ(fused.end_state[i].sizes(), ref.end_state[i].sizes()) << state_names[i];
    EXPECT_LT(rel_diff(fused.end_state[i], ref.end_state[i]), out_tol) << state_names[i];
  }
  const auto g_ref = gradients(l, objective(ref, objective_seed, c.end_state));
  const auto g_fused = gradients(l, objective(fused, objective_seed, c.end_state));
  std::ostringstream errors;
  for (std::size_t i = 0; i < g_ref.size(); ++i) {
    ASSERT_TRUE(g_fused[i].defined()) << kLeafNames[i];
    ASSERT_EQ(g_fused[i].sizes(), g_ref[i].sizes()) << kLeafNames[i];
    EXPECT_GT(g_ref[i].abs().max().item<double>(), 0.0) << kLeafNames[i];
    const double err = rel_diff(g_fused[i], g_ref[i]);
    EXPECT_LT(err, grad_tol) << kLeafNames[i];
    errors << kLeafNames[i] << "=" << err << " ";
  }
  ::testing::Test::RecordProperty("grad_rel_errors", errors.str());
}

class FusedMlpTraining : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(FusedMlpTraining, Float64MatchesAutogradThroughTheReference) {
  const auto c = GetParam();
  expect_match(make_leaves(c.batch, c.heads, c.len, c.d, c.k, torch::kDouble, 11 + c.d), c, 5, 1e-12, 1e-10);
}

TEST_P(FusedMlpTraining, Float32MatchesAutogradThroughTheReference) {
  const auto c = GetParam();
  expect_match(make_leaves(c.batch, c.heads, c.len, c.d, c.k, torch::kFloat, 21 + c.d), c, 6, 1e-5, 2e-4);
}

// d 12 (h 48) and K 6 leave partial register tiles (32- and 16-wide column tiles, 4-row blocks, 8 × 8 transpose
// blocks); d 64 is the paper's head dim. The checkpoint groups cover one state per mini-batch, whole groups, a short
// last group, and one group for all.
constexpr int64_t kDefaultGroup = kernels::cpu::kMlpCheckpointGroup;
INSTANTIATE_TEST_SUITE_P(Shapes, FusedMlpTraining,
                         ::testing::Values(Case{1, 1, 40, 8, 4, false, kDefaultGroup}, Case{2, 2, 32, 16, 8, true, 2},
                                           Case{2, 1, 48, 32, 16, false, 1}, Case{2, 2, 30, 12, 6, true, 3},
                                           Case{1, 2, 56, 32, 8, true, kDefaultGroup}, Case{2, 1, 48, 64, 16, true, 2}),
                         [](const auto& info) { return name(info.param); });

// The end state alone (no gradient at the outputs) must also reach every input through the state updates; XQ
// does not reach it (the updates use XK only), so the reference leaves it unused and the fused node gives zeros.
TEST(FusedMlpTrainingEndState, GradientOfTheEndStateAloneMatches) {
  auto l = make_leaves(2, 1, 40, 8, 8, torch::kDouble, 7);
  const auto ref = run_reference(l, 8), fused = run_fused(l, 2);
  auto end_only = [&l](const ScanRun& r) {
    torch::manual_seed(9);
    auto loss = torch::zeros({}, r.out.options().requires_grad(false));
    for (const auto& w : r.end_state)
      loss = loss + (w * torch::randn(w.sizes(), w.options().requires_grad(false))).sum();
    return torch::autograd::grad({loss}, l.all(), {}, /*retain_graph=*/false, /*create_graph=*/false,
                                 /*allow_unused=*/true);
  };
  const auto g_ref = end_only(ref), g_fused = end_only(fused);
  for (std::size_t i = 0; i < g_ref.size(); ++i) {
    if (!g_ref[i].defined()) {
      EXPECT_TRUE(!g_fused[i].defined() || g_fused[i].abs().max().item<double>() == 0.0) << kLeafNames[i];
      continue;
    }
    ASSERT_TRUE(g_fused[i].defined()) << kLeafNames[i];
    EXPECT_LT(rel_diff(g_fused[i], g_ref[i]), 1e-10) << kLeafNames[i];
  }
  EXPECT_FALSE(g_ref[0].defined());  // xq
}

TEST(FusedMlpTrainingErrors, RejectsPartialMiniBatchesAndWrongShapesByName) {
  auto what = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const ttt::Error& e) {
      return e.what();
    }
    return "no error";
  };
  auto l = make_leaves(1, 2, 12, 8, 8, torch::kFloat, 3);  // 12 tokens: not whole mini-batches of 8
  auto state = ops::initial_inner_state({l.w1, l.b1, l.w2, l.b2}, 1);
  auto msg =
      what([&] { kernels::ttt_mlp_scan_trainable(state, l.xq, l.xk, l.xv, l.lr_eta, l.token_eta, l.ln_w, l.ln_b); });
  EXPECT_NE(msg.find("multiple of K"), std::string::npos) << msg;

  auto l2 = make_leaves(1, 2, 16, 8, 8, torch::kFloat, 3);
  auto s2 = ops::initial_inner_state({l2.w1, l2.b1, l2.w2, l2.b2}, 1);
  msg = what([&] {
    kernels::ttt_mlp_scan_trainable(s2, l2.xq, l2.xk, l2.xv, l2.lr_eta.narrow(2, 0, 8), l2.token_eta, l2.ln_w, l2.ln_b);
  });
  EXPECT_NE(msg.find("lr_eta [1, 2, 8]"), std::string::npos) << msg;
  msg = what([&] {
    kernels::ttt_mlp_scan_trainable(s2, l2.xq, l2.xk.narrow(3, 0, 4), l2.xv, l2.lr_eta, l2.token_eta, l2.ln_w, l2.ln_b);
  });
  EXPECT_NE(msg.find("[1, 2, 16, 4]"), std::string::npos) << msg;
  msg = what([&] {
    kernels::ttt_mlp_scan_trainable(s2, l2.xq, l2.xk, l2.xv.to(torch::kDouble), l2.lr_eta, l2.token_eta, l2.ln_w,
                                    l2.ln_b);
  });
  EXPECT_NE(msg.find("Double"), std::string::npos) << msg;

  // A hidden width that W1 and W2 disagree on, named with every state shape.
  ops::InnerState bad{{s2.weights[0], s2.weights[1], s2.weights[2].narrow(2, 0, 16), s2.weights[3]}, {}};
  msg = what(
      [&] { kernels::ttt_mlp_scan_trainable(bad, l2.xq, l2.xk, l2.xv, l2.lr_eta, l2.token_eta, l2.ln_w, l2.ln_b); });
  EXPECT_NE(msg.find("W2 [1, 2, 16, 8]"), std::string::npos) << msg;

  // A TTT-Linear state, or one in the middle of a mini-batch, is not a TTT-MLP state at a boundary.
  ops::InnerState linear{{s2.weights[0], s2.weights[1]}, {}};
  msg = what(
      [&] { kernels::ttt_mlp_scan_trainable(linear, l2.xq, l2.xk, l2.xv, l2.lr_eta, l2.token_eta, l2.ln_w, l2.ln_b); });
  EXPECT_NE(msg.find("2 weights"), std::string::npos) << msg;
}

// The layer picks the fused TTT-MLP scan when training with --kernels fused and gives the reference path's loss
// and parameter gradients, in whole models of both backbones, including a tail shorter than a mini-batch.
TEST(FusedMlpTrainingLayer, LayerGradientsMatchTheReferencePath) {
  struct Guard {
    kernels::Impl saved = kernels::impl();
    ~Guard() { kernels::set_impl(saved); }
  } guard;
  for (const char* backbone : {"transformer", "mamba"}) {
    auto config = test_support::tiny_config("mlp", backbone);
    auto model = test_support::random_model(config, torch::kDouble, 5);
    model->train();
    torch::manual_seed(3);
    auto ids = torch::randint(0, config.vocab_size, {2, 19}, torch::kLong);  // whole mini-batches and a tail
    auto grads_with = [&](kernels::Impl impl) {
      kernels::set_impl(impl);
      model->zero_grad();
      auto loss = model->forward(ids).logits.pow(2).mean();
      loss.backward();
      std::map<std::string, torch::Tensor> g;
      for (auto& item : model->named_parameters()) g[item.key()] = item.value().grad().clone();
      g["loss"] = loss.detach();
      return g;
    };
    auto ref = grads_with(kernels::Impl::Reference), fused = grads_with(kernels::Impl::Fused);
    EXPECT_TRUE(kernels::use_fused_training(ops::InnerModel::MLP, torch::randn({1, 4, 8})));
    for (auto& [key, g] : ref) {
      ASSERT_TRUE(fused[key].defined()) << key;
      EXPECT_LE((fused[key] - g).abs().max().item<double>(), 1e-10 * std::max(1.0, g.abs().max().item<double>()))
          << backbone << " " << key;
    }
  }
}
