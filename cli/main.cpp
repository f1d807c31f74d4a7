// ttt — test-time training in C++. Thin command-line front end over the library.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <unistd.h>

#include "commands.h"
#include "local_launch.h"
#include "startup.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/threading.h"
#include "ttt/util/error.h"
#include "ttt/util/printable.h"

namespace {

// libtorch's errors carry a C++ backtrace of several KB after "Exception raised from"; users need the
// first part only. Control bytes from file contents are escaped.
std::string user_message(const char* what) {
  std::string message = what;
  for (const char* trace_start : {"Exception raised from ", "\nframe #0"})
    if (const auto trace = message.find(trace_start); trace != std::string::npos) message.resize(trace);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return ttt::printable(message, /*keep_newlines=*/true);
}

// Output that did not reach its destination (a full disk, a closed pipe) must not end in exit status 0:
// `ttt ... --json > out.json` on a full disk would otherwise leave truncated JSON behind a success.
int check_stdout(int status) {
  std::cout.flush();
  errno = 0;
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) || std::cout.fail();
  if (!failed) return status;
  int saved = errno;
  // The failing write may have happened long before (a full buffer flushed mid-run) and its errno is gone:
  // one probe byte to the already broken output recovers the reason (ENOSPC, EIO, ...).
  if (saved == 0 && ::write(STDOUT_FILENO, "\n", 1) < 0) saved = errno;
  std::fprintf(stderr, "error: writing standard output: %s\n", saved ? std::strerror(saved) : "write failed");
  return status == 0 ? 1 : status;
}

int run(int argc, char** argv) {
  ttt::cli::apply_startup_setup(argc, argv);
  ttt::cli::remember_process_arguments(argc, argv);
  CLI::App app{"ttt — test-time training in C++: TTT layers and language models, and test-time training on ARC"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.set_version_flag("--version", [] { return "ttt 0.1.0\n" + ttt::kernels::thread_setup(); });
  app.add_option_function<std::string>(
         "--kernels", [](const std::string& name) { ttt::kernels::set_impl(ttt::kernels::parse_impl(name)); },
         "TTT inner-loop kernels for inference (no grad): fused (default) | reference")
      ->check(CLI::IsMember({"fused", "reference"}));
  ttt::cli::register_lm_commands(app);
  ttt::cli::register_arc_commands(app);
  ttt::cli::register_bench(app);
  ttt::cli::register_data_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RequiredError& e) {
    // "ttt lm nonsense": CLI11 reports the missing subcommand; name the word it did not know instead.
    const auto extras = app.remaining(/*recurse=*/true);
    if (!extras.empty()) {
      std::fprintf(stderr, "error: unknown command '%s' (run with --help for the list)\n",
                   ttt::printable(extras.front()).c_str());
      return static_cast<int>(CLI::ExitCodes::ExtrasError);
    }
    return app.exit(e);
  } catch (const CLI::Error& e) {  // parse errors, --help, and commands that chose an exit code
    return app.exit(e);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {  // ttt::Error and everything else
    std::fprintf(stderr, "error: %s\n", user_message(e.what()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return check_stdout(run(argc, argv)); }
