#pragma once
// Constrained greedy grid decoding (grid_decoder.h) with a CausalLM as the logits source.
//   decode_grid:          prefill the prompt once into a models::Cache, then feed one token per step at the
//                         cache's position (no prefix is re-run). The fast path.
//   decode_grid_uncached: its slow twin — every step re-runs the full forward over prompt + generated tokens
//                         and reads the last position's logits. Same rule, independent of the cache code.
// Both run under NoGradGuard on the model's device and dtype, one sequence at a time (the model has no
// attention mask for left padding, so batching queries of different lengths would change the results).
// The model should be in eval mode (caller's responsibility) and its vocabulary must cover the grid
// vocabulary's first 14 ids (vocab_size ≥ 14; kGridVocabSize = 17 is the norm).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ttt/arc/grid_decoder.h"
#include "ttt/models/causal_lm.h"

namespace ttt::arc {

// Logits from a CausalLM with its decoding cache.
class CachedLMLogits : public NextTokenLogits {
 public:
  explicit CachedLMLogits(models::CausalLM model);
  std::vector<double> start(const std::vector<std::int32_t>& prompt) override;
  std::vector<double> step(std::int32_t token) override;

 private:
  std::vector<double> run(const std::vector<std::int32_t>& ids);
  models::CausalLM model_;
  models::Cache cache_;
};

// Logits from full forwards over the whole sequence so far (no cache).
class UncachedLMLogits : public NextTokenLogits {
 public:
  explicit UncachedLMLogits(models::CausalLM model);
  std::vector<double> start(const std::vector<std::int32_t>& prompt) override;
  std::vector<double> step(std::int32_t token) override;

 private:
  std::vector<double> run();
  models::CausalLM model_;
  std::vector<std::int32_t> sequence_;
};

std::optional<DecodedGrid> decode_grid(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                       const GridDecodeOptions& options = {});
std::optional<DecodedGrid> decode_grid_uncached(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                                const GridDecodeOptions& options = {});

}  // namespace ttt::arc
