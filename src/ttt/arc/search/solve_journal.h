#pragma once
// Crash safety for long `ttt arc solve` runs (400 tasks × seconds each): every finished task is appended to
// a journal beside the submission as one JSON line and flushed to disk (fsync) before the next task is
// reported, so kill -9 or a power cut loses at most the tasks in flight. Rerunning the same command reads
// the journal and searches only the tasks it lacks; once the submission and the programs record are
// written, the journal is removed.
//
// Format (JSON lines):
//   {"ttt_arc_solve_journal": 1, "depth": 3, "time_limit_s": 5.0, "max_states": 50000}     (header)
//   {"task_id": "...", "attempts": [[grid1, grid2], ...], "consistent": true, "program": "...",
//    "second_program": "...", "program_length": 2, "depth_completed": 3, "seconds": 0.41, "timed_out": false}
// A last line without its newline is a write cut short by a crash: it is dropped (and cut off the file
// before anything is appended). Any other malformed line, or a header with other search options, is an
// error naming the journal and the line: results searched with other options must not be mixed in.
#include <map>
#include <string>

#include "ttt/arc/search/solver.h"

namespace ttt::arc::search {

class SolveJournal {
 public:
  // Opens (creating when missing) the journal at `path` for a run with `options`; loads its entries.
  SolveJournal(std::string path, const SearchOptions& options);
  ~SolveJournal();
  SolveJournal(const SolveJournal&) = delete;
  SolveJournal& operator=(const SolveJournal&) = delete;

  // Tasks finished by earlier runs, by id.
  const std::map<std::string, TaskSolution>& finished() const { return finished_; }
  // Appends one finished task and syncs it to disk. Not thread-safe: call it under the caller's lock
  // (solve_tasks' progress callback already runs under one).
  void append(const TaskSolution& solution);
  // Deletes the journal file (after the final outputs are safely written).
  void remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::map<std::string, TaskSolution> finished_;
};

// "out/sub.json" → "out/sub.journal.jsonl".
std::string default_journal_path(const std::string& submission_path);

// One journal line (no newline) and its inverse; parse errors name `where`.
std::string solution_to_journal_line(const TaskSolution& solution);
TaskSolution solution_from_journal_line(const std::string& line, const std::string& where);

}  // namespace ttt::arc::search
