#pragma once
// Random grids and tasks for property tests of the ARC data side (task IO, augmenters, TTT data).
#include <cstdint>

#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/task.h"

namespace ttt::arc::testing {

// A grid with sides in [min_side, max_side] and colors drawn from 0..max_color.
inline Grid random_grid(DeterministicRng& rng, int max_side = kMaxGridSide, int max_color = 9, int min_side = 1) {
  const auto side = [&] { return min_side + static_cast<int>(rng.below(static_cast<std::size_t>(max_side - min_side + 1))); };
  const int h = side();
  const int w = side();
  Grid g(h, w);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) g.at(r, c) = static_cast<std::uint8_t>(rng.below(static_cast<std::size_t>(max_color) + 1));
  return g;
}

inline Task random_task(DeterministicRng& rng, int demonstrations, int max_side = 10, int max_color = 9,
                        int min_side = 1) {
  Task t;
  t.id = "random";
  const auto grid = [&] { return random_grid(rng, max_side, max_color, min_side); };
  for (int i = 0; i < demonstrations; ++i) t.train.push_back(Example{grid(), grid()});
  t.test.push_back(Example{grid(), grid()});
  return t;
}

}  // namespace ttt::arc::testing
