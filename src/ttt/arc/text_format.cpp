#include "ttt/arc/text_format.h"

#include "ttt/arc/grid_from_rows.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text with the few moves the grid grammar needs.
class GridTextReader {
 public:
  explicit GridTextReader(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() const { return pos_ == text_.size(); }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A run of digits; false when there is none. The run's length is returned in `digits`.
  bool take_number(std::uint8_t& value, std::size_t& digits) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    digits = pos_ - start;
    if (digits == 0) return false;
    value = static_cast<std::uint8_t>(text_[start] - '0');
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Appends "{grid}#" as a loss span when in_loss.
void append_output(TextSequence& seq, const Grid& grid, bool in_loss) {
  const std::size_t begin = seq.text.size();
  seq.text += grid_to_text(grid);
  seq.text += kTextEndOfOutput;
  if (in_loss) seq.loss_spans.push_back({begin, seq.text.size()});
}

}  // namespace

std::string grid_to_text(const Grid& grid) {
  std::string text;
  text.reserve(static_cast<std::size_t>(grid.height()) * (2 * grid.width() + 2) + 2);
  text += '[';
  for (int r = 0; r < grid.height(); ++r) {
    if (r > 0) text += "\n ";
    text += '[';
    for (int c = 0; c < grid.width(); ++c) {
      if (c > 0) text += ' ';
      text += static_cast<char>('0' + grid.at(r, c));
    }
    text += ']';
  }
  text += ']';
  return text;
}

TextSequence serialize_task_text(const Task& task, std::size_t test_index, bool include_answer) {
  const Example& query = query_example(task, test_index, include_answer);

  TextSequence seq;
  seq.text += kTextInstruction;
  for (std::size_t i = 0; i < task.train.size(); ++i) {
    const Example& demo = task.train[i];
    TTT_CHECK(demo.output.has_value(), "[arc] task '", task.id, "': train[", i, "] has no output");
    seq.text += grid_to_text(demo.input);
    seq.text += kTextArrow;
    // Demo 1's output is unpredictable (no earlier example shows the rule), so only later outputs train.
    append_output(seq, *demo.output, include_answer && i > 0);
    seq.text += '\n';
  }
  seq.text += grid_to_text(query.input);
  seq.text += kTextArrow;
  seq.prompt_length = seq.text.size();
  if (include_answer) append_output(seq, *query.output, true);
  return seq;
}

std::string serialize_query_text(const Task& task, std::size_t test_index) {
  return serialize_task_text(task, test_index, false).text;
}

std::optional<Grid> parse_grid_text(std::string_view text) {
  const std::size_t end_marker = text.find(kTextEndOfOutput);
  if (end_marker != std::string_view::npos) text = text.substr(0, end_marker);

  GridTextReader in(text);
  std::vector<std::vector<std::uint8_t>> rows;
  in.skip_space();
  if (!in.take('[')) return std::nullopt;
  for (;;) {
    in.skip_space();
    if (in.take(']')) break;
    if (!in.take('[')) return std::nullopt;
    std::vector<std::uint8_t> row;
    for (;;) {
      in.skip_space();
      if (in.take(']')) break;
      std::uint8_t color = 0;
      std::size_t digits = 0;
      // A multi-digit run such as "10" is a color outside 0-9, not two cells.
      if (!in.take_number(color, digits) || digits != 1) return std::nullopt;
      row.push_back(color);
      if (row.size() > static_cast<std::size_t>(kMaxGridSide)) return std::nullopt;
    }
    rows.push_back(std::move(row));
    if (rows.size() > static_cast<std::size_t>(kMaxGridSide)) return std::nullopt;
  }
  in.skip_space();
  if (!in.at_end()) return std::nullopt;
  return grid_from_cell_rows(rows);
}

}  // namespace ttt::arc
