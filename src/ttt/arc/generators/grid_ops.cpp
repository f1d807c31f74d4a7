#include "ttt/arc/generators/grid_ops.h"

#include <algorithm>

#include "ttt/arc/grid_geometry.h"
#include "ttt/util/error.h"

namespace ttt::arc::gen {

bool in_bounds(const Grid& g, int r, int c) { return r >= 0 && c >= 0 && r < g.height() && c < g.width(); }

// Geometry lives in grid_geometry (shared with the augmenters); these names read better in rules.
Grid rotate_ccw(const Grid& g) { return rot90(g, 1); }
Grid rotate_180(const Grid& g) { return rot90(g, 2); }
Grid rotate_cw(const Grid& g) { return rot90(g, 3); }
Grid flip_rows(const Grid& g) { return flip(g, 0); }
Grid flip_columns(const Grid& g) { return flip(g, 1); }
Grid transpose(const Grid& g) { return transposed(g); }
Grid anti_transpose(const Grid& g) { return rot90(transposed(g), 2); }
Grid roll(const Grid& g, int down, int right) { return rolled(g, down, right); }

Grid hconcat(const Grid& left, const Grid& right) {
  TTT_CHECK(left.height() == right.height(), "[arc generate] hconcat of heights ", left.height(), " and ",
            right.height());
  Grid out(left.height(), left.width() + right.width());
  for (int r = 0; r < out.height(); ++r) {
    for (int c = 0; c < left.width(); ++c) out.at(r, c) = left.at(r, c);
    for (int c = 0; c < right.width(); ++c) out.at(r, left.width() + c) = right.at(r, c);
  }
  return out;
}

Grid vconcat(const Grid& top, const Grid& bottom) {
  TTT_CHECK(top.width() == bottom.width(), "[arc generate] vconcat of widths ", top.width(), " and ",
            bottom.width());
  Grid out(top.height() + bottom.height(), top.width());
  for (int c = 0; c < out.width(); ++c) {
    for (int r = 0; r < top.height(); ++r) out.at(r, c) = top.at(r, c);
    for (int r = 0; r < bottom.height(); ++r) out.at(top.height() + r, c) = bottom.at(r, c);
  }
  return out;
}

Grid crop(const Grid& g, int top, int left, int height, int width) {
  TTT_CHECK(top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= g.height() &&
                left + width <= g.width(),
            "[arc generate] crop ", height, "x", width, " at (", top, ",", left, ") outside a ", g.height(), "x",
            g.width(), " grid");
  Grid out(height, width);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) out.at(r, c) = g.at(top + r, left + c);
  return out;
}

Grid upscale(const Grid& g, int factor_rows, int factor_columns) { return scaled(g, factor_rows, factor_columns); }

Grid tile(const Grid& g, int times_down, int times_right) { return tiled(g, times_down, times_right); }

std::array<int, kNumColors> color_counts(const Grid& g) {
  std::array<int, kNumColors> counts{};
  for (auto v : g.cells()) ++counts[v];
  return counts;
}

std::vector<int> colors_used(const Grid& g, int background) {
  const auto counts = color_counts(g);
  std::vector<int> used;
  for (int color = 0; color < kNumColors; ++color)
    if (color != background && counts[color] > 0) used.push_back(color);
  return used;
}

std::vector<Object> find_objects(const Grid& g, int background, bool diagonal) {
  std::vector<Object> objects;
  std::vector<char> seen(g.cells().size(), 0);
  auto index = [&](int r, int c) { return static_cast<std::size_t>(r) * g.width() + c; };
  for (int r0 = 0; r0 < g.height(); ++r0) {
    for (int c0 = 0; c0 < g.width(); ++c0) {
      if (seen[index(r0, c0)] || g.at(r0, c0) == background) continue;
      Object obj;
      obj.color = g.at(r0, c0);
      obj.top = obj.bottom = r0;
      obj.left = obj.right = c0;
      std::vector<Cell> stack{{r0, c0}};
      seen[index(r0, c0)] = 1;
      while (!stack.empty()) {
        const Cell cell = stack.back();
        stack.pop_back();
        obj.cells.push_back(cell);
        obj.top = std::min(obj.top, cell.r);
        obj.bottom = std::max(obj.bottom, cell.r);
        obj.left = std::min(obj.left, cell.c);
        obj.right = std::max(obj.right, cell.c);
        for (int dr = -1; dr <= 1; ++dr) {
          for (int dc = -1; dc <= 1; ++dc) {
            if ((dr == 0 && dc == 0) || (!diagonal && dr != 0 && dc != 0)) continue;
            const int r = cell.r + dr, c = cell.c + dc;
            if (!in_bounds(g, r, c) || seen[index(r, c)] || g.at(r, c) != obj.color) continue;
            seen[index(r, c)] = 1;
            stack.push_back({r, c});
          }
        }
      }
      // Row-major cell order makes objects comparable independent of the search order.
      std::sort(obj.cells.begin(), obj.cells.end(),
                [](const Cell& a, const Cell& b) { return a.r != b.r ? a.r < b.r : a.c < b.c; });
      objects.push_back(std::move(obj));
    }
  }
  return objects;
}

int largest_object_index(const std::vector<Object>& objects) {
  int best = -1;
  bool tie = false;
  for (int i = 0; i < static_cast<int>(objects.size()); ++i) {
    if (best < 0 || objects[i].size() > objects[best].size()) {
      best = i;
      tie = false;
    } else if (objects[i].size() == objects[best].size()) {
      tie = true;
    }
  }
  return tie ? -1 : best;
}

bool content_box(const Grid& g, int background, int& top, int& left, int& bottom, int& right) {
  top = g.height();
  left = g.width();
  bottom = right = -1;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != background) {
        top = std::min(top, r);
        bottom = std::max(bottom, r);
        left = std::min(left, c);
        right = std::max(right, c);
      }
  return bottom >= 0;
}

}  // namespace ttt::arc::gen
