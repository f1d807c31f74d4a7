#pragma once
// Kaggle ARC submissions (spec: Data):
//   {task_id: [{"attempt_1": G, "attempt_2": G}, ... one entry per test input, in order]}
// A test input without a prediction gets [[0]] for both attempts.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

struct Attempts {
  Grid attempt_1;
  Grid attempt_2;
  bool operator==(const Attempts& o) const { return attempt_1 == o.attempt_1 && attempt_2 == o.attempt_2; }
};

// Task id → one entry per test input. Ordered, so files and reports come out in a stable order.
using Submission = std::map<std::string, std::vector<Attempts>>;

// The placeholder for a test input without a prediction: [[0]] twice.
Attempts no_prediction();

// Gives every task exactly one entry per test input: missing tasks and missing trailing entries become
// no_prediction(); entries beyond the task's test inputs are dropped. Tasks not in `tasks` are kept.
void complete_submission(Submission& submission, const std::vector<Task>& tasks);

// Parses and validates submission JSON. `source` (the file name) starts every error message, which also
// names the task, the entry and the attempt, e.g.
//   "[arc] sub.json: task 'abc' entry 1 has no \"attempt_2\"".
// Throws ttt::Error for text that is not JSON, a top level that is not an object, a task whose value is
// not a list, an entry that is not an object, a missing attempt, or an attempt that is not a valid grid
// (rules of grid_from_json). Unknown keys inside an entry are ignored. The number of entries is not
// checked here — that needs the solutions (see score_submission).
Submission parse_submission(std::string_view json_text, const std::string& source);
Submission load_submission(const std::string& path);

// Compact JSON text, tasks in id order, attempt_1 before attempt_2. Throws ttt::Error for an attempt
// that is not a 1..30-sided grid, so an unreadable submission is never produced.
std::string submission_to_json(const Submission& submission);
// Written atomically: an interrupted run never leaves half a submission.
void save_submission(const std::string& path, const Submission& submission);

}  // namespace ttt::arc
