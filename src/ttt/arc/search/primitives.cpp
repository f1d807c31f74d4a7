#include "ttt/arc/search/primitives.h"

#include <algorithm>
#include <array>

namespace ttt::arc::search {

std::optional<Grid> crop_to_content(const Grid& g, std::uint8_t bg) {
  int top = g.height(), bottom = -1, left = g.width(), right = -1;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != bg) {
        top = std::min(top, r), bottom = std::max(bottom, r);
        left = std::min(left, c), right = std::max(right, c);
      }
  if (bottom < 0) return std::nullopt;
  Grid out(bottom - top + 1, right - left + 1);
  for (int r = 0; r < out.height(); ++r)
    for (int c = 0; c < out.width(); ++c) out.at(r, c) = g.at(top + r, left + c);
  return out;
}

std::uint8_t majority_color(const Grid& g) {
  std::array<int, kNumColors> counts{};
  for (auto v : g.cells()) ++counts[v];
  return static_cast<std::uint8_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
}

std::optional<Grid> scale_down(const Grid& g, int fr, int fc) {
  if (g.height() % fr != 0 || g.width() % fc != 0 || (fr == 1 && fc == 1)) return std::nullopt;
  Grid out(g.height() / fr, g.width() / fc);
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      if (r % fr == 0 && c % fc == 0) out.at(r / fr, c / fc) = g.at(r, c);
      if (g.at(r, c) != out.at(r / fr, c / fc)) return std::nullopt;
    }
  return out;
}

Grid gravity(const Grid& g, Side side, std::uint8_t bg) {
  Grid out(g.height(), g.width(), bg);
  const bool vertical = side == Side::kUp || side == Side::kDown;
  const int lines = vertical ? g.width() : g.height();
  const int length = vertical ? g.height() : g.width();
  const bool towards_end = side == Side::kDown || side == Side::kRight;
  for (int line = 0; line < lines; ++line) {
    int next = towards_end ? length - 1 : 0;
    for (int i = 0; i < length; ++i) {
      const int pos = towards_end ? length - 1 - i : i;
      const std::uint8_t v = vertical ? g.at(pos, line) : g.at(line, pos);
      if (v == bg) continue;
      (vertical ? out.at(next, line) : out.at(line, next)) = v;
      next += towards_end ? -1 : 1;
    }
  }
  return out;
}

Grid shifted(const Grid& g, int down, int right, std::uint8_t bg) {
  Grid out(g.height(), g.width(), bg);
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      const int rr = r + down, cc = c + right;
      if (rr >= 0 && rr < g.height() && cc >= 0 && cc < g.width()) out.at(rr, cc) = g.at(r, c);
    }
  return out;
}

Grid with_border(const Grid& g, std::uint8_t color) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (r == 0 || c == 0 || r == g.height() - 1 || c == g.width() - 1) out.at(r, c) = color;
  return out;
}

Grid fill_enclosed(const Grid& g, std::uint8_t color, std::uint8_t bg) {
  const int h = g.height(), w = g.width();
  std::vector<char> outside(static_cast<std::size_t>(h) * w, 0);
  std::vector<int> stack;
  auto push = [&](int r, int c) {
    if (r < 0 || c < 0 || r >= h || c >= w) return;
    const std::size_t i = static_cast<std::size_t>(r) * w + c;
    if (outside[i] || g.at(r, c) != bg) return;
    outside[i] = 1;
    stack.push_back(static_cast<int>(i));
  };
  for (int r = 0; r < h; ++r) push(r, 0), push(r, w - 1);
  for (int c = 0; c < w; ++c) push(0, c), push(h - 1, c);
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    const int r = i / w, c = i % w;
    push(r - 1, c), push(r + 1, c), push(r, c - 1), push(r, c + 1);
  }
  Grid out = g;
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c)
      if (g.at(r, c) == bg && !outside[static_cast<std::size_t>(r) * w + c]) out.at(r, c) = color;
  return out;
}

namespace {
int foreground_neighbours(const Grid& g, int r, int c, std::uint8_t bg, bool diagonals) {
  int n = 0;
  for (int dr = -1; dr <= 1; ++dr)
    for (int dc = -1; dc <= 1; ++dc) {
      if ((dr == 0 && dc == 0) || (!diagonals && dr != 0 && dc != 0)) continue;
      const int rr = r + dr, cc = c + dc;
      if (rr >= 0 && rr < g.height() && cc >= 0 && cc < g.width() && g.at(rr, cc) != bg) ++n;
    }
  return n;
}
}  // namespace

Grid outline_objects(const Grid& g, std::uint8_t color, std::uint8_t bg) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) == bg && foreground_neighbours(g, r, c, bg, true) > 0) out.at(r, c) = color;
  return out;
}

Grid hollow(const Grid& g, std::uint8_t bg) {
  Grid out = g;
  for (int r = 1; r + 1 < g.height(); ++r)
    for (int c = 1; c + 1 < g.width(); ++c)
      if (g.at(r, c) != bg && foreground_neighbours(g, r, c, bg, false) == 4) out.at(r, c) = bg;
  return out;
}

Grid remove_isolated(const Grid& g, std::uint8_t bg) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != bg && foreground_neighbours(g, r, c, bg, true) == 0) out.at(r, c) = bg;
  return out;
}

std::optional<Grid> overlay(const Grid& top, const Grid& bottom, std::uint8_t bg) {
  if (top.height() != bottom.height() || top.width() != bottom.width()) return std::nullopt;
  Grid out = bottom;
  for (int r = 0; r < top.height(); ++r)
    for (int c = 0; c < top.width(); ++c)
      if (top.at(r, c) != bg) out.at(r, c) = top.at(r, c);
  return out;
}

Grid remove_color(const Grid& g, std::uint8_t color, std::uint8_t bg) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) == color) out.at(r, c) = bg;
  return out;
}

Grid keep_color(const Grid& g, std::uint8_t color, std::uint8_t bg) {
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != color) out.at(r, c) = bg;
  return out;
}

std::optional<Grid> fill_majority_foreground(const Grid& g, std::uint8_t bg) {
  std::array<int, kNumColors> counts{};
  for (auto v : g.cells())
    if (v != bg) ++counts[v];
  const auto best = std::max_element(counts.begin(), counts.end());
  if (*best == 0) return std::nullopt;
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c) != bg) out.at(r, c) = static_cast<std::uint8_t>(best - counts.begin());
  return out;
}

namespace {
bool rows_equal(const Grid& g, int a, int b) {
  for (int c = 0; c < g.width(); ++c)
    if (g.at(a, c) != g.at(b, c)) return false;
  return true;
}
}  // namespace

std::optional<Grid> dedupe_rows_columns(const Grid& g) {
  std::vector<int> rows{0};
  for (int r = 1; r < g.height(); ++r)
    if (!rows_equal(g, r, rows.back())) rows.push_back(r);
  Grid by_rows(static_cast<int>(rows.size()), g.width());
  for (int r = 0; r < by_rows.height(); ++r)
    for (int c = 0; c < g.width(); ++c) by_rows.at(r, c) = g.at(rows[r], c);
  std::vector<int> cols{0};
  for (int c = 1; c < g.width(); ++c) {
    bool same = true;
    for (int r = 0; r < by_rows.height() && same; ++r) same = by_rows.at(r, c) == by_rows.at(r, cols.back());
    if (!same) cols.push_back(c);
  }
  if (rows.size() == static_cast<std::size_t>(g.height()) && cols.size() == static_cast<std::size_t>(g.width()))
    return std::nullopt;
  Grid out(by_rows.height(), static_cast<int>(cols.size()));
  for (int r = 0; r < out.height(); ++r)
    for (int c = 0; c < out.width(); ++c) out.at(r, c) = by_rows.at(r, cols[c]);
  return out;
}

std::optional<Grid> self_tile(const Grid& g, std::uint8_t bg) {
  const int h = g.height(), w = g.width();
  if (h * h > kMaxGridSide || w * w > kMaxGridSide) return std::nullopt;
  Grid out(h * h, w * w, bg);
  for (int br = 0; br < h; ++br)
    for (int bc = 0; bc < w; ++bc) {
      if (g.at(br, bc) == bg) continue;
      for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) out.at(br * h + r, bc * w + c) = g.at(r, c);
    }
  return out;
}

namespace {
// Indices of lines (rows when `rows`, else columns) entirely of `color`.
std::vector<int> full_lines(const Grid& g, std::uint8_t color, bool rows) {
  std::vector<int> lines;
  const int n = rows ? g.height() : g.width(), len = rows ? g.width() : g.height();
  for (int i = 0; i < n; ++i) {
    bool full = true;
    for (int j = 0; j < len && full; ++j) full = (rows ? g.at(i, j) : g.at(j, i)) == color;
    if (full) lines.push_back(i);
  }
  return lines;
}

// The spans between separator lines; empty unless they all have the same positive length.
std::vector<std::pair<int, int>> equal_spans(const std::vector<int>& separators, int n) {
  std::vector<std::pair<int, int>> spans;
  int start = 0;
  for (int s : separators) {
    if (s > start) spans.push_back({start, s});
    start = s + 1;
  }
  if (start < n) spans.push_back({start, n});
  for (const auto& span : spans)
    if (span.second - span.first != spans[0].second - spans[0].first) return {};
  return spans;
}

Grid cut(const Grid& g, int top, int left, int height, int width) {
  Grid out(height, width);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c) out.at(r, c) = g.at(top + r, left + c);
  return out;
}
}  // namespace

std::optional<Lattice> split_by_separators(const Grid& g) {
  std::optional<Lattice> best;
  for (int color = 0; color < kNumColors; ++color) {
    const auto sep_rows = full_lines(g, static_cast<std::uint8_t>(color), true);
    const auto sep_cols = full_lines(g, static_cast<std::uint8_t>(color), false);
    if (sep_rows.empty() && sep_cols.empty()) continue;
    if (static_cast<int>(sep_rows.size()) == g.height() || static_cast<int>(sep_cols.size()) == g.width()) continue;
    const auto row_spans = equal_spans(sep_rows, g.height());
    const auto col_spans = equal_spans(sep_cols, g.width());
    if (row_spans.empty() || col_spans.empty() || row_spans.size() * col_spans.size() < 2) continue;
    if (best && best->cells.size() >= row_spans.size() * col_spans.size()) continue;
    Lattice lattice;
    lattice.separator = static_cast<std::uint8_t>(color);
    lattice.rows = static_cast<int>(row_spans.size());
    lattice.columns = static_cast<int>(col_spans.size());
    for (const auto& rs : row_spans)
      for (const auto& cs : col_spans)
        lattice.cells.push_back(cut(g, rs.first, cs.first, rs.second - rs.first, cs.second - cs.first));
    best = std::move(lattice);
  }
  return best;
}

std::optional<std::pair<Grid, Grid>> split_in_two(const Grid& g, int axis) {
  if (auto lattice = split_by_separators(g)) {
    if (axis == 0 && lattice->rows == 2 && lattice->columns == 1) return std::make_pair(lattice->cells[0], lattice->cells[1]);
    if (axis == 1 && lattice->rows == 1 && lattice->columns == 2) return std::make_pair(lattice->cells[0], lattice->cells[1]);
  }
  const int n = axis == 0 ? g.height() : g.width();
  if (n < 2) return std::nullopt;
  const int half = n / 2, second = n - half;  // odd n: the middle line is dropped
  if (axis == 0) return std::make_pair(cut(g, 0, 0, half, g.width()), cut(g, second, 0, half, g.width()));
  return std::make_pair(cut(g, 0, 0, g.height(), half), cut(g, 0, second, g.height(), half));
}

std::optional<Grid> combine(const Grid& a, const Grid& b, Logic op, std::uint8_t bg) {
  if (a.height() != b.height() || a.width() != b.width()) return std::nullopt;
  Grid out(a.height(), a.width(), bg);
  for (int r = 0; r < a.height(); ++r)
    for (int c = 0; c < a.width(); ++c) {
      const bool x = a.at(r, c) != bg, y = b.at(r, c) != bg;
      bool v = false;
      switch (op) {
        case Logic::kAnd: v = x && y; break;
        case Logic::kOr: v = x || y; break;
        case Logic::kXor: v = x != y; break;
        case Logic::kNor: v = !x && !y; break;
        case Logic::kLeftOnly: v = x && !y; break;
      }
      if (v) out.at(r, c) = bg == 1 ? 2 : 1;
    }
  return out;
}

Grid extend_rays(const Grid& g, Side side, std::uint8_t bg) {
  const int dr = side == Side::kUp ? -1 : side == Side::kDown ? 1 : 0;
  const int dc = side == Side::kLeft ? -1 : side == Side::kRight ? 1 : 0;
  Grid out = g;
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c) {
      if (g.at(r, c) == bg) continue;
      for (int rr = r + dr, cc = c + dc; rr >= 0 && cc >= 0 && rr < g.height() && cc < g.width() && g.at(rr, cc) == bg;
           rr += dr, cc += dc)
        out.at(rr, cc) = g.at(r, c);
    }
  return out;
}

Grid connect_pairs(const Grid& g, bool along_rows, std::uint8_t bg) {
  Grid out = g;
  const int lines = along_rows ? g.height() : g.width(), length = along_rows ? g.width() : g.height();
  auto cell = [&](const Grid& x, int line, int i) -> std::uint8_t { return along_rows ? x.at(line, i) : x.at(i, line); };
  for (int line = 0; line < lines; ++line) {
    int last = -1;
    for (int i = 0; i < length; ++i) {
      const std::uint8_t v = cell(g, line, i);
      if (v == bg) continue;
      if (last >= 0 && cell(g, line, last) == v)
        for (int j = last + 1; j < i; ++j) (along_rows ? out.at(line, j) : out.at(j, line)) = v;
      last = i;
    }
  }
  return out;
}

std::optional<Grid> reduce_lattice(const Grid& g, Logic op, std::uint8_t bg) {
  const auto lattice = split_by_separators(g);
  if (!lattice || lattice->cells.size() < 2) return std::nullopt;
  if (op == Logic::kOr) {
    Grid out = lattice->cells[0];
    for (std::size_t i = 1; i < lattice->cells.size(); ++i) out = *overlay(out, lattice->cells[i], bg);
    return out;
  }
  // Logic over "cell != bg", folded pairwise; kXor keeps cells set in an odd number of lattice cells.
  Grid acc = lattice->cells[0];
  for (std::size_t i = 1; i < lattice->cells.size(); ++i) {
    auto next = combine(acc, lattice->cells[i], op == Logic::kNor ? Logic::kOr : op, bg);
    if (!next) return std::nullopt;
    acc = *next;
  }
  if (op == Logic::kNor) acc = *combine(acc, acc, Logic::kNor, bg);
  return acc;
}

std::optional<Grid> repair_periodic(const Grid& g, std::uint8_t hole) {
  const int h = g.height(), w = g.width();
  bool any_hole = false;
  for (auto v : g.cells()) any_hole |= v == hole;
  if (!any_hole) return std::nullopt;
  std::vector<std::pair<int, int>> periods;
  for (int pr = 1; pr <= h; ++pr)
    for (int pc = 1; pc <= w; ++pc)
      if (pr < h || pc < w) periods.push_back({pr, pc});
  std::stable_sort(periods.begin(), periods.end(),
                   [](const auto& a, const auto& b) { return a.first * a.second < b.first * b.second; });
  std::vector<int> known;
  for (const auto& [pr, pc] : periods) {
    known.assign(static_cast<std::size_t>(pr) * pc, -1);
    bool fits = true;
    for (int r = 0; r < h && fits; ++r)
      for (int c = 0; c < w && fits; ++c) {
        const std::uint8_t v = g.at(r, c);
        if (v == hole) continue;
        int& k = known[static_cast<std::size_t>(r % pr) * pc + c % pc];
        if (k < 0) k = v;
        fits = k == v;
      }
    if (!fits) continue;
    Grid out = g;
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        if (g.at(r, c) != hole) continue;
        const int k = known[static_cast<std::size_t>(r % pr) * pc + c % pc];
        if (k < 0) return std::nullopt;
        out.at(r, c) = static_cast<std::uint8_t>(k);
      }
    return out;
  }
  return std::nullopt;
}

std::optional<Grid> fill_by_symmetry(const Grid& g, Symmetry s, std::uint8_t hole) {
  const int h = g.height(), w = g.width();
  if (s == Symmetry::kTranspose && h != w) return std::nullopt;
  auto images = [&](int r, int c) {
    std::vector<std::pair<int, int>> out;
    switch (s) {
      case Symmetry::kFlipRows: out = {{h - 1 - r, c}}; break;
      case Symmetry::kFlipColumns: out = {{r, w - 1 - c}}; break;
      case Symmetry::kBothFlips: out = {{h - 1 - r, c}, {r, w - 1 - c}, {h - 1 - r, w - 1 - c}}; break;
      case Symmetry::kRot180: out = {{h - 1 - r, w - 1 - c}}; break;
      case Symmetry::kTranspose: out = {{c, r}}; break;
    }
    return out;
  };
  Grid out = g;
  bool filled = false;
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      if (g.at(r, c) != hole) continue;
      for (const auto& [rr, cc] : images(r, c))
        if (g.at(rr, cc) != hole) {
          out.at(r, c) = g.at(rr, cc);
          filled = true;
          break;
        }
    }
  if (!filled) return std::nullopt;
  return out;
}

std::uint16_t color_set(const Grid& g) {
  std::uint16_t set = 0;
  for (auto v : g.cells()) set = static_cast<std::uint16_t>(set | (1u << v));
  return set;
}

}  // namespace ttt::arc::search
