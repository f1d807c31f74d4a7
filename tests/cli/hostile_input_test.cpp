// Regression tests, end to end, for what the hostile-input sweep (issue 10, section 0) found in the ARC
// commands and the tool's main: crashes, destroyed inputs, silent wrap-arounds, raw escape codes, lost
// write errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_cli.h"

namespace fs = std::filesystem;

using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_shell;
using ttt::test_support::slurp;

namespace {

struct Scratch {
  fs::path path;
  explicit Scratch(const std::string& name) : path(fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
    return file(name);
  }
};

const std::string kTask = R"({"train": [{"input": [[1]], "output": [[2]]}, {"input": [[3]], "output": [[4]]}],
                              "test": [{"input": [[5]], "output": [[6]]}]})";
const std::string kSubmission = R"({"t": [{"attempt_1": [[6]], "attempt_2": [[0]]}]})";

std::string q(const std::string& path) { return "'" + path + "'"; }

}  // namespace

// A ~10^5-deep cell segfaulted validate, score, report, augment and ttt-data.
TEST(CliHostile, DeeplyNestedCellIsAProblemInEveryCommand) {
  Scratch dir("ttt_cli_deep");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string task = dir.write("t.json", R"({"train": [{"input": [[)" + deep + R"(]], "output": [[2]]}], "test": [{"input": [[3]]}]})");
  const std::string sub = dir.write("sub.json", R"({"t": [{"attempt_1": )" + deep + R"(, "attempt_2": [[1]]}]})");
  const std::string good = dir.write("good.json", kTask);
  for (const std::string& args :
       {"arc validate " + q(task), "arc score --submission " + q(sub) + " --solutions " + q(good),
        "arc report --tasks " + q(task) + " --submission " + q(good) + " --out " + q(dir.file("r.html")),
        "arc augment --tasks " + q(task) + " --check-inverse", "arc ttt-data --task " + q(task)}) {
    const CliRun r = run_cli(args);
    EXPECT_EQ(r.exit_code, 1) << args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "nested more than 512 levels deep")) << args << "\n" << r.output;
  }
}

// `arc report --out` equal to `--submission` silently overwrote the submission.
TEST(CliHostile, ReportRefusesToOverwriteItsInput) {
  Scratch dir("ttt_cli_same");
  const std::string task = dir.write("t.json", kTask);
  const std::string sub = dir.write("sub.json", kSubmission);
  fs::create_symlink(sub, dir.file("alias.json"));
  for (const std::string& out : {sub, dir.file("alias.json")}) {
    const CliRun r = run_cli("arc report --tasks " + q(task) + " --submission " + q(sub) + " --out " + q(out));
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "is the same file as --submission")) << r.output;
    EXPECT_EQ(slurp(sub), kSubmission);
  }
  const CliRun ok = run_cli("arc report --tasks " + q(task) + " --submission " + q(sub) + " --out " + q(dir.file("r.html")));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

// As root `--out /dev/null` replaced /dev/null with a regular file. A FIFO stands in for it here (same rule,
// no risk to the machine if it regresses).
TEST(CliHostile, OutputThatIsNotARegularFileIsRefused) {
  Scratch dir("ttt_cli_fifo");
  const std::string task = dir.write("t.json", kTask);
  const std::string sub = dir.write("sub.json", kSubmission);
  ASSERT_EQ(::mkfifo(dir.file("pipe").c_str(), 0600), 0);
  const CliRun r = run_cli("arc report --tasks " + q(task) + " --submission " + q(sub) + " --out " + q(dir.file("pipe")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "is a FIFO (named pipe), not a regular file; refusing to replace it")) << r.output;
  EXPECT_TRUE(fs::is_fifo(dir.file("pipe")));
}

// /dev/zero as a task or submission was read until bad_alloc; a FIFO without a writer blocked forever.
TEST(CliHostile, DevicesAndWriterlessFifosAsInputs) {
  Scratch dir("ttt_cli_dev");
  CliRun r = run_cli("arc validate /dev/zero");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "'/dev/zero' is a character device, expected a regular file")) << r.output;
  r = run_cli("arc score --submission /dev/urandom --solutions " + q(dir.write("t.json", kTask)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "character device")) << r.output;
  ASSERT_EQ(::mkfifo(dir.file("pipe.json").c_str(), 0600), 0);
  r = run_shell("timeout 20 " + ttt::test_support::cli_command("arc validate " + q(dir.file("pipe.json"))));
  EXPECT_EQ(r.exit_code, 1) << r.output;  // 124 would mean it hung
  EXPECT_TRUE(contains(r.output, "not valid JSON")) << r.output;
}

// `--seed -1`, `--max-tasks -1` and `--max-length -5` wrapped to 2^64 - k.
TEST(CliHostile, NegativeCountsAndSeedsAreRejected) {
  Scratch dir("ttt_cli_flags");
  const std::string task = dir.write("t.json", kTask);
  for (const std::string& args :
       {"arc ttt-data --task " + q(task) + " --seed -1", "arc ttt-data --task " + q(task) + " --max-tasks -1",
        "arc ttt-data --task " + q(task) + " --max-length -5", "arc generate --out " + q(dir.file("g")) + " --seed -1"}) {
    const CliRun r = run_cli(args);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "--")) << args << "\n" << r.output;  // names the flag
  }
  EXPECT_FALSE(fs::exists(dir.file("g")));
}

// NUL and terminal escape codes in task ids reached the terminal raw.
TEST(CliHostile, ControlBytesInTaskIdsAreEscaped) {
  Scratch dir("ttt_cli_escape");
  const std::string challenges =
      dir.write("c.json", std::string(R"({"ab\u001b[2Jcd": {"train": [], "test": [{"input": [[1]]}]}})"));
  const CliRun r = run_cli("arc validate " + q(challenges));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.output, "ab\\x1b[2Jcd")) << r.output;
  EXPECT_FALSE(contains(r.output, "\x1b")) << "raw escape code on the terminal";
}

// `--json > full-disk` exited 0 with truncated JSON: errors writing stdout were ignored.
TEST(CliHostile, AFailedWriteToStandardOutputIsAnError) {
  Scratch dir("ttt_cli_stdout");
  const std::string task = dir.write("t.json", kTask);
  // stderr to the captured pipe first, then stdout to /dev/full.
  const CliRun r = ttt::test_support::run_command(
      ttt::test_support::cli_command("arc ttt-data --task " + q(task) + " --json") + " 2>&1 >/dev/full");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "error: writing standard output: No space left on device")) << r.output;
}

// `arc generate` on a full disk never said why. RLIMIT_FSIZE (ulimit -f) fails writes the way a full disk
// does; the error must carry the system's reason and leave no temporary files.
TEST(CliHostile, WriteErrorsCarryTheSystemsReason) {
  Scratch dir("ttt_cli_full");
  const CliRun r = run_shell("trap '' XFSZ; ulimit -f 1; " +
                             ttt::test_support::cli_command("arc generate --families all --per-family 3 --out " +
                                                            q(dir.file("gen"))));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "File too large")) << r.output;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path))
    EXPECT_NE(entry.path().filename().string().rfind(".ttt-", 0), 0u) << "temporary left: " << entry.path();
}
