#pragma once
// Whole-grid rearrangements the augmenters are built from. Conventions follow numpy, the language of
// the paper's code: rot90 turns counter-clockwise, flip axis 0 reverses the rows, roll moves content
// down/right for positive shifts. Results may exceed 30×30; callers decide whether that is allowed.
#include <array>
#include <cstdint>

#include "ttt/arc/grid.h"

namespace ttt::arc {

// np.rot90(g, k): k quarter turns counter-clockwise (any integer k; negative turns clockwise).
Grid rot90(const Grid& g, int quarter_turns);
// np.flip(g, axis): axis 0 reverses the order of rows (upside down), axis 1 the order of columns.
Grid flip(const Grid& g, int axis);
Grid transposed(const Grid& g);
// [g; flip(g, 0)] for axis 0, [g | flip(g, 1)] for axis 1; the flipped copy comes first when reverse.
Grid reflected(const Grid& g, int axis, bool reverse);
// np.roll(g, (down, right), axis=(0, 1)): cyclic shift, any integers.
Grid rolled(const Grid& g, int down, int right);
// Each cell becomes a row_factor × column_factor block (np.repeat along both axes).
Grid scaled(const Grid& g, int row_factor, int column_factor);
// The grid tiled times_down × times_right.
Grid tiled(const Grid& g, int times_down, int times_right);
// Every cell c becomes map[c].
Grid recolored(const Grid& g, const std::array<std::uint8_t, kNumColors>& map);

}  // namespace ttt::arc
