// `ttt arc solve`, `ttt arc ensemble` and the programs column of `ttt arc report`, end to end on
// hand-made tasks (tests/data/arc-solve): rotate+recolor, crop the largest object, flip with two test
// inputs (all expressible), and a counting task the DSL cannot express.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_cli_split;
using ttt::test_support::run_shell;
using ttt::test_support::slurp;
using ttt::test_support::TempDir;

namespace {
const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc-solve";
const std::string kTasks = kData + "/tasks";

std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

TEST(CliArcSolve, WritesSubmissionProgramsAndScores) {
  TempDir dir("arc_solve");
  std::filesystem::create_directories(dir.path());
  const std::string out = dir.str() + "/sub.json";
  const auto r = run_cli_split("arc solve --tasks " + quoted(kTasks) + " --out " + quoted(out) +
                               " --depth 2 --time-limit 5 --json --solutions " + quoted(kTasks));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("tasks"), 4);
  EXPECT_EQ(j.at("test_inputs"), 5);
  EXPECT_EQ(j.at("solved_demos"), 3);
  EXPECT_EQ(j.at("correct_tasks"), 3);  // the fields of `ttt arc score --json`
  EXPECT_EQ(j.at("per_task").at("count_cells").at("correct"), false);
  EXPECT_EQ(j.at("overfit"), 0);
  EXPECT_GE(j.at("seconds_per_task").get<double>(), 0.0);
  EXPECT_TRUE(contains(r.err, "[4/4]"));  // progress

  const auto sub = nlohmann::json::parse(slurp(out));
  ASSERT_EQ(sub.at("flip_two_tests").size(), 2u);
  EXPECT_EQ(sub.at("flip_two_tests")[1].at("attempt_1"), nlohmann::json::parse("[[9, 8], [0, 0]]"));
  ASSERT_EQ(sub.at("count_cells").size(), 1u);  // never an empty answer
  const auto programs = nlohmann::json::parse(slurp(dir.str() + "/sub.programs.json"));
  EXPECT_EQ(programs.at("rotate_recolor").at("program"), "rot90 | recolor{1->5}");
  EXPECT_EQ(programs.at("count_cells").at("consistent"), false);
  EXPECT_TRUE(programs.at("count_cells").at("program").is_null());

  // The same submission scored by `ttt arc score` agrees.
  const auto score = run_cli_split("arc score --json --submission " + quoted(out) + " --solutions " + quoted(kTasks));
  ASSERT_EQ(score.exit_code, 0) << score.err;
  EXPECT_EQ(nlohmann::json::parse(score.output).at("correct_tasks"), 3);
}

TEST(CliArcSolve, ExplainPrintsEachProgram) {
  TempDir dir("arc_solve_explain");
  std::filesystem::create_directories(dir.path());
  const auto r = run_cli_split("arc solve --quiet --explain --depth 2 --tasks " + quoted(kTasks) + " --out " +
                               quoted(dir.str() + "/s.json") + " --programs " + quoted(dir.str() + "/p.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.output, "rotate_recolor: rot90 | recolor{1->5}\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "count_cells: no program\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "solved demos: 3 / 4 tasks")) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir.str() + "/p.json"));
  EXPECT_EQ(r.err, "");  // --quiet
}

TEST(CliArcSolve, MalformedTasksAndFlagsFailCleanly) {
  TempDir dir("arc_solve_bad");
  std::filesystem::create_directories(dir.path());
  const std::string out = dir.str() + "/sub.json";
  auto r = run_cli("arc solve --tasks " + quoted(kData + "/malformed/ragged.json") + " --out " + quoted(out));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "error: [arc]")) << r.output;
  EXPECT_TRUE(contains(r.output, "ragged.json")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  r = run_cli("arc solve --tasks " + quoted(kTasks) + " --out " + quoted(out) + " --depth 9");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "depth must be 0..4")) << r.output;
  r = run_cli("arc solve --tasks " + quoted(kTasks) + " --out " + quoted(out) + " --time-limit 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "time limit must be positive")) << r.output;
  r = run_cli("arc solve --tasks " + quoted(dir.str() + "/missing") + " --out " + quoted(out));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
}

// kill -9 twice during a long run (after the first finished task, then halfway), rerunning each time: no
// finished task is searched again, and the final submission and programs equal an uninterrupted run's.
TEST(CliArcSolve, KilledTwiceThenRerunLosesNothing) {
  TempDir dir("arc_solve_killed");
  std::filesystem::create_directories(dir.path());
  const std::string tasks = dir.str() + "/tasks";
  ASSERT_EQ(run_cli("arc generate --families count_objects,rotate_90,gravity_cells --per-family 6 --max-side 10 "
                    "--seed 3 --out " + quoted(tasks)).exit_code, 0);
  const int n_tasks = 18;
  const std::string flags = " --depth 2 --time-limit 600 --threads 1 --quiet --tasks " + quoted(tasks);
  ASSERT_EQ(run_cli("arc solve" + flags + " --out " + quoted(dir.str() + "/straight.json")).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir.str() + "/straight.journal.jsonl")) << "a finished run removes its journal";

  const std::string out = dir.str() + "/killed.json", journal = dir.str() + "/killed.journal.jsonl";
  auto finished_in_journal = [&] {  // complete entry lines (the header excluded)
    const std::string text = std::filesystem::exists(journal) ? slurp(journal) : "";
    return std::max<long>(0, static_cast<long>(std::count(text.begin(), text.end(), '\n')) - 1);
  };
  for (int kill_after : {1, n_tasks / 2}) {
    const std::string script = "(" + ttt::test_support::cli_command("arc solve" + flags + " --out " + quoted(out)) +
                               " >/dev/null 2>&1 & pid=$!; for i in $(seq 1 6000); do n=$(wc -l < " + quoted(journal) +
                               " 2>/dev/null || echo 0); [ \"$n\" -gt " + std::to_string(kill_after) +
                               " ] && break; sleep 0.01; done; kill -9 $pid; wait $pid; exit 0)";
    ASSERT_EQ(run_shell(script).exit_code, 0);
    ASSERT_FALSE(std::filesystem::exists(out)) << "the run finished before it could be killed";
    ASSERT_GE(finished_in_journal(), kill_after);
  }
  const long before = finished_in_journal();
  const auto r = run_cli_split("arc solve --json" + flags + " --out " + quoted(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.output).at("resumed_tasks"), before);
  EXPECT_EQ(slurp(out), slurp(dir.str() + "/straight.json"));
  auto without_seconds = [](const std::string& path) {
    auto j = nlohmann::json::parse(slurp(path));
    for (auto& [id, entry] : j.items()) entry.erase("seconds");
    return j;
  };
  EXPECT_EQ(without_seconds(dir.str() + "/killed.programs.json"), without_seconds(dir.str() + "/straight.programs.json"));
  EXPECT_FALSE(std::filesystem::exists(journal));

  // A rerun with other search options must not mix its results into an unfinished journal.
  { std::ofstream(journal) << "{\"ttt_arc_solve_journal\": 1, \"depth\": 1, \"time_limit_s\": 600.0, \"max_states\": 50000}\n"; }
  const auto mixed = run_cli("arc solve" + flags + " --out " + quoted(out));
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_TRUE(contains(mixed.output, "killed.journal.jsonl") && contains(mixed.output, "depth")) << mixed.output;
}

TEST(CliArcEnsemble, PapersRuleBeatsBothParts) {
  TempDir dir("arc_ensemble");
  std::filesystem::create_directories(dir.path());
  const std::string out = dir.str() + "/ens.json";
  const auto r = run_cli_split("arc ensemble --json --first " + quoted(kData + "/ensemble/search.json") + " --second " +
                               quoted(kData + "/ensemble/ttt.json") + " --out " + quoted(out) + " --solutions " +
                               quoted(kTasks));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("agreed"), 1);
  EXPECT_EQ(j.at("search_first"), 2);
  EXPECT_EQ(j.at("second_first"), 2);
  EXPECT_EQ(j.at("first").at("correct_tasks"), 2);
  EXPECT_EQ(j.at("second").at("correct_tasks"), 1);
  EXPECT_EQ(j.at("ensemble").at("correct_tasks"), 3);
  const auto score = run_cli_split("arc score --json --submission " + quoted(out) + " --solutions " + quoted(kTasks));
  EXPECT_EQ(nlohmann::json::parse(score.output).at("correct_tasks"), 3);
}

TEST(CliArcEnsemble, MissingProgramsRecordIsAClearError) {
  TempDir dir("arc_ensemble_bad");
  std::filesystem::create_directories(dir.path());
  const auto r = run_cli("arc ensemble --first " + quoted(kData + "/ensemble/ttt.json") + " --second " +
                         quoted(kData + "/ensemble/ttt.json") + " --out " + quoted(dir.str() + "/e.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "ttt.programs.json: programs record")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.str() + "/e.json"));
}

TEST(CliArcReport, ShowsProgramsBesideTasks) {
  TempDir dir("arc_report_programs");
  std::filesystem::create_directories(dir.path());
  const std::string html = dir.str() + "/r.html";
  const auto r = run_cli("arc report --tasks " + quoted(kTasks) + " --submission " +
                         quoted(kData + "/ensemble/search.json") + " --out " + quoted(html));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string page = slurp(html);
  EXPECT_TRUE(contains(page, "<code>rot90 | recolor{1-&gt;5}</code>")) << "programs record found beside the submission";
  EXPECT_TRUE(contains(page, "no program"));
}
