// apply_linear / times_transposed: the GEMV path for one row under no-grad gives linear(x) / x·Mᵀ, for every
// shape a single row arrives in ([C], [1,C], [1,1,C], a strided view), with and without bias; with autograd
// on, or for several rows, they are linear(x) itself.
#include <gtest/gtest.h>

#include "ttt/nn/lora.h"

using namespace ttt;

namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST(ApplyLinear, OneRowUnderNoGradEqualsLinear) {
  torch::manual_seed(1);
  for (bool bias : {false, true}) {
    torch::nn::Linear lin(torch::nn::LinearOptions(24, 40).bias(bias));
    torch::NoGradGuard no_grad;
    auto wide = torch::randn({1, 3, 48});
    for (const auto& x : {torch::randn({24}), torch::randn({1, 24}), torch::randn({1, 1, 24}),
                          wide.narrow(2, 5, 24).narrow(1, 1, 1)}) {
      auto y = nn::apply_linear(lin, x);
      auto expected = lin(x);
      ASSERT_EQ(y.sizes(), expected.sizes()) << "bias " << bias << " input " << x.sizes();
      EXPECT_LT(max_diff(y, expected), 1e-5) << "bias " << bias << " input " << x.sizes();
    }
    auto m = torch::randn({50, 24});
    auto h = torch::randn({1, 1, 24});
    EXPECT_LT(max_diff(nn::times_transposed(h, m), torch::matmul(h, m.transpose(0, 1))), 1e-5);
  }
}

TEST(ApplyLinear, ManyRowsAndTrainingAreLinearItself) {
  torch::manual_seed(2);
  torch::nn::Linear lin(torch::nn::LinearOptions(8, 6));
  auto x = torch::randn({2, 3, 8}, torch::requires_grad());
  auto y = nn::apply_linear(lin, x);
  EXPECT_EQ(max_diff(y, lin(x)), 0.0);
  y.sum().backward();  // gradients flow as through linear(x)
  ASSERT_TRUE(lin->weight.grad().defined());
  EXPECT_LT(max_diff(lin->weight.grad(), x.sum(torch::IntArrayRef{0, 1}).unsqueeze(0).expand({6, 8})), 1e-5);
  auto one = torch::randn({1, 1, 8}, torch::requires_grad());
  EXPECT_EQ(max_diff(nn::apply_linear(lin, one), lin(one)), 0.0);
}
