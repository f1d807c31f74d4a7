// Regression tests, end to end, for what the hostile-input sweep (issue 10, section 0) found in the lm
// commands: silent accepts, destroyed inputs, partial results, unbounded reads.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <torch/torch.h>

#include "support/run_cli.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/util/atomic_file.h"

namespace fs = std::filesystem;
using ttt::test_support::CliRun;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_shell;
using ttt::test_support::slurp;

namespace {

const std::string kRef = std::string(TTT_TEST_DATA_DIR) + "/ttt-reference";
const std::string kConfig = kRef + "/linear-mamba.config.json";
const std::string kWeights = kRef + "/linear-mamba.safetensors";

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

std::string q(const std::string& path) { return "'" + path + "'"; }

// The reference config with one key's value replaced (raw JSON text).
std::string config_with(const std::string& key, const std::string& value) {
  std::string text = slurp(kConfig);
  const auto at = text.find("\"" + key + "\"");
  const auto colon = text.find(':', at);
  const auto end = text.find_first_of(",\n}", colon);
  return text.substr(0, colon + 1) + " " + value + text.substr(end);
}

void expect_error(const std::string& args, const std::string& message) {
  const CliRun r = run_cli(args);
  EXPECT_EQ(r.exit_code, 1) << args << "\n" << r.output;
  EXPECT_TRUE(contains(r.output, message)) << args << "\n" << r.output;
}

}  // namespace

// `--ids 1,,2`, trailing commas and NUL bytes in an ids file passed silently.
TEST(CliLmHostile, MalformedIdListsAreRejected) {
  Scratch dir("ttt_lm_ids");
  const std::string model = "lm forward --config " + q(kConfig) + " --weights " + q(kWeights);
  expect_error(model + " --ids 1,,2", "empty token id (a comma after a comma)");
  expect_error(model + " --ids 1,2,", "empty token id (a comma after the last id)");
  expect_error(model + " --ids -3", "'-3' is not an integer token id");
  expect_error(model + " --ids-file " + q(dir.write("nul.txt", std::string("1 2\0 3\n", 7))),
               "'2\\x00' is not an integer token id");
  expect_error(model + " --ids-file /dev/zero", "is a character device");
  const CliRun ok = run_cli(model + " --ids '1, 2 ,3\t4' --top 1");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "(4 tokens)")) << ok.output;
}

// `--logits-out ""` passed silently; `--logits-out` = `--weights` overwrote the checkpoint.
TEST(CliLmHostile, LogitsOutMustBeANewFile) {
  Scratch dir("ttt_lm_out");
  const std::string weights = dir.file("w.safetensors");
  fs::copy_file(kWeights, weights);
  const std::string before = slurp(weights);
  const std::string model = "lm forward --config " + q(kConfig) + " --weights " + q(weights) + " --ids 1,2";
  const CliRun empty = run_cli(model + " --logits-out ''");
  EXPECT_NE(empty.exit_code, 0) << empty.output;
  EXPECT_TRUE(contains(empty.output, "--logits-out: the file name is empty")) << empty.output;
  expect_error(model + " --logits-out " + q(weights), "--logits-out '" + weights + "' is the same file as --weights");
  EXPECT_EQ(slurp(weights), before);
}

// NaN/Inf weights and rope_theta 1e-300 printed p=nan and exited 0.
TEST(CliLmHostile, NonFiniteResultsAreErrors) {
  Scratch dir("ttt_lm_nan");
  ttt::io::TensorMap tensors = ttt::io::load_tensors(kWeights);
  for (auto& [name, tensor] : tensors.tensors)
    if (name == "model.norm.weight") tensor = torch::full_like(tensor, std::numeric_limits<float>::quiet_NaN());
  ttt::io::save_tensors(dir.file("nan.safetensors"), tensors.tensors);
  expect_error("lm forward --config " + q(kConfig) + " --weights " + q(dir.file("nan.safetensors")) + " --ids 1,2",
               "non-finite logits");
  expect_error("lm generate --config " + q(kConfig) + " --weights " + q(dir.file("nan.safetensors")) + " --ids 1,2",
               "non-finite logits");
  expect_error("lm forward --config " + q(dir.write("c.json", config_with("rope_theta", "1e-300"))) + " --weights " +
                   q(kWeights) + " --ids 1,2",
               "'rope_theta' = 1e-300 must be in [1, 1e30]");
}

// null fell back to the default; 2^63 was reported as a negative number; duplicate keys: the last won;
// syntax errors had no line/column; a 200 MB config was accepted at 4.8 GB.
TEST(CliLmHostile, ConfigValuesAreCheckedStrictly) {
  Scratch dir("ttt_lm_config");
  const std::string tail = " --weights " + q(kWeights) + " --ids 1";
  expect_error("lm forward --config " + q(dir.write("a.json", config_with("hidden_size", "null"))) + tail,
               "'hidden_size' is null");
  expect_error("lm forward --config " + q(dir.write("b.json", config_with("hidden_size", "9223372036854775808"))) + tail,
               "'hidden_size' = 9223372036854775808 is out of range");
  expect_error("lm forward --config " + q(dir.write("c.json", config_with("hidden_size", "64, \"hidden_size\": 32"))) + tail,
               "the key \"hidden_size\" appears twice");
  expect_error("lm forward --config " + q(dir.write("d.json", config_with("hidden_size", "64,,"))) + tail,
               "not valid JSON: parse error at line 4, column 21");
  expect_error("lm forward --config " + q(dir.write("e.json", std::string(17 << 20, ' ') + "{}")) + tail,
               "larger than the 16777216-byte limit for config files");
  expect_error("lm forward --config /dev/zero" + tail, "is a character device");
}

// `lm parity --tolerance nan|-1|inf` was accepted; `bench --threads 2147483647` died in libgomp and
// `--threads -1` was accepted; `bench --layers ""` passed silently.
TEST(CliLmHostile, AbsurdFlagValuesAreRejected) {
  for (const std::string value : {"nan", "-1"}) expect_error("lm parity --tolerance " + value, "--tolerance");
  for (const std::string value : {"2147483647"}) {
    const CliRun r = run_cli("bench --threads " + value);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "--threads")) << r.output;
  }
  expect_error("bench --layers ''", "--layers is empty");
  const CliRun r = run_cli("lm init --seed -1 --out /tmp/never");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "--seed")) << r.output;
}

// `lm init` over an existing model on a full disk left a new config.json beside the old weights. A write
// limit (ulimit -f) fails the weights the way a full disk does: both old files must survive unchanged.
TEST(CliLmHostile, InitOnAFullDiskKeepsTheOldModelWhole) {
  Scratch dir("ttt_lm_init");
  const std::string out = dir.file("model");
  CliRun r = run_cli("lm init --preset tiny --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string config = slurp(out + "/config.json"), weights = slurp(out + "/model.safetensors");
  r = run_shell("trap '' XFSZ; ulimit -f 64; " +
                ttt::test_support::cli_command("lm init --preset tiny --layer-type mlp --seed 5 --out " + q(out)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "File too large")) << r.output;
  EXPECT_EQ(slurp(out + "/config.json"), config);
  EXPECT_EQ(slurp(out + "/model.safetensors"), weights);
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_NE(entry.path().filename().string().rfind(".ttt-", 0), 0u) << "temporary left: " << entry.path();
  // Without the limit the same command replaces both.
  r = run_cli("lm init --preset tiny --layer-type mlp --seed 5 --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(slurp(out + "/config.json"), config);
  EXPECT_NE(slurp(out + "/model.safetensors"), weights);
}

// libtorch's allocator failure printed a 5 KB C++ backtrace. A virtual-memory limit makes a 32 GiB request
// fail on any machine (without touching memory).
TEST(CliLmHostile, AnAllocationFailureIsOneShortLine) {
#if defined(__SANITIZE_ADDRESS__)
  // ulimit -v leaves no room for AddressSanitizer's shadow memory (it reserves terabytes of address space at
  // start-up); its own allocator limit makes the same allocation fail instead.
  const std::string limit = "ASAN_OPTIONS=\"$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=8000\" ";
#else
  const std::string limit = "ulimit -v 8000000; ";
#endif
  const CliRun r = run_shell(limit + ttt::test_support::cli_command(
                                         "bench --layers attention --batch 4096 --length 1048576 --repeats 1"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "error: ")) << r.output;
  EXPECT_FALSE(contains(r.output, "frame #")) << r.output;
  EXPECT_LT(r.output.size(), 600u) << r.output;
}
