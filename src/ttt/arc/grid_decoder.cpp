#include "ttt/arc/grid_decoder.h"

#include <cmath>
#include <limits>

#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

void check_side(int value, const char* name) {
  TTT_CHECK(value >= 1 && value <= kMaxGridSide, "[arc] grid decoding: ", name, " must be in 1..", kMaxGridSide,
            ", got ", value);
}

// log-sum-exp over the entries selected by `keep` (all when null).
template <typename Keep>
double log_sum_exp(const std::vector<double>& logits, Keep keep) {
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < logits.size(); ++i)
    if (keep(i)) top = std::max(top, logits[i]);
  double sum = 0.0;
  for (std::size_t i = 0; i < logits.size(); ++i)
    if (keep(i)) sum += std::exp(logits[i] - top);
  return top + std::log(sum);
}

}  // namespace

GridTokenConstraint::GridTokenConstraint(int max_rows, int max_cols) : max_rows_(max_rows), max_cols_(max_cols) {
  check_side(max_rows, "max_rows");
  check_side(max_cols, "max_cols");
}

bool GridTokenConstraint::allows(std::int32_t token) const {
  if (finished_) return false;
  if (token >= 0 && token < kNumColors) {
    if (row_length_ == 0 && rows_ >= max_rows_) return false;  // no room for another row
    return row_length_ < (rows_ == 0 ? max_cols_ : width_);
  }
  if (token == kTokenRowEnd) return row_length_ >= 1 && (rows_ == 0 || row_length_ == width_);
  if (token == kTokenEndOfExample) return row_length_ == 0 && rows_ >= 1;
  return false;
}

void GridTokenConstraint::advance(std::int32_t token) {
  TTT_CHECK(allows(token), "[arc] grid decoding: token ", grid_token_name(token), " is not allowed after ", rows_,
            " rows and ", row_length_, " cells");
  if (token == kTokenEndOfExample) {
    finished_ = true;
  } else if (token == kTokenRowEnd) {
    if (rows_ == 0) width_ = row_length_;
    ++rows_;
    row_length_ = 0;
  } else {
    ++row_length_;
  }
}

void GridDecodeOptions::validate() const {
  check_side(max_rows, "max_rows");
  check_side(max_cols, "max_cols");
}

std::size_t GridDecodeOptions::token_budget() const {
  return max_new_tokens > 0 ? max_new_tokens
                            : static_cast<std::size_t>(max_rows) * static_cast<std::size_t>(max_cols + 1) + 1;
}

std::optional<DecodedGrid> decode_grid_greedy(NextTokenLogits& source, const std::vector<std::int32_t>& prompt,
                                              const GridDecodeOptions& options) {
  options.validate();
  TTT_CHECK(!prompt.empty() && prompt.back() == kTokenOutput,
            "[arc] grid decoding: the prompt must end with the output marker ", grid_token_name(kTokenOutput));
  GridTokenConstraint constraint(options.max_rows, options.max_cols);
  DecodedGrid out;
  const std::size_t budget = options.token_budget();
  std::vector<double> logits = source.start(prompt);
  while (out.tokens.size() < budget) {
    TTT_CHECK(logits.size() > static_cast<std::size_t>(kTokenEndOfExample), "[arc] grid decoding: ", logits.size(),
              " logits, the grid vocabulary needs at least ", kTokenEndOfExample + 1);
    std::int32_t best = -1;
    for (std::size_t i = 0; i < logits.size(); ++i) {
      TTT_CHECK(!std::isnan(logits[i]), "[arc] grid decoding: the model produced NaN logits");
      const auto id = static_cast<std::int32_t>(i);
      if (constraint.allows(id) && (best < 0 || logits[i] > logits[static_cast<std::size_t>(best)])) best = id;
    }
    // Some token is always allowed before EOX (see the header).
    const double chosen = logits[static_cast<std::size_t>(best)];
    out.log_prob += chosen - log_sum_exp(logits, [](std::size_t) { return true; });
    out.masked_log_prob +=
        chosen - log_sum_exp(logits, [&](std::size_t i) { return constraint.allows(static_cast<std::int32_t>(i)); });
    constraint.advance(best);
    out.tokens.push_back(best);
    if (constraint.finished()) {
      std::optional<Grid> grid = parse_grid_tokens(out.tokens);
      TTT_CHECK(grid.has_value(), "[arc] grid decoding: internal error, the constrained tokens do not parse");
      out.grid = std::move(*grid);
      return out;
    }
    if (out.tokens.size() < budget) logits = source.step(best);
  }
  return std::nullopt;
}

}  // namespace ttt::arc
