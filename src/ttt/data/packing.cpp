#include "ttt/data/packing.h"

#include <atomic>
#include <exception>
#include <filesystem>
#include <thread>

#include "ttt/data/corpus_builder.h"
#include "ttt/data/hashing.h"
#include "ttt/data/token_file.h"
#include "ttt/data/tokenizer.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

std::vector<std::int64_t> pack_documents(const std::vector<Document>& documents, const Encoder& encode,
                                         std::int64_t bos_id, std::int64_t eos_id, int threads) {
  std::vector<std::vector<std::int64_t>> encoded(documents.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    try {
      for (std::size_t i = next++; i < documents.size() && !failed; i = next++) encoded[i] = encode(documents[i].text);
    } catch (...) {
      if (!failed.exchange(true)) failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  std::size_t total = 0;
  for (const auto& ids : encoded) total += ids.size() + 2;
  std::vector<std::int64_t> tokens;
  tokens.reserve(total);
  for (auto& ids : encoded) {
    tokens.push_back(bos_id);
    tokens.insert(tokens.end(), ids.begin(), ids.end());
    tokens.push_back(eos_id);
    std::vector<std::int64_t>().swap(ids);
  }
  return tokens;
}

nlohmann::json tokenize_corpus(const std::string& corpus_dir, const Tokenizer& tokenizer, const std::string& out_dir,
                               int threads, const std::function<void(const std::string&)>& progress) {
  for (const char* split : kSplitNames)
    TTT_CHECK(std::filesystem::exists(split_path(corpus_dir, split)), "[data] ", corpus_dir, ": no ", split,
              ".txt (make the corpus with `ttt data corpus`)");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  TTT_CHECK(!ec, "[data] cannot create '", out_dir, "': ", ec.message());
  nlohmann::json splits = nlohmann::json::object();
  const Encoder encode = [&tokenizer](const std::string& text) { return tokenizer.encode(text); };
  for (const char* split : kSplitNames) {
    const auto documents = read_documents(split_path(corpus_dir, split));
    std::int64_t bytes = 0;
    for (const auto& d : documents) bytes += static_cast<std::int64_t>(d.text.size());
    const auto tokens = pack_documents(documents, encode, tokenizer.bos_id(), tokenizer.eos_id(), threads);
    const std::string path = (std::filesystem::path(out_dir) / (std::string(split) + ".bin")).string();
    write_token_file(path, tokens, tokenizer.vocab_size(), tokenizer.fingerprint(), static_cast<std::int64_t>(documents.size()));
    splits[split] = {{"documents", documents.size()}, {"bytes", bytes}, {"tokens", tokens.size()}, {"file", path}};
    if (progress)
      progress(str(split, ": ", documents.size(), " documents, ", bytes, " bytes -> ", tokens.size(), " tokens"));
  }
  nlohmann::json summary = {{"format", "ttt-tokens-1"},
                            {"corpus", corpus_dir},
                            {"tokenizer", tokenizer.path()},
                            {"vocab_size", tokenizer.vocab_size()},
                            {"tokenizer_fingerprint", hex64(tokenizer.fingerprint())},
                            {"splits", splits}};
  write_file_atomic((std::filesystem::path(out_dir) / "tokens.json").string(), summary.dump(2) + "\n");
  return summary;
}

}  // namespace ttt::data
