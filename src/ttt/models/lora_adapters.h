#pragma once
// LoRA adapters for a whole causal LM (ARC per-task test-time training): one nn::LoraAdapter per target
// projection of every block, plus the untied lm_head when asked. The adapters live here, outside the
// model's module tree, so model->named_parameters() (the checkpoint keys) never change; each adapted
// module consults its adapter pointer in forward, on every path (full pass, cached prefill, decoding,
// the fused TTT inference kernel, which reads the projections' outputs).
//
// Where adapters go:
//   Transformer blocks: seq_modeling_block.{q,k,v,o}_proj, mlp.{gate,up,down}_proj.
//   TTT blocks: seq_modeling_block.{q,k,v,o}_proj (no k_proj with share_qk), mlp.{gate,up,down}_proj.
//   Mamba blocks: nothing (the mixer's projections are not LoRA targets and there is no MLP), so a Mamba
//   model can only adapt an untied lm_head.
//   lm_head: only when the head is untied (a tied head is the embedding matrix, which is not a Linear).
// Every requested target must exist somewhere in the model, else attach fails naming it.
//
// Freezing: attach() sets requires_grad(false) on every model parameter (remembering each flag) and
// detach() restores the flags, so after backward only adapter parameters have gradients (the model's
// stay undefined). Attach after moving the model to its device and dtype (adapters take the weights').
//
// Usage of one ARC task: attach once; per task reset(seed), a fresh optimizer on parameters(), train(true),
// train, save(path); for inference train(false) and optionally merge() (then unmerge() before training).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "ttt/models/causal_lm.h"
#include "ttt/nn/lora.h"

namespace ttt::models {

class LoraAdapters {
 public:
  LoraAdapters() = default;
  ~LoraAdapters();  // detaches
  LoraAdapters(const LoraAdapters&) = delete;
  LoraAdapters& operator=(const LoraAdapters&) = delete;
  LoraAdapters(LoraAdapters&& other) noexcept;
  LoraAdapters& operator=(LoraAdapters&& other) noexcept;

  // Validates `config`, detaches any previous attachment, then attaches. A is drawn from `seed`
  // (each adapter from its own stream derived from seed and its name), B = 0.
  void attach(CausalLM& model, const nn::LoraConfig& config, std::uint64_t seed);
  // Unmerges, removes every adapter from the model and restores the model's requires_grad flags.
  void detach();
  bool attached() const { return !model_.is_empty(); }

  // The same state as a fresh attach with `seed`: A redrawn, B = 0, gradients cleared, unmerged.
  void reset(std::uint64_t seed);

  std::vector<torch::Tensor> parameters() const;  // A, B of each adapter, in named_parameters() order
  // "model.layers.0.seq_modeling_block.q_proj.lora_A", ..., "lm_head.lora_B".
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() const;
  std::size_t size() const { return adapters_.size(); }
  const nn::LoraConfig& config() const { return config_; }

  void merge();    // fold every adapter into its base weight (inference); idempotent
  void unmerge();  // restore the base weights exactly; idempotent
  bool merged() const;
  void train(bool on);  // dropout on/off (adapters start in training mode, like torch modules)

  // safetensors with the named_parameters() tensors and metadata {"format": "ttt-lora",
  // "lora_config": config JSON}; written atomically.
  void save(const std::string& path) const;
  // Loads tensors saved for the attached model: checks the metadata config (rank, alpha, targets; dropout
  // is only a training setting and is taken from the attach), that the names are exactly this model's
  // adapters, and each shape, dtype and finiteness, before changing anything. Errors name the file.
  void load(const std::string& path);

 private:
  struct Entry {
    std::string name;  // the adapted Linear's parameter prefix, e.g. "model.layers.0.mlp.up_proj"
    nn::LoraAdapterPtr adapter;
    nn::LoraAdapterPtr* slot;  // the model's pointer that holds it
  };
  static std::uint64_t adapter_seed(std::uint64_t seed, const std::string& name);

  CausalLM model_{nullptr};
  nn::LoraConfig config_;
  std::vector<Entry> adapters_;
  std::vector<std::pair<torch::Tensor, bool>> frozen_;  // model parameter, its requires_grad before attach
};

}  // namespace ttt::models
