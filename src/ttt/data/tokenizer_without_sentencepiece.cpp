// Built without SentencePiece (TTT_WITH_SENTENCEPIECE off): every tokenizer call says so clearly.
#ifndef TTT_WITH_SENTENCEPIECE
#include "ttt/data/tokenizer.h"
#include "ttt/util/error.h"

namespace ttt::data {

namespace {
[[noreturn]] void unavailable() {
  fail("[tokenizer] this build has no SentencePiece (configure with -DTTT_WITH_SENTENCEPIECE=ON and libsentencepiece-dev)");
}
}  // namespace

struct Tokenizer::Impl {};
Tokenizer::Tokenizer(std::unique_ptr<Impl> impl, std::string path) : impl_(std::move(impl)), path_(std::move(path)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer Tokenizer::load(const std::string&) { unavailable(); }
std::vector<std::int64_t> Tokenizer::encode(const std::string&) const { unavailable(); }
std::string Tokenizer::decode(const std::vector<std::int64_t>&) const { unavailable(); }
std::int64_t Tokenizer::vocab_size() const { unavailable(); }
std::int64_t Tokenizer::bos_id() const { unavailable(); }
std::int64_t Tokenizer::eos_id() const { unavailable(); }
std::uint64_t Tokenizer::fingerprint() const { unavailable(); }
TokenizerTrainStats train_tokenizer(const std::vector<std::string>&, const TokenizerTrainOptions&, const std::string&) {
  unavailable();
}

}  // namespace ttt::data
#endif
