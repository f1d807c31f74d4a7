#pragma once
// LoRA (low-rank adaptation) of one bias-free Linear y = x Wᵀ (W [out,in]): the adapted layer computes
//   y = x Wᵀ + scale · (dropout(x) Aᵀ) Bᵀ,   A [rank,in], B [out,rank], scale = alpha / rank,
// or, merged, y = x (W + scale·B·A)ᵀ. A starts uniform(±1/sqrt(in)) from a seed, B at zero, so a fresh
// adapter leaves the layer's output unchanged and the first gradient step moves B only.
//
// Adapters are not submodules: a module that supports LoRA holds an optional adapter pointer next to each
// Linear and calls lora_project(linear, adapter, x) instead of linear(x); its named_parameters() (the
// checkpoint keys) stay the same. models/lora_adapters.h attaches adapters to a whole causal LM.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ttt::nn {

struct LoraConfig {
  std::int64_t rank = 64;
  double alpha = 16;
  double dropout = 0;  // on the adapter's input, only in training mode
  // Projection names: q_proj k_proj v_proj o_proj (attention / TTT layers), gate_proj up_proj down_proj
  // (MLP), lm_head (untied output head).
  std::vector<std::string> targets = {"q_proj", "v_proj", "gate_proj", "up_proj", "down_proj"};

  double scale() const { return alpha / static_cast<double>(rank); }
  // Throws ttt::Error "[lora] <source>: ..." naming the bad value: rank ≥ 1, alpha finite > 0,
  // 0 ≤ dropout < 1, targets non-empty, known and unique.
  void validate(const std::string& source = "config") const;
};

const std::vector<std::string>& lora_target_names();  // every valid target, in a fixed order

// The config as JSON text (stored in adapter files) and back; parsing validates and names `source`.
std::string lora_config_to_json(const LoraConfig& config);
LoraConfig lora_config_from_json(const std::string& text, const std::string& source);

class LoraAdapter {
 public:
  // Adapts `linear` (bias-free or not: the bias stays as it is). A and B get the weight's dtype and device,
  // so attach after moving the model. A is drawn from `seed` (CPU, float64, then cast: the same on every device).
  LoraAdapter(torch::nn::Linear linear, std::int64_t rank, double alpha, double dropout, std::uint64_t seed);
  ~LoraAdapter();
  LoraAdapter(const LoraAdapter&) = delete;
  LoraAdapter& operator=(const LoraAdapter&) = delete;

  // A ← uniform(±1/sqrt(in)) drawn from `seed`, B ← 0 (unmerges first when merged).
  void reset(std::uint64_t seed);

  // scale · (dropout(x) Aᵀ) Bᵀ for x [..., in] → [..., out]. Called by lora_project while unmerged.
  torch::Tensor delta(const torch::Tensor& x) const;

  // W ← W + scale·B·A (no gradient recorded); unmerge() puts back the exact weight saved by merge().
  // Both are idempotent. While merged, lora_project skips delta(): merged adapters do not train.
  void merge();
  void unmerge();
  bool merged() const { return merged_; }

  void train(bool on) { training_ = on; }
  bool is_training() const { return training_; }

  torch::Tensor A, B;  // leaves with requires_grad
  const torch::nn::Linear& linear() const { return linear_; }
  std::int64_t rank() const { return rank_; }
  double scale() const { return scale_; }

 private:
  torch::nn::Linear linear_;
  std::int64_t rank_;
  double scale_, dropout_;
  bool training_ = true;  // like torch modules; dropout only acts in training mode
  bool merged_ = false;
  torch::Tensor saved_weight_;  // the base weight while merged
};

using LoraAdapterPtr = std::shared_ptr<LoraAdapter>;

// linear(x) — x·Wᵀ + b —, with one row under no-grad (batch-1 decoding) computed as a matrix-vector product:
// OpenBLAS's GEMM packs the whole weight matrix on every call (sgemm_incopy was 47 % of the cycles of 125m
// decoding), GEMV streams it once. Otherwise, and for training, exactly linear(x).
torch::Tensor apply_linear(torch::nn::Linear& linear, const torch::Tensor& x);

// y = x·Mᵀ for a [out, in] matrix M (an untied head's or a tied embedding's weight), GEMV for one row under
// no-grad like apply_linear: kernels::cpu::gemv on the fused kernels, else OpenBLAS's through torch::mv.
torch::Tensor times_transposed(const torch::Tensor& x, const torch::Tensor& m);

// apply_linear(linear, x), plus adapter->delta(x) when an unmerged adapter is attached. Every LoRA-capable module's
// forward calls its projections through this, on every path (full pass, cached prefill, decoding).
torch::Tensor lora_project(torch::nn::Linear& linear, const LoraAdapterPtr& adapter, const torch::Tensor& x);

// A projection of a LoRA-capable module: its Linear and the adapter slot its forward consults.
struct Projection {
  torch::nn::Linear* linear;
  const LoraAdapterPtr* adapter;
};

// {lora_project(p, x) for each projection} followed by {times_transposed(x, m) for each extra matrix}: several
// projections of one input. For one row under no-grad on the fused kernels (batch-1 decoding), with no bias and
// no unmerged adapter, all of them are one kernels::cpu::gemv_many pass (one fork of the thread pool instead of
// one per matrix).
std::vector<torch::Tensor> project_many(const std::vector<Projection>& projections, const torch::Tensor& x,
                                        const std::vector<torch::Tensor>& extra = {});

// Where an adapter can go: a module's Linear and the pointer slot its forward consults. `linear` is empty
// when the module has no projection of that name.
struct LoraSite {
  torch::nn::Linear linear{nullptr};
  LoraAdapterPtr* slot = nullptr;
  explicit operator bool() const { return !linear.is_empty() && slot; }
};

}  // namespace ttt::nn
