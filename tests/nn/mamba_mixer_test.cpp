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

// mamba_simple.py's forward written out as scalar loops over the parameters (no tensor ops, so no shared
// code with the mixer): in_proj split x | z, causal conv (zero left padding) + SiLU, x_proj split
// dt | B | C, Δ = softplus(dt_proj(dt) + bias), A = −exp(A_log), the recurrence, + D·u, ⊙ SiLU(z), out_proj.
TEST(MambaMixer, MatchesAScalarTranscriptionOfTheReference) {
  auto mixer = random_mixer(tiny_options(), 8);
  const auto o = mixer->options();
  const std::int64_t c_dim = o.hidden_size, e_dim = o.expand * c_dim, n_dim = o.state_size, r_dim = o.dt_rank,
                     k_dim = o.conv_kernel, steps = 6;
  torch::manual_seed(2);
  auto x = torch::randn({1, steps, c_dim}, torch::kDouble);
  torch::NoGradGuard no_grad;
  auto got = mixer->forward(x);

  auto w_in = mixer->in_proj->weight.accessor<double, 2>();
  auto conv_w = mixer->conv1d->weight.accessor<double, 3>();
  auto conv_b = mixer->conv1d->bias.accessor<double, 1>();
  auto w_x = mixer->x_proj->weight.accessor<double, 2>();
  auto w_dt = mixer->dt_proj->weight.accessor<double, 2>();
  auto b_dt = mixer->dt_proj->bias.accessor<double, 1>();
  auto a_log = mixer->A_log.accessor<double, 2>();
  auto d_skip = mixer->D.accessor<double, 1>();
  auto w_out = mixer->out_proj->weight.accessor<double, 2>();
  auto xs = x.accessor<double, 3>();
  auto silu = [](double v) { return v / (1 + std::exp(-v)); };
  auto softplus = [](double v) { return std::log1p(std::exp(v)); };

  std::vector<std::vector<double>> u_pre(steps, std::vector<double>(e_dim)), z(steps, std::vector<double>(e_dim));
  for (std::int64_t t = 0; t < steps; ++t)
    for (std::int64_t j = 0; j < 2 * e_dim; ++j) {
      double acc = 0;
      for (std::int64_t c = 0; c < c_dim; ++c) acc += w_in[j][c] * xs[0][t][c];
      (j < e_dim ? u_pre[t][j] : z[t][j - e_dim]) = acc;
    }
  std::vector<std::vector<double>> h(e_dim, std::vector<double>(n_dim, 0.0));
  double max_err = 0;
  for (std::int64_t t = 0; t < steps; ++t) {
    std::vector<double> u(e_dim), y(e_dim);
    for (std::int64_t e = 0; e < e_dim; ++e) {
      double acc = conv_b[e];
      for (std::int64_t k = 0; k < k_dim; ++k) {
        const std::int64_t src = t - (k_dim - 1) + k;
        if (src >= 0) acc += conv_w[e][0][k] * u_pre[src][e];
      }
      u[e] = silu(acc);
    }
    std::vector<double> dbl(r_dim + 2 * n_dim, 0.0);
    for (std::int64_t j = 0; j < r_dim + 2 * n_dim; ++j)
      for (std::int64_t e = 0; e < e_dim; ++e) dbl[j] += w_x[j][e] * u[e];
    for (std::int64_t e = 0; e < e_dim; ++e) {
      double dt = b_dt[e];
      for (std::int64_t r = 0; r < r_dim; ++r) dt += w_dt[e][r] * dbl[r];
      const double delta = softplus(dt);
      double acc = d_skip[e] * u[e];
      for (std::int64_t n = 0; n < n_dim; ++n) {
        h[e][n] = std::exp(-std::exp(a_log[e][n]) * delta) * h[e][n] + delta * dbl[r_dim + n] * u[e];
        acc += h[e][n] * dbl[r_dim + n_dim + n];
      }
      y[e] = acc * silu(z[t][e]);
    }
    for (std::int64_t c = 0; c < c_dim; ++c) {
      double out = 0;
      for (std::int64_t e = 0; e < e_dim; ++e) out += w_out[c][e] * y[e];
      max_err = std::max(max_err, std::abs(out - got[0][t][c].item<double>()));
    }
  }
  EXPECT_LE(max_err, 1e-12);
  EXPECT_GT(got.abs().max().item<double>(), 1e-2);  // not a vacuous comparison of zeros
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
