#include "ttt/arc/scoring.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "ttt/arc/grid_json.h"
#include "ttt/arc/json_text.h"
#include "ttt/arc/task_io.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

// Kaggle solutions files map ids to lists of grids; task files have "train"/"test" and challenges files
// map ids to objects. Anything else is left to load_tasks, whose errors explain task layouts.
bool looks_like_solutions(const nlohmann::json& j) {
  if (!j.is_object() || j.empty() || j.contains("train") || j.contains("test")) return false;
  return std::none_of(j.begin(), j.end(), [](const nlohmann::json& v) { return v.is_object(); });
}

std::string count_of(std::size_t n, const char* one, const char* many) { return str(n, " ", n == 1 ? one : many); }

}  // namespace

Solutions parse_solutions(std::string_view json_text, const std::string& source) {
  const nlohmann::json j = parse_json_text(json_text, source);
  TTT_CHECK(j.is_object(), "[arc] ", source, ": a solutions file must be an object {task_id: [grid, ...]}, got ",
            json_kind_name(j));
  TTT_CHECK(!j.empty(), "[arc] ", source, ": has no tasks");
  Solutions solutions;
  for (const auto& [task_id, grids] : j.items()) {
    const std::string where = str(source, ": task '", task_id, "'");
    TTT_CHECK(grids.is_array(), "[arc] ", where, " must be a list of grids (one per test input), got ",
              json_kind_name(grids));
    TTT_CHECK(!grids.empty(), "[arc] ", where, " has no solution grids");
    std::vector<Grid>& outputs = solutions[task_id];
    for (std::size_t i = 0; i < grids.size(); ++i) outputs.push_back(grid_from_json(grids[i], str(where, " [", i, "]")));
  }
  return solutions;
}

Solutions solutions_from_tasks(const std::vector<Task>& tasks, const std::string& source) {
  TTT_CHECK(!tasks.empty(), "[arc] ", source, ": has no tasks");
  Solutions solutions;
  for (const Task& task : tasks) {
    TTT_CHECK(!task.test.empty(), "[arc] ", source, ": task '", task.id, "' has no test inputs");
    auto [it, inserted] = solutions.try_emplace(task.id);
    TTT_CHECK(inserted, "[arc] ", source, ": task id '", task.id, "' appears twice");
    for (std::size_t i = 0; i < task.test.size(); ++i) {
      TTT_CHECK(task.test[i].output.has_value(), "[arc] ", source, ": task '", task.id, "' test[", i,
                "] has no output to score against");
      it->second.push_back(*task.test[i].output);
    }
  }
  return solutions;
}

Solutions load_solutions(const std::string& path) {
  std::error_code ec;
  TTT_CHECK(std::filesystem::exists(path, ec), "[arc] solutions '", path, "' does not exist");
  if (!std::filesystem::is_directory(path, ec)) {
    const std::string text = read_file(path, "arc");
    const nlohmann::json j = parse_json_text(text, path);
    if (looks_like_solutions(j)) return parse_solutions(text, path);
  }
  return solutions_from_tasks(load_tasks(path), path);
}

bool TaskScore::correct() const {
  return std::all_of(input_correct.begin(), input_correct.end(), [](bool ok) { return ok; });
}

std::size_t TaskScore::correct_inputs() const {
  return static_cast<std::size_t>(std::count(input_correct.begin(), input_correct.end(), true));
}

std::size_t ScoreReport::correct_tasks() const {
  return static_cast<std::size_t>(std::count_if(tasks.begin(), tasks.end(), [](const TaskScore& t) { return t.correct(); }));
}

std::size_t ScoreReport::input_count() const {
  std::size_t n = 0;
  for (const TaskScore& t : tasks) n += t.input_correct.size();
  return n;
}

std::size_t ScoreReport::correct_inputs() const {
  std::size_t n = 0;
  for (const TaskScore& t : tasks) n += t.correct_inputs();
  return n;
}

double ScoreReport::score() const {
  return tasks.empty() ? 0.0 : static_cast<double>(correct_tasks()) / static_cast<double>(task_count());
}

double ScoreReport::per_input() const {
  const std::size_t n = input_count();
  return n == 0 ? 0.0 : static_cast<double>(correct_inputs()) / static_cast<double>(n);
}

ScoreReport score_submission(const Submission& submission, const Solutions& solutions) {
  TTT_CHECK(!solutions.empty(), "[arc] score: the solutions hold no tasks");
  ScoreReport report;
  for (const auto& [task_id, truths] : solutions) {
    TaskScore task{task_id, std::vector<bool>(truths.size(), false), 0, false};
    const auto it = submission.find(task_id);
    if (it == submission.end()) {
      report.notes.push_back(str("task '", task_id, "': no predictions, its ", count_of(truths.size(), "test input", "test inputs"),
                                 " count as wrong"));
    } else {
      const std::vector<Attempts>& entries = it->second;
      task.submitted = true;
      task.entries = entries.size();
      if (entries.size() < truths.size())
        report.notes.push_back(str("task '", task_id, "': ", count_of(entries.size(), "entry", "entries"), " for ",
                                   count_of(truths.size(), "test input", "test inputs"), ", the inputs without one count as wrong"));
      else if (entries.size() > truths.size())
        report.notes.push_back(str("task '", task_id, "': ", count_of(entries.size(), "entry", "entries"), " for ",
                                   count_of(truths.size(), "test input", "test inputs"), ", the extra entries are ignored"));
      const std::size_t scored = std::min(entries.size(), truths.size());
      for (std::size_t i = 0; i < scored; ++i)
        task.input_correct[i] = entries[i].attempt_1 == truths[i] || entries[i].attempt_2 == truths[i];
    }
    report.tasks.push_back(std::move(task));
  }
  for (const auto& [task_id, entries] : submission) {
    if (solutions.count(task_id) != 0) continue;
    report.unknown_task_ids.push_back(task_id);
    report.notes.push_back(str("task '", task_id, "': not in the solutions, ignored"));
  }
  return report;
}

nlohmann::ordered_json score_report_to_json(const ScoreReport& report) {
  nlohmann::ordered_json per_task = nlohmann::ordered_json::object();
  for (const TaskScore& t : report.tasks) {
    per_task[t.task_id] = {{"correct", t.correct()},
                           {"inputs", t.input_correct.size()},
                           {"correct_inputs", t.correct_inputs()},
                           {"input_correct", t.input_correct},
                           {"entries", t.entries},
                           {"submitted", t.submitted}};
  }
  return {{"tasks", report.task_count()},
          {"correct_tasks", report.correct_tasks()},
          {"score", report.score()},
          {"inputs", report.input_count()},
          {"correct_inputs", report.correct_inputs()},
          {"per_input", report.per_input()},
          {"per_task", std::move(per_task)},
          {"unknown_tasks", report.unknown_task_ids},
          {"notes", report.notes}};
}

}  // namespace ttt::arc
