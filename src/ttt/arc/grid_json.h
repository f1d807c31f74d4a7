#pragma once
// ARC grids as JSON: a list of rows of integer colors 0–9, 1 ≤ height, width ≤ 30.
// The parser is strict because task files come from users: every rule it enforces is named in the
// error, together with the caller's location ("[arc] tasks/abc.json: train[2].output row 3 has 5
// cells, row 0 has 4").
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "ttt/arc/grid.h"

namespace ttt::arc {

// Validates and converts. `where` names the grid for error messages, e.g. "tasks/abc.json: test[0].input".
// Throws ttt::Error for: not an array, no rows, a row that is not an array, ragged rows, a side
// outside 1..30, or a cell that is not an integer 0–9 (floats such as 1.5 or 1.0, booleans, strings
// and nulls are all rejected).
Grid grid_from_json(const nlohmann::json& j, const std::string& where);

// Rows of integers, the inverse of grid_from_json.
nlohmann::json grid_to_json(const Grid& grid);

// "an array", "a float", "null", ... for messages about JSON of the wrong type.
const char* json_kind(const nlohmann::json& j);

}  // namespace ttt::arc
