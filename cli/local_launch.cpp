#include "local_launch.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

std::vector<std::string> arguments;

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  TTT_CHECK(fd >= 0, "[launch] cannot open a socket: ", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  TTT_CHECK(ok, "[launch] cannot find a free port on 127.0.0.1: ", std::strerror(errno));
  return ntohs(addr.sin_port);
}

}  // namespace

void remember_process_arguments(int argc, char** argv) { arguments.assign(argv, argv + argc); }

int launch_local_workers(int nproc) {
  TTT_CHECK(!arguments.empty(), "[launch] the command line was not recorded");
  const std::string port = std::to_string(free_loopback_port());
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::string threads = std::to_string(std::max(1u, cores / static_cast<unsigned>(nproc)));
  std::vector<pid_t> children;
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    TTT_CHECK(pid >= 0, "[launch] fork failed: ", std::strerror(errno));
    if (pid == 0) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      ::setenv(kLocalWorkerVariable, "1", 1);
      ::setenv("OMP_NUM_THREADS", threads.c_str(), 0);  // a user's own setting wins
      std::vector<char*> argv;
      for (auto& a : arguments) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv("/proc/self/exe", argv.data());
      std::fprintf(stderr, "error: [launch] cannot start worker %d: %s\n", rank, std::strerror(errno));
      ::_exit(127);
    }
    children.push_back(pid);
  }
  // Ctrl-C reaches every worker through the terminal's process group; the launcher just waits for them
  // to save and exit. If one worker fails, the others would wait forever in a collective: stop them.
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_IGN);
  int first_failure = 0;
  for (std::size_t remaining = children.size(); remaining > 0; --remaining) {
    int status = 0;
    const pid_t pid = ::wait(&status);
    if (pid < 0) break;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code != 0 && first_failure == 0) {
      first_failure = code;
      if (code != 130)
        for (pid_t other : children)
          if (other != pid) ::kill(other, SIGKILL);
    }
  }
  return first_failure;
}

}  // namespace ttt::cli
