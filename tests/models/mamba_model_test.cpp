// The Mamba baseline as a whole model: any chunking (prefill pieces, decode steps) equals one pass,
// the chunked scan equals its sequential twin, config keys round-trip and bad values are named,
// checkpoints round-trip, presets of the four architectures match in size, and training lowers the loss.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/expect_error.h"
#include "support/random_models.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/util/atomic_file.h"

namespace fs = std::filesystem;
using namespace ttt;
using test_support::expect_error;

namespace {

models::ModelConfig tiny_mamba() {
  auto c = test_support::tiny_config("mamba", "transformer");  // hidden 16, 2 layers, vocab 23
  c.state_size = 4;
  return c;
}

std::int64_t built_parameters(const models::ModelConfig& config) {
  models::CausalLM model(config);
  std::int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  return n;
}

}  // namespace

TEST(MambaModel, AnyChunkingAndDecodeMatchOneFullPass) {
  for (auto dtype : {torch::kDouble, torch::kFloat}) {
    auto model = test_support::random_model(tiny_mamba(), dtype, 7);
    torch::NoGradGuard no_grad;
    auto ids = torch::randint(0, 23, {2, 29}, torch::kLong);
    auto full = model->forward(ids).logits;
    const double tol = dtype == torch::kDouble ? 1e-10 : 2e-5;
    for (const auto& chunks : std::vector<std::vector<std::int64_t>>{
             {5, 1, 22, 1}, {3, 1, 1, 1, 7, 1, 1, 14}, {29}, std::vector<std::int64_t>(29, 1)}) {
      auto cache = model->new_cache();
      std::vector<torch::Tensor> logits;
      std::int64_t t = 0;
      for (auto n : chunks) {
        logits.push_back(model->forward(ids.narrow(1, t, n), &cache).logits);
        t += n;
      }
      EXPECT_EQ(cache.position, 29);
      EXPECT_LE((torch::cat(logits, 1) - full).abs().max().item<double>(), tol) << "chunks of " << chunks.size();
    }
  }
}

TEST(MambaModel, ChunkedScanEqualsTheSequentialTwin) {
  auto model = test_support::random_model(tiny_mamba(), torch::kDouble, 11);
  torch::NoGradGuard no_grad;
  auto ids = torch::randint(0, 23, {3, 70}, torch::kLong);  // > 2 scan chunks of 32, not a multiple
  auto chunked = model->forward(ids, nullptr, true);
  model->use_primal_form(true);
  auto sequential = model->forward(ids, nullptr, true);
  EXPECT_LE((chunked.logits - sequential.logits).abs().max().item<double>(), 1e-10);
  for (std::size_t i = 0; i < chunked.hidden_states.size(); ++i)
    EXPECT_LE((chunked.hidden_states[i] - sequential.hidden_states[i]).abs().max().item<double>(), 1e-10);
}

TEST(MambaModel, NamesAndCountsFollowTheConfig) {
  auto config = tiny_mamba();
  models::CausalLM model(config);
  auto params = model->named_parameters();
  for (const char* name : {"model.embed_tokens.weight", "model.norm.weight", "model.layers.1.norm.weight",
                           "model.layers.1.mixer.in_proj.weight", "model.layers.0.mixer.A_log",
                           "model.layers.0.mixer.dt_proj.bias", "model.layers.0.mixer.conv1d.weight"})
    EXPECT_TRUE(params.contains(name)) << name;
  EXPECT_EQ(params.size(), 2 + 2 * 10u);  // embedding, final norm; per block: norm + 9 mixer tensors
  for (bool tied : {true, false}) {
    for (std::int64_t rank : {0, 3}) {
      config.tie_word_embeddings = tied;
      config.time_step_rank = rank;
      EXPECT_EQ(config.parameter_count(), built_parameters(config)) << "tied " << tied << " rank " << rank;
    }
  }
}

TEST(MambaModel, PresetsOfTheFourArchitecturesMatchWithinFivePercent) {
  for (const auto& size : models::preset_names()) {
    const auto reference = models::preset(size, "linear", "mamba").parameter_count();
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (const char* type : {"linear", "mlp", "attention", "mamba"})
      for (const char* backbone : {"mamba", "transformer"}) {
        if (std::string(type) == "attention" && std::string(backbone) == "mamba") continue;  // no such baseline
        counts.emplace_back(std::string(type) + "/" + backbone, models::preset(size, type, backbone).parameter_count());
      }
    std::int64_t lo = counts[0].second, hi = lo;
    for (const auto& [name, n] : counts) {
      lo = std::min(lo, n);
      hi = std::max(hi, n);
      EXPECT_LE(std::abs(static_cast<double>(n) / reference - 1), 0.05) << size << " " << name << " " << n;
    }
    EXPECT_LE(static_cast<double>(hi) / lo, 1.05) << size << ": largest " << hi << ", smallest " << lo;
  }
  // The Mamba preset keeps the size's width, has ~2× the layers and the Mamba paper's hyperparameters;
  // the counts the formula gives are the built model's (checked at CPU sizes).
  auto m = models::preset("125m", "mamba", "mamba");
  EXPECT_EQ(m.hidden_size, 768);
  EXPECT_EQ(m.num_hidden_layers, 23);
  EXPECT_EQ(m.mamba_dt_rank(), 48);
  EXPECT_EQ(m.backbone(), "mamba");
  EXPECT_FALSE(m.pre_conv || m.use_gate || m.share_qk);
  for (const char* size : {"tiny", "small"}) {
    auto c = models::preset(size, "mamba", "transformer");
    EXPECT_EQ(c.parameter_count(), built_parameters(c)) << size;
  }
  // The paper's sizes keep the paper's intermediate_size for TTT-MLP.
  EXPECT_EQ(models::preset("125m", "mlp", "mamba").intermediate_size, 2048);
}

TEST(MambaModel, ConfigRoundTripsAndBadValuesAreNamed) {
  const auto dir = test_support::fresh_temp_dir("ttt_mamba_config");
  const auto path = (dir / "config.json").string();
  auto config = models::preset("small", "mamba", "mamba");
  config.time_step_rank = 0;
  models::save_config(path, config);
  const auto saved = nlohmann::json::parse(read_file(path, "test"));
  EXPECT_EQ(saved.at("time_step_rank"), "auto");
  EXPECT_EQ(saved.at("state_size"), 16);
  EXPECT_EQ(saved.at("ttt_layer_type"), "mamba");
  EXPECT_EQ(models::config_to_json(models::load_config(path)), models::config_to_json(config));
  config.time_step_rank = 7;
  config.state_size = 8;
  config.expand = 3;
  models::save_config(path, config);
  auto back = models::load_config(path);
  EXPECT_EQ(back.time_step_rank, 7);
  EXPECT_EQ(back.state_size, 8);
  EXPECT_EQ(back.expand, 3);
  // TTT configs do not grow Mamba keys.
  EXPECT_FALSE(models::config_to_json(models::preset("tiny", "linear", "mamba")).contains("state_size"));

  auto write = [&](const std::string& text) {
    write_file_atomic(path, text);
    return path;
  };
  const std::string base = R"({"ttt_layer_type": "mamba", "hidden_size": 16, )";
  expect_error([&] { models::load_config(write(base + R"("state_size": 0})")); }, {"config.json", "'state_size'"});
  expect_error([&] { models::load_config(write(base + R"("expand": "2"})")); }, {"'expand'", "integer"});
  expect_error([&] { models::load_config(write(base + R"("time_step_rank": "fast"})")); },
               {"'time_step_rank'", "auto"});
  expect_error([&] { models::load_config(write(base + R"("time_step_rank": 17})")); }, {"'time_step_rank'", "17"});
  expect_error([&] { models::load_config(write(base + R"("pre_conv": true})")); }, {"'pre_conv'", "mamba"});
  expect_error([&] { models::load_config(write(R"({"ttt_layer_type": "mamba2"})")); },
               {"'ttt_layer_type'", "mamba2", "linear, mlp, attention, mamba"});
  // A Mamba config needs no heads: 16 channels with the default 32 heads is fine.
  EXPECT_NO_THROW(models::load_config(write(base + R"("num_hidden_layers": 1})")));
  fs::remove_all(dir);
}

TEST(MambaModel, WeightsRoundTripAndOtherArchitecturesAreRejected) {
  const auto dir = test_support::fresh_temp_dir("ttt_mamba_weights");
  auto config = tiny_mamba();
  auto model = test_support::random_model(config, torch::kFloat, 3);
  models::save_config((dir / "config.json").string(), config);
  models::save_weights((dir / "w.safetensors").string(), model);
  auto reloaded = models::load_model((dir / "config.json").string(), (dir / "w.safetensors").string());
  auto ids = torch::randint(0, 23, {1, 9}, torch::kLong);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(reloaded->forward(ids).logits, model->forward(ids).logits));
  // A Mamba checkpoint for a TTT config (and back): named, never half-loaded silently.
  auto tensors = io::load_tensors((dir / "w.safetensors").string());
  models::CausalLM ttt_model(test_support::tiny_config("linear", "transformer"));
  expect_error([&] { models::load_weights(ttt_model, tensors, "m.safetensors"); }, {"m.safetensors", "missing tensor"});
  auto ttt_random = test_support::random_model(test_support::tiny_config("linear", "transformer"), torch::kFloat, 1);
  models::save_weights((dir / "t.safetensors").string(), ttt_random);
  expect_error([&] { models::load_weights(model, (dir / "t.safetensors").string()); },
               {"t.safetensors", "mixer", "missing tensor"});
  fs::remove_all(dir);
}

TEST(MambaModel, AdamWStepsLowerTheLossOnARepetitiveStream) {
  auto config = tiny_mamba();
  config.vocab_size = 16;
  config.hidden_size = 32;
  torch::manual_seed(0);
  models::CausalLM model(config);
  model->train();
  // A period-6 token stream: the next token is a function of the last one or two, learnable fast.
  const std::vector<std::int64_t> pattern = {3, 7, 1, 3, 9, 12};
  std::vector<std::int64_t> stream;
  for (int i = 0; i < 4 * 33; ++i) stream.push_back(pattern[i % pattern.size()]);
  auto batch = torch::tensor(stream, torch::kLong).reshape({4, 33});
  auto inputs = batch.narrow(1, 0, 32), targets = batch.narrow(1, 1, 32);
  auto loss_of = [&] {
    auto logits = model->forward(inputs).logits;
    return torch::nn::functional::cross_entropy(logits.reshape({-1, config.vocab_size}), targets.reshape({-1}));
  };
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-2).weight_decay(0.01));
  const double initial = loss_of().item<double>();
  EXPECT_NEAR(initial, std::log(16.0), 0.5);  // near uniform at init
  double last = initial;
  for (int step = 0; step < 30; ++step) {
    opt.zero_grad();
    auto loss = loss_of();
    loss.backward();
    opt.step();
    last = loss.item<double>();
  }
  const double final_loss = loss_of().item<double>();
  EXPECT_LT(final_loss, 0.5 * initial) << "initial " << initial << ", last step " << last;
  // Gradients reach the SSM's own parameters.
  auto a_log = model->named_parameters()["model.layers.0.mixer.A_log"];
  EXPECT_GT(a_log.grad().abs().max().item<double>(), 0.0);
}
