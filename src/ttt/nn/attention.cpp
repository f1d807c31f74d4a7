#include "ttt/nn/attention.h"

#include <cmath>

#include "ttt/nn/basic_layers.h"
#include "ttt/ops/rope.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {

CausalSelfAttentionImpl::CausalSelfAttentionImpl(std::int64_t c, std::int64_t heads, double rope_theta,
                                                 double init_std)
    : heads_(heads), rope_theta_(rope_theta) {
  auto make = [&](const char* name) {
    torch::nn::Linear l(torch::nn::LinearOptions(c, c).bias(false));
    init_normal(l, init_std);
    return register_module(name, l);
  };
  q_proj = make("q_proj");
  k_proj = make("k_proj");
  v_proj = make("v_proj");
  o_proj = make("o_proj");
}

torch::Tensor CausalSelfAttentionImpl::forward(const torch::Tensor& x, std::int64_t position, LayerCache* cache) {
  TTT_CHECK(x.dim() == 3, "[attention] expected [B, T, C], got ", shape_str(x));
  const auto b = x.size(0), t = x.size(1), c = x.size(2), d = c / heads_;
  auto heads = [&](const torch::Tensor& y) { return y.reshape({b, t, heads_, d}).transpose(1, 2); };
  auto positions = torch::arange(position, position + t, torch::TensorOptions().dtype(torch::kLong).device(x.device()));
  auto q = ops::rope_interleaved(heads(q_proj(x)), positions, rope_theta_);
  auto k = ops::rope_interleaved(heads(k_proj(x)), positions, rope_theta_);
  auto v = heads(v_proj(x));
  if (cache) {
    if (cache->keys.defined()) {
      k = torch::cat({cache->keys, k}, 2);
      v = torch::cat({cache->values, v}, 2);
    }
    cache->keys = k;
    cache->values = v;
  }
  const auto total = k.size(2), past = total - t;
  // Query i (absolute past + i) sees keys 0..past+i.
  auto mask = torch::ones({t, total}, torch::TensorOptions().dtype(torch::kBool).device(x.device())).tril(past);
  auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
  scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<double>::infinity());
  auto out = torch::matmul(torch::softmax(scores, -1), v);
  return o_proj(out.transpose(1, 2).reshape({b, t, c}));
}

}  // namespace ttt::nn
