#pragma once
// Shared by test suites that check error paths and write scratch files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ttt/util/error.h"

namespace ttt::test_support {

// Runs `action`, expecting a ttt::Error whose message contains every one of `parts`.
template <typename Action>
void expect_error(Action action, const std::vector<std::string>& parts) {
  try {
    action();
    ADD_FAILURE() << "expected a ttt::Error containing '" << parts.front() << "'";
  } catch (const ttt::Error& e) {
    const std::string message = e.what();
    for (const std::string& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nmissing: " << part;
  }
}

// An empty scratch folder; the pid keeps concurrent runs (ctest -j, other checkouts) apart.
inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace ttt::test_support
