#pragma once
// Shared by the libFuzzer targets: every reader must either return or throw ttt::Error for any input; any
// other exception, crash, sanitizer report, leak or hang is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <unistd.h>

#include "ttt/util/error.h"

namespace ttt::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `read`, accepting a clean ttt::Error as the reader's answer to bad input.
template <typename F>
void expect_clean(F&& read) {
  try {
    read();
  } catch (const ttt::Error&) {
  }
}

// A per-process scratch path (a file or folder name), for readers that take paths.
inline std::string scratch_path(const std::string& name) {
  static const std::string folder = [] {
    const char* tmp = std::getenv("TMPDIR");  // scripts/fuzz.sh points it at build-fuzz/tmp and empties it
    return std::string(tmp && *tmp ? tmp : "/tmp");
  }();
  return folder + "/ttt_fuzz_" + std::to_string(::getpid()) + "_" + name;
}

// A per-process scratch file holding `bytes`.
inline std::string scratch_file(const std::string& name, std::string_view bytes) {
  const std::string path = scratch_path(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// The whole content of a file (seed corpus replay, seed writing).
inline std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace ttt::fuzz
