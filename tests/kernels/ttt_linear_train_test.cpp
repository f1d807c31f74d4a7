// The fused TTT-Linear training scan (forward + hand-written backward, one autograd node) against its slow
// twin: autograd through ops::ttt_segment, one mini-batch at a time. Same outputs, same end state, and the
// same gradient for every input — XQ/XK/XV, the lr gate's η, the token η, the ttt_norm parameters and the
// inner weights W1/b1 through their broadcast — with gradients arriving both at the outputs and at the end
// state. float64 (tight) and float32; shapes chosen apart from the inference kernel's tests.
#include <gtest/gtest.h>

#include "support/random_models.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/ttt_linear_scan_autograd.h"
#include "ttt/nn/ttt_layer.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

struct Leaves {  // what the gradients are taken with respect to
  torch::Tensor xq, xk, xv, lr_eta, token_eta, ln_w, ln_b, w1, b1;
  std::vector<torch::Tensor> all() const { return {xq, xk, xv, lr_eta, token_eta, ln_w, ln_b, w1, b1}; }
};
const char* const kLeafNames[] = {"xq", "xk", "xv", "lr_eta", "token_eta", "ln_w", "ln_b", "W1", "b1"};

Leaves make_leaves(int64_t batch, int64_t heads, int64_t len, int64_t d, int64_t k, torch::ScalarType dtype,
                   uint64_t seed) {
  torch::manual_seed(seed);
  auto opt = torch::TensorOptions().dtype(dtype);
  Leaves l;
  l.xq = torch::randn({batch, heads, len, d}, opt);
  l.xk = torch::randn({batch, heads, len, d}, opt);
  l.xv = torch::randn({batch, heads, len, d}, opt);
  l.lr_eta = torch::rand({batch, heads, len}, opt) * (2.0 / d);
  l.token_eta = (1.0 / torch::arange(1, k + 1, opt) + 0.05 * torch::randn({k}, opt)).clamp_min(0);
  l.ln_w = 1 + 0.2 * torch::randn({heads, d}, opt);
  l.ln_b = 0.2 * torch::randn({heads, d}, opt);
  l.w1 = 0.3 * torch::randn({heads, d, d}, opt) / std::sqrt(double(d));
  l.b1 = 0.1 * torch::randn({heads, 1, d}, opt);
  for (auto* t : {&l.xq, &l.xk, &l.xv, &l.lr_eta, &l.token_eta, &l.ln_w, &l.ln_b, &l.w1, &l.b1}) t->requires_grad_(true);
  return l;
}

// Non-contiguous [B,H,T,d] views with a contiguous last dim, as the layer hands them over.
torch::Tensor heads_view(const torch::Tensor& x) { return x.transpose(1, 2).contiguous().transpose(1, 2); }

struct Run {
  torch::Tensor out;  // [B,T,H,d]
  torch::Tensor w_end, b_end;
};

Run run_reference(const Leaves& l, int64_t k) {
  auto state = ops::initial_inner_state({l.w1, l.b1}, l.xq.size(0));
  std::vector<torch::Tensor> outs;
  for (int64_t t = 0; t < l.xq.size(2); t += k) {
    ops::SegmentInputs seg{l.xq.narrow(2, t, k), l.xk.narrow(2, t, k), l.xv.narrow(2, t, k),
                           l.lr_eta.narrow(2, t, k), l.token_eta, l.ln_w, l.ln_b};
    outs.push_back(ops::ttt_segment(ops::InnerModel::Linear, state, seg, true));
  }
  return {torch::cat(outs, 2).transpose(1, 2), state.weights[0], state.weights[1]};
}

Run run_fused(const Leaves& l) {
  auto state = ops::initial_inner_state({l.w1, l.b1}, l.xq.size(0));
  auto out = kernels::ttt_linear_scan_trainable(state, heads_view(l.xq), heads_view(l.xk), heads_view(l.xv), l.lr_eta,
                                                l.token_eta, l.ln_w, l.ln_b);
  return {out, state.weights[0], state.weights[1]};
}

// A scalar of outputs and end state with fixed random weights, so every element matters.
torch::Tensor objective(const Run& r, uint64_t seed, bool use_end_state) {
  torch::manual_seed(seed);
  auto opt = r.out.options().requires_grad(false);
  auto loss = (r.out * torch::randn(r.out.sizes(), opt)).sum();
  if (use_end_state)
    loss = loss + (r.w_end * torch::randn(r.w_end.sizes(), opt)).sum() +
           (r.b_end * torch::randn(r.b_end.sizes(), opt)).sum();
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
};

std::string name(const Case& c) {
  return "b" + std::to_string(c.batch) + "_h" + std::to_string(c.heads) + "_len" + std::to_string(c.len) + "_d" +
         std::to_string(c.d) + "_k" + std::to_string(c.k) + (c.end_state ? "_endstate" : "");
}

void PrintTo(const Case& c, std::ostream* os) { *os << name(c); }

class FusedLinearTraining : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(FusedLinearTraining, Float64MatchesAutogradThroughTheReference) {
  const auto c = GetParam();
  auto l = make_leaves(c.batch, c.heads, c.len, c.d, c.k, torch::kDouble, 11 + c.d);
  const auto ref = run_reference(l, c.k), fused = run_fused(l);
  EXPECT_LT(rel_diff(fused.out, ref.out), 1e-12);
  EXPECT_LT(rel_diff(fused.w_end, ref.w_end), 1e-12);
  EXPECT_LT(rel_diff(fused.b_end, ref.b_end), 1e-12);
  const auto g_ref = gradients(l, objective(ref, 5, c.end_state));
  const auto g_fused = gradients(l, objective(fused, 5, c.end_state));
  for (std::size_t i = 0; i < g_ref.size(); ++i) {
    ASSERT_TRUE(g_fused[i].defined()) << kLeafNames[i];
    ASSERT_EQ(g_fused[i].sizes(), g_ref[i].sizes()) << kLeafNames[i];
    EXPECT_GT(g_ref[i].abs().max().item<double>(), 0.0) << kLeafNames[i];
    EXPECT_LT(rel_diff(g_fused[i], g_ref[i]), 1e-10) << kLeafNames[i];
  }
}

TEST_P(FusedLinearTraining, Float32MatchesAutogradThroughTheReference) {
  const auto c = GetParam();
  auto l = make_leaves(c.batch, c.heads, c.len, c.d, c.k, torch::kFloat, 21 + c.d);
  const auto ref = run_reference(l, c.k), fused = run_fused(l);
  EXPECT_LT(rel_diff(fused.out, ref.out), 1e-5);
  const auto g_ref = gradients(l, objective(ref, 6, c.end_state));
  const auto g_fused = gradients(l, objective(fused, 6, c.end_state));
  for (std::size_t i = 0; i < g_ref.size(); ++i) EXPECT_LT(rel_diff(g_fused[i], g_ref[i]), 2e-4) << kLeafNames[i];
}

INSTANTIATE_TEST_SUITE_P(Shapes, FusedLinearTraining,
                         ::testing::Values(Case{1, 1, 4, 8, 4, false}, Case{2, 3, 24, 8, 4, true},
                                           Case{1, 2, 40, 24, 8, false}, Case{2, 2, 48, 40, 16, true},
                                           Case{3, 1, 30, 12, 6, true}, Case{1, 2, 64, 64, 16, false}),
                         [](const auto& info) { return name(info.param); });

TEST(FusedLinearTrainingErrors, RejectsPartialMiniBatchesAndWrongShapesByName) {
  auto l = make_leaves(1, 2, 12, 8, 8, torch::kFloat, 3);  // 12 tokens: not whole mini-batches of 8
  auto state = ops::initial_inner_state({l.w1, l.b1}, 1);
  try {
    kernels::ttt_linear_scan_trainable(state, l.xq, l.xk, l.xv, l.lr_eta, l.token_eta, l.ln_w, l.ln_b);
    FAIL() << "expected an error";
  } catch (const ttt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("multiple of K"), std::string::npos) << e.what();
  }
  auto l2 = make_leaves(1, 2, 16, 8, 8, torch::kFloat, 3);
  auto s2 = ops::initial_inner_state({l2.w1, l2.b1}, 1);
  EXPECT_THROW(kernels::ttt_linear_scan_trainable(s2, l2.xq, l2.xk, l2.xv, l2.lr_eta.narrow(2, 0, 8), l2.token_eta,
                                                  l2.ln_w, l2.ln_b),
               ttt::Error);
  EXPECT_THROW(kernels::ttt_linear_scan_trainable(s2, l2.xq, l2.xk, l2.xv.to(torch::kDouble), l2.lr_eta,
                                                  l2.token_eta, l2.ln_w, l2.ln_b),
               ttt::Error);
}

// The layer picks the fused scan when training with --kernels fused and gives the reference path's loss and
// parameter gradients, including a tail shorter than a mini-batch.
TEST(FusedLinearTrainingLayer, LayerGradientsMatchTheReferencePath) {
  struct Guard {
    kernels::Impl saved = kernels::impl();
    ~Guard() { kernels::set_impl(saved); }
  } guard;
  for (const char* backbone : {"transformer", "mamba"}) {
    auto config = test_support::tiny_config("linear", backbone);
    auto model = test_support::random_model(config, torch::kDouble, 4);
    model->train();
    torch::manual_seed(2);
    auto ids = torch::randint(0, config.vocab_size, {2, 19}, torch::kLong);  // 4 mini-batches of 4 and 3 more
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
    EXPECT_TRUE(kernels::use_fused_training(ops::InnerModel::Linear, torch::randn({1, 4, 8})));
    auto ref = grads_with(kernels::Impl::Reference), fused = grads_with(kernels::Impl::Fused);
    for (auto& [key, g] : ref) {
      ASSERT_TRUE(fused[key].defined()) << key;
      EXPECT_LE((fused[key] - g).abs().max().item<double>(), 1e-10 * std::max(1.0, g.abs().max().item<double>()))
          << backbone << " " << key;
    }
  }
  kernels::set_impl(kernels::Impl::Fused);
  EXPECT_TRUE(kernels::use_fused_training(ops::InnerModel::MLP, torch::randn({1, 4, 8})));
  torch::NoGradGuard no_grad;
  EXPECT_FALSE(kernels::use_fused_training(ops::InnerModel::Linear, torch::randn({1, 4, 8})));
}
