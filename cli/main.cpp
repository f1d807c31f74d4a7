// ttt — test-time training in C++. Thin command-line front end over the library.
#include <cstdio>
#include <exception>

#include "commands.h"
#include "local_launch.h"
#include "startup.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/threading.h"
#include "ttt/util/error.h"

int main(int argc, char** argv) {
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
      std::fprintf(stderr, "error: unknown command '%s' (run with --help for the list)\n", extras.front().c_str());
      return static_cast<int>(CLI::ExitCodes::ExtrasError);
    }
    return app.exit(e);
  } catch (const CLI::Error& e) {  // parse errors, --help, and commands that chose an exit code
    return app.exit(e);
  } catch (const ttt::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
