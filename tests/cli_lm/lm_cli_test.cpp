// `ttt lm ...` end to end: the built tool on the reference fixtures, and bad input of every kind
// (malformed checkpoints, configs, ids, flags) exiting non-zero with a message, never crashing.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/run_cli.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/util/atomic_file.h"

namespace fs = std::filesystem;
using ttt::test_support::contains;
using ttt::test_support::run_cli;

namespace {

const std::string kRef = std::string(TTT_TEST_DATA_DIR) + "/ttt-reference";
const std::string kBad = std::string(TTT_TEST_DATA_DIR) + "/malformed-checkpoints";

std::string model_flags(const std::string& name) {
  return "--config '" + kRef + "/" + name + ".config.json' --weights '" + kRef + "/" + name + ".safetensors'";
}

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("ttt_lm_cli_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST(CliLm, HelpListsTheCommands) {
  auto r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.output, "lm")) << r.output;
  EXPECT_TRUE(contains(r.output, "arc")) << r.output;
  r = run_cli("lm --help");
  for (const char* c : {"forward", "generate", "parity", "init"}) EXPECT_TRUE(contains(r.output, c)) << c;
}

TEST(CliLm, ForwardTopTokenAndSavedLogitsMatchTheReference) {
  auto ref = ttt::io::load_tensors(kRef + "/linear-mamba.safetensors");
  auto ids = ref.get("fixture.input_ids")[0];  // the first sequence, all L tokens
  std::string list;
  for (int64_t i = 0; i < ids.size(0); ++i) list += (i ? "," : "") + std::to_string(ids[i].item<int64_t>());
  const auto dir = fresh_dir("forward");
  const auto out = (dir / "logits.safetensors").string();
  auto r = run_cli("lm forward " + model_flags("linear-mamba") + " --ids " + list + " --top 1 --logits-out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto ref_logits = ref.get("fixture.logits")[0];  // [L, V]
  const int64_t best = ref_logits[-1].argmax().item<int64_t>();
  EXPECT_TRUE(contains(r.output, "  " + std::to_string(best) + "  p=")) << "expected top token " << best << "\n"
                                                                        << r.output;
  auto saved = ttt::io::load_tensors(out).get("logits");
  EXPECT_LE((saved[0] - ref_logits).abs().max().item<double>(), 1e-4);
  fs::remove_all(dir);
}

TEST(CliLm, ParityCommandAgreesWithEveryFixture) {
  auto r = run_cli("lm parity --fixtures '" + kRef + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "4 of 4 fixtures agree")) << r.output;
  r = run_cli("lm parity --fixtures '" + kRef + "' --tolerance 1e-12");
  EXPECT_EQ(r.exit_code, 1) << "float32 cannot agree to 1e-12; the check must be able to fail\n" << r.output;
}

TEST(CliLm, InitThenGenerateRuns) {
  const auto dir = fresh_dir("init");
  auto r = run_cli("lm init --preset tiny --layer-type mlp --backbone mamba --out '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = run_cli("lm generate --config '" + (dir / "config.json").string() + "' --weights '" +
              (dir / "model.safetensors").string() + "' --ids 1,2,3,4,5 --max-new-tokens 20");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "sequence 0:")) << r.output;
  EXPECT_TRUE(contains(r.output, "tok/s")) << r.output;
  fs::remove_all(dir);
}

TEST(CliLm, MambaInitPrintsItsParameterCountAndGenerates) {
  const auto dir = fresh_dir("init_mamba");
  auto r = run_cli("lm init --preset tiny --layer-type mamba --out '" + dir.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // 3 blocks of hidden 64 (d_inner 128, N 16, dt_rank 4, d_conv 4) + 512×64 tied embedding + final norm,
  // counted by hand: mixer 32,640 + block norm 64 → 3 × 32,704 + 32,768 + 64.
  EXPECT_TRUE(contains(r.output, "parameters: 130,944")) << r.output;
  const std::string flags = "--config '" + (dir / "config.json").string() + "' --weights '" +
                            (dir / "model.safetensors").string() + "'";
  r = run_cli("lm generate " + flags + " --ids 1,2,3,4,5 --max-new-tokens 8");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "sequence 0:")) << r.output;
  r = run_cli("lm forward " + flags + " --ids 1,2,3");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  fs::remove_all(dir);
}

TEST(CliLm, EveryMalformedCheckpointIsRejectedCleanly) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kBad)) {
    if (entry.path().extension() != ".safetensors") continue;
    ++files;
    const auto path = entry.path().string();
    auto r = run_cli("lm forward --config '" + kRef + "/linear-mamba.config.json' --weights '" + path + "' --ids 1,2");
    EXPECT_EQ(r.exit_code, 1) << path << "\n" << r.output;
    EXPECT_TRUE(contains(r.output, "error: [safetensors] " + path)) << r.output;
  }
  EXPECT_GE(files, 8);
}

TEST(CliLm, BadInputsExitNonZeroWithAMessage) {
  const auto dir = fresh_dir("bad");
  const auto cfg = (dir / "config.json").string();
  ttt::write_file_atomic(cfg, R"({"hidden_size": 64, "num_attention_heads": 3})");
  const auto ids_file = (dir / "ids.txt").string();
  ttt::write_file_atomic(ids_file, "1 2 3\n4 5\n");
  const std::string weights = kRef + "/linear-mamba.safetensors";
  struct Case {
    std::string args, message;
    int code;
  };
  const std::vector<Case> cases = {
      {"lm forward " + model_flags("linear-mamba") + " --ids 1,x,3", "'x' is not an integer", 1},
      {"lm forward " + model_flags("linear-mamba") + " --ids 1,2,500", "token ids must be in 0..127", 1},
      {"lm forward " + model_flags("linear-mamba") + " --ids-file '" + ids_file + "'", "sequence 2 has 2 ids", 1},
      {"lm forward " + model_flags("linear-mamba"), "exactly one of --ids or --ids-file", 1},
      {"lm forward --config '" + cfg + "' --weights '" + weights + "' --ids 1", "not divisible", 1},
      {"lm forward --config '" + kRef + "/mlp-mamba.config.json' --weights '" + weights + "' --ids 1", "W1", 1},
      {"lm forward --config /no/such.json --weights '" + weights + "' --ids 1", "/no/such.json", 105},
      {"lm forward " + model_flags("linear-mamba") + " --ids 1 --bogus-flag", "bogus-flag", 109},
      {"lm nonsense", "unknown command 'nonsense'", 109},
  };
  for (const auto& c : cases) {
    auto r = run_cli(c.args);
    EXPECT_EQ(r.exit_code, c.code) << c.args << "\n" << r.output;
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.output, c.message)) << c.args << "\n" << r.output;
  }
  fs::remove_all(dir);
}
