#pragma once
// Which window each training sample reads. Sample n (counting over the whole run, all ranks) is window
// perm_e(n mod N) of epoch e = n / N, where perm_e is a seeded shuffle of 0..N−1. The order is a pure
// function of (seed, N, n): a checkpoint only needs n, and resuming (or changing the number of ranks
// while keeping the global batch) reads exactly the windows an uninterrupted run would.
#include <cstdint>
#include <vector>

namespace ttt::train {

class DataOrder {
 public:
  DataOrder(std::int64_t num_windows, std::uint64_t seed, bool shuffle = true);
  std::int64_t window_of(std::int64_t sample);  // caches one epoch's permutation
  std::int64_t num_windows() const { return n_; }

 private:
  std::int64_t n_;
  std::uint64_t seed_;
  bool shuffle_;
  std::int64_t cached_epoch_ = -1;
  std::vector<std::int64_t> perm_;
};

}  // namespace ttt::train
