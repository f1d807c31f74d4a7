// Gravity families: cells fall toward a per-task side; bars are sorted by height.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// Every non-background cell falls to the bottom of its column, keeping the column's color order.
Grid fall_down(const Grid& g) {
  Grid out(g.height(), g.width());
  for (int c = 0; c < g.width(); ++c) {
    int landing = g.height() - 1;
    for (int r = g.height() - 1; r >= 0; --r)
      if (g.at(r, c) != 0) out.at(landing--, c) = g.at(r, c);
  }
  return out;
}

// Other directions: turn the grid so they point down, fall, and turn back.
Grid fall(const Grid& g, int direction) {
  switch (direction) {
    case 0: return fall_down(g);
    case 1: return flip_rows(fall_down(flip_rows(g)));  // up
    case 2: return rotate_cw(fall_down(rotate_ccw(g)));  // left: rotate_ccw turns the left side to the bottom
    default: return rotate_ccw(fall_down(rotate_cw(g)));  // right
  }
}

int foreground_in_column(const Grid& g, int c) {
  int n = 0;
  for (int r = 0; r < g.height(); ++r) n += g.at(r, c) != 0;
  return n;
}

// Columns reordered by their number of foreground cells, shortest first; ties keep their order.
Grid sort_columns_by_height(const Grid& g) {
  std::vector<int> order(static_cast<std::size_t>(g.width()));
  for (int c = 0; c < g.width(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return foreground_in_column(g, a) < foreground_in_column(g, b);
  });
  Grid out(g.height(), g.width());
  for (int c = 0; c < g.width(); ++c)
    for (int r = 0; r < g.height(); ++r) out.at(r, c) = g.at(r, order[c]);
  return out;
}

}  // namespace

void add_gravity_families(std::vector<Family>& out) {
  out.push_back({"gravity_cells", "cells fall to a per-task side (down, up, left or right), keeping their order",
                 [](Rng& rng, const SideRange& sides) {
                   const int direction = rng.uniform(0, 3);
                   const NoiseStyle style = draw_noise_style(rng, 1, 4, 10, 45);
                   Rule rule;
                   rule.apply = [direction](const Grid& g) { return fall(g, direction); };
                   rule.draw_input = [=](Rng& r) { return noise_input(r, sides, style); };
                   return rule;
                 }});
  out.push_back({"sort_bars", "bars standing on the floor are reordered shortest to tallest, left to right",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   const bool gaps = rng.chance(50);  // bars in every column, or every other one
                   Rule rule;
                   rule.apply = sort_columns_by_height;
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 2), width = draw_side(r, sides, 3);
                     Grid g(height, width);
                     for (int c = gaps ? 1 : 0; c < width; c += gaps ? 2 : 1) {
                       const int bar = r.uniform(1, height), color = r.pick(colors);
                       for (int k = 0; k < bar; ++k) g.at(height - 1 - k, c) = static_cast<std::uint8_t>(color);
                     }
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
