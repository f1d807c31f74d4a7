// `ttt arc generate` end to end: files appear with the promised names, parse as tasks, pass
// `ttt arc validate`, repeat byte for byte with the same seed, and bad flags are clear errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "ttt/arc/task_io.h"
#include "support/run_cli.h"

namespace fs = std::filesystem;

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::slurp;
using ttt::test_support::TempDir;

namespace {

}  // namespace

TEST(CliArcGenerate, WritesValidTasksNamedByFamilyAndIndex) {
  TempDir out("valid");
  const CliRun r = run_cli("arc generate --families rotate_90,gravity_cells,fill_enclosed,symmetry_patch "
                           "--per-family 3 --max-side 12 --min-side 4 --demos 4 --seed 11 --out '" + out.str() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "wrote 12 tasks")) << r.output;
  EXPECT_TRUE(contains(r.output, "[4/4] symmetry_patch")) << r.output;  // progress on stderr

  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(out.path())) names.insert(entry.path().filename().string());
  std::set<std::string> expected;
  for (const char* family : {"rotate_90", "gravity_cells", "fill_enclosed", "symmetry_patch"})
    for (int i = 0; i < 3; ++i) expected.insert(std::string(family) + "-" + std::to_string(i) + ".json");
  EXPECT_EQ(names, expected);

  const auto tasks = ttt::arc::load_tasks(out.str());
  ASSERT_EQ(tasks.size(), 12u);
  for (const auto& task : tasks) {
    EXPECT_EQ(task.train.size(), 4u) << task.id;
    ASSERT_EQ(task.test.size(), 1u) << task.id;
    EXPECT_TRUE(task.test[0].output.has_value()) << task.id;
    for (const auto& ex : task.train) {
      EXPECT_LE(std::max(ex.input.height(), ex.input.width()), 12) << task.id;
      EXPECT_GE(std::min(ex.input.height(), ex.input.width()), 4) << task.id;
    }
  }
  const CliRun v = run_cli("arc validate '" + out.str() + "'");
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_TRUE(contains(v.output, "12 tasks valid")) << v.output;
}

TEST(CliArcGenerate, SameSeedSameBytesOtherSeedOtherTasks) {
  TempDir a("seed_a"), b("seed_b"), c("seed_c");
  const std::string flags = "arc generate --families transpose,count_objects --per-family 2 --max-side 10 ";
  ASSERT_EQ(run_cli(flags + "--seed 5 --out '" + a.str() + "'").exit_code, 0);
  ASSERT_EQ(run_cli(flags + "--seed 5 --out '" + b.str() + "'").exit_code, 0);
  ASSERT_EQ(run_cli(flags + "--seed 6 --out '" + c.str() + "'").exit_code, 0);
  for (const char* name : {"transpose-0.json", "transpose-1.json", "count_objects-0.json", "count_objects-1.json"}) {
    EXPECT_EQ(slurp(a.path() / name), slurp(b.path() / name)) << name;
    EXPECT_NE(slurp(a.path() / name), slurp(c.path() / name)) << name;
  }
  // A task depends on (seed, family, index) only: asking for one family alone gives the same file.
  TempDir d("seed_d");
  ASSERT_EQ(run_cli("arc generate --families count_objects --per-family 1 --max-side 10 --seed 5 --out '" + d.str() +
                    "'").exit_code,
            0);
  EXPECT_EQ(slurp(a.path() / "count_objects-0.json"), slurp(d.path() / "count_objects-0.json"));
}

TEST(CliArcGenerate, BadFlagsAreClearErrors) {
  TempDir out("bad");
  const std::string dir = " --out '" + out.str() + "'";
  CliRun r = run_cli("arc generate --families rotate_90,nope" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "unknown family 'nope'")) << r.output;
  EXPECT_TRUE(contains(r.output, "rotate_90")) << r.output;  // lists the known ones

  r = run_cli("arc generate --max-side 31" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "max side 31")) << r.output;

  r = run_cli("arc generate --min-side 9 --max-side 5" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "min side 9 exceeds max side 5")) << r.output;

  r = run_cli("arc generate --per-family 0" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "must be positive")) << r.output;

  r = run_cli("arc generate --demos 3-x" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "--demos")) << r.output;

  r = run_cli("arc generate --families transpose");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "--out")) << r.output;

  // A family that cannot fit the range fails before anything is written.
  r = run_cli("arc generate --families transpose,mirror_quad --min-side 20" + dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "mirror_quad")) << r.output;
  EXPECT_FALSE(fs::exists(out.path()));
}

TEST(CliArcGenerate, ListShowsEveryFamily) {
  const CliRun r = run_cli("arc generate --list");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* name : {"rotate_90", "gravity_cells", "fill_enclosed", "count_objects", "connect_pairs"})
    EXPECT_TRUE(contains(r.output, name)) << name;
}
