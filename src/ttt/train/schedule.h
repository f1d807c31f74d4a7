#pragma once
// The paper's learning-rate recipe: linear warmup from 0 to the peak over `warmup_steps`, then cosine
// decay to `min_lr` at `total_steps`; and TTT-MLP's warmup of its inner ttt_base_lr (0.01 → 0.1 over the
// same warmup). Step numbers count optimizer updates from 0.
#include <cstdint>

namespace ttt::train {

struct LrSchedule {
  double peak_lr = 3e-3;
  double min_lr = 1e-5;
  std::int64_t warmup_steps = 0;
  std::int64_t total_steps = 1;

  // Learning rate used by update number `step` (0-based): warmup gives peak·(step+1)/warmup, so the
  // first update is not wasted at lr 0; after total_steps it stays at min_lr.
  double lr(std::int64_t step) const;
  void validate() const;  // throws ttt::Error on out-of-range values
};

// ttt_base_lr for update `step`: from `start` to `end` linearly over the warmup, then `end`.
double ttt_base_lr_warmup(std::int64_t step, std::int64_t warmup_steps, double start, double end);

}  // namespace ttt::train
