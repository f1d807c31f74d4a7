#include "ttt/train/schedule.h"

#include <algorithm>
#include <cmath>

#include "ttt/util/error.h"

namespace ttt::train {

void LrSchedule::validate() const {
  TTT_CHECK(std::isfinite(peak_lr) && peak_lr > 0 && peak_lr < 10, "[schedule] peak lr must be in (0, 10), got ",
            peak_lr);
  TTT_CHECK(std::isfinite(min_lr) && min_lr >= 0 && min_lr <= peak_lr, "[schedule] min lr must be in [0, peak lr ",
            peak_lr, "], got ", min_lr);
  TTT_CHECK(total_steps > 0, "[schedule] total steps must be positive, got ", total_steps);
  TTT_CHECK(warmup_steps >= 0 && warmup_steps <= total_steps, "[schedule] warmup steps must be in 0..", total_steps,
            ", got ", warmup_steps);
}

double LrSchedule::lr(std::int64_t step) const {
  if (step < warmup_steps) return peak_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  const std::int64_t decay_steps = total_steps - warmup_steps;
  if (decay_steps <= 0 || step >= total_steps) return decay_steps <= 0 ? peak_lr : min_lr;
  const double progress = static_cast<double>(step - warmup_steps) / static_cast<double>(decay_steps);
  return min_lr + 0.5 * (peak_lr - min_lr) * (1.0 + std::cos(M_PI * progress));
}

double ttt_base_lr_warmup(std::int64_t step, std::int64_t warmup_steps, double start, double end) {
  if (warmup_steps <= 0 || step >= warmup_steps) return end;
  const double progress = static_cast<double>(std::max<std::int64_t>(step, 0)) / static_cast<double>(warmup_steps);
  return start + (end - start) * progress;
}

}  // namespace ttt::train
