#include "ttt/eval/lm_eval.h"

#include <algorithm>
#include <cmath>

#include "ttt/train/distributed.h"
#include "ttt/util/error.h"

namespace ttt::eval {

LmEvalResult evaluate_lm(models::CausalLM& model, const data::WindowSource& windows, const LmEvalOptions& o,
                         train::Communicator* comm) {
  TTT_CHECK(o.batch > 0, "[eval] batch must be positive, got ", o.batch);
  TTT_CHECK(o.max_windows >= 0, "[eval] max windows must be ≥ 0, got ", o.max_windows);
  const std::int64_t available = windows.size();
  TTT_CHECK(available > 0, "[eval] the split has no complete window");
  const std::int64_t count = o.max_windows > 0 ? std::min(o.max_windows, available) : available;
  const std::int64_t len = windows.window_length(), L = len - 1;
  TTT_CHECK(L <= model->config().max_position_embeddings, "[eval] context ", L,
            " exceeds the model's max_position_embeddings ", model->config().max_position_embeddings);
  const int rank = comm ? comm->rank() : 0, world = comm ? comm->world_size() : 1;

  const bool was_training = model->is_training();
  model->eval();
  torch::NoGradGuard no_grad;
  auto position_sum = torch::zeros({L}, torch::kDouble);
  std::vector<std::int64_t> mine;
  for (std::int64_t i = rank; i < count; i += world)
    mine.push_back(o.spread && count < available ? i * available / count : i);
  for (std::size_t start = 0; start < mine.size(); start += static_cast<std::size_t>(o.batch)) {
    const auto n = static_cast<std::int64_t>(std::min<std::size_t>(o.batch, mine.size() - start));
    auto batch = torch::empty({n, len}, torch::kLong);
    for (std::int64_t b = 0; b < n; ++b) windows.read(mine[start + b], batch.data_ptr<std::int64_t>() + b * len);
    auto logits = model->forward(batch.narrow(1, 0, L)).logits;  // [n, L, V]
    auto losses = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), batch.narrow(1, 1, L).reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    position_sum += losses.view({n, L}).to(torch::kDouble).sum(0);
  }
  auto totals = torch::cat({position_sum, torch::full({1}, static_cast<double>(mine.size()), torch::kDouble)});
  if (comm && world > 1) {
    comm->allreduce_mean({totals});
    totals.mul_(static_cast<double>(world));
  }
  if (was_training) model->train();

  LmEvalResult r;
  r.windows = static_cast<std::int64_t>(std::llround(totals[L].item<double>()));
  r.tokens = r.windows * L;
  auto per_position = totals.narrow(0, 0, L) / static_cast<double>(r.windows);
  r.loss_by_position.assign(per_position.data_ptr<double>(), per_position.data_ptr<double>() + L);
  r.mean_loss = per_position.mean().item<double>();
  r.perplexity = std::exp(r.mean_loss);
  return r;
}

std::vector<PositionBucket> bucket_positions(const std::vector<double>& loss, bool log_spaced, std::int64_t count) {
  const auto L = static_cast<std::int64_t>(loss.size());
  std::vector<std::int64_t> edges{0};
  if (log_spaced) {
    for (std::int64_t e = 1; e < L; e *= 2) edges.push_back(e);
  } else {
    TTT_CHECK(count > 0, "[eval] bucket count must be positive, got ", count);
    const auto n = std::min(count, std::max<std::int64_t>(L, 1));
    for (std::int64_t i = 1; i < n; ++i) edges.push_back(i * L / n);
  }
  edges.push_back(L);
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<PositionBucket> out;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    PositionBucket b{edges[i], edges[i + 1], 0};
    if (b.end <= b.begin) continue;
    for (auto t = b.begin; t < b.end; ++t) b.mean_loss += loss[static_cast<std::size_t>(t)];
    b.mean_loss /= static_cast<double>(b.end - b.begin);
    out.push_back(b);
  }
  return out;
}

}  // namespace ttt::eval
