#include <gtest/gtest.h>

#include <filesystem>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;

TEST(AtomicFile, WritesWholeFileAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / "ttt_atomic_test";
  fs::create_directories(dir);
  const std::string path = (dir / "out.bin").string();
  ttt::write_file_atomic(path, std::string("abc\0def", 7));
  EXPECT_EQ(ttt::read_file(path), std::string("abc\0def", 7));
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().filename(), "out.bin") << "stray file " << entry.path();
  fs::remove_all(dir);
}

TEST(AtomicFile, UnwritableTargetThrowsAndKeepsOldContent) {
  EXPECT_THROW(ttt::write_file_atomic("/nonexistent-dir/x.bin", "x"), ttt::Error);
}

TEST(AtomicFile, MissingFileErrorNamesThePath) {
  try {
    ttt::read_file("/no/such/file.json", "arc");
    FAIL() << "expected an error";
  } catch (const ttt::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/no/such/file.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[arc]"), std::string::npos);
  }
}
