#pragma once
// Random inputs the families share: sides within the user's range, noise, connected shapes and
// objects placed apart from each other. All draws go through Rng; impossible requests throw Redraw.
#include <vector>

#include "ttt/arc/generators/family.h"
#include "ttt/arc/generators/grid_ops.h"

namespace ttt::arc::gen {

// A side in [max(range.min_side, at_least), min(range.max_side, at_most)].
int draw_side(Rng& rng, const SideRange& range, int at_least = 1, int at_most = kMaxGridSide);

// Each cell is one of `colors` with probability percent/100, else `background`.
Grid noise_grid(Rng& rng, int height, int width, int background, const std::vector<int>& colors, int percent);

// A 4-connected set of `size` cells that fits in max_height × max_width, shifted so its bounding box
// starts at (0, 0).
std::vector<Cell> random_shape(Rng& rng, int max_height, int max_width, int size);

std::vector<Cell> rectangle_cells(int height, int width);
std::vector<Cell> rectangle_outline(int height, int width);

// Paints `shape` at a random free position of `grid` where neither the shape nor its 8 neighbours
// touch a non-background cell, so every placed shape stays its own object. Returns the top-left
// corner; throws Redraw after a bounded number of misses.
Cell place_apart(Rng& rng, Grid& grid, const std::vector<Cell>& shape, int color, int background);

// Like place_apart, but the shape must touch the grid border.
Cell place_apart_on_border(Rng& rng, Grid& grid, const std::vector<Cell>& shape, int color, int background);

// `count` random shapes of size min_size..max_size (each within a max_extent square), colors drawn
// from `colors`, placed apart on a background grid.
Grid grid_with_objects(Rng& rng, int height, int width, int count, const std::vector<int>& colors, int min_size,
                       int max_size, int max_extent = 4);

// Per-task look of noise inputs: 1–4 foreground colors and a density.
struct NoiseStyle {
  std::vector<int> colors;
  int percent = 40;
};
NoiseStyle draw_noise_style(Rng& rng, int min_colors = 1, int max_colors = 4, int min_percent = 15,
                            int max_percent = 70);
// A noise grid with sides drawn from `range`, capped at the given maxima.
Grid noise_input(Rng& rng, const SideRange& range, const NoiseStyle& style, int max_height = kMaxGridSide,
                 int max_width = kMaxGridSide);

void paint(Grid& grid, const std::vector<Cell>& shape, int top, int left, int color);

}  // namespace ttt::arc::gen
