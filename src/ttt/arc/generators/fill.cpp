// Fill families: paint background regions, either those walled off from the border or those a seed
// cell sits in.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// Marks (in `reached`) every background cell 4-connected to a start cell through background.
void flood_background(const Grid& g, std::vector<Cell> stack, Grid& reached) {
  while (!stack.empty()) {
    const Cell cell = stack.back();
    stack.pop_back();
    if (!in_bounds(g, cell.r, cell.c) || reached.at(cell.r, cell.c) || g.at(cell.r, cell.c) != 0) continue;
    reached.at(cell.r, cell.c) = 1;
    stack.push_back({cell.r + 1, cell.c});
    stack.push_back({cell.r - 1, cell.c});
    stack.push_back({cell.r, cell.c + 1});
    stack.push_back({cell.r, cell.c - 1});
  }
}

// Background cells that cannot reach the border through background take `color`.
Grid fill_enclosed(const Grid& g, int color) {
  std::vector<Cell> border;
  for (int r = 0; r < g.height(); ++r) border.push_back({r, 0}), border.push_back({r, g.width() - 1});
  for (int c = 0; c < g.width(); ++c) border.push_back({0, c}), border.push_back({g.height() - 1, c});
  Grid outside(g.height(), g.width());
  flood_background(g, border, outside);
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) == 0 && !outside.at(r, c)) out.at(r, c) = static_cast<std::uint8_t>(color);
  return out;
}

// The background region around every cell of `seed_color` takes that color.
Grid fill_from_seeds(const Grid& g, int seed_color) {
  Grid region(g.height(), g.width());
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) == seed_color)
        flood_background(g, {{r + 1, c}, {r - 1, c}, {r, c + 1}, {r, c - 1}}, region);
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (region.at(r, c)) out.at(r, c) = static_cast<std::uint8_t>(seed_color);
  return out;
}

}  // namespace

void add_fill_families(std::vector<Family>& out) {
  out.push_back({"fill_enclosed", "background walled off from the border takes a per-task color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(2);  // wall, fill
                   Rule rule;
                   rule.apply = [fill = colors[1]](const Grid& g) { return fill_enclosed(g, fill); };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
                     Grid g(height, width);
                     for (int i = r.uniform(1, std::max(1, std::min(5, height * width / 30))); i > 0; --i) {
                       const int h = r.uniform(3, std::min(9, height)), w = r.uniform(3, std::min(9, width));
                       std::vector<Cell> wall = rectangle_outline(h, w);
                       // Some boxes get a door, so "inside a wall" alone does not decide the fill.
                       if (r.chance(35)) {
                         std::vector<Cell> sides_only;
                         for (const Cell& cell : wall)
                           if ((cell.r == 0 || cell.r == h - 1) != (cell.c == 0 || cell.c == w - 1))
                             sides_only.push_back(cell);
                         const Cell door = r.pick(sides_only);
                         wall.erase(std::find_if(wall.begin(), wall.end(),
                                                 [&](const Cell& c) { return c.r == door.r && c.c == door.c; }));
                       }
                       place_apart(r, g, wall, colors[0], 0);
                     }
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"fill_from_seeds", "the background region around each seed cell takes the seed's color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(2);  // walls, seeds
                   const int density = rng.uniform(30, 50);
                   Rule rule;
                   rule.apply = [seed = colors[1]](const Grid& g) { return fill_from_seeds(g, seed); };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = noise_input(r, sides, NoiseStyle{{colors[0]}, density});
                     for (int i = r.uniform(1, 3); i > 0; --i)
                       g.at(r.uniform(0, g.height() - 1), r.uniform(0, g.width() - 1)) =
                           static_cast<std::uint8_t>(colors[1]);
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
