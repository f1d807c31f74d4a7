#include "ttt/arc/search/color_map.h"

namespace ttt::arc::search {

bool ColorMapLearner::add(const Grid& produced, const Grid& truth) {
  if (produced.height() != truth.height() || produced.width() != truth.width()) return false;
  const auto& from = produced.cells();
  const auto& to = truth.cells();
  for (std::size_t i = 0; i < from.size(); ++i) {
    std::uint8_t& target = map_[from[i]];
    if (target == kUnmapped) {
      target = to[i];
    } else if (target != to[i]) {
      return false;
    }
  }
  return true;
}

bool ColorMapLearner::is_identity() const {
  for (int c = 0; c < kNumColors; ++c)
    if (map_[c] != kUnmapped && map_[c] != c) return false;
  return true;
}

std::optional<ColorMap> learn_color_map(const std::vector<Grid>& produced, const std::vector<Grid>& truths) {
  if (produced.size() != truths.size()) return std::nullopt;
  ColorMapLearner learner;
  for (std::size_t i = 0; i < produced.size(); ++i)
    if (!learner.add(produced[i], truths[i])) return std::nullopt;
  return learner.map();
}

Grid apply_color_map(const Grid& g, const ColorMap& map) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (map[g.at(r, c)] != kUnmapped) out.at(r, c) = map[g.at(r, c)];
  return out;
}

std::string color_map_name(const ColorMap& map) {
  std::string name = "recolor{";
  bool first = true;
  for (int c = 0; c < kNumColors; ++c) {
    if (map[c] == kUnmapped || map[c] == c) continue;
    name += (first ? "" : ",") + std::to_string(c) + "->" + std::to_string(map[c]);
    first = false;
  }
  return name + "}";
}

}  // namespace ttt::arc::search
