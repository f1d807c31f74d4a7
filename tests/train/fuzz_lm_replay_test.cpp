// Replays, in `make test`, the seed corpus (fuzz/corpus/<target>/) and every crashing input the fuzzers
// found (fuzz/regressions/<target>/) of the token_file, checkpoint and lora_adapters fuzz targets through
// the bodies the libFuzzer binaries run (fuzz/targets_data.h, fuzz/targets_torch.h): each input must end
// in a result or a ttt::Error, never a crash. The seeds named valid_* must be accepted, so the fuzzers
// start from inputs that reach the deep end of each reader.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../../fuzz/targets_data.h"
#include "../../fuzz/targets_torch.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFuzz = fs::path(TTT_TEST_DATA_DIR) / ".." / ".." / "fuzz";

struct LmTarget {
  const char* name;
  bool (*run)(const std::uint8_t*, std::size_t);
};

const LmTarget kLmTargets[] = {{"token_file", ttt::fuzz::run_token_file},
                               {"checkpoint", ttt::fuzz::run_checkpoint},
                               {"lora_adapters", ttt::fuzz::run_lora_adapters}};

// Runs every file of `folder`; returns {inputs, valid_* inputs accepted}, failing on a valid_* refused.
std::pair<int, int> replay(const fs::path& folder, const LmTarget& target) {
  int count = 0, valid = 0;
  if (!fs::is_directory(folder)) return {0, 0};
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    const std::string input = ttt::fuzz::read_whole_file(entry.path().string());
    SCOPED_TRACE(entry.path().string());
    const bool accepted = target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    ++count;
    if (entry.path().filename().string().rfind("valid", 0) == 0) {
      EXPECT_TRUE(accepted) << "a valid seed was refused";
      valid += accepted;
    }
  }
  return {count, valid};
}

}  // namespace

TEST(FuzzLmReplay, SeedCorpusAndFoundCrashesRunCleanly) {
  for (const LmTarget& target : kLmTargets) {
    SCOPED_TRACE(target.name);
    const auto [seeds, valid] = replay(kFuzz / "corpus" / target.name, target);
    EXPECT_GE(seeds, 5) << "the seed corpus of " << target.name << " is missing";
    EXPECT_GE(valid, 1) << "no valid seed for " << target.name;
    replay(kFuzz / "regressions" / target.name, target);
  }
  std::error_code ec;
  const std::string prefix = "ttt_fuzz_" + std::to_string(::getpid()) + "_";
  for (const auto& entry : fs::directory_iterator(fs::path(ttt::fuzz::scratch_path("x")).parent_path(), ec))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(entry.path(), ec);
}

// The damaged seeds must be refused (what the fuzzer mutates from must include the error paths).
TEST(FuzzLmReplay, DamagedSeedsAreRefused) {
  for (const LmTarget& target : kLmTargets) {
    for (const auto& entry : fs::directory_iterator(kFuzz / "corpus" / target.name)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("valid", 0) == 0) continue;
      const std::string input = ttt::fuzz::read_whole_file(entry.path().string());
      EXPECT_FALSE(target.run(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()))
          << target.name << "/" << name << " was accepted";
    }
  }
}
