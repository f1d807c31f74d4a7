#include "ttt/arc/scoring.h"

#include <functional>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

Grid g(const std::vector<std::vector<int>>& rows) { return Grid::from_rows(rows); }

const std::string kDataDir = std::string(TTT_TEST_DATA_DIR) + "/arc-score";

// Mirrors tests/data/arc-score/solutions.json.
Solutions hand_solutions() {
  return {{"aaa", {g({{1, 2}, {3, 4}})}},
          {"bbb", {g({{5}}), g({{6, 6}})}},
          {"ccc", {g({{7}, {8}})}},
          {"ddd", {g({{9}})}}};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Scoring, EitherAttemptCountsAndShapeMatters) {
  const Solutions truth{{"t", {g({{6, 6}})}}};
  auto score_with = [&](const Grid& a1, const Grid& a2) {
    Submission s{{"t", {{a1, a2}}}};
    return score_submission(s, truth).correct_tasks();
  };
  EXPECT_EQ(score_with(g({{6, 6}}), g({{0}})), 1u);
  EXPECT_EQ(score_with(g({{0}}), g({{6, 6}})), 1u);
  EXPECT_EQ(score_with(g({{6}, {6}}), g({{6}})), 0u);  // same cells, wrong shape
  EXPECT_EQ(score_with(g({{6, 5}}), g({{5, 6}})), 0u);
}

TEST(Scoring, PartialCreditMultiInputAndMissingTasks) {
  // aaa: attempt_2 right. bbb: input 0 right, input 1 wrong -> task wrong. ccc: missing. ddd: right.
  // zzz: not in the solutions.
  Submission s;
  s["aaa"] = {{g({{0}}), g({{1, 2}, {3, 4}})}};
  s["bbb"] = {{g({{5}}), g({{0}})}, {g({{6}}), g({{6}, {6}})}};
  s["ddd"] = {{g({{9}}), g({{9}})}};
  s["zzz"] = {{g({{1}}), g({{1}})}};
  const ScoreReport r = score_submission(s, hand_solutions());
  EXPECT_EQ(r.task_count(), 4u);
  EXPECT_EQ(r.correct_tasks(), 2u);
  EXPECT_DOUBLE_EQ(r.score(), 0.5);
  EXPECT_EQ(r.input_count(), 5u);
  EXPECT_EQ(r.correct_inputs(), 3u);
  EXPECT_DOUBLE_EQ(r.per_input(), 0.6);
  ASSERT_EQ(r.tasks.size(), 4u);
  EXPECT_EQ(r.tasks[1].task_id, "bbb");
  EXPECT_EQ(r.tasks[1].input_correct, (std::vector<bool>{true, false}));
  EXPECT_FALSE(r.tasks[1].correct());
  EXPECT_EQ(r.tasks[2].task_id, "ccc");
  EXPECT_FALSE(r.tasks[2].submitted);
  EXPECT_EQ(r.tasks[2].input_correct, std::vector<bool>{false});
  EXPECT_EQ(r.unknown_task_ids, std::vector<std::string>{"zzz"});
  EXPECT_EQ(r.notes, (std::vector<std::string>{"task 'ccc': no predictions, its 1 test input count as wrong",
                                               "task 'zzz': not in the solutions, ignored"}));
}

TEST(Scoring, WrongNumberOfEntriesIsScoredAndReported) {
  Submission s;
  s["aaa"] = {{g({{1, 2}, {3, 4}}), g({{0}})}, {g({{0}}), g({{0}})}};  // one extra entry, ignored
  s["bbb"] = {{g({{5}}), g({{0}})}};                                   // input 1 has no entry
  s["ccc"] = {};
  s["ddd"] = {{g({{9}}), g({{0}})}};
  const ScoreReport r = score_submission(s, hand_solutions());
  EXPECT_EQ(r.correct_tasks(), 2u);  // aaa, ddd
  EXPECT_EQ(r.correct_inputs(), 3u);  // aaa, bbb[0], ddd
  EXPECT_EQ(r.tasks[0].entries, 2u);
  EXPECT_EQ(r.tasks[2].entries, 0u);
  EXPECT_TRUE(r.tasks[2].submitted);
  EXPECT_EQ(r.notes, (std::vector<std::string>{
                         "task 'aaa': 2 entries for 1 test input, the extra entries are ignored",
                         "task 'bbb': 1 entry for 2 test inputs, the inputs without one count as wrong",
                         "task 'ccc': 0 entries for 1 test input, the inputs without one count as wrong"}));
}

TEST(Scoring, EmptySubmissionScoresZero) {
  const ScoreReport r = score_submission({}, hand_solutions());
  EXPECT_EQ(r.correct_tasks(), 0u);
  EXPECT_DOUBLE_EQ(r.score(), 0.0);
  EXPECT_DOUBLE_EQ(r.per_input(), 0.0);
  EXPECT_EQ(r.notes.size(), 4u);
  EXPECT_EQ(r.notes[1], "task 'bbb': no predictions, its 2 test inputs count as wrong");
  EXPECT_THROW(score_submission({}, {}), Error);
}

TEST(Scoring, ReportJson) {
  Submission s;
  s["aaa"] = {{g({{1, 2}, {3, 4}}), g({{0}})}};
  s["bbb"] = {{g({{5}}), g({{0}})}, {g({{0}}), g({{0}})}};
  const nlohmann::ordered_json j = score_report_to_json(score_submission(s, hand_solutions()));
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"tasks", "correct_tasks", "score", "inputs", "correct_inputs",
                                            "per_input", "per_task", "unknown_tasks", "notes"}));
  EXPECT_EQ(j.at("tasks"), 4);
  EXPECT_EQ(j.at("correct_tasks"), 1);
  EXPECT_DOUBLE_EQ(j.at("score").get<double>(), 0.25);
  EXPECT_EQ(j.at("inputs"), 5);
  EXPECT_EQ(j.at("correct_inputs"), 2);
  EXPECT_DOUBLE_EQ(j.at("per_input").get<double>(), 0.4);
  EXPECT_EQ(j.at("per_task").at("bbb"),
            nlohmann::ordered_json::parse(R"({"correct": false, "inputs": 2, "correct_inputs": 1,
                                      "input_correct": [true, false], "entries": 2, "submitted": true})"));
  EXPECT_EQ(j.at("per_task").at("ccc").at("submitted"), false);
  EXPECT_EQ(j.at("unknown_tasks"), nlohmann::ordered_json::array());
  EXPECT_EQ(j.at("notes").size(), 2u);
}

TEST(Scoring, SolutionsFromKaggleFileAndFromTaskFolderAgree) {
  EXPECT_EQ(load_solutions(kDataDir + "/solutions.json"), hand_solutions());
  EXPECT_EQ(load_solutions(kDataDir + "/tasks"), hand_solutions());
  EXPECT_EQ(load_solutions(kDataDir + "/tasks/bbb.json"), (Solutions{{"bbb", {g({{5}}), g({{6, 6}})}}}));
}

TEST(Scoring, SolutionsErrors) {
  EXPECT_EQ(error_of([] { parse_solutions("[]", "sol.json"); }),
            "[arc] sol.json: a solutions file must be an object {task_id: [grid, ...]}, got a list");
  EXPECT_EQ(error_of([] { parse_solutions("{}", "sol.json"); }), "[arc] sol.json: has no tasks");
  EXPECT_EQ(error_of([] { parse_solutions(R"({"t": []})", "sol.json"); }),
            "[arc] sol.json: task 't' has no solution grids");
  EXPECT_EQ(error_of([] { parse_solutions(R"({"t": 3})", "sol.json"); }),
            "[arc] sol.json: task 't' must be a list of grids (one per test input), got a number");
  EXPECT_NE(error_of([] { parse_solutions(R"({"t": [[[1, 2], [3]]]})", "sol.json"); })
                .find("sol.json: task 't' [0] row 1 has 1 cells"),
            std::string::npos);
  EXPECT_NE(error_of([] { load_solutions(kDataDir + "/missing"); }).find("does not exist"), std::string::npos);

  Task unknown;
  unknown.id = "u";
  unknown.test.push_back({g({{1}}), std::nullopt});
  EXPECT_EQ(error_of([&] { solutions_from_tasks({unknown}, "dir"); }),
            "[arc] dir: task 'u' test[0] has no output to score against");
  Task twice;
  twice.id = "d";
  twice.test.push_back({g({{1}}), g({{1}})});
  EXPECT_EQ(error_of([&] { solutions_from_tasks({twice, twice}, "dir"); }), "[arc] dir: task id 'd' appears twice");
}

}  // namespace
}  // namespace ttt::arc
