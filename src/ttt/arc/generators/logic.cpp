// Logic families: the input is two halves split by a separator line; the output combines them cell
// by cell.
#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// The two halves either side of the middle column (side_by_side) or middle row.
void split_halves(const Grid& g, bool side_by_side, Grid& first, Grid& second) {
  if (side_by_side) {
    const int w = (g.width() - 1) / 2;
    first = crop(g, 0, 0, g.height(), w);
    second = crop(g, 0, w + 1, g.height(), w);
  } else {
    const int h = (g.height() - 1) / 2;
    first = crop(g, 0, 0, h, g.width());
    second = crop(g, h + 1, 0, h, g.width());
  }
}

// Two noise halves of the same shape joined by a one-cell separator line of `separator` color.
Grid halves_input(Rng& r, const SideRange& sides, bool side_by_side, int separator, const NoiseStyle& first,
                  const NoiseStyle& second) {
  // The joined side is 2·half + 1, which must lie within the user's range.
  const SideRange half_range{std::max(1, sides.min_side / 2), (sides.max_side - 1) / 2};
  const int along = draw_side(r, sides), half = r.uniform(half_range.min_side, half_range.max_side);
  const int h = side_by_side ? along : half, w = side_by_side ? half : along;
  const Grid a = noise_grid(r, h, w, 0, first.colors, first.percent);
  const Grid b = noise_grid(r, h, w, 0, second.colors, second.percent);
  if (side_by_side) return hconcat(hconcat(a, Grid(h, 1, static_cast<std::uint8_t>(separator))), b);
  return vconcat(vconcat(a, Grid(1, w, static_cast<std::uint8_t>(separator))), b);
}

bool combine(int op, bool a, bool b) {
  switch (op) {
    case 0: return a && b;
    case 1: return a || b;
    case 2: return a != b;
    default: return !a && !b;
  }
}

}  // namespace

void add_logic_families(std::vector<Family>& out) {
  out.push_back({"combine_halves", "cells set in both / either / exactly one / neither half (per task) take a color",
                 [](Rng& rng, const SideRange& sides) {
                   const int op = rng.uniform(0, 3);
                   const bool side_by_side = rng.chance(50);
                   const std::vector<int> colors = rng.distinct_colors(4);  // first, second, separator, result
                   const int percent = rng.uniform(30, 60);
                   Rule rule;
                   rule.apply = [=](const Grid& g) {
                     Grid a, b;
                     split_halves(g, side_by_side, a, b);
                     Grid out(a.height(), a.width());
                     for (int r = 0; r < a.height(); ++r)
                       for (int c = 0; c < a.width(); ++c)
                         if (combine(op, a.at(r, c) != 0, b.at(r, c) != 0)) out.at(r, c) = static_cast<std::uint8_t>(colors[3]);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     return halves_input(r, sides, side_by_side, colors[2], {{colors[0]}, percent}, {{colors[1]}, percent});
                   };
                   return rule;
                 }});
  out.push_back({"overlay_halves", "the first half laid over the second: its background shows the second half",
                 [](Rng& rng, const SideRange& sides) {
                   const bool side_by_side = rng.chance(50);
                   const std::vector<int> colors = rng.distinct_colors(5);  // separator, then two per half
                   const NoiseStyle first{{colors[1], colors[2]}, rng.uniform(25, 55)};
                   const NoiseStyle second{{colors[3], colors[4]}, rng.uniform(25, 55)};
                   Rule rule;
                   rule.apply = [side_by_side](const Grid& g) {
                     Grid a, b;
                     split_halves(g, side_by_side, a, b);
                     for (int r = 0; r < a.height(); ++r)
                       for (int c = 0; c < a.width(); ++c)
                         if (a.at(r, c) == 0) a.at(r, c) = b.at(r, c);
                     return a;
                   };
                   rule.draw_input = [=](Rng& r) { return halves_input(r, sides, side_by_side, colors[0], first, second); };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
