#pragma once
// Next-token cross-entropy as a sum over the targets that count, so callers can average over any set of
// micro-batches (or ranks) by dividing by the total count of counted targets.
#include <cstdint>

#include <torch/torch.h>

namespace ttt::train {

struct LossSum {
  torch::Tensor sum;      // scalar, differentiable: Σ −log p(target) over counted targets
  std::int64_t count = 0;  // number of counted targets
};

// logits [B,T,V], targets [B,T] int64, mask [B,T] (any dtype, nonzero = counted) or undefined (all count).
LossSum lm_loss_sum(const torch::Tensor& logits, const torch::Tensor& targets, const torch::Tensor& mask = {});

}  // namespace ttt::train
