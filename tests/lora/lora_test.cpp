// LoRA adapters (nn/lora.h, models/lora_adapters.h). Ground truths: the model without adapters (B = 0),
// a second copy of the model whose weights the test sets to W + scale·B·A itself (unmerged and merged
// forwards), the uncached full pass (cached prefill + decode), finite differences (adapter gradients).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "support/expect_error.h"
#include "support/random_models.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/models/lora_adapters.h"
#include "ttt/models/weights.h"
#include "ttt/util/atomic_file.h"

using namespace ttt;
using test_support::expect_error;

namespace {

struct Variant {
  const char* layer_type;
  const char* backbone;
  bool tied;
};

void PrintTo(const Variant& v, std::ostream* os) {
  *os << v.layer_type << "/" << v.backbone << (v.tied ? "/tied" : "/untied");
}

// hidden 32, 4 heads (d = 8), 2 layers, vocab 17, mini-batch 4.
models::ModelConfig lora_config_of(const Variant& v) {
  auto c = test_support::tiny_config(v.layer_type, v.backbone);
  c.vocab_size = 17;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_attention_heads = 4;
  c.tie_word_embeddings = v.tied;
  return c;
}

models::CausalLM make_model(const Variant& v, torch::ScalarType dtype = torch::kFloat, std::uint64_t seed = 3) {
  return test_support::random_model(lora_config_of(v), dtype, seed);
}

// Every target the variant's architecture has.
nn::LoraConfig all_targets_of(const Variant& v, std::int64_t rank = 4) {
  nn::LoraConfig c;
  c.rank = rank;
  c.alpha = 8;
  const std::string type = v.layer_type, backbone = v.backbone;
  if (type == "mamba") c.targets = {};
  else if (backbone == "mamba") c.targets = {"q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  else c.targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  if (!v.tied) c.targets.push_back("lm_head");
  return c;
}

void randomize_adapters(models::LoraAdapters& adapters, std::uint64_t seed, double scale = 0.3) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (auto& p : adapters.parameters()) p.copy_(torch::randn_like(p) * scale);
}

torch::Tensor token_ids(std::int64_t batch, std::int64_t len, std::uint64_t seed = 1) {
  torch::manual_seed(seed);
  return torch::randint(0, 17, {batch, len}, torch::kLong);
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

// Sets `reference`'s weights to those of `model` plus scale·B·A for each adapter (computed here in float64,
// independently of LoraAdapter::merge).
void fold_by_hand(models::CausalLM& reference, models::LoraAdapters& adapters) {
  torch::NoGradGuard no_grad;
  auto params = reference->named_parameters();
  const auto named = adapters.named_parameters();
  const double scale = adapters.config().scale();
  for (std::size_t i = 0; i < named.size(); i += 2) {
    const auto& name_a = named[i].first;  // "<prefix>.lora_A"
    const auto prefix = name_a.substr(0, name_a.size() - std::string(".lora_A").size());
    auto& w = params[prefix + ".weight"];
    const auto delta = torch::matmul(named[i + 1].second.to(torch::kDouble), named[i].second.to(torch::kDouble));
    w.copy_(w.to(torch::kDouble) + scale * delta);
  }
}

struct Kernels {  // restores the process-wide kernel choice
  kernels::Impl saved = kernels::impl();
  explicit Kernels(kernels::Impl impl) { kernels::set_impl(impl); }
  ~Kernels() { kernels::set_impl(saved); }
};

std::string variant_name(const ::testing::TestParamInfo<Variant>& info) {
  return std::string(info.param.layer_type) + "_" + info.param.backbone + (info.param.tied ? "_tied" : "_untied");
}

class LoraVariants : public ::testing::TestWithParam<Variant> {};

const auto kVariants =
    ::testing::Values(Variant{"attention", "transformer", false}, Variant{"attention", "transformer", true},
                      Variant{"linear", "transformer", false}, Variant{"mlp", "transformer", true},
                      Variant{"linear", "mamba", false}, Variant{"mamba", "transformer", false});

}  // namespace

// ---------------------------------------------------------------------------------------------- config

TEST(LoraConfig, DefaultsArePapersAndValid) {
  nn::LoraConfig c;
  EXPECT_EQ(c.rank, 64);
  EXPECT_EQ(c.alpha, 16);
  EXPECT_EQ(c.dropout, 0);
  EXPECT_EQ(c.targets, (std::vector<std::string>{"q_proj", "v_proj", "gate_proj", "up_proj", "down_proj"}));
  EXPECT_DOUBLE_EQ(c.scale(), 0.25);
  EXPECT_NO_THROW(c.validate());
  auto parsed = nn::lora_config_from_json(nn::lora_config_to_json(c), "x");
  EXPECT_EQ(parsed.rank, c.rank);
  EXPECT_EQ(parsed.alpha, c.alpha);
  EXPECT_EQ(parsed.targets, c.targets);
}

TEST(LoraConfig, RejectsBadValuesNamingThem) {
  auto with = [](auto change) {
    nn::LoraConfig c;
    change(c);
    return [c] { c.validate("my config"); };
  };
  expect_error(with([](auto& c) { c.rank = 0; }), {"[lora] my config", "rank", "0"});
  expect_error(with([](auto& c) { c.rank = -3; }), {"rank", "-3"});
  expect_error(with([](auto& c) { c.alpha = 0; }), {"alpha", "0"});
  expect_error(with([](auto& c) { c.alpha = -2; }), {"alpha", "-2"});
  expect_error(with([](auto& c) { c.alpha = std::nan(""); }), {"alpha", "nan"});
  expect_error(with([](auto& c) { c.alpha = std::numeric_limits<double>::infinity(); }), {"alpha", "inf"});
  expect_error(with([](auto& c) { c.dropout = 1; }), {"dropout", "1"});
  expect_error(with([](auto& c) { c.dropout = -0.25; }), {"dropout", "-0.25"});
  expect_error(with([](auto& c) { c.targets = {"q_proj", "qproj"}; }), {"unknown target 'qproj'", "lm_head"});
  expect_error(with([](auto& c) { c.targets = {"v_proj", "v_proj"}; }), {"'v_proj' appears twice"});
  expect_error(with([](auto& c) { c.targets = {}; }), {"no target"});
  for (const auto& name : nn::lora_target_names())
    EXPECT_NO_THROW(with([&](auto& c) { c.targets = {name}; })()) << name;
  expect_error(
      [] { nn::lora_config_from_json(R"({"rank": 2.5, "alpha": 1, "dropout": 0, "targets": []})", "f.st"); },
      {"f.st", "rank"});
  expect_error([] { nn::lora_config_from_json("not json", "f.st"); }, {"f.st", "not a JSON object"});
}

TEST(LoraAttach, RejectsBadConfigBeforeTouchingTheModel) {
  auto model = make_model({"attention", "transformer", false});
  models::LoraAdapters adapters;
  nn::LoraConfig c;
  c.rank = 0;
  expect_error([&] { adapters.attach(model, c, 1); }, {"rank", "0"});
  EXPECT_FALSE(adapters.attached());
  for (auto& p : model->parameters()) EXPECT_TRUE(p.requires_grad());
}

// ------------------------------------------------------------------------------------------ attaching

TEST_P(LoraVariants, AttachKeepsCheckpointKeysFreezesBaseAndDetachRestores) {
  const auto v = GetParam();
  auto model = make_model(v);
  std::vector<std::string> keys_before;
  for (auto& item : model->named_parameters()) keys_before.push_back(item.key());
  {
    models::LoraAdapters adapters;
    adapters.attach(model, all_targets_of(v), 1);
    std::vector<std::string> keys_after;
    for (auto& item : model->named_parameters()) keys_after.push_back(item.key());
    EXPECT_EQ(keys_before, keys_after);
    for (auto& p : model->parameters()) EXPECT_FALSE(p.requires_grad());
    // One adapter per target per block (k_proj absent with share_qk, nothing in Mamba blocks).
    const auto targets = all_targets_of(v).targets;
    const std::size_t per_block = std::string(v.layer_type) == "mamba" ? 0 : targets.size() - (v.tied ? 0 : 1);
    EXPECT_EQ(adapters.size(), 2 * per_block + (v.tied ? 0 : 1));
    const auto named = adapters.named_parameters();
    ASSERT_EQ(named.size(), 2 * adapters.size());
    auto params = model->named_parameters();
    for (std::size_t i = 0; i < named.size(); i += 2) {
      const auto& [name_a, a] = named[i];
      const auto& [name_b, b] = named[i + 1];
      ASSERT_EQ(name_a.substr(name_a.size() - 7), ".lora_A");
      const auto prefix = name_a.substr(0, name_a.size() - 7);
      EXPECT_EQ(name_b, prefix + ".lora_B");
      ASSERT_TRUE(params.contains(prefix + ".weight")) << prefix;
      const auto& w = params[prefix + ".weight"];
      EXPECT_EQ(a.sizes(), (std::vector<std::int64_t>{4, w.size(1)})) << name_a;
      EXPECT_EQ(b.sizes(), (std::vector<std::int64_t>{w.size(0), 4})) << name_b;
      EXPECT_TRUE(a.requires_grad() && b.requires_grad());
      EXPECT_EQ(b.abs().max().item<double>(), 0.0);
    }
    if (std::string(v.layer_type) != "mamba")
      EXPECT_EQ(named.front().first, "model.layers.0.seq_modeling_block.q_proj.lora_A");
    if (!v.tied) EXPECT_EQ(named.back().first, "lm_head.lora_B");
  }  // the destructor detaches
  for (auto& p : model->parameters()) EXPECT_TRUE(p.requires_grad());
  for (auto& b : model->model->blocks) {
    if (b->attention) EXPECT_FALSE(b->attention->q_lora || b->attention->k_lora || b->attention->v_lora);
    if (b->ttt) EXPECT_FALSE(b->ttt->q_lora || b->ttt->v_lora || b->ttt->o_lora);
    if (b->mlp) EXPECT_FALSE(b->mlp->gate_lora || b->mlp->up_lora || b->mlp->down_lora);
  }
  EXPECT_FALSE(model->lm_head_lora);
}

TEST_P(LoraVariants, FreshAdaptersLeaveLogitsBitIdentical) {
  const auto v = GetParam();
  auto model = make_model(v);
  const auto ids = token_ids(2, 11);
  torch::Tensor plain;
  const auto plain_with_grad = model->logits(ids).detach();
  {
    torch::NoGradGuard no_grad;
    plain = model->logits(ids);
  }
  models::LoraAdapters adapters;
  adapters.attach(model, all_targets_of(v), 9);
  EXPECT_GT(adapters.parameters()[0].abs().max().item<double>(), 0.0);  // A is random, B = 0
  torch::Tensor adapted;
  {
    torch::NoGradGuard no_grad;  // fused TTT kernels
    adapted = model->logits(ids);
  }
  EXPECT_TRUE(torch::equal(plain, adapted));
  EXPECT_TRUE(torch::equal(plain_with_grad, model->logits(ids).detach()));  // with grad: the reference inner loop
}

TEST_P(LoraVariants, UnmergedAndMergedMatchHandFoldedWeightsOnEveryPath) {
  const auto v = GetParam();
  auto model = make_model(v);
  auto reference = make_model(v);  // same seed: same weights
  models::LoraAdapters adapters;
  adapters.attach(model, all_targets_of(v), 2);
  randomize_adapters(adapters, 5, 0.1);
  fold_by_hand(reference, adapters);
  const auto ids = token_ids(2, 13);
  torch::NoGradGuard no_grad;
  const auto want = reference->logits(ids);
  EXPECT_GT(max_diff(want, make_model(v)->logits(ids)), 1e-3) << "the adapters must change the logits";
  // Float32 rounding of logits of this size (the TTT layers' inner loop amplifies it a little).
  const double tol = 1e-5 * std::max(1.0, want.abs().max().item<double>());

  std::map<std::string, torch::Tensor> base;
  for (auto& item : model->named_parameters()) base[item.key()] = item.value().clone();
  auto cached = [&](const std::vector<std::int64_t>& chunks) {
    auto cache = model->new_cache();
    std::vector<torch::Tensor> out;
    std::int64_t t = 0;
    for (auto n : chunks) {
      out.push_back(model->forward(ids.narrow(1, t, n), &cache).logits);
      t += n;
    }
    return torch::cat(out, 1);
  };
  for (auto impl : {kernels::Impl::Fused, kernels::Impl::Reference}) {
    Kernels kernels_choice(impl);
    const std::string how = kernels::impl_name(impl);
    EXPECT_LE(max_diff(model->logits(ids), want), tol) << "unmerged " << how;
    // Prefill 6 tokens, then decode one at a time (and an odd chunking) through the cache.
    EXPECT_LE(max_diff(cached({6, 1, 1, 1, 1, 1, 1, 1}), want), tol) << "unmerged cached " << how;
    EXPECT_LE(max_diff(cached({3, 5, 2, 3}), want), tol) << "unmerged chunks " << how;
    const auto unmerged = model->logits(ids);
    adapters.merge();
    adapters.merge();  // idempotent
    EXPECT_TRUE(adapters.merged());
    EXPECT_LE(max_diff(model->logits(ids), unmerged), tol) << "merged vs unmerged " << how;
    EXPECT_LE(max_diff(model->logits(ids), want), tol) << "merged " << how;
    EXPECT_LE(max_diff(cached({6, 1, 1, 1, 1, 1, 1, 1}), want), tol) << "merged cached " << how;
    adapters.unmerge();
    adapters.unmerge();
    EXPECT_FALSE(adapters.merged());
    for (auto& item : model->named_parameters())
      EXPECT_TRUE(torch::equal(item.value(), base[item.key()])) << "unmerge must restore " << item.key();
  }
  // Detaching while merged restores the base weights too.
  adapters.merge();
  adapters.detach();
  for (auto& item : model->named_parameters()) EXPECT_TRUE(torch::equal(item.value(), base[item.key()]));
}

TEST_P(LoraVariants, OnlyAdapterParametersGetGradients) {
  const auto v = GetParam();
  auto model = make_model(v);
  models::LoraAdapters adapters;
  adapters.attach(model, all_targets_of(v), 4);
  const auto ids = token_ids(2, 9);
  auto loss = torch::nn::functional::cross_entropy(model->logits(ids).flatten(0, 1), token_ids(2, 9, 2).flatten());
  loss.backward();
  for (auto& item : model->named_parameters()) EXPECT_FALSE(item.value().grad().defined()) << item.key();
  const auto named = adapters.named_parameters();
  for (std::size_t i = 0; i < named.size(); i += 2) {
    // B = 0: dL/dA = scale·Bᵀ(...) = 0 exactly, dL/dB ≠ 0.
    ASSERT_TRUE(named[i].second.grad().defined()) << named[i].first;
    ASSERT_TRUE(named[i + 1].second.grad().defined()) << named[i + 1].first;
    EXPECT_EQ(named[i].second.grad().abs().max().item<double>(), 0.0) << named[i].first;
    EXPECT_GT(named[i + 1].second.grad().abs().max().item<double>(), 0.0) << named[i + 1].first;
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, LoraVariants, kVariants, variant_name);

// Mamba blocks have no LoRA targets: the test variants' mamba model adapts lm_head only.
TEST(LoraAttach, ErrorsNameWhatCannotBeAdapted) {
  models::LoraAdapters adapters;
  auto tied = make_model({"attention", "transformer", true});
  nn::LoraConfig c;
  c.targets = {"q_proj", "lm_head"};
  expect_error([&] { adapters.attach(tied, c, 1); }, {"lm_head", "tied", "cannot be adapted"});
  EXPECT_FALSE(tied->model->blocks[0]->attention->q_lora) << "a failed attach must leave the model untouched";
  auto mamba = make_model({"mamba", "transformer", false});
  expect_error([&] { adapters.attach(mamba, nn::LoraConfig{}, 1); }, {"q_proj", "Mamba"});
  auto shared_qk = make_model({"linear", "mamba", false});
  c.targets = {"k_proj"};
  expect_error([&] { adapters.attach(shared_qk, c, 1); }, {"'k_proj'", "no projection"});
  // Two attachments to one model would fight over the slots.
  auto model = make_model({"attention", "transformer", false});
  models::LoraAdapters first, second;
  first.attach(model, nn::LoraConfig{}, 1);
  expect_error([&] { second.attach(model, nn::LoraConfig{}, 1); }, {"already has an adapter"});
}

TEST(LoraAttach, MovedAdaptersStayAttached) {
  auto model = make_model({"attention", "transformer", false});
  models::LoraAdapters outer;
  {
    models::LoraAdapters inner;
    inner.attach(model, nn::LoraConfig{}, 1);
    outer = std::move(inner);
  }
  EXPECT_TRUE(outer.attached());
  EXPECT_TRUE(model->model->blocks[0]->attention->q_lora);
  outer.detach();
  EXPECT_FALSE(model->model->blocks[0]->attention->q_lora);
}

// -------------------------------------------------------------------------------- finite differences

TEST(LoraGradient, AdapterGradientsMatchFiniteDifferences) {
  Kernels reference_kernels(kernels::Impl::Reference);  // the same path with and without gradients
  for (const Variant v : {Variant{"attention", "transformer", false}, Variant{"linear", "transformer", true},
                          Variant{"mlp", "mamba", true}}) {
    auto model = make_model(v, torch::kDouble);
    models::LoraAdapters adapters;
    auto config = all_targets_of(v, 3);
    config.dropout = 0.5;  // only in training mode; gradients are checked in eval mode
    adapters.attach(model, config, 7);
    adapters.train(false);
    randomize_adapters(adapters, 8, 0.2);
    const auto ids = token_ids(2, 7);
    torch::manual_seed(9);
    const auto weights = torch::randn({2, 7, 17}, torch::kDouble);
    auto loss_of = [&] { return (model->logits(ids) * weights).sum(); };
    loss_of().backward();
    std::mt19937 rng(3);
    for (auto& [name, p] : adapters.named_parameters()) {
      auto flat = p.detach().view(-1);
      const auto grad = p.grad().view(-1);
      for (int k = 0; k < 2; ++k) {
        const auto i = static_cast<std::int64_t>(rng() % flat.numel());
        const double eps = 1e-6, saved = flat[i].item<double>();
        double up, down;
        {
          torch::NoGradGuard no_grad;
          flat[i] = saved + eps;
          up = loss_of().item<double>();
          flat[i] = saved - eps;
          down = loss_of().item<double>();
          flat[i] = saved;
        }
        const double numeric = (up - down) / (2 * eps), analytic = grad[i].item<double>();
        EXPECT_NEAR(analytic, numeric, 1e-6 * std::max(1.0, std::abs(numeric)))
            << v.layer_type << " " << name << "[" << i << "]";
      }
    }
  }
}

// Training with the TTT scan rematerialised (the memory saver) and a frozen base: the same adapter
// gradients as keeping every intermediate.
TEST(LoraGradient, ScanRematerialisationGivesTheSameAdapterGradients) {
  for (const char* type : {"linear", "mlp"}) {
    const Variant v{type, "transformer", false};
    auto model = make_model(v, torch::kDouble);
    models::LoraAdapters adapters;
    adapters.attach(model, all_targets_of(v, 3), 7);
    randomize_adapters(adapters, 8, 0.2);
    const auto ids = token_ids(2, 11);  // 2 full mini-batches of 4 and a remainder
    auto grads = [&](std::int64_t group) {
      model->set_scan_checkpoint_group_size(group);
      for (auto& p : adapters.parameters()) p.mutable_grad() = torch::Tensor();
      model->logits(ids).pow(2).sum().backward();
      std::vector<torch::Tensor> out;
      for (auto& p : adapters.parameters()) out.push_back(p.grad().clone());
      return out;
    };
    const auto plain = grads(0), remat = grads(1);
    for (std::size_t i = 0; i < plain.size(); ++i)
      EXPECT_LE(max_diff(plain[i], remat[i]), 1e-10 * std::max(1.0, plain[i].abs().max().item<double>()))
          << type << " " << adapters.named_parameters()[i].first;
    for (auto& item : model->named_parameters()) EXPECT_FALSE(item.value().grad().defined()) << item.key();
  }
}

TEST(LoraDropout, ActsOnlyInTrainingMode) {
  auto model = make_model({"attention", "transformer", false});
  models::LoraAdapters adapters;
  auto config = all_targets_of({"attention", "transformer", false});
  config.dropout = 0.5;
  adapters.attach(model, config, 1);
  randomize_adapters(adapters, 2);
  const auto ids = token_ids(1, 8);
  torch::NoGradGuard no_grad;
  adapters.train(false);
  const auto a = model->logits(ids), b = model->logits(ids);
  EXPECT_TRUE(torch::equal(a, b));
  adapters.train(true);
  EXPECT_GT(max_diff(model->logits(ids), a), 1e-4);
  // Unit check of one adapter's delta: in eval mode exactly scale·(x Aᵀ) Bᵀ.
  torch::nn::Linear linear(torch::nn::LinearOptions(5, 3).bias(false));
  nn::LoraAdapter adapter(linear, 2, 3.0, 0.0, 11);
  adapter.B.copy_(torch::randn({3, 2}));
  const auto x = torch::randn({4, 5});
  const auto want = torch::matmul(x.to(torch::kDouble), adapter.A.t().to(torch::kDouble));
  EXPECT_LE(max_diff(adapter.delta(x).to(torch::kDouble), 1.5 * torch::matmul(want, adapter.B.t().to(torch::kDouble))),
            1e-5);
}

// ------------------------------------------------------------------------------------------- reset

TEST(LoraReset, RestoresTheFreshAttachState) {
  const Variant v{"linear", "transformer", false};
  auto model = make_model(v), other = make_model(v);
  const auto config = all_targets_of(v);
  models::LoraAdapters adapters, fresh;
  adapters.attach(model, config, 42);
  fresh.attach(other, config, 42);
  const auto initial = adapters.named_parameters();
  std::vector<torch::Tensor> initial_values;
  for (auto& [name, t] : initial) initial_values.push_back(t.detach().clone());
  for (std::size_t i = 0; i < initial.size(); ++i)
    EXPECT_TRUE(torch::equal(initial[i].second, fresh.named_parameters()[i].second)) << initial[i].first;
  // A is uniform(±1/sqrt(in)) and differs between adapters.
  for (std::size_t i = 0; i < initial.size(); i += 2) {
    const auto& a = initial[i].second;
    EXPECT_LE(a.abs().max().item<double>(), 1.0 / std::sqrt(static_cast<double>(a.size(1))) + 1e-7);
    EXPECT_GT(a.std().item<double>(), 0.5 / std::sqrt(3.0 * a.size(1)));
    if (i > 0 && initial[i - 2].second.sizes() == a.sizes()) EXPECT_FALSE(torch::equal(initial[i - 2].second, a));
  }
  // "Train": change everything, leave gradients, merge.
  model->logits(token_ids(1, 6)).sum().backward();
  randomize_adapters(adapters, 3);
  adapters.merge();
  adapters.reset(42);
  EXPECT_FALSE(adapters.merged());
  const auto after = adapters.named_parameters();
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_TRUE(torch::equal(after[i].second, initial_values[i])) << after[i].first;
    EXPECT_FALSE(after[i].second.grad().defined()) << after[i].first;
  }
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model->logits(token_ids(2, 9)), other->logits(token_ids(2, 9))));
  adapters.reset(43);
  EXPECT_FALSE(torch::equal(adapters.parameters()[0], initial_values[0]));
  // A's of one name are the same whatever else is adapted.
  auto third = make_model(v);
  models::LoraAdapters only_q;
  auto q_only = config;
  q_only.targets = {"q_proj"};
  only_q.attach(third, q_only, 42);
  EXPECT_TRUE(torch::equal(only_q.parameters()[0], initial_values[0]));
}

// -------------------------------------------------------------------------------------- save / load

class LoraFiles : public ::testing::Test {
 protected:
  std::filesystem::path dir = test_support::fresh_temp_dir("ttt_lora_test");
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
};

TEST_F(LoraFiles, SaveLoadRoundTripIsExact) {
  const Variant v{"attention", "transformer", false};
  auto model = make_model(v), other = make_model(v);
  models::LoraAdapters adapters, loaded;
  adapters.attach(model, all_targets_of(v), 1);
  randomize_adapters(adapters, 2);
  adapters.save(path("task.safetensors"));
  const auto file = io::load_tensors(path("task.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "ttt-lora");
  EXPECT_EQ(nn::lora_config_from_json(file.metadata.at("lora_config"), "f").targets, all_targets_of(v).targets);
  loaded.attach(other, all_targets_of(v), 99);
  loaded.merge();  // loading into merged adapters re-merges the loaded values
  loaded.load(path("task.safetensors"));
  EXPECT_TRUE(loaded.merged());
  loaded.unmerge();
  const auto a = adapters.named_parameters(), b = loaded.named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  }
  {
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::equal(model->logits(token_ids(2, 10)), other->logits(token_ids(2, 10))));
  }
  // The targets are a set: another order (and another dropout, a training setting) loads the same file.
  auto reordered = all_targets_of(v);
  std::reverse(reordered.targets.begin(), reordered.targets.end());
  reordered.dropout = 0.1;
  auto third = make_model(v);
  models::LoraAdapters again;
  again.attach(third, reordered, 5);
  again.load(path("task.safetensors"));
  const auto c = again.named_parameters();
  ASSERT_EQ(c.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, c[i].second)) << a[i].first;
}

TEST_F(LoraFiles, BadFilesAreRejectedNamingTheFileAndChangingNothing) {
  const Variant v{"attention", "transformer", false};
  auto model = make_model(v);
  models::LoraAdapters adapters;
  adapters.attach(model, all_targets_of(v), 1);
  randomize_adapters(adapters, 2);
  adapters.save(path("good.safetensors"));
  std::vector<torch::Tensor> before;
  for (auto& p : adapters.parameters()) before.push_back(p.detach().clone());
  auto unchanged = [&] {
    const auto now = adapters.parameters();
    for (std::size_t i = 0; i < now.size(); ++i) EXPECT_TRUE(torch::equal(now[i], before[i]));
  };

  const auto missing = path("missing.safetensors");
  expect_error([&] { adapters.load(missing); }, {missing});

  const auto bytes = read_file(path("good.safetensors"));
  for (std::size_t keep : {std::size_t{0}, std::size_t{5}, std::size_t{60}, bytes.size() / 2, bytes.size() - 1}) {
    const auto truncated = path("truncated_" + std::to_string(keep) + ".safetensors");
    write_file_atomic(truncated, std::string_view(bytes).substr(0, keep));
    expect_error([&] { adapters.load(truncated); }, {truncated});
  }
  unchanged();

  // Files for other configs: rank, targets, alpha, and another model's shapes.
  auto saved_with = [&](const std::string& name, const Variant& w, nn::LoraConfig config) {
    auto m = make_model(w);
    models::LoraAdapters a;
    a.attach(m, config, 1);
    a.save(path(name));
    return path(name);
  };
  auto config = all_targets_of(v);
  config.rank = 8;
  expect_error([&] { adapters.load(saved_with("rank8.safetensors", v, config)); },
               {path("rank8.safetensors"), "rank 8", "rank 4"});
  config = all_targets_of(v);
  config.targets = {"q_proj", "v_proj"};
  expect_error([&] { adapters.load(saved_with("qv.safetensors", v, config)); },
               {path("qv.safetensors"), "targets [q_proj, v_proj]"});
  config = all_targets_of(v);
  config.alpha = 32;
  expect_error([&] { adapters.load(saved_with("alpha.safetensors", v, config)); },
               {path("alpha.safetensors"), "alpha 32"});
  auto bigger = v;
  expect_error(
      [&] {
        auto m = test_support::random_model([] {
          auto c = lora_config_of({"attention", "transformer", false});
          c.hidden_size = 48;
          c.num_attention_heads = 4;
          return c;
        }(), torch::kFloat, 1);
        models::LoraAdapters a;
        a.attach(m, all_targets_of(bigger), 1);
        a.save(path("wide.safetensors"));
        adapters.load(path("wide.safetensors"));
      },
      {path("wide.safetensors"), "has shape", "needs"});
  unchanged();

  // A model checkpoint is not an adapter file; a hostile adapter file with NaN or a renamed tensor.
  models::save_weights(path("weights.safetensors"), model);
  expect_error([&] { adapters.load(path("weights.safetensors")); }, {path("weights.safetensors"), "format"});
  auto tensors = adapters.named_parameters();
  std::vector<std::pair<std::string, torch::Tensor>> copy;
  for (auto& [n, t] : tensors) copy.emplace_back(n, t.detach().clone());
  const std::map<std::string, std::string> metadata = io::load_tensors(path("good.safetensors")).metadata;
  copy[1].second[0][0] = std::nan("");
  io::save_tensors(path("nan.safetensors"), copy, metadata);
  expect_error([&] { adapters.load(path("nan.safetensors")); }, {path("nan.safetensors"), "non-finite"});
  copy[1].second[0][0] = 0.0;
  copy.pop_back();
  io::save_tensors(path("short.safetensors"), copy, metadata);
  expect_error([&] { adapters.load(path("short.safetensors")); }, {path("short.safetensors"), "missing tensor"});
  copy.emplace_back("model.layers.9.mlp.up_proj.lora_B", torch::zeros({48, 4}));
  io::save_tensors(path("renamed.safetensors"), copy, metadata);
  expect_error([&] { adapters.load(path("renamed.safetensors")); },
               {path("renamed.safetensors"), "unexpected tensor 'model.layers.9.mlp.up_proj.lora_B'"});
  copy.pop_back();
  copy.emplace_back(tensors.back().first, tensors.back().second.detach().to(torch::kDouble));
  io::save_tensors(path("double.safetensors"), copy, metadata);
  expect_error([&] { adapters.load(path("double.safetensors")); }, {path("double.safetensors"), "Double"});
  unchanged();
  EXPECT_NO_THROW(adapters.load(path("good.safetensors")));
  unchanged();
}
