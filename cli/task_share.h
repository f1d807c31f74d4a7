#pragma once
// Which tasks of a list this process works on, for the per-task ARC commands (`arc ttt|predict|eval`):
//   - one process: every task;
//   - a worker of `--nproc N` (launch_local_workers): whichever task no other worker has claimed yet, so a
//     worker that draws short tasks takes more of them (tasks differ up to 10× in time; a fixed split left
//     one of two workers idle for 18 of 42 s, docs/results.md);
//   - a rank of a group started elsewhere (RANK / WORLD_SIZE, e.g. on several machines): tasks i with
//     i mod WORLD_SIZE == RANK, which needs no shared folder.
// A claim is a file created exclusively in the claims folder. The launcher (launch_task_workers) empties that
// folder before it starts the workers, so a claim left by a killed run never keeps a task from being done again.
#include <cstddef>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace ttt::cli {

// How many local workers a per-task command starts: none (1: run in this process) when this process is itself
// a worker or rank (WORLD_SIZE is set); else `requested` when given (> 0), and by default (0) one per core, at
// most 8, when the user chose no thread count (`threads` 0). Never more than there are tasks.
int task_worker_count(int requested, int threads, std::size_t tasks);

// Whether this process was started by launch_local_workers.
bool is_local_worker();

// A folder of per-task records: one JSON file per task, named by the task's file stem, and the claims of
// local workers (claims/). Records are reused only by a run with the same settings (JSON, kept at
// `settings_path`): opening the folder with other settings removes its records and writes the new settings; a
// rank of a group started elsewhere refuses instead, since other ranks may be writing records. Local workers
// leave the settings to their launcher, which opened the folder before starting them.
struct TaskRecordFolder {
  std::filesystem::path records;
  std::string record_path(const std::string& task_id) const;
  std::filesystem::path claims() const { return records / "claims"; }
};
TaskRecordFolder open_record_folder(const std::filesystem::path& records, const std::filesystem::path& settings_path,
                                    const nlohmann::json& settings, const std::string& command);

// `--nproc`, the same for every per-task command.
void add_nproc_option(CLI::App* cmd, int& nproc);

// Starts `workers` local workers on this command line with no stale claims in `claims`, waits for them and
// removes their claims; returns launch_local_workers' exit code.
int launch_task_workers(const std::filesystem::path& claims, int workers);

class TaskShare {
 public:
  // `claims` is the folder for claim files (used by local workers only).
  explicit TaskShare(std::filesystem::path claims);
  // Whether task `index` (file stem `stem`) is this process's to do. For a local worker this claims it:
  // ask once per task, and only for tasks that are still to be done.
  bool take(std::size_t index, const std::string& stem);
  // Share of `tasks` this process can expect to do (for progress): all, or tasks / workers rounded up.
  std::size_t expected(std::size_t tasks) const;
  bool whole() const { return world_ == 1; }

 private:
  std::filesystem::path claims_;
  int rank_ = 0, world_ = 1;
  bool local_ = false;
};

}  // namespace ttt::cli
