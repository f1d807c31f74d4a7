#include "ttt/arc/pipeline/task_batch.h"

#include <algorithm>

#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {

TaskBatch make_task_batch(const std::vector<const Task*>& tasks, std::int64_t max_length) {
  TTT_CHECK(!tasks.empty(), "[arc] an empty batch of tasks");
  std::vector<TokenSequence> seqs;
  std::int64_t longest = 0;
  for (const auto* task : tasks) {
    seqs.push_back(serialize_task_tokens(*task, 0, true));
    const auto n = static_cast<std::int64_t>(seqs.back().ids.size()) - 1;
    TTT_CHECK(n <= max_length, "[arc] task '", task->id, "' needs ", n, " tokens, more than the context ", max_length);
    longest = std::max(longest, n);
  }
  const auto B = static_cast<std::int64_t>(tasks.size());
  TaskBatch b;
  b.inputs = torch::full({B, longest}, static_cast<std::int64_t>(kTokenPad), torch::kLong);
  b.targets = torch::full({B, longest}, static_cast<std::int64_t>(kTokenPad), torch::kLong);
  b.mask = torch::zeros({B, longest}, torch::kUInt8);
  auto in = b.inputs.accessor<std::int64_t, 2>();
  auto tg = b.targets.accessor<std::int64_t, 2>();
  auto mk = b.mask.accessor<std::uint8_t, 2>();
  for (std::int64_t i = 0; i < B; ++i) {
    const auto& s = seqs[static_cast<std::size_t>(i)];
    const auto n = static_cast<std::int64_t>(s.ids.size()) - 1;
    for (std::int64_t t = 0; t < n; ++t) {
      in[i][t] = s.ids[static_cast<std::size_t>(t)];
      tg[i][t] = s.ids[static_cast<std::size_t>(t + 1)];
      mk[i][t] = s.in_loss[static_cast<std::size_t>(t + 1)];
      b.counted += mk[i][t];
    }
  }
  return b;
}

}  // namespace ttt::arc
