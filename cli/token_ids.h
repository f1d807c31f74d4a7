#pragma once
// The inputs every `ttt lm` command that runs a model takes: --config, --weights and token ids given as
// "--ids 1,2,3" (one sequence) or a file with one sequence per line, ids separated by commas and/or
// whitespace. All sequences must have the same length (a batch).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

namespace ttt::cli {

struct ModelInputFlags {
  std::string config, weights, ids, ids_file;
};
void add_model_input_flags(CLI::App& cmd, ModelInputFlags& flags);

std::vector<long long> parse_id_list(const std::string& text, const std::string& where);
torch::Tensor read_token_ids(const std::string& ids_flag, const std::string& ids_file);  // [B, T] int64

// NaN or Inf logits come from a broken checkpoint (NaN/Inf weights) or config: printing "p=nan" and exiting 0
// would hide it. Throws naming the files.
void check_finite_logits(const torch::Tensor& logits, const ModelInputFlags& flags);

// For output file flags: "" is not a file name.
const CLI::Validator NonEmptyPath(
    [](std::string& value) { return value.empty() ? std::string("the file name is empty") : std::string(); },
    "PATH");

}  // namespace ttt::cli
