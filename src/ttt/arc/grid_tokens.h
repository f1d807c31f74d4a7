#pragma once
// A compact token vocabulary for our own ARC models: one token per cell, plus the few structural tokens
// a grid sequence needs. Training sequences carry a parallel loss mask that implements "loss on all
// outputs" (spec: Serialization and loss).
//
// Layout of one task (demos d1..dk, query q):
//   BOS  IN d1.in OUT d1.out EOX  IN d2.in OUT d2.out EOX ... IN q.in OUT [q.out EOX EOS]
// where a grid is its rows in order, each row's cells followed by ROW_END:
//   [[1,2],[3,4]]  ->  1 2 ROW_END 3 4 ROW_END
// The bracketed answer is present in training sequences only; a generation prompt ends right after the
// query's OUT marker, and the model is expected to continue with the answer grid and EOX.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

// Token ids. Colors map to themselves so a cell's token is its color.
inline constexpr std::int32_t kTokenRowEnd = 10;         // ends every row (the newline of a grid)
inline constexpr std::int32_t kTokenInput = 11;          // starts an example's input grid
inline constexpr std::int32_t kTokenOutput = 12;         // separates input from output ("->")
inline constexpr std::int32_t kTokenEndOfExample = 13;   // ends an output grid ("#")
inline constexpr std::int32_t kTokenBos = 14;            // first token of every sequence
inline constexpr std::int32_t kTokenEos = 15;            // ends a training sequence after the answer
inline constexpr std::int32_t kTokenPad = 16;            // batch padding; never produced by the serializer
inline constexpr std::int32_t kGridVocabSize = 17;

// Token ids with a parallel mask: in_loss[i] == 1 when token i is a prediction target.
struct TokenSequence {
  std::vector<std::int32_t> ids;
  std::vector<std::uint8_t> in_loss;
};

// Human-readable name of a token ("0".."9", "<row>", "<in>", "<out>", "<eox>", "<bos>", "<eos>", "<pad>",
// or "<bad:N>"), for logs and test failure messages.
std::string grid_token_name(std::int32_t id);

// Appends a grid's tokens (rows, each closed by ROW_END).
void append_grid_tokens(const Grid& grid, std::vector<std::int32_t>& ids);

// Serializes task.train as demonstrations and task.test[test_index] as the query. With include_answer
// the query's output, EOX and EOS follow; the loss mask then covers, for the answer and for demos 2..k,
// the output grid tokens through their EOX (the final EOS too, so the model learns to stop). Everything
// else — BOS, inputs, IN/OUT markers, demo 1's output — is masked, because demo 1's output cannot be
// inferred from anything before it. Without include_answer, no token is in the loss.
// Throws ttt::Error when test_index is out of range, a demo has no output, or the answer is requested
// but unknown.
TokenSequence serialize_task_tokens(const Task& task, std::size_t test_index, bool include_answer);

// The generation prompt: serialize_task_tokens(task, test_index, false).ids, ending with OUT.
std::vector<std::int32_t> serialize_query_tokens(const Task& task, std::size_t test_index);

// Turns generated tokens (what the model produced after the prompt's OUT marker) back into a grid.
// Reads cells and ROW_ENDs up to the first EOX or EOS (or the end of the tokens); a final row without
// ROW_END is accepted. Returns nullopt for a malformed grid: no cells, an empty row, rows of different
// widths, more than 30 rows or columns, or any other token (markers, BOS, PAD, ids outside the
// vocabulary) before the stop.
std::optional<Grid> parse_grid_tokens(const std::vector<std::int32_t>& generated);

}  // namespace ttt::arc
