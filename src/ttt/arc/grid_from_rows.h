#pragma once
// Shared last step of the generated-output parsers (tokens and text): rows of already-checked colors
// become a Grid only when they form a valid ARC grid. Malformed model output is expected, not
// exceptional, so the answer is nullopt rather than an error.
#include <cstdint>
#include <optional>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc {

// nullopt when there are no rows, a row is empty, rows differ in width, or a side exceeds 30.
inline std::optional<Grid> grid_from_cell_rows(const std::vector<std::vector<std::uint8_t>>& rows) {
  if (rows.empty() || rows.size() > static_cast<std::size_t>(kMaxGridSide)) return std::nullopt;
  const std::size_t width = rows[0].size();
  if (width == 0 || width > static_cast<std::size_t>(kMaxGridSide)) return std::nullopt;
  Grid grid(static_cast<int>(rows.size()), static_cast<int>(width));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != width) return std::nullopt;
    for (std::size_t c = 0; c < width; ++c) grid.at(static_cast<int>(r), static_cast<int>(c)) = rows[r][c];
  }
  return grid;
}

}  // namespace ttt::arc
