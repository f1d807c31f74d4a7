#include "commands.h"

namespace ttt::cli {

void register_lm_commands(CLI::App& app) {
  CLI::App* lm = app.add_subcommand("lm", "Language models: init, train, eval, forward, generate, parity with the reference");
  lm->require_subcommand(1);
  register_lm_init(*lm);
  register_lm_forward(*lm);
  register_lm_generate(*lm);
  register_lm_parity(*lm);
  register_lm_train(*lm);
  register_lm_eval(*lm);
}

}  // namespace ttt::cli
