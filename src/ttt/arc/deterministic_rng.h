#pragma once
// Seeded randomness for augmenters and test-time-training data. std::mt19937_64 is specified bit for
// bit by the C++ standard, but std::uniform_int_distribution and std::shuffle are not, so bounded draws
// and shuffles here are our own: the same seed gives the same data with any standard library.
#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace ttt::arc {

class DeterministicRng {
 public:
  explicit DeterministicRng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }

  // Uniform in [0, n) (n = 0 is treated as 1). Rejects the top partial bucket so every value is equally likely.
  std::size_t below(std::size_t n) {
    const std::uint64_t span = n == 0 ? 1 : static_cast<std::uint64_t>(n);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return static_cast<std::size_t>(x % span);
  }

  // Fisher–Yates with our own draws.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  std::mt19937_64 engine_;
};

// An independent seed for a sub-stream (stage, task index, ...): splitmix64 of the pair, so nearby
// seeds and salts give unrelated streams.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t salt) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (salt + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace ttt::arc
