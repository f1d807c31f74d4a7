#pragma once
// Files are written whole or not at all: bytes go to "<path>.tmp.<pid>" which is renamed over the
// target only after a successful flush, so an interrupted or failed write never leaves a half file.
#include <string>
#include <string_view>

namespace ttt {

void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file; throws ttt::Error("[<what>] cannot open '<path>'") when it is missing.
std::string read_file(const std::string& path, const std::string& what = "read");

}  // namespace ttt
