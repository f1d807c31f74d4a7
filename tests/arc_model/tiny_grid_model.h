#pragma once
// A tiny random model over the compact grid vocabulary and fast prediction options (3×3 grids at most), for
// the predict_task and candidate-ranking tests.
#include "support/random_models.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/predict_task.h"

namespace ttt::arc::testing {

inline models::CausalLM grid_model(std::uint64_t seed) {
  models::ModelConfig c = test_support::tiny_config("linear", "transformer");
  c.vocab_size = kGridVocabSize;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  return test_support::random_model(c, torch::kDouble, seed);
}

inline PredictTaskOptions fast_options() {
  PredictTaskOptions o;
  o.decode.max_rows = 3;
  o.decode.max_cols = 3;
  o.queries.max_length = 512;
  return o;
}

}  // namespace ttt::arc::testing
