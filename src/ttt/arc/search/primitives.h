#pragma once
// Whole-grid primitives of the program-search DSL (the geometric ones — rotations, flips, transpose,
// scaling, tiling, mirror-extension — live in ttt/arc/grid_geometry.h and are reused, not repeated).
// Every function is pure; those that can be undefined for an input return nullopt instead of a guess.
// `bg` is the background color (0 in almost every ARC task).
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc::search {

enum class Side { kUp, kDown, kLeft, kRight };

// The bounding box of all cells != bg, cut out; nullopt when every cell is bg.
std::optional<Grid> crop_to_content(const Grid& g, std::uint8_t bg);
// The most frequent color (ties: the smaller color).
std::uint8_t majority_color(const Grid& g);
// Inverse of scaled(): each row_factor×column_factor block must be one color; nullopt otherwise.
std::optional<Grid> scale_down(const Grid& g, int row_factor, int column_factor);
// Every cell != bg slides towards `side` as far as it can (cells keep their order in the row/column).
Grid gravity(const Grid& g, Side side, std::uint8_t bg);
// Content moved by (down, right); cells leaving the grid are lost, vacated cells become bg.
Grid shifted(const Grid& g, int down, int right, std::uint8_t bg);
// The outermost ring of cells painted `color`.
Grid with_border(const Grid& g, std::uint8_t color);
// bg cells that cannot reach the grid edge through 4-connected bg cells become `color`.
Grid fill_enclosed(const Grid& g, std::uint8_t color, std::uint8_t bg);
// bg cells 8-adjacent to a non-bg cell become `color` (a halo around every object).
Grid outline_objects(const Grid& g, std::uint8_t color, std::uint8_t bg);
// Non-bg cells whose four neighbours are all non-bg (inside the grid) become bg: solid shapes go hollow.
Grid hollow(const Grid& g, std::uint8_t bg);
// Non-bg cells without any non-bg neighbour (diagonals included) become bg.
Grid remove_isolated(const Grid& g, std::uint8_t bg);
// `top` laid over `bottom` (same shape): bottom shows where top is bg. nullopt when shapes differ.
std::optional<Grid> overlay(const Grid& top, const Grid& bottom, std::uint8_t bg);
// Cells of `color` become bg / every other cell becomes bg.
Grid remove_color(const Grid& g, std::uint8_t color, std::uint8_t bg);
Grid keep_color(const Grid& g, std::uint8_t color, std::uint8_t bg);
// Every non-bg cell takes the grid's most frequent non-bg color; nullopt for an all-bg grid.
std::optional<Grid> fill_majority_foreground(const Grid& g, std::uint8_t bg);
// Runs of identical consecutive rows, then columns, collapse to one; nullopt when nothing collapses.
std::optional<Grid> dedupe_rows_columns(const Grid& g);
// Each non-bg cell replaced by a copy of the whole grid, each bg cell by a bg block (the "fractal"
// Kronecker product); nullopt when the result would exceed 30×30.
std::optional<Grid> self_tile(const Grid& g, std::uint8_t bg);

// Full rows/columns of one color that cut the grid into a regular lattice of equal-size cells. The
// separator color is the one giving the most cells; nullopt when no color does (at least 2 cells).
struct Lattice {
  std::uint8_t separator = 0;
  std::vector<Grid> cells;  // row-major order
  int rows = 0, columns = 0;
};
std::optional<Lattice> split_by_separators(const Grid& g);
// Two parts along `axis` (0: top/bottom, 1: left/right): the two cells of a 2-cell lattice along that
// axis when separators exist, else the two halves (an odd side's middle line is dropped).
std::optional<std::pair<Grid, Grid>> split_in_two(const Grid& g, int axis);

enum class Logic { kAnd, kOr, kXor, kNor, kLeftOnly };
// Cellwise logic over "cell != bg" of two same-shape grids: 1 where true, bg where false (a learned
// color map later gives the 1 its real color). nullopt when shapes differ.
std::optional<Grid> combine(const Grid& a, const Grid& b, Logic op, std::uint8_t bg);

// Every non-bg cell paints the bg cells towards `side` with its color, up to the border or the first
// non-bg cell.
Grid extend_rays(const Grid& g, Side side, std::uint8_t bg);
// Two cells of one color in a row (or column), with only bg between them, are joined by a line of
// that color.
Grid connect_pairs(const Grid& g, bool along_rows, std::uint8_t bg);
// Cellwise logic / overlay across every cell of a lattice (split_by_separators), in reading order;
// nullopt for fewer than two cells. kOr keeps colors: each later cell is laid under the earlier ones.
std::optional<Grid> reduce_lattice(const Grid& g, Logic op, std::uint8_t bg);

// Cells of color `hole` are unknown: the smallest tiling period (rows × columns, by area) that every
// known cell agrees with fills them in. nullopt when there is no hole, no period smaller than the grid
// fits, or some cell class is all holes.
std::optional<Grid> repair_periodic(const Grid& g, std::uint8_t hole);
enum class Symmetry { kFlipRows, kFlipColumns, kBothFlips, kRot180, kTranspose };
// Cells of color `hole` take the color of their first known mirror image under the symmetry group;
// nullopt when no hole gets filled (or kTranspose on a non-square grid).
std::optional<Grid> fill_by_symmetry(const Grid& g, Symmetry s, std::uint8_t hole);

// Colors present in g, as a bit set (bit c for color c).
std::uint16_t color_set(const Grid& g);

}  // namespace ttt::arc::search
