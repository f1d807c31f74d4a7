#include "ttt/train/data_order.h"

#include <numeric>

#include "ttt/util/error.h"

namespace ttt::train {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

DataOrder::DataOrder(std::int64_t num_windows, std::uint64_t seed, bool shuffle)
    : n_(num_windows), seed_(seed), shuffle_(shuffle) {
  TTT_CHECK(num_windows > 0, "[data] no training windows (the corpus is shorter than one context window)");
}

std::int64_t DataOrder::window_of(std::int64_t sample) {
  TTT_CHECK(sample >= 0, "[data] negative sample index ", sample);
  if (!shuffle_) return sample % n_;
  const std::int64_t epoch = sample / n_;
  if (epoch != cached_epoch_) {
    perm_.resize(static_cast<std::size_t>(n_));
    std::iota(perm_.begin(), perm_.end(), 0);
    std::uint64_t state = seed_ * 0x2545F4914F6CDD1Dull + static_cast<std::uint64_t>(epoch) + 1;
    for (std::int64_t i = n_ - 1; i > 0; --i) {  // Fisher–Yates
      const auto j = static_cast<std::int64_t>(splitmix64(state) % static_cast<std::uint64_t>(i + 1));
      std::swap(perm_[i], perm_[j]);
    }
    cached_epoch_ = epoch;
  }
  return perm_[static_cast<std::size_t>(sample % n_)];
}

}  // namespace ttt::train
