// Gradients are checked, not trusted: autograd through the TTT layers (dual form, float64) against
// central finite differences, for every parameter of the layer (W/b, ttt_norm, lr gate, token index,
// projections, convs, gate, post-norm) and for the layer input.
#include <gtest/gtest.h>

#include "support/random_models.h"
#include "ttt/nn/ttt_layer.h"

using namespace ttt;

namespace {

struct LayerCase {
  ops::InnerModel inner;
  bool mamba;  // share_qk + conv_q/conv_k + gate
};

nn::TTTLayer make_layer(const LayerCase& c) {
  torch::manual_seed(3);
  nn::TTTLayerOptions o;
  o.hidden_size = 8;
  o.num_heads = 2;  // d = 4
  o.mini_batch_size = 4;
  o.inner = c.inner;
  o.ttt_base_lr = c.inner == ops::InnerModel::MLP ? 0.5 : 1.0;
  o.share_qk = o.use_gate = c.mamba;
  o.init_std = 0.3;  // larger weights than 0.02 so every term is far from negligible
  nn::TTTLayer layer(o);
  test_support::perturb_parameters(*layer, 0.1, 5);
  layer->to(torch::kDouble);
  return layer;
}

// A scalar of the whole output with fixed random weights, so every output element matters.
double loss_of(nn::TTTLayer& layer, const torch::Tensor& x, const torch::Tensor& probe) {
  return (layer->forward(x) * probe).sum().item<double>();
}

class TTTLayerGradient : public ::testing::TestWithParam<LayerCase> {};

}  // namespace

TEST_P(TTTLayerGradient, AutogradMatchesCentralDifferences) {
  auto layer = make_layer(GetParam());
  torch::manual_seed(9);
  auto x = torch::randn({2, 7, 8}, torch::kDouble).requires_grad_(true);  // one full mini-batch + 3
  auto probe = torch::randn({2, 7, 8}, torch::kDouble);

  auto loss = (layer->forward(x) * probe).sum();
  loss.backward();

  const double h = 1e-6;
  auto check = [&](const std::string& name, torch::Tensor& value, const torch::Tensor& grad) {
    ASSERT_TRUE(grad.defined()) << name << " has no gradient";
    auto flat = value.view(-1);
    auto gflat = grad.reshape(-1);
    const int64_t n = flat.numel();
    const int64_t step = std::max<int64_t>(1, n / 6);  // a spread of entries per tensor
    for (int64_t i = 0; i < n; i += step) {
      torch::NoGradGuard no_grad;
      const double orig = flat[i].item<double>();
      flat[i] = orig + h;
      const double up = loss_of(layer, x.detach(), probe);
      flat[i] = orig - h;
      const double down = loss_of(layer, x.detach(), probe);
      flat[i] = orig;
      const double numeric = (up - down) / (2 * h);
      const double analytic = gflat[i].item<double>();
      const double err = std::abs(numeric - analytic) / std::max(1.0, std::abs(numeric));
      EXPECT_LT(err, 1e-6) << name << "[" << i << "] autograd " << analytic << " vs numeric " << numeric;
    }
  };

  std::vector<std::string> seen;
  for (auto& item : layer->named_parameters()) {
    check(item.key(), item.value(), item.value().grad());
    seen.push_back(item.key());
  }
  // The layer input too: a detached alias shares x's storage, so perturbing it perturbs x.
  torch::Tensor x_alias = x.detach();
  check("input", x_alias, x.grad());
  // Every parameter kind of the spec was covered.
  auto has = [&](const std::string& n) { return std::find(seen.begin(), seen.end(), n) != seen.end(); };
  for (const char* n : {"W1", "b1", "ttt_norm_weight", "ttt_norm_bias", "learnable_ttt_lr_weight",
                        "learnable_ttt_lr_bias", "learnable_token_idx", "q_proj.weight", "v_proj.weight",
                        "o_proj.weight", "post_norm.weight", "post_norm.bias"})
    EXPECT_TRUE(has(n)) << n;
  if (GetParam().inner == ops::InnerModel::MLP) {
    EXPECT_TRUE(has("W2"));
    EXPECT_TRUE(has("b2"));
  }
  if (GetParam().mamba) {
    for (const char* n : {"conv_q.weight", "conv_q.bias", "conv_k.weight", "conv_k.bias", "g_proj.weight"})
      EXPECT_TRUE(has(n)) << n;
  } else {
    EXPECT_TRUE(has("k_proj.weight"));
  }
}

INSTANTIATE_TEST_SUITE_P(Layers, TTTLayerGradient,
                         ::testing::Values(LayerCase{ops::InnerModel::Linear, false},
                                           LayerCase{ops::InnerModel::Linear, true},
                                           LayerCase{ops::InnerModel::MLP, false},
                                           LayerCase{ops::InnerModel::MLP, true}),
                         [](const auto& info) {
                           return std::string(info.param.inner == ops::InnerModel::MLP ? "mlp" : "linear") +
                                  (info.param.mamba ? "_mamba" : "_transformer");
                         });

TEST(TTTLayerDualPrimal, LayerOutputsAgreeWithRemainder) {
  for (auto inner : {ops::InnerModel::Linear, ops::InnerModel::MLP}) {
    auto layer = make_layer({inner, true});
    torch::NoGradGuard no_grad;
    auto x = torch::randn({2, 11, 8}, torch::kDouble);
    auto dual = layer->forward(x);
    layer->use_primal_form(true);
    auto primal = layer->forward(x);
    EXPECT_LE((dual - primal).abs().max().item<double>(), 1e-12);
    // Token-by-token decoding through a cache uses one-token segments: the same outputs again.
    layer->use_primal_form(false);
    nn::LayerCache cache;
    std::vector<torch::Tensor> steps;
    for (int64_t t = 0; t < 11; ++t) steps.push_back(layer->forward(x.narrow(1, t, 1), t, &cache));
    EXPECT_LE((torch::cat(steps, 1) - dual).abs().max().item<double>(), 1e-12);
  }
}
