#pragma once
// The text tokenizer every lm/data command loads: a SentencePiece BPE model trained on a corpus's train
// split (`ttt data tokenizer`). Documents are encoded as BOS, pieces..., EOS when packed for training.
#include <cstdint>
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
  const std::string& path() const { return path_; }

 private:
  struct Impl;
  Tokenizer(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

}  // namespace ttt::data
