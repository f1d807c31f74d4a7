#include "ttt/data/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "ttt/util/error.h"

namespace ttt::data {

std::string shell_quote(const std::string& argument) {
  std::string out = "'";
  for (char c : argument) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandOutput::CommandOutput(const std::string& command, std::string what) : what_(std::move(what)) {
  pipe_ = ::popen(command.c_str(), "r");
  TTT_CHECK(pipe_ != nullptr, "[data] ", what_, ": cannot start '", command, "'");
}

CommandOutput::~CommandOutput() {
  if (pipe_ != nullptr) ::pclose(pipe_);
}

std::size_t CommandOutput::read(char* buffer, std::size_t size) {
  std::size_t total = 0;
  while (total < size) {
    const std::size_t n = std::fread(buffer + total, 1, size - total, pipe_);
    if (n == 0) break;
    total += n;
  }
  return total;
}

bool CommandOutput::read_line(std::string& line) {
  line.clear();
  int c;
  while ((c = std::fgetc(pipe_)) != EOF) {
    if (c == '\n') return true;
    line += static_cast<char>(c);
  }
  return !line.empty();
}

void CommandOutput::close() {
  if (pipe_ == nullptr) return;
  // Drain what is left so the writer is not killed by SIGPIPE before it reports its own status.
  char sink[65536];
  while (std::fread(sink, 1, sizeof sink, pipe_) > 0) {
  }
  const int status = ::pclose(pipe_);
  pipe_ = nullptr;
  TTT_CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "[data] ", what_, " failed (exit status ",
            (status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1), "; see the messages above)");
}

std::string run_and_capture(const std::string& command, const std::string& what) {
  CommandOutput output(command, what);
  std::string text;
  char buffer[65536];
  std::size_t n;
  while ((n = output.read(buffer, sizeof buffer)) > 0) text.append(buffer, n);
  output.close();
  return text;
}

bool program_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const auto candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string installed_package_version(const std::string& package) {
  if (!program_on_path("dpkg-query")) return "";
  CommandOutput output("dpkg-query -W -f='${Version}' " + shell_quote(package) + " 2>/dev/null", "dpkg-query");
  std::string version;
  char buffer[256];
  std::size_t n;
  while ((n = output.read(buffer, sizeof buffer)) > 0) version.append(buffer, n);
  try {
    output.close();
  } catch (const Error&) {
    return "";
  }
  return version;
}

}  // namespace ttt::data
