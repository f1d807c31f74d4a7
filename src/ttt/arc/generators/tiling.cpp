// Tiling and mirroring families: the output is built from copies of the input.
#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// Output = copies of the input: `rows_of_copies` × `columns_of_copies` blocks, so the input's sides
// are capped at max_side divided by the block counts.
Family copies_family(std::string name, std::string description, int rows_of_copies, int columns_of_copies,
                     Grid (*build)(const Grid&)) {
  return {std::move(name), std::move(description),
          [=](Rng& rng, const SideRange& sides) {
            const NoiseStyle style = draw_noise_style(rng);
            Rule rule;
            rule.apply = build;
            rule.draw_input = [=](Rng& r) {
              return noise_input(r, sides, style, sides.max_side / rows_of_copies,
                                 sides.max_side / columns_of_copies);
            };
            return rule;
          }};
}

Grid mirror_right(const Grid& g) { return hconcat(g, flip_columns(g)); }
Grid mirror_down(const Grid& g) { return vconcat(g, flip_rows(g)); }
Grid mirror_quad(const Grid& g) { return vconcat(mirror_right(g), flip_rows(mirror_right(g))); }

// The input placed at every foreground cell of itself (ARC's self-similar "fractal" tasks).
Grid fractal(const Grid& g) {
  Grid out(g.height() * g.height(), g.width() * g.width());
  for (int br = 0; br < g.height(); ++br)
    for (int bc = 0; bc < g.width(); ++bc) {
      if (g.at(br, bc) == 0) continue;
      for (int r = 0; r < g.height(); ++r)
        for (int c = 0; c < g.width(); ++c) out.at(br * g.height() + r, bc * g.width() + c) = g.at(r, c);
    }
  return out;
}

}  // namespace

void add_tiling_families(std::vector<Family>& out) {
  out.push_back(copies_family("mirror_right", "input beside its left-right mirror: [G | fliplr G]", 1, 2, mirror_right));
  out.push_back(copies_family("mirror_down", "input above its upside-down mirror: [G ; flipud G]", 2, 1, mirror_down));
  out.push_back(copies_family("mirror_quad", "four mirrored copies: [G, fliplr G ; flipud G, rot180 G]", 2, 2,
                              mirror_quad));
  out.push_back({"tile_repeat", "the input repeated as a per-task block pattern (1x2 up to 3x3 copies)",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<Cell> layouts = {{1, 2}, {2, 1}, {2, 2}, {1, 3}, {3, 1}, {2, 3}, {3, 2}, {3, 3}};
                   const Cell layout = rng.pick(layouts);
                   const NoiseStyle style = draw_noise_style(rng);
                   Rule rule;
                   rule.apply = [layout](const Grid& g) { return tile(g, layout.r, layout.c); };
                   rule.draw_input = [=](Rng& r) {
                     return noise_input(r, sides, style, sides.max_side / layout.r, sides.max_side / layout.c);
                   };
                   return rule;
                 }});
  out.push_back({"fractal_tile", "the input copied into every block whose input cell is not background",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 1, 2, 35, 65);
                   Rule rule;
                   rule.apply = fractal;
                   rule.draw_input = [=](Rng& r) {
                     int root = 1;
                     while ((root + 1) * (root + 1) <= sides.max_side) ++root;
                     return noise_input(r, sides, style, root, root);
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
