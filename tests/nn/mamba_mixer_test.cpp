// The Mamba mixer: parameter names/shapes/initialisation of mamba_simple.py, autograd against central
// finite differences (float64), and chunked prefill + decode through a LayerCache against one pass.
#include <gtest/gtest.h>

#include <cmath>

#include "support/random_models.h"
#include "ttt/nn/mamba.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

nn::MambaOptions tiny_options() {
  nn::MambaOptions o;
  o.hidden_size = 4;
  o.expand = 2;  // E·C = 8
  o.state_size = 3;
  o.conv_kernel = 3;
  o.dt_rank = 2;
  o.scan_chunk = 4;
  o.init_std = 0.3;  // weights far from negligible, so every term shows in the output
  return o;
}

nn::MambaMixer random_mixer(const nn::MambaOptions& o, std::uint64_t seed) {
  torch::manual_seed(seed);
  nn::MambaMixer mixer(o);
  test_support::perturb_parameters(*mixer, 0.1, seed + 1);
  mixer->to(torch::kDouble);
  return mixer;
}

}  // namespace

TEST(MambaMixer, ParametersHaveTheReferenceNamesShapesAndInit) {
  nn::MambaOptions o;
  o.hidden_size = 32;
  o.dt_rank = 2;
  torch::manual_seed(0);
  nn::MambaMixer mixer(o);
  std::map<std::string, std::vector<std::int64_t>> expected = {
      {"in_proj.weight", {128, 32}}, {"conv1d.weight", {64, 1, 4}}, {"conv1d.bias", {64}},
      {"x_proj.weight", {34, 64}},   {"dt_proj.weight", {64, 2}},   {"dt_proj.bias", {64}},
      {"A_log", {64, 16}},           {"D", {64}},                   {"out_proj.weight", {32, 64}}};
  std::map<std::string, std::vector<std::int64_t>> got;
  for (auto& p : mixer->named_parameters()) got[p.key()] = p.value().sizes().vec();
  EXPECT_EQ(got, expected);
  // Δ at init = softplus(dt_proj.bias) lies in [dt_min, dt_max], spread over it (log-uniform).
  auto dt = torch::softplus(mixer->dt_proj->bias);
  EXPECT_GE(dt.min().item<double>(), 1e-3 * (1 - 1e-5));
  EXPECT_LE(dt.max().item<double>(), 1e-1 * (1 + 1e-5));
  EXPECT_LT(dt.min().item<double>(), 5e-3);
  EXPECT_GT(dt.max().item<double>(), 5e-2);
  // A = −(1..N) in every channel; D = 1.
  auto a = -torch::exp(mixer->A_log);
  EXPECT_TRUE(torch::allclose(a[5], -torch::arange(1, 17, torch::kFloat)));
  EXPECT_TRUE(torch::equal(mixer->D, torch::ones({64})));
}

TEST(MambaMixer, AutogradMatchesCentralDifferences) {
  auto mixer = random_mixer(tiny_options(), 3);
  torch::manual_seed(9);
  auto x = torch::randn({2, 7, 4}, torch::kDouble).requires_grad_(true);  // one chunk of 4 + 3
  auto probe = torch::randn({2, 7, 4}, torch::kDouble);
  (mixer->forward(x) * probe).sum().backward();
  auto loss_of = [&] { return (mixer->forward(x.detach()) * probe).sum().item<double>(); };

  const double h = 1e-6;
  auto check = [&](const std::string& name, torch::Tensor value, const torch::Tensor& grad) {
    ASSERT_TRUE(grad.defined()) << name << " has no gradient";
    auto flat = value.view(-1);
    auto gflat = grad.reshape(-1);
    const std::int64_t n = flat.numel(), step = std::max<std::int64_t>(1, n / 6);
    for (std::int64_t i = 0; i < n; i += step) {
      torch::NoGradGuard no_grad;
      const double orig = flat[i].item<double>();
      flat[i] = orig + h;
      const double up = loss_of();
      flat[i] = orig - h;
      const double down = loss_of();
      flat[i] = orig;
      const double numeric = (up - down) / (2 * h), analytic = gflat[i].item<double>();
      EXPECT_LT(std::abs(numeric - analytic) / std::max(1.0, std::abs(numeric)), 1e-6)
          << name << "[" << i << "] autograd " << analytic << " vs numeric " << numeric;
    }
  };
  int checked = 0;
  for (auto& p : mixer->named_parameters()) {
    check(p.key(), p.value(), p.value().grad());
    ++checked;
  }
  EXPECT_EQ(checked, 9);
  check("input", x.detach(), x.grad());  // a detached alias shares x's storage
}

TEST(MambaMixer, ChunkedPrefillAndDecodeMatchOneFullPass) {
  auto mixer = random_mixer(tiny_options(), 5);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 23, 4}, torch::kDouble);
  auto full = mixer->forward(x);
  mixer->use_sequential_scan(true);
  EXPECT_LE((mixer->forward(x) - full).abs().max().item<double>(), 1e-12) << "sequential twin";
  for (bool sequential : {false, true}) {
    mixer->use_sequential_scan(sequential);
    // Prefill pieces at odd offsets, then single-token decode steps.
    nn::LayerCache cache;
    std::vector<torch::Tensor> ys;
    std::int64_t t = 0;
    for (std::int64_t n : {3, 1, 6, 2, 1, 1, 1, 5, 1, 1, 1}) {
      ys.push_back(mixer->forward(x.narrow(1, t, n), &cache));
      t += n;
    }
    ASSERT_EQ(t, 23);
    EXPECT_LE((torch::cat(ys, 1) - full).abs().max().item<double>(), 1e-12) << "sequential " << sequential;
    EXPECT_EQ(cache.ssm_state.sizes(), (std::vector<std::int64_t>{2, 8, 3}));
    EXPECT_EQ(cache.mamba_conv_history.sizes(), (std::vector<std::int64_t>{2, 2, 8}));
  }
  // The state matters: continuing from a fresh cache gives other outputs.
  nn::LayerCache fresh;
  auto restarted = mixer->forward(x.narrow(1, 20, 3), &fresh);
  EXPECT_GT((restarted - full.narrow(1, 20, 3)).abs().max().item<double>(), 1e-4);
}

TEST(MambaMixer, BadInputsAreRejected) {
  auto mixer = random_mixer(tiny_options(), 1);
  EXPECT_THROW(mixer->forward(torch::randn({2, 5, 3}, torch::kDouble)), Error);
  EXPECT_THROW(mixer->set_scan_chunk(0), Error);
  auto o = tiny_options();
  o.state_size = 0;
  EXPECT_THROW(nn::MambaMixer{o}, Error);
}
