#pragma once
// Transformer baseline sequence layer: causal softmax attention with RoPE at absolute positions
// (interleaved pairs, like the TTT layers), bias-free q/k/v/o projections. The cache keeps keys and
// values, so prefill-in-chunks and decoding match one full pass.
#include <torch/torch.h>

#include "ttt/nn/layer_cache.h"
#include "ttt/nn/lora.h"

namespace ttt::nn {

// Causal softmax attention of the last T = q.size(2) positions of a sequence over all its keys
// (q [B,H,T,d], k/v [B,H,past+T,d]) → [B,T,H,d]. Exact softmax, computed in blocks of query rows so memory
// stays O(block × keys) (32k contexts fit) and keys after each block are never touched (causal skipping).
// query_block ≤ 0 picks a block size from the context length; tests pass small ones.
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               std::int64_t query_block = 0);

class CausalSelfAttentionImpl : public torch::nn::Module {
 public:
  CausalSelfAttentionImpl(std::int64_t hidden_size, std::int64_t num_heads, double rope_theta, double init_std);
  torch::Tensor forward(const torch::Tensor& x, std::int64_t position = 0, LayerCache* cache = nullptr);
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  // Optional LoRA adapters of the projections (not submodules: parameter names stay the checkpoint's).
  LoraAdapterPtr q_lora, k_lora, v_lora, o_lora;
  LoraSite lora_site(const std::string& projection);  // "q_proj" ... "o_proj"; empty site otherwise

 private:
  std::int64_t heads_;
  double rope_theta_;
};
TORCH_MODULE(CausalSelfAttention);

}  // namespace ttt::nn
