#pragma once
// Helpers for end-to-end tests of the built `ttt` tool (TTT_CLI_PATH): run it through the shell and
// capture exit code and output, read files whole, and own a scratch folder.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ttt::test_support {

struct CliRun {
  int exit_code = -1;  // -1 when the process did not exit normally (e.g. a crash)
  std::string output;  // stdout (and stderr, for the merged variants)
  std::string err;     // stderr, for run_cli_split only
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a shell command with stdin from /dev/null; `output` collects what it prints on stdout.
inline CliRun run_command(const std::string& command) {
  CliRun run;
  FILE* pipe = ::popen((command + " </dev/null").c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

inline std::string cli_command(const std::string& arguments) {
  return std::string("'") + TTT_CLI_PATH + "' " + arguments;
}

// Any shell command, stdout and stderr merged.
inline CliRun run_shell(const std::string& command) { return run_command(command + " 2>&1"); }

// `ttt <arguments>`, stdout and stderr merged.
inline CliRun run_cli(const std::string& arguments) { return run_shell(cli_command(arguments)); }

// `ttt <arguments>` with stdout in `output` (e.g. JSON to parse) and stderr in `err`.
inline CliRun run_cli_split(const std::string& arguments) {
  const std::string err_path = std::filesystem::temp_directory_path().string() + "/ttt_cli_stderr." +
                               std::to_string(::getpid());
  CliRun run = run_command(cli_command(arguments) + " 2>'" + err_path + "'");
  run.err = slurp(err_path);
  std::remove(err_path.c_str());
  return run;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A scratch path unique to this process, removed on destruction. The folder itself is not created, so
// tests can check that a command creates it (or writes nothing on failure).
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("ttt_test_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ttt::test_support
