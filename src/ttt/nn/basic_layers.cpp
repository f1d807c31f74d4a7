#include "ttt/nn/basic_layers.h"

#include <cmath>

#include "ttt/kernels/cpu/block_io.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/ops/activations.h"
#include "ttt/ops/norms.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {

RMSNormImpl::RMSNormImpl(std::int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  if (x.dim() == 3 && x.is_contiguous() && kernels::use_fused_elementwise(x))
    return kernels::cpu::rms_norm_rows(x, weight, eps_);
  return ops::rms_norm(x, weight, eps_);
}

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
  if ((activation_ == "silu" || activation_ == "swish") && kernels::use_fused_elementwise(x)) {
    // Both projections in one pass when decoding one token; the gate projection's fresh output takes
    // silu(gate)·up in place.
    auto projected = project_many({{&gate_proj, &gate_lora}, {&up_proj, &up_lora}}, x);
    auto inner = kernels::cpu::silu_times(projected[0].contiguous(), projected[1].contiguous());
    return lora_project(down_proj, down_lora, inner);
  }
  auto inner = ops::activation(activation_, lora_project(gate_proj, gate_lora, x)) * lora_project(up_proj, up_lora, x);
  return lora_project(down_proj, down_lora, inner);
}

LoraSite SwiGLUImpl::lora_site(const std::string& projection) {
  if (projection == "gate_proj") return {gate_proj, &gate_lora};
  if (projection == "up_proj") return {up_proj, &up_lora};
  if (projection == "down_proj") return {down_proj, &down_lora};
  return {};
}

CausalConvImpl::CausalConvImpl(std::int64_t channels, std::int64_t kernel) {
  // PyTorch's Conv1d default init (the reference leaves its convs at it): U(±1/sqrt(fan_in)), fan_in = k.
  const double bound = 1.0 / std::sqrt(static_cast<double>(kernel));
  weight = register_parameter("weight", torch::empty({channels, 1, kernel}).uniform_(-bound, bound));
  bias = register_parameter("bias", torch::empty({channels}).uniform_(-bound, bound));
}

torch::Tensor CausalConvImpl::with_past(const torch::Tensor& x, const torch::Tensor& past) const {
  TTT_CHECK(x.dim() == 3 && x.size(2) == weight.size(0), "[causal_conv] expected [B, T, ", weight.size(0),
            "], got ", shape_str(x));
  const auto k = kernel();
  if (!past.defined()) return torch::cat({torch::zeros({x.size(0), k - 1, x.size(2)}, x.options()), x}, 1);
  TTT_CHECK(past.size(0) == x.size(0) && past.size(1) == k - 1, "[causal_conv] history ", shape_str(past),
            " does not fit input ", shape_str(x));
  return torch::cat({past, x}, 1);
}

torch::Tensor CausalConvImpl::forward(const torch::Tensor& x, const torch::Tensor& past) {
  const std::vector<std::int64_t> stride{1}, no_padding{0}, dilation{1};
  auto y = torch::conv1d(with_past(x, past).transpose(1, 2), weight, bias, stride, no_padding, dilation,
                         /*groups=*/x.size(2));  // [B,C,T]
  return y.transpose(1, 2);
}

torch::Tensor CausalConvImpl::next_history(const torch::Tensor& past, const torch::Tensor& x) const {
  // The last k−1 inputs, copied: a view would keep the whole chunk alive in the cache. Under the fused
  // kernels one allocation and a copy (three libtorch ops here, per conv, block and decoded token).
  if (x.dim() == 3 && x.size(2) == weight.size(0) && kernels::use_fused_elementwise(x))
    return kernels::cpu::conv_next_history(past, x, kernel());
  return with_past(x, past).narrow(1, x.size(1), kernel() - 1).clone();
}

}  // namespace ttt::nn
