#include "ttt/arc/search/local_rule.h"

namespace ttt::arc::search {

namespace {

constexpr std::uint8_t kOutside = 10;  // a neighbour beyond the grid edge

struct Neighbourhood {
  const char* name;
  std::vector<std::pair<int, int>> offsets;  // (0, 0) first
};

const std::vector<Neighbourhood>& neighbourhoods() {
  static const std::vector<Neighbourhood> list = {
      {"cross", {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}}},
      {"3x3", {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}}},
  };
  return list;
}

std::vector<std::uint8_t> key(const Grid& g, int r, int c, const Neighbourhood& n) {
  std::vector<std::uint8_t> k;
  k.reserve(n.offsets.size());
  for (const auto& [dr, dc] : n.offsets) {
    const int rr = r + dr, cc = c + dc;
    k.push_back(rr < 0 || cc < 0 || rr >= g.height() || cc >= g.width() ? kOutside : g.at(rr, cc));
  }
  return k;
}

}  // namespace

std::string LocalRule::name() const { return std::string("local_rule(") + neighbourhoods()[neighbourhood].name + ")"; }

std::optional<LocalRule> learn_local_rule(const std::vector<Grid>& produced, const std::vector<Grid>& truths,
                                          const std::vector<Grid>& tests) {
  if (produced.size() != truths.size() || produced.empty()) return std::nullopt;
  for (std::size_t i = 0; i < produced.size(); ++i)
    if (produced[i].height() != truths[i].height() || produced[i].width() != truths[i].width()) return std::nullopt;
  for (std::size_t n = 0; n < neighbourhoods().size(); ++n) {
    LocalRule rule;
    rule.neighbourhood = static_cast<int>(n);
    bool ok = true;
    for (std::size_t i = 0; i < produced.size() && ok; ++i)
      for (int r = 0; r < produced[i].height() && ok; ++r)
        for (int c = 0; c < produced[i].width() && ok; ++c) {
          const auto [it, inserted] = rule.table.emplace(key(produced[i], r, c, neighbourhoods()[n]), truths[i].at(r, c));
          ok = inserted || it->second == truths[i].at(r, c);
        }
    for (std::size_t i = 0; i < tests.size() && ok; ++i)
      for (int r = 0; r < tests[i].height() && ok; ++r)
        for (int c = 0; c < tests[i].width() && ok; ++c) ok = rule.table.count(key(tests[i], r, c, neighbourhoods()[n])) > 0;
    if (ok) return rule;
  }
  return std::nullopt;
}

Grid apply_local_rule(const LocalRule& rule, const Grid& g) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      const auto it = rule.table.find(key(g, r, c, neighbourhoods()[rule.neighbourhood]));
      if (it != rule.table.end()) out.at(r, c) = it->second;
    }
  return out;
}

}  // namespace ttt::arc::search
