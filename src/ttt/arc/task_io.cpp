#include "ttt/arc/task_io.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "ttt/arc/grid_json.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/json_parse.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace ttt::arc {
namespace {

constexpr std::string_view kPrefix = "[arc] ";

std::string without_prefix(const std::string& message) {
  return message.rfind(kPrefix, 0) == 0 ? message.substr(kPrefix.size()) : message;
}

// Loading stops at the first problem (throws); validating records every problem and goes on.
class ProblemSink {
 public:
  explicit ProblemSink(std::vector<std::string>* collected = nullptr) : collected_(collected) {}

  // `message` starts with the file name, without the "[arc] " prefix.
  void report(const std::string& message) {
    if (collected_ == nullptr) throw Error(std::string(kPrefix) + message);
    collected_->push_back(message);
    ++count_;
  }
  std::size_t count() const { return count_; }

  std::optional<Grid> grid(const json& j, const std::string& where) {
    try {
      return grid_from_json(j, where);
    } catch (const Error& e) {
      if (collected_ == nullptr) throw;
      report(without_prefix(e.what()));
      return std::nullopt;
    }
  }

 private:
  std::vector<std::string>* collected_;
  std::size_t count_ = 0;
};

json parse_json(std::string_view text, const std::string& source) { return parse_json_checked(text, "arc", source); }

// Reads train or test. Demonstrations need outputs; test outputs are optional (absent or null).
void read_examples(const json& task_json, const char* key, bool demonstrations, const std::string& where,
                   ProblemSink& sink, std::vector<Example>& out) {
  const auto it = task_json.find(key);
  if (it == task_json.end()) {
    sink.report(str(where, ": missing \"", key, "\"", demonstrations ? " (the demonstration pairs)" : " (the test inputs)"));
    return;
  }
  if (!it->is_array()) {
    sink.report(str(where, ": \"", key, "\" must be a list of examples, got ", json_kind(*it)));
    return;
  }
  if (it->empty()) {
    sink.report(str(where, ": \"", key, "\" is empty, a task needs at least one ",
                    demonstrations ? "demonstration" : "test input"));
    return;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& example = (*it)[i];
    const std::string location = str(where, ": ", key, "[", i, "]");
    if (!example.is_object()) {
      sink.report(str(location, " must be an object with \"input\"", demonstrations ? " and \"output\"" : "",
                      ", got ", json_kind(example)));
      continue;
    }
    std::optional<Grid> input;
    const auto input_it = example.find("input");
    if (input_it == example.end())
      sink.report(str(location, " has no \"input\""));
    else
      input = sink.grid(*input_it, location + ".input");

    std::optional<Grid> output;
    bool output_ok = true;
    const auto output_it = example.find("output");
    if (output_it == example.end() || output_it->is_null()) {
      if (demonstrations) {
        sink.report(str(location, " has no \"output\" (demonstrations need one)"));
        output_ok = false;
      }
    } else {
      output = sink.grid(*output_it, location + ".output");
      output_ok = output.has_value();
    }
    if (input && output_ok) out.push_back(Example{std::move(*input), std::move(output)});
  }
}

Task task_from_json(const json& j, const std::string& id, const std::string& where, ProblemSink& sink) {
  Task task;
  task.id = id;
  if (!j.is_object()) {
    sink.report(str(where, ": a task must be a JSON object with \"train\" and \"test\", got ", json_kind(j)));
    return task;
  }
  read_examples(j, "train", true, where, sink, task.train);
  read_examples(j, "test", false, where, sink, task.test);
  return task;
}

enum class Layout { kTask, kChallenges, kSolutions };

bool looks_like_grid_list(const json& j) {
  if (!j.is_array()) return false;
  return std::all_of(j.begin(), j.end(), [](const json& g) { return g.is_array() && (g.empty() || g[0].is_array()); });
}

// Anything that is not clearly a Kaggle file is treated as a task file, whose parser explains what is wrong.
Layout detect_layout(const json& j) {
  if (!j.is_object() || j.empty() || j.contains("train") || j.contains("test")) return Layout::kTask;
  if (std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_object(); })) return Layout::kChallenges;
  if (std::all_of(j.begin(), j.end(), [](const json& v) { return looks_like_grid_list(v); })) return Layout::kSolutions;
  return Layout::kTask;
}

std::string kaggle_where(const std::string& path, const std::string& id) { return str(path, ": task '", id, "'"); }

std::string file_stem(const std::string& path) { return fs::path(path).stem().string(); }

void reject_kaggle_as_task_file(Layout layout, const std::string& path) {
  if (layout == Layout::kChallenges)
    fail(kPrefix, path, ": is a Kaggle challenges file (task id -> task), not a single task file; "
         "pass the file itself, not a folder containing it");
  if (layout == Layout::kSolutions)
    fail(kPrefix, path, ": is a Kaggle solutions file (task id -> test outputs), not a task file; "
         "load it together with its challenges file");
}

std::vector<Task> tasks_from_challenges(const json& j, const std::string& path) {
  ProblemSink throwing;
  std::vector<Task> tasks;
  for (const auto& [id, value] : j.items()) tasks.push_back(task_from_json(value, id, kaggle_where(path, id), throwing));
  return tasks;  // nlohmann::json objects iterate in key order, so tasks are sorted by id
}

// *.json files directly inside `dir`, sorted by stem (= task id): regular files, and entries whose type cannot
// be determined (a symlink loop, a dangling link), which then fail on reading with one problem line each
// instead of aborting the whole folder. Sub-folders and devices named *.json are skipped.
std::vector<std::string> json_files_in(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  TTT_CHECK(!ec, kPrefix, "cannot list the folder '", dir, "': ", ec.message());
  for (; it != end; it.increment(ec)) {
    TTT_CHECK(!ec, kPrefix, "cannot list the folder '", dir, "': ", ec.message());
    if (it->path().extension() != ".json") continue;
    std::error_code type_ec;
    const bool regular = it->is_regular_file(type_ec);
    if (regular || type_ec || it->is_symlink(type_ec)) {
      std::error_code exists_ec;
      if (!regular && fs::exists(it->path(), exists_ec)) continue;  // a link to a folder or device
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return a.stem() < b.stem(); });
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.string());
  return out;
}

void check_grid(const Grid& g, const std::string& where) {
  TTT_CHECK(g.height() >= 1 && g.height() <= kMaxGridSide && g.width() >= 1 && g.width() <= kMaxGridSide, kPrefix,
            where, " is ", g.height(), "x", g.width(), ", sides must be 1 to ", kMaxGridSide);
  for (int r = 0; r < g.height(); ++r)
    for (int c = 0; c < g.width(); ++c)
      TTT_CHECK(g.at(r, c) < kNumColors, kPrefix, where, " row ", r, " column ", c, " has color ",
                static_cast<int>(g.at(r, c)), ", colors are 0-9");
}

nlohmann::ordered_json example_to_json(const Example& e, bool with_output) {
  nlohmann::ordered_json j;
  j["input"] = e.input.to_rows();
  if (with_output && e.output) j["output"] = e.output->to_rows();
  return j;
}

nlohmann::ordered_json task_to_ordered_json(const Task& task, bool with_test_outputs) {
  nlohmann::ordered_json j;
  j["train"] = nlohmann::ordered_json::array();
  for (const auto& e : task.train) j["train"].push_back(example_to_json(e, true));
  j["test"] = nlohmann::ordered_json::array();
  for (const auto& e : task.test) j["test"].push_back(example_to_json(e, with_test_outputs));
  return j;
}

void validate_file(const std::string& path, bool inside_folder, ValidationReport& report) {
  ++report.files;
  json j;
  try {
    j = parse_json(read_file(path, "arc"), path);
  } catch (const Error& e) {
    ++report.tasks;
    ++report.invalid_tasks;
    const std::string problem = without_prefix(e.what());
    report.problems.push_back(problem.rfind(path, 0) == 0 ? problem : str(path, ": ", problem));
    return;
  }
  const Layout layout = detect_layout(j);
  if (layout == Layout::kTask) {
    ++report.tasks;
    ProblemSink sink(&report.problems);
    task_from_json(j, file_stem(path), path, sink);
    if (sink.count() > 0) ++report.invalid_tasks;
    return;
  }
  if (inside_folder) {
    ++report.tasks;
    ++report.invalid_tasks;
    try {
      reject_kaggle_as_task_file(layout, path);
    } catch (const Error& e) {
      report.problems.push_back(without_prefix(e.what()));
    }
    return;
  }
  for (const auto& [id, value] : j.items()) {
    ProblemSink sink(&report.problems);
    if (layout == Layout::kChallenges) {
      ++report.tasks;
      task_from_json(value, id, kaggle_where(path, id), sink);
      if (sink.count() > 0) ++report.invalid_tasks;
    } else {
      ++report.solution_entries;
      if (value.empty()) sink.report(str(kaggle_where(path, id), ": has no solution grids"));
      for (std::size_t i = 0; i < value.size(); ++i) sink.grid(value[i], str(kaggle_where(path, id), " [", i, "]"));
    }
  }
}

}  // namespace

Task parse_task(std::string_view json_text, const std::string& id, const std::string& source) {
  const json j = parse_json(json_text, source);
  reject_kaggle_as_task_file(detect_layout(j), source);
  ProblemSink throwing;
  return task_from_json(j, id, source, throwing);
}

Task load_task_file(const std::string& path) { return parse_task(read_file(path, "arc"), file_stem(path), path); }

std::vector<Task> load_tasks(const std::string& path) {
  std::error_code ec;
  TTT_CHECK(fs::exists(path, ec), kPrefix, "'", path, "' does not exist");
  if (fs::is_directory(path, ec)) {
    const std::vector<std::string> files = json_files_in(path);
    TTT_CHECK(!files.empty(), kPrefix, "'", path, "' holds no *.json task files");
    std::vector<Task> tasks;
    for (const auto& file : files) tasks.push_back(load_task_file(file));
    return tasks;
  }
  const json j = parse_json(read_file(path, "arc"), path);
  switch (detect_layout(j)) {
    case Layout::kChallenges:
      return tasks_from_challenges(j, path);
    case Layout::kSolutions:
      reject_kaggle_as_task_file(Layout::kSolutions, path);
      break;
    case Layout::kTask:
      break;
  }
  ProblemSink throwing;
  return {task_from_json(j, file_stem(path), path, throwing)};
}

std::vector<Task> load_kaggle(const std::string& challenges_path, const std::string& solutions_path) {
  const json challenges = parse_json(read_file(challenges_path, "arc"), challenges_path);
  TTT_CHECK(detect_layout(challenges) == Layout::kChallenges, kPrefix, challenges_path,
            ": is not a Kaggle challenges file (an object of task id -> {\"train\", \"test\"})");
  std::vector<Task> tasks = tasks_from_challenges(challenges, challenges_path);
  if (solutions_path.empty()) return tasks;

  const json solutions = parse_json(read_file(solutions_path, "arc"), solutions_path);
  TTT_CHECK(solutions.is_object(), kPrefix, solutions_path,
            ": a Kaggle solutions file must be an object of task id -> list of grids, got ", json_kind(solutions));
  for (Task& task : tasks) {
    const auto it = solutions.find(task.id);
    TTT_CHECK(it != solutions.end(), kPrefix, solutions_path, ": no solutions for task '", task.id, "' of ",
              challenges_path);
    const std::string where = kaggle_where(solutions_path, task.id);
    TTT_CHECK(it->is_array(), kPrefix, where, ": must be a list of grids, got ", json_kind(*it));
    TTT_CHECK(it->size() == task.test.size(), kPrefix, where, ": has ", it->size(), " solution grids but ",
              challenges_path, " has ", task.test.size(), " test inputs");
    for (std::size_t i = 0; i < task.test.size(); ++i)
      task.test[i].output = grid_from_json((*it)[i], str(where, " [", i, "]"));
  }
  for (const auto& item : solutions.items()) {
    const bool known = std::any_of(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == item.key(); });
    TTT_CHECK(known, kPrefix, solutions_path, ": task '", item.key(), "' is not in ", challenges_path);
  }
  return tasks;
}

void check_task(const Task& task, const std::string& where) {
  TTT_CHECK(!task.train.empty(), kPrefix, where, ": task '", task.id, "' has no demonstrations");
  TTT_CHECK(!task.test.empty(), kPrefix, where, ": task '", task.id, "' has no test inputs");
  for (std::size_t i = 0; i < task.train.size(); ++i) {
    check_grid(task.train[i].input, str(where, ": train[", i, "].input"));
    TTT_CHECK(task.train[i].output.has_value(), kPrefix, where, ": train[", i, "] has no output");
    check_grid(*task.train[i].output, str(where, ": train[", i, "].output"));
  }
  for (std::size_t i = 0; i < task.test.size(); ++i) {
    check_grid(task.test[i].input, str(where, ": test[", i, "].input"));
    if (task.test[i].output) check_grid(*task.test[i].output, str(where, ": test[", i, "].output"));
  }
}

std::string task_to_json(const Task& task) { return task_to_ordered_json(task, true).dump(); }

void save_task(const std::string& path, const Task& task) {
  check_task(task, path);
  write_file_atomic(path, task_to_json(task));
}

void save_kaggle(const std::string& challenges_path, const std::string& solutions_path,
                 const std::vector<Task>& tasks) {
  // Check everything before writing anything, so a failure leaves neither file half-updated.
  std::set<std::string> ids;
  for (const Task& task : tasks) {
    TTT_CHECK(ids.insert(task.id).second, kPrefix, challenges_path, ": task id '", task.id, "' appears twice");
    check_task(task, kaggle_where(challenges_path, task.id));
    if (solutions_path.empty()) continue;
    for (std::size_t i = 0; i < task.test.size(); ++i)
      TTT_CHECK(task.test[i].output.has_value(), kPrefix, solutions_path, ": task '", task.id, "' test[", i,
                "] has no known output to write");
  }
  nlohmann::ordered_json challenges = nlohmann::ordered_json::object();
  nlohmann::ordered_json solutions = nlohmann::ordered_json::object();
  for (const Task& task : tasks) {
    challenges[task.id] = task_to_ordered_json(task, false);
    nlohmann::ordered_json grids = nlohmann::ordered_json::array();
    for (const auto& e : task.test)
      if (e.output) grids.push_back(e.output->to_rows());
    solutions[task.id] = std::move(grids);
  }
  write_file_atomic(challenges_path, challenges.dump());
  if (!solutions_path.empty()) write_file_atomic(solutions_path, solutions.dump());
}

std::vector<Task> split_test_inputs(const Task& task) {
  std::vector<Task> subtasks;
  for (std::size_t i = 0; i < task.test.size(); ++i)
    subtasks.push_back(Task{str(task.id, "-", i), task.train, {task.test[i]}});
  return subtasks;
}

std::pair<std::string, int> subtask_parent(const std::string& subtask_id) {
  const auto dash = subtask_id.rfind('-');
  const bool ok = dash != std::string::npos && dash > 0 && dash + 1 < subtask_id.size() && subtask_id.size() - dash <= 7 &&
                  std::all_of(subtask_id.begin() + dash + 1, subtask_id.end(),
                              [](unsigned char ch) { return std::isdigit(ch) != 0; });
  TTT_CHECK(ok, kPrefix, "'", subtask_id, "' is not a subtask id of the form <task id>-<test index>");
  return {subtask_id.substr(0, dash), std::stoi(subtask_id.substr(dash + 1))};
}

ValidationReport validate(const std::string& path) {
  std::error_code ec;
  TTT_CHECK(fs::exists(path, ec), kPrefix, "'", path, "' does not exist");
  ValidationReport report;
  if (fs::is_directory(path, ec)) {
    const std::vector<std::string> files = json_files_in(path);
    if (files.empty()) report.problems.push_back(str(path, ": holds no *.json task files"));
    for (const auto& file : files) validate_file(file, true, report);
  } else {
    validate_file(path, false, report);
  }
  return report;
}

std::vector<std::string> validate_path(const std::string& path) { return validate(path).problems; }

}  // namespace ttt::arc
