#pragma once
// Small building blocks shared by every backbone: RMSNorm, SwiGLU MLP, depthwise causal conv.
// Parameter names follow the TTT reference (weight, bias, gate_proj, up_proj, down_proj).
#include <torch/torch.h>

#include "ttt/nn/lora.h"

namespace ttt::nn {

class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(std::int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RMSNorm);

// down(act(gate(x)) ⊙ up(x)), bias-free; act is silu for SwiGLU (the reference's default hidden_act).
class SwiGLUImpl : public torch::nn::Module {
 public:
  SwiGLUImpl(std::int64_t dim, std::int64_t hidden, double init_std, std::string activation = "silu");
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
  LoraAdapterPtr gate_lora, up_lora, down_lora;  // optional LoRA adapters (not submodules)
  LoraSite lora_site(const std::string& projection);  // "gate_proj" | "up_proj" | "down_proj"; else empty

 private:
  std::string activation_;
};
TORCH_MODULE(SwiGLU);

// Depthwise causal Conv1d over time (weight [C,1,k], bias [C]) on [B,T,C] inputs. `past` holds the k−1
// inputs before this chunk ([B,k−1,C]; undefined means zeros, the sequence start); next_history gives
// the `past` of the following chunk, so a sequence fed in any chunking gives the outputs of one piece.
class CausalConvImpl : public torch::nn::Module {
 public:
  CausalConvImpl(std::int64_t channels, std::int64_t kernel);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& past = {});
  torch::Tensor next_history(const torch::Tensor& past, const torch::Tensor& x) const;
  torch::Tensor weight, bias;
  std::int64_t kernel() const { return weight.size(2); }

 private:
  torch::Tensor with_past(const torch::Tensor& x, const torch::Tensor& past) const;  // [B, k−1+T, C]
};
TORCH_MODULE(CausalConv);

// Embedding rows / projection weights ~ N(0, std), as the reference's _init_weights.
void init_normal(torch::nn::Linear& linear, double std);

}  // namespace ttt::nn
