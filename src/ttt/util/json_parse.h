#pragma once
// The one JSON parser for files users give us (tasks, submissions, solutions, configs, safetensors
// headers). On top of nlohmann::json::parse it
//   - refuses nesting deeper than kMaxJsonDepth before parsing, so no recursive step (parsing, printing,
//     comparing, destroying) can overflow the stack on a hostile "[[[[...]]]]";
//   - refuses an object with the same key twice (nlohmann silently keeps the last one: a task file with
//     two "train" lists, or a config with two "hidden_size", is ambiguous);
//   - names the file, and the line and column of a syntax error.
// Errors: ttt::Error("[<area>] <source>: not valid JSON: <what>, at line L, column C").
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ttt {

constexpr std::size_t kMaxJsonDepth = 512;

nlohmann::json parse_json_checked(std::string_view text, const std::string& area, const std::string& source);

// Throws the depth error above when `text` nests arrays/objects deeper than max_depth (strings skipped).
void check_json_depth(std::string_view text, const std::string& area, const std::string& source,
                      std::size_t max_depth = kMaxJsonDepth);

// A short description of a value for messages ("an object (3 entries)", "\"abc\"", "12"): never prints a
// whole container.
std::string json_brief(const nlohmann::json& value);

}  // namespace ttt
