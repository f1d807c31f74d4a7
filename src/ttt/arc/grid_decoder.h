#pragma once
// Greedy decoding of an answer grid over the compact grid vocabulary (grid_tokens.h), constrained so that
// every finished output is a well-formed grid. Model-independent: the logits come from a NextTokenLogits
// source (grid_decoder_lm.h adapts a CausalLM, with and without its decoding cache; tests use stubs).
//
// The constraint (GridTokenConstraint) allows, at each step, only:
//   - a color 0-9 while the current row is shorter than its limit — max_cols for the first row, the first
//     row's width for later rows — and, when the row is still empty, fewer than max_rows rows are complete;
//   - ROW_END after at least one cell of the current row, and after the first row only when the row has
//     exactly the first row's width;
//   - EOX right after a ROW_END (current row empty) once at least one row is complete.
// Every other token (IN, OUT, BOS, EOS, PAD, ids beyond the vocabulary) is never allowed. Some token is
// always allowed, and the rules force an EOX after at most max_rows·(max_cols+1)+1 tokens, so decoding
// with the default budget always ends in a grid of at most max_rows × max_cols.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc {

class GridTokenConstraint {
 public:
  // 1 ≤ max_rows, max_cols ≤ 30 (throws ttt::Error otherwise).
  explicit GridTokenConstraint(int max_rows = kMaxGridSide, int max_cols = kMaxGridSide);

  bool allows(std::int32_t token) const;
  // Consumes an allowed token; throws ttt::Error for a token allows() rejects or after EOX.
  void advance(std::int32_t token);
  bool finished() const { return finished_; }  // EOX consumed

  int complete_rows() const { return rows_; }
  int current_row_length() const { return row_length_; }
  int width() const { return width_; }  // the first row's width; 0 until the first row is complete

 private:
  int max_rows_;
  int max_cols_;
  int rows_ = 0;
  int row_length_ = 0;
  int width_ = 0;
  bool finished_ = false;
};

// The source of next-token logits for one sequence. start() consumes the prompt and returns the logits of
// the first generated position; step(token) consumes one generated token and returns the logits of the
// position after it. Logits cover at least the grid vocabulary up to EOX (ids 0..13); extra ids are masked.
class NextTokenLogits {
 public:
  virtual ~NextTokenLogits() = default;
  virtual std::vector<double> start(const std::vector<std::int32_t>& prompt) = 0;
  virtual std::vector<double> step(std::int32_t token) = 0;
};

struct GridDecodeOptions {
  int max_rows = kMaxGridSide;  // 1..30
  int max_cols = kMaxGridSide;  // 1..30
  // Most tokens generated, EOX included; 0: max_rows·(max_cols+1)+1, enough for any allowed grid.
  std::size_t max_new_tokens = 0;
  void validate() const;  // throws ttt::Error on out-of-range values
  std::size_t token_budget() const;
};

struct DecodedGrid {
  Grid grid;
  std::vector<std::int32_t> tokens;  // generated tokens: the grid's cells and ROW_ENDs, then EOX
  // Sum over generated tokens (EOX included) of log p(token): log_prob under the model's full softmax
  // (the raw likelihood of the sequence, comparable across decoders and with teacher-forced scoring);
  // masked_log_prob under the softmax restricted to the allowed tokens (renormalised; ≥ log_prob).
  double log_prob = 0.0;
  double masked_log_prob = 0.0;
};

// Greedy: at each step the allowed token with the largest logit (ties: the smallest id). Stops after EOX.
// nullopt when the token budget runs out before EOX. Throws ttt::Error when the prompt is empty or does not
// end with OUT (kTokenOutput), or when a logits vector is shorter than EOX + 1 or holds NaN.
std::optional<DecodedGrid> decode_grid_greedy(NextTokenLogits& source, const std::vector<std::int32_t>& prompt,
                                              const GridDecodeOptions& options = {});

}  // namespace ttt::arc
