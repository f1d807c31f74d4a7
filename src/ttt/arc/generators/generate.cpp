#include "ttt/arc/generators/generate.h"

#include <algorithm>
#include <vector>

#include "ttt/util/error.h"

namespace ttt::arc::gen {

namespace {

// Tries per example and per task. A family that fails this often for a side range cannot do it in
// practice (e.g. scaling by 3 with max_side 5), and the error says so.
constexpr int kPairTries = 60;
constexpr int kRuleTries = 25;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

void check_colors(const Grid& grid, const std::string& family) {
  for (auto v : grid.cells())
    TTT_CHECK(v < kNumColors, "[arc generate] internal error: family '", family, "' produced color ",
              static_cast<int>(v));
}

bool side_ok(int side, int lo, int hi) { return side >= lo && side <= hi; }

// Draws one example that passes every check, or throws Redraw with the last reason.
Pair draw_valid_pair(const Family& family, const Rule& rule, Rng& rng, const GenerateOptions& options,
                     const std::vector<Pair>& earlier) {
  const SideRange& s = options.sides;
  std::string reason = "no attempt";
  for (int attempt = 0; attempt < kPairTries; ++attempt) {
    try {
      Pair pair;
      if (rule.draw_pair) {
        pair = rule.draw_pair(rng);
      } else {
        pair.input = rule.draw_input(rng);
        pair.output = rule.apply(pair.input);
      }
      check_colors(pair.input, family.name);
      check_colors(pair.output, family.name);
      redraw_if(!side_ok(pair.input.height(), s.min_side, s.max_side) ||
                    !side_ok(pair.input.width(), s.min_side, s.max_side),
                "input side outside the requested range");
      redraw_if(!side_ok(pair.output.height(), 1, s.max_side) || !side_ok(pair.output.width(), 1, s.max_side),
                "output side outside 1..max_side");
      redraw_if(pair.output == pair.input, "output equals input");
      // An all-background input shows nothing of the rule (and makes counts of zero look like one).
      redraw_if(std::all_of(pair.input.cells().begin(), pair.input.cells().end(), [](auto v) { return v == 0; }),
                "input is empty");
      if (rule.draw_pair && rule.apply) redraw_if(rule.apply(pair.input) != pair.output, "pair breaks the rule");
      for (const Pair& e : earlier) redraw_if(e.input == pair.input, "duplicate input");
      return pair;
    } catch (const Redraw& r) {
      reason = r.reason;
    }
  }
  redraw(reason);
}

}  // namespace

void check_options(const GenerateOptions& o) {
  const SideRange& s = o.sides;
  TTT_CHECK(s.min_side >= 1 && s.min_side <= kMaxGridSide, "[arc generate] min side ", s.min_side,
            " must be within 1..", kMaxGridSide);
  TTT_CHECK(s.max_side >= 1 && s.max_side <= kMaxGridSide, "[arc generate] max side ", s.max_side,
            " must be within 1..", kMaxGridSide);
  TTT_CHECK(s.min_side <= s.max_side, "[arc generate] min side ", s.min_side, " exceeds max side ", s.max_side);
  TTT_CHECK(o.min_demos >= 1 && o.max_demos <= 10 && o.min_demos <= o.max_demos,
            "[arc generate] demonstrations ", o.min_demos, "..", o.max_demos, " must be within 1..10, low <= high");
}

std::uint64_t task_seed(std::uint64_t seed, const std::string& family, int index) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a of the family name
  for (unsigned char ch : family) h = (h ^ ch) * 1099511628211ULL;
  return splitmix64(splitmix64(seed ^ h) + static_cast<std::uint64_t>(index));
}

GeneratedTask generate_task(const Family& family, const GenerateOptions& options, std::uint64_t seed,
                            const std::string& id) {
  check_options(options);
  Rng rng(seed);
  std::string reason;
  for (int attempt = 0; attempt < kRuleTries; ++attempt) {
    try {
      Rule rule = family.draw_rule(rng, options.sides);
      TTT_CHECK(rule.draw_pair || (rule.draw_input && rule.apply), "[arc generate] internal error: family '",
                family.name, "' has neither draw_pair nor draw_input + apply");
      const int demos = rng.uniform(options.min_demos, options.max_demos);
      std::vector<Pair> pairs;
      for (int i = 0; i <= demos; ++i) pairs.push_back(draw_valid_pair(family, rule, rng, options, pairs));
      bool all_same_output = true;
      for (const Pair& p : pairs) all_same_output = all_same_output && p.output == pairs[0].output;
      redraw_if(all_same_output, "every example has the same output");

      GeneratedTask out;
      out.task.id = id;
      for (int i = 0; i < demos; ++i) out.task.train.push_back({pairs[i].input, pairs[i].output});
      out.task.test.push_back({pairs.back().input, pairs.back().output});
      out.rule = std::move(rule);
      return out;
    } catch (const Redraw& r) {
      reason = r.reason;
    }
  }
  fail("[arc generate] family '", family.name, "' could not produce a task with input sides ",
       options.sides.min_side, "..", options.sides.max_side, " in ", kRuleTries, " tries (last problem: ", reason,
       ")");
}

}  // namespace ttt::arc::gen
