#include "ttt/arc/grid_tokens.h"

#include "ttt/arc/grid_from_rows.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

void push(TokenSequence& seq, std::int32_t id, bool in_loss) {
  seq.ids.push_back(id);
  seq.in_loss.push_back(in_loss ? 1 : 0);
}

void push_grid(TokenSequence& seq, const Grid& grid, bool in_loss) {
  const std::size_t begin = seq.ids.size();
  append_grid_tokens(grid, seq.ids);
  seq.in_loss.resize(seq.ids.size(), 0);
  for (std::size_t i = begin; i < seq.ids.size(); ++i) seq.in_loss[i] = in_loss ? 1 : 0;
}

}  // namespace

std::string grid_token_name(std::int32_t id) {
  if (id >= 0 && id < kNumColors) return std::to_string(id);
  switch (id) {
    case kTokenRowEnd: return "<row>";
    case kTokenInput: return "<in>";
    case kTokenOutput: return "<out>";
    case kTokenEndOfExample: return "<eox>";
    case kTokenBos: return "<bos>";
    case kTokenEos: return "<eos>";
    case kTokenPad: return "<pad>";
    default: return str("<bad:", id, ">");
  }
}

void append_grid_tokens(const Grid& grid, std::vector<std::int32_t>& ids) {
  ids.reserve(ids.size() + static_cast<std::size_t>(grid.height()) * (grid.width() + 1));
  for (int r = 0; r < grid.height(); ++r) {
    for (int c = 0; c < grid.width(); ++c) ids.push_back(grid.at(r, c));
    ids.push_back(kTokenRowEnd);
  }
}

TokenSequence serialize_task_tokens(const Task& task, std::size_t test_index, bool include_answer) {
  const Example& query = query_example(task, test_index, include_answer);

  TokenSequence seq;
  push(seq, kTokenBos, false);
  for (std::size_t i = 0; i < task.train.size(); ++i) {
    const Example& demo = task.train[i];
    TTT_CHECK(demo.output.has_value(), "[arc] task '", task.id, "': train[", i, "] has no output");
    // Demo 1's output is unpredictable (no earlier example shows the rule), so only later outputs train.
    const bool output_in_loss = include_answer && i > 0;
    push(seq, kTokenInput, false);
    push_grid(seq, demo.input, false);
    push(seq, kTokenOutput, false);
    push_grid(seq, *demo.output, output_in_loss);
    push(seq, kTokenEndOfExample, output_in_loss);
  }
  push(seq, kTokenInput, false);
  push_grid(seq, query.input, false);
  push(seq, kTokenOutput, false);
  if (include_answer) {
    push_grid(seq, *query.output, true);
    push(seq, kTokenEndOfExample, true);
    push(seq, kTokenEos, true);
  }
  return seq;
}

std::vector<std::int32_t> serialize_query_tokens(const Task& task, std::size_t test_index) {
  return serialize_task_tokens(task, test_index, false).ids;
}

std::optional<Grid> parse_grid_tokens(const std::vector<std::int32_t>& generated) {
  std::vector<std::vector<std::uint8_t>> rows;
  std::vector<std::uint8_t> row;
  for (std::int32_t id : generated) {
    if (id == kTokenEndOfExample || id == kTokenEos) break;
    if (id >= 0 && id < kNumColors) {
      row.push_back(static_cast<std::uint8_t>(id));
    } else if (id == kTokenRowEnd) {
      if (row.empty()) return std::nullopt;  // an empty row: two ROW_ENDs in a row, or one at the start
      rows.push_back(std::move(row));
      row.clear();
    } else {
      return std::nullopt;  // a marker or a non-vocabulary id inside the grid
    }
    // Stop early on runaway generations instead of buffering them: the grid is already too large.
    if (rows.size() > static_cast<std::size_t>(kMaxGridSide) || row.size() > static_cast<std::size_t>(kMaxGridSide))
      return std::nullopt;
  }
  if (!row.empty()) rows.push_back(std::move(row));
  return grid_from_cell_rows(rows);
}

}  // namespace ttt::arc
