#pragma once
// Objects of the program-search DSL: connected components and lattice cells ("pieces"), and selectors
// that pick exactly one piece by a property. A selector that cannot pick a unique piece (a tie, or no
// piece) answers nullopt: the search then drops that branch rather than guess.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc::search {

// A piece of a grid: its bounding box (top, left, grid) and which cells of the box belong to it.
// `grid` holds the piece's colors and bg outside the piece; `mask` is 1 on the piece's cells.
struct Piece {
  int top = 0, left = 0;
  Grid grid;
  Grid mask;
  int cells = 0;             // cells that belong to the piece
  std::uint16_t colors = 0;  // bit set of its colors
  bool touches_border = false;
};

enum class Extractor {
  kSameColor4,   // 4-connected cells of one color (not bg)
  kSameColor8,   // 8-connected cells of one color (not bg)
  kMultiColor8,  // 8-connected non-bg cells, any colors
  kLatticeCells  // cells between full separator lines (split_by_separators); mask = whole cell
};
const char* extractor_name(Extractor e);

// Connected components in row-major order of their first cell.
std::vector<Piece> components(const Grid& g, bool eight_connected, bool multicolor, std::uint8_t bg);
std::vector<Piece> extract(const Grid& g, Extractor e, std::uint8_t bg);
// extract() through a small per-thread cache of recent grids (exact match); the reference is valid
// until the next call on this thread.
const std::vector<Piece>& extract_cached(const Grid& g, Extractor e, std::uint8_t bg);

enum class Selector {
  kLargest,        // most cells
  kSmallest,       // fewest cells
  kLargestBox,     // largest bounding box area
  kUniqueColor,    // the one piece whose color set no other piece has
  kUniqueShape,    // the one piece whose mask no other piece has
  kMostColors,     // most distinct colors
  kBorderOddOne,   // the one piece alone in touching (or alone in not touching) the border
};
const char* selector_name(Selector s);
inline constexpr Selector kAllSelectors[] = {Selector::kLargest,    Selector::kSmallest,   Selector::kLargestBox,
                                            Selector::kUniqueColor, Selector::kUniqueShape, Selector::kMostColors,
                                            Selector::kBorderOddOne};

// Index of the selected piece; nullopt when there are fewer than two pieces or no unique choice.
std::optional<std::size_t> select_piece(const std::vector<Piece>& pieces, Selector s);

// The grid with the piece's cells set to bg / every cell outside the piece set to bg.
Grid erase_piece(const Grid& g, const Piece& p, std::uint8_t bg);
Grid keep_piece(const Grid& g, const Piece& p, std::uint8_t bg);
// Every piece touching the grid border erased.
Grid erase_border_pieces(const Grid& g, const std::vector<Piece>& pieces, std::uint8_t bg);
// The piece's cells painted `color`.
Grid paint_piece(const Grid& g, const Piece& p, std::uint8_t color);

}  // namespace ttt::arc::search
