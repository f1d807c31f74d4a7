#pragma once
// Language-model evaluation: mean next-token loss and perplexity over windows of a split, and the loss at
// every token position of the window — the paper's "does the model use long context" measurement (a
// model that uses its context keeps lowering its loss as the position grows).
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "ttt/data/window_source.h"
#include "ttt/models/causal_lm.h"

namespace ttt::train {
class Communicator;
}

namespace ttt::eval {

struct LmEvalResult {
  double mean_loss = 0;   // nats per token
  double perplexity = 0;  // exp(mean_loss)
  std::int64_t windows = 0, tokens = 0;
  std::vector<double> loss_by_position;  // [L]: mean loss of the prediction at position t (0-based)
};

struct LmEvalOptions {
  std::int64_t max_windows = 0;  // 0: every window of the source
  std::int64_t batch = 1;
  // Windows are spread evenly over the source (window i·size/max), so a small evaluation still sees the
  // whole split rather than its first documents.
  bool spread = true;
};

// Under no-grad; restores the model's train/eval mode. With a communicator, rank r evaluates windows
// r, r+W, … and the sums are combined, so every rank returns the same result.
LmEvalResult evaluate_lm(models::CausalLM& model, const data::WindowSource& windows, const LmEvalOptions& options,
                         train::Communicator* comm = nullptr);

struct PositionBucket {
  std::int64_t begin = 0, end = 0;  // positions [begin, end)
  double mean_loss = 0;
};

// Averages loss_by_position over buckets whose edges grow geometrically (1, 2, 4, … ) when `log_spaced`,
// else `count` equal-width buckets.
std::vector<PositionBucket> bucket_positions(const std::vector<double>& loss_by_position, bool log_spaced,
                                             std::int64_t count);

}  // namespace ttt::eval
