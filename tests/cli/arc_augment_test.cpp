// `ttt arc augment` end to end: augmented task files checked against hand-computed grids, the skip of
// grids over 30, --check-inverse, and bad input that must fail without writing anything.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "support/run_cli.h"

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::slurp;
using ttt::test_support::TempDir;

namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc-augment";
// tiny.json: one 2x3 demonstration and a 2x3 test pair with its output.
const std::string kTiny = kData + "/tasks/tiny.json";

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& item : fs::directory_iterator(dir)) names.insert(item.path().filename().string());
  return names;
}

// The --list lines keyed by library name; the value is the rest of the line (alias, traits).
std::map<std::string, std::string> listing() {
  const CliRun r = run_cli("arc augment --list");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::map<std::string, std::string> lines;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    const auto rest = line.find_first_not_of(' ', space);
    lines[line.substr(0, space)] = rest == std::string::npos ? "" : line.substr(rest);
  }
  return lines;
}

}  // namespace

TEST(CliArcAugment, ListGivesLibraryNamesAliasesAndTraits) {
  const auto lines = listing();
  EXPECT_EQ(lines.size(), 26u) << "the spec's 23 TTT augmenters, PermuteColors, PermuteExamples and their chain";
  const std::map<std::string, std::string> expected = {
      {"Rotate(90)", "rotate-90                        invertible"},
      {"Reflect(0,reverse)", "reflect-0-reverse"},
      {"RandomTranslateXY", "random-translate-xy              random"},
      {"Chain[Flip(0),IncreaseResolution(2)]", "flip-0+increase-resolution-2"},
      {"Repeat(2,2)", "repeat-2-2"},
      {"PermuteColors", "permute-colors                   invertible, random"},
      {"Chain[PermuteColors,PermuteExamples]", "permute-colors+permute-examples  invertible, random"}};
  for (const auto& [name, rest] : expected) {
    ASSERT_TRUE(lines.count(name)) << name;
    EXPECT_EQ(lines.at(name), rest) << name;
  }
}

TEST(CliArcAugment, RotateNinetyWritesTheHandComputedTask) {
  TempDir out("augment_rotate");
  const CliRun r = run_cli("arc augment --tasks '" + kTiny + "' --augmenters rotate-90 --out '" + out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "1 tasks x 1 augmenters: 1 task files written to " + out.str() + ", 0 skipped (a grid side over 30)\n");
  EXPECT_EQ(files_in(out.path()), std::set<std::string>{"tiny.rotate-90.json"});
  // np.rot90 (counter-clockwise): the last column read top to bottom becomes the first row.
  //   [[1,2,3],[4,5,6]] -> [[3,6],[2,5],[1,4]]      [[6,5,4],[3,2,1]] -> [[4,1],[5,2],[6,3]]
  //   [[7,8,9],[0,1,2]] -> [[9,2],[8,1],[7,0]]      [[2,1,0],[9,8,7]] -> [[0,7],[1,8],[2,9]]
  EXPECT_EQ(slurp(out.path() / "tiny.rotate-90.json"),
            R"({"train":[{"input":[[3,6],[2,5],[1,4]],"output":[[4,1],[5,2],[6,3]]}],)"
            R"("test":[{"input":[[9,2],[8,1],[7,0]],"output":[[0,7],[1,8],[2,9]]}]})");
}

TEST(CliArcAugment, LibraryNamesWithCommasAndAliasesMix) {
  TempDir out("augment_names");
  // "Reflect(0,reverse)" holds a comma of its own; library names match in any case.
  const CliRun r = run_cli("arc augment --tasks '" + kTiny + "' --augmenters 'Flip(0),reflect(0, REVERSE),transpose' --out '" +
                           out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "1 tasks x 3 augmenters: 3 task files written")) << r.output;
  EXPECT_EQ(files_in(out.path()),
            (std::set<std::string>{"tiny.flip-0.json", "tiny.reflect-0-reverse.json", "tiny.transpose.json"}));
  // Flip(0): rows in reverse order.
  EXPECT_EQ(slurp(out.path() / "tiny.flip-0.json"),
            R"({"train":[{"input":[[4,5,6],[1,2,3]],"output":[[3,2,1],[6,5,4]]}],)"
            R"("test":[{"input":[[0,1,2],[7,8,9]],"output":[[9,8,7],[2,1,0]]}]})");
  // Reflect(0,reverse): the upside-down copy above the grid.
  EXPECT_EQ(slurp(out.path() / "tiny.reflect-0-reverse.json"),
            R"({"train":[{"input":[[4,5,6],[1,2,3],[1,2,3],[4,5,6]],"output":[[3,2,1],[6,5,4],[6,5,4],[3,2,1]]}],)"
            R"("test":[{"input":[[0,1,2],[7,8,9],[7,8,9],[0,1,2]],"output":[[9,8,7],[2,1,0],[2,1,0],[9,8,7]]}]})");
  EXPECT_EQ(slurp(out.path() / "tiny.transpose.json"),
            R"({"train":[{"input":[[1,4],[2,5],[3,6]],"output":[[6,3],[5,2],[4,1]]}],)"
            R"("test":[{"input":[[7,0],[8,1],[9,2]],"output":[[2,9],[1,8],[0,7]]}]})");
}

TEST(CliArcAugment, AllAugmentersOnAFolderSkipWhatExceedsThirty) {
  TempDir out("augment_all");
  const CliRun r = run_cli("arc augment --tasks '" + kData + "/tasks' --out '" + out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // wide.json has 2x16 grids: the 12 augmenters that double a width (Reflect(1) both ways, IncreaseWidth,
  // IncreaseResolution, the six chains with IncreaseResolution, Repeat(1,2), Repeat(2,2)) give 32 and are
  // skipped; tiny.json (2x3) fits under all 26.
  EXPECT_TRUE(contains(r.output, "2 tasks x 26 augmenters: 40 task files written to " + out.str() +
                                     ", 12 skipped (a grid side over 30)"))
      << r.output;
  EXPECT_TRUE(contains(r.output, "skipped wide IncreaseResolution(2): a grid side would exceed 30")) << r.output;
  EXPECT_TRUE(contains(r.output, "skipped wide Chain[Transpose,IncreaseResolution(2)]")) << r.output;
  EXPECT_FALSE(contains(r.output, "skipped tiny")) << r.output;
  const auto names = files_in(out.path());
  EXPECT_EQ(names.size(), 40u);
  std::size_t tiny = 0, wide = 0;
  for (const auto& name : names) (name.rfind("tiny.", 0) == 0 ? tiny : wide)++;
  EXPECT_EQ(tiny, 26u);
  EXPECT_EQ(wide, 14u);
  EXPECT_TRUE(names.count("wide.reflect-0.json"));  // 4x16 fits
  EXPECT_FALSE(names.count("wide.reflect-1.json"));  // 2x32 does not
  EXPECT_TRUE(names.count("tiny.rotate-90+increase-resolution-2.json"));
  EXPECT_TRUE(names.count("tiny.permute-colors+permute-examples.json"));
  // wide.json's test output is unknown; it stays unknown, and every file is a valid task.
  const std::string rotated = slurp(out.path() / "wide.rotate-180.json");
  const std::string test_part = rotated.substr(rotated.find("\"test\""));
  EXPECT_EQ(test_part, R"("test":[{"input":[[2,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[1,0,0,0,0,0,0,0,0,0,0,0,0,9,9,9]]}]})")
      << "rotated by 180, no output";
  const CliRun check = run_cli("arc validate '" + out.str() + "'");
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_EQ(check.output, "40 tasks valid (40 files)\n");
}

TEST(CliArcAugment, RandomDrawsDependOnSeedTaskAndAugmenterOnly) {
  TempDir all("augment_seed_all"), one("augment_seed_one"), other("augment_seed_other");
  ASSERT_EQ(run_cli("arc augment --tasks '" + kData + "/tasks' --seed 7 --out '" + all.str() + "'").exit_code, 0);
  ASSERT_EQ(run_cli("arc augment --tasks '" + kTiny + "' --augmenters permute-colors --seed 7 --out '" + one.str() + "'")
                .exit_code,
            0);
  ASSERT_EQ(run_cli("arc augment --tasks '" + kTiny + "' --augmenters permute-colors --seed 8 --out '" + other.str() + "'")
                .exit_code,
            0);
  const std::string seven = slurp(one.path() / "tiny.permute-colors.json");
  EXPECT_EQ(seven, slurp(all.path() / "tiny.permute-colors.json")) << "same seed, task and augmenter: same file";
  EXPECT_NE(seven, slurp(other.path() / "tiny.permute-colors.json")) << "another seed draws another color map";
  // 0 stays 0: tiny's test input [[7,8,9],[0,1,2]] keeps its 0 in row 1, column 0.
  EXPECT_TRUE(contains(seven, "],[0,")) << seven;
}

TEST(CliArcAugment, KaggleChallengesFileNamesFilesByTaskId) {
  TempDir out("augment_kaggle");
  const CliRun r = run_cli("arc augment --tasks '" + kData + "/challenges.json' --augmenters 'Rotate(180)' --out '" +
                           out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(files_in(out.path()), (std::set<std::string>{"first.rotate-180.json", "second.rotate-180.json"}));
  EXPECT_EQ(slurp(out.path() / "first.rotate-180.json"),
            R"({"train":[{"input":[[2,1]],"output":[[1,2]]},{"input":[[4,3]],"output":[[3,4]]}],"test":[{"input":[[6,5]]}]})");
}

TEST(CliArcAugment, CheckInverseRestoresEveryGrid) {
  const CliRun r = run_cli("arc augment --tasks '" + kData + "/tasks' --check-inverse");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // 9 invertible augmenters (3 rotations, 2 flips, transpose, PermuteColors, PermuteExamples, their chain);
  // tiny has 4 grids, wide 5 (its test output is unknown): 9 x 9 = 81.
  EXPECT_TRUE(contains(r.output, "81 grids checked across 2 tasks and 9 augmenters: all restored\n")) << r.output;
  EXPECT_TRUE(contains(r.output, "skipped (not invertible): Reflect(0,reverse), Reflect(1,reverse), Reflect(0), "))
      << r.output;
  EXPECT_TRUE(contains(r.output, "RandomTranslateXY")) << r.output;

  const CliRun some =
      run_cli("arc augment --tasks '" + kData + "/tasks' --augmenters rotate-270,permute-examples --check-inverse --seed 3");
  ASSERT_EQ(some.exit_code, 0) << some.output;
  EXPECT_EQ(some.output, "18 grids checked across 2 tasks and 2 augmenters: all restored\n");
}

TEST(CliArcAugment, CheckInverseNeedsAnInvertibleAugmenter) {
  const CliRun r = run_cli("arc augment --tasks '" + kTiny + "' --augmenters reflect-0,repeat-0-2 --check-inverse");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "skipped (not invertible): Reflect(0), Repeat(0,2)")) << r.output;
  EXPECT_TRUE(contains(r.output, "error: [arc augment] --check-inverse: none of the selected augmenters is invertible"))
      << r.output;
}

TEST(CliArcAugment, BadInputFailsClearlyAndWritesNothing) {
  TempDir out("augment_bad");
  const std::string to_out = " --out '" + out.str() + "'";
  struct Case {
    std::string arguments;
    std::string message;
  };
  const Case cases[] = {
      {"--tasks /no/such/tasks.json" + to_out, "error: [arc] '/no/such/tasks.json' does not exist"},
      {"--tasks '" + kData + "/ragged.json'" + to_out, "ragged.json: train[0].input row 1 has 2 cells, row 0 has 3"},
      {"--tasks '" + kTiny + "' --augmenters rotate-90,rotate-45" + to_out,
       "error: [arc] --augmenters: unknown augmenter 'rotate-45' (`ttt arc augment --list` shows the names and aliases)"},
      {"--tasks '" + kTiny + "' --augmenters 'rotate-90,,flip-0'" + to_out, "--augmenters has an empty name"},
      {"--tasks '" + kTiny + "'", "error: [arc augment] give --out DIR (write the augmented tasks) or --check-inverse"},
      {"--tasks '" + kTiny + "' --check-inverse" + to_out,
       "error: [arc augment] --out and --check-inverse exclude each other"},
      {to_out, "error: [arc augment] --tasks PATH is required"},
      {"--tasks '" + kData + "/challenges_path_id.json'" + to_out,
       "challenges_path_id.json: task id '../escape' cannot name a file"},
  };
  for (const Case& c : cases) {
    const CliRun r = run_cli("arc augment " + c.arguments);
    EXPECT_NE(r.exit_code, 0) << c.arguments << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, c.message)) << c.arguments << "\n" << r.output;
    EXPECT_FALSE(contains(r.output, "written")) << r.output;
    EXPECT_FALSE(fs::exists(out.path())) << c.arguments << " created the output folder";
  }
}

TEST(CliArcAugment, OutputPathThatIsAFileIsRejected) {
  TempDir scratch("augment_file_out");
  fs::create_directories(scratch.path());
  const fs::path file = scratch.path() / "not_a_folder";
  { std::ofstream(file) << "keep me"; }
  const CliRun r = run_cli("arc augment --tasks '" + kTiny + "' --out '" + file.string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "exists and is not a folder")) << r.output;
  EXPECT_EQ(slurp(file), "keep me");
}
