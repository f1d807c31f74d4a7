// `ttt data tokenizer --corpus DIR --vocab-size N --out FILE.model`: SentencePiece BPE trained on the
// corpus's train split (capped so it takes a minute or two on 2 cores).
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "commands.h"
#include "ttt/data/corpus_builder.h"
#include "ttt/data/hashing.h"
#include "ttt/data/tokenizer.h"

namespace ttt::cli {
namespace {

struct TokenizerFlags {
  std::string corpus, out;
  data::TokenizerTrainOptions train;
  bool json = false;
};

void run_tokenizer(TokenizerFlags flags) {
  const auto start = std::chrono::steady_clock::now();
  const auto documents = data::read_documents(data::split_path(flags.corpus, "train"));
  std::vector<std::string> texts;
  texts.reserve(documents.size());
  for (const auto& d : documents) texts.push_back(d.text);
  std::fprintf(stderr, "[data] training a %lld-piece BPE tokenizer on up to %lld bytes of %zu train documents\n",
               static_cast<long long>(flags.train.vocab_size), static_cast<long long>(flags.train.max_bytes), texts.size());
  const auto stats = data::train_tokenizer(texts, flags.train, flags.out);
  const auto tokenizer = data::Tokenizer::load(flags.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (flags.json) {
    nlohmann::json j = {{"tokenizer", flags.out},
                        {"vocab_size", tokenizer.vocab_size()},
                        {"fingerprint", data::hex64(tokenizer.fingerprint())},
                        {"bos_id", tokenizer.bos_id()},
                        {"eos_id", tokenizer.eos_id()},
                        {"sentences", stats.sentences},
                        {"bytes", stats.bytes},
                        {"seconds", seconds}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("tokenizer %s: %lld pieces (fingerprint %s), trained on %lld lines / %lld bytes in %.1f s\n",
              flags.out.c_str(), static_cast<long long>(tokenizer.vocab_size()), data::hex64(tokenizer.fingerprint()).c_str(),
              static_cast<long long>(stats.sentences), static_cast<long long>(stats.bytes), seconds);
}

}  // namespace

void register_data_tokenizer(CLI::App& data) {
  auto flags = std::make_shared<TokenizerFlags>();
  flags->train.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto* cmd = data.add_subcommand("tokenizer", "Train a SentencePiece BPE tokenizer on a corpus's train split");
  cmd->add_option("--corpus", flags->corpus, "Corpus folder (from `ttt data corpus`)")->required();
  cmd->add_option("--vocab-size", flags->train.vocab_size, "Vocabulary size (includes 256 byte pieces and BOS/EOS/UNK)")
      ->capture_default_str()->check(CLI::Range(260, 1 << 22));
  cmd->add_option("--out", flags->out, "Model file to write (e.g. tokenizer.model)")->required();
  cmd->add_option("--max-bytes", flags->train.max_bytes, "Train on at most this many bytes of text")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--threads", flags->train.threads, "Training threads")->capture_default_str()->check(CLI::Range(1, 256));
  cmd->add_flag("--json", flags->json, "Print the result as one JSON object");
  cmd->callback([flags] { run_tokenizer(*flags); });
}

}  // namespace ttt::cli
