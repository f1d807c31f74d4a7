#include "ttt/arc/submission.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

Grid g(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

const std::string kDataDir = std::string(TTT_TEST_DATA_DIR) + "/arc-score";

// The error message of parse_submission(text, "sub.json"), or "" when it parses.
std::string parse_error(const std::string& text) {
  try {
    parse_submission(text, "sub.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Submission, ParsesEntriesInOrder) {
  const Submission s = parse_submission(
      R"({"b": [{"attempt_1": [[1]], "attempt_2": [[2, 3]]}, {"attempt_2": [[5]], "attempt_1": [[4]]}],
          "a": []})",
      "sub.json");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.at("a").empty());
  ASSERT_EQ(s.at("b").size(), 2u);
  EXPECT_EQ(s.at("b")[0].attempt_1, g({{1}}));
  EXPECT_EQ(s.at("b")[0].attempt_2, g({{2, 3}}));
  EXPECT_EQ(s.at("b")[1].attempt_1, g({{4}}));
  EXPECT_EQ(s.at("b")[1].attempt_2, g({{5}}));
}

TEST(Submission, WritesKaggleLayoutAndReadsItBack) {
  Submission s;
  s["x1"] = {{g({{1, 2}}), g({{3}, {4}})}};
  s["a0"] = {no_prediction()};
  EXPECT_EQ(submission_to_json(s),
            R"({"a0":[{"attempt_1":[[0]],"attempt_2":[[0]]}],"x1":[{"attempt_1":[[1,2]],"attempt_2":[[3],[4]]}]})");
  const std::string path = testing::TempDir() + "/arc_submission_roundtrip.json";
  save_submission(path, s);
  EXPECT_EQ(load_submission(path), s);
  std::filesystem::remove(path);
}

TEST(Submission, RefusesToWriteEmptyGrids) {
  Submission s;
  s["t"] = {{Grid(), g({{1}})}};
  const std::string path = testing::TempDir() + "/arc_submission_bad.json";
  EXPECT_THROW(save_submission(path, s), Error);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Submission, CompleteFillsMissingPredictionsWithZeroGrids) {
  Task two;
  two.id = "two";
  two.test.resize(2);
  Task one;
  one.id = "one";
  one.test.resize(1);
  Submission s;
  s["two"] = {{g({{5}}), g({{6}})}};
  s["one"] = {{g({{1}}), g({{1}})}, {g({{2}}), g({{2}})}};  // one entry too many
  s["other"] = {};
  Task missing;
  missing.id = "missing";
  missing.test.resize(1);
  complete_submission(s, {two, one, missing});
  EXPECT_EQ(s.at("two"), (std::vector<Attempts>{{g({{5}}), g({{6}})}, no_prediction()}));
  EXPECT_EQ(s.at("one"), (std::vector<Attempts>{{g({{1}}), g({{1}})}}));
  EXPECT_EQ(s.at("missing"), std::vector<Attempts>{no_prediction()});
  EXPECT_TRUE(s.at("other").empty());
  EXPECT_EQ(no_prediction().attempt_1, g({{0}}));
}

TEST(Submission, ErrorsNameFileTaskEntryAndProblem) {
  // The rest of a JSON syntax error is nlohmann's wording (line, column); the prefix is ours.
  EXPECT_EQ(parse_error("{\"a\": [").rfind("[arc] sub.json: not valid JSON: ", 0), 0u) << parse_error("{\"a\": [");
  EXPECT_EQ(parse_error("[]"),
            "[arc] sub.json: a submission must be an object {task_id: [{\"attempt_1\": grid, \"attempt_2\": grid}, "
            "...]}, got a list");
  EXPECT_EQ(parse_error(R"({"t": {"attempt_1": [[1]]}})"),
            "[arc] sub.json: task 't' must be a list with one {\"attempt_1\", \"attempt_2\"} entry per test input, "
            "got an object");
  EXPECT_EQ(parse_error(R"({"t": [[[1]]]})"),
            "[arc] sub.json: task 't' entry 0 must be an object with \"attempt_1\" and \"attempt_2\", got a list");
  EXPECT_EQ(parse_error(R"({"t": [{"attempt_1": [[1]], "attempt_2": [[1]]}, {"attempt_1": [[1]]}]})"),
            "[arc] sub.json: task 't' entry 1 has no \"attempt_2\"");
  EXPECT_EQ(parse_error(R"({"t": [{"attempt_2": [[1]]}]})"), "[arc] sub.json: task 't' entry 0 has no \"attempt_1\"");
}

TEST(Submission, AttemptsMustBeValidGrids) {
  const std::string ragged = parse_error(R"({"t": [{"attempt_1": [[1, 2], [3]], "attempt_2": [[0]]}]})");
  EXPECT_NE(ragged.find("sub.json: task 't' entry 0 attempt_1 row 1 has 1 cells"), std::string::npos) << ragged;
  const std::string color = parse_error(R"({"t": [{"attempt_1": [[1]], "attempt_2": [[0, 10]]}]})");
  EXPECT_NE(color.find("sub.json: task 't' entry 0 attempt_2 row 0 column 1 has color 10"), std::string::npos) << color;
  EXPECT_NE(parse_error(R"({"t": [{"attempt_1": [], "attempt_2": [[0]]}]})").find("attempt_1"), std::string::npos);
  EXPECT_NE(parse_error(R"({"t": [{"attempt_1": "[[1]]", "attempt_2": [[0]]}]})").find("attempt_1"),
            std::string::npos);
}

TEST(Submission, MalformedFilesNameThePath) {
  for (const char* name : {"truncated.json", "top_level_list.json", "task_not_list.json", "missing_attempt_2.json",
                           "ragged_attempt.json", "color_out_of_range.json", "entry_not_object.json"}) {
    const std::string path = kDataDir + "/malformed/" + name;
    try {
      load_submission(path);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(load_submission(kDataDir + "/no_such_file.json"), Error);
}

}  // namespace
}  // namespace ttt::arc
