#pragma once
// Competition accuracy of a submission (spec: Data/Submission/Score).
//   - a test input is correct when attempt_1 or attempt_2 equals its true output exactly (shape and cells);
//   - a task scores 1 only when all its test inputs are correct;
//   - score = correct tasks / tasks of the solutions; per_input = correct test inputs / test inputs.
// Irregular submissions are scored, not rejected, and each irregularity becomes a note:
//   - a task of the solutions missing from the submission: all its inputs are wrong;
//   - fewer entries than test inputs: the inputs without an entry are wrong;
//   - more entries than test inputs: the extra entries are ignored;
//   - a task id the solutions do not know: ignored.
// (Malformed JSON is rejected earlier, by parse_submission.)
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "ttt/arc/grid.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

// Task id → the true output of each test input, in order.
using Solutions = std::map<std::string, std::vector<Grid>>;

// A Kaggle solutions file's JSON {task_id: [G_test0, G_test1, ...]}; `source` starts every error message.
// Throws ttt::Error for invalid JSON, a top level that is not a non-empty object, a task whose value is
// not a non-empty list, or an invalid grid.
Solutions parse_solutions(std::string_view json_text, const std::string& source);

// The test outputs of tasks; every one must be known and task ids unique (ttt::Error naming `source`).
Solutions solutions_from_tasks(const std::vector<Task>& tasks, const std::string& source);

// A Kaggle solutions file, or anything load_tasks reads (a task file, a folder of task files, a Kaggle
// challenges file) whose test outputs are all present. A JSON object without "train"/"test" keys and
// with no object values is read as a solutions file.
Solutions load_solutions(const std::string& path);

struct TaskScore {
  std::string task_id;
  std::vector<bool> input_correct;  // one per test input of the solutions
  std::size_t entries = 0;          // entries the submission gave for this task
  bool submitted = false;           // the task id appears in the submission

  bool correct() const;
  std::size_t correct_inputs() const;
};

struct ScoreReport {
  std::vector<TaskScore> tasks;              // in task id order
  std::vector<std::string> unknown_task_ids;  // in the submission but not in the solutions
  std::vector<std::string> notes;            // one line per irregularity: solution tasks in id order, then unknown ids

  std::size_t task_count() const { return tasks.size(); }
  std::size_t correct_tasks() const;
  std::size_t input_count() const;
  std::size_t correct_inputs() const;
  double score() const;      // correct_tasks / task_count
  double per_input() const;  // correct_inputs / input_count
};

// Throws ttt::Error when the solutions are empty (there is nothing to average over).
ScoreReport score_submission(const Submission& submission, const Solutions& solutions);

// {"tasks", "correct_tasks", "score", "inputs", "correct_inputs", "per_input",
//  "per_task": {id: {"correct", "inputs", "correct_inputs", "input_correct": [bool...], "entries", "submitted"}},
//  "unknown_tasks": [id...], "notes": [line...]}, keys in this order (headline numbers first for readers).
nlohmann::ordered_json score_report_to_json(const ScoreReport& report);

}  // namespace ttt::arc
