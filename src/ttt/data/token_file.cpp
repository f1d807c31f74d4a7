#include "ttt/data/token_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ttt/data/hashing.h"
#include "ttt/data/tokenizer.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::data {

namespace {

constexpr char kMagic[8] = {'T', 'T', 'T', 'T', 'O', 'K', 'S', '\0'};
constexpr std::uint32_t kVersion = 1;

int width_for(std::int64_t vocab_size) { return vocab_size <= 65535 ? 2 : 4; }

void put_u32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put_u64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

std::int64_t token_at(const unsigned char* tokens, int width, std::int64_t i) {
  const unsigned char* p = tokens + i * width;
  return width == 2 ? static_cast<std::int64_t>(p[0] | (p[1] << 8)) : static_cast<std::int64_t>(get_u32(p));
}

}  // namespace

void write_token_file(const std::string& path, const std::vector<std::int64_t>& tokens, std::int64_t vocab_size,
                      std::uint64_t tokenizer_fingerprint, std::int64_t document_count) {
  TTT_CHECK(vocab_size > 0 && vocab_size <= (std::int64_t{1} << 32), "[data] ", path, ": vocabulary size ", vocab_size,
            " out of range");
  const int width = width_for(vocab_size);
  std::string bytes(kTokenFileHeaderBytes + tokens.size() * static_cast<std::size_t>(width), '\0');
  auto* p = reinterpret_cast<unsigned char*>(bytes.data());
  std::memcpy(p, kMagic, 8);
  put_u32(p + 8, kVersion);
  put_u32(p + 12, static_cast<std::uint32_t>(width));
  put_u64(p + 16, tokens.size());
  put_u64(p + 24, static_cast<std::uint64_t>(vocab_size));
  put_u64(p + 32, tokenizer_fingerprint);
  put_u64(p + 40, static_cast<std::uint64_t>(document_count));
  unsigned char* out = p + kTokenFileHeaderBytes;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::int64_t id = tokens[i];
    TTT_CHECK(id >= 0 && id < vocab_size, "[data] ", path, ": token ", i, " is ", id, ", outside the vocabulary 0..",
              vocab_size - 1);
    for (int b = 0; b < width; ++b) out[i * static_cast<std::size_t>(width) + static_cast<std::size_t>(b)] =
        static_cast<unsigned char>(static_cast<std::uint64_t>(id) >> (8 * b));
  }
  write_file_atomic(path, bytes);
}

std::shared_ptr<const TokenFile> TokenFile::open(const std::string& path) {
  std::shared_ptr<TokenFile> file(new TokenFile());
  file->path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY);
  TTT_CHECK(fd >= 0, "[data] cannot open token file '", path, "': ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("[data] ", path, ": not a regular file");
  }
  const auto file_bytes = static_cast<std::size_t>(st.st_size);
  if (file_bytes < kTokenFileHeaderBytes) {
    ::close(fd);
    fail("[data] ", path, ": truncated token file (", file_bytes, " bytes, the header alone is ", kTokenFileHeaderBytes, ")");
  }
  void* mapped = ::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  TTT_CHECK(mapped != MAP_FAILED, "[data] ", path, ": cannot memory-map (", std::strerror(errno), ")");
  file->mapped_ = static_cast<const unsigned char*>(mapped);
  file->mapped_bytes_ = file_bytes;
  const unsigned char* p = file->mapped_;

  TTT_CHECK(std::memcmp(p, kMagic, 8) == 0, "[data] ", path, ": not a ttt token file (bad magic)");
  const std::uint32_t version = get_u32(p + 8);
  TTT_CHECK(version == kVersion, "[data] ", path, ": token file version ", version, " (this build reads version ", kVersion, ")");
  auto& info = file->info_;
  info.bytes_per_token = static_cast<int>(get_u32(p + 12));
  const std::uint64_t count = get_u64(p + 16), vocab = get_u64(p + 24);
  info.tokenizer_fingerprint = get_u64(p + 32);
  const std::uint64_t documents = get_u64(p + 40);
  TTT_CHECK(vocab > 0 && vocab <= (std::uint64_t{1} << 32), "[data] ", path, ": corrupt header (vocabulary size ", vocab, ")");
  info.vocab_size = static_cast<std::int64_t>(vocab);
  TTT_CHECK(info.bytes_per_token == width_for(info.vocab_size), "[data] ", path, ": corrupt header (", info.bytes_per_token,
            " bytes per token for a vocabulary of ", vocab, ", expected ", width_for(info.vocab_size), ")");
  const std::size_t payload = file_bytes - kTokenFileHeaderBytes;
  TTT_CHECK(count <= payload / static_cast<std::size_t>(info.bytes_per_token), "[data] ", path, ": truncated: the header says ",
            count, " tokens (", count * static_cast<std::uint64_t>(info.bytes_per_token), " bytes) but only ", payload,
            " bytes follow it");
  TTT_CHECK(count * static_cast<std::uint64_t>(info.bytes_per_token) == payload, "[data] ", path, ": corrupt: the header says ",
            count, " tokens but ", payload, " bytes follow it (", payload - count * static_cast<std::uint64_t>(info.bytes_per_token),
            " extra)");
  TTT_CHECK(documents <= count, "[data] ", path, ": corrupt header (", documents, " documents in ", count, " tokens)");
  info.token_count = static_cast<std::int64_t>(count);
  info.document_count = static_cast<std::int64_t>(documents);
  const unsigned char* tokens = p + kTokenFileHeaderBytes;
  for (std::int64_t i = 0; i < info.token_count; ++i) {
    const std::int64_t id = token_at(tokens, info.bytes_per_token, i);
    if (id >= info.vocab_size) fail("[data] ", path, ": corrupt: token ", i, " is ", id, ", outside the vocabulary 0..", info.vocab_size - 1);
  }
  return file;
}

TokenFile::~TokenFile() {
  if (mapped_ != nullptr) ::munmap(const_cast<unsigned char*>(mapped_), mapped_bytes_);
}

std::int64_t TokenFile::token(std::int64_t index) const {
  TTT_CHECK(index >= 0 && index < info_.token_count, "[data] ", path_, ": token ", index, " out of range 0..", info_.token_count - 1);
  return token_at(mapped_ + kTokenFileHeaderBytes, info_.bytes_per_token, index);
}

void TokenFile::read(std::int64_t begin, std::int64_t count, std::int64_t* out) const {
  TTT_CHECK(begin >= 0 && count >= 0 && begin + count <= info_.token_count, "[data] ", path_, ": tokens [", begin, ", ",
            begin + count, ") out of range 0..", info_.token_count);
  const unsigned char* tokens = mapped_ + kTokenFileHeaderBytes;
  for (std::int64_t i = 0; i < count; ++i) out[i] = token_at(tokens, info_.bytes_per_token, begin + i);
}

void TokenFile::check_vocab(std::int64_t vocab_size, std::uint64_t fingerprint, const std::string& what) const {
  TTT_CHECK(vocab_size == info_.vocab_size, "[data] ", path_, ": tokens were made by a tokenizer with a vocabulary of ",
            info_.vocab_size, " but ", what, " has ", vocab_size);
  TTT_CHECK(fingerprint == 0 || info_.tokenizer_fingerprint == 0 || fingerprint == info_.tokenizer_fingerprint, "[data] ",
            path_, ": tokens were made by tokenizer ", hex64(info_.tokenizer_fingerprint), " but ", what, " is tokenizer ",
            hex64(fingerprint), " (same vocabulary size, different pieces)");
}

void TokenFile::check_tokenizer(const Tokenizer& tokenizer) const {
  check_vocab(tokenizer.vocab_size(), tokenizer.fingerprint(), "tokenizer " + tokenizer.path());
}

TokenFileWindows::TokenFileWindows(std::shared_ptr<const TokenFile> file, std::int64_t context)
    : file_(std::move(file)), context_(context) {
  TTT_CHECK(file_ != nullptr, "[data] no token file");
  TTT_CHECK(context_ > 0, "[data] window context must be positive, got ", context_);
}

std::int64_t TokenFileWindows::size() const {
  const std::int64_t n = file_->size();
  return n > context_ ? (n - 1) / context_ : 0;
}

void TokenFileWindows::read(std::int64_t index, std::int64_t* out) const {
  TTT_CHECK(index >= 0 && index < size(), "[data] ", file_->path(), ": window ", index, " out of range 0..", size() - 1);
  file_->read(index * context_, context_ + 1, out);
}

}  // namespace ttt::data
