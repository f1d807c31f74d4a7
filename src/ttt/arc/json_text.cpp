#include "ttt/arc/json_text.h"

#include "ttt/util/json_parse.h"

namespace ttt::arc {

nlohmann::json parse_json_text(std::string_view text, const std::string& source) {
  return parse_json_checked(text, "arc", source);
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
