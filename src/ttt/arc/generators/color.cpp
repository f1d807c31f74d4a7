// Color families: the layout stays, colors change by a per-task mapping or a property of the grid.
#include <array>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

using ColorMap = std::array<std::uint8_t, kNumColors>;

ColorMap identity_map() {
  ColorMap map{};
  for (int c = 0; c < kNumColors; ++c) map[c] = static_cast<std::uint8_t>(c);
  return map;
}

Grid recolor(const Grid& g, const ColorMap& map) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) out.at(r, c) = map[g.at(r, c)];
  return out;
}

Rule map_rule(const ColorMap& map, const SideRange& sides, const NoiseStyle& style) {
  Rule rule;
  rule.apply = [map](const Grid& g) { return recolor(g, map); };
  rule.draw_input = [=](Rng& r) { return noise_input(r, sides, style); };
  return rule;
}

// Most frequent non-background color; -1 when there is none or two colors tie.
int unique_majority_color(const Grid& g) {
  const auto counts = color_counts(g);
  int best = -1, best_count = 0;
  bool tie = false;
  for (int color = 1; color < kNumColors; ++color) {
    if (counts[color] > best_count) {
      best = color;
      best_count = counts[color];
      tie = false;
    } else if (counts[color] == best_count && best_count > 0) {
      tie = true;
    }
  }
  return tie ? -1 : best;
}

}  // namespace

void add_color_families(std::vector<Family>& out) {
  out.push_back({"permute_colors", "a per-task mapping moves every used color to another (0 stays)",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 2, 5);
                   const std::vector<int> targets = rng.distinct_colors(static_cast<int>(style.colors.size()));
                   ColorMap map = identity_map();
                   for (std::size_t i = 0; i < targets.size(); ++i) {
                     redraw_if(targets[i] == style.colors[i], "permutation keeps a color");
                     map[style.colors[i]] = static_cast<std::uint8_t>(targets[i]);
                   }
                   return map_rule(map, sides, style);
                 }});
  out.push_back({"swap_two_colors", "two per-task colors trade places", [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 2, 4);
                   ColorMap map = identity_map();
                   std::swap(map[style.colors[0]], map[style.colors[1]]);
                   return map_rule(map, sides, style);
                 }});
  out.push_back({"recolor_all", "every non-background cell takes one per-task color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(3, 5));
                   const int target = colors[0];
                   ColorMap map = identity_map();
                   for (int c = 1; c < kNumColors; ++c) map[c] = static_cast<std::uint8_t>(target);
                   const NoiseStyle style{std::vector<int>(colors.begin() + 1, colors.end()), rng.uniform(15, 60)};
                   return map_rule(map, sides, style);
                 }});
  out.push_back({"invert_binary", "a grid of background and one color: the two trade places",
                 [](Rng& rng, const SideRange& sides) {
                   const int percent = rng.uniform(20, 60);
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     const std::vector<int> used = colors_used(g);
                     if (used.size() != 1) return g;  // the rule needs exactly one foreground color
                     ColorMap map = identity_map();
                     std::swap(map[0], map[used[0]]);
                     return recolor(g, map);
                   };
                   // The foreground color changes from example to example; the rule reads it off the grid.
                   rule.draw_input = [=](Rng& r) {
                     return noise_input(r, sides, NoiseStyle{{r.uniform(1, 9)}, percent});
                   };
                   return rule;
                 }});
  out.push_back({"remove_color", "cells of one per-task color become background",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 2, 4);
                   ColorMap map = identity_map();
                   map[style.colors[0]] = 0;
                   return map_rule(map, sides, style);
                 }});
  out.push_back({"majority_color_fill", "the whole grid filled with its most frequent non-background color",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 2, 4, 30, 80);
                   Rule rule;
                   rule.apply = [](const Grid& g) {
                     const int color = unique_majority_color(g);
                     return color < 0 ? g : Grid(g.height(), g.width(), static_cast<std::uint8_t>(color));
                   };
                   rule.draw_input = [=](Rng& r) {
                     Grid g = noise_input(r, sides, style);
                     redraw_if(unique_majority_color(g) < 0, "no unique majority color");
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
