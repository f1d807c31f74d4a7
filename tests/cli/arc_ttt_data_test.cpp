// `ttt arc ttt-data` end to end on the three-demonstration task of tests/arc/ttt_data_test.cpp
// (tests/data/arc-augment/hand.json): stage counts worked out by hand, the length filter in both formats,
// the written files, and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_cli_split;
using ttt::test_support::slurp;
using ttt::test_support::TempDir;

namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc-augment";
const std::string kHand = kData + "/hand.json";
// The fixed list of TttData.CountsWithAFixedAugmenterList. Every grid of hand.json holds 1-6 once each, so no
// two of these transforms coincide, and colors 7-9 are free for the permuted copies.
const std::string kFour = " --augmenters 'Rotate(90),Flip(0),Transpose,Repeat(2,2)'";

nlohmann::json counts(const std::string& arguments) {
  const CliRun r = run_cli_split("arc ttt-data --task '" + kHand + "' --json" + arguments);
  EXPECT_EQ(r.exit_code, 0) << r.output << r.err;
  return nlohmann::json::parse(r.output);
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& item : fs::directory_iterator(dir)) names.insert(item.path().filename().string());
  return names;
}

}  // namespace

TEST(CliArcTttData, CountsMatchTheLibrarysHandCheckedNumbers) {
  const nlohmann::json j = counts(kFour);
  EXPECT_EQ(j.at("task"), "hand");
  EXPECT_EQ(j.at("demonstrations"), 3);
  EXPECT_EQ(j.at("augmenters"), 4);
  EXPECT_EQ(j.at("leave_one_out"), 3);
  EXPECT_EQ(j.at("augmented"), 15);              // 3 bases x (original + 4), all distinct
  EXPECT_EQ(j.at("with_permuted_copies"), 30);   // one copy each
  EXPECT_EQ(j.at("deduplicated"), 30);           // copies carry colors 7-9, no original does
  EXPECT_EQ(j.at("fitting"), 30);                // no --max-length
  EXPECT_EQ(j.at("kept_from_leave_one_out"), 30);
  EXPECT_EQ(j.at("leave_two_out"), 6);           // 3 x 2 ordered pairs
  EXPECT_EQ(j.at("leave_two_out_fitting"), 60);  // 6 x 5 x 2
  EXPECT_EQ(j.at("leave_two_out_fill"), 60);
  EXPECT_EQ(j.at("final"), 90);
  EXPECT_TRUE(j.at("max_length").is_null());
  EXPECT_TRUE(j.at("format").is_null());
  EXPECT_FALSE(j.contains("written"));
}

TEST(CliArcTttData, TextReportListsEveryStage) {
  const CliRun r = run_cli("arc ttt-data --task '" + kHand + "'" + kFour);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* line :
       {"task hand: 3 demonstrations, 4 augmenters, seed 0\n", "leave-one-out                3\n",
        "after augmentation          15   (originals kept, distinct)\n",
        "after permuted copies       30   (one PermuteColors+PermuteExamples copy each)\n",
        "after dedupe                30\n", "after length filter         30   (no --max-length)\n",
        "kept under the cap          30   (--max-tasks 250)\n",
        "leave-two-out fill          60   (6 leave-two-out tasks, 60 after the same stages)\n",
        "final                       90\n"})
    EXPECT_TRUE(contains(r.output, line)) << line << "\n" << r.output;
}

TEST(CliArcTttData, DefaultRecipeFillsUpTo250) {
  const nlohmann::json j = counts("");
  EXPECT_EQ(j.at("augmenters"), 23);
  // 3 bases x (original + 23) = 72; only RandomTranslateXY can repeat its base (a (0, 0) shift).
  EXPECT_GE(j.at("augmented").get<int>(), 69);
  EXPECT_LE(j.at("augmented").get<int>(), 72);
  EXPECT_EQ(j.at("with_permuted_copies").get<int>(), 2 * j.at("augmented").get<int>());
  EXPECT_EQ(j.at("deduplicated"), j.at("with_permuted_copies"));
  EXPECT_EQ(j.at("kept_from_leave_one_out"), j.at("deduplicated"));
  EXPECT_EQ(j.at("kept_from_leave_one_out").get<int>() + j.at("leave_two_out_fill").get<int>(), 250);
  EXPECT_EQ(j.at("final"), 250);
}

TEST(CliArcTttData, TokenLengthFilter) {
  // Tokens of a task: BOS, per demonstration IN in OUT out EOX, the query IN in OUT out EOX EOS; a 2x3 grid
  // is 6 cells + 2 row ends = 8 tokens, a 3x2 one 9. Leave-one-out: 1 + 2 x 20 + 21 = 62 tokens (rotations,
  // flips and the transpose keep it); Repeat(2,2) makes 4x6 (28) and 6x4 (30) grids: 1 + 2 x 61 + 62 = 185.
  // Leave-two-out: 1 + 20 + 21 = 42, with Repeat(2,2) 1 + 61 + 62 = 124.
  nlohmann::json j = counts(kFour + " --max-length 100");
  EXPECT_EQ(j.at("fitting"), 24);                // 3 x 4 x 2, the Repeat ones dropped
  EXPECT_EQ(j.at("leave_two_out_fitting"), 48);  // 6 x 4 x 2
  EXPECT_EQ(j.at("final"), 72);
  EXPECT_EQ(j.at("max_length"), 100);
  EXPECT_EQ(j.at("format"), "tokens");
  j = counts(kFour + " --max-length 62 --format tokens");
  EXPECT_EQ(j.at("fitting"), 24);
  j = counts(kFour + " --max-length 61");  // no leave-one-out task fits: leave-two-out only
  EXPECT_EQ(j.at("fitting"), 0);
  EXPECT_EQ(j.at("kept_from_leave_one_out"), 0);
  EXPECT_EQ(j.at("leave_two_out_fill"), 48);
  EXPECT_EQ(j.at("final"), 48);
  EXPECT_EQ(counts(kFour + " --max-length 41").at("final"), 0);
}

TEST(CliArcTttData, TextLengthFilter) {
  // Characters: the 237-character instruction; "[[1 2 3]\n [4 5 6]]" is 18, a 3x2 grid 21; a demonstration
  // "{in} -> {out}#\n" is 18 + 4 + 21 + 2 = 45 and the query with its answer 18 + 4 + 21 + 1 = 44.
  // Leave-one-out: 237 + 90 + 44 = 371; leave-two-out: 237 + 45 + 44 = 326 (Repeat(2,2) ones are longer).
  nlohmann::json j = counts(kFour + " --max-length 371 --format text");
  EXPECT_EQ(j.at("format"), "text");
  EXPECT_EQ(j.at("fitting"), 24);
  EXPECT_EQ(j.at("final"), 72);
  j = counts(kFour + " --max-length 370 --format text");
  EXPECT_EQ(j.at("fitting"), 0);
  EXPECT_EQ(j.at("final"), 48);
  EXPECT_EQ(counts(kFour + " --max-length 326 --format text").at("final"), 48);
  EXPECT_EQ(counts(kFour + " --max-length 325 --format text").at("final"), 0);
}

TEST(CliArcTttData, CapCutsLeaveOneOutAndBuildsNoLeaveTwoOut) {
  const nlohmann::json j = counts(kFour + " --max-tasks 20");
  EXPECT_EQ(j.at("fitting"), 30);
  EXPECT_EQ(j.at("kept_from_leave_one_out"), 20);
  EXPECT_EQ(j.at("leave_two_out"), 0);
  EXPECT_EQ(j.at("leave_two_out_fill"), 0);
  EXPECT_EQ(j.at("final"), 20);
}

TEST(CliArcTttData, OutWritesTheFinalTasksAsValidFiles) {
  TempDir out("ttt_data_out");
  const CliRun r = run_cli_split("arc ttt-data --task '" + kHand + "' --json --out '" + out.str() + "'" + kFour);
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j.at("final"), 90);
  EXPECT_EQ(j.at("written"), 90);
  std::set<std::string> expected;
  for (int k = 0; k < 90; ++k) expected.insert("hand-ttt-" + std::to_string(k) + ".json");
  EXPECT_EQ(files_in(out.path()), expected);
  const CliRun valid = run_cli("arc validate '" + out.str() + "'");
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_EQ(valid.output, "90 tasks valid (90 files)\n");
  // The first task is leave-one-out 0 unchanged: demonstrations 1 and 2, demonstration 0 as the test pair.
  EXPECT_EQ(slurp(out.path() / "hand-ttt-0.json"),
            R"({"train":[{"input":[[2,4,6],[1,3,5]],"output":[[1,2],[3,4],[5,6]]},)"
            R"({"input":[[6,5,4],[3,2,1]],"output":[[3,1],[6,4],[2,5]]}],)"
            R"("test":[{"input":[[1,2,3],[4,5,6]],"output":[[6,3],[5,2],[4,1]]}]})");
  // Leave-two-out tasks come last: one demonstration.
  const nlohmann::json last = nlohmann::json::parse(slurp(out.path() / "hand-ttt-89.json"));
  EXPECT_EQ(last.at("train").size(), 1u);

  // The same seed gives the same files; a smaller rerun leaves exactly its own files.
  const std::string first_pass = slurp(out.path() / "hand-ttt-57.json");
  const CliRun again = run_cli("arc ttt-data --task '" + kHand + "' --max-tasks 10 --out '" + out.str() + "'" + kFour);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "wrote 10 task files to " + out.str() + " (removed 80 left from an earlier run)"))
      << again.output;
  EXPECT_EQ(files_in(out.path()).size(), 10u);
  EXPECT_EQ(run_cli("arc validate '" + out.str() + "'").output, "10 tasks valid (10 files)\n");
  TempDir repeat("ttt_data_repeat");
  ASSERT_EQ(run_cli("arc ttt-data --task '" + kHand + "' --out '" + repeat.str() + "'" + kFour).exit_code, 0);
  EXPECT_EQ(slurp(repeat.path() / "hand-ttt-57.json"), first_pass);
}

TEST(CliArcTttData, OneDemonstrationGivesNoDataWithANote) {
  TempDir out("ttt_data_one");
  const CliRun r = run_cli_split("arc ttt-data --task '" + kData + "/one_demo.json' --json --out '" + out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.output).at("final"), 0);
  EXPECT_TRUE(contains(r.err, "note: task 'one_demo' has 1 demonstration; leave-one-out needs at least 2")) << r.err;
  EXPECT_TRUE(files_in(out.path()).empty());
}

TEST(CliArcTttData, BadInputFailsClearlyAndWritesNothing) {
  TempDir out("ttt_data_bad");
  const std::string to_out = " --out '" + out.str() + "'";
  struct Case {
    std::string arguments;
    std::string message;
  };
  const Case cases[] = {
      {"--task /no/such/task.json" + to_out, "error: [arc] '/no/such/task.json' does not exist"},
      {"--task '" + kData + "/ragged.json'" + to_out, "ragged.json: train[0].input row 1 has 2 cells, row 0 has 3"},
      {"--task '" + kData + "/challenges.json'" + to_out, "challenges.json holds 2 tasks; --task takes one task"},
      {"--task '" + kHand + "' --format text" + to_out, "--format requires --max-length"},
      {"--task '" + kHand + "' --max-length 10 --format words" + to_out, "--format must be tokens or text, got 'words'"},
      {"--task '" + kHand + "' --max-length 0" + to_out, "--max-length must be at least 1"},
      {"--task '" + kHand + "' --max-tasks 0" + to_out, "--max-tasks must be at least 1"},
      {"--task '" + kHand + "' --augmenters rotate-90,spin" + to_out, "unknown augmenter 'spin'"},
      {to_out, "--task is required"},
  };
  for (const Case& c : cases) {
    const CliRun r = run_cli("arc ttt-data " + c.arguments);
    EXPECT_NE(r.exit_code, 0) << c.arguments << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.message)) << c.arguments << "\n" << r.output;
    EXPECT_FALSE(fs::exists(out.path())) << c.arguments << " created the output folder";
  }
}

// A task whose answers are all one 1×1 cell (a 3×3 pattern → its class colour): by default the augmenters
// that would change that shape are left out and counted; --all-augmenters keeps the spec's 23.
TEST(CliArcTttData, AFixedAnswerShapeKeepsOnlyTheAugmentersThatPreserveIt) {
  TempDir dir("ttt_data_fixed_shape");
  fs::create_directories(dir.path());
  const std::string task = (dir.path() / "pattern.json").string();
  {
    std::ofstream out(task);
    out << R"({"train": [{"input": [[5,5,0],[5,0,5],[0,5,0]], "output": [[1]]},
                         {"input": [[8,0,8],[0,8,0],[8,0,8]], "output": [[2]]},
                         {"input": [[0,4,0],[4,4,4],[0,4,0]], "output": [[6]]}],
               "test": [{"input": [[7,7,0],[7,0,7],[0,7,0]]}]})";
  }
  CliRun r = run_cli_split("arc ttt-data --task '" + task + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["augmenters"], 7);  // the 3 rotations, 2 flips, transpose and translation keep a 1×1; 7 of 23
  EXPECT_EQ(j["augmenters_dropped_for_fixed_answer_shape"], 16);
  r = run_cli_split("arc ttt-data --task '" + task + "' --json --all-augmenters");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["augmenters"], 23);
  EXPECT_EQ(j["augmenters_dropped_for_fixed_answer_shape"], 0);
  r = run_cli("arc ttt-data --task '" + task + "'");
  EXPECT_TRUE(contains(r.output, "16 augmenters left out: every answer is 1x1")) << r.output;
}
