#pragma once
// Tokenized corpora on disk: one flat binary file per split, memory-mapped for reading.
//
// Layout (little-endian), a 64-byte header then the tokens:
//   0  char[8]  magic "TTTTOKS\0"
//   8  u32      format version (1)
//  12  u32      bytes per token: 2 (uint16) when vocab_size ≤ 65535, else 4 (uint32)
//  16  u64      token count
//  24  u64      vocabulary size of the tokenizer that made the file
//  32  u64      tokenizer fingerprint (Tokenizer::fingerprint(): hash of its vocabulary)
//  40  u64      document count (each packed as BOS, pieces..., EOS)
//  48  u8[16]   reserved, zero
//  64  tokens
// Opening checks the magic, version, width, that the file size matches the count exactly, and that
// every id is below the vocabulary size, so truncated or corrupt files fail with a message naming them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ttt/data/window_source.h"

namespace ttt::data {

class Tokenizer;

struct TokenFileInfo {
  std::int64_t token_count = 0;
  std::int64_t vocab_size = 0;
  std::uint64_t tokenizer_fingerprint = 0;
  std::int64_t document_count = 0;
  int bytes_per_token = 0;
};

constexpr std::size_t kTokenFileHeaderBytes = 64;

// Writes `tokens` atomically. Throws when an id is outside [0, vocab_size).
void write_token_file(const std::string& path, const std::vector<std::int64_t>& tokens, std::int64_t vocab_size,
                      std::uint64_t tokenizer_fingerprint, std::int64_t document_count);

class TokenFile {
 public:
  // Maps and validates the file; throws ttt::Error "[data] <path>: <problem>".
  static std::shared_ptr<const TokenFile> open(const std::string& path);
  ~TokenFile();
  TokenFile(const TokenFile&) = delete;
  TokenFile& operator=(const TokenFile&) = delete;

  const TokenFileInfo& info() const { return info_; }
  const std::string& path() const { return path_; }
  std::int64_t size() const { return info_.token_count; }
  std::int64_t token(std::int64_t index) const;                              // bounds-checked
  void read(std::int64_t begin, std::int64_t count, std::int64_t* out) const;  // bounds-checked

  // Throws a clear error when this file was not made for a model/tokenizer with this vocabulary (and,
  // when fingerprint != 0, by that exact tokenizer). `what` names the other side, e.g. "checkpoint x".
  void check_vocab(std::int64_t vocab_size, std::uint64_t fingerprint, const std::string& what) const;
  void check_tokenizer(const Tokenizer& tokenizer) const;

 private:
  TokenFile() = default;
  std::string path_;
  TokenFileInfo info_;
  const unsigned char* mapped_ = nullptr;
  std::size_t mapped_bytes_ = 0;
};

// Non-overlapping L+1 windows over a token file (window i covers tokens [i·L, i·L + L]; the tail that
// does not fill a window is dropped), like VectorWindows but never loading the file.
class TokenFileWindows : public WindowSource {
 public:
  TokenFileWindows(std::shared_ptr<const TokenFile> file, std::int64_t context);
  std::int64_t size() const override;
  std::int64_t window_length() const override { return context_ + 1; }
  void read(std::int64_t index, std::int64_t* out) const override;
  const TokenFile& file() const { return *file_; }

 private:
  std::shared_ptr<const TokenFile> file_;
  std::int64_t context_;
};

}  // namespace ttt::data
