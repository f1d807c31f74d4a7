// The integration test: with the shipped base model (models/arc-base, 1.2 M parameters), test-time
// training on one generated task of a family held out of pretraining turns the base model's wrong
// prediction into the right one. The task file is our generator's output (`ttt arc generate`, see below);
// it was picked from docs/results.md's evaluation, set (a), as one of the 3 tasks the base model gets
// wrong and TTT gets right, so this pins that behaviour of the shipped model and the default recipe.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

using namespace ttt::test_support;

// Set (a) of scripts/experiment_arc.sh (`ttt arc generate --families <the 12 held-out families> --per-family 3
// --min-side 3 --max-side 6 --demos 3-4 --seed 2026`), the first keep_largest_object task: four
// demonstrations of "keep only the largest object" on grids of 3×5 to 6×6, test input 6×6.
constexpr const char* kTask = "keep_largest_object-0";

TEST(ArcShippedModel, TestTimeTrainingTurnsAWrongPredictionIntoARightOne) {
  TempDir out("arc_shipped");
  const std::string task = std::string(TTT_TEST_DATA_DIR) + "/arc-ttt/" + kTask + ".json";
  // The default model (found beside the build folder) and the default TTT recipe.
  const auto r = run_cli_split("arc eval --tasks '" + task + "' --out '" + out.str() + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.err;
  const auto j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["tasks"], 1);
  EXPECT_EQ(j["pass2_base"], 0.0) << "the base model alone should get this task wrong";
  EXPECT_EQ(j["pass2_ttt"], 1.0) << "test-time training should fix it";
}
