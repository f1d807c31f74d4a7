#include <gtest/gtest.h>

#include <string>

#include "ttt/util/error.h"
#include "ttt/util/json_parse.h"
#include "ttt/util/printable.h"

namespace {

std::string error_of(const std::string& text) {
  try {
    ttt::parse_json_checked(text, "arc", "t.json");
  } catch (const ttt::Error& e) {
    return e.what();
  }
  return "";
}

std::string nested(std::size_t depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

}  // namespace

// Regression (hostile-input sweep): a grid cell nested ~10^5 deep crashed every ARC command (stack overflow
// while printing it). Nesting is now refused before parsing, with the position of the first level too deep.
TEST(JsonParse, RefusesDeepNestingWithoutRecursing) {
  for (std::size_t depth : {std::size_t(513), std::size_t(100000), std::size_t(1000000)}) {
    const std::string message = error_of(nested(depth));
    EXPECT_EQ(message, "[arc] t.json: JSON nested more than 512 levels deep at line 1, column 513") << depth;
  }
  EXPECT_EQ(error_of(nested(512)), "");
  EXPECT_EQ(ttt::parse_json_checked(nested(3), "arc", "t.json"), nlohmann::json::parse("[[[1]]]"));
  // Objects count, brackets inside strings do not, escaped quotes do not end a string.
  EXPECT_NE(error_of("{\"a\":" + nested(512) + "}").find("nested more than 512"), std::string::npos);
  EXPECT_EQ(error_of("[\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"]"), "");
  EXPECT_NE(error_of("{\n\"a\": " + nested(600) + "}").find("at line 2, column 517"), std::string::npos);
}

// Regression: duplicate keys in task, submission and config JSON were silently resolved (the last won).
TEST(JsonParse, RefusesDuplicateKeysAtAnyLevel) {
  EXPECT_EQ(error_of(R"({"train": [], "train": []})"),
            "[arc] t.json: the key \"train\" appears twice in one object (which one is meant?)");
  EXPECT_NE(error_of(R"({"a": [{"x": 1, "y": 2, "x": 3}]})").find("\"x\" appears twice"), std::string::npos);
  // The same key in sibling objects is fine.
  EXPECT_EQ(error_of(R"([{"x": 1}, {"x": 2}, {"a": {"x": 3}, "x": 4}])"), "");
}

// Regression: config JSON errors had no line or column.
TEST(JsonParse, SyntaxErrorsNameLineAndColumn) {
  const std::string message = error_of("{\n  \"a\": 1,\n  \"b\": ?\n}");
  EXPECT_EQ(message.rfind("[arc] t.json: not valid JSON: ", 0), 0u) << message;
  EXPECT_NE(message.find("line 3, column 8"), std::string::npos) << message;
}

TEST(JsonParse, BriefNeverPrintsAContainerWhole) {
  EXPECT_EQ(ttt::json_brief(nlohmann::json::parse("[[1],[2],[3]]")), "a list (3 entries)");
  EXPECT_EQ(ttt::json_brief(nlohmann::json::parse(R"({"a":1})")), "an object (1 entries)");
  EXPECT_EQ(ttt::json_brief(12), "12");
  EXPECT_EQ(ttt::json_brief(std::string(100, 'x')).size(), 60u);
}

// Regression: NUL and terminal escape codes in task ids reached the terminal raw.
TEST(Printable, EscapesControlBytes) {
  EXPECT_EQ(ttt::printable(std::string("a\0b\x1b[2Jc\x7f", 9)), "a\\x00b\\x1b[2Jc\\x7f");
  EXPECT_EQ(ttt::printable("line\nnext\ttab"), "line\\x0anext\\x09tab");
  EXPECT_EQ(ttt::printable("line\nnext\ttab", true), "line\nnext\ttab");
  EXPECT_EQ(ttt::printable("ünïcode ok"), "ünïcode ok");
}
