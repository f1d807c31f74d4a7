#include "ttt/models/causal_lm.h"

#include <algorithm>

#include "ttt/models/layer_options.h"

#include "ttt/kernels/cpu/block_io.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::models {

PreConvImpl::PreConvImpl(std::int64_t hidden, std::int64_t kernel, double eps) {
  norm = register_module("norm", nn::RMSNorm(hidden, eps));
  conv = register_module("conv", nn::CausalConv(hidden, kernel));
}

torch::Tensor PreConvImpl::forward(const torch::Tensor& h, torch::Tensor* history) {
  auto x = norm(h);
  const torch::Tensor past = history ? *history : torch::Tensor();
  torch::Tensor out;
  if (h.dim() == 3 && kernels::use_fused_elementwise(h)) {
    out = kernels::cpu::add_causal_conv(h.contiguous(), x.contiguous(), past, conv->weight, conv->bias);
  } else {
    out = h + conv(x, past);
  }
  if (history) *history = conv->next_history(past, x);
  return out;
}

BlockImpl::BlockImpl(const ModelConfig& cfg) {
  if (cfg.is_mamba()) {
    mixer = register_module("mixer", nn::MambaMixer(mamba_options(cfg)));
    norm = register_module("norm", nn::RMSNorm(cfg.hidden_size, cfg.rms_norm_eps));
    return;
  }
  if (cfg.is_ttt()) {
    ttt = register_module("seq_modeling_block", nn::TTTLayer(ttt_layer_options(cfg)));
  } else {
    attention = register_module("seq_modeling_block",
                                nn::CausalSelfAttention(cfg.hidden_size, cfg.num_attention_heads, cfg.rope_theta,
                                                        cfg.initializer_range));
  }
  mlp = register_module("mlp",
                        nn::SwiGLU(cfg.hidden_size, cfg.intermediate_size, cfg.initializer_range, cfg.hidden_act));
  if (cfg.pre_conv) conv = register_module("conv", PreConv(cfg.hidden_size, cfg.conv_kernel, cfg.rms_norm_eps));
  seq_norm = register_module("seq_norm", nn::RMSNorm(cfg.hidden_size, cfg.rms_norm_eps));
  ffn_norm = register_module("ffn_norm", nn::RMSNorm(cfg.hidden_size, cfg.rms_norm_eps));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& h_in, std::int64_t position, nn::LayerCache* cache) {
  if (mixer) return h_in + mixer(norm(h_in), cache);
  auto h = h_in;
  if (conv) h = conv(h, cache ? &cache->pre_conv_history : nullptr);
  auto x = seq_norm(h);
  h = h + (ttt ? ttt(x, position, cache) : attention(x, position, cache));
  return h + mlp(ffn_norm(h));
}

BackboneImpl::BackboneImpl(const ModelConfig& cfg) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(cfg.vocab_size, cfg.hidden_size));
  {
    torch::NoGradGuard no_grad;
    embed_tokens->weight.normal_(0.0, cfg.initializer_range);
  }
  layers = register_module("layers", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < cfg.num_hidden_layers; ++i) {
    blocks.emplace_back(cfg);
    layers->push_back(blocks.back());
  }
  norm = register_module("norm", nn::RMSNorm(cfg.hidden_size, cfg.rms_norm_eps));
}

CausalLMImpl::CausalLMImpl(const ModelConfig& config) : config_(config) {
  config_.validate("model config");
  model = register_module("model", Backbone(config_));
  if (!config_.tie_word_embeddings) {
    lm_head = register_module("lm_head", torch::nn::Linear(torch::nn::LinearOptions(config_.hidden_size,
                                                                                    config_.vocab_size).bias(false)));
    nn::init_normal(lm_head, config_.initializer_range);
  }
}

nn::LayerCache repeat_layer_cache_batch(const nn::LayerCache& layer, std::int64_t times) {
  TTT_CHECK(times >= 1, "[lm] repeat_layer_cache_batch: times must be >= 1, got ", times);
  const auto repeat = [times](const torch::Tensor& t) { return t.defined() ? t.repeat_interleave(times, 0) : t; };
  nn::LayerCache copy;
  copy.pre_conv_history = repeat(layer.pre_conv_history);
  copy.qk_conv_history = repeat(layer.qk_conv_history);
  for (const auto& w : layer.inner.weights) copy.inner.weights.push_back(repeat(w));
  for (const auto& g : layer.inner.grad_sums) copy.inner.grad_sums.push_back(repeat(g));
  copy.keys = repeat(layer.keys);
  copy.values = repeat(layer.values);
  copy.kv_length = layer.kv_length;
  copy.mamba_conv_history = repeat(layer.mamba_conv_history);
  copy.ssm_state = repeat(layer.ssm_state);
  return copy;
}

Cache repeat_cache_batch(const Cache& cache, std::int64_t times) {
  TTT_CHECK(times >= 1, "[lm] repeat_cache_batch: times must be >= 1, got ", times);
  Cache out;
  out.position = cache.position;
  for (const nn::LayerCache& layer : cache.layers) out.layers.push_back(repeat_layer_cache_batch(layer, times));
  return out;
}

Cache CausalLMImpl::new_cache() const {
  Cache cache;
  cache.layers.resize(model->blocks.size());
  return cache;
}

ForwardOutput CausalLMImpl::forward(const torch::Tensor& ids, Cache* cache, bool keep_hidden_states) {
  TTT_CHECK(ids.dim() == 2 && ids.scalar_type() == torch::kLong, "[lm] expected int64 token ids [B, T], got ",
            shape_str(ids), " ", ids.scalar_type());
  if (ids.numel() > 0) {
    std::int64_t lo = 0, hi = 0;
    if (ids.device().is_cpu()) {
      // A loop, not min() and max(): for the one id of a decoded token the two reductions and their item()s
      // cost ~80 µs of libtorch dispatch, more than a whole block's element-wise work.
      const auto flat = ids.contiguous();
      const auto* p = flat.data_ptr<std::int64_t>();
      const auto [min_it, max_it] = std::minmax_element(p, p + flat.numel());
      lo = *min_it;
      hi = *max_it;
    } else {
      lo = ids.min().item<std::int64_t>();
      hi = ids.max().item<std::int64_t>();
    }
    TTT_CHECK(lo >= 0 && hi < config_.vocab_size, "[lm] token ids must be in 0..", config_.vocab_size - 1,
              ", got range ", lo, "..", hi);
  }
  if (cache) {
    TTT_CHECK(cache->layers.size() == model->blocks.size(), "[lm] cache has ", cache->layers.size(),
              " layers, model has ", model->blocks.size());
  }
  const std::int64_t position = cache ? cache->position : 0;
  ForwardOutput out;
  const auto& table = model->embed_tokens->weight;
  auto h = kernels::use_fused_elementwise(table) && table.is_contiguous() ? kernels::cpu::embedding_rows(table, ids)
                                                                           : model->embed_tokens(ids);
  for (std::size_t i = 0; i < model->blocks.size(); ++i) {
    h = model->blocks[i]->forward(h, position, cache ? &cache->layers[i] : nullptr);
    if (keep_hidden_states) out.hidden_states.push_back(h);
  }
  h = model->norm(h);
  if (keep_hidden_states) out.hidden_states.push_back(h);
  out.logits = lm_head ? nn::lora_project(lm_head, lm_head_lora, h) : nn::times_transposed(h, model->embed_tokens->weight);
  if (cache) cache->position += ids.size(1);
  return out;
}

void CausalLMImpl::use_primal_form(bool primal) {
  for (auto& b : model->blocks) {
    if (b->ttt) b->ttt->use_primal_form(primal);
    if (b->mixer) b->mixer->use_sequential_scan(primal);
  }
}

void CausalLMImpl::set_scan_checkpoint_group_size(std::int64_t group) {
  TTT_CHECK(group >= 0, "[lm] scan checkpoint group size must be ≥ 0, got ", group);
  for (auto& b : model->blocks)
    if (b->ttt) b->ttt->set_scan_checkpoint_group_size(group);
}

void CausalLMImpl::set_ttt_base_lr(double lr) {
  for (auto& b : model->blocks)
    if (b->ttt) b->ttt->set_ttt_base_lr(lr);
}

}  // namespace ttt::models
