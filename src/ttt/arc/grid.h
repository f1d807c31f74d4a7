#pragma once
// An ARC grid: H×W cells holding colors 0–9, stored row-major. Value type: cheap to copy, comparable,
// hashable (voting counts identical grids).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ttt::arc {

inline constexpr int kMaxGridSide = 30;
inline constexpr int kNumColors = 10;

class Grid {
 public:
  Grid() = default;
  Grid(int height, int width, std::uint8_t fill = 0)
      : height_(height), width_(width), cells_(static_cast<std::size_t>(height) * width, fill) {}
  // From rows of ints; the caller has validated them (see task_io for the validating parser).
  static Grid from_rows(const std::vector<std::vector<int>>& rows) {
    Grid g(static_cast<int>(rows.size()), rows.empty() ? 0 : static_cast<int>(rows[0].size()));
    for (int r = 0; r < g.height_; ++r)
      for (int c = 0; c < g.width_; ++c) g.at(r, c) = static_cast<std::uint8_t>(rows[r][c]);
    return g;
  }
  std::vector<std::vector<int>> to_rows() const {
    std::vector<std::vector<int>> rows(height_, std::vector<int>(width_));
    for (int r = 0; r < height_; ++r)
      for (int c = 0; c < width_; ++c) rows[r][c] = at(r, c);
    return rows;
  }

  int height() const { return height_; }
  int width() const { return width_; }
  bool empty() const { return cells_.empty(); }
  std::uint8_t& at(int r, int c) { return cells_[static_cast<std::size_t>(r) * width_ + c]; }
  std::uint8_t at(int r, int c) const { return cells_[static_cast<std::size_t>(r) * width_ + c]; }
  const std::vector<std::uint8_t>& cells() const { return cells_; }

  bool operator==(const Grid& o) const { return height_ == o.height_ && width_ == o.width_ && cells_ == o.cells_; }
  bool operator!=(const Grid& o) const { return !(*this == o); }
  // Total order (shape, then cells) for deterministic tie-breaking and std::map keys.
  bool operator<(const Grid& o) const {
    if (height_ != o.height_) return height_ < o.height_;
    if (width_ != o.width_) return width_ < o.width_;
    return cells_ < o.cells_;
  }

 private:
  int height_ = 0;
  int width_ = 0;
  std::vector<std::uint8_t> cells_;
};

struct GridHash {
  std::size_t operator()(const Grid& g) const {
    std::size_t h = std::hash<int>()(g.height() * 31 + g.width());
    for (auto v : g.cells()) h = h * 1099511628211ULL ^ v;
    return h;
  }
};

}  // namespace ttt::arc
