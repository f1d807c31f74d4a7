#pragma once
// Running the Debian tools that read packaged corpora (tar, bible, diatheke, dpkg-query) and reading
// what they print. Commands go through /bin/sh, so every argument must pass through shell_quote.
#include <cstdio>
#include <string>

namespace ttt::data {

std::string shell_quote(const std::string& argument);

// Reads a command's stdout as a stream; close() reports a failed exit status naming `what`.
class CommandOutput {
 public:
  CommandOutput(const std::string& command, std::string what);
  ~CommandOutput();
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;
  std::size_t read(char* buffer, std::size_t size);  // 0 at the end of the output
  bool read_line(std::string& line);                  // without the '\n'; false at the end
  void close();                                       // throws when the command failed

 private:
  FILE* pipe_ = nullptr;
  std::string what_;
};

// The whole stdout of `command` (stderr is left to the terminal); throws when it exits non-zero.
std::string run_and_capture(const std::string& command, const std::string& what);

// True when `program` is an executable on PATH.
bool program_on_path(const std::string& program);

// The installed version of a Debian package ("" when dpkg-query is missing or the package is not installed).
std::string installed_package_version(const std::string& package);

}  // namespace ttt::data
