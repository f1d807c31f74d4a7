#pragma once
// Small, stable 64-bit hashes for deterministic choices that must not depend on the platform, the
// standard library or the order files were listed in: the train/validation/test split of documents
// and the fingerprint that ties a token file to the tokenizer that made it.
#include <cstdint>
#include <string>
#include <string_view>

namespace ttt::data {

// FNV-1a over bytes (stable across builds and machines; std::hash is not).
inline std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// splitmix64 finalizer: spreads FNV's weak low bits so ranks by hash look uniformly shuffled.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The 16 lowercase hex digits of `value` (how fingerprints are shown and stored in JSON).
inline std::string hex64(std::uint64_t value) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = digits[value & 15];
  return out;
}

}  // namespace ttt::data
