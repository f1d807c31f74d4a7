#pragma once
// Seeded randomness for the task generators, on top of DeterministicRng (mt19937_64 with our own
// bounded draws and shuffle, never std::uniform_int_distribution): the same seed yields the same tasks
// with any standard library. Adds ranges, picks and color draws that ask for a redraw when empty.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ttt/arc/deterministic_rng.h"

namespace ttt::arc::gen {

// Thrown by a generator when the current draw cannot make a valid example (too small a grid for the
// drawn objects, a degenerate output, …). The driver catches it and draws again, a bounded number of
// times; `reason` ends up in the error when every try failed.
struct Redraw {
  std::string reason;
};

[[noreturn]] inline void redraw(std::string reason) { throw Redraw{std::move(reason)}; }
inline void redraw_if(bool condition, const char* reason) {
  if (condition) redraw(reason);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_.next(); }

  // Uniform integer in [lo, hi]. An empty range means the caller's constraints cannot be met with the
  // current draw, so it asks for a redraw instead of failing hard.
  int uniform(int lo, int hi) {
    if (lo > hi) redraw("empty range for a random draw");
    return lo + static_cast<int>(engine_.below(static_cast<std::size_t>(hi - lo) + 1));
  }

  // True with probability percent/100.
  bool chance(int percent) { return uniform(0, 99) < percent; }

  template <typename T>
  const T& pick(const std::vector<T>& items) {
    if (items.empty()) redraw("nothing to pick from");
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }

  template <typename T>
  void shuffle(std::vector<T>& items) {
    engine_.shuffle(items);
  }

  // `count` distinct colors from 1..9 minus `excluded`, in random order.
  std::vector<int> distinct_colors(int count, const std::vector<int>& excluded = {}) {
    std::vector<int> pool;
    for (int c = 1; c <= 9; ++c) {
      bool skip = false;
      for (int e : excluded) skip = skip || e == c;
      if (!skip) pool.push_back(c);
    }
    if (count > static_cast<int>(pool.size())) redraw("not enough colors");
    shuffle(pool);
    pool.resize(static_cast<std::size_t>(count));
    return pool;
  }

 private:
  DeterministicRng engine_;
};

}  // namespace ttt::arc::gen
