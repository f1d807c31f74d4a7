#pragma once
// The paper's text format, for models with a text tokenizer (spec: Serialization and loss).
//
//   <instruction>{d1.in} -> {d1.out}#\n{d2.in} -> {d2.out}#\n...{q.in} -> [{q.out}#]
//
// Each grid is written as numpy prints an integer array: "[[1 2 3]\n [4 5 6]]". The bracketed answer is
// present in training text only; a generation prompt ends with "{q.in} -> ".
// Loss ("loss on all outputs") is given as character spans so a tokenizer can mark the tokens that
// overlap them: the answer "{q.out}#" and each "{out}#" of demos 2..k. The space after "->" belongs to
// the prompt, so demo spans and the answer span start at the same place: the grid's first '['.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

// The fixed instruction that opens every text sequence. Same wording as the paper's data, so models
// fine-tuned on that data see the prompt they were trained on.
inline constexpr std::string_view kTextInstruction =
    "Figure out the underlying transformation in the following examples and apply it to the test case. "
    "Here are some examples from this transformation, your answer must follow the format.\n"
    "The input-output grids are provided as python arrays:\n";
inline constexpr std::string_view kTextArrow = " -> ";
inline constexpr char kTextEndOfOutput = '#';

// Half-open character range [begin, end) of TextSequence::text.
struct CharSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const CharSpan& o) const { return begin == o.begin && end == o.end; }
};

struct TextSequence {
  std::string text;
  std::vector<CharSpan> loss_spans;  // in increasing order, non-overlapping
  std::size_t prompt_length = 0;     // text[0, prompt_length) is the generation prompt
};

// numpy's print of the grid as an integer array: "[[1 2 3]\n [4 5 6]]", a 1×1 grid is "[[7]]".
std::string grid_to_text(const Grid& grid);

// Serializes task.train as demonstrations and task.test[test_index] as the query; with include_answer
// the answer "{q.out}#" follows. Without it loss_spans is empty. Throws ttt::Error when test_index is out
// of range, a demo has no output, or the answer is requested but unknown.
TextSequence serialize_task_text(const Task& task, std::size_t test_index, bool include_answer);

// The generation prompt (ends with " -> ").
std::string serialize_query_text(const Task& task, std::size_t test_index);

// Parses a grid from generated text. Everything from the first '#' on is ignored, so a model's answer
// can be passed as produced. Whitespace around the grid and between its brackets and cells may be any
// mix of spaces, tabs and newlines; everything else is strict. Returns nullopt for malformed text:
// missing or extra brackets, stray characters, an empty grid or row, rows of different widths, a cell
// that is not a single digit 0–9 (e.g. "10", "-1"), or a side over 30.
std::optional<Grid> parse_grid_text(std::string_view text);

}  // namespace ttt::arc
