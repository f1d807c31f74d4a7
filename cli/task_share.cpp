#include "task_share.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "arc_model_options.h"
#include "local_launch.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;

namespace ttt::cli {

int task_worker_count(int requested, int threads, std::size_t tasks) {
  // A worker or rank already has its share: it never launches workers of its own.
  if (std::getenv("WORLD_SIZE") != nullptr) return 1;
  const int most = static_cast<int>(std::min<std::size_t>(std::max<std::size_t>(tasks, 1), 256));
  if (requested > 0) return std::min(requested, most);
  if (threads > 0) return 1;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, std::min({cores, 8, most}));
}

bool is_local_worker() { return std::getenv(kLocalWorkerVariable) != nullptr; }

std::string TaskRecordFolder::record_path(const std::string& task_id) const {
  return (records / (task_file_stem(task_id) + ".json")).string();
}

TaskRecordFolder open_record_folder(const fs::path& records, const fs::path& settings_path,
                                    const nlohmann::json& settings, const std::string& command) {
  fs::create_directories(records);
  if (is_local_worker()) return {records};
  if (fs::exists(settings_path)) {
    const auto before = nlohmann::json::parse(read_file(settings_path.string(), command + " settings"), nullptr, false);
    if (before != settings) {
      TTT_CHECK(std::getenv("WORLD_SIZE") == nullptr, "[", command, "] ", settings_path.string(),
                ": the records in ", records.string(), " are of a run with other settings; a rank does not remove "
                "them (other ranks may be writing): run without RANK/WORLD_SIZE once, or choose another output");
      for (const auto& entry : fs::directory_iterator(records))
        if (entry.is_regular_file() && entry.path().extension() == ".json" && entry.path() != settings_path)
          fs::remove(entry.path());
    }
  }
  write_file_atomic(settings_path.string(), settings.dump(2) + "\n");
  return {records};
}

void add_nproc_option(CLI::App* cmd, int& nproc) {
  cmd->add_option("--nproc", nproc,
                  "Local worker processes sharing the tasks (default: one per core, at most 8, unless --threads is "
                  "given)")
      ->check(CLI::Range(1, 256));
}

namespace {

void clear_claims(const fs::path& claims) {
  std::error_code ec;
  fs::remove_all(claims, ec);
  TTT_CHECK(!ec, "[arc] cannot clear the task claims in ", claims.string(), ": ", ec.message());
}

}  // namespace

int launch_task_workers(const fs::path& claims, int workers) {
  clear_claims(claims);
  const int code = launch_local_workers(workers);
  clear_claims(claims);
  return code;
}

TaskShare::TaskShare(fs::path claims) : claims_(std::move(claims)) {
  std::tie(rank_, world_) = task_worker();
  local_ = world_ > 1 && is_local_worker();
  if (local_) fs::create_directories(claims_);
}

bool TaskShare::take(std::size_t index, const std::string& stem) {
  if (world_ == 1) return true;
  if (!local_) return static_cast<int>(index % static_cast<std::size_t>(world_)) == rank_;
  const auto path = (claims_ / stem).string();
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  TTT_CHECK(errno == EEXIST, "[arc] cannot claim task '", stem, "' in ", claims_.string(), ": ", std::strerror(errno));
  return false;
}

std::size_t TaskShare::expected(std::size_t tasks) const {
  const auto w = static_cast<std::size_t>(world_);
  return (tasks + w - 1) / w;
}

}  // namespace ttt::cli
