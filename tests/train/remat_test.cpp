// Rematerialising the TTT inner scan changes memory, not math: same logits, same gradients (float64).
#include <gtest/gtest.h>

#include "support/random_models.h"

namespace ttt {
namespace {

class Remat : public ::testing::TestWithParam<std::tuple<const char*, const char*, int>> {};

TEST_P(Remat, SameLossAndGradientsAsTheFullGraph) {
  auto [layer, backbone, group] = GetParam();
  auto config = test_support::tiny_config(layer, backbone);
  auto plain = test_support::random_model(config, torch::kDouble, 7);
  auto remat = test_support::random_model(config, torch::kDouble, 7);
  remat->set_scan_checkpoint_group_size(group);
  plain->train();
  remat->train();
  torch::manual_seed(8);
  // 5 full mini-batches of 4 and a remainder of 3: groups of G plus a partial group, then the tail.
  auto ids = torch::randint(0, config.vocab_size, {2, 23}, torch::kLong);
  auto targets = torch::randint(0, config.vocab_size, {2, 23}, torch::kLong);
  auto loss_of = [&](models::CausalLM& m) {
    auto logits = m->forward(ids).logits;
    return torch::nn::functional::cross_entropy(logits.reshape({-1, config.vocab_size}), targets.reshape({-1}));
  };
  auto lp = loss_of(plain), lr = loss_of(remat);
  EXPECT_NEAR(lp.item<double>(), lr.item<double>(), 1e-12);
  lp.backward();
  lr.backward();
  auto pp = plain->named_parameters(), pr = remat->named_parameters();
  for (auto& item : pp) {
    const auto& g1 = item.value().grad();
    const auto& g2 = pr[item.key()].grad();
    ASSERT_TRUE(g1.defined() && g2.defined()) << item.key();
    EXPECT_LT((g1 - g2).abs().max().item<double>(), 1e-10) << item.key();
  }
  // Without gradients (inference) the option is inert.
  torch::NoGradGuard no_grad;
  EXPECT_LT((plain->forward(ids).logits - remat->forward(ids).logits).abs().max().item<double>(), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Layers, Remat,
                         ::testing::Values(std::make_tuple("linear", "mamba", 2), std::make_tuple("mlp", "mamba", 2),
                                           std::make_tuple("linear", "transformer", 1),
                                           std::make_tuple("mlp", "transformer", 4)));

}  // namespace
}  // namespace ttt
