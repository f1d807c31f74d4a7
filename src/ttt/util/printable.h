#pragma once
// Text from user files (task ids, JSON keys, file names) shown on a terminal: control bytes (NUL, ESC and
// the rest of 0x00-0x1F, 0x7F) are written as \xNN so a hostile id cannot move the cursor, clear the screen
// or cut a line short. Newlines are kept when keep_newlines is true (multi-line messages).
#include <string>
#include <string_view>

namespace ttt {

std::string printable(std::string_view text, bool keep_newlines = false);

}  // namespace ttt
