#include "ttt/arc/submission.h"

#include <nlohmann/json.hpp>

#include "ttt/arc/grid_json.h"
#include "ttt/arc/json_text.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

nlohmann::ordered_json attempt_to_json(const Grid& grid, const std::string& where) {
  // A default-constructed Grid would be written as [] and make the whole file unreadable later.
  TTT_CHECK(!grid.empty() && grid.height() <= kMaxGridSide && grid.width() <= kMaxGridSide, "[arc] submission: ",
            where, " is a ", grid.height(), "x", grid.width(), " grid, sides must be 1 to ", kMaxGridSide);
  return grid.to_rows();
}

Grid attempt_from_json(const nlohmann::json& entry, const char* key, const std::string& where) {
  const auto it = entry.find(key);
  TTT_CHECK(it != entry.end(), "[arc] ", where, " has no \"", key, "\"");
  return grid_from_json(*it, str(where, " ", key));
}

}  // namespace

Attempts no_prediction() { return {Grid(1, 1, 0), Grid(1, 1, 0)}; }

void complete_submission(Submission& submission, const std::vector<Task>& tasks) {
  for (const Task& task : tasks) submission[task.id].resize(task.test.size(), no_prediction());
}

Submission parse_submission(std::string_view json_text, const std::string& source) {
  const nlohmann::json j = parse_json_text(json_text, source);
  TTT_CHECK(j.is_object(), "[arc] ", source,
            ": a submission must be an object {task_id: [{\"attempt_1\": grid, \"attempt_2\": grid}, ...]}, got ",
            json_kind_name(j));
  Submission submission;
  for (const auto& [task_id, entries] : j.items()) {
    const std::string task_where = str(source, ": task '", task_id, "'");
    TTT_CHECK(entries.is_array(), "[arc] ", task_where,
              " must be a list with one {\"attempt_1\", \"attempt_2\"} entry per test input, got ", json_kind_name(entries));
    std::vector<Attempts>& attempts = submission[task_id];
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string where = str(task_where, " entry ", i);
      TTT_CHECK(entries[i].is_object(), "[arc] ", where, " must be an object with \"attempt_1\" and \"attempt_2\", got ",
                json_kind_name(entries[i]));
      attempts.push_back({attempt_from_json(entries[i], "attempt_1", where),
                          attempt_from_json(entries[i], "attempt_2", where)});
    }
  }
  return submission;
}

Submission load_submission(const std::string& path) { return parse_submission(read_file(path, "arc"), path); }

std::string submission_to_json(const Submission& submission) {
  // ordered_json keeps attempt_1 before attempt_2; the outer std::map already orders task ids.
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [task_id, entries] : submission) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string where = str("task '", task_id, "' entry ", i);
      nlohmann::ordered_json entry;
      entry["attempt_1"] = attempt_to_json(entries[i].attempt_1, where + " attempt_1");
      entry["attempt_2"] = attempt_to_json(entries[i].attempt_2, where + " attempt_2");
      list.push_back(std::move(entry));
    }
    j[task_id] = std::move(list);
  }
  return j.dump();
}

void save_submission(const std::string& path, const Submission& submission) {
  write_file_atomic(path, submission_to_json(submission));
}

}  // namespace ttt::arc
