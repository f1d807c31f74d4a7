#include "ttt/arc/search/solve_journal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "ttt/arc/grid_json.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/json_parse.h"

namespace ttt::arc::search {
namespace {

constexpr int kJournalVersion = 1;

nlohmann::json header_json(const SearchOptions& o) {
  return {{"ttt_arc_solve_journal", kJournalVersion},
          {"depth", o.max_depth},
          {"time_limit_s", o.time_limit_s},
          {"max_states", o.max_states}};
}

std::string system_reason() { return std::strerror(errno); }

void check_header(const std::string& line, const SearchOptions& options, const std::string& path) {
  const std::string where = path + ", line 1";
  const nlohmann::json h = parse_json_checked(line, "arc solve", where);
  TTT_CHECK(h.is_object() && h.contains("ttt_arc_solve_journal"), "[arc solve] ", where,
            ": not a solve journal (no \"ttt_arc_solve_journal\" header); move it away or pass another --out");
  TTT_CHECK(h["ttt_arc_solve_journal"] == kJournalVersion, "[arc solve] ", where, ": journal version ",
            json_brief(h["ttt_arc_solve_journal"]), " is not ", kJournalVersion);
  const nlohmann::json want = header_json(options);
  for (const char* key : {"depth", "time_limit_s", "max_states"})
    TTT_CHECK(h.contains(key) && h[key] == want[key], "[arc solve] ", path, ": this unfinished run was started with ",
              key, " = ", h.contains(key) ? json_brief(h[key]) : std::string("(missing)"), ", not ",
              json_brief(want[key]),
              "; rerun with the same options to continue it, or delete the journal to start over");
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    TTT_CHECK(n > 0, "[arc solve] writing the journal ", path, ": ", system_reason());
    done += static_cast<std::size_t>(n);
  }
  TTT_CHECK(::fsync(fd) == 0, "[arc solve] syncing the journal ", path, ": ", system_reason());
}

template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  TTT_CHECK(j.contains(key), "[arc solve] ", where, ": missing \"", key, "\"");
  const nlohmann::json& v = j[key];
  if constexpr (std::is_same_v<T, bool>) {
    TTT_CHECK(v.is_boolean(), "[arc solve] ", where, ": \"", key, "\" must be true or false, got ", json_brief(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    TTT_CHECK(v.is_string(), "[arc solve] ", where, ": \"", key, "\" must be a string, got ", json_brief(v));
  } else if constexpr (std::is_same_v<T, int>) {
    TTT_CHECK(v.is_number_integer() && v.get<long long>() >= -1 && v.get<long long>() <= 1000, "[arc solve] ", where,
              ": \"", key, "\" must be an integer in -1..1000, got ", json_brief(v));
  } else {
    TTT_CHECK(v.is_number() && v.get<double>() >= 0, "[arc solve] ", where, ": \"", key,
              "\" must be a number >= 0, got ", json_brief(v));
  }
  return v.get<T>();
}

}  // namespace

std::string default_journal_path(const std::string& submission_path) {
  return sibling_of_submission(submission_path, ".journal.jsonl");
}

std::string solution_to_journal_line(const TaskSolution& s) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const Attempts& a : s.attempts)
    attempts.push_back(nlohmann::json::array({grid_to_json(a.attempt_1), grid_to_json(a.attempt_2)}));
  const nlohmann::json j = {{"task_id", s.task_id},
                            {"attempts", std::move(attempts)},
                            {"consistent", s.consistent},
                            {"program", s.program},
                            {"second_program", s.second_program},
                            {"program_length", s.program_length},
                            {"depth_completed", s.depth_completed},
                            {"seconds", s.seconds},
                            {"timed_out", s.timed_out}};
  return j.dump();
}

TaskSolution solution_from_journal_line(const std::string& line, const std::string& where) {
  const nlohmann::json j = parse_json_checked(line, "arc solve", where);
  TTT_CHECK(j.is_object(), "[arc solve] ", where, ": a journal entry must be a JSON object, got ", json_brief(j));
  TaskSolution s;
  s.task_id = field<std::string>(j, "task_id", where);
  TTT_CHECK(!s.task_id.empty(), "[arc solve] ", where, ": empty \"task_id\"");
  TTT_CHECK(j.contains("attempts") && j["attempts"].is_array() && !j["attempts"].empty(), "[arc solve] ", where,
            ": \"attempts\" must be a non-empty array (one [attempt_1, attempt_2] per test input)");
  for (const nlohmann::json& pair : j["attempts"]) {
    TTT_CHECK(pair.is_array() && pair.size() == 2, "[arc solve] ", where,
              ": each entry of \"attempts\" must be [attempt_1, attempt_2], got ", json_brief(pair));
    s.attempts.push_back({grid_from_json(pair[0], where + " attempt_1"), grid_from_json(pair[1], where + " attempt_2")});
  }
  s.consistent = field<bool>(j, "consistent", where);
  s.program = field<std::string>(j, "program", where);
  s.second_program = field<std::string>(j, "second_program", where);
  TTT_CHECK(!s.consistent || !s.program.empty(), "[arc solve] ", where, ": marked consistent but names no program");
  s.program_length = field<int>(j, "program_length", where);
  s.depth_completed = field<int>(j, "depth_completed", where);
  s.seconds = field<double>(j, "seconds", where);
  s.timed_out = field<bool>(j, "timed_out", where);
  return s;
}

SolveJournal::SolveJournal(std::string path, const SearchOptions& options) : path_(std::move(path)) {
  struct stat st {};
  std::string text;
  if (::stat(path_.c_str(), &st) == 0) {
    TTT_CHECK(S_ISREG(st.st_mode), "[arc solve] journal ", path_, " exists and is not a regular file");
    text = read_file(path_, "arc solve");
  }
  // Complete lines only: a tail without '\n' is a write cut short by a crash.
  const std::size_t last_newline = text.rfind('\n');
  const std::size_t complete = last_newline == std::string::npos ? 0 : last_newline + 1;
  int line_number = 0;
  for (std::size_t start = 0, end; start < complete; start = end + 1) {
    end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (++line_number == 1) {
      check_header(line, options, path_);
      continue;
    }
    TaskSolution s = solution_from_journal_line(line, path_ + ", line " + std::to_string(line_number));
    finished_[s.task_id] = std::move(s);
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  TTT_CHECK(fd_ >= 0, "[arc solve] cannot open the journal ", path_, ": ", system_reason());
  try {
    TTT_CHECK(complete == text.size() || ::ftruncate(fd_, static_cast<off_t>(complete)) == 0,
              "[arc solve] cutting the unfinished last line off the journal ", path_, ": ", system_reason());
    if (complete == 0) write_all(fd_, header_json(options).dump() + "\n", path_);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

SolveJournal::~SolveJournal() {
  if (fd_ >= 0) ::close(fd_);
}

void SolveJournal::append(const TaskSolution& solution) {
  TTT_CHECK(fd_ >= 0, "[arc solve] the journal ", path_, " is closed");
  write_all(fd_, solution_to_journal_line(solution) + "\n", path_);
  finished_[solution.task_id] = solution;
}

void SolveJournal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
    throw Error("[arc solve] removing the finished journal " + path_ + ": " + system_reason());
}

}  // namespace ttt::arc::search
