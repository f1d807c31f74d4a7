// Constrained greedy grid decoding with hand-made logits sources: the mask is enforced against sources
// that prefer illegal tokens, every choice is the argmax of an independently computed allowed set, and
// hand-worked cases give exact grids and log-probabilities.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "arc/random_tasks.h"
#include "support/expect_error.h"
#include "ttt/arc/grid_decoder.h"
#include "ttt/arc/grid_tokens.h"

using namespace ttt::arc;

namespace {

// Logits computed from the tokens generated so far; records every call.
class ScriptedLogits : public NextTokenLogits {
 public:
  using Script = std::function<std::vector<double>(const std::vector<std::int32_t>& generated)>;
  explicit ScriptedLogits(Script script) : script_(std::move(script)) {}
  std::vector<double> start(const std::vector<std::int32_t>& prompt) override {
    prompt_ = prompt;
    generated.clear();
    return remember(script_(generated));
  }
  std::vector<double> step(std::int32_t token) override {
    generated.push_back(token);
    return remember(script_(generated));
  }
  std::vector<std::int32_t> generated;        // tokens fed back through step()
  std::vector<std::vector<double>> returned;  // every logits vector handed out

 private:
  std::vector<double> remember(std::vector<double> v) {
    returned.push_back(v);
    return v;
  }
  Script script_;
  std::vector<std::int32_t> prompt_;
};

std::vector<double> logits_with(std::vector<std::pair<std::int32_t, double>> values, std::size_t size = kGridVocabSize) {
  std::vector<double> v(size, 0.0);
  for (auto [id, x] : values) v[static_cast<std::size_t>(id)] = x;
  return v;
}

const std::vector<std::int32_t> kPrompt = {kTokenBos, kTokenInput, 1, kTokenRowEnd, kTokenOutput};

// Slow twin of GridTokenConstraint: `next` is allowed after `prefix` when prefix + next can still be
// completed to a grid of at most max_rows x max_cols, decided by rebuilding the rows from scratch.
bool allowed_by_rows(const std::vector<std::int32_t>& prefix, std::int32_t next, int max_rows, int max_cols) {
  std::vector<int> widths;  // completed rows
  int current = 0;
  for (std::int32_t t : prefix) {
    if (t == kTokenRowEnd) {
      widths.push_back(current);
      current = 0;
    } else {
      ++current;
    }
  }
  const int limit = widths.empty() ? max_cols : widths.front();
  if (next >= 0 && next <= 9) return (current > 0 || static_cast<int>(widths.size()) < max_rows) && current + 1 <= limit;
  if (next == kTokenRowEnd) return current > 0 && (widths.empty() || current == widths.front());
  if (next == kTokenEndOfExample) return current == 0 && !widths.empty();
  return false;
}

}  // namespace

TEST(GridTokenConstraint, FollowsTheRulesOnAHandWrittenSequence) {
  GridTokenConstraint c(2, 3);
  EXPECT_FALSE(c.allows(kTokenRowEnd));  // no cell yet
  EXPECT_FALSE(c.allows(kTokenEndOfExample));
  EXPECT_FALSE(c.allows(kTokenInput));
  EXPECT_FALSE(c.allows(kTokenPad));
  EXPECT_FALSE(c.allows(-1));
  EXPECT_FALSE(c.allows(17));
  EXPECT_TRUE(c.allows(0));
  c.advance(4);
  c.advance(5);
  EXPECT_TRUE(c.allows(kTokenRowEnd));
  EXPECT_FALSE(c.allows(kTokenEndOfExample));  // mid-row
  c.advance(6);
  EXPECT_FALSE(c.allows(7));  // max_cols reached
  c.advance(kTokenRowEnd);
  EXPECT_EQ(c.width(), 3);
  EXPECT_TRUE(c.allows(kTokenEndOfExample));
  c.advance(1);
  EXPECT_FALSE(c.allows(kTokenRowEnd));  // second row must have width 3
  c.advance(2);
  EXPECT_FALSE(c.allows(kTokenRowEnd));
  c.advance(3);
  EXPECT_FALSE(c.allows(4));
  EXPECT_TRUE(c.allows(kTokenRowEnd));
  c.advance(kTokenRowEnd);
  EXPECT_FALSE(c.allows(0));  // max_rows reached: only EOX
  EXPECT_TRUE(c.allows(kTokenEndOfExample));
  ttt::test_support::expect_error([&] { c.advance(kTokenRowEnd); }, {"not allowed"});
  c.advance(kTokenEndOfExample);
  EXPECT_TRUE(c.finished());
  EXPECT_FALSE(c.allows(kTokenEndOfExample));
  ttt::test_support::expect_error([] { GridTokenConstraint(0, 3); }, {"max_rows"});
  ttt::test_support::expect_error([] { GridTokenConstraint(3, 31); }, {"max_cols"});
}

TEST(GridDecoder, PrefersAColorUntilLimitsForceRowEndsAndEox) {
  // Color 3 always wins, ROW_END and EOX score lowest: the grid fills up to max_rows x max_cols.
  ScriptedLogits source([](const std::vector<std::int32_t>&) {
    return logits_with({{3, 5.0}, {kTokenRowEnd, -5.0}, {kTokenEndOfExample, -5.0}, {kTokenInput, 9.0}});
  });
  GridDecodeOptions options;
  options.max_rows = 3;
  options.max_cols = 4;
  const auto out = decode_grid_greedy(source, kPrompt, options);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->grid, Grid(3, 4, 3));
  EXPECT_EQ(out->tokens.size(), 3u * 5u + 1u);
  EXPECT_EQ(out->tokens.back(), kTokenEndOfExample);
  // The final EOX is not fed back: one start plus one step per token before it.
  EXPECT_EQ(source.returned.size(), out->tokens.size());
  EXPECT_EQ(source.generated, std::vector<std::int32_t>(out->tokens.begin(), out->tokens.end() - 1));

  options.max_new_tokens = 15;  // one short of the EOX
  EXPECT_FALSE(decode_grid_greedy(source, kPrompt, options).has_value());
}

TEST(GridDecoder, IllegalFavouritesAreMaskedAndWidthsAreEnforced) {
  // ROW_END at row start, then markers, then ROW_END mid second row: all illegal at those points.
  // Step script: row 1 = "7 8 ROW_END" (legal), row 2 wants ROW_END after one cell (illegal: width 2),
  // so the best color (9) follows, then ROW_END, then EOX is preferred.
  ScriptedLogits source([](const std::vector<std::int32_t>& g) {
    switch (g.size()) {
      case 0: return logits_with({{kTokenRowEnd, 9.0}, {kTokenEndOfExample, 8.0}, {7, 1.0}});
      case 1: return logits_with({{kTokenBos, 9.0}, {kTokenPad, 8.0}, {8, 1.0}});
      case 2: return logits_with({{kTokenRowEnd, 3.0}, {2, 1.0}});
      case 3: return logits_with({{kTokenRowEnd, 9.0}, {kTokenOutput, 8.0}, {5, 1.0}});
      case 4: return logits_with({{kTokenRowEnd, 9.0}, {9, 1.0}});
      default: return logits_with({{kTokenEndOfExample, 2.0}, {kTokenRowEnd, 1.0}, {4, 1.5}});
    }
  });
  const auto out = decode_grid_greedy(source, kPrompt, {});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->grid, Grid::from_rows({{7, 8}, {5, 9}}));
  EXPECT_EQ(out->tokens, (std::vector<std::int32_t>{7, 8, kTokenRowEnd, 5, 9, kTokenRowEnd, kTokenEndOfExample}));
}

TEST(GridDecoder, LogProbabilitiesAreHandComputed) {
  // [[7]]: step 1 picks 7 (allowed: colors), step 2 ROW_END (allowed: colors, ROW_END), step 3 EOX
  // (allowed: colors, EOX). Extra ids beyond the grid vocabulary take part in the raw softmax only.
  ScriptedLogits source([](const std::vector<std::int32_t>& g) {
    if (g.empty()) return logits_with({{7, 2.0}, {kTokenRowEnd, 3.0}}, 20);
    if (g.size() == 1) return logits_with({{kTokenRowEnd, 1.0}, {19, 4.0}}, 20);
    return logits_with({{kTokenEndOfExample, 1.5}}, 20);
  });
  const auto out = decode_grid_greedy(source, kPrompt, {});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->grid, Grid::from_rows({{7}}));
  const double e = std::exp(1.0);
  // Raw: over 20 ids.
  const double raw1 = 2.0 - std::log(std::exp(2.0) + std::exp(3.0) + 18.0);
  const double raw2 = 1.0 - std::log(e + std::exp(4.0) + 18.0);
  const double raw3 = 1.5 - std::log(std::exp(1.5) + 19.0);
  EXPECT_NEAR(out->log_prob, raw1 + raw2 + raw3, 1e-12);
  // Masked: colors only (10), colors + ROW_END (11), colors + EOX (11).
  const double m1 = 2.0 - std::log(std::exp(2.0) + 9.0);
  const double m2 = 1.0 - std::log(e + 10.0);
  const double m3 = 1.5 - std::log(std::exp(1.5) + 10.0);
  EXPECT_NEAR(out->masked_log_prob, m1 + m2 + m3, 1e-12);
}

TEST(GridDecoder, RandomLogitsAlwaysGiveParsableGridsWithinLimits) {
  // Random logits with illegal tokens boosted: every choice must be the best token of the allowed set as
  // the slow twin computes it, and every output must parse and respect the limits.
  DeterministicRng rng(5);
  int illegal_favourites = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int max_rows = 1 + static_cast<int>(rng.below(6));
    const int max_cols = 1 + static_cast<int>(rng.below(6));
    const double boost = static_cast<double>(rng.below(4));
    DeterministicRng draws(rng.next());
    ScriptedLogits source([&](const std::vector<std::int32_t>&) {
      std::vector<double> v(kGridVocabSize);
      for (auto& x : v) x = static_cast<double>(draws.below(1000)) / 100.0;
      for (std::int32_t id : {kTokenRowEnd, kTokenEndOfExample, kTokenInput, kTokenBos, kTokenPad}) v[id] += boost;
      return v;
    });
    GridDecodeOptions options;
    options.max_rows = max_rows;
    options.max_cols = max_cols;
    const auto out = decode_grid_greedy(source, kPrompt, options);
    ASSERT_TRUE(out.has_value());
    const auto parsed = parse_grid_tokens(out->tokens);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, out->grid);
    EXPECT_LE(out->grid.height(), max_rows);
    EXPECT_LE(out->grid.width(), max_cols);
    EXPECT_LE(out->log_prob, out->masked_log_prob + 1e-12);
    std::vector<std::int32_t> prefix;
    for (std::size_t k = 0; k < out->tokens.size(); ++k) {
      const std::vector<double>& logits = source.returned[k];
      std::int32_t best = -1, raw_best = 0;
      for (std::int32_t id = 0; id < kGridVocabSize; ++id) {
        if (logits[id] > logits[raw_best]) raw_best = id;
        if (allowed_by_rows(prefix, id, max_rows, max_cols) && (best < 0 || logits[id] > logits[best])) best = id;
      }
      ASSERT_EQ(out->tokens[k], best) << "trial " << trial << " step " << k;
      if (!allowed_by_rows(prefix, raw_best, max_rows, max_cols)) ++illegal_favourites;
      prefix.push_back(out->tokens[k]);
    }
  }
  EXPECT_GT(illegal_favourites, 100);  // the mask had work to do
}

TEST(GridDecoder, RejectsBadPromptsAndLogits) {
  ScriptedLogits fine([](const std::vector<std::int32_t>&) { return logits_with({{1, 1.0}}); });
  ttt::test_support::expect_error([&] { decode_grid_greedy(fine, {kTokenBos, kTokenInput}, {}); }, {"output marker"});
  ttt::test_support::expect_error([&] { decode_grid_greedy(fine, {}, {}); }, {"output marker"});
  GridDecodeOptions bad;
  bad.max_rows = 31;
  ttt::test_support::expect_error([&] { decode_grid_greedy(fine, kPrompt, bad); }, {"max_rows"});
  ScriptedLogits short_logits([](const std::vector<std::int32_t>&) { return std::vector<double>(13, 0.0); });
  ttt::test_support::expect_error([&] { decode_grid_greedy(short_logits, kPrompt, {}); }, {"13 logits"});
  ScriptedLogits nan_logits([](const std::vector<std::int32_t>&) { return logits_with({{2, std::nan("")}}); });
  ttt::test_support::expect_error([&] { decode_grid_greedy(nan_logits, kPrompt, {}); }, {"NaN"});
}
