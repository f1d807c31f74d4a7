#include "ttt/arc/json_text.h"

#include "ttt/util/error.h"

namespace ttt::arc {

nlohmann::json parse_json_text(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() starts with "[json.exception.parse_error.101] "; the rest names line and column.
    std::string detail = e.what();
    if (const auto close = detail.find("] "); detail.rfind("[json.", 0) == 0 && close != std::string::npos)
      detail = detail.substr(close + 2);
    fail("[arc] ", source, ": not valid JSON: ", detail);
  }
}

const char* json_kind_name(const nlohmann::json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "a list";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  return "a number";
}

}  // namespace ttt::arc
