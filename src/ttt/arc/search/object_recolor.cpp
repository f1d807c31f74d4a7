#include "ttt/arc/search/object_recolor.h"

#include "ttt/arc/search/primitives.h"

namespace ttt::arc::search {

namespace {

struct Property {
  const char* name;
  // The property value of pieces[i] among all pieces of its grid.
  std::vector<int> (*value)(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t bg);
};

std::vector<int> size_rank(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) {
  int larger = 0, smaller = 0;
  for (const Piece& p : pieces) larger += p.cells > pieces[i].cells, smaller += p.cells < pieces[i].cells;
  return {larger == 0 ? 2 : smaller == 0 ? 1 : 0};  // 2 largest, 1 smallest, 0 in between
}
std::vector<int> touches_border(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) {
  return {pieces[i].touches_border ? 1 : 0};
}
std::vector<int> has_hole(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) {
  const Grid& m = pieces[i].mask;
  return {fill_enclosed(m, 2, 0) != m ? 1 : 0};
}
std::vector<int> cell_count(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) { return {pieces[i].cells}; }
std::vector<int> box(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) {
  return {pieces[i].grid.height(), pieces[i].grid.width()};
}
std::vector<int> shape(const std::vector<Piece>& pieces, std::size_t i, std::uint8_t) {
  const Grid& m = pieces[i].mask;
  std::vector<int> v{m.height(), m.width()};
  v.insert(v.end(), m.cells().begin(), m.cells().end());
  return v;
}

const std::vector<Property>& properties() {
  static const std::vector<Property> list = {{"size_rank", size_rank}, {"touches_border", touches_border},
                                             {"has_hole", has_hole},   {"size", cell_count},
                                             {"box", box},             {"shape", shape}};
  return list;
}

constexpr Extractor kExtractors[] = {Extractor::kSameColor4, Extractor::kSameColor8, Extractor::kMultiColor8};

// Adds one demonstration to the table; false when it contradicts the table or changes a cell outside
// every object or recolors an object unevenly.
bool learn_pair(const Grid& produced, const Grid& truth, Extractor e, const Property& prop, std::uint8_t bg,
                std::map<std::vector<int>, std::uint8_t>& table) {
  const std::vector<Piece>& pieces = extract_cached(produced, e, bg);
  Grid covered(produced.height(), produced.width(), 0);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    int color = -1;
    for (int r = 0; r < p.mask.height(); ++r)
      for (int c = 0; c < p.mask.width(); ++c) {
        if (!p.mask.at(r, c)) continue;
        covered.at(p.top + r, p.left + c) = 1;
        const int v = truth.at(p.top + r, p.left + c);
        if (color >= 0 && v != color) return false;
        color = v;
      }
    const auto [it, inserted] = table.emplace(prop.value(pieces, i, bg), static_cast<std::uint8_t>(color));
    if (!inserted && it->second != color) return false;
  }
  for (int r = 0; r < produced.height(); ++r)
    for (int c = 0; c < produced.width(); ++c)
      if (!covered.at(r, c) && produced.at(r, c) != truth.at(r, c)) return false;
  return true;
}

}  // namespace

std::string ObjectRecolor::name() const {
  return std::string("recolor_objects(") + extractor_name(extractor) + ",by=" + properties()[property].name + ")";
}

std::optional<ObjectRecolor> learn_object_recolor(const std::vector<Grid>& produced, const std::vector<Grid>& truths,
                                                  const std::vector<Grid>& tests, std::uint8_t bg) {
  if (produced.size() != truths.size() || produced.empty()) return std::nullopt;
  for (std::size_t i = 0; i < produced.size(); ++i)
    if (produced[i].height() != truths[i].height() || produced[i].width() != truths[i].width()) return std::nullopt;
  for (Extractor e : kExtractors)
    for (std::size_t p = 0; p < properties().size(); ++p) {
      ObjectRecolor rule;
      rule.extractor = e;
      rule.property = static_cast<int>(p);
      bool ok = true;
      for (std::size_t i = 0; i < produced.size() && ok; ++i)
        ok = learn_pair(produced[i], truths[i], e, properties()[p], bg, rule.table);
      ok = ok && !rule.table.empty();
      for (std::size_t i = 0; i < tests.size() && ok; ++i) {
        const std::vector<Piece>& pieces = extract_cached(tests[i], e, bg);
        for (std::size_t k = 0; k < pieces.size() && ok; ++k) ok = rule.table.count(properties()[p].value(pieces, k, bg)) > 0;
      }
      if (ok) return rule;
    }
  return std::nullopt;
}

Grid apply_object_recolor(const ObjectRecolor& rule, const Grid& g, std::uint8_t bg) {
  Grid out = g;
  const std::vector<Piece> pieces = extract(g, rule.extractor, bg);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto it = rule.table.find(properties()[rule.property].value(pieces, i, bg));
    if (it != rule.table.end()) out = paint_piece(out, pieces[i], it->second);
  }
  return out;
}

}  // namespace ttt::arc::search
