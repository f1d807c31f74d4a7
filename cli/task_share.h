#pragma once
// Which tasks of a list this process works on, for the per-task ARC commands (`arc ttt`, `arc eval`):
//   - one process: every task;
//   - a worker of `--nproc N` (launch_local_workers): whichever task no other worker has claimed yet, so a
//     worker that draws short tasks takes more of them (tasks differ up to 10× in time; a fixed split left
//     one of two workers idle for 40 % of a run, docs/results.md);
//   - a rank of a group started elsewhere (RANK / WORLD_SIZE, e.g. on several machines): tasks i with
//     i mod WORLD_SIZE == RANK, which needs no shared folder.
// A claim is a file created exclusively in the claims folder. The launcher empties that folder before it
// starts the workers, so a claim left by a killed run never keeps a task from being done again.
#include <cstddef>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace ttt::cli {

// How many local workers a per-task command starts: none (1: run in this process) when this process is itself
// a worker or rank (WORLD_SIZE is set); else `requested` when given (> 0), and by default (0) one per core, at
// most 8, when the user chose no thread count (`threads` 0). Never more than there are tasks.
int task_worker_count(int requested, int threads, std::size_t tasks);

// Whether this process was started by launch_local_workers.
bool is_local_worker();

// A folder of per-task records is reused only by a run with the same settings (JSON, kept at
// `settings_path`). Other settings remove the folder's records (its *.json files other than the settings)
// and write the new settings; a rank of a group started elsewhere refuses instead, since other ranks may be
// writing records. Local workers leave this to their launcher, which calls it before starting them.
void settle_record_settings(const std::filesystem::path& records, const std::filesystem::path& settings_path,
                            const nlohmann::json& settings, const std::string& command);

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

  // Removes every claim (the launcher, before starting workers).
  static void clear_claims(const std::filesystem::path& claims);

 private:
  std::filesystem::path claims_;
  int rank_ = 0, world_ = 1;
  bool local_ = false;
};

}  // namespace ttt::cli
