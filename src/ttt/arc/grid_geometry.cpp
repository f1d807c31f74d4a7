#include "ttt/arc/grid_geometry.h"

#include "ttt/util/error.h"

namespace ttt::arc {

Grid rot90(const Grid& g, int quarter_turns) {
  const int k = ((quarter_turns % 4) + 4) % 4;
  const int h = g.height(), w = g.width();
  if (k == 0) return g;
  if (k == 2) {
    Grid out(h, w);
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) out.at(r, c) = g.at(h - 1 - r, w - 1 - c);
    return out;
  }
  Grid out(w, h);
  for (int r = 0; r < w; ++r)
    for (int c = 0; c < h; ++c)
      // One turn counter-clockwise: the last column becomes the first row. Three turns: the first
      // column, read bottom-up, becomes the first row.
      out.at(r, c) = k == 1 ? g.at(c, w - 1 - r) : g.at(h - 1 - c, r);
  return out;
}

Grid flip(const Grid& g, int axis) {
  TTT_CHECK(axis == 0 || axis == 1, "[arc] flip axis must be 0 or 1, got ", axis);
  Grid out(g.height(), g.width());
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      out.at(r, c) = axis == 0 ? g.at(g.height() - 1 - r, c) : g.at(r, g.width() - 1 - c);
  return out;
}

Grid transposed(const Grid& g) {
  Grid out(g.width(), g.height());
  for (int r = 0; r < g.width(); ++r)
    for (int c = 0; c < g.height(); ++c) out.at(r, c) = g.at(c, r);
  return out;
}

Grid reflected(const Grid& g, int axis, bool reverse) {
  TTT_CHECK(axis == 0 || axis == 1, "[arc] reflect axis must be 0 or 1, got ", axis);
  const Grid mirror = flip(g, axis);
  const Grid& first = reverse ? mirror : g;
  const Grid& second = reverse ? g : mirror;
  const int h = g.height(), w = g.width();
  Grid out(axis == 0 ? 2 * h : h, axis == 0 ? w : 2 * w);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      out.at(r, c) = first.at(r, c);
      if (axis == 0)
        out.at(h + r, c) = second.at(r, c);
      else
        out.at(r, w + c) = second.at(r, c);
    }
  return out;
}

Grid rolled(const Grid& g, int down, int right) {
  const int h = g.height(), w = g.width();
  if (h == 0 || w == 0) return g;
  const int dr = ((down % h) + h) % h, dc = ((right % w) + w) % w;
  Grid out(h, w);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) out.at((r + dr) % h, (c + dc) % w) = g.at(r, c);
  return out;
}

Grid scaled(const Grid& g, int row_factor, int column_factor) {
  TTT_CHECK(row_factor >= 1 && column_factor >= 1, "[arc] scale factors must be at least 1, got ", row_factor, "x",
            column_factor);
  Grid out(g.height() * row_factor, g.width() * column_factor);
  for (int r = 0; r < out.height(); ++r)
    for (int c = 0; c < out.width(); ++c) out.at(r, c) = g.at(r / row_factor, c / column_factor);
  return out;
}

Grid tiled(const Grid& g, int times_down, int times_right) {
  TTT_CHECK(times_down >= 1 && times_right >= 1, "[arc] tile counts must be at least 1, got ", times_down, "x",
            times_right);
  Grid out(g.height() * times_down, g.width() * times_right);
  for (int r = 0; r < out.height(); ++r)
    for (int c = 0; c < out.width(); ++c) out.at(r, c) = g.at(r % g.height(), c % g.width());
  return out;
}

Grid recolored(const Grid& g, const std::array<std::uint8_t, kNumColors>& map) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      TTT_CHECK(g.at(r, c) < kNumColors, "[arc] recolor: cell (", r, ", ", c, ") holds ", int(g.at(r, c)),
                ", colors are 0-9");
      out.at(r, c) = map[g.at(r, c)];
    }
  return out;
}

}  // namespace ttt::arc
