// `ttt lm train | eval | generate` end to end, as a user runs them: a corpus made with `ttt data`, short
// training runs of every architecture, kill -9 then --resume, Ctrl-C, two local ranks, evaluation by
// position with CSV and plot, sampled text generation, and the error paths.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"
#include "ttt/io/safetensors_torch.h"

namespace fs = std::filesystem;
using ttt::test_support::contains;
using ttt::test_support::run_cli;
using ttt::test_support::run_cli_split;
using ttt::test_support::run_shell;
using ttt::test_support::slurp;

namespace {

fs::path root() { return fs::temp_directory_path() / ("ttt_train_cli_" + std::to_string(::getpid())); }

// A small corpus with repeated phrases (learnable), tokenized with a 320-piece tokenizer.
class LmTrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::remove_all(root());
    fs::create_directories(root() / "docs");
    const char* words[] = {"the", "model", "learns", "at", "test", "time", "while", "it", "reads", "tokens",
                           "and", "its", "hidden", "state", "is", "a", "small", "network"};
    std::uint64_t x = 7;
    for (int d = 0; d < 40; ++d) {
      std::ofstream doc(root() / "docs" / ("doc" + std::to_string(d) + ".txt"));
      for (int s = 0; s < 60; ++s) {
        for (int w = 0; w < 9; ++w) {
          x = x * 6364136223846793005ull + 1442695040888963407ull;
          doc << words[(w * 3 + (x >> 60)) % 18] << (w == 8 ? ".\n" : " ");
        }
      }
    }
    const auto r = root().string();
    ASSERT_EQ(run_cli("data corpus --from '" + r + "/docs' --out '" + r + "/corpus' --val-fraction 0.15 --test-fraction 0.1").exit_code, 0);
    auto tok = run_cli("data tokenizer --corpus '" + r + "/corpus' --vocab-size 320 --out '" + r + "/tok.model'");
    ASSERT_EQ(tok.exit_code, 0) << tok.output;
    auto t = run_cli("data tokenize --corpus '" + r + "/corpus' --tokenizer '" + r + "/tok.model' --out '" + r + "/tokens'");
    ASSERT_EQ(t.exit_code, 0) << t.output;
  }
  static void TearDownTestSuite() { fs::remove_all(root()); }

  static std::string data() { return "--data '" + (root() / "tokens").string() + "'"; }
  static std::string out(const std::string& name) { return "--out '" + (root() / name).string() + "'"; }

  static std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  static std::string latest_weights(const std::string& run) {
    std::string name = slurp(root() / run / "checkpoints" / "latest");
    name.erase(name.find_last_not_of("\n") + 1);
    return (root() / run / "checkpoints" / name / "model.safetensors").string();
  }

  static double max_difference(const std::string& a, const std::string& b) {
    const auto ta = ttt::io::load_tensors(a), tb = ttt::io::load_tensors(b);
    EXPECT_EQ(ta.tensors.size(), tb.tensors.size());
    double worst = 0;
    for (std::size_t i = 0; i < ta.tensors.size() && i < tb.tensors.size(); ++i)
      worst = std::max(worst, (ta.tensors[i].second - tb.tensors[i].second).abs().max().item<double>());
    return worst;
  }
};

TEST_F(LmTrainCli, EveryArchitectureLowersItsLoss) {
  for (const char* arch : {"--layer-type linear --backbone mamba", "--layer-type mlp --backbone mamba",
                           "--layer-type attention", "--layer-type mamba"}) {
    const std::string name = std::string("arch-") + std::to_string(std::hash<std::string>()(arch) % 1000);
    auto r = run_cli_split("lm train " + data() + " " + out(name) + " --preset tiny " + arch +
                           " --context 32 --batch 4 --steps 40 --lr 1e-2 --eval-every 20 --eval-windows 8 --json");
    ASSERT_EQ(r.exit_code, 0) << arch << "\n" << r.output << r.err;
    const auto lines = json_lines(r.output);
    ASSERT_GE(lines.size(), 3u);
    const auto& first = lines.front();
    const auto& done = lines.back();
    EXPECT_EQ(first["event"], "step");
    EXPECT_EQ(done["event"], "done");
    EXPECT_EQ(done["step"], 40);
    EXPECT_GT(done["tokens_per_s"].get<double>(), 0);
    // From ~ln(320) = 5.8 nats at the start to well below on held-out text.
    EXPECT_LT(done["val_loss"].get<double>(), first["loss"].get<double>() - 1.5) << arch << "\n" << r.output;
    EXPECT_TRUE(fs::exists(root() / name / "loss.svg"));
    EXPECT_TRUE(fs::exists(root() / name / "log.jsonl"));
  }
}

// kill -9 at random moments (during steps, checkpoint writes or start-up; the moments are printed on
// failure), each time rerunning the same command (with --resume once a checkpoint exists), ends with the
// parameters of the uninterrupted run.
TEST_F(LmTrainCli, KillDashNineAtRandomMomentsThenResumeReachesTheUninterruptedParameters) {
  const std::string common = "lm train " + data() + " --preset tiny --context 64 --batch 8 --steps 60 --save-every 5 --threads 1";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run_cli(common + " " + out("straight")).exit_code, 0);
  const double straight_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const auto pointer = root() / "killed" / "checkpoints" / "latest";
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> moment(0.1, 0.6);  // of the uninterrupted run's wall time
  int kills = 0;
  std::string trace;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double delay = moment(rng) * straight_s;
    const std::string resume = fs::exists(pointer) ? " --resume" : "";
    const auto r = run_shell("(" + ttt::test_support::cli_command(common + " " + out("killed") + resume) +
                             " >/dev/null 2>&1 & pid=$!; sleep " + std::to_string(delay) +
                             "; kill -9 $pid 2>/dev/null; wait $pid; echo \"exit=$?\")");
    trace += "attempt " + std::to_string(attempt) + resume + ": killed after " + std::to_string(delay) + " s, " +
             r.output + (fs::exists(pointer) ? " at " + slurp(pointer) : " (no checkpoint yet)\n");
    if (!contains(r.output, "exit=137")) break;  // finished before the kill
    ++kills;
  }
  SCOPED_TRACE(trace);
  EXPECT_GE(kills, 1) << "the run always finished before it could be killed";
  auto resumed = run_cli(common + " " + out("killed") + (fs::exists(pointer) ? " --resume" : ""));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_LE(max_difference(latest_weights("straight"), latest_weights("killed")), 1e-6);
}

// A full disk while a checkpoint is being saved: the run stops with an error naming the file and the
// system's reason, the previous checkpoint stays byte for byte what it was (`latest` still names it, no
// temporary folder is left), and a later --resume finishes the run with the uninterrupted parameters.
// RLIMIT_FSIZE (ulimit -f) fails the weights file the way ENOSPC does.
TEST_F(LmTrainCli, DiskFullWhileSavingKeepsThePreviousCheckpoint) {
  const std::string common = "lm train " + data() + " --preset tiny --context 32 --batch 4 --steps 4 --save-every 2 --threads 1";
  ASSERT_EQ(run_cli(common + " " + out("full")).exit_code, 0);
  const std::string straight = slurp(latest_weights("full"));
  // What a kill right after the step-2 save leaves: step 2 complete and named by `latest`.
  const auto checkpoints = root() / "full" / "checkpoints";
  fs::remove_all(checkpoints / "step-00000004");
  std::ofstream(checkpoints / "latest", std::ios::trunc) << "step-00000002\n";
  const auto step2 = checkpoints / "step-00000002";
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::directory_iterator(step2)) before[entry.path().filename()] = slurp(entry.path());

  const auto limit_kb = std::to_string(fs::file_size(step2 / "model.safetensors") / 2048);
  auto full = run_shell("trap '' XFSZ; ulimit -f " + limit_kb + "; " +
                        ttt::test_support::cli_command(common + " " + out("full") + " --resume") + " 2>&1");
  EXPECT_NE(full.exit_code, 0) << full.output;
  EXPECT_TRUE(contains(full.output, "File too large") && contains(full.output, "model.safetensors")) << full.output;
  EXPECT_EQ(slurp(checkpoints / "latest"), "step-00000002\n");
  for (const auto& [name, bytes] : before) EXPECT_EQ(slurp(step2 / name), bytes) << name << " changed";
  for (const auto& entry : fs::directory_iterator(checkpoints))
    EXPECT_TRUE(entry.path().filename() == "latest" || entry.path().filename() == "step-00000002")
        << "left behind: " << entry.path();

  auto resumed = run_cli(common + " " + out("full") + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(slurp(latest_weights("full")), straight) << "the resumed run did not reach the uninterrupted parameters";
}

TEST_F(LmTrainCli, CtrlCSavesAndExits130ThenResumeFinishes) {
  const std::string cmd = "lm train " + data() + " --preset tiny --context 64 --batch 8 --steps 100 --threads 1 " + out("sigint");
  auto started = run_shell(ttt::test_support::cli_command(cmd) + " >'" + (root() / "sigint.out").string() +
                           "' 2>&1 & echo $!");
  const pid_t pid = std::stoi(started.output);
  const auto log = root() / "sigint" / "log.jsonl";
  for (int i = 0; i < 6000 && (!fs::exists(log) || slurp(log).find("\"step\":3,") == std::string::npos); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGINT);
  // The shell's background job is not our child: wait for what the run prints when it has saved.
  std::string printed;
  for (int i = 0; i < 3000 && !contains(printed, "interrupted at step"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    printed = slurp(root() / "sigint.out");
  }
  EXPECT_TRUE(contains(printed, "interrupted at step")) << printed;
  EXPECT_TRUE(contains(printed, "--resume")) << printed;
  auto resumed = run_cli(cmd + " --resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "trained 100 steps")) << resumed.output;
}

TEST_F(LmTrainCli, TwoLocalRanksMatchOneProcessWithTheSameGlobalBatch) {
  const std::string common = "lm train " + data() + " --preset tiny --context 32 --batch 4 --steps 6 --threads 1";
  auto one = run_cli(common + " " + out("one-rank"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto two = run_cli(common + " " + out("two-ranks") + " --nproc 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_TRUE(contains(two.output, "(2 ranks)")) << two.output;
  EXPECT_LE(max_difference(latest_weights("one-rank"), latest_weights("two-ranks")), 1e-5);
}

TEST_F(LmTrainCli, EvalComparesRunsByPositionAndGenerateStreamsText) {
  for (const char* run : {"eval-a", "eval-b"})
    ASSERT_EQ(run_cli("lm train " + data() + " " + out(run) + " --preset tiny --context 32 --batch 4 --steps " +
                      (std::string(run) == "eval-a" ? "2" : "30") + " --lr 1e-2").exit_code, 0);
  const auto r = root().string();
  auto e = run_cli_split("lm eval --model '" + r + "/eval-a','" + r + "/eval-b' " + data() +
                         " --context 32 --windows 8 --csv '" + r + "/pos.csv' --plot '" + r + "/pos.svg' --json");
  ASSERT_EQ(e.exit_code, 0) << e.output << e.err;
  const auto j = nlohmann::json::parse(e.output);
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_LT(j["models"][1]["loss"].get<double>(), j["models"][0]["loss"].get<double>());
  EXPECT_EQ(j["models"][0]["loss_by_position"].size(), 6u);  // positions 0 | 1 | 2-3 | 4-7 | 8-15 | 16-31
  EXPECT_TRUE(contains(slurp(r + "/pos.csv"), "model,position_begin,position_end,mean_loss"));
  EXPECT_TRUE(contains(slurp(r + "/pos.svg"), "eval-b"));

  const std::string gen = "lm generate --model '" + r + "/eval-b' --tokenizer '" + r +
                          "/tok.model' --prompt 'the model' --max-new-tokens 12 --temperature 0.8 --top-k 20 --seed 3";
  auto g1 = run_cli_split(gen), g2 = run_cli_split(gen);
  ASSERT_EQ(g1.exit_code, 0) << g1.output << g1.err;
  EXPECT_EQ(g1.output.rfind("the model", 0), 0u) << g1.output;
  EXPECT_GT(g1.output.size(), std::string("the model\n").size());
  EXPECT_EQ(g1.output, g2.output) << "the same seed must give the same text";
}

TEST_F(LmTrainCli, BadInputsFailClearlyAndLeaveCheckpointsUntouched) {
  const auto r = root().string();
  ASSERT_EQ(run_cli("lm train " + data() + " " + out("base") + " --preset tiny --context 32 --batch 4 --steps 2").exit_code, 0);
  const auto weights = latest_weights("base");
  const auto before = slurp(weights);

  auto missing = run_cli("lm train --data '" + r + "/nowhere' " + out("x") + " --steps 2");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.output, "error: [data]") && contains(missing.output, "nowhere")) << missing.output;

  auto again = run_cli("lm train " + data() + " " + out("base") + " --preset tiny --context 32 --batch 4 --steps 2");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.output, "already holds a run")) << again.output;

  auto other = run_cli("lm train " + data() + " " + out("base") + " --preset tiny --context 16 --batch 4 --steps 2 --resume");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(contains(other.output, "--resume with a different config") && contains(other.output, "context"))
      << other.output;

  // A config whose vocabulary is not the corpus tokenizer's, and one whose context limit is too short.
  std::ofstream(r + "/vocab.json") << R"({"vocab_size": 999, "hidden_size": 32, "intermediate_size": 64,
    "num_hidden_layers": 1, "num_attention_heads": 2, "mini_batch_size": 4})";
  auto vocab = run_cli("lm train " + data() + " " + out("v") + " --config '" + r + "/vocab.json' --context 32 --steps 2");
  EXPECT_EQ(vocab.exit_code, 1);
  EXPECT_TRUE(contains(vocab.output, "vocab_size 999") && contains(vocab.output, "320")) << vocab.output;
  std::ofstream(r + "/short.json") << R"({"vocab_size": 320, "hidden_size": 32, "intermediate_size": 64,
    "num_hidden_layers": 1, "num_attention_heads": 2, "mini_batch_size": 4, "max_position_embeddings": 16})";
  auto longer = run_cli("lm train " + data() + " " + out("s") + " --config '" + r + "/short.json' --context 32 --steps 2");
  EXPECT_EQ(longer.exit_code, 1);
  EXPECT_TRUE(contains(longer.output, "max_position_embeddings 16")) << longer.output;

  // A truncated checkpoint: --resume names the file and does not touch it.
  std::ofstream(weights, std::ios::trunc) << before.substr(0, before.size() / 3);
  const auto truncated = slurp(weights);
  auto corrupt = run_cli("lm train " + data() + " " + out("base") + " --preset tiny --context 32 --batch 4 --steps 2 --resume");
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_TRUE(contains(corrupt.output, "model.safetensors")) << corrupt.output;
  EXPECT_EQ(slurp(weights), truncated);

  // A tokenizer of another vocabulary than the model's.
  ASSERT_EQ(run_cli("lm init --preset tiny " + out("vocab512")).exit_code, 0);
  auto gen = run_cli("lm generate --model '" + r + "/vocab512' --tokenizer '" + r + "/tok.model' --prompt hi");
  EXPECT_EQ(gen.exit_code, 1);
  EXPECT_TRUE(contains(gen.output, "320 pieces") && contains(gen.output, "512")) << gen.output;

  // The same vocabulary check in `lm eval`, and a token budget given twice.
  auto eval = run_cli("lm eval --model '" + r + "/vocab512' " + data() + " --context 32 --windows 2");
  EXPECT_EQ(eval.exit_code, 1);
  EXPECT_TRUE(contains(eval.output, "vocab_size 512") && contains(eval.output, "320")) << eval.output;
  auto both = run_cli("lm train " + data() + " " + out("both") + " --preset tiny --context 32 --steps 2 --tokens 64");
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_TRUE(contains(both.output, "exactly one of --steps and --tokens")) << both.output;

  // A warmup fraction outside [0, 1].
  auto warm = run_cli("lm train " + data() + " " + out("w") + " --preset tiny --context 32 --steps 2 --warmup 1.5");
  EXPECT_EQ(warm.exit_code, 1);
  EXPECT_TRUE(contains(warm.output, "--warmup") && contains(warm.output, "1.5")) << warm.output;
  EXPECT_FALSE(fs::exists(root() / "w" / "checkpoints"));

  // A corpus without its validation split: named, nothing trained.
  fs::create_directories(root() / "noval");
  for (const auto& entry : fs::directory_iterator(root() / "tokens"))
    if (entry.path().filename() != "val.bin") fs::copy(entry.path(), root() / "noval" / entry.path().filename());
  auto noval = run_cli("lm train --data '" + r + "/noval' " + out("nv") + " --preset tiny --context 32 --steps 2");
  EXPECT_EQ(noval.exit_code, 1);
  EXPECT_TRUE(contains(noval.output, "val.bin") && contains(noval.output, "noval")) << noval.output;

  // `lm eval` with fewer labels than models.
  auto labels = run_cli("lm eval --model '" + r + "/base' --model '" + r + "/base' --labels one " + data() +
                        " --context 32 --windows 2");
  EXPECT_EQ(labels.exit_code, 1);
  EXPECT_TRUE(contains(labels.output, "1 labels for 2")) << labels.output;
}

}  // namespace
