// Checkpoint round trips under the reference's names, and the errors of mismatched checkpoints/configs.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/expect_error.h"
#include "support/random_models.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;
using namespace ttt;

using test_support::expect_error;

namespace {

fs::path temp_dir(const std::string& name) { return test_support::fresh_temp_dir("ttt_weights_test_" + name); }

const std::string kFixtures = std::string(TTT_TEST_DATA_DIR) + "/ttt-reference";

}  // namespace

TEST(Weights, SaveBackGivesTheReferenceKeysAndValues) {
  for (const char* name : {"linear-mamba", "mlp-transformer"}) {
    const std::string base = kFixtures + "/" + name;
    auto reference = io::load_tensors(base + ".safetensors");
    auto model = models::load_model(base + ".config.json", base + ".safetensors");
    const auto dir = temp_dir(name);
    models::save_weights((dir / "w.safetensors").string(), model);
    auto saved = io::load_tensors((dir / "w.safetensors").string());

    std::set<std::string> ref_keys, saved_keys;
    for (const auto& [k, t] : reference.tensors)
      if (k.rfind("model.", 0) == 0) ref_keys.insert(k);
    for (const auto& [k, t] : saved.tensors) saved_keys.insert(k);
    EXPECT_EQ(ref_keys, saved_keys) << name;  // no lm_head.weight: it is tied
    for (const auto& k : ref_keys) EXPECT_TRUE(torch::equal(reference.get(k), saved.get(k))) << k;
    fs::remove_all(dir);
  }
}

TEST(Weights, MismatchedCheckpointsAreRejectedWithNames) {
  const std::string base = kFixtures + "/linear-transformer";
  auto tensors = io::load_tensors(base + ".safetensors");
  auto config = models::load_config(base + ".config.json");

  {  // A missing parameter.
    io::TensorMap m = tensors;
    m.tensors.erase(std::remove_if(m.tensors.begin(), m.tensors.end(),
                                   [](auto& p) { return p.first == "model.layers.1.seq_modeling_block.W1"; }),
                    m.tensors.end());
    models::CausalLM model(config);
    expect_error([&] { models::load_weights(model, m, "ckpt.safetensors"); },
                 {"ckpt.safetensors", "model.layers.1.seq_modeling_block.W1", "missing"});
  }
  {  // A config with another hidden size: shape mismatch names both shapes.
    auto other = config;
    other.intermediate_size = 100;
    models::CausalLM model(other);
    expect_error([&] { models::load_weights(model, tensors, "ckpt.safetensors"); },
                 {"model.layers.0.mlp.gate_proj.weight", "[172, 64]", "[100, 64]"});
  }
  {  // A TTT-MLP checkpoint loaded as TTT-Linear: W2 is unexpected, W1 has the wrong shape.
    auto mlp = io::load_tensors(kFixtures + "/mlp-transformer.safetensors");
    models::CausalLM model(config);
    expect_error([&] { models::load_weights(model, mlp, "mlp.safetensors"); }, {"W1", "mlp.safetensors"});
  }
  {  // A Transformer-backbone checkpoint for a Mamba-backbone config: conv weights missing.
    auto mamba = config;
    mamba.use_gate = mamba.share_qk = mamba.pre_conv = true;
    models::CausalLM model(mamba);
    expect_error([&] { models::load_weights(model, tensors, "t.safetensors"); }, {"missing tensor"});
  }
}

TEST(ModelConfig, ReferenceConfigsLoadAndRoundTrip) {
  auto c = models::load_config(kFixtures + "/mlp-mamba.config.json");
  EXPECT_EQ(c.ttt_layer_type, "mlp");
  EXPECT_EQ(c.backbone(), "mamba");
  EXPECT_EQ(c.hidden_size % c.num_attention_heads, 0);
  const auto dir = temp_dir("config");
  models::save_config((dir / "c.json").string(), c);
  auto back = models::load_config((dir / "c.json").string());
  EXPECT_EQ(models::config_to_json(back), models::config_to_json(c));
  fs::remove_all(dir);
}

TEST(ModelConfig, BadValuesNameTheFileAndKey) {
  const auto dir = temp_dir("badconfig");
  auto write = [&](const std::string& text) {
    const auto p = (dir / "config.json").string();
    write_file_atomic(p, text);
    return p;
  };
  expect_error([&] { models::load_config(write("{not json")); }, {"config.json", "not valid JSON"});
  expect_error([&] { models::load_config(write("[1,2]")); }, {"expected a JSON object"});
  expect_error([&] { models::load_config(write(R"({"hidden_size": "64"})")); }, {"'hidden_size'", "integer"});
  expect_error([&] { models::load_config(write(R"({"hidden_size": 64, "num_attention_heads": 5})")); },
               {"not divisible"});
  expect_error([&] { models::load_config(write(R"({"ttt_layer_type": "rnn"})")); }, {"'ttt_layer_type'", "rnn"});
  expect_error([&] { models::load_config(write(R"({"vocab_size": -3})")); }, {"'vocab_size'"});
  expect_error([&] { models::load_config(write(R"({"mini_batch_size": 0})")); }, {"'mini_batch_size'"});
  expect_error([&] { models::load_config(write(R"({"use_gate": 1})")); }, {"'use_gate'", "true or false"});
  // A nested wrong-typed value: a short message, no recursion through the value; beyond 512 levels the
  // shared JSON reader refuses the file before parsing (ttt/util/json_parse.h).
  expect_error([&] { models::load_config(write("{\"vocab_size\": " + std::string(300, '[') +
                                               std::string(300, ']') + "}")); },
               {"'vocab_size'", "must be an integer, got array"});
  expect_error([&] { models::load_config(write("{\"vocab_size\": " + std::string(100000, '[') +
                                               std::string(100000, ']') + "}")); },
               {"config.json", "nested more than 512 levels deep"});
  expect_error([&] { models::load_config((dir / "absent.json").string()); }, {"absent.json"});
  fs::remove_all(dir);
}

TEST(ModelConfig, PresetsHaveThePaperSizes) {
  auto c = models::preset("125m", "linear", "mamba");
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_hidden_layers, 12);
  EXPECT_EQ(c.head_dim(), 64);
  EXPECT_EQ(c.backbone(), "mamba");
  auto big = models::preset("1.3b", "mlp", "transformer");
  EXPECT_EQ(big.num_attention_heads, 32);
  EXPECT_EQ(big.intermediate_size, 5504);
  EXPECT_DOUBLE_EQ(big.ttt_base_lr, 0.1);
  EXPECT_THROW(models::preset("7b", "linear", "mamba"), Error);
}

TEST(ModelConfig, UntiedHeadAndOtherActivationsFollowTheConfig) {
  auto config = test_support::tiny_config("linear", "transformer");
  auto ids = torch::randint(0, config.vocab_size, {1, 9}, torch::kLong);
  auto tied = test_support::random_model(config, torch::kFloat, 1);

  config.tie_word_embeddings = false;
  auto untied = test_support::random_model(config, torch::kFloat, 1);
  ASSERT_TRUE(untied->lm_head);
  torch::NoGradGuard no_grad;
  // The head is its own parameter: its logits are h·W_headᵀ, not h·Eᵀ.
  auto h = untied->forward(ids, nullptr, true).hidden_states.back();
  EXPECT_TRUE(torch::allclose(untied->forward(ids).logits, torch::matmul(h, untied->lm_head->weight.t())));
  const auto dir = temp_dir("untied");
  models::save_weights((dir / "w.safetensors").string(), untied);
  EXPECT_TRUE(io::load_tensors((dir / "w.safetensors").string()).contains("lm_head.weight"));
  models::CausalLM reloaded(config);
  models::load_weights(reloaded, (dir / "w.safetensors").string());
  EXPECT_TRUE(torch::equal(reloaded->forward(ids).logits, untied->forward(ids).logits));
  fs::remove_all(dir);

  // hidden_act reaches the MLP: gelu gives other logits than silu with the same weights.
  config.tie_word_embeddings = true;
  config.hidden_act = "gelu";
  auto gelu = test_support::random_model(config, torch::kFloat, 1);
  EXPECT_GT((gelu->forward(ids).logits - tied->forward(ids).logits).abs().max().item<double>(), 1e-6);
  config.hidden_act = "tanhshrink";
  EXPECT_THROW(config.validate("x"), Error);
}

TEST(ModelConfig, ParameterCountMatchesTheBuiltModel) {
  for (const char* type : {"linear", "mlp", "attention"})
    for (const char* backbone : {"transformer", "mamba"})
      for (bool tied : {true, false}) {
        auto config = test_support::tiny_config(type, backbone);
        config.tie_word_embeddings = tied;
        config.conv_kernel = 3;
        models::CausalLM model(config);
        int64_t built = 0;
        for (const auto& p : model->parameters()) built += p.numel();
        EXPECT_EQ(config.parameter_count(), built) << type << "/" << backbone << (tied ? " tied" : " untied");
      }
}

TEST(Weights, OversizedConfigIsRejectedBeforeBuildingTheModel) {
  const auto dir = temp_dir("huge");
  const auto cfg = (dir / "config.json").string();
  // 34 GB of W1 if it were built; must fail at once from the size check.
  write_file_atomic(cfg, R"({"hidden_size": 65536, "num_attention_heads": 2, "ttt_layer_type": "mlp",
                            "num_hidden_layers": 1, "vocab_size": 128})");
  expect_error([&] { models::load_model(cfg, kFixtures + "/linear-mamba.safetensors"); },
               {"linear-mamba.safetensors", "config and checkpoint do not match"});
  fs::remove_all(dir);
}

TEST(Weights, ReferenceBuffersAreAcceptedButUnknownModelTensorsAreNot) {
  const std::string base = kFixtures + "/linear-transformer";
  auto tensors = io::load_tensors(base + ".safetensors");
  auto config = models::load_config(base + ".config.json");
  tensors.tensors.emplace_back("model.layers.0.seq_modeling_block.token_idx", torch::ones({16}));
  tensors.tensors.emplace_back("model.layers.0.seq_modeling_block.rotary_emb.inv_freq", torch::ones({8}));
  models::CausalLM model(config);
  EXPECT_NO_THROW(models::load_weights(model, tensors, "buffers.safetensors"));
  tensors.tensors.emplace_back("model.layers.0.seq_modeling_block.bogus", torch::ones({2}));
  expect_error([&] { models::load_weights(model, tensors, "bogus.safetensors"); },
               {"unexpected tensor 'model.layers.0.seq_modeling_block.bogus'"});
}

TEST(ModelConfig, HfListsAndRangesOfLesserKeys) {
  auto c = models::config_from_json(nlohmann::json::parse(R"({"eos_token_id": [7, 2]})"), "c.json");
  EXPECT_EQ(c.eos_token_id, 7);
  expect_error([] { models::config_from_json(nlohmann::json::parse(R"({"eos_token_id": []})"), "c.json"); },
               {"'eos_token_id'"});
  expect_error([] { models::config_from_json(nlohmann::json::parse(R"({"initializer_range": -1})"), "c.json"); },
               {"'initializer_range'"});
  expect_error([] { models::config_from_json(nlohmann::json::parse(R"({"pretraining_tp": 0})"), "c.json"); },
               {"'pretraining_tp'"});
  EXPECT_NO_THROW(models::config_from_json(nlohmann::json::parse(R"({"pretraining_tp": 4})"), "c.json"));
}

TEST(Cache, ABatchOtherThanTheCachesIsAnError) {
  auto model = test_support::random_model(test_support::tiny_config("linear", "transformer"), torch::kFloat, 3);
  torch::NoGradGuard no_grad;
  auto cache = model->new_cache();
  model->forward(torch::zeros({1, 5}, torch::kLong), &cache);
  expect_error([&] { model->forward(torch::zeros({3, 1}, torch::kLong), &cache); }, {"the cache holds a batch of 1"});
}
