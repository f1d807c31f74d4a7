// Pattern families (joint generators): a full periodic or symmetric picture is drawn first, then
// partly hidden; the output restores it (or just the hidden patch).
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// Fills the background (unknown) cells of a doubly periodic picture: finds the smallest tile
// (by area, then height) that agrees with every known cell and has every tile cell seen at least once.
// Leaves the grid as it is when no tile explains it.
Grid complete_periodic(const Grid& g) {
  const int h = g.height(), w = g.width();
  for (int area = 1; area <= h * w; ++area) {
    for (int p = 1; p <= std::min(h, area); ++p) {
      if (area % p != 0 || area / p > w) continue;
      const int q = area / p;
      std::vector<int> tile(static_cast<std::size_t>(area), -1);
      bool consistent = true;
      for (int r = 0; r < h && consistent; ++r)
        for (int c = 0; c < w && consistent; ++c) {
          if (g.at(r, c) == 0) continue;
          int& slot = tile[static_cast<std::size_t>((r % p) * q + c % q)];
          if (slot < 0) slot = g.at(r, c);
          consistent = slot == g.at(r, c);
        }
      if (!consistent || std::count(tile.begin(), tile.end(), -1) > 0) continue;
      Grid out(h, w);
      for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) out.at(r, c) = static_cast<std::uint8_t>(tile[(r % p) * q + c % q]);
      return out;
    }
  }
  return g;
}

Grid random_periodic(Rng& r, const SideRange& sides, const std::vector<int>& colors) {
  const int p = r.uniform(1, 4), q = r.uniform(1, 4);
  redraw_if(p * q < 2, "a 1x1 tile is no pattern");
  const int height = draw_side(r, sides, 2 * p + 1), width = draw_side(r, sides, 2 * q + 1);
  const Grid cell_tile = noise_grid(r, p, q, 0, colors, 100);
  return crop(tile(cell_tile, (height + p - 1) / p, (width + q - 1) / q), 0, 0, height, width);
}

void clear_rectangle(Grid& g, int top, int left, int height, int width, int color) {
  for (int r = top; r < top + height; ++r)
    for (int c = left; c < left + width; ++c) g.at(r, c) = static_cast<std::uint8_t>(color);
}

// Symmetry kinds: 0 mirror left-right, 1 mirror top-bottom, 2 both.
std::vector<Cell> mirror_images(int kind, int r, int c, int h, int w) {
  std::vector<Cell> images;
  if (kind != 1) images.push_back({r, w - 1 - c});
  if (kind != 0) images.push_back({h - 1 - r, c});
  if (kind == 2) images.push_back({h - 1 - r, w - 1 - c});
  return images;
}

// Cells of `mask` take the color of their first mirror image that is not masked.
Grid complete_symmetric(const Grid& g, int kind, int mask) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      if (g.at(r, c) != mask) continue;
      for (const Cell& m : mirror_images(kind, r, c, g.height(), g.width()))
        if (g.at(m.r, m.c) != mask) {
          out.at(r, c) = g.at(m.r, m.c);
          break;
        }
    }
  return out;
}

Grid random_symmetric(Rng& r, const SideRange& sides, int kind, const NoiseStyle& style) {
  const int height = draw_side(r, sides, 3), width = draw_side(r, sides, 3);
  Grid g = noise_grid(r, height, width, 0, style.colors, style.percent);
  for (int row = 0; row < height; ++row)
    for (int col = 0; col < width; ++col) {
      // Every cell copies the representative of its orbit: the one in the top-left part.
      const int src_r = kind != 0 ? std::min(row, height - 1 - row) : row;
      const int src_c = kind != 1 ? std::min(col, width - 1 - col) : col;
      g.at(row, col) = g.at(src_r, src_c);
    }
  return g;
}

// A random rectangle of up to a third of each side, in a random place.
void mask_rectangle(Rng& r, Grid& g, int color, Cell& corner, Cell& size) {
  size = {r.uniform(1, std::max(1, g.height() / 3)), r.uniform(1, std::max(1, g.width() / 3))};
  corner = {r.uniform(0, g.height() - size.r), r.uniform(0, g.width() - size.c)};
  clear_rectangle(g, corner.r, corner.c, size.r, size.c, color);
}

bool mask_box(const Grid& g, int mask, int& top, int& left, int& bottom, int& right) {
  top = g.height(), left = g.width(), bottom = right = -1;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) == mask) {
        top = std::min(top, r), left = std::min(left, c);
        bottom = std::max(bottom, r), right = std::max(right, c);
      }
  return bottom >= 0;
}

struct SymmetryParams {
  int kind;
  int mask;
  NoiseStyle style;
};

SymmetryParams draw_symmetry(Rng& rng) {
  const int kind = rng.uniform(0, 2);
  const int mask = rng.uniform(1, 9);
  return {kind, mask, NoiseStyle{rng.distinct_colors(rng.uniform(2, 4), {mask}), rng.uniform(50, 90)}};
}

}  // namespace

void add_pattern_families(std::vector<Family>& out) {
  out.push_back({"continue_pattern", "a periodic pattern cut off on one per-task side is continued to fill the grid",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 4));
                   const bool cut_columns = rng.chance(50);
                   Rule rule;
                   rule.apply = complete_periodic;
                   rule.draw_pair = [=](Rng& r) {
                     Pair pair;
                     pair.output = random_periodic(r, sides, colors);
                     pair.input = pair.output;
                     const Grid& g = pair.output;
                     if (cut_columns) {
                       const int keep = r.uniform(std::max(1, g.width() / 3), g.width() - 1);
                       clear_rectangle(pair.input, 0, keep, g.height(), g.width() - keep, 0);
                     } else {
                       const int keep = r.uniform(std::max(1, g.height() / 3), g.height() - 1);
                       clear_rectangle(pair.input, keep, 0, g.height() - keep, g.width(), 0);
                     }
                     return pair;
                   };
                   return rule;
                 }});
  out.push_back({"repair_pattern", "holes cut into a periodic pattern are filled back in",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 4));
                   Rule rule;
                   rule.apply = complete_periodic;
                   rule.draw_pair = [=](Rng& r) {
                     Pair pair;
                     pair.output = random_periodic(r, sides, colors);
                     pair.input = pair.output;
                     Cell corner, size;
                     for (int i = r.uniform(1, 3); i > 0; --i) mask_rectangle(r, pair.input, 0, corner, size);
                     return pair;
                   };
                   return rule;
                 }});
  out.push_back({"complete_symmetry", "a symmetric picture (per-task mirror axes) with a masked patch is restored",
                 [](Rng& rng, const SideRange& sides) {
                   const SymmetryParams s = draw_symmetry(rng);
                   Rule rule;
                   rule.apply = [s](const Grid& g) { return complete_symmetric(g, s.kind, s.mask); };
                   rule.draw_pair = [=](Rng& r) {
                     Pair pair;
                     pair.output = random_symmetric(r, sides, s.kind, s.style);
                     pair.input = pair.output;
                     Cell corner, size;
                     for (int i = r.uniform(1, 2); i > 0; --i) mask_rectangle(r, pair.input, s.mask, corner, size);
                     return pair;
                   };
                   return rule;
                 }});
  out.push_back({"symmetry_patch", "the output is what hides under the masked patch of a symmetric picture",
                 [](Rng& rng, const SideRange& sides) {
                   const SymmetryParams s = draw_symmetry(rng);
                   Rule rule;
                   rule.apply = [s](const Grid& g) {
                     int top, left, bottom, right;
                     if (!mask_box(g, s.mask, top, left, bottom, right)) return g;
                     return crop(complete_symmetric(g, s.kind, s.mask), top, left, bottom - top + 1, right - left + 1);
                   };
                   rule.draw_pair = [=](Rng& r) {
                     Pair pair;
                     const Grid full = random_symmetric(r, sides, s.kind, s.style);
                     pair.input = full;
                     Cell corner, size;
                     mask_rectangle(r, pair.input, s.mask, corner, size);
                     pair.output = crop(full, corner.r, corner.c, size.r, size.c);
                     return pair;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
