#pragma once
// Helpers for the program-search tests: grids spelled as rows, and a printable form for failures.
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc::search::testing {

inline Grid G(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

inline std::string show(const Grid& g) {
  std::string s;
  for (const auto& row : g.to_rows()) {
    for (int v : row) s += static_cast<char>('0' + v);
    s += '\n';
  }
  return s;
}

// A task whose outputs are f(input) for each demonstration input and the test input.
template <typename F>
Task task_from_rule(const std::string& id, const std::vector<Grid>& demo_inputs, const Grid& test_input, F f) {
  Task t;
  t.id = id;
  for (const Grid& in : demo_inputs) t.train.push_back({in, f(in)});
  t.test.push_back({test_input, f(test_input)});
  return t;
}

}  // namespace ttt::arc::search::testing
