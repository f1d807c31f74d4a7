#pragma once
// What one sequence layer keeps between calls when a sequence arrives in chunks (prefill, decode).
#include <torch/torch.h>

#include "ttt/ops/ttt_inner.h"

namespace ttt::nn {

// repeat_cache_batch (models/causal_lm.cpp) copies every field: a new field must be added there too.
struct LayerCache {
  torch::Tensor pre_conv_history;  // [B, k−1, C] inputs of the block's pre-conv (Mamba backbone)
  torch::Tensor qk_conv_history;   // [B, k−1, C] inputs of conv_q / conv_k (they read the same input)
  ops::InnerState inner;           // TTT inner model at the current mini-batch start + gradient sums
  // Attention baseline: key/value buffers [B, H, capacity, d] of which the first kv_length positions are
  // filled; the capacity doubles when full, so decoding appends in place (amortised O(1) copies per token).
  torch::Tensor keys, values;
  std::int64_t kv_length = 0;
  torch::Tensor mamba_conv_history;  // Mamba baseline: [B, k−1, E·C] inputs of the mixer's conv1d
  torch::Tensor ssm_state;           // Mamba baseline: [B, E·C, N] selective-scan state
};

}  // namespace ttt::nn
