#pragma once
// The text tokenizer every lm/data command loads: a SentencePiece BPE model trained on a corpus's train
// split (`ttt data tokenizer`). Documents are encoded as BOS, pieces..., EOS when packed for training.
// Models are trained so that decode(encode(text)) == text for any UTF-8 text: no normalization, no
// dummy prefix, whitespace kept, and byte fallback for characters outside the vocabulary.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ttt::data {

class Tokenizer {
 public:
  // Throws ttt::Error naming `path` when it is missing or not a tokenizer model.
  static Tokenizer load(const std::string& path);
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  std::vector<std::int64_t> encode(const std::string& text) const;  // no BOS/EOS added
  std::string decode(const std::vector<std::int64_t>& ids) const;
  std::int64_t vocab_size() const;
  std::int64_t bos_id() const;
  std::int64_t eos_id() const;
  // A hash of the vocabulary (pieces, scores, kinds): token files record it, so data made with another
  // tokenizer, even one of the same vocabulary size, is recognized.
  std::uint64_t fingerprint() const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  Tokenizer(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

struct TokenizerTrainOptions {
  std::int64_t vocab_size = 4096;
  // Caps that keep training to a minute or two on 2 cores: text is taken from the start of the
  // documents given (the train split, already in shuffled order) up to max_bytes, one sentence per line,
  // lines longer than max_sentence_bytes cut at a UTF-8 character boundary.
  std::int64_t max_bytes = 10'000'000;
  std::int64_t max_sentence_bytes = 2048;
  int threads = 2;
};

struct TokenizerTrainStats {
  std::int64_t sentences = 0;
  std::int64_t bytes = 0;
};

// Trains a BPE model on `texts` (read in order until the caps) and writes it atomically to `model_path`
// (a SentencePiece .model file). BOS = 1, EOS = 2, UNK = 0. Throws ttt::Error on a vocabulary size
// SentencePiece cannot reach with this text, or when no text is given.
TokenizerTrainStats train_tokenizer(const std::vector<std::string>& texts, const TokenizerTrainOptions& options,
                                    const std::string& model_path);

}  // namespace ttt::data
