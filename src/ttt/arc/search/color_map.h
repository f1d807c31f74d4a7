#pragma once
// The last, optional step of every program: a color map learned from the demonstrations. It exists
// when each color of the produced grids always turns into the same color of the true outputs (same
// shapes required); colors never seen in the demonstrations keep their color.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc::search {

inline constexpr std::uint8_t kUnmapped = 255;

// map[c] = the color c becomes, or kUnmapped for colors the demonstrations never showed.
using ColorMap = std::array<std::uint8_t, kNumColors>;

class ColorMapLearner {
 public:
  ColorMapLearner() { map_.fill(kUnmapped); }
  // Adds one (produced, truth) pair; false (and the learner is then spent) on a shape mismatch or a
  // color that would need two targets.
  bool add(const Grid& produced, const Grid& truth);
  const ColorMap& map() const { return map_; }
  // Every mapped color maps to itself: the program needs no recolor step.
  bool is_identity() const;

 private:
  ColorMap map_;
};

std::optional<ColorMap> learn_color_map(const std::vector<Grid>& produced, const std::vector<Grid>& truths);
// Unmapped colors stay.
Grid apply_color_map(const Grid& g, const ColorMap& map);
// "recolor{1->2,3->0}": only the colors that change.
std::string color_map_name(const ColorMap& map);

}  // namespace ttt::arc::search
