// The decoding GEMV (kernels/cpu/gemv) against its slow twin torch::mv, and nn::project_many (one pass over
// several projections of one row) against the separate lora_project calls it replaces.
#include <gtest/gtest.h>

#include "ttt/kernels/cpu/gemv.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/nn/lora.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {
double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Relative to the products' size: |Σ w·x| ≤ Σ |w|·|x|.
double scale_of(const torch::Tensor& w, const torch::Tensor& x) {
  return torch::mv(w.abs(), x.abs()).max().item<double>() + 1e-30;
}
}  // namespace

TEST(Gemv, ManyMatricesInOnePassMatchTorchMv) {
  torch::manual_seed(0);
  const int saved = at::get_num_threads();
  for (int threads : {1, 2})
    for (auto dtype : {torch::kFloat, torch::kDouble})
      for (int64_t K : {1, 5, 16, 67, 768}) {
        at::set_num_threads(threads);
        // Row counts around the 8- and 16-row blocks (AVX2/generic and AVX-512 clones) and the 64-row blocks the
        // threads claim, an empty matrix in the middle.
        std::vector<torch::Tensor> ws;
        for (int64_t n : {1, 3, 4, 7, 0, 64, 131, 12, 16, 17, 33}) ws.push_back(torch::randn({n, K}, dtype));
        auto x = torch::randn({K}, dtype);
        auto ys = kernels::cpu::gemv_many(ws, x);
        ASSERT_EQ(ys.size(), ws.size());
        const double tol = dtype == torch::kFloat ? 2e-6 : 1e-14;
        for (std::size_t i = 0; i < ws.size(); ++i) {
          ASSERT_EQ(ys[i].sizes(), torch::IntArrayRef({ws[i].size(0)})) << i;
          if (ws[i].size(0) == 0) continue;
          EXPECT_LE(max_diff(ys[i], torch::mv(ws[i], x)) / scale_of(ws[i], x), tol)
              << "threads " << threads << " K " << K << " matrix " << i;
        }
        EXPECT_LE(max_diff(kernels::cpu::gemv(ws[6], x), torch::mv(ws[6], x)) / scale_of(ws[6], x), tol);
      }
  at::set_num_threads(saved);
}

TEST(Gemv, BadShapesAreClearErrors) {
  auto x = torch::randn({8});
  auto expect_error = [](auto f, const std::string& needle) {
    try {
      f();
      ADD_FAILURE() << "no error for " << needle;
    } catch (const ttt::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error([&] { kernels::cpu::gemv(torch::randn({4, 7}), x); }, "[gemv] weight [4, 7]");
  expect_error([&] { kernels::cpu::gemv(torch::randn({8, 4}).t(), x); }, "contiguous");
  expect_error([&] { kernels::cpu::gemv(torch::randn({4, 8}, torch::kDouble), x); }, "same dtype");
  expect_error([&] { kernels::cpu::gemv(torch::randn({4, 8}), torch::randn({16}).slice(0, 0, 16, 2)); }, "[gemv] x");
  expect_error([&] { kernels::cpu::gemv(torch::ones({4, 8}, torch::kLong), x.to(torch::kLong)); }, "float32/float64");
}

// project_many gives what lora_project (and x·Mᵀ for the extra matrices) give, one by one: on the one-pass
// path (one row, no-grad, fused kernels, no bias, adapters merged or absent) and on every fallback.
TEST(Gemv, ProjectManyEqualsSeparateProjections) {
  torch::manual_seed(3);
  const int64_t C = 40;
  torch::nn::Linear q(torch::nn::LinearOptions(C, C).bias(false)), up(torch::nn::LinearOptions(C, 3 * C).bias(false));
  torch::nn::Linear with_bias(torch::nn::LinearOptions(C, C));
  const auto lr_weight = torch::randn({5, C});
  nn::LoraAdapterPtr none, adapter = std::make_shared<nn::LoraAdapter>(up, 4, 8.0, 0.0, 7);
  {
    torch::NoGradGuard no_grad;
    adapter->B.normal_();  // a non-zero delta, so that an ignored adapter would show
  }
  const auto saved_impl = kernels::impl();
  for (auto impl : {kernels::Impl::Fused, kernels::Impl::Reference})
    for (bool merged : {false, true})
      for (bool biased : {false, true})
        for (int64_t rows : {1, 3}) {
          kernels::set_impl(impl);
          if (merged) adapter->merge(); else adapter->unmerge();
          auto x = torch::randn({1, rows, C});
          std::vector<nn::Projection> ps{{&q, &none}, {&up, &adapter}};
          if (biased) ps.push_back({&with_bias, &none});
          torch::NoGradGuard no_grad;
          auto ys = nn::project_many(ps, x, {lr_weight});
          ASSERT_EQ(ys.size(), ps.size() + 1);
          for (std::size_t i = 0; i < ps.size(); ++i) {
            auto expected = nn::lora_project(*ps[i].linear, *ps[i].adapter, x);
            ASSERT_EQ(ys[i].sizes(), expected.sizes());
            EXPECT_LE(max_diff(ys[i], expected), 1e-5) << "projection " << i << " merged " << merged << " rows " << rows;
          }
          EXPECT_LE(max_diff(ys.back(), torch::matmul(x, lr_weight.t())), 1e-5);
        }
  adapter->unmerge();
  kernels::set_impl(saved_impl);

  // Under autograd it is the differentiable path: gradients reach the adapter.
  auto x = torch::randn({1, 1, C});
  auto ys = nn::project_many({{&up, &adapter}}, x);
  ys[0].sum().backward();
  ASSERT_TRUE(adapter->B.grad().defined());
  EXPECT_GT(adapter->B.grad().abs().sum().item<double>(), 0);
}
