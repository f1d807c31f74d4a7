#pragma once
// The bodies of the libFuzzer targets, shared with tests/util/fuzz_regressions_test.cpp, which replays the seed
// corpus and every kept crashing input in `make test`. A body returns, or throws ttt::Error (the readers' answer
// to bad input, caught here); anything else (a crash, a sanitizer report, a failed round trip: __builtin_trap) is a bug.
#include <algorithm>
#include <cstring>
#include <vector>

#include "fuzz_common.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/scoring.h"
#include "ttt/arc/submission.h"
#include "ttt/arc/task_io.h"
#include "ttt/arc/text_format.h"
#include "ttt/io/safetensors.h"
#include "ttt/util/json_parse.h"
#include "ttt/util/printable.h"

namespace ttt::fuzz {

// safetensors reader: parse_safetensors on the bytes, and read_safetensors on them as a file (the seeking
// reader that never copies the whole file).
inline void run_safetensors(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = as_text(data, size);
  expect_clean([&] {
    const ttt::io::SafetensorsFile file = ttt::io::parse_safetensors(bytes, "fuzz");
    // What parses must serialize and parse back to the same records.
    const std::string again = ttt::io::serialize_safetensors(file, "fuzz");
    const ttt::io::SafetensorsFile round = ttt::io::parse_safetensors(again, "round trip");
    if (round.tensors.size() != file.tensors.size() || round.metadata != file.metadata) __builtin_trap();
  });
  static const std::string path = scratch_file("st", "");
  scratch_file("st", bytes);
  expect_clean([&] { ttt::io::read_safetensors(path); });
}

// The shared JSON layer every JSON reader (tasks, submissions, solutions, config.json, safetensors headers)
// goes through: depth pre-scan, duplicate keys, messages. config.cpp itself needs libtorch (its
// activations), so its key reading is covered by the end-to-end tests instead.
inline void run_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  expect_clean([&] {
    const nlohmann::json j = ttt::parse_json_checked(text, "config", "fuzz");
    ttt::json_brief(j);
    // Whatever parsed prints and parses back equal (printing recurses: the depth limit must hold).
    const std::string dumped = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (j.is_object()) {
      for (const auto& item : j.items()) ttt::json_brief(item.value());
    }
    if (dumped.size() > (1u << 20)) return;
    ttt::parse_json_checked(dumped, "config", "fuzz dump");
  });
  ttt::printable(text);
}

// ARC task reader: one task file (parse_task, load_tasks, validate), which also sees Kaggle challenges and
// solutions layouts since the layout is detected from the content.
inline void run_task(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  expect_clean([&] {
    const ttt::arc::Task task = ttt::arc::parse_task(text, "fuzz", "fuzz.json");
    ttt::arc::check_task(task, "fuzz");  // what the parser accepts the checker accepts
    const ttt::arc::Task again = ttt::arc::parse_task(ttt::arc::task_to_json(task), "fuzz", "round trip");
    if (again.train.size() != task.train.size() || again.test.size() != task.test.size()) __builtin_trap();
    ttt::arc::split_test_inputs(task);
  });
  const std::string path = scratch_file("task.json", text);
  expect_clean([&] { ttt::arc::load_tasks(path); });
  expect_clean([&] { ttt::arc::validate(path); });
}

// Kaggle challenges + solutions pair: the input is split at the first NUL byte into the two files.
inline void run_kaggle(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  const std::size_t cut = std::min(text.find('\0'), text.size());
  const std::string challenges = scratch_file("challenges.json", text.substr(0, cut));
  const std::string solutions =
      scratch_file("solutions.json", cut < text.size() ? text.substr(cut + 1) : std::string_view());
  expect_clean([&] { ttt::arc::load_kaggle(challenges, solutions); });
  expect_clean([&] { ttt::arc::load_kaggle(challenges, ""); });
  expect_clean([&] { ttt::arc::validate(solutions); });
}

// Submission and solutions readers, and scoring one against the other (input split at the first NUL).
inline void run_submission(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  const std::size_t cut = std::min(text.find('\0'), text.size());
  expect_clean([&] {
    const ttt::arc::Submission submission = ttt::arc::parse_submission(text.substr(0, cut), "submission.json");
    ttt::arc::parse_submission(ttt::arc::submission_to_json(submission), "round trip");
    if (cut >= text.size()) return;
    const ttt::arc::Solutions solutions = ttt::arc::parse_solutions(text.substr(cut + 1), "solutions.json");
    ttt::arc::score_submission(submission, solutions);
  });
  expect_clean([&] { ttt::arc::parse_solutions(text, "solutions.json"); });
}

// The model-output grid parsers: generated text (parse_grid_text) and generated tokens (parse_grid_tokens,
// ids taken as little-endian int32 from the input). Both return nullopt for malformed output; whatever
// they accept must be a valid grid that prints back to itself.
inline void run_grid_output(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  expect_clean([&] {
    if (const auto grid = ttt::arc::parse_grid_text(text)) {
      if (grid->height() < 1 || grid->height() > 30 || grid->width() < 1 || grid->width() > 30) __builtin_trap();
      const auto again = ttt::arc::parse_grid_text(ttt::arc::grid_to_text(*grid));
      if (!again || !(*again == *grid)) __builtin_trap();
    }
  });
  std::vector<std::int32_t> ids(size / 4);
  if (!ids.empty()) std::memcpy(ids.data(), data, ids.size() * 4);
  expect_clean([&] {
    if (const auto grid = ttt::arc::parse_grid_tokens(ids)) {
      std::vector<std::int32_t> tokens;
      ttt::arc::append_grid_tokens(*grid, tokens);
      const auto again = ttt::arc::parse_grid_tokens(tokens);
      if (!again || !(*again == *grid)) __builtin_trap();
    }
  });
}

struct Target {
  const char* name;
  void (*run)(const std::uint8_t*, std::size_t);
};

inline const Target kTargets[] = {{"safetensors", run_safetensors}, {"json", run_json}, {"task", run_task}, {"kaggle", run_kaggle}, {"submission", run_submission}, {"grid_output", run_grid_output}};

}  // namespace ttt::fuzz
