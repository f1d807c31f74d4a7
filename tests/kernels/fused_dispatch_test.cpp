// The dispatch: under no-grad the TTT layers (and whole models) run the fused kernel by default and
// give the reference path's outputs for both backbones, in one pass and in cached chunks; with autograd on
// (training) the inference kernels stay off (TTT-Linear then trains through the fused scan of
// ttt_linear_train_test.cpp, TTT-MLP through the reference path).
#include <gtest/gtest.h>

#include "support/random_models.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

struct ImplGuard {  // restores the process-wide choice
  kernels::Impl saved = kernels::impl();
  ~ImplGuard() { kernels::set_impl(saved); }
};

torch::Tensor chunked_logits(models::CausalLM& model, const torch::Tensor& ids, const std::vector<int64_t>& chunks) {
  auto cache = model->new_cache();
  std::vector<torch::Tensor> out;
  int64_t t = 0;
  for (auto n : chunks) {
    out.push_back(model->forward(ids.narrow(1, t, n), &cache).logits);
    t += n;
  }
  return torch::cat(out, 1);
}

}  // namespace

TEST(FusedDispatch, ModelsMatchTheReferencePathForBothBackbones) {
  ImplGuard guard;
  for (const char* layer : {"linear", "mlp"})
    for (const char* backbone : {"transformer", "mamba"}) {
      auto config = test_support::tiny_config(layer, backbone);
      config.hidden_size = 64;  // 2 heads of 32
      config.mini_batch_size = 8;
      auto model = test_support::random_model(config, torch::kFloat, 3);
      torch::NoGradGuard no_grad;
      auto ids = torch::randint(0, config.vocab_size, {2, 45}, torch::kLong);
      kernels::set_impl(kernels::Impl::Reference);
      auto ref = model->forward(ids).logits;
      kernels::set_impl(kernels::Impl::Fused);
      auto fused = model->forward(ids).logits;
      auto chunked = chunked_logits(model, ids, {5, 1, 1, 13, 3, 1, 21});
      EXPECT_LE((fused - ref).abs().max().item<double>(), 1e-4) << layer << " " << backbone;
      EXPECT_LE((chunked - ref).abs().max().item<double>(), 1e-4) << layer << " " << backbone << " chunked";
      EXPECT_GT(ref.abs().max().item<double>(), 0.0);
    }
}

TEST(FusedDispatch, OnlyUnderNoGradAndWhenChosen) {
  ImplGuard guard;
  auto x = torch::randn({1, 4, 8});
  kernels::set_impl(kernels::Impl::Fused);
  EXPECT_FALSE(kernels::use_fused_inner(ops::InnerModel::Linear, x));  // autograd on: training path
  {
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(kernels::use_fused_inner(ops::InnerModel::Linear, x));
    EXPECT_TRUE(kernels::use_fused_inner(ops::InnerModel::MLP, x.to(torch::kDouble)));
    EXPECT_TRUE(kernels::use_fused_inner(ops::InnerModel::MLP, torch::randn({1, 65, 8})));  // long MLP prefill
    EXPECT_TRUE(kernels::use_fused_inner(ops::InnerModel::Linear, torch::randn({1, 65, 8})));
    EXPECT_FALSE(kernels::use_fused_inner(ops::InnerModel::Linear, x.to(torch::kHalf)));
    kernels::set_impl(kernels::Impl::Reference);
    EXPECT_FALSE(kernels::use_fused_inner(ops::InnerModel::Linear, x));
  }
  EXPECT_EQ(kernels::parse_impl("fused"), kernels::Impl::Fused);
  EXPECT_EQ(kernels::parse_impl("reference"), kernels::Impl::Reference);
  EXPECT_THROW(kernels::parse_impl("fast"), ttt::Error);
}
