// Replays, in `make test`, every input of the fuzz seed corpus (fuzz/corpus/<target>/) and every crashing
// input the fuzzers found (fuzz/regressions/<target>/) through the same bodies the libFuzzer targets run
// (fuzz/targets.h): each must end in a result or a ttt::Error, never a crash (or, in `make test-asan`, a
// sanitizer report).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "../../fuzz/targets.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzz = fs::path(TTT_TEST_DATA_DIR) / ".." / ".." / "fuzz";

std::size_t replay(const fs::path& folder, const ttt::fuzz::Target& target) {
  std::size_t count = 0;
  if (!fs::is_directory(folder)) return 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    const std::string input = ttt::fuzz::read_whole_file(entry.path().string());
    SCOPED_TRACE(entry.path().string());
    target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ++count;
  }
  return count;
}

void remove_scratch_files() {
  const std::string prefix = "ttt_fuzz_" + std::to_string(::getpid()) + "_";
  const char* tmp = std::getenv("TMPDIR");
  for (const auto& entry : fs::directory_iterator(tmp && *tmp ? tmp : "/tmp"))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove(entry.path());
}

}  // namespace

TEST(FuzzRegressions, SeedCorpusAndFoundCrashesRunCleanly) {
  for (const ttt::fuzz::Target& target : ttt::fuzz::kTargets) {
    SCOPED_TRACE(target.name);
    const std::size_t seeds = replay(kFuzz / "corpus" / target.name, target);
    EXPECT_GE(seeds, 3u) << "the seed corpus of " << target.name << " is missing";
    replay(kFuzz / "regressions" / target.name, target);
  }
  remove_scratch_files();
}
