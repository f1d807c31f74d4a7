// Line families: cells shoot rays to the border, span their row and column, or join their partner.
#include <algorithm>
#include <set>

#include "ttt/arc/generators/groups.h"
#include "ttt/arc/generators/grid_ops.h"
#include "ttt/arc/generators/sampling.h"

namespace ttt::arc::gen {

namespace {

const Cell kDirections[8] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}};

std::vector<Cell> foreground_cells(const Grid& g) {
  std::vector<Cell> cells;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != 0) cells.push_back({r, c});
  return cells;
}

// From each foreground cell, its color runs in `step` over background cells up to the border.
Grid rays(const Grid& g, const std::vector<Cell>& steps) {
  Grid out = g;
  for (const Cell& start : foreground_cells(g))
    for (const Cell& step : steps)
      for (int r = start.r + step.r, c = start.c + step.c; in_bounds(g, r, c); r += step.r, c += step.c)
        if (g.at(r, c) == 0) out.at(r, c) = g.at(start.r, start.c);
  return out;
}

// Each foreground cell fills its whole row, then (on top) its whole column, with its color.
Grid cross_lines(const Grid& g) {
  Grid out = g;
  const std::vector<Cell> cells = foreground_cells(g);
  for (const Cell& p : cells)
    for (int c = 0; c < g.width(); ++c) out.at(p.r, c) = g.at(p.r, p.c);
  for (const Cell& p : cells)
    for (int r = 0; r < g.height(); ++r) out.at(r, p.c) = g.at(p.r, p.c);
  return out;
}

// Two cells of one color in a row or column are joined by a line of that color.
Grid connect_pairs(const Grid& g) {
  Grid out = g;
  for (int color = 1; color < kNumColors; ++color) {
    std::vector<Cell> cells;
    for (const Cell& p : foreground_cells(g))
      if (g.at(p.r, p.c) == color) cells.push_back(p);
    if (cells.size() != 2 || (cells[0].r != cells[1].r && cells[0].c != cells[1].c)) continue;
    for (int r = cells[0].r; r <= cells[1].r; ++r)
      for (int c = std::min(cells[0].c, cells[1].c); c <= std::max(cells[0].c, cells[1].c); ++c)
        if (g.at(r, c) == 0) out.at(r, c) = static_cast<std::uint8_t>(color);
  }
  return out;
}

// Scattered single cells whose lanes for `step` differ, so no ray runs into another cell.
Grid pixels_in_separate_lanes(Rng& r, const SideRange& sides, const std::vector<int>& colors, Cell step, int most) {
  const int height = draw_side(r, sides, 3), width = draw_side(r, sides, 3);
  Grid g(height, width);
  std::set<int> lanes;
  for (int i = r.uniform(1, most); i > 0; --i) {
    const int row = r.uniform(0, height - 1), col = r.uniform(0, width - 1);
    const int lane = step.r == 0 ? row : step.c == 0 ? col : step.r == step.c ? row - col : row + col;
    if (!lanes.insert(lane).second) continue;
    g.at(row, col) = static_cast<std::uint8_t>(r.pick(colors));
  }
  return g;
}

}  // namespace

void add_line_families(std::vector<Family>& out) {
  out.push_back({"extend_rays", "every cell shoots a ray of its color to the border in one per-task direction",
                 [](Rng& rng, const SideRange& sides) {
                   const Cell step = kDirections[rng.uniform(0, 7)];
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [step](const Grid& g) { return rays(g, {step}); };
                   rule.draw_input = [=](Rng& r) { return pixels_in_separate_lanes(r, sides, colors, step, 5); };
                   return rule;
                 }});
  out.push_back({"cross_lines", "every cell fills its row and then its column with its color",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = cross_lines;
                   rule.draw_input = [=](Rng& r) {
                     // Distinct rows and columns: one line never covers another cell's origin.
                     Grid g = pixels_in_separate_lanes(r, sides, colors, {0, 1}, 4);
                     std::set<int> columns;
                     for (const Cell& p : foreground_cells(g))
                       redraw_if(!columns.insert(p.c).second, "two cells share a column");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"diagonal_rays", "every cell shoots rays of its color along both diagonals, to the border",
                 [](Rng& rng, const SideRange& sides) {
                   const std::vector<int> colors = rng.distinct_colors(rng.uniform(1, 3));
                   Rule rule;
                   rule.apply = [](const Grid& g) { return rays(g, {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}}); };
                   rule.draw_input = [=](Rng& r) {
                     // One color per grid, so crossing rays never disagree on a cell's color, and no
                     // two cells on one diagonal, so no ray runs into another cell.
                     Grid g = pixels_in_separate_lanes(r, sides, {r.pick(colors)}, {1, 1}, 3);
                     std::set<int> anti_diagonals;
                     for (const Cell& p : foreground_cells(g))
                       redraw_if(!anti_diagonals.insert(p.r + p.c).second, "two cells share a diagonal");
                     return g;
                   };
                   return rule;
                 }});
  out.push_back({"connect_pairs", "two cells of one color in a row or column are joined by a line of that color",
                 [](Rng& rng, const SideRange& sides) {
                   const int most_pairs = rng.uniform(1, 4);
                   Rule rule;
                   rule.apply = connect_pairs;
                   rule.draw_input = [=](Rng& r) {
                     const int height = draw_side(r, sides, 3), width = draw_side(r, sides, 3);
                     Grid g(height, width), used(height, width);
                     const std::vector<int> colors = r.distinct_colors(r.uniform(1, most_pairs));
                     for (int color : colors) {
                       const bool horizontal = r.chance(50);
                       const int length = r.uniform(3, horizontal ? width : height);
                       const int top = r.uniform(0, height - (horizontal ? 1 : length));
                       const int left = r.uniform(0, width - (horizontal ? length : 1));
                       const int end_r = horizontal ? top : top + length - 1;
                       const int end_c = horizontal ? left + length - 1 : left;
                       // Segments may not cross or touch, or one line would cut through another.
                       for (int rr = top - 1; rr <= end_r + 1; ++rr)
                         for (int cc = left - 1; cc <= end_c + 1; ++cc)
                           redraw_if(in_bounds(used, rr, cc) && used.at(rr, cc), "segments would touch");
                       for (int rr = top; rr <= end_r; ++rr)
                         for (int cc = left; cc <= end_c; ++cc) used.at(rr, cc) = 1;
                       g.at(top, left) = g.at(end_r, end_c) = static_cast<std::uint8_t>(color);
                     }
                     return g;
                   };
                   return rule;
                 }});
}

}  // namespace ttt::arc::gen
