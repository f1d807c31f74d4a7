// A sequence fed in any chunking (prefill pieces of any length at any offset, single-token decode
// steps) must give the logits of one full pass; ground truth is the uncached full forward.
#include <gtest/gtest.h>

#include <random>

#include "support/random_models.h"
#include "ttt/util/error.h"

using namespace ttt;

namespace {

struct Variant {
  const char* layer_type;
  const char* backbone;
};

class ChunkedPrefill : public ::testing::TestWithParam<Variant> {};

torch::Tensor run_chunked(models::CausalLM& model, const torch::Tensor& ids, const std::vector<int64_t>& chunks) {
  auto cache = model->new_cache();
  std::vector<torch::Tensor> logits;
  int64_t t = 0;
  for (auto n : chunks) {
    logits.push_back(model->forward(ids.narrow(1, t, n), &cache).logits);
    t += n;
  }
  EXPECT_EQ(cache.position, ids.size(1));
  return torch::cat(logits, 1);
}

std::vector<int64_t> random_chunks(int64_t total, std::mt19937& rng) {
  std::vector<int64_t> chunks;
  while (total > 0) {
    int64_t n = std::min<int64_t>(total, 1 + rng() % 9);
    chunks.push_back(n);
    total -= n;
  }
  return chunks;
}

}  // namespace

TEST_P(ChunkedPrefill, AnyChunkingMatchesOneFullPass) {
  const auto v = GetParam();
  for (auto dtype : {torch::kDouble, torch::kFloat}) {
    auto model = test_support::random_model(test_support::tiny_config(v.layer_type, v.backbone), dtype, 7);
    torch::NoGradGuard no_grad;
    const int64_t len = 29;  // 7 mini-batches of 4 and a remainder of 1
    auto ids = torch::randint(0, 23, {2, len}, torch::kLong);
    auto full = model->forward(ids).logits;
    const double tol = dtype == torch::kDouble ? 1e-10 : 2e-5;
    std::mt19937 rng(123);
    std::vector<std::vector<int64_t>> chunkings = {{5, 1, 22, 1}, {1, 1, 1, 26}, {4, 4, 4, 17}, {3, 26},
                                                   std::vector<int64_t>(29, 1)};
    for (int i = 0; i < 6; ++i) chunkings.push_back(random_chunks(len, rng));
    for (const auto& chunks : chunkings) {
      auto chunked = run_chunked(model, ids, chunks);
      const double diff = (chunked - full).abs().max().item<double>();
      std::string desc;
      for (auto n : chunks) desc += std::to_string(n) + " ";
      EXPECT_LE(diff, tol) << v.layer_type << "/" << v.backbone << " chunks " << desc;
    }
  }
}

// Prefill a prompt once, repeat its cache, continue each copy with a different ending: every copy must give
// the logits of its own full sequence (the prompt offset, 6, is not a mini-batch boundary; a batch-2 prompt
// checks that each sequence's copies stay together).
TEST_P(ChunkedPrefill, RepeatedCacheContinuesEachCopyIndependently) {
  const auto v = GetParam();
  auto model = test_support::random_model(test_support::tiny_config(v.layer_type, v.backbone), torch::kDouble, 9);
  torch::NoGradGuard no_grad;
  const auto prompt = torch::randint(0, 23, {2, 6}, torch::kLong);
  const auto endings = torch::randint(0, 23, {6, 7}, torch::kLong);  // 3 per prompt sequence
  auto cache = model->new_cache();
  model->forward(prompt, &cache);
  auto copies = models::repeat_cache_batch(cache, 3);
  EXPECT_EQ(copies.position, 6);
  const auto continued = model->forward(endings, &copies).logits;
  for (int64_t row = 0; row < 6; ++row) {
    const auto full = model->forward(torch::cat({prompt.narrow(0, row / 3, 1), endings.narrow(0, row, 1)}, 1)).logits;
    const double diff = (continued.narrow(0, row, 1) - full.narrow(1, 6, 7)).abs().max().item<double>();
    EXPECT_LE(diff, 1e-10) << v.layer_type << "/" << v.backbone << " row " << row;
  }
  // The original cache is untouched: it still continues its own sequences.
  const auto again = model->forward(endings.narrow(0, 0, 2), &cache).logits;
  const auto full0 = model->forward(torch::cat({prompt, endings.narrow(0, 0, 2)}, 1)).logits;
  EXPECT_LE((again - full0.narrow(1, 6, 7)).abs().max().item<double>(), 1e-10);
  EXPECT_THROW(models::repeat_cache_batch(cache, 0), Error);
}

// A cache copied layer by layer (times = 1, what `ttt bench --op decode` does before each repeat; repeat_cache_batch
// copies each layer with repeat_layer_cache_batch): the copy shares no storage with the original, and decoding
// from either gives the full sequence's logits.
TEST_P(ChunkedPrefill, LayerCacheCopySharesNothingAndContinuesLikeTheOriginal) {
  const auto v = GetParam();
  auto model = test_support::random_model(test_support::tiny_config(v.layer_type, v.backbone), torch::kDouble, 10);
  torch::NoGradGuard no_grad;
  const auto ids = torch::randint(0, 23, {1, 13}, torch::kLong);
  auto cache = model->new_cache();
  model->forward(ids.narrow(1, 0, 7), &cache);
  auto copy = models::repeat_cache_batch(cache, 1);
  for (std::size_t i = 0; i < cache.layers.size(); ++i) {
    const auto& a = cache.layers[i];
    const auto& b = copy.layers[i];
    std::vector<std::pair<torch::Tensor, torch::Tensor>> pairs{{a.pre_conv_history, b.pre_conv_history},
                                                               {a.qk_conv_history, b.qk_conv_history},
                                                               {a.keys, b.keys},
                                                               {a.values, b.values},
                                                               {a.mamba_conv_history, b.mamba_conv_history},
                                                               {a.ssm_state, b.ssm_state}};
    for (std::size_t w = 0; w < a.inner.weights.size(); ++w) pairs.emplace_back(a.inner.weights[w], b.inner.weights[w]);
    for (const auto& [x, y] : pairs) {
      ASSERT_EQ(x.defined(), y.defined());
      if (!x.defined()) continue;
      EXPECT_TRUE(torch::equal(x, y)) << "layer " << i;
      EXPECT_NE(x.data_ptr(), y.data_ptr()) << "layer " << i << " shares storage";
    }
    EXPECT_EQ(a.kv_length, b.kv_length);
  }
  const auto full = model->forward(ids).logits.narrow(1, 7, 6);
  for (auto* c : {&copy, &cache}) {
    std::vector<torch::Tensor> steps;
    for (int64_t t = 7; t < 13; ++t) steps.push_back(model->forward(ids.narrow(1, t, 1), c).logits);
    EXPECT_LE((torch::cat(steps, 1) - full).abs().max().item<double>(), 1e-10) << v.layer_type << "/" << v.backbone;
  }
  EXPECT_THROW(models::repeat_layer_cache_batch(cache.layers[0], 0), Error);
}

INSTANTIATE_TEST_SUITE_P(Variants, ChunkedPrefill,
                         ::testing::Values(Variant{"linear", "transformer"}, Variant{"linear", "mamba"},
                                           Variant{"mlp", "transformer"}, Variant{"mlp", "mamba"},
                                           Variant{"attention", "transformer"}, Variant{"mamba", "transformer"}),
                         [](const auto& info) {
                           return std::string(info.param.layer_type) + "_" + info.param.backbone;
                         });

TEST(DualVsPrimal, FullModelAgreesIncludingRemainderMiniBatch) {
  for (const char* type : {"linear", "mlp"}) {
    for (const char* backbone : {"transformer", "mamba"}) {
      auto model = test_support::random_model(test_support::tiny_config(type, backbone), torch::kDouble, 11);
      torch::NoGradGuard no_grad;
      auto ids = torch::randint(0, 23, {3, 14}, torch::kLong);  // 3 mini-batches of 4 + remainder 2
      auto dual = model->forward(ids, nullptr, true);
      model->use_primal_form(true);
      auto primal = model->forward(ids, nullptr, true);
      model->use_primal_form(false);
      EXPECT_LE((dual.logits - primal.logits).abs().max().item<double>(), 1e-10) << type << "/" << backbone;
      for (size_t i = 0; i < dual.hidden_states.size(); ++i)
        EXPECT_LE((dual.hidden_states[i] - primal.hidden_states[i]).abs().max().item<double>(), 1e-10);
      // The inner model really learns: with ttt_base_lr = 0 (no inner steps) the logits differ.
      model->set_ttt_base_lr(0.0);
      auto frozen = model->forward(ids).logits;
      EXPECT_GT((dual.logits - frozen).abs().max().item<double>(), 1e-4) << type << "/" << backbone;
    }
  }
}
