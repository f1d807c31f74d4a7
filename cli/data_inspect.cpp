// `ttt data inspect FILE.bin [--tokenizer F]`: a token file's header and counts, its first tokens, and
// (with the tokenizer that made it, checked by fingerprint) their text.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ttt/data/hashing.h"
#include "ttt/data/token_file.h"
#include "ttt/data/tokenizer.h"

namespace ttt::cli {
namespace {

struct InspectFlags {
  std::string file, tokenizer;
  std::int64_t count = 32;
  bool json = false;
};

void run_inspect(const InspectFlags& flags) {
  const auto file = data::TokenFile::open(flags.file);
  const auto& info = file->info();
  std::vector<std::int64_t> first(static_cast<std::size_t>(std::min(flags.count, info.token_count)));
  file->read(0, static_cast<std::int64_t>(first.size()), first.data());
  std::string text;
  bool has_text = false;
  if (!flags.tokenizer.empty()) {
    const auto tokenizer = data::Tokenizer::load(flags.tokenizer);
    file->check_tokenizer(tokenizer);
    text = tokenizer.decode(first);
    has_text = true;
  }
  if (flags.json) {
    nlohmann::json j = {{"file", flags.file},
                        {"tokens", info.token_count},
                        {"documents", info.document_count},
                        {"vocab_size", info.vocab_size},
                        {"bytes_per_token", info.bytes_per_token},
                        {"tokenizer_fingerprint", data::hex64(info.tokenizer_fingerprint)},
                        {"first_tokens", first}};
    if (has_text) j["first_text"] = text;
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("%s: %lld tokens, %lld documents, vocabulary %lld (uint%d), tokenizer %s\n", flags.file.c_str(),
              static_cast<long long>(info.token_count), static_cast<long long>(info.document_count),
              static_cast<long long>(info.vocab_size), info.bytes_per_token * 8, data::hex64(info.tokenizer_fingerprint).c_str());
  std::printf("first %zu tokens:", first.size());
  for (auto id : first) std::printf(" %lld", static_cast<long long>(id));
  std::printf("\n");
  if (has_text) std::printf("as text:\n%s\n", text.c_str());
}

}  // namespace

void register_data_inspect(CLI::App& data) {
  auto flags = std::make_shared<InspectFlags>();
  auto* cmd = data.add_subcommand("inspect", "Show a token file's header, counts and first tokens (decoded with --tokenizer)");
  cmd->add_option("file", flags->file, "Token file (.bin from `ttt data tokenize`)")->required();
  cmd->add_option("--tokenizer", flags->tokenizer, "Decode the first tokens with this tokenizer (must be the one that made the file)");
  cmd->add_option("--count", flags->count, "How many tokens to show")->capture_default_str()->check(CLI::Range(0, 1 << 20));
  cmd->add_flag("--json", flags->json, "Print the result as one JSON object");
  cmd->callback([flags] { run_inspect(*flags); });
}

}  // namespace ttt::cli
