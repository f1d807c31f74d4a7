#pragma once
// Seeded randomness for the task generators. std::mt19937_64 is specified bit for bit by the C++
// standard, but std::uniform_int_distribution and std::shuffle are not, so every bounded draw here is
// our own rejection sampler: the same seed yields the same tasks with any standard library.
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

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

  std::uint64_t next() { return engine_(); }

  // Uniform integer in [lo, hi]. An empty range means the caller's constraints cannot be met with the
  // current draw, so it asks for a redraw instead of failing hard.
  int uniform(int lo, int hi) {
    if (lo > hi) redraw("empty range for a random draw");
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    // Reject the top partial bucket so every value is equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    std::uint64_t x;
    do x = next();
    while (x >= limit);
    return lo + static_cast<int>(x % span);
  }

  // True with probability percent/100.
  bool chance(int percent) { return uniform(0, 99) < percent; }

  template <typename T>
  const T& pick(const std::vector<T>& items) {
    if (items.empty()) redraw("nothing to pick from");
    return items[static_cast<std::size_t>(uniform(0, static_cast<int>(items.size()) - 1))];
  }

  // Fisher–Yates with our own draws.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (int i = static_cast<int>(items.size()) - 1; i > 0; --i) std::swap(items[i], items[uniform(0, i)]);
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
  std::mt19937_64 engine_;
};

}  // namespace ttt::arc::gen
