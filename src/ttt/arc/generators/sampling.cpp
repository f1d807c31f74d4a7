#include "ttt/arc/generators/sampling.h"

#include <algorithm>

namespace ttt::arc::gen {

namespace {

constexpr int kPlacementTries = 60;

bool fits_apart(const Grid& grid, const std::vector<Cell>& shape, int top, int left, int background) {
  for (const Cell& cell : shape) {
    const int r = top + cell.r, c = left + cell.c;
    if (!in_bounds(grid, r, c)) return false;
    for (int dr = -1; dr <= 1; ++dr)
      for (int dc = -1; dc <= 1; ++dc)
        if (in_bounds(grid, r + dr, c + dc) && grid.at(r + dr, c + dc) != background) return false;
  }
  return true;
}

void extent(const std::vector<Cell>& shape, int& height, int& width) {
  height = width = 0;
  for (const Cell& cell : shape) {
    height = std::max(height, cell.r + 1);
    width = std::max(width, cell.c + 1);
  }
}

}  // namespace

int draw_side(Rng& rng, const SideRange& range, int at_least, int at_most) {
  return rng.uniform(std::max(range.min_side, at_least), std::min(range.max_side, at_most));
}

Grid noise_grid(Rng& rng, int height, int width, int background, const std::vector<int>& colors, int percent) {
  Grid grid(height, width, static_cast<std::uint8_t>(background));
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c)
      if (rng.chance(percent)) grid.at(r, c) = static_cast<std::uint8_t>(rng.pick(colors));
  return grid;
}

NoiseStyle draw_noise_style(Rng& rng, int min_colors, int max_colors, int min_percent, int max_percent) {
  NoiseStyle style;
  style.colors = rng.distinct_colors(rng.uniform(min_colors, max_colors));
  style.percent = rng.uniform(min_percent, max_percent);
  return style;
}

Grid noise_input(Rng& rng, const SideRange& range, const NoiseStyle& style, int max_height, int max_width) {
  const int height = draw_side(rng, range, 1, max_height);
  const int width = draw_side(rng, range, 1, max_width);
  return noise_grid(rng, height, width, 0, style.colors, style.percent);
}

std::vector<Cell> random_shape(Rng& rng, int max_height, int max_width, int size) {
  redraw_if(size < 1 || size > max_height * max_width, "shape does not fit its box");
  Grid taken(max_height, max_width);
  std::vector<Cell> cells{{rng.uniform(0, max_height - 1), rng.uniform(0, max_width - 1)}};
  taken.at(cells[0].r, cells[0].c) = 1;
  while (static_cast<int>(cells.size()) < size) {
    // Grow from a random cell of the shape into a random free edge neighbour: stays 4-connected.
    std::vector<Cell> frontier;
    for (const Cell& cell : cells) {
      const Cell steps[4] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
      for (const Cell& s : steps) {
        const int r = cell.r + s.r, c = cell.c + s.c;
        if (in_bounds(taken, r, c) && !taken.at(r, c)) {
          taken.at(r, c) = 1;  // mark now so the frontier holds no duplicates
          frontier.push_back({r, c});
        }
      }
    }
    const Cell chosen = rng.pick(frontier);
    for (const Cell& f : frontier) taken.at(f.r, f.c) = 0;
    taken.at(chosen.r, chosen.c) = 1;
    cells.push_back(chosen);
  }
  int top = max_height, left = max_width;
  for (const Cell& cell : cells) {
    top = std::min(top, cell.r);
    left = std::min(left, cell.c);
  }
  for (Cell& cell : cells) {
    cell.r -= top;
    cell.c -= left;
  }
  return cells;
}

std::vector<Cell> rectangle_cells(int height, int width) {
  std::vector<Cell> cells;
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) cells.push_back({r, c});
  return cells;
}

std::vector<Cell> rectangle_outline(int height, int width) {
  std::vector<Cell> cells;
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c)
      if (r == 0 || c == 0 || r == height - 1 || c == width - 1) cells.push_back({r, c});
  return cells;
}

void paint(Grid& grid, const std::vector<Cell>& shape, int top, int left, int color) {
  for (const Cell& cell : shape) grid.at(top + cell.r, left + cell.c) = static_cast<std::uint8_t>(color);
}

Cell place_apart(Rng& rng, Grid& grid, const std::vector<Cell>& shape, int color, int background) {
  int h, w;
  extent(shape, h, w);
  redraw_if(h > grid.height() || w > grid.width(), "shape larger than the grid");
  for (int attempt = 0; attempt < kPlacementTries; ++attempt) {
    const int top = rng.uniform(0, grid.height() - h), left = rng.uniform(0, grid.width() - w);
    if (!fits_apart(grid, shape, top, left, background)) continue;
    paint(grid, shape, top, left, color);
    return {top, left};
  }
  redraw("no free room to place a shape");
}

Cell place_apart_on_border(Rng& rng, Grid& grid, const std::vector<Cell>& shape, int color, int background) {
  int h, w;
  extent(shape, h, w);
  redraw_if(h > grid.height() || w > grid.width(), "shape larger than the grid");
  for (int attempt = 0; attempt < kPlacementTries; ++attempt) {
    int top = rng.uniform(0, grid.height() - h), left = rng.uniform(0, grid.width() - w);
    switch (rng.uniform(0, 3)) {
      case 0: top = 0; break;
      case 1: top = grid.height() - h; break;
      case 2: left = 0; break;
      default: left = grid.width() - w; break;
    }
    if (!fits_apart(grid, shape, top, left, background)) continue;
    paint(grid, shape, top, left, color);
    return {top, left};
  }
  redraw("no free room on the border to place a shape");
}

Grid grid_with_objects(Rng& rng, int height, int width, int count, const std::vector<int>& colors, int min_size,
                       int max_size, int max_extent) {
  Grid grid(height, width);
  for (int i = 0; i < count; ++i) {
    const int box_h = std::min(max_extent, height), box_w = std::min(max_extent, width);
    const int size = rng.uniform(min_size, std::min(max_size, box_h * box_w));
    place_apart(rng, grid, random_shape(rng, box_h, box_w, size), rng.pick(colors), 0);
  }
  return grid;
}

}  // namespace ttt::arc::gen
