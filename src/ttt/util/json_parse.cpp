#include "ttt/util/json_parse.h"

#include <vector>

#include "ttt/util/error.h"

namespace ttt {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable part.
std::string readable(const std::string& message) {
  const auto close = message.find("] ");
  if (message.rfind("[json.", 0) == 0 && close != std::string::npos) return message.substr(close + 2);
  return message;
}

}  // namespace

void check_json_depth(std::string_view text, const std::string& area, const std::string& source,
                      std::size_t max_depth) {
  std::size_t depth = 0, line = 1, line_start = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '\n':
        ++line;
        line_start = i + 1;
        break;
      case '[':
      case '{':
        if (++depth > max_depth)
          fail("[", area, "] ", source, ": JSON nested more than ", max_depth, " levels deep at line ", line,
               ", column ", i - line_start + 1);
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;  // unbalanced text is the parser's to report
        break;
      default:
        break;
    }
  }
}

namespace {

using json = nlohmann::json;

// Builds the DOM from nlohmann's (iterative) SAX events and rejects a key its object already has. Not the
// parser callback: nlohmann's callback parser scans the whole enclosing object after every nested value
// (to drop discarded ones), which is quadratic: a safetensors header with 10^5 tensors took minutes.
class CheckedDomBuilder : public nlohmann::json_sax<json> {
 public:
  CheckedDomBuilder(const std::string& area, const std::string& source) : area_(area), source_(source) {}

  json take() { return std::move(root_); }

  bool null() override { return add(nullptr); }
  bool boolean(bool value) override { return add(value); }
  bool number_integer(number_integer_t value) override { return add(value); }
  bool number_unsigned(number_unsigned_t value) override { return add(value); }
  bool number_float(number_float_t value, const string_t&) override { return add(value); }
  bool string(string_t& value) override { return add(std::move(value)); }
  bool binary(binary_t& value) override { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) override {
    open_.push_back(place(json::object()));
    return true;
  }
  bool key(string_t& name) override {
    if (open_.back()->contains(name))
      fail("[", area_, "] ", source_, ": the key \"", name, "\" appears twice in one object (which one is meant?)");
    key_ = std::move(name);
    return true;
  }
  bool end_object() override {
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    open_.push_back(place(json::array()));
    return true;
  }
  bool end_array() override {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    fail("[", area_, "] ", source_, ": not valid JSON: ", readable(error.what()));
  }

 private:
  template <typename Value>
  bool add(Value&& value) {
    place(json(std::forward<Value>(value)));
    return true;
  }
  // Puts a value where the parser is: the root, the end of the open array, or under the last key. Returned
  // pointers stay valid while the value is open: nothing is added to its parent until it is closed.
  json* place(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.get_ref<json::array_t&>().push_back(std::move(value));
      return &parent.get_ref<json::array_t&>().back();
    }
    return &(parent.get_ref<json::object_t&>()[std::move(key_)] = std::move(value));
  }

  const std::string& area_;
  const std::string& source_;
  json root_;
  std::vector<json*> open_;
  std::string key_;
};

}  // namespace

nlohmann::json parse_json_checked(std::string_view text, const std::string& area, const std::string& source) {
  check_json_depth(text, area, source);
  CheckedDomBuilder builder(area, source);
  json::sax_parse(text.begin(), text.end(), &builder);
  return builder.take();
}

std::string json_brief(const nlohmann::json& value) {
  if (value.is_object()) return str("an object (", value.size(), " entries)");
  if (value.is_array()) return str("a list (", value.size(), " entries)");
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

}  // namespace ttt
