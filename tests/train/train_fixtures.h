#pragma once
// Shared by the trainer tests: tiny models and a token stream with learnable structure.
#include <cstdint>
#include <vector>

#include "support/random_models.h"
#include "ttt/data/window_source.h"
#include "ttt/train/trainer.h"

namespace ttt::test_support {

// A stream a small model can learn: a repeating 7-token motif with every 5th token a "noise" id drawn
// from a fixed sequence — structured, but not trivially periodic.
inline std::vector<std::int64_t> patterned_tokens(std::int64_t n, std::int64_t vocab) {
  std::vector<std::int64_t> out;
  const std::int64_t motif[] = {3, 9, 4, 11, 7, 2, 15};
  std::uint64_t x = 12345;
  for (std::int64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out.push_back(i % 5 == 4 ? static_cast<std::int64_t>((x >> 33) % vocab) : motif[i % 7] % vocab);
  }
  return out;
}

inline train::TrainOptions small_train_options(std::int64_t steps) {
  train::TrainOptions o;
  o.context = 16;
  o.batch_size = 4;
  o.schedule = {1e-2, 1e-4, 2, steps};
  o.seed = 11;
  return o;
}

inline std::vector<std::pair<std::string, torch::Tensor>> parameters_of(models::CausalLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& item : model->named_parameters()) out.emplace_back(item.key(), item.value().detach().clone());
  return out;
}

inline double max_parameter_difference(models::CausalLM& a, models::CausalLM& b) {
  auto pa = parameters_of(a), pb = parameters_of(b);
  double worst = 0;
  for (std::size_t i = 0; i < pa.size(); ++i)
    worst = std::max(worst, (pa[i].second - pb[i].second).abs().max().item<double>());
  return worst;
}

}  // namespace ttt::test_support
