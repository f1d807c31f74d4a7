#include "ttt/nn/basic_layers.h"

#include <cmath>

#include "ttt/ops/activations.h"
#include "ttt/ops/norms.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {

RMSNormImpl::RMSNormImpl(std::int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) { return ops::rms_norm(x, weight, eps_); }

void init_normal(torch::nn::Linear& linear, double std) {
  torch::NoGradGuard no_grad;
  linear->weight.normal_(0.0, std);
}

SwiGLUImpl::SwiGLUImpl(std::int64_t dim, std::int64_t hidden, double init_std, std::string activation)
    : activation_(std::move(activation)) {
  gate_proj = register_module("gate_proj", torch::nn::Linear(torch::nn::LinearOptions(dim, hidden).bias(false)));
  up_proj = register_module("up_proj", torch::nn::Linear(torch::nn::LinearOptions(dim, hidden).bias(false)));
  down_proj = register_module("down_proj", torch::nn::Linear(torch::nn::LinearOptions(hidden, dim).bias(false)));
  for (auto* l : {&gate_proj, &up_proj, &down_proj}) init_normal(*l, init_std);
}

torch::Tensor SwiGLUImpl::forward(const torch::Tensor& x) {
  return down_proj(ops::activation(activation_, gate_proj(x)) * up_proj(x));
}

CausalConvImpl::CausalConvImpl(std::int64_t channels, std::int64_t kernel) {
  // PyTorch's Conv1d default init (the reference leaves its convs at it): U(±1/sqrt(fan_in)), fan_in = k.
  const double bound = 1.0 / std::sqrt(static_cast<double>(kernel));
  weight = register_parameter("weight", torch::empty({channels, 1, kernel}).uniform_(-bound, bound));
  bias = register_parameter("bias", torch::empty({channels}).uniform_(-bound, bound));
}

torch::Tensor CausalConvImpl::forward(const torch::Tensor& x, torch::Tensor* history) {
  TTT_CHECK(x.dim() == 3 && x.size(2) == weight.size(0), "[causal_conv] expected [B, T, ", weight.size(0),
            "], got ", shape_str(x));
  const auto k = kernel();
  const auto b = x.size(0), c = x.size(2), t = x.size(1);
  torch::Tensor past = (history && history->defined()) ? *history : torch::zeros({b, k - 1, c}, x.options());
  TTT_CHECK(past.size(0) == b && past.size(1) == k - 1, "[causal_conv] history ", shape_str(past),
            " does not fit input ", shape_str(x));
  auto padded = torch::cat({past, x}, 1);                      // [B, k−1+T, C]
  const std::vector<std::int64_t> stride{1}, no_padding{0}, dilation{1};
  auto y = torch::conv1d(padded.transpose(1, 2), weight, bias, stride, no_padding, dilation, /*groups=*/c);  // [B,C,T]
  // The last k−1 inputs, copied: a view would keep the whole chunk alive in the cache.
  if (history) *history = padded.narrow(1, t, k - 1).clone();
  return y.transpose(1, 2);
}

}  // namespace ttt::nn
