#pragma once
// Solving many ARC tasks with the program search: a small pool of threads takes tasks in order; each
// task's result lands in its own slot, so the output does not depend on the thread count. Every test
// input gets two attempts: the two best programs' outputs, topped up by fallback guesses
// (output_size.h) — never an empty answer.
//
// Beside the Kaggle submission the solver writes a "programs" record (the sidecar), which carries what
// a submission cannot: whether a program consistent with every demonstration was found. The ensemble
// (ensemble.h) needs that signal; `ttt arc report` shows the programs. Sidecar JSON:
//   {"<task id>": {"consistent": bool, "program": "rot90 | recolor{1->2}" or null,
//                  "second_program": "..." or null, "depth_completed": int, "seconds": float,
//                  "timed_out": bool}, ...}
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ttt/arc/search/search.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task.h"

namespace ttt::arc::search {

struct TaskSolution {
  std::string task_id;
  std::vector<Attempts> attempts;  // one per test input
  bool consistent = false;         // a program fits every demonstration
  std::string program;             // attempt 1's program ("" when none)
  std::string second_program;      // attempt 2's program ("" when none)
  int program_length = 0;          // transforms of attempt 1's program, recolor step included
  int depth_completed = -1;
  double seconds = 0;
  bool timed_out = false;
};

// Solves one task (never throws for a valid task; check_task is the caller's job).
TaskSolution solve_task(const Task& task, const SearchOptions& options);

// `threads` ≤ 0 means all hardware threads. `progress(done, total, solution)` is called under a lock
// after each task, in completion order; when it throws, no further task is started and the first error is
// rethrown as ttt::Error once the running ones end.
std::vector<TaskSolution> solve_tasks(const std::vector<Task>& tasks, const SearchOptions& options, int threads,
                                      const std::function<void(int, int, const TaskSolution&)>& progress = {});

Submission to_submission(const std::vector<TaskSolution>& solutions);

// The sidecar record (see above): one entry per task.
struct ProgramRecord {
  bool consistent = false;
  std::string program, second_program;
  int depth_completed = -1;
  double seconds = 0;
  bool timed_out = false;
};
using ProgramRecords = std::map<std::string, ProgramRecord>;

ProgramRecords to_program_records(const std::vector<TaskSolution>& solutions);
std::string program_records_to_json(const ProgramRecords& records);
// Throws ttt::Error naming `source` for malformed JSON or entries.
ProgramRecords parse_program_records(const std::string& json_text, const std::string& source);
ProgramRecords load_program_records(const std::string& path);
void save_program_records(const std::string& path, const ProgramRecords& records);
// "out/sub.json" + ".x.json" → "out/sub.x.json" (a name without ".json" gets the suffix appended).
std::string sibling_of_submission(const std::string& submission_path, const std::string& suffix);
// "out/sub.json" → "out/sub.programs.json" (the name the solver uses unless told otherwise).
std::string default_programs_path(const std::string& submission_path);

}  // namespace ttt::arc::search
