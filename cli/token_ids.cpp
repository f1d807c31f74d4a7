#include "token_ids.h"

#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"

namespace ttt::cli {

void add_model_input_flags(CLI::App& cmd, ModelInputFlags& flags) {
  cmd.add_option("--config", flags.config, "Model config.json (HF TTTConfig keys)")->required()->check(CLI::ExistingFile);
  cmd.add_option("--weights", flags.weights, "Weights (.safetensors, reference parameter names)")
      ->required()->check(CLI::ExistingFile);
  auto* ids = cmd.add_option("--ids", flags.ids, "Token ids, e.g. 1,2,3");
  auto* file = cmd.add_option("--ids-file", flags.ids_file, "File of token ids, one sequence per line")
                   ->check(CLI::ExistingFile);
  ids->excludes(file);
}

// Ids are separated by whitespace and/or one comma: "1,2 3, 4" is fine; "1,,2", ",1" and "1," have an
// empty id and are refused, as is anything but decimal digits (NUL bytes, signs, letters).
std::vector<long long> parse_id_list(const std::string& text, const std::string& where) {
  std::vector<long long> ids;
  bool comma_pending = false;  // a comma since the last id: another one (or the end) means an empty id
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
      ++i;
    } else if (c == ',') {
      TTT_CHECK(!ids.empty() && !comma_pending, "[ids] ", where, ": empty token id (a comma ",
                ids.empty() ? "before the first id" : "after a comma", ")");
      comma_pending = true;
      ++i;
    } else {
      std::size_t end = i;
      while (end < text.size() && text[end] != ',' && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
      const std::string part = text.substr(i, end - i);
      TTT_CHECK(part.find_first_not_of("0123456789") == std::string::npos, "[ids] ", where, ": '", printable(part),
                "' is not an integer token id (ids are non-negative decimal integers)");
      errno = 0;
      const long long v = std::strtoll(part.c_str(), nullptr, 10);
      TTT_CHECK(errno == 0, "[ids] ", where, ": token id ", part, " is too large");
      ids.push_back(v);
      comma_pending = false;
      i = end;
    }
  }
  TTT_CHECK(!comma_pending, "[ids] ", where, ": empty token id (a comma after the last id)");
  return ids;
}

void check_finite_logits(const torch::Tensor& logits, const ModelInputFlags& flags) {
  TTT_CHECK(torch::isfinite(logits).all().item<bool>(), "[lm] the model computed non-finite logits (NaN or Inf): "
            "check the weights in '", flags.weights, "' and the config '", flags.config, "' for NaN/Inf or extreme values");
}

torch::Tensor read_token_ids(const std::string& ids_flag, const std::string& ids_file) {
  TTT_CHECK(ids_flag.empty() != ids_file.empty(), "[ids] give exactly one of --ids or --ids-file");
  std::vector<std::vector<long long>> rows;
  if (!ids_flag.empty()) {
    rows.push_back(parse_id_list(ids_flag, "--ids"));
  } else {
    std::istringstream lines(read_file(ids_file, "ids"));
    std::string line;
    for (int n = 1; std::getline(lines, line); ++n) {
      auto row = parse_id_list(line, str(ids_file, " line ", n));
      if (!row.empty()) rows.push_back(std::move(row));
    }
  }
  const std::string source = ids_flag.empty() ? ids_file : "--ids";
  TTT_CHECK(!rows.empty() && !rows[0].empty(), "[ids] ", source, ": no token ids");
  for (std::size_t i = 1; i < rows.size(); ++i)
    TTT_CHECK(rows[i].size() == rows[0].size(), "[ids] ", source, ": sequence ", i + 1, " has ", rows[i].size(),
              " ids, sequence 1 has ", rows[0].size(), " (a batch needs equal lengths)");
  auto ids = torch::empty({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(rows[0].size())},
                          torch::kLong);
  auto* out = ids.data_ptr<std::int64_t>();
  for (const auto& row : rows)
    for (long long v : row) *out++ = static_cast<std::int64_t>(v);
  return ids;
}

}  // namespace ttt::cli
