// libttt_sentencepiece.so: SentencePiece behind the SentencePieceBackend interface (see
// sentencepiece_backend.h for why it is a separate module). Links libsentencepiece, never libtorch.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "ttt/data/hashing.h"
#include "ttt/data/sentencepiece_backend.h"

// Exported by libsentencepiece (not in its installed headers).
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}

namespace ttt::data {

namespace {

// SentencePiece logs through std::cerr. Loaded with RTLD_DEEPBIND, this module would reach
// libstdc++'s own, never-constructed std::cerr (the program uses a copy-relocated one) and crash; every
// failure is also reported through a Status, so logging is switched off.
void silence_logging() { sentencepiece::logging::SetMinLogLevel(4); }

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

class Backend : public SentencePieceBackend {
 public:
  std::string load(const std::string& model_bytes) override {
    const auto status = processor_.LoadFromSerializedProto(model_bytes);
    if (!status.ok()) return status.ToString();
    fingerprint_ = vocabulary_fingerprint(processor_);
    return "";
  }
  std::string encode(const std::string& text, std::vector<int>& ids) const override {
    const auto status = processor_.Encode(text, &ids);
    return status.ok() ? "" : status.ToString();
  }
  std::string decode(const std::vector<int>& ids, std::string& text) const override {
    const auto status = processor_.Decode(ids, &text);
    return status.ok() ? "" : status.ToString();
  }
  int piece_size() const override { return processor_.GetPieceSize(); }
  int bos_id() const override { return processor_.bos_id(); }
  int eos_id() const override { return processor_.eos_id(); }
  std::uint64_t fingerprint() const override { return fingerprint_; }

 private:
  sentencepiece::SentencePieceProcessor processor_;
  std::uint64_t fingerprint_ = 0;
};

}  // namespace

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

std::string train_model(const std::vector<std::string>& texts, const TokenizerTrainOptions& options, std::string* model,
                        TokenizerTrainStats* stats) {
  silence_logging();
  CappedLines lines(texts, options);
  if (lines.done()) return "no training text (the train split is empty or blank)";
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
      {"minloglevel", "4"},
  };
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, model);
  *stats = lines.stats;
  return status.ok() ? "" : status.ToString();
}

SentencePieceBackend* create_backend() {
  silence_logging();
  return new Backend();
}

}  // namespace ttt::data

extern "C" __attribute__((visibility("default"))) const ttt::data::SentencePieceModule* ttt_sentencepiece_module() {
  static const ttt::data::SentencePieceModule module = {ttt::data::kSentencePieceModuleAbi, &ttt::data::create_backend,
                                                         &ttt::data::train_model};
  return &module;
}
