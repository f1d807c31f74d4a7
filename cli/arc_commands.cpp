#include "commands.h"

namespace ttt::cli {

void register_arc_commands(CLI::App& app) {
  CLI::App* arc = app.add_subcommand("arc", "ARC: pretrain a base model, per-task test-time training, predict, eval; tasks: validate, score, generate, report, augment, ttt-data; program search: solve, ensemble");
  arc->require_subcommand(1);
  register_arc_validate(*arc);
  register_arc_score(*arc);
  register_arc_generate(*arc);
  register_arc_report(*arc);
  register_arc_augment(*arc);
  register_arc_ttt_data(*arc);
  register_arc_solve(*arc);
  register_arc_ensemble(*arc);
  register_arc_pretrain(*arc);
  register_arc_ttt(*arc);
  register_arc_predict(*arc);
  register_arc_eval(*arc);
}

}  // namespace ttt::cli
