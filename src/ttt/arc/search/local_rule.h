#pragma once
// A learned local rule, the other final step a program may end with (besides a color map): each output
// cell is a function of a small neighbourhood of the same cell in the produced grid, read off the
// demonstrations as a lookup table. It captures same-shape tasks whose change is local (halos, marks
// next to cells, neighbour-count rules) without a dedicated primitive for each.
//
// Guards against memorizing: the table must be consistent (one output per key) over every cell of every
// demonstration, AND every key the test grids need must have been seen — otherwise no rule is learned.
// Neighbourhoods are tried from the coarsest to the finest, and the first that works is kept.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc::search {

struct LocalRule {
  int neighbourhood = 0;  // index into the neighbourhood list (local_rule.cpp): 0 coarsest
  std::map<std::vector<std::uint8_t>, std::uint8_t> table;
  std::string name() const;  // "local_rule(cross)" etc.
};

// nullopt unless some neighbourhood gives a consistent table whose keys cover every `tests` cell.
// The produced grids must have the truths' shapes.
std::optional<LocalRule> learn_local_rule(const std::vector<Grid>& produced, const std::vector<Grid>& truths,
                                          const std::vector<Grid>& tests);
Grid apply_local_rule(const LocalRule& rule, const Grid& g);

}  // namespace ttt::arc::search
