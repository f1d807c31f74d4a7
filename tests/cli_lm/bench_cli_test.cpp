// `ttt bench` as a contract: --json rows carry the documented fields with sane values, the fused and
// reference kernels are both selectable, and bad requests fail with a clear error and no row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_cli.h"
#include "ttt/models/config.h"

using ttt::test_support::cli_command;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_cli_split;
using ttt::test_support::run_shell;

namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> rows;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

}  // namespace

TEST(BenchCli, JsonRowsCarryTheContractFields) {
  for (const char* op : {"prefill", "decode", "train_step"}) {
    for (const char* impl : {"fused", "reference"}) {
      auto r = run_cli_split(std::string("bench --op ") + op + " --layer ttt-linear --context 40 --d-model 32 --heads 4 "
                             "--decode-steps 3 --repeats 1 --threads 1 --json --impl " + impl);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto rows = json_lines(r.output);
      ASSERT_EQ(rows.size(), 1u) << r.output;
      const auto& row = rows[0];
      for (const char* field : {"op", "scope", "layer", "impl", "context", "batch", "d_model", "heads", "threads",
                                "seconds", "tokens_per_s", "gflop_per_s"})
        EXPECT_TRUE(row.contains(field)) << field << " missing in " << row.dump();
      EXPECT_EQ(row["op"], op);
      EXPECT_EQ(row["scope"], "layer");
      EXPECT_EQ(row["context"], 40);
      EXPECT_EQ(row["d_model"], 32);
      EXPECT_EQ(row["threads"], 1);
      // TTT-Linear has a fused training path too, so every op reports the implementation chosen.
      EXPECT_EQ(row["impl"], impl);
      EXPECT_GT(row["seconds"].get<double>(), 0.0);
      EXPECT_GT(row["tokens_per_s"].get<double>(), 0.0);
      EXPECT_GT(row["gflop_per_s"].get<double>(), 0.0);
    }
  }
}

TEST(BenchCli, DecodeRowsCountTheLibtorchOperatorsPerToken) {
  // The count is of one decoded token after the timed ones; the fused kernels exist to dispatch fewer of them.
  std::int64_t counts[2] = {0, 0};
  int i = 0;
  for (const char* impl : {"fused", "reference"}) {
    auto r = run_cli_split(std::string("bench --op decode --preset tiny --context 8 --decode-steps 2 --threads 1 "
                                       "--json --impl ") + impl);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto row = json_lines(r.output).at(0);
    ASSERT_TRUE(row.contains("aten_ops_per_token")) << row.dump();
    counts[i] = row["aten_ops_per_token"].get<std::int64_t>();
    EXPECT_GE(row["aten_ops_per_token_nested"].get<std::int64_t>(), counts[i]);
    // The by-name counts add up to the top-level count.
    std::int64_t by_name = 0;
    for (const auto& [name, n] : row["aten_ops_per_token_by_name"].items()) {
      by_name += n.get<std::int64_t>();
    }
    EXPECT_EQ(by_name, counts[i]);
    ++i;
  }
  EXPECT_GT(counts[0], 0);
  EXPECT_LT(counts[0], counts[1]) << "fused " << counts[0] << " vs reference " << counts[1];
  auto prefill = run_cli_split("bench --op prefill --layer ttt-linear --context 16 --d-model 32 --heads 2 --repeats 1 "
                               "--json");
  ASSERT_EQ(prefill.exit_code, 0) << prefill.err;
  EXPECT_FALSE(json_lines(prefill.output).at(0).contains("aten_ops_per_token"));
}

TEST(BenchCli, TrainStepOfALayerWithoutAFusedBackwardSaysReference) {
  auto r = run_cli_split("bench --op train_step --layer attention --context 16 --d-model 32 --heads 2 --repeats 1 "
                         "--threads 1 --json --impl fused");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_lines(r.output).at(0)["impl"], "reference");
  r = run_cli_split("bench --op train_step --layer ttt-mlp --context 16 --d-model 32 --heads 2 --repeats 1 "
                    "--threads 1 --json --impl fused");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_lines(r.output).at(0)["impl"], "fused");  // TTT-MLP trains through its fused scan
}

TEST(BenchCli, AttentionAndMachineRates) {
  auto r = run_cli_split("bench --op prefill --layer attention --context 24 --d-model 32 --heads 2 --repeats 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_lines(r.output).at(0)["layer"], "attention");
  r = run_cli_split("bench --op sgemm --repeats 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(json_lines(r.output).at(0)["gflop_per_s"].get<double>(), 0.1);
}

TEST(BenchCli, GemvRowsForBothImplementations) {
  for (const char* impl : {"fused", "reference"}) {
    auto r = run_cli_split(std::string("bench --op gemv --preset tiny --repeats 1 --json --impl ") + impl);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto row = json_lines(r.output).at(0);
    EXPECT_EQ(row["op"], "gemv");
    EXPECT_EQ(row["impl"], impl);
    EXPECT_EQ(row["preset"], "tiny");
    EXPECT_GT(row["gb_per_s"].get<double>(), 0.01);
    EXPECT_GT(row["seconds"].get<double>(), 0);
  }
}

// Decode rows say how many bytes of weights one token reads: every parameter of the model but the untied
// input embedding, of which one row (the config's own parameter count is the independent count).
TEST(BenchCli, DecodeRowsCountTheWeightsReadAndRooflinePairsTheMachineRate) {
  auto r = run_cli_split("bench --op decode --preset tiny --context 8 --decode-steps 2 --threads 1 --json --roofline");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = json_lines(r.output).at(0);
  const auto config = ttt::models::preset("tiny", "linear", "mamba");
  const double untied_table = config.tie_word_embeddings ? 0.0 : double(config.vocab_size - 1) * config.hidden_size;
  EXPECT_DOUBLE_EQ(row["weight_bytes_per_token"].get<double>(), 4.0 * (double(config.parameter_count()) - untied_table));
  EXPECT_NEAR(row["weight_gb_per_s"].get<double>(),
              row["weight_bytes_per_token"].get<double>() / row["seconds"].get<double>() / 1e9,
              1e-9 * row["weight_gb_per_s"].get<double>());
  const double before = row["membw_gb_per_s_before"].get<double>(), after = row["membw_gb_per_s_after"].get<double>();
  EXPECT_GT(before, 0.01);
  EXPECT_GT(after, 0.01);
  EXPECT_NEAR(row["roofline_fraction"].get<double>(), row["weight_gb_per_s"].get<double>() / (0.5 * (before + after)),
              1e-9);
  // Prefill pairs with the GEMM rate; its CPU seconds stay the op's own.
  r = run_cli_split("bench --op prefill --layer ttt-linear --context 32 --d-model 32 --heads 2 --repeats 1 --threads 1 "
                    "--json --roofline");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto prefill = json_lines(r.output).at(0);
  const double gemm = 0.5 * (prefill["sgemm_gflop_per_s_before"].get<double>() + prefill["sgemm_gflop_per_s_after"].get<double>());
  EXPECT_NEAR(prefill["roofline_fraction"].get<double>(), prefill["gflop_per_s"].get<double>() / gemm, 1e-9);
  EXPECT_LT(prefill["cpu_seconds"].get<double>(), 10 * prefill["seconds"].get<double>() + 0.05);
  EXPECT_FALSE(prefill.contains("weight_bytes_per_token"));
  // Without --roofline no machine rate is measured; with an op that is itself a machine rate it is refused.
  r = run_cli_split("bench --op decode --layer ttt-linear --context 8 --d-model 32 --heads 2 --decode-steps 2 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plain = json_lines(r.output).at(0);
  EXPECT_FALSE(plain.contains("roofline_fraction"));
  EXPECT_GT(plain["weight_bytes_per_token"].get<double>(), 4.0 * 32 * 32);
  r = run_cli_split("bench --op sgemm --roofline --json");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--roofline")) << r.err;
  EXPECT_TRUE(r.output.empty()) << r.output;
}

TEST(BenchCli, BadRequestsFailClearly) {
  auto r = run_cli_split("bench --op prefill --layer nonsense --context 16 --json");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "error: [bench]")) << r.err;
  EXPECT_TRUE(r.output.empty()) << r.output;
  r = run_cli_split("bench --op prefill --d-model 30 --heads 4 --context 16");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "--d-model")) << r.err;
  r = run_cli("bench --op nonsense");
  EXPECT_NE(r.exit_code, 0);
  r = run_cli("bench --op prefill --impl fast");
  EXPECT_NE(r.exit_code, 0);
}

TEST(BenchCli, VersionPrintsTheThreadSetUp) {
  auto r = run_cli("--version");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "threads ")) << r.output;
  EXPECT_TRUE(contains(r.output, "kernels fused")) << r.output;
  // Large blocks on transparent huge pages by default; a GLIBC_TUNABLES the user set is kept as it is.
  r = run_shell("env -u GLIBC_TUNABLES " + cli_command("--version"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "GLIBC_TUNABLES glibc.malloc.hugetlb=1;")) << r.output;
  r = run_shell("GLIBC_TUNABLES=glibc.malloc.hugetlb=0 " + cli_command("--version"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "GLIBC_TUNABLES glibc.malloc.hugetlb=0;")) << r.output;
}

// TTT_KERNEL_ISA narrows the kernels' instruction set and --version says which runs; a value that is not an
// instruction set is named once on stderr and the CPU's best is used (the run does not fail for it).
TEST(BenchCli, KernelIsaOverrideIsReportedAndABadValueNamedOnce) {
  auto r = run_shell("TTT_KERNEL_ISA=generic " + cli_command("--version"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "kernels fused generic")) << r.output;
  // Without the test environment's TTT_STARTUP_DONE and wait policy, `ttt` re-executes itself at start-up.
  r = run_shell("env -u TTT_STARTUP_DONE -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT TTT_KERNEL_ISA=sse9 " +
                cli_command("--version"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string warning = "TTT_KERNEL_ISA='sse9' is not one of avx512, avx2, generic";
  const auto first = r.output.find(warning);
  ASSERT_NE(first, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find(warning, first + 1), std::string::npos) << "named twice: " << r.output;
}
