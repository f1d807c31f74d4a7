#pragma once
// Causal language model: embedding → blocks → RMSNorm → lm_head (tied to the embedding by default).
// Block: [pre_conv: h += DWConv(RMSNorm(h))]; h += SeqBlock(RMSNorm(h)); h += SwiGLU(RMSNorm(h)).
// Mamba baseline block (the Mamba paper's): h += Mixer(RMSNorm(h)) (model.layers.N.mixer / .norm).
// Module and parameter names reproduce the reference (model.layers.N.seq_modeling_block.W1 ...), so
// named_parameters() are the checkpoint keys.
#include <torch/torch.h>

#include "ttt/models/config.h"
#include "ttt/nn/attention.h"
#include "ttt/nn/basic_layers.h"
#include "ttt/nn/layer_cache.h"
#include "ttt/nn/mamba.h"
#include "ttt/nn/ttt_layer.h"

namespace ttt::models {

// Decoding state of a whole model: one LayerCache per block plus the number of tokens seen.
struct Cache {
  std::vector<nn::LayerCache> layers;
  std::int64_t position = 0;
};

// A cache whose every sequence is repeated `times` times in a row along the batch (sequence b becomes rows
// b·times … b·times+times−1), as independent copies: continuing several different endings of one prompt
// after prefilling the prompt once. Throws ttt::Error for times < 1.
Cache repeat_cache_batch(const Cache& cache, std::int64_t times);
// The same for one layer's cache (times = 1: an independent copy).
nn::LayerCache repeat_layer_cache_batch(const nn::LayerCache& layer, std::int64_t times);

class PreConvImpl : public torch::nn::Module {
 public:
  PreConvImpl(std::int64_t hidden, std::int64_t kernel, double eps);
  // h + conv(norm(h)), the block's pre-conv residual; `history` (if given) holds the last k−1 normed rows.
  torch::Tensor forward(const torch::Tensor& h, torch::Tensor* history);
  nn::RMSNorm norm{nullptr};
  nn::CausalConv conv{nullptr};
};
TORCH_MODULE(PreConv);

class BlockImpl : public torch::nn::Module {
 public:
  explicit BlockImpl(const ModelConfig& config);
  torch::Tensor forward(const torch::Tensor& h, std::int64_t position, nn::LayerCache* cache);
  nn::TTTLayer ttt{nullptr};                  // registered as "seq_modeling_block" for TTT layers
  nn::CausalSelfAttention attention{nullptr};  // or as "seq_modeling_block" for the Transformer baseline
  nn::SwiGLU mlp{nullptr};
  PreConv conv{nullptr};
  nn::RMSNorm seq_norm{nullptr}, ffn_norm{nullptr};
  nn::MambaMixer mixer{nullptr};  // Mamba baseline: the block is only norm + mixer
  nn::RMSNorm norm{nullptr};
};
TORCH_MODULE(Block);

class BackboneImpl : public torch::nn::Module {
 public:
  explicit BackboneImpl(const ModelConfig& config);
  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  nn::RMSNorm norm{nullptr};
  std::vector<Block> blocks;  // typed view of `layers`
};
TORCH_MODULE(Backbone);

struct ForwardOutput {
  torch::Tensor logits;                      // [B,T,V]
  std::vector<torch::Tensor> hidden_states;  // optional: each block's output, then the final norm's
};

class CausalLMImpl : public torch::nn::Module {
 public:
  explicit CausalLMImpl(const ModelConfig& config);

  // ids: [B,T] int64. Without a cache: one pass from position 0. With a cache: continues at
  // cache->position (any chunk length at any offset) and advances it.
  ForwardOutput forward(const torch::Tensor& ids, Cache* cache = nullptr, bool keep_hidden_states = false);
  torch::Tensor logits(const torch::Tensor& ids) { return forward(ids).logits; }

  Cache new_cache() const;
  const ModelConfig& config() const { return config_; }
  void use_primal_form(bool primal);   // slow twins (tests): TTT primal form, Mamba sequential scan
  void set_ttt_base_lr(double lr);     // TTT-MLP warmup of ttt_base_lr
  // Training memory: rematerialise the TTT inner scan every `group` mini-batches (0: off).
  void set_scan_checkpoint_group_size(std::int64_t group);

  Backbone model{nullptr};
  torch::nn::Linear lm_head{nullptr};  // only when tie_word_embeddings is false
  nn::LoraAdapterPtr lm_head_lora;     // optional LoRA adapter of the untied head (models/lora_adapters.h)

 private:
  ModelConfig config_;
};
TORCH_MODULE(CausalLM);

}  // namespace ttt::models
