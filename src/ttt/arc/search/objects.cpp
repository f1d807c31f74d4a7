#include "ttt/arc/search/objects.h"

#include <algorithm>
#include <functional>
#include <map>

#include "ttt/arc/search/primitives.h"

namespace ttt::arc::search {

const char* extractor_name(Extractor e) {
  switch (e) {
    case Extractor::kSameColor4: return "objects4";
    case Extractor::kSameColor8: return "objects8";
    case Extractor::kMultiColor8: return "multicolor_objects";
    case Extractor::kLatticeCells: return "lattice_cells";
  }
  return "?";
}

const char* selector_name(Selector s) {
  switch (s) {
    case Selector::kLargest: return "largest";
    case Selector::kSmallest: return "smallest";
    case Selector::kLargestBox: return "largest_box";
    case Selector::kUniqueColor: return "unique_color";
    case Selector::kUniqueShape: return "unique_shape";
    case Selector::kMostColors: return "most_colors";
    case Selector::kBorderOddOne: return "border_odd_one";
  }
  return "?";
}

std::vector<Piece> components(const Grid& g, bool eight, bool multicolor, std::uint8_t bg) {
  const int h = g.height(), w = g.width();
  std::vector<int> label(static_cast<std::size_t>(h) * w, -1);
  std::vector<Piece> pieces;
  std::vector<int> members, stack;
  for (int start = 0; start < h * w; ++start) {
    if (label[start] >= 0 || g.cells()[start] == bg) continue;
    const std::uint8_t color = g.cells()[start];
    const int id = static_cast<int>(pieces.size());
    members.clear();
    stack.assign(1, start);
    label[start] = id;
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      members.push_back(i);
      const int r = i / w, c = i % w;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          if ((dr == 0 && dc == 0) || (!eight && dr != 0 && dc != 0)) continue;
          const int rr = r + dr, cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= h || cc >= w) continue;
          const int j = rr * w + cc;
          const std::uint8_t v = g.cells()[j];
          if (label[j] >= 0 || v == bg || (!multicolor && v != color)) continue;
          label[j] = id;
          stack.push_back(j);
        }
    }
    int top = h, bottom = 0, left = w, right = 0;
    for (int i : members) {
      top = std::min(top, i / w), bottom = std::max(bottom, i / w);
      left = std::min(left, i % w), right = std::max(right, i % w);
    }
    Piece p;
    p.top = top, p.left = left;
    p.grid = Grid(bottom - top + 1, right - left + 1, bg);
    p.mask = Grid(p.grid.height(), p.grid.width(), 0);
    for (int i : members) {
      const std::uint8_t v = g.cells()[i];
      p.grid.at(i / w - top, i % w - left) = v;
      p.mask.at(i / w - top, i % w - left) = 1;
      p.colors = static_cast<std::uint16_t>(p.colors | (1u << v));
    }
    p.cells = static_cast<int>(members.size());
    p.touches_border = top == 0 || left == 0 || bottom == h - 1 || right == w - 1;
    pieces.push_back(std::move(p));
  }
  return pieces;
}

namespace {
// The search asks for the pieces of the same few grids once per selector and per use (crop, keep,
// erase, paint): a small per-thread cache of recent extractions saves most of that work. Entries are
// matched on the whole grid, so a hit is always exact.
struct CachedPieces {
  Extractor extractor;
  std::uint8_t bg;
  std::size_t hash;
  Grid grid;
  std::vector<Piece> pieces;
};
constexpr std::size_t kCacheSize = 48;
thread_local std::vector<CachedPieces> cache;
thread_local std::size_t cache_next = 0;
}  // namespace

const std::vector<Piece>& extract_cached(const Grid& g, Extractor e, std::uint8_t bg) {
  const std::size_t hash = GridHash()(g);
  for (const CachedPieces& c : cache)
    if (c.hash == hash && c.extractor == e && c.bg == bg && c.grid == g) return c.pieces;
  CachedPieces entry{e, bg, hash, g, extract(g, e, bg)};
  if (cache.size() < kCacheSize) {
    cache.push_back(std::move(entry));
    return cache.back().pieces;
  }
  cache[cache_next] = std::move(entry);
  const std::size_t slot = cache_next;
  cache_next = (cache_next + 1) % kCacheSize;
  return cache[slot].pieces;
}

std::vector<Piece> extract(const Grid& g, Extractor e, std::uint8_t bg) {
  switch (e) {
    case Extractor::kSameColor4: return components(g, false, false, bg);
    case Extractor::kSameColor8: return components(g, true, false, bg);
    case Extractor::kMultiColor8: return components(g, true, true, bg);
    case Extractor::kLatticeCells: break;
  }
  std::vector<Piece> pieces;
  const auto lattice = split_by_separators(g);
  if (!lattice) return pieces;
  const int ch = lattice->cells[0].height(), cw = lattice->cells[0].width();
  const int gap_r = lattice->rows > 1 ? (g.height() - lattice->rows * ch) / (lattice->rows - 1) : 0;
  const int gap_c = lattice->columns > 1 ? (g.width() - lattice->columns * cw) / (lattice->columns - 1) : 0;
  for (std::size_t i = 0; i < lattice->cells.size(); ++i) {
    Piece p;
    const Grid& cell = lattice->cells[i];
    const int row = static_cast<int>(i) / lattice->columns, column = static_cast<int>(i) % lattice->columns;
    p.top = row * (ch + gap_r), p.left = column * (cw + gap_c);
    p.grid = cell;
    p.mask = Grid(ch, cw, 0);
    for (int r = 0; r < ch; ++r)
      for (int c = 0; c < cw; ++c)
        if (cell.at(r, c) != bg) {
          p.mask.at(r, c) = 1;
          ++p.cells;
          p.colors = static_cast<std::uint16_t>(p.colors | (1u << cell.at(r, c)));
        }
    p.touches_border = row == 0 || column == 0 || row == lattice->rows - 1 || column == lattice->columns - 1;
    pieces.push_back(std::move(p));
  }
  return pieces;
}

namespace {
int popcount(std::uint16_t x) {
  int n = 0;
  for (; x; x &= x - 1) ++n;
  return n;
}

// The unique index maximizing key; nullopt on a tie.
std::optional<std::size_t> unique_best(const std::vector<Piece>& pieces, const std::function<long(const Piece&)>& key) {
  std::optional<std::size_t> best;
  bool tie = false;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (!best || key(pieces[i]) > key(pieces[*best])) {
      best = i, tie = false;
    } else if (key(pieces[i]) == key(pieces[*best])) {
      tie = true;
    }
  }
  if (tie) return std::nullopt;
  return best;
}

// The one piece whose property value no other piece shares.
template <typename Key>
std::optional<std::size_t> unique_by(const std::vector<Piece>& pieces, const std::function<Key(const Piece&)>& key) {
  std::map<Key, int> counts;
  for (const Piece& p : pieces) ++counts[key(p)];
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < pieces.size(); ++i)
    if (counts[key(pieces[i])] == 1) {
      if (found) return std::nullopt;
      found = i;
    }
  return found;
}
}  // namespace

std::optional<std::size_t> select_piece(const std::vector<Piece>& pieces, Selector s) {
  if (pieces.size() < 2) return std::nullopt;
  switch (s) {
    case Selector::kLargest: return unique_best(pieces, [](const Piece& p) { return long{p.cells}; });
    case Selector::kSmallest: return unique_best(pieces, [](const Piece& p) { return -long{p.cells}; });
    case Selector::kLargestBox:
      return unique_best(pieces, [](const Piece& p) { return long{p.grid.height()} * p.grid.width(); });
    case Selector::kMostColors: return unique_best(pieces, [](const Piece& p) { return long{popcount(p.colors)}; });
    case Selector::kUniqueColor: return unique_by<int>(pieces, [](const Piece& p) { return int{p.colors}; });
    case Selector::kUniqueShape: return unique_by<Grid>(pieces, [](const Piece& p) { return p.mask; });
    case Selector::kBorderOddOne: return unique_by<int>(pieces, [](const Piece& p) { return p.touches_border ? 1 : 0; });
  }
  return std::nullopt;
}

Grid erase_piece(const Grid& g, const Piece& p, std::uint8_t bg) {
  Grid out = g;
  for (int r = 0; r < p.mask.height(); ++r)
    for (int c = 0; c < p.mask.width(); ++c)
      if (p.mask.at(r, c)) out.at(p.top + r, p.left + c) = bg;
  return out;
}

Grid keep_piece(const Grid& g, const Piece& p, std::uint8_t bg) {
  Grid out(g.height(), g.width(), bg);
  for (int r = 0; r < p.mask.height(); ++r)
    for (int c = 0; c < p.mask.width(); ++c)
      if (p.mask.at(r, c)) out.at(p.top + r, p.left + c) = g.at(p.top + r, p.left + c);
  return out;
}

Grid erase_border_pieces(const Grid& g, const std::vector<Piece>& pieces, std::uint8_t bg) {
  Grid out = g;
  for (const Piece& p : pieces)
    if (p.touches_border) out = erase_piece(out, p, bg);
  return out;
}

Grid paint_piece(const Grid& g, const Piece& p, std::uint8_t color) {
  Grid out = g;
  for (int r = 0; r < p.mask.height(); ++r)
    for (int c = 0; c < p.mask.width(); ++c)
      if (p.mask.at(r, c)) out.at(p.top + r, p.left + c) = color;
  return out;
}

}  // namespace ttt::arc::search
