// Geometry families: the output is the input rotated, mirrored, transposed or cyclically shifted.
#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// A family whose rule is a fixed whole-grid transform of a noise grid.
Family transform_family(std::string name, std::string description, Grid (*transform)(const Grid&)) {
  return {std::move(name), std::move(description), [transform](Rng& rng, const SideRange& sides) {
            const NoiseStyle style = draw_noise_style(rng);
            Rule rule;
            rule.apply = transform;
            rule.draw_input = [style, sides](Rng& r) { return noise_input(r, sides, style); };
            return rule;
          }};
}

}  // namespace

void add_geometry_families(std::vector<Family>& out) {
  out.push_back(transform_family("rotate_90", "rotate a quarter turn counter-clockwise", rotate_ccw));
  out.push_back(transform_family("rotate_180", "rotate half a turn", rotate_180));
  out.push_back(transform_family("rotate_270", "rotate a quarter turn clockwise", rotate_cw));
  out.push_back(transform_family("flip_rows", "mirror top to bottom (rows in reverse order)", flip_rows));
  out.push_back(transform_family("flip_columns", "mirror left to right (columns in reverse order)", flip_columns));
  out.push_back(transform_family("transpose", "mirror across the main diagonal", transpose));
  out.push_back(transform_family("anti_transpose", "mirror across the anti-diagonal", anti_transpose));
  out.push_back({"roll", "cyclic shift by a per-task vector of 0..3 rows and columns",
                 [](Rng& rng, const SideRange& sides) {
                   int down = 0, right = 0;
                   while (down == 0 && right == 0) {
                     down = rng.uniform(0, 3);
                     right = rng.uniform(0, 3);
                   }
                   const NoiseStyle style = draw_noise_style(rng);
                   Rule rule;
                   rule.apply = [down, right](const Grid& g) { return roll(g, down, right); };
                   // Sides above the shift keep it from wrapping all the way around.
                   const SideRange big{std::max(sides.min_side, std::max(down, right) + 1), sides.max_side};
                   rule.draw_input = [style, big](Rng& r) { return noise_input(r, big, style); };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
