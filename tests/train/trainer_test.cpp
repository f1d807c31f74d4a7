// The trainer end to end on tiny models: loss falls for every architecture, resume gives the parameters
// of an uninterrupted run, accumulation equals one big batch, TTT-MLP's inner lr warms up, and bad
// resumes fail with clear errors that leave the checkpoint untouched.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/expect_error.h"
#include "train_fixtures.h"
#include "ttt/io/safetensors.h"
#include "ttt/train/run.h"
#include "ttt/util/atomic_file.h"

namespace ttt::train {
namespace {

using test_support::tiny_config;

models::CausalLM fresh_model(const models::ModelConfig& config, std::uint64_t seed) {
  torch::manual_seed(seed);
  return models::CausalLM(config);
}

class LossFalls : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(LossFalls, OnAPatternedStream) {
  auto [layer, backbone] = GetParam();
  auto config = tiny_config(layer, backbone);
  auto comm = make_single_process_communicator();
  data::VectorWindows train(test_support::patterned_tokens(4000, config.vocab_size), 16);
  data::VectorWindows val(test_support::patterned_tokens(600, config.vocab_size), 16);
  auto model = fresh_model(config, 1);
  eval::LmEvalOptions eo;
  const double before = eval::evaluate_lm(model, val, eo).mean_loss;
  Trainer trainer(model, test_support::small_train_options(60), train, *comm);
  StepReport last;
  while (!trainer.finished()) last = trainer.step();
  const double after = eval::evaluate_lm(model, val, eo).mean_loss;
  EXPECT_LT(after, before - 0.8) << layer << "/" << backbone << ": validation loss " << before << " → " << after;
  EXPECT_GT(last.tokens_per_s, 0);
  EXPECT_GT(last.peak_rss_bytes, 0);
  EXPECT_EQ(last.tokens_seen, 60 * 4 * 16);
}

INSTANTIATE_TEST_SUITE_P(Architectures, LossFalls,
                         ::testing::Values(std::make_pair("linear", "mamba"), std::make_pair("mlp", "mamba"),
                                           std::make_pair("linear", "transformer"),
                                           std::make_pair("attention", "transformer"),
                                           std::make_pair("mamba", "transformer")));

TEST(Trainer, GradientAccumulationEqualsOneBigBatch) {
  auto config = tiny_config("linear", "mamba");
  auto comm = make_single_process_communicator();
  data::VectorWindows train(test_support::patterned_tokens(2000, config.vocab_size), 16);
  auto whole = fresh_model(config, 2), accumulated = fresh_model(config, 2);
  auto o = test_support::small_train_options(3);
  Trainer a(whole, o, train, *comm);
  o.micro_batch = 1;
  Trainer b(accumulated, o, train, *comm);
  for (int i = 0; i < 3; ++i) {
    const auto ra = a.step(), rb = b.step();
    EXPECT_NEAR(ra.loss, rb.loss, 1e-5);
    EXPECT_NEAR(ra.grad_norm, rb.grad_norm, 1e-4);
  }
  EXPECT_LT(test_support::max_parameter_difference(whole, accumulated), 1e-5);
}

TEST(Trainer, TttMlpInnerLearningRateWarmsUpOverTheLrWarmup) {
  auto config = tiny_config("mlp", "transformer");
  auto comm = make_single_process_communicator();
  data::VectorWindows train(test_support::patterned_tokens(2000, config.vocab_size), 16);
  auto model = fresh_model(config, 3);
  auto o = test_support::small_train_options(6);
  o.schedule.warmup_steps = 4;
  Trainer trainer(model, o, train, *comm);
  const double expected[] = {0.01, 0.0325, 0.055, 0.0775, 0.1, 0.1};
  for (double e : expected) {
    const auto r = trainer.step();
    EXPECT_NEAR(r.ttt_base_lr, e, 1e-12) << "step " << r.step;
    // The layers really run with it (not just the report).
    EXPECT_NEAR(model->model->blocks[0]->ttt->options().ttt_base_lr, e, 1e-12);
  }
}

TEST(Trainer, RejectsWindowsThatDoNotMatchTheContextOrTheModel) {
  auto config = tiny_config("linear", "mamba");
  config.max_position_embeddings = 8;
  auto comm = make_single_process_communicator();
  data::VectorWindows train(test_support::patterned_tokens(2000, config.vocab_size), 16);
  auto o = test_support::small_train_options(2);
  test_support::expect_error([&] { Trainer(fresh_model(config, 1), o, train, *comm); },
                             {"context 16", "max_position_embeddings 8"});
  config.max_position_embeddings = 2048;
  o.context = 8;
  test_support::expect_error([&] { Trainer(fresh_model(config, 1), o, train, *comm); }, {"17 tokens", "needs 9"});
  o.context = 16;
  o.batch_size = 4;
  o.micro_batch = 3;
  test_support::expect_error([&] { Trainer(fresh_model(config, 1), o, train, *comm); }, {"micro-batch 3"});
}

struct RunFixture : ::testing::Test {
  models::ModelConfig config = tiny_config("linear", "mamba");
  std::unique_ptr<Communicator> comm = make_single_process_communicator();
  data::VectorWindows train{test_support::patterned_tokens(3000, 23), 16};
  data::VectorWindows val{test_support::patterned_tokens(400, 23), 16};
  std::filesystem::path dir = test_support::fresh_temp_dir("ttt_run");

  RunSpec spec(const std::string& name, std::int64_t steps) {
    RunSpec s;
    s.run_dir = (dir / name).string();
    s.options = test_support::small_train_options(steps);
    s.eval_every = 2;
    s.eval_windows = 4;
    return s;
  }
};

TEST_F(RunFixture, ResumeAfterAnInterruptionGivesTheParametersOfAnUninterruptedRun) {
  auto straight = fresh_model(config, 5);
  const auto done = run_training(straight, spec("straight", 7), train, &val, *comm, {});
  EXPECT_FALSE(done.interrupted);
  EXPECT_EQ(done.progress.step, 7);
  ASSERT_TRUE(done.val_loss.has_value());

  auto first_half = fresh_model(config, 5);
  int steps = 0;
  RunCallbacks stop_after_3;
  stop_after_3.on_step = [&](const StepReport&) { ++steps; };
  stop_after_3.should_stop = [&] { return steps == 3; };
  const auto cut = run_training(first_half, spec("resumed", 7), train, &val, *comm, stop_after_3);
  EXPECT_TRUE(cut.interrupted);
  EXPECT_EQ(cut.progress.step, 3);

  // A new process would build its model from scratch (another init): resume must restore everything.
  auto second_half = fresh_model(config, 99);
  auto s = spec("resumed", 7);
  s.resume = true;
  std::string resumed_from;
  RunCallbacks on_resume;
  on_resume.on_resume = [&](const std::string& path, const TrainProgress& p) {
    resumed_from = path;
    EXPECT_EQ(p.step, 3);
  };
  const auto rest = run_training(second_half, s, train, &val, *comm, on_resume);
  EXPECT_NE(resumed_from.find("step-00000003"), std::string::npos);
  EXPECT_EQ(rest.progress.step, 7);
  EXPECT_EQ(rest.progress.tokens_seen, done.progress.tokens_seen);
  EXPECT_LE(test_support::max_parameter_difference(straight, second_half), 1e-6);
  EXPECT_NEAR(*rest.val_loss, *done.val_loss, 1e-6);

  // The log of the resumed run reads like the uninterrupted one: one line per step 1..7.
  std::ifstream log(dir / "resumed" / "log.jsonl");
  std::string line;
  std::vector<std::int64_t> steps_logged;
  while (std::getline(log, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["event"] == "step") steps_logged.push_back(j["step"].get<std::int64_t>());
  }
  EXPECT_EQ(steps_logged, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(std::filesystem::exists(dir / "resumed" / "loss.svg"));
}

TEST_F(RunFixture, ABadResumeFailsClearlyAndLeavesTheCheckpointUntouched) {
  auto model = fresh_model(config, 5);
  run_training(model, spec("run", 2), train, &val, *comm, {});
  const auto latest = latest_checkpoint((dir / "run").string());
  ASSERT_TRUE(latest);
  const auto weights = *latest + "/model.safetensors";
  const std::string original = read_file(weights);

  // Starting a new run over it.
  test_support::expect_error([&] { run_training(fresh_model(config, 5), spec("run", 2), train, &val, *comm, {}); },
                             {"already holds a run", "--resume"});
  // Other settings.
  auto s = spec("run", 2);
  s.resume = true;
  s.options.batch_size = 2;
  test_support::expect_error([&] { run_training(fresh_model(config, 5), s, train, &val, *comm, {}); },
                             {"--resume with a different config", "'batch_size' is 4", "2 now"});
  // Another model.
  auto other = config;
  other.hidden_size = 32;
  s.options.batch_size = 4;
  test_support::expect_error([&] { run_training(fresh_model(other, 5), s, train, &val, *comm, {}); },
                             {"--resume with a different config", "'hidden_size'"});
  // No checkpoint at all.
  auto empty = spec("never-ran", 2);
  empty.resume = true;
  test_support::expect_error([&] { run_training(fresh_model(config, 5), empty, train, &val, *comm, {}); },
                             {"has no checkpoint"});
  EXPECT_EQ(read_file(weights), original);

  // A truncated checkpoint: the error names the file.
  write_file_atomic(weights, original.substr(0, original.size() / 2));
  test_support::expect_error([&] { run_training(fresh_model(config, 5), s, train, &val, *comm, {}); },
                             {"model.safetensors"});
}

TEST_F(RunFixture, KeepsOnlyTheNewestCheckpointsAndCleansKilledSaves) {
  auto s = spec("keep", 6);
  s.save_every = 1;
  s.keep_checkpoints = 2;
  // A save killed half-way leaves a hidden temporary folder: the next run start removes it.
  std::filesystem::create_directories(dir / "keep" / "checkpoints" / ".step-00000009.tmp.1234");
  run_training(fresh_model(config, 5), s, train, &val, *comm, {});
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir / "keep" / "checkpoints"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"latest", "step-00000005", "step-00000006"}));
}

}  // namespace
}  // namespace ttt::train
