#pragma once
// The Mamba-1 mixer (Gu & Dao 2023; parameter names and initialisation of state-spaces/mamba's
// mamba_simple.py): in_proj → (x, z); x → depthwise causal conv1d → SiLU → x_proj → (dt, B, C);
// Δ = softplus(dt_proj(dt)); y = selective_scan(x, Δ, A = −exp(A_log), B, C, D) ⊙ SiLU(z); out_proj(y).
// With a LayerCache it keeps the conv history and the SSM state, so a sequence fed in any chunking
// (prefill pieces, single decode steps) gives the outputs of one full pass.
#include <torch/torch.h>

#include "ttt/nn/basic_layers.h"
#include "ttt/nn/layer_cache.h"

namespace ttt::nn {

struct MambaOptions {
  std::int64_t hidden_size = 64;
  std::int64_t expand = 2;        // d_inner = expand · hidden_size
  std::int64_t state_size = 16;   // N
  std::int64_t conv_kernel = 4;   // d_conv
  std::int64_t dt_rank = 4;       // the models pass ceil(hidden_size / 16) for "auto"
  double dt_min = 1e-3, dt_max = 1e-1, dt_init_floor = 1e-4;
  double init_std = 0.02;          // in_proj, x_proj ~ N(0, init_std)
  std::int64_t num_layers = 1;     // out_proj ~ N(0, init_std / sqrt(num_layers)): Mamba's prenorm rescale
  std::int64_t scan_chunk = 32;    // tokens per chunk of the parallel scan
};

class MambaMixerImpl : public torch::nn::Module {
 public:
  explicit MambaMixerImpl(const MambaOptions& options);

  // x: [B,T,C] (already RMS-normed by the block). With a cache: continues from its conv history and SSM
  // state and leaves them ready for the next chunk; without one: a fresh sequence.
  torch::Tensor forward(const torch::Tensor& x, LayerCache* cache = nullptr);

  // The slow twin: the token-by-token reference scan instead of the chunked one (tests, benchmarks).
  void use_sequential_scan(bool sequential) { sequential_ = sequential; }
  void set_scan_chunk(std::int64_t chunk);
  const MambaOptions& options() const { return options_; }

  torch::nn::Linear in_proj{nullptr}, x_proj{nullptr}, dt_proj{nullptr}, out_proj{nullptr};
  CausalConv conv1d{nullptr};
  torch::Tensor A_log, D;

 private:
  MambaOptions options_;
  bool sequential_ = false;
};
TORCH_MODULE(MambaMixer);

}  // namespace ttt::nn
