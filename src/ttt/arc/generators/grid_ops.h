#pragma once
// Whole-grid operations the generator families are built from: geometry, concatenation, scaling,
// color counts and connected objects. Plain functions on Grid, no randomness.
#include <array>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc::gen {

struct Cell {
  int r = 0;
  int c = 0;
};

// Geometry. rotate_ccw matches numpy's rot90 (counter-clockwise), as in the augmenters of the spec.
Grid rotate_ccw(const Grid& g);
Grid rotate_180(const Grid& g);
Grid rotate_cw(const Grid& g);
Grid flip_rows(const Grid& g);     // rows in reverse order (numpy flipud)
Grid flip_columns(const Grid& g);  // columns in reverse order (numpy fliplr)
Grid transpose(const Grid& g);
Grid anti_transpose(const Grid& g);  // mirror across the anti-diagonal
Grid roll(const Grid& g, int down, int right);  // cyclic shift

Grid hconcat(const Grid& left, const Grid& right);
Grid vconcat(const Grid& top, const Grid& bottom);
Grid crop(const Grid& g, int top, int left, int height, int width);
Grid upscale(const Grid& g, int factor_rows, int factor_columns);  // each cell → a block
Grid tile(const Grid& g, int times_down, int times_right);

// Cells per color.
std::array<int, kNumColors> color_counts(const Grid& g);
// Colors other than `background` that occur, ascending.
std::vector<int> colors_used(const Grid& g, int background = 0);

// A connected set of cells of one color.
struct Object {
  int color = 0;
  std::vector<Cell> cells;  // in row-major discovery order
  int top = 0, left = 0, bottom = 0, right = 0;  // inclusive bounding box
  int size() const { return static_cast<int>(cells.size()); }
  int height() const { return bottom - top + 1; }
  int width() const { return right - left + 1; }
};

// Single-colored connected components of non-background cells, in row-major order of their first cell.
// `diagonal` joins cells that touch at a corner (8-connectivity) as well as at an edge.
std::vector<Object> find_objects(const Grid& g, int background, bool diagonal);

// Index of the one object strictly larger than every other, or -1 (no objects, or a tie).
int largest_object_index(const std::vector<Object>& objects);

// Bounding box of all non-background cells; false when there are none.
bool content_box(const Grid& g, int background, int& top, int& left, int& bottom, int& right);

bool in_bounds(const Grid& g, int r, int c);

}  // namespace ttt::arc::gen
