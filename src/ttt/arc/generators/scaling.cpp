// Scaling families: blow cells up into blocks, shrink blocks back to cells, stretch one axis, and
// collapse repeated rows and columns.
#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// One cell per factor×factor block (its top-left cell).
Grid downscale(const Grid& g, int factor) {
  Grid out(std::max(1, g.height() / factor), std::max(1, g.width() / factor));
  for (int r = 0; r < out.height(); ++r)
    for (int c = 0; c < out.width(); ++c) out.at(r, c) = g.at(r * factor, c * factor);
  return out;
}

bool same_row(const Grid& g, int a, int b) {
  for (int c = 0; c < g.width(); ++c)
    if (g.at(a, c) != g.at(b, c)) return false;
  return true;
}

// Keeps the first of every run of identical consecutive rows.
Grid dedupe_rows(const Grid& g) {
  std::vector<int> kept;
  for (int r = 0; r < g.height(); ++r)
    if (r == 0 || !same_row(g, r, r - 1)) kept.push_back(r);
  Grid out(static_cast<int>(kept.size()), g.width());
  for (int i = 0; i < out.height(); ++i)
    for (int c = 0; c < g.width(); ++c) out.at(i, c) = g.at(kept[i], c);
  return out;
}

Grid dedupe_rows_and_columns(const Grid& g) { return transpose(dedupe_rows(transpose(dedupe_rows(g)))); }

// Repeats each row of g 1..max_repeat times (at least one row more than once).
Grid repeat_rows_randomly(Rng& rng, const Grid& g, int max_height) {
  std::vector<int> source;
  for (int r = 0; r < g.height(); ++r)
    for (int k = rng.uniform(1, 3); k > 0; --k) source.push_back(r);
  redraw_if(static_cast<int>(source.size()) > max_height, "stretched grid too tall");
  Grid out(static_cast<int>(source.size()), g.width());
  for (int i = 0; i < out.height(); ++i)
    for (int c = 0; c < g.width(); ++c) out.at(i, c) = g.at(source[i], c);
  return out;
}

}  // namespace

void add_scaling_families(std::vector<Family>& out) {
  out.push_back({"scale_up", "each cell becomes a factor x factor block (factor 2..4 per task)",
                 [](Rng& rng, const SideRange& sides) {
                   const int factor = rng.uniform(2, 4);
                   redraw_if(sides.max_side / factor < sides.min_side, "scale factor too large for the side range");
                   const NoiseStyle style = draw_noise_style(rng);
                   Rule rule;
                   rule.apply = [factor](const Grid& g) { return upscale(g, factor, factor); };
                   rule.draw_input = [=](Rng& r) {
                     return noise_input(r, sides, style, sides.max_side / factor, sides.max_side / factor);
                   };
                   return rule;
                 }});
  out.push_back({"scale_down", "each factor x factor block of one color becomes one cell (factor 2..4 per task)",
                 [](Rng& rng, const SideRange& sides) {
                   const int factor = rng.uniform(2, 4);
                   const NoiseStyle style = draw_noise_style(rng);
                   Rule rule;
                   rule.apply = [factor](const Grid& g) { return downscale(g, factor); };
                   rule.draw_input = [=](Rng& r) {
                     const SideRange small{(sides.min_side + factor - 1) / factor, sides.max_side / factor};
                     return upscale(noise_input(r, small, style), factor, factor);
                   };
                   return rule;
                 }});
  out.push_back({"stretch", "rows (or columns, per task) each repeated 2 or 3 times",
                 [](Rng& rng, const SideRange& sides) {
                   const int factor = rng.uniform(2, 3);
                   const bool rows = rng.chance(50);
                   const NoiseStyle style = draw_noise_style(rng);
                   Rule rule;
                   rule.apply = [=](const Grid& g) { return rows ? upscale(g, factor, 1) : upscale(g, 1, factor); };
                   rule.draw_input = [=](Rng& r) {
                     const int cap = sides.max_side / factor;
                     return noise_input(r, sides, style, rows ? cap : kMaxGridSide, rows ? kMaxGridSide : cap);
                   };
                   return rule;
                 }});
  out.push_back({"dedupe_rows_columns", "runs of identical consecutive rows and columns collapse to one",
                 [](Rng& rng, const SideRange& sides) {
                   const NoiseStyle style = draw_noise_style(rng, 2, 4, 40, 70);
                   Rule rule;
                   rule.apply = dedupe_rows_and_columns;
                   rule.draw_input = [=](Rng& r) {
                     const SideRange core_sides{std::max(1, sides.min_side / 2), std::max(1, sides.max_side / 2)};
                     const Grid core = noise_input(r, core_sides, style);
                     // The core must have no repeats of its own, or the output would not be the core.
                     redraw_if(dedupe_rows_and_columns(core) != core, "core grid has repeated rows or columns");
                     const Grid taller = repeat_rows_randomly(r, core, sides.max_side);
                     return transpose(repeat_rows_randomly(r, transpose(taller), sides.max_side));
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
