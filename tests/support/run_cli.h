#pragma once
// Runs the built `ttt` tool (TTT_CLI_PATH) through the shell and captures its exit code and output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace ttt::test_support {

struct CliRun {
  int exit_code = -1;  // -1 when the process did not exit normally (e.g. a crash)
  std::string output;  // stdout and stderr together
};

inline CliRun run_cli(const std::string& arguments) {
  const std::string command = std::string("'") + TTT_CLI_PATH + "' " + arguments + " 2>&1 </dev/null";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace ttt::test_support
