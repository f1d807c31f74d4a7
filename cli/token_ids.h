#pragma once
// Token ids from the command line: "--ids 1,2,3" (one sequence) or a file with one sequence per line,
// ids separated by commas and/or whitespace. All sequences must have the same length (a batch).
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ttt::cli {

std::vector<long long> parse_id_list(const std::string& text, const std::string& where);
torch::Tensor read_token_ids(const std::string& ids_flag, const std::string& ids_file);  // [B, T] int64

}  // namespace ttt::cli
