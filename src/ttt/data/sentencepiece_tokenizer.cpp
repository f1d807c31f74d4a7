// The Tokenizer and its trainer on SentencePiece (compiled only with TTT_WITH_SENTENCEPIECE).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <unordered_map>

#include "ttt/data/hashing.h"
#include "ttt/data/tokenizer.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

struct Tokenizer::Impl {
  sentencepiece::SentencePieceProcessor processor;
  std::uint64_t fingerprint = 0;
};

namespace {

// Hashes what decides how text is cut: every piece, its score (BPE merge order) and its kind. Options
// that do not change the vocabulary (e.g. training threads, stored in the model file) do not count.
std::uint64_t vocabulary_fingerprint(const sentencepiece::SentencePieceProcessor& processor) {
  std::uint64_t hash = fnv1a64("ttt-sentencepiece-vocabulary");
  for (int id = 0; id < processor.GetPieceSize(); ++id) {
    const std::string& piece = processor.IdToPiece(id);
    const float score = processor.GetScore(id);
    unsigned char record[6];
    std::uint32_t bits;
    std::memcpy(&bits, &score, sizeof bits);
    for (int b = 0; b < 4; ++b) record[b] = static_cast<unsigned char>(bits >> (8 * b));
    record[4] = static_cast<unsigned char>(processor.IsControl(id) | processor.IsUnknown(id) << 1 |
                                           processor.IsByte(id) << 2 | processor.IsUnused(id) << 3);
    record[5] = 0xff;  // separator
    hash = fnv1a64(piece, hash);
    hash = fnv1a64(std::string_view(reinterpret_cast<const char*>(record), sizeof record), hash);
  }
  return hash;
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl, std::string path) : impl_(std::move(impl)), path_(std::move(path)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::load(const std::string& path) {
  const std::string bytes = read_file(path, "tokenizer");
  auto impl = std::make_unique<Impl>();
  const auto status = impl->processor.LoadFromSerializedProto(bytes);
  TTT_CHECK(status.ok(), "[tokenizer] ", path, ": not a SentencePiece model (", status.ToString(), ")");
  TTT_CHECK(impl->processor.bos_id() >= 0 && impl->processor.eos_id() >= 0, "[tokenizer] ", path,
            ": the model has no BOS/EOS pieces (train it with `ttt data tokenizer`)");
  impl->fingerprint = vocabulary_fingerprint(impl->processor);
  return Tokenizer(std::move(impl), path);
}

std::vector<std::int64_t> Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  const auto status = impl_->processor.Encode(text, &ids);
  TTT_CHECK(status.ok(), "[tokenizer] ", path_, ": cannot encode text (", status.ToString(), ")");
  return {ids.begin(), ids.end()};
}

std::string Tokenizer::decode(const std::vector<std::int64_t>& ids) const {
  const std::int64_t n = vocab_size();
  std::vector<int> narrow;
  narrow.reserve(ids.size());
  for (auto id : ids) {
    TTT_CHECK(id >= 0 && id < n, "[tokenizer] ", path_, ": token id ", id, " outside the vocabulary 0..", n - 1);
    narrow.push_back(static_cast<int>(id));
  }
  std::string text;
  const auto status = impl_->processor.Decode(narrow, &text);
  TTT_CHECK(status.ok(), "[tokenizer] ", path_, ": cannot decode (", status.ToString(), ")");
  return text;
}

std::int64_t Tokenizer::vocab_size() const { return impl_->processor.GetPieceSize(); }
std::int64_t Tokenizer::bos_id() const { return impl_->processor.bos_id(); }
std::int64_t Tokenizer::eos_id() const { return impl_->processor.eos_id(); }
std::uint64_t Tokenizer::fingerprint() const { return impl_->fingerprint; }

namespace {

// Feeds SentencePiece one line at a time, cut to the sentence cap, until the byte cap.
class CappedLines : public sentencepiece::SentenceIterator {
 public:
  CappedLines(const std::vector<std::string>& texts, const TokenizerTrainOptions& options)
      : texts_(texts), options_(options) {
    Next();
  }
  bool done() const override { return done_; }
  const std::string& value() const override { return value_; }
  void Next() override {
    while (true) {
      if (stats.bytes >= options_.max_bytes || text_ >= texts_.size()) {
        done_ = true;
        return;
      }
      const std::string& text = texts_[text_];
      if (pos_ >= text.size()) {
        ++text_;
        pos_ = 0;
        continue;
      }
      std::size_t end = text.find('\n', pos_);
      if (end == std::string::npos) end = text.size();
      std::size_t cut = std::min<std::size_t>(end, pos_ + static_cast<std::size_t>(options_.max_sentence_bytes));
      while (cut < end && cut > pos_ && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      if (cut == pos_) cut = end;  // a line of one huge "character": take it whole
      value_.assign(text, pos_, cut - pos_);
      pos_ = cut == end ? end + 1 : cut;
      if (value_.empty()) continue;
      stats.bytes += static_cast<std::int64_t>(value_.size());
      ++stats.sentences;
      return;
    }
  }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }
  TokenizerTrainStats stats;

 private:
  const std::vector<std::string>& texts_;
  const TokenizerTrainOptions& options_;
  std::size_t text_ = 0, pos_ = 0;
  std::string value_;
  bool done_ = false;
};

}  // namespace

TokenizerTrainStats train_tokenizer(const std::vector<std::string>& texts, const TokenizerTrainOptions& options,
                                    const std::string& model_path) {
  TTT_CHECK(options.vocab_size >= 260 && options.vocab_size <= (1 << 22), "[tokenizer] vocab size must be in 260..",
            1 << 22, " (256 byte pieces + specials + merges), got ", options.vocab_size);
  TTT_CHECK(options.max_bytes > 0 && options.max_sentence_bytes > 0, "[tokenizer] byte caps must be positive");
  CappedLines lines(texts, options);
  TTT_CHECK(!lines.done(), "[tokenizer] no training text (the train split is empty or blank)");
  const std::unordered_map<std::string, std::string> args = {
      {"model_type", "bpe"},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"byte_fallback", "true"},
      {"character_coverage", "0.9995"},
      {"normalization_rule_name", "identity"},
      {"remove_extra_whitespaces", "false"},
      {"add_dummy_prefix", "false"},
      {"allow_whitespace_only_pieces", "true"},
      {"split_digits", "true"},
      {"unk_id", "0"},
      {"bos_id", "1"},
      {"eos_id", "2"},
      {"pad_id", "-1"},
      {"max_sentence_length", std::to_string(options.max_sentence_bytes + 16)},
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
      {"num_threads", std::to_string(std::max(1, options.threads))},
      {"minloglevel", "1"},
  };
  std::string model;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, &model);
  TTT_CHECK(status.ok(), "[tokenizer] training a ", options.vocab_size, "-piece BPE model on ", lines.stats.sentences,
            " lines (", lines.stats.bytes, " bytes) failed: ", status.ToString());
  write_file_atomic(model_path, model);
  return lines.stats;
}

}  // namespace ttt::data
