#include "ttt/arc/search/search.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>

#include "ttt/arc/search/color_map.h"
#include "ttt/arc/search/dsl.h"
#include "ttt/arc/search/local_rule.h"
#include "ttt/arc/search/object_recolor.h"
#include "ttt/util/error.h"

namespace ttt::arc::search {

void check_options(const SearchOptions& options) {
  TTT_CHECK(options.max_depth >= 0 && options.max_depth <= 4, "[arc search] depth must be 0..4, got ",
            options.max_depth);
  TTT_CHECK(options.time_limit_s > 0, "[arc search] time limit must be positive, got ", options.time_limit_s);
  TTT_CHECK(options.max_states > 0, "[arc search] state budget must be positive");
}

std::string FoundProgram::text() const {
  if (steps.empty()) return "identity";
  std::string out;
  for (const std::string& s : steps) out += (out.empty() ? "" : " | ") + s;
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Node {
  std::vector<Grid> grids;  // demonstration inputs, then test inputs, transformed by the path
  int parent = -1;
  int transform = -1;
  int cost = 0;
  int depth = 0;
};

struct Candidate {
  int node = 0;
  int last_transform = -1;  // applied after `node` (leaf programs that were not stored), or -1
  std::optional<ColorMap> color_map;  // set when the program ends with a recolor step
  std::optional<LocalRule> local_rule;  // set when it ends with a learned local rule instead
  std::optional<ObjectRecolor> object_recolor;  // or with a learned per-object recoloring
  int length = 0;
  int cost = 0;
  std::size_t order = 0;
  // The recolor step meets a test color the demonstrations never mapped (kept as is: a guess).
  bool guesses_colors = false;
  std::vector<Grid> test_outputs;
};

std::size_t hash_grids(const std::vector<Grid>& grids) {
  std::size_t h = 0x9e3779b97f4a7c15ULL;
  for (const Grid& g : grids) h = (h ^ GridHash()(g)) * 0x100000001b3ULL + 0x7f4a7c15;
  return h;
}

constexpr int kRecolorCost = 1;
constexpr std::size_t kMaxCandidates = 10000;
// A local rule is a whole lookup table learned from the demonstrations: it costs more than any
// primitive, and is only tried on the task's own inputs: after a transform it fit by accident more
// often than not on the public training tasks.
constexpr int kLocalRuleCost = 4;
constexpr int kObjectRecolorCost = 3;
constexpr int kLocalRuleMaxPrefix = 0;
// A per-object recoloring also after one transform (e.g. fill_enclosed, then recolor by size).
constexpr int kLearnedRuleMaxPrefix = 1;

class Searcher {
 public:
  Searcher(const Task& task, const SearchOptions& options)
      : options_(options), palette_(task_palette(task)), transforms_(build_transforms(palette_)) {
    for (const Example& ex : task.train) {
      TTT_CHECK(ex.output.has_value(), "[arc search] task '", task.id, "': a demonstration has no output");
      root_.push_back(ex.input);
      truths_.push_back(*ex.output);
    }
    demos_ = truths_.size();
    for (const Example& ex : task.test) root_.push_back(ex.input);
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(options.time_limit_s));
  }

  SearchResult run() {
    nodes_.push_back({root_, -1, -1, 0, 0});
    remember(0);
    check(nodes_[0].grids, 0, -1, 0, 0);
    std::vector<int> level{0};
    for (int depth = 0; depth < options_.max_depth && !result_.timed_out; ++depth) {
      const bool leaf = depth + 1 == options_.max_depth;
      std::vector<int> next;
      for (int index : level) {
        for (int t = 0; t < static_cast<int>(transforms_.size()); ++t) {
          if (transforms_[t].first_step_only && depth > 0) continue;
          if (out_of_time()) break;
          if (leaf) {
            check_leaf(index, t);
          } else {
            expand(index, t, next);
          }
        }
        if (result_.timed_out) break;
      }
      if (!result_.timed_out) result_.depth_completed = depth + 1;
      level = std::move(next);
    }
    if (options_.max_depth == 0) result_.depth_completed = 0;
    result_.states = nodes_.size();
    rank();
    return std::move(result_);
  }

 private:
  bool out_of_time() {
    if (result_.timed_out) return true;
    if ((++result_.evaluations & 3) == 0 && Clock::now() > deadline_) result_.timed_out = true;
    return result_.timed_out;
  }

  std::optional<Grid> apply(int t, const Grid& g) const { return within_limits(transforms_[t].apply(g)); }

  void remember(int index) { seen_[hash_grids(nodes_[index].grids)].push_back(index); }

  bool known(const std::vector<Grid>& grids, std::size_t hash) const {
    const auto it = seen_.find(hash);
    if (it == seen_.end()) return false;
    for (int i : it->second)
      if (nodes_[i].grids == grids) return true;
    return false;
  }

  // A stored level: every grid transformed; new states are kept (within the budget) for the next level.
  void expand(int index, int t, std::vector<int>& next) {
    std::vector<Grid> grids;
    grids.reserve(root_.size());
    for (const Grid& g : nodes_[index].grids) {
      auto out = apply(t, g);
      if (!out) return;
      grids.push_back(std::move(*out));
    }
    const std::size_t hash = hash_grids(grids);
    if (known(grids, hash)) return;
    const Node& parent = nodes_[index];
    const int cost = parent.cost + transforms_[t].cost;
    const int depth = parent.depth + 1;
    if (nodes_.size() >= options_.max_states) {
      result_.state_budget_hit = true;
      check(grids, index, t, depth, cost);
      return;
    }
    nodes_.push_back({std::move(grids), index, t, cost, depth});
    const int child = static_cast<int>(nodes_.size()) - 1;
    remember(child);
    next.push_back(child);
    check(nodes_[child].grids, child, -1, depth, cost);
  }

  // The last level: demonstrations first, abandoning the branch at the first mismatch, and the test
  // inputs only for a consistent program. Nothing is stored.
  void check_leaf(int index, int t) {
    const Node& node = nodes_[index];
    if (!can_reach_output_shapes(node, transforms_[t].shape)) return;
    ColorMapLearner learner;
    std::vector<Grid> grids;
    grids.reserve(root_.size());
    for (std::size_t i = 0; i < demos_; ++i) {
      auto out = apply(t, node.grids[i]);
      if (!out || !learner.add(*out, truths_[i])) return;
      grids.push_back(std::move(*out));
    }
    for (std::size_t i = demos_; i < root_.size(); ++i) {
      auto out = apply(t, node.grids[i]);
      if (!out) return;
      grids.push_back(std::move(*out));
    }
    record(grids, index, t, node.depth + 1, node.cost + transforms_[t].cost, learner);
  }

  // False when the transform's known shape effect rules out every demonstration output's shape.
  bool can_reach_output_shapes(const Node& node, ShapeEffect effect) const {
    if (effect == ShapeEffect::kOther) return true;
    for (std::size_t i = 0; i < demos_; ++i) {
      const Grid& g = node.grids[i];
      const bool same = g.height() == truths_[i].height() && g.width() == truths_[i].width();
      if (effect == ShapeEffect::kKeeps && !same) return false;
      if (effect == ShapeEffect::kGrows &&
          (truths_[i].height() < g.height() || truths_[i].width() < g.width() || same))
        return false;
    }
    return true;
  }

  void check(const std::vector<Grid>& grids, int node, int last_transform, int length, int cost) {
    ColorMapLearner learner;
    bool mapped = true;
    for (std::size_t i = 0; i < demos_ && mapped; ++i) mapped = learner.add(grids[i], truths_[i]);
    if (mapped) {
      record(grids, node, last_transform, length, cost, learner);
    } else if (length <= kLearnedRuleMaxPrefix) {
      try_learned_rules(grids, node, last_transform, length, cost);
    }
  }

  void try_learned_rules(const std::vector<Grid>& grids, int node, int last_transform, int length, int cost) {
    const std::vector<Grid> produced(grids.begin(), grids.begin() + demos_);
    const std::vector<Grid> tests(grids.begin() + demos_, grids.end());
    if (auto rule = learn_object_recolor(produced, truths_, tests, palette_.bg)) {
      Candidate c = learned_candidate(node, last_transform, length, cost + kObjectRecolorCost);
      for (const Grid& g : tests) c.test_outputs.push_back(apply_object_recolor(*rule, g, palette_.bg));
      c.object_recolor = std::move(rule);
      add_learned(std::move(c));
    }
    if (length > kLocalRuleMaxPrefix) return;
    if (auto rule = learn_local_rule(produced, truths_, tests)) {
      Candidate c = learned_candidate(node, last_transform, length, cost + kLocalRuleCost);
      for (const Grid& g : tests) c.test_outputs.push_back(apply_local_rule(*rule, g));
      c.local_rule = std::move(rule);
      add_learned(std::move(c));
    }
  }

  Candidate learned_candidate(int node, int last_transform, int length, int cost) const {
    Candidate c;
    c.node = node, c.last_transform = last_transform, c.length = length + 1, c.cost = cost;
    return c;
  }

  void add_learned(Candidate c) {
    ++result_.consistent_programs;
    if (candidates_.size() >= kMaxCandidates) return;
    c.order = candidates_.size();
    candidates_.push_back(std::move(c));
  }

  void record(const std::vector<Grid>& grids, int node, int last_transform, int length, int cost,
              const ColorMapLearner& learner) {
    // Breadth-first order meets short programs first: past the cap only longer ones would be dropped.
    if (candidates_.size() >= kMaxCandidates) {
      ++result_.consistent_programs;
      return;
    }
    Candidate c;
    c.node = node, c.last_transform = last_transform, c.length = length, c.cost = cost;
    c.order = candidates_.size();
    if (!learner.is_identity()) {
      c.color_map = learner.map();
      c.length += 1;
      // Each changed color is one more thing learned from few examples: a map of many colors is
      // more likely a coincidence than a map of one.
      for (int k = 0; k < kNumColors; ++k)
        if (learner.map()[k] != kUnmapped && learner.map()[k] != k) c.cost += kRecolorCost;
    }
    for (std::size_t i = demos_; i < grids.size(); ++i) {
      if (c.color_map)
        for (auto v : grids[i].cells()) c.guesses_colors |= (*c.color_map)[v] == kUnmapped;
      c.test_outputs.push_back(c.color_map ? apply_color_map(grids[i], *c.color_map) : grids[i]);
    }
    ++result_.consistent_programs;
    candidates_.push_back(std::move(c));
  }

  FoundProgram describe(const Candidate& c) const {
    FoundProgram p;
    if (c.last_transform >= 0) p.steps.push_back(transforms_[c.last_transform].name);
    for (int i = c.node; i > 0; i = nodes_[i].parent) p.steps.push_back(transforms_[nodes_[i].transform].name);
    std::reverse(p.steps.begin(), p.steps.end());
    if (c.color_map) p.steps.push_back(color_map_name(*c.color_map));
    if (c.local_rule) p.steps.push_back(c.local_rule->name());
    if (c.object_recolor) p.steps.push_back(c.object_recolor->name());
    p.cost = c.cost;
    p.test_outputs = c.test_outputs;
    return p;
  }

  void rank() {
    std::stable_sort(candidates_.begin(), candidates_.end(), [](const Candidate& a, const Candidate& b) {
      if (a.length != b.length) return a.length < b.length;
      if (a.guesses_colors != b.guesses_colors) return !a.guesses_colors;
      if (a.cost != b.cost) return a.cost < b.cost;
      return a.order < b.order;
    });
    for (const Candidate& c : candidates_) {
      if (result_.programs.size() == 2) break;
      if (!result_.programs.empty() && result_.programs[0].test_outputs == c.test_outputs) continue;
      result_.programs.push_back(describe(c));
    }
  }

  SearchOptions options_;
  TaskPalette palette_;
  std::vector<Transform> transforms_;
  std::vector<Grid> root_, truths_;
  std::size_t demos_ = 0;
  std::vector<Node> nodes_;
  std::unordered_map<std::size_t, std::vector<int>> seen_;
  std::vector<Candidate> candidates_;
  Clock::time_point deadline_;
  SearchResult result_;
};

}  // namespace

SearchResult search_programs(const Task& task, const SearchOptions& options) {
  check_options(options);
  return Searcher(task, options).run();
}

}  // namespace ttt::arc::search
