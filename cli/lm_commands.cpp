#include "commands.h"

namespace ttt::cli {

void register_lm_commands(CLI::App& app) {
  CLI::App* lm = app.add_subcommand("lm", "TTT language models: forward, generate, train, eval");
  lm->require_subcommand(1);
}

}  // namespace ttt::cli
