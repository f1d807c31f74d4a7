#include "token_ids.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

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

std::vector<long long> parse_id_list(const std::string& text, const std::string& where) {
  std::vector<long long> ids;
  std::string token;
  std::istringstream in(text);
  while (in >> token) {
    std::stringstream parts(token);
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (part.empty()) continue;
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(part.c_str(), &end, 10);
      TTT_CHECK(errno == 0 && end && *end == '\0', "[ids] ", where, ": '", part, "' is not an integer token id");
      TTT_CHECK(v >= 0, "[ids] ", where, ": negative token id ", v);
      ids.push_back(v);
    }
  }
  return ids;
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
