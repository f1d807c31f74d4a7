// `ttt arc score` end to end: runs the built tool on hand-made submissions and solutions
// (tests/data/arc-score) and checks exact numbers, messages and exit codes.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

using ttt::test_support::contains;

namespace {

ttt::test_support::CliRun run_score(const std::string& arguments) {
  return ttt::test_support::run_cli_split("arc score " + arguments);
}

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc-score";

std::string files(const std::string& submission, const std::string& solutions) {
  return "--submission '" + kData + "/" + submission + "' --solutions '" + kData + "/" + solutions + "'";
}

}  // namespace

// partial.json against solutions.json: aaa right (attempt_2), bbb half right, ccc missing, ddd right,
// zzz unknown -> 2/4 tasks, 3/5 test inputs.
TEST(CliArcScore, JsonNumbersForPartialSubmission) {
  const ttt::test_support::CliRun r = run_score(files("partial.json", "solutions.json") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("tasks"), 4);
  EXPECT_EQ(j.at("correct_tasks"), 2);
  EXPECT_DOUBLE_EQ(j.at("score").get<double>(), 0.5);
  EXPECT_EQ(j.at("inputs"), 5);
  EXPECT_EQ(j.at("correct_inputs"), 3);
  EXPECT_DOUBLE_EQ(j.at("per_input").get<double>(), 0.6);
  EXPECT_EQ(j.at("per_task").at("bbb").at("input_correct"), nlohmann::json::parse("[true, false]"));
  EXPECT_EQ(j.at("per_task").at("aaa").at("correct"), true);
  EXPECT_EQ(j.at("per_task").at("ccc").at("submitted"), false);
  EXPECT_EQ(j.at("unknown_tasks"), nlohmann::json::parse(R"(["zzz"])"));
  EXPECT_EQ(j.at("notes").size(), 2u);
}

TEST(CliArcScore, HumanSummary) {
  const ttt::test_support::CliRun r = run_score(files("partial.json", "solutions.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.output,
            "score: 2 / 4 tasks correct (50.00%)\n"
            "per test input: 3 / 5 correct (60.00%)\n"
            "wrong tasks: bbb ccc\n"
            "notes:\n"
            "  task 'ccc': no predictions, its 1 test input count as wrong\n"
            "  task 'zzz': not in the solutions, ignored\n");
}

TEST(CliArcScore, SolutionsFromTaskFolderGiveTheSameScore) {
  const ttt::test_support::CliRun r = run_score(files("perfect.json", "tasks") + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("correct_tasks"), 4);
  EXPECT_DOUBLE_EQ(j.at("score").get<double>(), 1.0);
  EXPECT_EQ(j.at("correct_inputs"), 5);
  EXPECT_TRUE(j.at("notes").empty());
}

TEST(CliArcScore, WrongEntryCountsAreScoredWithNotes) {
  const ttt::test_support::CliRun r = run_score(files("short_and_long.json", "solutions.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.output, "score: 2 / 4 tasks correct (50.00%)")) << r.output;
  EXPECT_TRUE(contains(r.output, "task 'aaa': 2 entries for 1 test input, the extra entries are ignored")) << r.output;
  EXPECT_TRUE(contains(r.output, "task 'bbb': 1 entry for 2 test inputs, the inputs without one count as wrong"))
      << r.output;
}

TEST(CliArcScore, MalformedSubmissionsFailWithFileAndProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"truncated.json", "truncated.json: not valid JSON"},
      {"top_level_list.json", "top_level_list.json: a submission must be an object"},
      {"task_not_list.json", "task_not_list.json: task 'aaa' must be a list"},
      {"missing_attempt_2.json", "missing_attempt_2.json: task 'aaa' entry 0 has no \"attempt_2\""},
      {"ragged_attempt.json", "ragged_attempt.json: task 'aaa' entry 0 attempt_1 row 1 has 1 cells, row 0 has 2"},
      {"color_out_of_range.json", "color_out_of_range.json: task 'aaa' entry 0 attempt_2 row 0 column 1 has color 10"},
      {"entry_not_object.json", "entry_not_object.json: task 'aaa' entry 0 must be an object"},
  };
  for (const auto& [file, message] : cases) {
    const ttt::test_support::CliRun r = run_score(files(std::string("malformed/") + file, "solutions.json"));
    EXPECT_EQ(r.exit_code, 1) << file;
    EXPECT_TRUE(contains(r.err, "error: [arc] ")) << r.err;
    EXPECT_TRUE(contains(r.err, message)) << message << "\n" << r.err;
    EXPECT_TRUE(r.output.empty()) << r.output;
  }
}

TEST(CliArcScore, MissingFilesAndOptionsFail) {
  ttt::test_support::CliRun r = run_score(files("nope.json", "solutions.json"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "nope.json")) << r.err;
  r = run_score(files("partial.json", "nope"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "nope' does not exist")) << r.err;
  r = run_score("--submission '" + kData + "/partial.json'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--solutions")) << r.err;
}
#include "support/run_cli.h"
