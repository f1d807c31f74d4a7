#include "ttt/arc/grid_json.h"

#include <nlohmann/json.hpp>

#include "ttt/util/error.h"
#include "ttt/util/json_parse.h"

namespace ttt::arc {
const char* json_kind(const nlohmann::json& j) {
  if (j.is_number_float()) return "a float";
  if (j.is_number_integer()) return "an integer";
  if (j.is_boolean()) return "a boolean";
  if (j.is_string()) return "a string";
  if (j.is_null()) return "null";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return j.type_name();
}

namespace {

// Never dumps a container whole (a hostile cell may be a huge or deep array).
std::string cell_text(const nlohmann::json& j) {
  std::string text = json_brief(j);
  if (text.size() > 20) text = text.substr(0, 17) + "...";
  return text;
}

}  // namespace

Grid grid_from_json(const nlohmann::json& j, const std::string& where) {
  TTT_CHECK(j.is_array(), "[arc] ", where, " must be a list of rows, got ", json_kind(j));
  TTT_CHECK(!j.empty(), "[arc] ", where, " is an empty grid (needs 1 to ", kMaxGridSide, " rows)");
  TTT_CHECK(j.size() <= static_cast<std::size_t>(kMaxGridSide), "[arc] ", where, " has ", j.size(),
            " rows, at most ", kMaxGridSide, " allowed");
  for (std::size_t r = 0; r < j.size(); ++r)
    TTT_CHECK(j[r].is_array(), "[arc] ", where, " row ", r, " must be a list of cells, got ", json_kind(j[r]));
  const std::size_t width = j[0].size();
  TTT_CHECK(width > 0, "[arc] ", where, " row 0 is empty (needs 1 to ", kMaxGridSide, " cells)");
  for (std::size_t r = 1; r < j.size(); ++r)
    TTT_CHECK(j[r].size() == width, "[arc] ", where, " row ", r, " has ", j[r].size(), " cells, row 0 has ",
              width);
  TTT_CHECK(width <= static_cast<std::size_t>(kMaxGridSide), "[arc] ", where, " has ", width,
            " columns, at most ", kMaxGridSide, " allowed");

  Grid grid(static_cast<int>(j.size()), static_cast<int>(width));
  for (std::size_t r = 0; r < j.size(); ++r) {
    for (std::size_t c = 0; c < width; ++c) {
      const nlohmann::json& cell = j[r][c];
      // is_number_integer covers signed and unsigned JSON integers but not 1.0 or 1.5, and never booleans.
      TTT_CHECK(cell.is_number_integer(), "[arc] ", where, " row ", r, " column ", c, " is ", json_kind(cell),
                cell.is_null() ? std::string() : " (" + cell_text(cell) + ")", ", colors are integers 0-9");
      // Compare as signed 64-bit only after ruling out huge unsigned values.
      const bool in_range = cell.is_number_unsigned() ? cell.get<std::uint64_t>() < kNumColors
                                                      : cell.get<std::int64_t>() >= 0 && cell.get<std::int64_t>() < kNumColors;
      TTT_CHECK(in_range, "[arc] ", where, " row ", r, " column ", c, " has color ", cell_text(cell),
                ", colors are 0-9");
      grid.at(static_cast<int>(r), static_cast<int>(c)) = static_cast<std::uint8_t>(cell.get<std::int64_t>());
    }
  }
  return grid;
}

nlohmann::json grid_to_json(const Grid& grid) {
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < grid.height(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (int c = 0; c < grid.width(); ++c) row.push_back(static_cast<int>(grid.at(r, c)));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace ttt::arc
