#pragma once
// Output-size rules inferred from the demonstrations, and the fallback answer built from them when no
// program fits: the solver must never answer with nothing.
#include <optional>
#include <string>
#include <utility>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc::search {

struct SizeRule {
  enum class Kind {
    kSameAsInput,  // every output has its input's shape
    kFixed,        // every output has one shape
    kScaled,       // output = input × (rows_num/rows_den, columns_num/columns_den), the same for all
    kContentBox,   // output = the bounding box of the input's non-bg cells
  } kind;
  int rows_num = 1, rows_den = 1, columns_num = 1, columns_den = 1;
  int height = 0, width = 0;  // kFixed
  std::string name() const;
};

// The first rule (in the order above) every demonstration obeys; nullopt when none does.
std::optional<SizeRule> infer_size_rule(const Task& task);
// The shape the rule predicts for `input` (nullopt when it is not a valid 1..30 shape).
std::optional<std::pair<int, int>> predict_size(const SizeRule& rule, const Grid& input);

// Two guesses for a test input when no program fits: with a same-shape rule, the input itself and the
// input with the demonstrations' color map (or cropped content); otherwise a grid of the predicted
// shape (or the most common output shape) filled with the outputs' most common color, and the input.
std::pair<Grid, Grid> fallback_guesses(const Task& task, const Grid& test_input);

}  // namespace ttt::arc::search
