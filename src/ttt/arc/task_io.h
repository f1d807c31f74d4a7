#pragma once
// Reading, writing and validating ARC task files.
//
// Layouts understood (detected from the content, not the file name):
//   task file        {"train": [{"input": G, "output": G}, ...], "test": [{"input": G, "output": G?}, ...]}
//                    the task id is the file stem; unknown keys (e.g. "name") are ignored.
//   folder           every *.json directly inside it is a task file; tasks are sorted by id.
//   Kaggle challenges {task_id: task, ...} (test outputs usually absent)
//   Kaggle solutions  {task_id: [G_test0, G_test1, ...], ...} (only together with its challenges file)
// Every error is a ttt::Error that names the file, the task and the place, e.g.
//   "[arc] tasks/abc.json: train[2].output row 3 has 5 cells, row 0 has 4".
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ttt/arc/task.h"

namespace ttt::arc {

// Parses one task from JSON text. `source` names it in errors (a path, or "path: task 'id'").
// A test example with no "output" (or "output": null) has an unknown output.
Task parse_task(std::string_view json_text, const std::string& id, const std::string& source);

// One task file; id = file stem.
Task load_task_file(const std::string& path);

// A task file, a folder of task files, or a Kaggle challenges file (test outputs as given in it).
std::vector<Task> load_tasks(const std::string& path);

// A Kaggle challenges file plus, unless solutions_path is empty, its solutions file whose grids become
// the test outputs. Both files must list the same task ids with matching test counts.
std::vector<Task> load_kaggle(const std::string& challenges_path, const std::string& solutions_path);

// Checks an in-memory task against the same rules the parser enforces (non-empty train and test,
// demonstration outputs present, sides 1..30, colors 0–9); throws ttt::Error naming `where`.
void check_task(const Task& task, const std::string& where);

// Compact JSON in the task-file layout, "train" before "test"; unknown test outputs are omitted.
std::string task_to_json(const Task& task);
// Writes atomically after check_task, so an invalid task never reaches disk.
void save_task(const std::string& path, const Task& task);
// Challenges without test outputs; solutions (skipped when solutions_path is empty) need every test
// output known. Task ids must be unique.
void save_kaggle(const std::string& challenges_path, const std::string& solutions_path,
                 const std::vector<Task>& tasks);

// One subtask per test input, ids "<id>-<i>" (i from 0, ALWAYS suffixed, also for a single test input,
// so that subtask_parent() can undo it uniformly), each with all the demonstrations.
std::vector<Task> split_test_inputs(const Task& task);
// "<id>-<i>" → {"<id>", i}; throws ttt::Error when the id has no "-<digits>" suffix.
std::pair<std::string, int> subtask_parent(const std::string& subtask_id);

struct ValidationReport {
  std::size_t files = 0;          // JSON files examined
  std::size_t tasks = 0;          // tasks examined (task files and entries of challenges files)
  std::size_t invalid_tasks = 0;  // tasks with at least one problem
  std::size_t solution_entries = 0;  // task entries of solutions files examined
  std::vector<std::string> problems;  // "<file>: <problem>", one line each, in file order
};

// Examines a task file, a folder of task files or a Kaggle challenges/solutions file and collects
// every problem instead of stopping at the first (a bad file or task never hides later ones).
// Throws ttt::Error only when `path` does not exist.
ValidationReport validate(const std::string& path);
// Just the problem lines of validate(path).
std::vector<std::string> validate_path(const std::string& path);

}  // namespace ttt::arc
