// Outline families: hollow out shapes, surround objects, box them, frame the grid.
#include <algorithm>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

// A cell is interior when all eight neighbours exist and share its color.
Grid hollow(const Grid& g) {
  Grid out = g;
  for (int r = 1; r + 1 < g.height(); ++r)
    for (int c = 1; c + 1 < g.width(); ++c) {
      if (g.at(r, c) == 0) continue;
      bool interior = true;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) interior = interior && g.at(r + dr, c + dc) == g.at(r, c);
      if (interior) out.at(r, c) = 0;
    }
  return out;
}

// Background cells touching a foreground cell (diagonals included) take `color`.
Grid halo(const Grid& g, int color) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      if (g.at(r, c) != 0) continue;
      bool near = false;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) near = near || (in_bounds(g, r + dr, c + dc) && g.at(r + dr, c + dc) != 0);
      if (near) out.at(r, c) = static_cast<std::uint8_t>(color);
    }
  return out;
}

// The rectangle one cell outside each object's bounding box, drawn on background cells.
Grid bounding_boxes(const Grid& g, int color) {
  Grid out = g;
  for (const Object& obj : find_objects(g, 0, true))
    for (int r = obj.top - 1; r <= obj.bottom + 1; ++r)
      for (int c = obj.left - 1; c <= obj.right + 1; ++c) {
        const bool ring = r == obj.top - 1 || r == obj.bottom + 1 || c == obj.left - 1 || c == obj.right + 1;
        if (ring && in_bounds(g, r, c) && g.at(r, c) == 0) out.at(r, c) = static_cast<std::uint8_t>(color);
      }
  return out;
}

Grid frame(const Grid& g, int color) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (r == 0 || c == 0 || r == g.height() - 1 || c == g.width() - 1) out.at(r, c) = static_cast<std::uint8_t>(color);
  return out;
}

// Objects with a free ring around each that stays inside the grid and touches no other object's
// ring, so outlines and boxes come out as clean separate frames.
Grid spaced_objects(Rng& r, const SideRange& sides, const std::vector<int>& colors, int max_size) {
  const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
  Grid g(height, width), reserved(height, width);
  const int count = r.uniform(1, std::max(1, std::min(4, height * width / 30)));
  for (int i = 0; i < count; ++i) {
    const auto shape = random_shape(r, 3, 3, r.uniform(1, max_size));
    // Reserve the shape grown by one cell; reservations are kept apart by place_apart.
    std::vector<Cell> grown;
    for (const Cell& cell : shape)
      for (int dr = 0; dr <= 2; ++dr)
        for (int dc = 0; dc <= 2; ++dc) grown.push_back({cell.r + dr, cell.c + dc});
    const Cell at = place_apart(r, reserved, grown, 1, 0);
    paint(g, shape, at.r + 1, at.c + 1, r.pick(colors));
  }
  return g;
}

}  // namespace

void add_outline_families(std::vector<Family>& out) {
  out.push_back({"hollow_rectangles", "filled rectangles keep only their outline",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = hollow;
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 5), width = draw_side(r, sides, 5);
                     Grid g(height, width);
                     for (int i = r.uniform(1, std::max(1, std::min(4, height * width / 40))); i > 0; --i) {
                       const int h = r.uniform(3, std::min(8, height)), w = r.uniform(3, std::min(8, width));
                       place_apart(r, g, rectangle_cells(h, w), r.pick(colors), 0);
                     }
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"outline_objects", "background cells around every object (diagonals too) take a per-task color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 3));  // [0] outline
                   const std::vector<int> object_colors(colors.begin() + 1, colors.end());
                   Rule rule;
                   rule.apply = [color = colors[0]](const Grid& g) { return halo(g, color); };
                   rule.draw_input = [=](Rng& r) { return spaced_objects(r, sides, object_colors, 6); };
                   return rule;
                 }});
  out.push_back({"draw_bounding_boxes", "a per-task color draws the box one cell outside each object",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 3));
                   const std::vector<int> object_colors(colors.begin() + 1, colors.end());
                   Rule rule;
                   rule.apply = [color = colors[0]](const Grid& g) { return bounding_boxes(g, color); };
                   rule.draw_input = [=](Rng& r) { return spaced_objects(r, sides, object_colors, 7); };
                   return rule;
                 }});
  out.push_back({"draw_border", "the outermost ring of cells takes a per-task color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(2, 4));
                   const NoiseStyle style{std::vector<int>(colors.begin() + 1, colors.end()), rng.uniform(10, 50)};
                   Rule rule;
                   rule.apply = [color = colors[0]](const Grid& g) { return frame(g, color); };
                   rule.draw_input = [=](Rng& r) { return noise_input(r, sides, style); };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
