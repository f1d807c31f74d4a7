#include "ttt/nn/attention.h"

#include <cmath>

#include "ttt/nn/basic_layers.h"
#include "ttt/ops/rope.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {
namespace {

// Appends [B,H,t,d] to a cache buffer, growing its capacity by doubling; returns the filled part.
torch::Tensor append_kv(torch::Tensor& buffer, std::int64_t length, const torch::Tensor& fresh) {
  const auto t = fresh.size(2), needed = length + t;
  if (!buffer.defined() || buffer.size(2) < needed) {
    const auto capacity = std::max<std::int64_t>(needed, buffer.defined() ? 2 * buffer.size(2) : 0);
    auto grown = torch::empty({fresh.size(0), fresh.size(1), capacity, fresh.size(3)}, fresh.options());
    if (length > 0) grown.narrow(2, 0, length).copy_(buffer.narrow(2, 0, length));
    buffer = grown;
  }
  buffer.narrow(2, length, t).copy_(fresh);
  return buffer.narrow(2, 0, needed);
}

}  // namespace

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               std::int64_t query_block) {
  TTT_CHECK(q.dim() == 4 && k.dim() == 4 && v.sizes() == k.sizes() && q.size(3) == k.size(3) &&
                q.size(2) <= k.size(2),
            "[attention] q ", shape_str(q), " k ", shape_str(k), " v ", shape_str(v), " do not fit");
  const auto b = q.size(0), h = q.size(1), t = q.size(2), d = q.size(3), past = k.size(2) - t;
  if (query_block <= 0) {
    // Scores of one block are [B,H,block,keys]: keep them near 32 MiB of floats however long the context.
    const auto keys = std::max<std::int64_t>(k.size(2), 1);
    query_block = std::clamp<std::int64_t>((std::int64_t{8} << 20) / (b * h * keys), 32, 512);
  }
  auto out = torch::empty({b, t, h, d}, q.options());  // [B,T,H,d]: o_proj reads it as [B,T,C] for free
  // [B·H, ·, d] views: k/v may be a prefix of a larger cache buffer; bmm reads such strided batches in place,
  // where matmul on the 4-d view would first copy the whole cache (every decoded token).
  const auto qs = (q * (1.0 / std::sqrt(static_cast<double>(d)))).reshape({b * h, t, d});
  const auto kb = k.flatten(0, 1), vb = v.flatten(0, 1);
  for (std::int64_t q0 = 0; q0 < t; q0 += query_block) {
    const auto n = std::min(query_block, t - q0), end = past + q0 + n;
    // Query past+q0+i sees keys 0..past+q0+i: the keys after this block's last query are skipped entirely,
    // and only the block's own diagonal square needs a mask.
    auto scores = torch::bmm(qs.narrow(1, q0, n), kb.narrow(1, 0, end).transpose(1, 2));  // [B·H,n,end]
    auto above_diagonal = torch::ones({n, n}, q.options().dtype(torch::kBool)).triu(1);
    scores.narrow(-1, past + q0, n).masked_fill_(above_diagonal, -std::numeric_limits<double>::infinity());
    auto probs = torch::softmax(scores, -1);
    out.narrow(1, q0, n).permute({0, 2, 1, 3}).copy_(torch::bmm(probs, vb.narrow(1, 0, end)).view({b, h, n, d}));
  }
  return out;
}

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
  auto q = ops::rope_interleaved(heads(lora_project(q_proj, q_lora, x)), positions, rope_theta_);
  auto k = ops::rope_interleaved(heads(lora_project(k_proj, k_lora, x)), positions, rope_theta_);
  auto v = heads(lora_project(v_proj, v_lora, x));
  if (cache) {
    TTT_CHECK(!cache->keys.defined() || cache->keys.size(0) == b, "[attention] the cache holds a batch of ",
              cache->keys.size(0), ", the input ", shape_str(x), " has ", b);
    k = append_kv(cache->keys, cache->kv_length, k);
    v = append_kv(cache->values, cache->kv_length, v);
    cache->kv_length += t;
  }
  return lora_project(o_proj, o_lora, causal_attention(q, k, v).view({b, t, c}));
}

LoraSite CausalSelfAttentionImpl::lora_site(const std::string& projection) {
  if (projection == "q_proj") return {q_proj, &q_lora};
  if (projection == "k_proj") return {k_proj, &k_lora};
  if (projection == "v_proj") return {v_proj, &v_lora};
  if (projection == "o_proj") return {o_proj, &o_lora};
  return {};
}

}  // namespace ttt::nn
