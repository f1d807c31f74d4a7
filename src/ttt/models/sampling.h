#pragma once
// Next-token sampling for generation: greedy, or temperature with top-k and nucleus (top-p) filtering,
// drawn from a seeded generator so a run repeats exactly.
#include <cstdint>

#include <torch/torch.h>

namespace ttt::models {

struct SamplingOptions {
  double temperature = 1.0;  // 0: greedy (argmax)
  std::int64_t top_k = 0;    // 0: no limit
  double top_p = 1.0;        // 1: no limit; keep the smallest set of tokens whose probability reaches top_p
  void validate() const;     // throws ttt::Error on out-of-range values
};

// logits [B,V] → token ids [B,1].
torch::Tensor sample_next(const torch::Tensor& logits, const SamplingOptions& options, torch::Generator& generator);

// The probabilities sample_next draws from ([B,V], rows sum to 1): temperature, then top-k, then top-p.
torch::Tensor sampling_distribution(const torch::Tensor& logits, const SamplingOptions& options);

}  // namespace ttt::models
