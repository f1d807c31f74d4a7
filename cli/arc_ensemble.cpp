// `ttt arc ensemble --first search.json --second ttt.json --out C.json`: the paper's ensemble of program
// search and test-time training (rule in src/ttt/arc/search/ensemble.h). The search's "consistent
// program" signal comes from its programs record (--programs, default <first stem>.programs.json).
// With --solutions it scores the search alone, the second alone and the ensemble.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/search/ensemble.h"
#include "ttt/arc/submission.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct EnsembleFlags {
  std::string first, second, programs, out, solutions;
  bool json = false;
};

void run_arc_ensemble(const EnsembleFlags& flags) {
  const std::string programs_path =
      flags.programs.empty() ? arc::search::default_programs_path(flags.first) : flags.programs;
  TTT_CHECK(std::filesystem::exists(programs_path), "[arc ensemble] ", programs_path,
            ": programs record of the search submission not found (written by `ttt arc solve`; pass --programs)");
  arc::Solutions solutions;
  if (!flags.solutions.empty()) solutions = arc::load_solutions(flags.solutions);
  const arc::Submission search = arc::load_submission(flags.first);
  const arc::Submission ttt = arc::load_submission(flags.second);
  const arc::search::ProgramRecords programs = arc::search::load_program_records(programs_path);
  arc::search::EnsembleCounts counts;
  const arc::Submission combined = arc::search::ensemble(search, programs, ttt, &counts);
  arc::save_submission(flags.out, combined);

  nlohmann::ordered_json j;
  j["out"] = flags.out;
  j["agreed"] = counts.agreed;
  j["search_first"] = counts.search_first;
  j["second_first"] = counts.ttt_first;
  j["one_sided"] = counts.one_sided;
  if (!solutions.empty()) {
    const auto score = [&solutions](const arc::Submission& s) { return arc::score_submission(s, solutions); };
    const arc::ScoreReport a = score(search), b = score(ttt), c = score(combined);
    for (const auto& [name, r] : {std::pair<const char*, const arc::ScoreReport*>{"first", &a}, {"second", &b},
                                  {"ensemble", &c}})
      j[name] = {{"correct_tasks", r->correct_tasks()}, {"tasks", r->task_count()}, {"score", r->score()}};
  }
  if (flags.json) {
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("test inputs: %zu agreed, %zu from a consistent program, %zu from the second submission, %zu one-sided\n",
              counts.agreed, counts.search_first, counts.ttt_first, counts.one_sided);
  if (!solutions.empty())
    for (const char* name : {"first", "second", "ensemble"})
      std::printf("%-8s score: %d / %d tasks (%.2f%%)\n", name, j[name]["correct_tasks"].get<int>(),
                  j[name]["tasks"].get<int>(), 100.0 * j[name]["score"].get<double>());
  std::printf("wrote %s\n", flags.out.c_str());
}

}  // namespace

void register_arc_ensemble(CLI::App& arc) {
  auto flags = std::make_shared<EnsembleFlags>();
  CLI::App* cmd = arc.add_subcommand(
      "ensemble",
      "Combine a program-search submission (first) with another, e.g. test-time training (second), by the "
      "paper's rule: where they agree take it; else trust the search if it found a program consistent with "
      "every demonstration; else trust the second.");
  cmd->add_option("--first", flags->first, "Submission from `ttt arc solve`")->required();
  cmd->add_option("--second", flags->second, "The other submission (e.g. test-time training)")->required();
  cmd->add_option("--programs", flags->programs, "Programs record of --first (default: <first stem>.programs.json)");
  cmd->add_option("--out", flags->out, "Ensembled submission to write")->required();
  cmd->add_option("--solutions", flags->solutions, "Also score the first, the second and the ensemble");
  cmd->add_flag("--json", flags->json, "Print one JSON object: counts, and scores with --solutions");
  cmd->callback([flags] { run_arc_ensemble(*flags); });
}

}  // namespace ttt::cli
