#pragma once
// The boundary between ttt and SentencePiece. libsentencepiece bundles its own protobuf (3.14) whose
// exported symbols clash with the libprotobuf (3.21) libtorch loads: linked into one program, the
// process crashes before main. So SentencePiece lives in a separate module (libttt_sentencepiece.so,
// built from sentencepiece_*.cpp) that tokenizer.cpp loads with dlopen(RTLD_LOCAL | RTLD_DEEPBIND):
// each side keeps its own protobuf. Errors come back as strings (no exceptions cross the boundary).
#include <cstdint>
#include <string>
#include <vector>

#include "ttt/data/tokenizer.h"

namespace ttt::data {

class SentencePieceBackend {
 public:
  virtual ~SentencePieceBackend() = default;
  // Each returns "" on success, otherwise the reason.
  virtual std::string load(const std::string& model_bytes) = 0;
  virtual std::string encode(const std::string& text, std::vector<int>& ids) const = 0;
  virtual std::string decode(const std::vector<int>& ids, std::string& text) const = 0;
  virtual int piece_size() const = 0;
  virtual int bos_id() const = 0;
  virtual int eos_id() const = 0;
  virtual std::uint64_t fingerprint() const = 0;
};

struct SentencePieceModule {
  int abi_version;  // kSentencePieceModuleAbi of the build that made the module
  SentencePieceBackend* (*create)();
  // Trains a model; "" on success with the serialized model in *model.
  std::string (*train)(const std::vector<std::string>& texts, const TokenizerTrainOptions& options, std::string* model,
                       TokenizerTrainStats* stats);
};

constexpr int kSentencePieceModuleAbi = 1;

}  // namespace ttt::data

// The one symbol the module exports.
extern "C" const ttt::data::SentencePieceModule* ttt_sentencepiece_module();
