#pragma once
// Each command group registers its subcommands on the root app; commands run inside CLI11 callbacks
// and report failure by throwing ttt::Error (main prints it and exits 1).
#include <CLI/CLI.hpp>

namespace ttt::cli {

void register_lm_commands(CLI::App& app);
void register_arc_commands(CLI::App& app);
void register_bench(CLI::App& app);
void register_data_commands(CLI::App& app);

// Subcommands of `ttt lm`, one file each.
void register_lm_init(CLI::App& lm);
void register_lm_forward(CLI::App& lm);
void register_lm_generate(CLI::App& lm);
void register_lm_parity(CLI::App& lm);
void register_lm_train(CLI::App& lm);
void register_lm_eval(CLI::App& lm);

// Subcommands of `ttt arc`, one file each.
void register_arc_validate(CLI::App& arc);
void register_arc_score(CLI::App& arc);
void register_arc_generate(CLI::App& arc);
void register_arc_report(CLI::App& arc);
void register_arc_augment(CLI::App& arc);
void register_arc_ttt_data(CLI::App& arc);
void register_arc_solve(CLI::App& arc);
void register_arc_ensemble(CLI::App& arc);
void register_arc_pretrain(CLI::App& arc);
void register_arc_ttt(CLI::App& arc);
void register_arc_predict(CLI::App& arc);
void register_arc_eval(CLI::App& arc);

// Subcommands of `ttt data`, one file each.
void register_data_corpus(CLI::App& data);
void register_data_tokenizer(CLI::App& data);
void register_data_tokenize(CLI::App& data);
void register_data_inspect(CLI::App& data);

}  // namespace ttt::cli
