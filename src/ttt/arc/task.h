#pragma once
// ARC tasks: demonstrations (train) and test queries. A task with k test inputs is split into k
// subtasks "<id>-<i>" that share the demonstrations (see split_test_inputs in task_io.h).
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"

namespace ttt::arc {

struct Example {
  Grid input;
  std::optional<Grid> output;  // always set for demonstrations; test outputs may be unknown
};

struct Task {
  std::string id;
  std::vector<Example> train;
  std::vector<Example> test;
};

}  // namespace ttt::arc
