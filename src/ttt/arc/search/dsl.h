#pragma once
// The program-search DSL: a flat list of named unary grid transforms, each with a fixed cost used to
// rank programs of equal length (cheaper = more plausible). Parameterised primitives (a color, a
// selector, a direction) are expanded into one transform per parameter value; the colors come from the
// task (TaskPalette), so the list depends on the task but never on its id.
//
// A program is a sequence of transforms applied left to right, optionally followed by a color map
// learned from the demonstrations (color_map.h). Every transform answers nullopt where it is undefined
// (no object to select, a tie, a result outside 1..30 cells a side): the search drops that branch.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc::search {

// What a transform does to a grid's shape, known without running it: lets the search skip, at the
// last step, transforms that cannot produce the demonstration outputs' shapes.
enum class ShapeEffect {
  kKeeps,  // output shape == input shape, always
  kGrows,  // output strictly larger in at least one side and never smaller
  kOther,
};

struct Transform {
  std::string name;  // readable, e.g. "rot90", "crop(objects8,largest)", "fill_enclosed(4)"
  int cost = 1;
  // Only as a program's first step: analyses of the whole input (periods, symmetry) that are costly
  // and rarely meaningful on an already transformed grid.
  bool first_step_only = false;
  std::function<std::optional<Grid>(const Grid&)> apply;
  ShapeEffect shape = ShapeEffect::kOther;
};

// The colors a task's parameterised transforms may use.
struct TaskPalette {
  std::uint8_t bg = 0;
  std::uint16_t input_colors = 0;   // every input grid, demonstrations and test
  std::uint16_t output_colors = 0;  // every demonstration output
};
TaskPalette task_palette(const Task& task);

// The transforms for a task, cheapest first (ties in a fixed order), so breadth-first enumeration
// meets cheaper programs first.
std::vector<Transform> build_transforms(const TaskPalette& palette);

// nullopt unless 1 ≤ sides ≤ 30.
std::optional<Grid> within_limits(std::optional<Grid> g);

}  // namespace ttt::arc::search
