#pragma once
// ARC tasks: demonstrations (train) and test queries. A task with k test inputs is split into k
// subtasks "<id>-<i>" that share the demonstrations (see split_test_inputs in task_io.h).
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/util/error.h"

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

// The test example a serializer turns into the query; with `need_output` its answer must be known.
inline const Example& query_example(const Task& task, std::size_t test_index, bool need_output) {
  TTT_CHECK(test_index < task.test.size(), "[arc] task '", task.id, "': test input ", test_index,
            " requested, the task has ", task.test.size());
  const Example& query = task.test[test_index];
  TTT_CHECK(!need_output || query.output.has_value(), "[arc] task '", task.id, "': test[", test_index,
            "] has no output to serialize as the answer");
  return query;
}

}  // namespace ttt::arc
