#pragma once
// The hand-sized task the serialization tests spell out token by token and character by character:
// demo 1: [[1]] -> [[2]]; demo 2: [[3 4]] -> [[5] [6]]; query [[7]] -> [[8 9]].
#include "ttt/arc/task.h"

namespace ttt::arc::testing {

inline Grid g(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

inline Task tiny_task() {
  Task t;
  t.id = "tiny";
  t.train.push_back({g({{1}}), g({{2}})});
  t.train.push_back({g({{3, 4}}), g({{5}, {6}})});
  t.test.push_back({g({{7}}), g({{8, 9}})});
  return t;
}

}  // namespace ttt::arc::testing
