// Constrained grid decoding with real (tiny, random) causal LMs: the cached decoder and its uncached slow
// twin produce the same tokens; every output parses and respects the limits; each step's token is the
// argmax over the allowed tokens of the full-forward logits, even where the model's favourite is illegal.
#include <gtest/gtest.h>

#include <chrono>

#include "arc/random_tasks.h"
#include "support/random_models.h"
#include "ttt/arc/grid_decoder_lm.h"
#include "ttt/arc/grid_tokens.h"

using namespace ttt;
using namespace ttt::arc;

namespace {

struct Variant {
  const char* layer_type;
  const char* backbone;
};

models::ModelConfig grid_model_config(const Variant& v) {
  models::ModelConfig c = test_support::tiny_config(v.layer_type, v.backbone);
  c.vocab_size = kGridVocabSize;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_attention_heads = 2;
  return c;
}

std::vector<std::int32_t> random_prompt(std::uint64_t seed) {
  DeterministicRng rng(seed);
  Task task = ttt::arc::testing::random_task(rng, 2 + static_cast<int>(rng.below(2)), 4);
  return serialize_query_tokens(task, 0);
}

// Full forward logits at every position of prompt + generated, as doubles [T, V].
torch::Tensor full_logits(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                          const std::vector<std::int32_t>& generated) {
  std::vector<std::int64_t> ids(prompt.begin(), prompt.end());
  ids.insert(ids.end(), generated.begin(), generated.end());
  torch::NoGradGuard no_grad;
  return model->forward(torch::tensor(ids, torch::kLong).view({1, -1})).logits[0].to(torch::kDouble);
}

class GridDecoderLM : public ::testing::TestWithParam<Variant> {};

}  // namespace

TEST_P(GridDecoderLM, CachedEqualsUncachedAndOutputsAreWellFormed) {
  const Variant v = GetParam();
  int illegal_favourites = 0;
  for (std::uint64_t model_seed = 0; model_seed < 2; ++model_seed) {
    auto model = test_support::random_model(grid_model_config(v), torch::kDouble, 100 + model_seed);
    for (std::uint64_t p = 0; p < 4; ++p) {
      const auto prompt = random_prompt(10 * model_seed + p);
      GridDecodeOptions options;
      options.max_rows = 2 + static_cast<int>(p % 3);
      options.max_cols = 3 + static_cast<int>(p % 2);
      const auto fast = decode_grid(model, prompt, options);
      const auto slow = decode_grid_uncached(model, prompt, options);
      ASSERT_TRUE(fast.has_value());
      ASSERT_TRUE(slow.has_value());
      EXPECT_EQ(fast->tokens, slow->tokens) << v.layer_type << " model " << model_seed << " prompt " << p;
      EXPECT_NEAR(fast->log_prob, slow->log_prob, 1e-9);
      EXPECT_NEAR(fast->masked_log_prob, slow->masked_log_prob, 1e-9);
      const auto parsed = parse_grid_tokens(fast->tokens);
      ASSERT_TRUE(parsed.has_value());
      EXPECT_EQ(*parsed, fast->grid);
      EXPECT_LE(fast->grid.height(), options.max_rows);
      EXPECT_LE(fast->grid.width(), options.max_cols);

      // Each step: the allowed argmax of an independent full forward; count the steps where the
      // unconstrained favourite was illegal.
      const torch::Tensor logits = full_logits(model, prompt, fast->tokens);
      GridTokenConstraint constraint(options.max_rows, options.max_cols);
      double log_prob = 0.0;
      for (std::size_t k = 0; k < fast->tokens.size(); ++k) {
        const torch::Tensor row = logits[static_cast<std::int64_t>(prompt.size() + k - 1)];
        std::int32_t best = -1;
        for (std::int32_t id = 0; id < kGridVocabSize; ++id)
          if (constraint.allows(id) && (best < 0 || row[id].item<double>() > row[best].item<double>())) best = id;
        EXPECT_EQ(fast->tokens[k], best) << "step " << k;
        const auto favourite = static_cast<std::int32_t>(row.argmax().item<std::int64_t>());
        if (!constraint.allows(favourite)) ++illegal_favourites;
        log_prob += torch::log_softmax(row, 0)[best].item<double>();
        constraint.advance(fast->tokens[k]);
      }
      EXPECT_NEAR(fast->log_prob, log_prob, 1e-9);
    }
  }
  // A random model's favourite tokens are all over the vocabulary: the mask must have overridden some.
  EXPECT_GT(illegal_favourites, 0);
}

TEST_P(GridDecoderLM, DefaultLimitsAlwaysFinishWithAParsableGrid) {
  // Full 30x30 limits, float model as the CLI runs it: decoding ends in a parsable grid within limits.
  const Variant v = GetParam();
  auto model = test_support::random_model(grid_model_config(v), torch::kFloat, 7);
  std::size_t tokens = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t p = 0; p < 3; ++p) {
    const auto out = decode_grid(model, random_prompt(50 + p), {});
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(parse_grid_tokens(out->tokens).has_value());
    EXPECT_LE(out->grid.height(), kMaxGridSide);
    EXPECT_LE(out->grid.width(), kMaxGridSide);
    tokens += out->tokens.size();
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ info ] " << v.layer_type << "/" << v.backbone << ": " << tokens << " tokens, "
            << ms / static_cast<double>(tokens) << " ms per token (incl. prefill)\n";
}

TEST(GridDecoderLMErrors, RejectsAModelWithoutTheGridVocabulary) {
  models::ModelConfig c = grid_model_config({"linear", "transformer"});
  c.vocab_size = 13;
  auto model = test_support::random_model(c, torch::kFloat, 1);
  EXPECT_THROW(decode_grid(model, {kTokenBos, kTokenOutput}, {}), ttt::Error);
}

INSTANTIATE_TEST_SUITE_P(Variants, GridDecoderLM,
                         ::testing::Values(Variant{"linear", "transformer"}, Variant{"attention", "transformer"},
                                           Variant{"linear", "mamba"}),
                         [](const auto& info) {
                           return std::string(info.param.layer_type) + "_" + info.param.backbone;
                         });

// Speed on the CPU "small" preset (hidden 256, 4 layers) with the grid vocabulary — not a test, a
// measurement: ./build/tests/ttt_arc_model_tests --gtest_also_run_disabled_tests --gtest_filter='*Speed*'
TEST(GridDecoderLMSpeed, DISABLED_SmallPresetCachedVsUncached) {
  for (const char* type : {"linear", "attention"}) {
    models::ModelConfig c = models::preset("small", type, "transformer");
    c.vocab_size = kGridVocabSize;
    auto model = test_support::random_model(c, torch::kFloat, 1);
    DeterministicRng rng(3);
    const Task task = ttt::arc::testing::random_task(rng, 3, 6, 9, 6);  // 6x6 grids: a 302-token prompt
    const auto prompt = serialize_query_tokens(task, 0);
    GridDecodeOptions options;  // a random model would fill 30x30; 8x8 keeps the uncached run short
    options.max_rows = 8;
    options.max_cols = 8;
    using clock = std::chrono::steady_clock;
    const auto ms_since = [](clock::time_point t) {
      return std::chrono::duration<double, std::milli>(clock::now() - t).count();
    };
    decode_grid(model, prompt, options);  // warm-up
    auto t0 = clock::now();
    CachedLMLogits prefill_only(model);
    prefill_only.start(prompt);
    const double prefill_ms = ms_since(t0);
    t0 = clock::now();
    const auto fast = decode_grid(model, prompt, options);
    const double fast_ms = ms_since(t0);
    t0 = clock::now();
    const auto slow = decode_grid_uncached(model, prompt, options);
    const double slow_ms = ms_since(t0);
    ASSERT_TRUE(fast && slow);
    EXPECT_EQ(fast->tokens, slow->tokens);
    const double n = static_cast<double>(fast->tokens.size());
    std::cout << "[ info ] small/" << type << ": prompt " << prompt.size() << " tokens, prefill " << prefill_ms
              << " ms; " << n << " generated tokens: cached " << (fast_ms - prefill_ms) / n
              << " ms/token after prefill (" << fast_ms << " ms total), uncached " << slow_ms / n
              << " ms/token (" << slow_ms << " ms total), uncached/cached total " << slow_ms / fast_ms << "\n";
  }
}
