#pragma once
// A generator family is one ARC transformation (rotate, gravity, crop to the largest object, …) that can
// draw endless tasks. For each task it draws a Rule with its own parameters (which color, which
// direction), then the driver (generate.h) asks the rule for 3–5 demonstrations and a test pair.
#include <functional>
#include <string>

#include "ttt/arc/generators/random.h"
#include "ttt/arc/grid.h"

namespace ttt::arc::gen {

// Allowed sides of generated input grids; outputs may be smaller (crops, counts) but never exceed
// max_side.
struct SideRange {
  int min_side = 3;
  int max_side = kMaxGridSide;
};

struct Pair {
  Grid input;
  Grid output;
};

// One task's rule, parameters already drawn. Either draw_input + apply (the output is apply(input)),
// or draw_pair, a joint generator that builds input and output together (e.g. a full pattern and a
// masked copy). When both apply and draw_pair exist, every drawn pair must satisfy
// output == apply(input); the driver rejects pairs that do not.
struct Rule {
  std::function<Grid(Rng&)> draw_input;
  std::function<Grid(const Grid&)> apply;
  std::function<Pair(Rng&)> draw_pair;
};

struct Family {
  std::string name;
  std::string description;
  // Draws the per-task parameters; may throw Redraw when the side range cannot fit them.
  std::function<Rule(Rng&, const SideRange&)> draw_rule;
};

}  // namespace ttt::arc::gen
