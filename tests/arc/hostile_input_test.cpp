// Regression tests for what the hostile-input sweep (issue 10, section 0) found in the ARC readers and the
// test-time-training data: each input once crashed, hung, blew up memory or was silently accepted.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <unistd.h>

#include "ttt/arc/scoring.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task_io.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;
using namespace ttt::arc;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ttt::Error& e) {
    return e.what();
  }
  return "<no error>";
}

struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name) : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

const std::string kGoodTask = R"({"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[3]]}]})";

std::string task_with_cell(const std::string& cell) {
  return R"({"train": [{"input": [[)" + cell + R"(]], "output": [[2]]}], "test": [{"input": [[3]]}]})";
}

}  // namespace

// Was a segfault (stack overflow printing the cell for the error message) in validate, score, report,
// augment and ttt-data.
TEST(HostileArcInput, DeeplyNestedCellIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string task = task_with_cell(deep);
  EXPECT_NE(error_of([&] { parse_task(task, "t", "t.json"); }).find("t.json: JSON nested more than 512 levels deep"),
            std::string::npos);
  Scratch dir("ttt_hostile_deep");
  ttt::write_file_atomic(dir.file("deep.json"), task);
  ttt::write_file_atomic(dir.file("ok.json"), kGoodTask);
  const ValidationReport report = validate(dir.path.string());
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_NE(report.problems[0].find("deep.json: JSON nested more than 512"), std::string::npos) << report.problems[0];
  EXPECT_EQ(report.tasks, 2u);
  const std::string submission = R"({"t": [{"attempt_1": )" + deep + R"(, "attempt_2": [[1]]}]})";
  EXPECT_NE(error_of([&] { parse_submission(submission, "sub.json"); }).find("nested more than 512"), std::string::npos);
  EXPECT_NE(error_of([&] { parse_solutions(R"({"t": [)" + deep + "]}", "sol.json"); }).find("nested more than 512"),
            std::string::npos);
  // A nested cell within the limit is still a short, clear message.
  const std::string message = error_of([&] { parse_task(task_with_cell(std::string(300, '[') + std::string(300, ']')), "t", "t.json"); });
  EXPECT_NE(message.find("train[0].input row 0 column 0 is an array (a list (1 entries)), colors are integers 0-9"), std::string::npos) << message;
  EXPECT_LT(message.size(), 200u);
}

// Was "last one wins".
TEST(HostileArcInput, DuplicateKeysAreRefused) {
  EXPECT_NE(error_of([] {
              parse_task(R"({"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[3]]}], "train": []})", "t",
                         "t.json");
            }).find("\"train\" appears twice"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_submission(R"({"a": [{"attempt_1": [[1]], "attempt_2": [[1]], "attempt_1": [[2]]}]})", "s.json"); })
                .find("\"attempt_1\" appears twice"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_submission(R"({"a": [], "a": []})", "s.json"); }).find("\"a\" appears twice"), std::string::npos);
}

// Was a filesystem exception that aborted the whole run; now one problem line for the bad entry.
TEST(HostileArcInput, SymlinkLoopInATaskFolderIsOneProblem) {
  Scratch dir("ttt_hostile_loop");
  ttt::write_file_atomic(dir.file("good.json"), kGoodTask);
  fs::create_symlink(dir.file("loop.json"), dir.file("loop.json"));
  fs::create_symlink(dir.file("nowhere.json"), dir.file("dangling.json"));
  fs::create_directories(dir.file("sub.json"));  // a folder named like a task: not a task, skipped
  const ValidationReport report = validate(dir.path.string());
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_NE(report.problems[0].find("dangling.json': No such file or directory"), std::string::npos) << report.problems[0];
  EXPECT_NE(report.problems[1].find("loop.json': Too many levels of symbolic links"), std::string::npos) << report.problems[1];
  EXPECT_EQ(report.tasks, 3u);
  EXPECT_EQ(report.invalid_tasks, 2u);
  EXPECT_NE(error_of([&] { load_tasks(dir.path.string()); }).find("dangling.json': No such file or directory"),
            std::string::npos);
}

// Was read until bad_alloc (~4 GB).
TEST(HostileArcInput, DevicesAreNotRead) {
  EXPECT_NE(error_of([] { load_tasks("/dev/zero"); }).find("is a character device"), std::string::npos);
  EXPECT_NE(error_of([] { load_submission("/dev/urandom"); }).find("is a character device"), std::string::npos);
}

namespace {

Task many_small_demos(std::size_t n) {
  Task task;
  task.id = "many";
  for (std::size_t i = 0; i < n; ++i)
    task.train.push_back({Grid::from_rows({{static_cast<int>(i % 10), static_cast<int>(i / 10 % 10)}}),
                          Grid::from_rows({{static_cast<int>(i / 100 % 10)}})});
  task.test.push_back({Grid::from_rows({{1}}), std::nullopt});
  return task;
}

}  // namespace

// Was 7.4 GB before the --max-tasks cap applied (a task with 1000 small demonstrations). The stages now build
// only the base tasks that fit the memory budget: a seeded subset, still distinct and deterministic.
TEST(HostileArcInput, TttDataForAThousandDemonstrationsStaysWithinItsBudget) {
  TttDataOptions options;
  options.max_tasks = 50;
  options.memory_budget = std::uint64_t(16) << 20;  // small, to keep the test fast; the default is 512 MiB
  const auto start = std::chrono::steady_clock::now();
  const TttData data = make_ttt_data(many_small_demos(1000), options, {});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);
  EXPECT_EQ(data.tasks.size(), 50u);
  // Per base: 1000 demonstrations x (2 grids of <= 2 cells, counted 4x, + 64 bytes) ~ 136 KB, x 24 x 2.
  const std::uint64_t per_base = 1000 * ((8 + 64) + (4 + 64)) * (options.augmenters.size() + 1) * 2;
  const std::size_t built = options.memory_budget / per_base;
  EXPECT_EQ(data.stats.leave_one_out, built);
  EXPECT_EQ(data.stats.skipped_for_memory, 1000 - built);
  std::set<std::string> ids;
  for (const Task& t : data.tasks) {
    EXPECT_EQ(t.train.size(), 999u);
    ids.insert(t.id);
  }
  EXPECT_EQ(ids.size(), data.tasks.size());
  EXPECT_EQ(make_ttt_data(many_small_demos(1000), options, {}).tasks[7].id, data.tasks[7].id);  // seeded
}

// When nothing of leave-one-out fits, leave-two-out (N(N-1) bases) is sampled the same way, never enumerated.
TEST(HostileArcInput, LeaveTwoOutIsSampledNotEnumerated) {
  TttDataOptions options;
  options.max_tasks = 20;
  options.memory_budget = std::uint64_t(8) << 20;
  options.augmenters = {Augmenter::rotate(90)};
  options.max_length = 10;
  // Only tasks with fewer than 399 demonstrations "fit": every leave-one-out task (399) is too long.
  const TaskLength demonstrations = [](const Task& t) { return t.train.size() >= 399 ? 1000 : 1; };
  const TttData data = make_ttt_data(many_small_demos(400), options, demonstrations);
  EXPECT_EQ(data.stats.from_leave_one_out, 0u);
  EXPECT_EQ(data.tasks.size(), 20u);
  for (const Task& t : data.tasks) {
    EXPECT_EQ(t.train.size(), 398u);
    EXPECT_NE(t.id.find("/l2o"), std::string::npos);
  }
  EXPECT_GT(data.stats.skipped_for_memory, 400u * 399u / 2);
}

// Ordinary tasks are far below the budget: nothing is skipped and the result equals the full enumeration.
TEST(HostileArcInput, TheBudgetDoesNotTouchOrdinaryTasks) {
  TttDataOptions options;
  const TttData data = make_ttt_data(many_small_demos(10), options, {});
  EXPECT_EQ(data.stats.skipped_for_memory, 0u);
  EXPECT_EQ(data.stats.leave_one_out, 10u);
}
