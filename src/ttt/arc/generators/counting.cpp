// Counting families: the output is a small bar or list whose length or order encodes a count.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// A bar of `length` cells (at least 1) in `color`, horizontal (1×n) or vertical (n×1).
Grid bar(int length, int color, bool vertical) {
  const int n = std::max(1, length);
  return vertical ? Grid(n, 1, static_cast<std::uint8_t>(color)) : Grid(1, n, static_cast<std::uint8_t>(color));
}

// Non-background colors ordered by how often they occur, most frequent first; empty on a tie.
std::vector<int> colors_by_count(const Grid& g) {
  const auto counts = color_counts(g);
  std::vector<int> colors = colors_used(g);
  std::stable_sort(colors.begin(), colors.end(), [&](int a, int b) { return counts[a] > counts[b]; });
  for (std::size_t i = 1; i < colors.size(); ++i)
    if (counts[colors[i]] == counts[colors[i - 1]]) return {};
  return colors;
}

}  // namespace

void add_counting_families(std::vector<Family>& out) {
  out.push_back({"count_objects", "a bar, one cell per object, in the objects' color (row or column per task)",
                 [](Rng& rng, const SideRange& sides) {
                   const bool vertical = rng.chance(50);
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [vertical](const Grid& g) {
                     const auto objects = find_objects(g, 0, true);
                     return objects.empty() ? Grid(1, 1) : bar(static_cast<int>(objects.size()), objects[0].color, vertical);
                   };
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 3), width = draw_side(r, sides, 3);
                     const int count = r.uniform(1, std::max(1, std::min(8, height * width / 10)));
                     return grid_with_objects(r, height, width, count, {r.pick(colors)}, 1, 6, 3);
                   };
                   return rule;
                 }});
  out.push_back({"count_colors", "a bar in a per-task color, one cell per distinct color of the input",
                 [](Rng& rng, const SideRange& sides) {
                   const bool vertical = rng.chance(50);
                   const int bar_color = rng.uniform(1, 9);
                   Rule rule;
                   rule.apply = [=](const Grid& g) {
                     return bar(static_cast<int>(colors_used(g).size()), bar_color, vertical);
                   };
                   rule.draw_input = [=](Rng& r) {
                     const NoiseStyle style{r.distinct_colors(r.uniform(1, 5), {bar_color}), r.uniform(30, 70)};
                     return noise_input(r, sides, style);
                   };
                   return rule;
                 }});
  out.push_back({"count_cells", "a bar as long as the number of cells of one per-task color, in that color",
                 [](Rng& rng, const SideRange& sides) {
                   const bool vertical = rng.chance(50);
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 4));  // [0] is counted
                   const std::vector<int> others(colors.begin() + 1, colors.end());
                   Rule rule;
                   rule.apply = [=](const Grid& g) { return bar(color_counts(g)[colors[0]], colors[0], vertical); };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = noise_input(r, sides, NoiseStyle{others, r.uniform(10, 40)});
                     for (int i = r.uniform(1, std::min(9, g.height() * g.width() / 2)); i > 0; --i)
                       g.at(r.uniform(0, g.height() - 1), r.uniform(0, g.width() - 1)) =
                           static_cast<std::uint8_t>(colors[0]);
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"sort_colors_by_count", "the input's colors listed from most to least frequent (row or column)",
                 [](Rng& rng, const SideRange& sides) {
                   const bool vertical = rng.chance(50);
                   Rule rule;
                   rule.apply = [vertical](const Grid& g) {
                     const std::vector<int> colors = colors_by_count(g);
                     if (colors.empty()) return Grid(1, 1);
                     const int n = static_cast<int>(colors.size());
                     Grid out = vertical ? Grid(n, 1) : Grid(1, n);
                     for (int i = 0; i < n; ++i) (vertical ? out.at(i, 0) : out.at(0, i)) = static_cast<std::uint8_t>(colors[i]);
                     return out;
                   };
                   rule.draw_input = [=](Rng& r) {
                     const NoiseStyle style{r.distinct_colors(r.uniform(2, 4)), r.uniform(40, 80)};
                     Grid g = noise_input(r, sides, style);
                     redraw_if(colors_by_count(g).size() < 2, "color counts tie");
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
