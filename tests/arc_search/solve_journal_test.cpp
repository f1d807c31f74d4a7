// The crash-safety journal of `arc solve`: round trip of an entry, reopening, a line cut short by a crash,
// refusal of mismatched options and damaged lines, and solve_tasks stopping when the journal write fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arc_search/test_grids.h"
#include "support/expect_error.h"
#include "support/run_cli.h"
#include "ttt/arc/search/solve_journal.h"
#include "ttt/arc/task_io.h"

using namespace ttt::arc;
using namespace ttt::arc::search;
using ttt::arc::search::testing::G;
using ttt::test_support::expect_error;
using ttt::test_support::fresh_temp_dir;
using ttt::test_support::slurp;

namespace {

TaskSolution sample(const std::string& id, bool consistent) {
  TaskSolution s;
  s.task_id = id;
  s.attempts = {{G({{1, 2}, {3, 4}}), G({{0}})}, {G({{5}}), G({{6, 7}})}};
  s.consistent = consistent;
  s.program = consistent ? "rot90 | recolor{1->2}" : "";
  s.second_program = consistent ? "flip_rows" : "";
  s.program_length = consistent ? 2 : 0;
  s.depth_completed = 3;
  s.seconds = 0.125;
  s.timed_out = !consistent;
  return s;
}

void expect_same(const TaskSolution& a, const TaskSolution& b) {
  EXPECT_EQ(a.task_id, b.task_id);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.consistent, b.consistent);
  EXPECT_EQ(a.program, b.program);
  EXPECT_EQ(a.second_program, b.second_program);
  EXPECT_EQ(a.program_length, b.program_length);
  EXPECT_EQ(a.depth_completed, b.depth_completed);
  EXPECT_EQ(a.seconds, b.seconds);
  EXPECT_EQ(a.timed_out, b.timed_out);
}

}  // namespace

TEST(SolveJournal, EntryRoundTrips) {
  for (bool consistent : {true, false}) {
    const TaskSolution s = sample("abc", consistent);
    expect_same(solution_from_journal_line(solution_to_journal_line(s), "here"), s);
  }
}

TEST(SolveJournal, ReopeningGivesBackWhatWasAppended) {
  const auto dir = fresh_temp_dir("solve_journal_reopen");
  const std::string path = (dir / "sub.journal.jsonl").string();
  SearchOptions options;
  {
    SolveJournal journal(path, options);
    EXPECT_TRUE(journal.finished().empty());
    journal.append(sample("t1", true));
    journal.append(sample("t2", false));
  }
  SolveJournal again(path, options);
  ASSERT_EQ(again.finished().size(), 2u);
  expect_same(again.finished().at("t1"), sample("t1", true));
  expect_same(again.finished().at("t2"), sample("t2", false));
  again.remove();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(default_journal_path("out/sub.json"), "out/sub.journal.jsonl");
}

// kill -9 in the middle of a write leaves a line without its newline: it is dropped and cut off, and the
// next entry lands on a clean line.
TEST(SolveJournal, LineCutShortByACrashIsDroppedAndCutOff) {
  const auto dir = fresh_temp_dir("solve_journal_cut");
  const std::string path = (dir / "j.jsonl").string();
  SearchOptions options;
  { SolveJournal(path, options).append(sample("t1", true)); }
  const std::string line = solution_to_journal_line(sample("t2", true));
  { std::ofstream(path, std::ios::app) << line.substr(0, line.size() / 2); }
  {
    SolveJournal journal(path, options);
    EXPECT_EQ(journal.finished().size(), 1u);
    EXPECT_EQ(journal.finished().count("t2"), 0u);
    journal.append(sample("t3", false));
  }
  SolveJournal again(path, options);
  EXPECT_EQ(again.finished().size(), 2u);
  EXPECT_EQ(again.finished().count("t3"), 1u);
  const std::string text = slurp(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
}

TEST(SolveJournal, OtherSearchOptionsAreRefused) {
  const auto dir = fresh_temp_dir("solve_journal_options");
  const std::string path = (dir / "j.jsonl").string();
  SearchOptions options;
  { SolveJournal(path, options).append(sample("t1", true)); }
  SearchOptions deeper = options;
  deeper.max_depth = options.max_depth + 1;
  expect_error([&] { SolveJournal j(path, deeper); }, {path, "depth", "same options"});
  SearchOptions longer = options;
  longer.time_limit_s = options.time_limit_s * 2;
  expect_error([&] { SolveJournal j(path, longer); }, {path, "time_limit_s"});
}

TEST(SolveJournal, DamagedFilesAreClearErrors) {
  const auto dir = fresh_temp_dir("solve_journal_damaged");
  const std::string path = (dir / "j.jsonl").string();
  SearchOptions options;
  { std::ofstream(path) << "{\"not\": \"a journal\"}\n"; }
  expect_error([&] { SolveJournal j(path, options); }, {path, "not a solve journal"});
  { SolveJournal(std::string((dir / "k.jsonl").string()), options).append(sample("t1", true)); }
  std::string text = slurp(dir / "k.jsonl");
  text += "{\"task_id\": \"t9\", \"attempts\": []}\n";
  { std::ofstream(path) << text; }
  expect_error([&] { SolveJournal j(path, options); }, {path, "line 3", "attempts"});
  { std::ofstream(path) << slurp(dir / "k.jsonl") << "[[[\n"; }
  expect_error([&] { SolveJournal j(path, options); }, {path, "line 3"});
  std::filesystem::create_directory(dir / "adir");
  expect_error([&] { SolveJournal j((dir / "adir").string(), options); }, {"not a regular file"});
  const TaskSolution bad = [] {
    TaskSolution s = sample("x", true);
    s.program = "";
    return s;
  }();
  expect_error([&] { solution_from_journal_line(solution_to_journal_line(bad), "w"); }, {"consistent"});
}

// The journal is written from solve_tasks' progress callback; when that write fails (a full disk), the run
// must stop handing out tasks and report the error instead of terminating or searching on unsaved.
TEST(SolveTasks, AProgressCallbackThatThrowsStopsTheRun) {
  const std::vector<Task> tasks = load_tasks(std::string(TTT_TEST_DATA_DIR) + "/arc-solve/tasks");
  ASSERT_EQ(tasks.size(), 4u);
  SearchOptions options;
  options.max_depth = 1;
  int calls = 0;
  expect_error(
      [&] {
        solve_tasks(tasks, options, 1, [&](int, int, const TaskSolution&) {
          ++calls;
          throw ttt::Error("[arc solve] writing the journal j: No space left on device");
        });
      },
      {"No space left on device"});
  EXPECT_EQ(calls, 1) << "no task may be started after the callback failed";
}
