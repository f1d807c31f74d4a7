#pragma once
// A batch of ARC training sequences for the model: each task serialized in the grid vocabulary with its
// answer (grid_tokens.h, loss on all outputs), right-padded with PAD to the longest; padding is out of
// the loss. Causal attention never lets a sequence's real tokens see its own right padding, so padding
// changes no real token's prediction.
#include <vector>

#include <torch/torch.h>

#include "ttt/arc/task.h"

namespace ttt::arc {

struct TaskBatch {
  torch::Tensor inputs;   // [B, T] int64: ids[0 .. T)
  torch::Tensor targets;  // [B, T] int64: ids[1 .. T]
  torch::Tensor mask;     // [B, T] uint8: 1 where the target counts in the loss
  std::int64_t counted = 0;
};

// Query = test input 0 of each task. Throws ttt::Error when `tasks` is empty or a sequence is longer than
// max_length tokens (naming the task).
TaskBatch make_task_batch(const std::vector<const Task*>& tasks, std::int64_t max_length);

}  // namespace ttt::arc
