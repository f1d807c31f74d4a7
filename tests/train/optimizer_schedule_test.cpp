// AdamW against libtorch's own torch::optim::AdamW (an independent implementation), the lr schedule and
// the TTT-MLP inner-lr warmup against hand-computed values, and the data order's properties.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "support/expect_error.h"
#include "ttt/train/adamw.h"
#include "ttt/train/data_order.h"
#include "ttt/train/schedule.h"

namespace ttt::train {
namespace {

TEST(AdamW, MatchesLibtorchAdamWWithDecayOnMatricesOnly) {
  torch::manual_seed(3);
  auto make = [] {
    return std::vector<torch::Tensor>{torch::randn({4, 3}, torch::kDouble).requires_grad_(),
                                      torch::randn({3}, torch::kDouble).requires_grad_(),
                                      torch::randn({2, 2, 2}, torch::kDouble).requires_grad_()};
  };
  auto ours_params = make();
  std::vector<torch::Tensor> theirs_params;
  for (auto& p : ours_params) theirs_params.push_back(p.detach().clone().requires_grad_());

  AdamWOptions o;
  o.weight_decay = 0.1;
  AdamW ours({{"w", ours_params[0]}, {"b", ours_params[1]}, {"t", ours_params[2]}}, o);
  EXPECT_TRUE(ours.decays("w"));
  EXPECT_FALSE(ours.decays("b"));
  EXPECT_TRUE(ours.decays("t"));

  const double lr = 0.05;
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{theirs_params[0], theirs_params[2]},
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(lr).betas({0.9, 0.95}).eps(1e-8).weight_decay(0.1)));
  groups.emplace_back(std::vector<torch::Tensor>{theirs_params[1]},
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(lr).betas({0.9, 0.95}).eps(1e-8).weight_decay(0.0)));
  torch::optim::AdamW theirs(groups, torch::optim::AdamWOptions(lr));

  for (int step = 0; step < 5; ++step) {
    for (std::size_t i = 0; i < ours_params.size(); ++i) {
      auto g = torch::randn_like(ours_params[i]);
      ours_params[i].mutable_grad() = g.clone();
      theirs_params[i].mutable_grad() = g.clone();
    }
    ours.step(lr);
    theirs.step();
  }
  for (std::size_t i = 0; i < ours_params.size(); ++i)
    EXPECT_LT((ours_params[i] - theirs_params[i]).abs().max().item<double>(), 1e-12) << "parameter " << i;
  EXPECT_EQ(ours.steps_taken(), 5);
}

TEST(AdamW, MambaStateDecayRatesAreNotDecayed) {
  auto a_log = torch::ones({4, 2}).requires_grad_();
  auto w = torch::ones({4, 2}).requires_grad_();
  AdamW opt({{"model.layers.0.mixer.A_log", a_log}, {"model.layers.0.mixer.in_proj.weight", w}}, {});
  EXPECT_FALSE(opt.decays("model.layers.0.mixer.A_log"));
  EXPECT_TRUE(opt.decays("model.layers.0.mixer.in_proj.weight"));
}

TEST(AdamW, StateRoundTripsAndRejectsForeignState) {
  auto w = torch::ones({2, 2}).requires_grad_();
  AdamW opt({{"w", w}}, {});
  w.mutable_grad() = torch::full({2, 2}, 0.5);
  opt.step(0.1);
  auto state = opt.state_tensors();
  ASSERT_EQ(state.size(), 2u);
  auto w2 = torch::ones({2, 2}).requires_grad_();
  AdamW copy({{"w", w2}}, {});
  copy.load_state(state, opt.steps_taken());
  EXPECT_TRUE(torch::equal(copy.state_tensors()["w.exp_avg"], state["w.exp_avg"]));
  state["w.exp_avg"] = torch::zeros({3});
  test_support::expect_error([&] { copy.load_state(state, 1); }, {"w.exp_avg", "[3]", "[2, 2]"});
  state.erase("w.exp_avg");
  test_support::expect_error([&] { copy.load_state(state, 1); }, {"no 'w.exp_avg'"});
}

TEST(LrSchedule, WarmupThenCosineToMinimum) {
  LrSchedule s{1e-3, 1e-5, 10, 110};
  EXPECT_DOUBLE_EQ(s.lr(0), 1e-4);                            // (0+1)/10 of the peak
  EXPECT_DOUBLE_EQ(s.lr(9), 1e-3);                            // warmup ends at the peak
  EXPECT_DOUBLE_EQ(s.lr(10), 1e-3);                           // cosine starts at the peak
  EXPECT_NEAR(s.lr(60), 0.5 * (1e-3 + 1e-5), 1e-15);          // halfway down
  EXPECT_NEAR(s.lr(35), 1e-5 + 0.5 * (1e-3 - 1e-5) * (1 + std::cos(M_PI * 0.25)), 1e-15);
  EXPECT_DOUBLE_EQ(s.lr(110), 1e-5);
  EXPECT_DOUBLE_EQ(s.lr(500), 1e-5);
  for (int i = 11; i < 110; ++i) EXPECT_LE(s.lr(i), s.lr(i - 1));
  LrSchedule bad{1e-3, 1e-2, 0, 10};
  test_support::expect_error([&] { bad.validate(); }, {"min lr"});
  LrSchedule bad_warmup{1e-3, 0, 20, 10};
  test_support::expect_error([&] { bad_warmup.validate(); }, {"warmup"});
}

TEST(TttBaseLrWarmup, FollowsTheSpecFrom001To01) {
  EXPECT_DOUBLE_EQ(ttt_base_lr_warmup(0, 100, 0.01, 0.1), 0.01);
  EXPECT_NEAR(ttt_base_lr_warmup(50, 100, 0.01, 0.1), 0.055, 1e-15);
  EXPECT_DOUBLE_EQ(ttt_base_lr_warmup(100, 100, 0.01, 0.1), 0.1);
  EXPECT_DOUBLE_EQ(ttt_base_lr_warmup(7, 0, 0.01, 0.1), 0.1);  // no warmup: the target at once
}

TEST(DataOrder, EachEpochIsAPermutationAndTheOrderIsAFunctionOfTheSeed) {
  DataOrder a(37, 5), b(37, 5), c(37, 6);
  bool differs = false;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::set<std::int64_t> seen;
    for (int i = 0; i < 37; ++i) {
      const auto n = epoch * 37 + i;
      seen.insert(a.window_of(n));
      EXPECT_EQ(a.window_of(n), b.window_of(n));
      differs |= a.window_of(n) != c.window_of(n);
    }
    EXPECT_EQ(seen.size(), 37u);
  }
  EXPECT_TRUE(differs);
  // Random access (a resumed run jumps straight to sample n) gives the same windows as a sequential walk.
  DataOrder fresh(37, 5);
  EXPECT_EQ(fresh.window_of(80), a.window_of(80));
  DataOrder in_order(5, 1, /*shuffle=*/false);
  EXPECT_EQ(in_order.window_of(7), 2);
  test_support::expect_error([] { DataOrder(0, 1); }, {"no training windows"});
}

}  // namespace
}  // namespace ttt::train
