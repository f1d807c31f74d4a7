#include "ttt/arc/search/solver.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "ttt/arc/json_text.h"
#include "ttt/arc/search/output_size.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::arc::search {

TaskSolution solve_task(const Task& task, const SearchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const SearchResult found = search_programs(task, options);
  TaskSolution solution;
  solution.task_id = task.id;
  solution.consistent = !found.programs.empty();
  solution.depth_completed = found.depth_completed;
  solution.timed_out = found.timed_out;
  if (!found.programs.empty()) {
    solution.program = found.programs[0].text();
    solution.program_length = static_cast<int>(found.programs[0].steps.size());
  }
  if (found.programs.size() > 1) solution.second_program = found.programs[1].text();
  for (std::size_t i = 0; i < task.test.size(); ++i) {
    // Program outputs first, then fallback guesses, skipping repeats, until two attempts exist.
    std::vector<Grid> choices;
    for (const FoundProgram& p : found.programs) choices.push_back(p.test_outputs[i]);
    const auto guesses = fallback_guesses(task, task.test[i].input);
    for (const Grid& g : {guesses.first, guesses.second})
      if (std::find(choices.begin(), choices.end(), g) == choices.end()) choices.push_back(g);
    solution.attempts.push_back({choices[0], choices.size() > 1 ? choices[1] : choices[0]});
  }
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return solution;
}

std::vector<TaskSolution> solve_tasks(const std::vector<Task>& tasks, const SearchOptions& options, int threads,
                                      const std::function<void(int, int, const TaskSolution&)>& progress) {
  check_options(options);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::max(1, std::min<int>(threads, static_cast<int>(tasks.size())));
  std::vector<TaskSolution> solutions(tasks.size());
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  int done = 0;
  std::string first_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) {
      try {
        solutions[i] = solve_task(tasks[i], options);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> guard(lock);
        if (first_error.empty()) first_error = e.what();
        continue;
      }
      std::lock_guard<std::mutex> guard(lock);
      ++done;
      if (!progress) continue;
      try {
        progress(done, static_cast<int>(tasks.size()), solutions[i]);
      } catch (const std::exception& e) {
        // The callback persists results (the solve journal): when it fails (disk full), stop handing out
        // tasks instead of searching on and losing the work.
        if (first_error.empty()) first_error = e.what();
        next = tasks.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!first_error.empty()) throw Error(first_error);
  return solutions;
}

Submission to_submission(const std::vector<TaskSolution>& solutions) {
  Submission submission;
  for (const TaskSolution& s : solutions) submission[s.task_id] = s.attempts;
  return submission;
}

ProgramRecords to_program_records(const std::vector<TaskSolution>& solutions) {
  ProgramRecords records;
  for (const TaskSolution& s : solutions)
    records[s.task_id] = {s.consistent, s.program, s.second_program, s.depth_completed, s.seconds, s.timed_out};
  return records;
}

std::string program_records_to_json(const ProgramRecords& records) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s); };
  for (const auto& [id, r] : records) {
    nlohmann::ordered_json entry;
    entry["consistent"] = r.consistent;
    entry["program"] = text_or_null(r.program);
    entry["second_program"] = text_or_null(r.second_program);
    entry["depth_completed"] = r.depth_completed;
    entry["seconds"] = r.seconds;
    entry["timed_out"] = r.timed_out;
    j[id] = std::move(entry);
  }
  return j.dump(1) + "\n";
}

ProgramRecords parse_program_records(const std::string& json_text, const std::string& source) {
  const nlohmann::json j = parse_json_text(json_text, source);
  TTT_CHECK(j.is_object(), "[arc] ", source, ": a programs record must be a JSON object, got ", json_kind_name(j));
  ProgramRecords records;
  for (const auto& [id, entry] : j.items()) {
    TTT_CHECK(entry.is_object(), "[arc] ", source, ": task '", id, "' must be an object, got ", json_kind_name(entry));
    TTT_CHECK(entry.contains("consistent") && entry["consistent"].is_boolean(), "[arc] ", source, ": task '", id,
              "' needs a boolean \"consistent\"");
    ProgramRecord r;
    r.consistent = entry["consistent"].get<bool>();
    for (const char* key : {"program", "second_program"}) {
      if (!entry.contains(key) || entry[key].is_null()) continue;
      TTT_CHECK(entry[key].is_string(), "[arc] ", source, ": task '", id, "' \"", key, "\" must be a string or null");
      (std::string(key) == "program" ? r.program : r.second_program) = entry[key].get<std::string>();
    }
    TTT_CHECK(!r.consistent || !r.program.empty(), "[arc] ", source, ": task '", id,
              "' is marked consistent but names no program");
    if (entry.contains("depth_completed") && entry["depth_completed"].is_number_integer())
      r.depth_completed = entry["depth_completed"].get<int>();
    if (entry.contains("seconds") && entry["seconds"].is_number()) r.seconds = entry["seconds"].get<double>();
    if (entry.contains("timed_out") && entry["timed_out"].is_boolean()) r.timed_out = entry["timed_out"].get<bool>();
    records[id] = r;
  }
  return records;
}

ProgramRecords load_program_records(const std::string& path) {
  return parse_program_records(read_file(path, "arc"), path);
}

void save_program_records(const std::string& path, const ProgramRecords& records) {
  write_file_atomic(path, program_records_to_json(records));
}

std::string sibling_of_submission(const std::string& submission_path, const std::string& suffix) {
  const std::string json = ".json";
  if (submission_path.size() > json.size() &&
      submission_path.compare(submission_path.size() - json.size(), json.size(), json) == 0)
    return submission_path.substr(0, submission_path.size() - json.size()) + suffix;
  return submission_path + suffix;
}

std::string default_programs_path(const std::string& submission_path) {
  return sibling_of_submission(submission_path, ".programs.json");
}

}  // namespace ttt::arc::search
