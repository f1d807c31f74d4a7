#pragma once
// JSON text from user files, parsed with an error that names the file, for submissions and solutions.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ttt::arc {

// Throws ttt::Error("[arc] <source>: not valid JSON: <what went wrong, with line and column>").
nlohmann::json parse_json_text(std::string_view text, const std::string& source);

// "an object", "a list", "a string", "a number", "a boolean" or "null", for "expected X, got Y" errors.
const char* json_kind_name(const nlohmann::json& j);

}  // namespace ttt::arc
