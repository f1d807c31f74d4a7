// `ttt data tokenize --corpus DIR --tokenizer FILE.model --out DIR`: each split packed (BOS + document +
// EOS, concatenated) into DIR/{train,val,test}.bin, with DIR/tokens.json.
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "commands.h"
#include "ttt/data/corpus_builder.h"
#include "ttt/data/packing.h"
#include "ttt/data/tokenizer.h"

namespace ttt::cli {
namespace {

struct TokenizeFlags {
  std::string corpus, tokenizer, out;
  int threads = 1;
  bool json = false;
};

void run_tokenize(const TokenizeFlags& flags) {
  const auto start = std::chrono::steady_clock::now();
  const auto tokenizer = data::Tokenizer::load(flags.tokenizer);
  auto summary = data::tokenize_corpus(flags.corpus, tokenizer, flags.out, flags.threads, [](const std::string& line) {
    std::fprintf(stderr, "[data] %s\n", line.c_str());
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary["seconds"] = seconds;
  if (flags.json) {
    std::printf("%s\n", summary.dump().c_str());
    return;
  }
  std::printf("tokenized %s with %s (vocab %lld) into %s in %.1f s\n", flags.corpus.c_str(), flags.tokenizer.c_str(),
              static_cast<long long>(tokenizer.vocab_size()), flags.out.c_str(), seconds);
  for (const char* s : data::kSplitNames) {
    const auto& split = summary["splits"][s];
    const double bytes = split["bytes"].get<double>(), tokens = split["tokens"].get<double>();
    std::printf("  %-5s %8lld documents %12lld tokens (%.2f bytes/token)\n", s, split["documents"].get<long long>(),
                split["tokens"].get<long long>(), tokens > 0 ? bytes / tokens : 0.0);
  }
}

}  // namespace

void register_data_tokenize(CLI::App& data) {
  auto flags = std::make_shared<TokenizeFlags>();
  flags->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto* cmd = data.add_subcommand("tokenize", "Tokenize a corpus into memory-mappable DIR/{train,val,test}.bin");
  cmd->add_option("--corpus", flags->corpus, "Corpus folder (from `ttt data corpus`)")->required();
  cmd->add_option("--tokenizer", flags->tokenizer, "SentencePiece model (from `ttt data tokenizer`)")->required();
  cmd->add_option("--out", flags->out, "Output folder")->required();
  cmd->add_option("--threads", flags->threads, "Encoding threads")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->add_flag("--json", flags->json, "Print the result as one JSON object");
  cmd->callback([flags] { run_tokenize(*flags); });
}

}  // namespace ttt::cli
