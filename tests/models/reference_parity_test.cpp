// Golden test against the official reference model (ttt.py of ttt-lm-pytorch): every
// <variant>.safetensors + <variant>.config.json pair in $TTT_REFERENCE_FIXTURES is loaded; without the
// variable, the project's copy (tests/data/ttt-reference) and, when present, the shared folder beside
// the checkout (../shared/fixtures/ttt-reference). Full-pass logits, every per-layer hidden state and
// the prefill-then-decode logits must agree to 1e-4. Sizes come from each config and tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "ttt/eval/reference_check.h"

using namespace ttt;

namespace {

constexpr double kTolerance = 1e-4;

std::vector<std::string> fixture_dirs() {
  const char* env = std::getenv("TTT_REFERENCE_FIXTURES");
  if (env && *env) return {env};
  std::vector<std::string> dirs = {std::string(TTT_TEST_DATA_DIR) + "/ttt-reference"};
  if (std::filesystem::is_directory(TTT_SHARED_FIXTURES_DIR)) dirs.push_back(TTT_SHARED_FIXTURES_DIR);
  return dirs;
}

}  // namespace

TEST(reference_parity, all_fixtures_match) {
 for (const auto& dir : fixture_dirs()) {
  const auto names = eval::list_reference_fixtures(dir);
  ASSERT_FALSE(names.empty()) << "no <name>.safetensors + <name>.config.json pairs in " << dir;
  for (const auto& name : names) {
    SCOPED_TRACE(dir + "/" + name);
    const auto r = eval::check_reference_fixture(dir, name);
    EXPECT_LE(r.logits_max_diff, kTolerance) << "full-pass logits";
    for (std::size_t i = 0; i < r.hidden_max_diff.size(); ++i)
      EXPECT_LE(r.hidden_max_diff[i], kTolerance) << "hidden state " << i;
    EXPECT_LE(r.prefill_max_diff, kTolerance) << "prefill logits";
    EXPECT_LE(r.decode_max_diff, kTolerance) << "decode logits";
    // The fixture must exercise the model: logits far from zero, so a small diff is meaningful.
    EXPECT_GT(r.reference_logits_abs_max, 100 * kTolerance);
    std::printf("[parity] %s: B=%lld L=%lld prefill %lld decode %lld, worst max|diff| %.3g\n", name.c_str(),
                r.batch, r.length, r.prefill, r.decode, r.worst());
  }
 }
}

TEST(ReferenceAgreementVerdict, NaNIsNeverAgreement) {
  eval::ReferenceAgreement r;
  r.logits_max_diff = 1e-7;
  r.hidden_max_diff = {1e-7, std::nan("")};
  EXPECT_FALSE(r.worst() <= kTolerance);
  r.hidden_max_diff = {1e-7};
  r.decode_max_diff = std::nan("");
  EXPECT_FALSE(r.worst() <= kTolerance);
  r.decode_max_diff = 2e-7;
  EXPECT_DOUBLE_EQ(r.worst(), 2e-7);
}
