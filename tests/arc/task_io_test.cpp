// Task files: parsing, the strict grid rules, the Kaggle layout, saving and validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ttt/arc/grid_json.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

#include <unistd.h>

namespace fs = std::filesystem;
using namespace ttt::arc;

namespace {

const std::string kData = std::string(TTT_TEST_DATA_DIR) + "/arc";

Grid rows(const std::vector<std::vector<int>>& r) { return Grid::from_rows(r); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ttt::Error& e) {
    return e.what();
  }
  return "<no error>";
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name) : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

TEST(GridJson, ParsesRowsAndRoundTrips) {
  const auto j = nlohmann::json::parse("[[1, 2, 3], [4, 5, 6]]");
  const Grid g = grid_from_json(j, "x");
  ASSERT_EQ(g.height(), 2);
  ASSERT_EQ(g.width(), 3);
  EXPECT_EQ(g.at(0, 2), 3);
  EXPECT_EQ(g.at(1, 0), 4);
  EXPECT_EQ(grid_to_json(g), j);
}

TEST(GridJson, AcceptsTheLargestGrid) {
  nlohmann::json j = nlohmann::json::array();
  for (int r = 0; r < 30; ++r) j.push_back(std::vector<int>(30, 9));
  EXPECT_EQ(grid_from_json(j, "x").height(), 30);
}

TEST(GridJson, RejectionsNameTheLocationAndRule) {
  struct Case {
    const char* json;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"[[1, 2], [3, 4], [5, 6, 7], [8, 9]]", "[arc] f.json: train[2].output row 2 has 3 cells, row 0 has 2"},
      {"[]", "is an empty grid"},
      {"[[]]", "row 0 is empty"},
      {"{}", "must be a list of rows, got an object"},
      {"[1, 2]", "row 0 must be a list of cells, got an integer"},
      {"[[1, 10]]", "row 0 column 1 has color 10, colors are 0-9"},
      {"[[0], [-1]]", "row 1 column 0 has color -1"},
      {"[[1.5]]", "row 0 column 0 is a float (1.5)"},
      {"[[1.0]]", "is a float"},
      {"[[true]]", "is a boolean"},
      {"[[null]]", "is null"},
      {"[[\"3\"]]", "is a string (\"3\")"},
      {"[[18446744073709551615]]", "has color 18446744073709551615"},
  };
  for (const auto& c : cases) {
    const std::string message = error_of([&] { grid_from_json(nlohmann::json::parse(c.json), "f.json: train[2].output"); });
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.json << " -> " << message;
    EXPECT_NE(message.find("f.json: train[2].output"), std::string::npos) << message;
  }
  nlohmann::json tall = nlohmann::json::array();
  for (int r = 0; r < 31; ++r) tall.push_back({1});
  EXPECT_NE(error_of([&] { grid_from_json(tall, "g"); }).find("has 31 rows, at most 30"), std::string::npos);
  nlohmann::json wide = nlohmann::json::array({std::vector<int>(31, 1), std::vector<int>(31, 1)});
  EXPECT_NE(error_of([&] { grid_from_json(wide, "g"); }).find("has 31 columns, at most 30"), std::string::npos);
}

TEST(TaskIo, LoadsATaskFileWithIdFromStem) {
  const Task t = load_task_file(kData + "/valid/small.json");
  EXPECT_EQ(t.id, "small");
  ASSERT_EQ(t.train.size(), 2u);
  ASSERT_EQ(t.test.size(), 1u);
  EXPECT_EQ(t.train[1].input, rows({{3, 3, 0}, {0, 4, 4}}));
  EXPECT_EQ(*t.train[1].output, rows({{0, 3, 3}, {4, 4, 0}}));
  ASSERT_TRUE(t.test[0].output.has_value());
  EXPECT_EQ(*t.test[0].output, rows({{5}}));
}

TEST(TaskIo, UnknownKeysIgnoredAndTestOutputsOptional) {
  const Task t = load_task_file(kData + "/valid/two_tests.json");
  ASSERT_EQ(t.test.size(), 2u);
  EXPECT_EQ(*t.test[0].output, rows({{3, 2, 1}}));
  EXPECT_FALSE(t.test[1].output.has_value());
  EXPECT_EQ(t.test[1].input, rows({{7}, {8}}));
  // "output": null is the same as no output.
  const Task n = parse_task(R"({"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[3]],"output":null}]})", "n", "n.json");
  EXPECT_FALSE(n.test[0].output.has_value());
}

// Every malformed file is rejected by the loader, and the message names the file and the place.
TEST(TaskIo, EveryMalformedFileIsRejectedWithFileAndLocation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not_json", "not valid JSON"},
      {"missing_train", "missing \"train\""},
      {"missing_test", "missing \"test\""},
      {"empty_train", "\"train\" is empty"},
      {"train_not_list", "\"train\" must be a list of examples, got an object"},
      {"ragged_rows", "train[1].output row 2 has 3 cells, row 0 has 2"},
      {"empty_grid", "test[0].input is an empty grid"},
      {"empty_row", "train[0].input row 0 is empty"},
      {"row_not_list", "train[0].output row 0 must be a list of cells"},
      {"side_31", "train[0].input has 31 rows, at most 30"},
      {"width_31", "test[0].output has 31 columns, at most 30"},
      {"value_10", "train[1].input row 1 column 1 has color 10"},
      {"value_negative", "train[0].output row 0 column 0 has color -1"},
      {"float_cell", "test[0].input row 0 column 0 is a float (1.5)"},
      {"string_cell", "train[1].output row 0 column 1 is a string"},
      {"bool_cell", "train[0].input row 0 column 0 is a boolean"},
      {"null_cell", "train[0].input row 0 column 1 is null"},
      {"train_output_missing", "train[1] has no \"output\""},
      {"test_input_missing", "test[0] has no \"input\""},
      {"example_not_object", "test[0] must be an object"},
      {"top_level_array", "a task must be a JSON object"},
  };
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kData + "/malformed")) files += entry.path().extension() == ".json";
  EXPECT_EQ(files, cases.size()) << "every malformed file needs an expectation here";
  for (const auto& [name, expected] : cases) {
    const std::string path = kData + "/malformed/" + name + ".json";
    const std::string message = error_of([&] { load_task_file(path); });
    EXPECT_EQ(message.rfind("[arc] " + path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << name << " -> " << message;
    // validate() reports the same problem instead of throwing.
    const auto problems = validate_path(path);
    ASSERT_FALSE(problems.empty()) << name;
    EXPECT_EQ(problems[0].rfind(path + ": ", 0), 0u) << problems[0];
    EXPECT_NE(problems[0].find(expected), std::string::npos) << name << " -> " << problems[0];
  }
}

TEST(TaskIo, NotJsonMessageHasLineAndColumn) {
  const std::string message = error_of([] { parse_task("{\"train\": [1,", "x", "x.json"); });
  EXPECT_NE(message.find("[arc] x.json: not valid JSON: "), std::string::npos) << message;
  EXPECT_NE(message.find("line 1"), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
}

TEST(TaskIo, MissingPathIsAnError) {
  EXPECT_NE(error_of([] { load_tasks("/no/such/dir"); }).find("'/no/such/dir' does not exist"), std::string::npos);
  EXPECT_NE(error_of([] { validate("/no/such/dir"); }).find("does not exist"), std::string::npos);
  EXPECT_NE(error_of([] { load_task_file("/no/such/file.json"); }).find("/no/such/file.json"), std::string::npos);
}

TEST(TaskIo, FolderLoadsSortedById) {
  const auto tasks = load_tasks(kData + "/valid");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].id, "small");
  EXPECT_EQ(tasks[1].id, "two_tests");
  const auto single = load_tasks(kData + "/valid/two_tests.json");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].id, "two_tests");
}

TEST(TaskIo, EmptyFolderIsAnError) {
  TempDir dir("ttt_arc_empty");
  EXPECT_NE(error_of([&] { load_tasks(dir.path.string()); }).find("no *.json task files"), std::string::npos);
  EXPECT_EQ(validate_path(dir.path.string()).size(), 1u);
}

TEST(TaskIo, ValidateCollectsEveryProblemAcrossFilesAndInsideATask) {
  const ValidationReport report = validate(kData + "/malformed");
  EXPECT_EQ(report.files, 21u);
  EXPECT_EQ(report.tasks, 21u);
  EXPECT_EQ(report.invalid_tasks, 21u);
  EXPECT_GE(report.problems.size(), 21u);
  // Several problems in one task are all reported.
  const std::string text = R"({"train":[{"input":[[1,2],[3]],"output":[[11]]},{"input":[[1]]}],"test":[]})";
  TempDir dir("ttt_arc_many");
  ttt::write_file_atomic(dir.file("many.json"), text);
  const auto problems = validate_path(dir.file("many.json"));
  ASSERT_EQ(problems.size(), 4u) << ::testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("train[0].input row 1 has 1 cells, row 0 has 2"), std::string::npos);
  EXPECT_NE(problems[1].find("train[0].output row 0 column 0 has color 11"), std::string::npos);
  EXPECT_NE(problems[2].find("train[1] has no \"output\""), std::string::npos);
  EXPECT_NE(problems[3].find("\"test\" is empty"), std::string::npos);
  const ValidationReport good = validate(kData + "/valid");
  EXPECT_TRUE(good.problems.empty());
  EXPECT_EQ(good.tasks, 2u);
}

TEST(TaskIo, KaggleLayoutLoadsWithSolutions) {
  const auto tasks = load_kaggle(kData + "/kaggle/challenges.json", kData + "/kaggle/solutions.json");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].id, "aa000001");
  EXPECT_EQ(tasks[1].id, "bb000002");
  ASSERT_EQ(tasks[1].test.size(), 2u);
  EXPECT_EQ(*tasks[1].test[0].output, rows({{3, 2, 1}}));
  EXPECT_EQ(*tasks[1].test[1].output, rows({{8}, {7}}));
  // Without solutions the test outputs stay unknown; load_tasks detects the layout by itself.
  const auto bare = load_tasks(kData + "/kaggle/challenges.json");
  ASSERT_EQ(bare.size(), 2u);
  EXPECT_FALSE(bare[1].test[0].output.has_value());
  EXPECT_EQ(bare[1].train.size(), 1u);
}

TEST(TaskIo, KaggleMismatchesAreErrors) {
  const std::string ch = kData + "/kaggle/challenges.json";
  EXPECT_NE(error_of([&] { load_kaggle(ch, kData + "/kaggle/solutions_count_mismatch.json"); })
                .find("task 'bb000002': has 1 solution grids but"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_kaggle(ch, kData + "/kaggle/solutions_extra_task.json"); })
                .find("task 'cc000003' is not in"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_kaggle(kData + "/valid/small.json", ""); }).find("is not a Kaggle challenges file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_tasks(kData + "/kaggle/solutions.json"); }).find("is a Kaggle solutions file"),
            std::string::npos);
  // A folder of Kaggle files is not a folder of task files.
  EXPECT_NE(error_of([&] { load_tasks(kData + "/kaggle"); }).find("is a Kaggle challenges file"), std::string::npos);
}

TEST(TaskIo, ValidateKaggleFilesPerTask) {
  const ValidationReport good = validate(kData + "/kaggle/challenges.json");
  EXPECT_TRUE(good.problems.empty());
  EXPECT_EQ(good.tasks, 2u);
  const ValidationReport sol = validate(kData + "/kaggle/solutions.json");
  EXPECT_TRUE(sol.problems.empty());
  EXPECT_EQ(sol.solution_entries, 2u);
  const ValidationReport bad = validate(kData + "/kaggle/challenges_bad_task.json");
  EXPECT_EQ(bad.tasks, 3u);
  EXPECT_EQ(bad.invalid_tasks, 2u);
  ASSERT_EQ(bad.problems.size(), 2u) << ::testing::PrintToString(bad.problems);
  EXPECT_NE(bad.problems[0].find("task 'bb000002': train[0].input row 1 has 1 cells"), std::string::npos);
  EXPECT_NE(bad.problems[1].find("task 'cc000003': missing \"train\""), std::string::npos);
}

TEST(TaskIo, KaggleRoundTrip) {
  const auto tasks = load_kaggle(kData + "/kaggle/challenges.json", kData + "/kaggle/solutions.json");
  TempDir dir("ttt_arc_kaggle");
  save_kaggle(dir.file("c.json"), dir.file("s.json"), tasks);
  const auto again = load_kaggle(dir.file("c.json"), dir.file("s.json"));
  ASSERT_EQ(again.size(), tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) EXPECT_EQ(task_to_json(again[i]), task_to_json(tasks[i]));
  // The challenges file carries no test outputs.
  const auto j = nlohmann::json::parse(ttt::read_file(dir.file("c.json")));
  EXPECT_FALSE(j["bb000002"]["test"][0].contains("output"));
  // Solutions need every output; nothing is written when one is missing.
  auto partial = tasks;
  partial[0].test[0].output.reset();
  EXPECT_NE(error_of([&] { save_kaggle(dir.file("c2.json"), dir.file("s2.json"), partial); }).find("has no known output"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("c2.json")));
  auto twice = tasks;
  twice[1].id = twice[0].id;
  EXPECT_NE(error_of([&] { save_kaggle(dir.file("c3.json"), "", twice); }).find("appears twice"), std::string::npos);
}

TEST(TaskIo, SaveAndLoadTaskRoundTrip) {
  const Task t = load_task_file(kData + "/valid/two_tests.json");
  TempDir dir("ttt_arc_save");
  save_task(dir.file("two_tests.json"), t);
  const Task again = load_task_file(dir.file("two_tests.json"));
  EXPECT_EQ(again.id, t.id);
  EXPECT_EQ(task_to_json(again), task_to_json(t));
  EXPECT_EQ(task_to_json(t).rfind("{\"train\":", 0), 0u) << "train comes first";
  Task bad = t;
  bad.train[0].input = Grid(31, 1);
  EXPECT_NE(error_of([&] { save_task(dir.file("bad.json"), bad); }).find("train[0].input is 31x1"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("bad.json")));
  bad = t;
  bad.train[0].output->at(0, 0) = 12;
  EXPECT_NE(error_of([&] { check_task(bad, "mem"); }).find("mem: train[0].output row 0 column 0 has color 12"),
            std::string::npos);
}

TEST(TaskIo, SplitTestInputsAlwaysSuffixesIds) {
  const Task t = load_task_file(kData + "/valid/two_tests.json");
  const auto parts = split_test_inputs(t);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].id, "two_tests-0");
  EXPECT_EQ(parts[1].id, "two_tests-1");
  for (const auto& p : parts) {
    ASSERT_EQ(p.test.size(), 1u);
    EXPECT_EQ(p.train.size(), t.train.size());
  }
  EXPECT_EQ(parts[1].test[0].input, t.test[1].input);
  const auto one = split_test_inputs(load_task_file(kData + "/valid/small.json"));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id, "small-0");
  EXPECT_EQ(subtask_parent("two_tests-1"), std::make_pair(std::string("two_tests"), 1));
  EXPECT_EQ(subtask_parent("a-b-12"), std::make_pair(std::string("a-b"), 12));
  EXPECT_THROW(subtask_parent("abc"), ttt::Error);
  EXPECT_THROW(subtask_parent("abc-"), ttt::Error);
  EXPECT_THROW(subtask_parent("abc-x1"), ttt::Error);
}
