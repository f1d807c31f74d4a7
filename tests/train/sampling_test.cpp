// Sampling filters against hand-computed distributions, and seeded draws that repeat.
#include <gtest/gtest.h>

#include "support/expect_error.h"
#include "ttt/models/sampling.h"

namespace ttt::models {
namespace {

TEST(Sampling, TemperatureTopKAndTopPGiveTheHandComputedDistribution) {
  // Probabilities at temperature 1: softmax(log [0.5, 0.25, 0.15, 0.1]) = [0.5, 0.25, 0.15, 0.1].
  auto logits = torch::tensor({0.5, 0.25, 0.15, 0.1}).log().unsqueeze(0);
  SamplingOptions o;
  EXPECT_TRUE(torch::allclose(sampling_distribution(logits, o), torch::tensor({{0.5f, 0.25f, 0.15f, 0.1f}})));
  o.top_k = 2;  // [0.5, 0.25] renormalised
  EXPECT_TRUE(torch::allclose(sampling_distribution(logits, o), torch::tensor({{2 / 3.f, 1 / 3.f, 0.f, 0.f}})));
  o.top_k = 0;
  o.top_p = 0.7;  // 0.5 < 0.7, 0.5+0.25 ≥ 0.7: keep the first two
  EXPECT_TRUE(torch::allclose(sampling_distribution(logits, o), torch::tensor({{2 / 3.f, 1 / 3.f, 0.f, 0.f}})));
  o.top_p = 0.4;  // the top token alone
  EXPECT_TRUE(torch::allclose(sampling_distribution(logits, o), torch::tensor({{1.f, 0.f, 0.f, 0.f}})));
  o.top_p = 1.0;
  o.temperature = 0.5;  // p^2 normalised
  auto sq = torch::tensor({0.25f, 0.0625f, 0.0225f, 0.01f});
  EXPECT_TRUE(torch::allclose(sampling_distribution(logits, o), (sq / sq.sum()).unsqueeze(0)));
}

TEST(Sampling, SeededDrawsRepeatAndGreedyIsArgmax) {
  auto logits = torch::randn({3, 50});
  SamplingOptions o;
  o.temperature = 0.8;
  auto g1 = torch::make_generator<at::CPUGeneratorImpl>(42), g2 = torch::make_generator<at::CPUGeneratorImpl>(42);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(torch::equal(sample_next(logits, o, g1), sample_next(logits, o, g2)));
  o.temperature = 0;
  EXPECT_TRUE(torch::equal(sample_next(logits, o, g1), logits.argmax(-1, true)));
  o.top_p = 0;
  test_support::expect_error([&] { sample_next(logits, o, g1); }, {"top-p"});
}

}  // namespace
}  // namespace ttt::models
