// `ttt arc validate` end to end: runs the built tool and checks exit codes and messages.
#include <gtest/gtest.h>

#include <string>

#include "support/run_cli.h"

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;

namespace {

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc";

}  // namespace

TEST(CliArcValidate, ValidFolderPassesWithSummary) {
  const CliRun r = run_cli("arc validate '" + kData + "/valid'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "2 tasks valid (2 files)\n");
}

TEST(CliArcValidate, SeveralPathsAndKaggleFilesAddUp) {
  const CliRun r = run_cli("arc validate '" + kData + "/valid/small.json' '" + kData + "/kaggle/challenges.json' '" +
                        kData + "/kaggle/solutions.json'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "3 tasks valid (3 files, solutions for 2 tasks)")) << r.output;
}

TEST(CliArcValidate, EveryProblemIsListedAndTheExitCodeIsNonZero) {
  const CliRun r = run_cli("arc validate '" + kData + "/valid' '" + kData + "/malformed'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const char* line :
       {"/malformed/ragged_rows.json: train[1].output row 2 has 3 cells, row 0 has 2",
        "/malformed/value_10.json: train[1].input row 1 column 1 has color 10, colors are 0-9",
        "/malformed/float_cell.json: test[0].input row 0 column 0 is a float (1.5)",
        "/malformed/missing_test.json: missing \"test\"", "/malformed/not_json.json: not valid JSON",
        "/malformed/side_31.json: train[0].input has 31 rows, at most 30 allowed",
        "/malformed/train_output_missing.json: train[1] has no \"output\""})
    EXPECT_TRUE(contains(r.output, line)) << line << "\n" << r.output;
  EXPECT_TRUE(contains(r.output, "21 of 23 tasks invalid")) << r.output;
  EXPECT_FALSE(contains(r.output, "/valid/")) << "valid files produce no lines";
}

TEST(CliArcValidate, KaggleProblemsNameTheTask) {
  const CliRun r = run_cli("arc validate '" + kData + "/kaggle/challenges_bad_task.json'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "challenges_bad_task.json: task 'bb000002': train[0].input row 1 has 1 cells, row 0 has 2"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "task 'cc000003': missing \"train\"")) << r.output;
  EXPECT_TRUE(contains(r.output, "2 of 3 tasks invalid")) << r.output;
}

TEST(CliArcValidate, MissingPathIsAnError) {
  const CliRun r = run_cli("arc validate '" + kData + "/valid' /no/such/path.json");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "error: [arc] '/no/such/path.json' does not exist")) << r.output;
  EXPECT_FALSE(contains(r.output, "tasks valid")) << r.output;
}

TEST(CliArcValidate, NoPathIsAUsageError) {
  const CliRun r = run_cli("arc validate");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "paths is required")) << r.output;
}
#include "support/run_cli.h"
