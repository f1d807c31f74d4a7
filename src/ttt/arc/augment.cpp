#include "ttt/arc/augment.h"

#include <algorithm>
#include <utility>

#include "ttt/arc/grid_geometry.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

using GridMap = std::function<Grid(const Grid&)>;

// Applies `map` to every grid of the task (missing test outputs stay missing).
Task map_grids(const Task& task, const GridMap& map) {
  Task out;
  out.id = task.id;
  for (const auto* examples : {&task.train, &task.test}) {
    std::vector<Example>& target = examples == &task.train ? out.train : out.test;
    target.reserve(examples->size());
    for (const Example& e : *examples)
      target.push_back(Example{map(e.input), e.output ? std::optional<Grid>(map(*e.output)) : std::nullopt});
  }
  return out;
}

template <typename F>
void for_each_grid(const Task& task, F&& f) {
  for (const auto* examples : {&task.train, &task.test})
    for (const Example& e : *examples) {
      f(e.input);
      if (e.output) f(*e.output);
    }
}

std::string format_name(Augmenter::Kind kind, int a, int b, const std::vector<Augmenter>& members) {
  using K = Augmenter::Kind;
  switch (kind) {
    case K::kIdentity: return "Identity";
    case K::kRotate: return str("Rotate(", a, ")");
    case K::kFlip: return str("Flip(", a, ")");
    case K::kTranspose: return "Transpose";
    case K::kReflect: return str("Reflect(", a, b ? ",reverse)" : ")");
    case K::kRandomTranslateXY: return "RandomTranslateXY";
    case K::kIncreaseResolution: return str("IncreaseResolution(", a, ")");
    case K::kIncreaseHeight: return str("IncreaseHeight(", a, ")");
    case K::kIncreaseWidth: return str("IncreaseWidth(", a, ")");
    case K::kRepeat: return str("Repeat(", a, ",", b, ")");
    case K::kPermuteColors: return "PermuteColors";
    case K::kPermuteExamples: return "PermuteExamples";
    case K::kChain: {
      std::string name = "Chain[";
      for (std::size_t i = 0; i < members.size(); ++i) name += (i ? "," : "") + members[i].name();
      return name + "]";
    }
  }
  return "?";
}

}  // namespace

Augmenter::Augmenter(Kind kind, int a, int b, std::vector<Augmenter> members)
    : kind_(kind), a_(a), b_(b), members_(std::move(members)), name_(format_name(kind, a, b, members_)) {}

Augmenter Augmenter::identity() { return Augmenter(Kind::kIdentity, 0, 0); }
Augmenter Augmenter::rotate(int degrees) {
  TTT_CHECK(degrees == 90 || degrees == 180 || degrees == 270, "[arc] Rotate takes 90, 180 or 270 degrees, got ", degrees);
  return Augmenter(Kind::kRotate, degrees, 0);
}
Augmenter Augmenter::flip(int axis) {
  TTT_CHECK(axis == 0 || axis == 1, "[arc] Flip axis must be 0 or 1, got ", axis);
  return Augmenter(Kind::kFlip, axis, 0);
}
Augmenter Augmenter::transpose() { return Augmenter(Kind::kTranspose, 0, 0); }
Augmenter Augmenter::reflect(int axis, bool reverse) {
  TTT_CHECK(axis == 0 || axis == 1, "[arc] Reflect axis must be 0 or 1, got ", axis);
  return Augmenter(Kind::kReflect, axis, reverse ? 1 : 0);
}
Augmenter Augmenter::random_translate_xy() { return Augmenter(Kind::kRandomTranslateXY, 0, 0); }
Augmenter Augmenter::increase_resolution(int factor) {
  TTT_CHECK(factor >= 1, "[arc] IncreaseResolution factor must be at least 1, got ", factor);
  return Augmenter(Kind::kIncreaseResolution, factor, 0);
}
Augmenter Augmenter::increase_height(int factor) {
  TTT_CHECK(factor >= 1, "[arc] IncreaseHeight factor must be at least 1, got ", factor);
  return Augmenter(Kind::kIncreaseHeight, factor, 0);
}
Augmenter Augmenter::increase_width(int factor) {
  TTT_CHECK(factor >= 1, "[arc] IncreaseWidth factor must be at least 1, got ", factor);
  return Augmenter(Kind::kIncreaseWidth, factor, 0);
}
Augmenter Augmenter::repeat(int axis, int count) {
  TTT_CHECK(axis >= 0 && axis <= 2, "[arc] Repeat axis must be 0, 1 or 2, got ", axis);
  TTT_CHECK(count >= 1, "[arc] Repeat count must be at least 1, got ", count);
  return Augmenter(Kind::kRepeat, axis, count);
}
Augmenter Augmenter::chain(std::vector<Augmenter> members) {
  TTT_CHECK(!members.empty(), "[arc] Chain needs at least one augmenter");
  return Augmenter(Kind::kChain, 0, 0, std::move(members));
}
Augmenter Augmenter::permute_colors() { return Augmenter(Kind::kPermuteColors, 0, 0); }
Augmenter Augmenter::permute_examples() { return Augmenter(Kind::kPermuteExamples, 0, 0); }

bool Augmenter::is_random() const {
  switch (kind_) {
    case Kind::kRandomTranslateXY:
    case Kind::kPermuteColors:
    case Kind::kPermuteExamples:
      return true;
    case Kind::kChain:
      return std::any_of(members_.begin(), members_.end(), [](const Augmenter& m) { return m.is_random(); });
    default:
      return false;
  }
}

bool Augmenter::is_invertible() const {
  switch (kind_) {
    case Kind::kIdentity:
    case Kind::kRotate:
    case Kind::kFlip:
    case Kind::kTranspose:
    case Kind::kPermuteColors:
    case Kind::kPermuteExamples:
      return true;
    case Kind::kChain:
      return std::all_of(members_.begin(), members_.end(), [](const Augmenter& m) { return m.is_invertible(); });
    default:
      return false;
  }
}

Grid Augmenter::apply(const Grid& grid) const {
  TTT_CHECK(!is_random(), "[arc] ", name_, " draws at random; apply it to a whole task");
  switch (kind_) {
    case Kind::kIdentity: return grid;
    case Kind::kRotate: return rot90(grid, a_ / 90);
    case Kind::kFlip: return arc::flip(grid, a_);
    case Kind::kTranspose: return transposed(grid);
    case Kind::kReflect: return reflected(grid, a_, b_ != 0);
    case Kind::kIncreaseResolution: return scaled(grid, a_, a_);
    case Kind::kIncreaseHeight: return scaled(grid, a_, 1);
    case Kind::kIncreaseWidth: return scaled(grid, 1, a_);
    case Kind::kRepeat: return tiled(grid, a_ == 1 ? 1 : b_, a_ == 0 ? 1 : b_);
    case Kind::kChain: {
      Grid out = grid;
      for (const Augmenter& m : members_) out = m.apply(out);
      return out;
    }
    default: break;
  }
  fail("[arc] ", name_, " has no grid form");
}

Grid Augmenter::invert(const Grid& grid) const {
  TTT_CHECK(is_invertible() && !is_random(), "[arc] ", name_, " has no fixed inverse");
  switch (kind_) {
    case Kind::kIdentity: return grid;
    case Kind::kRotate: return rot90(grid, -a_ / 90);
    case Kind::kFlip: return arc::flip(grid, a_);
    case Kind::kTranspose: return transposed(grid);
    case Kind::kChain: {
      Grid out = grid;
      for (auto it = members_.rbegin(); it != members_.rend(); ++it) out = it->invert(out);
      return out;
    }
    default: break;
  }
  fail("[arc] ", name_, " has no fixed inverse");
}

std::array<std::uint8_t, kNumColors> draw_color_permutation(const Task& task, DeterministicRng& rng) {
  std::array<bool, kNumColors> used{};
  for_each_grid(task, [&](const Grid& g) {
    for (std::uint8_t v : g.cells()) {
      TTT_CHECK(v < kNumColors, "[arc] task '", task.id, "' has a cell of color ", int(v), ", colors are 0-9");
      used[v] = true;
    }
  });
  std::array<std::uint8_t, kNumColors> map{};
  std::array<bool, kNumColors> taken{};
  taken[0] = true;  // 0 (black background) always maps to itself
  for (int color = 1; color < kNumColors; ++color) {
    if (!used[color]) continue;
    std::vector<std::uint8_t> candidates;
    for (int t = 1; t < kNumColors; ++t)
      if (!used[t] && !taken[t]) candidates.push_back(static_cast<std::uint8_t>(t));
    if (candidates.empty())  // unused colors are exhausted: permute among the used ones left
      for (int t = 1; t < kNumColors; ++t)
        if (!taken[t]) candidates.push_back(static_cast<std::uint8_t>(t));
    const std::uint8_t target = candidates[rng.below(candidates.size())];
    map[color] = target;
    taken[target] = true;
  }
  // Colors the task does not use never occur in it, but a predicted grid may hold them: complete the
  // map to a permutation so that it can always be inverted.
  int next_target = 1;
  for (int color = 1; color < kNumColors; ++color) {
    if (used[color]) continue;
    while (taken[next_target]) ++next_target;
    map[color] = static_cast<std::uint8_t>(next_target);
    taken[next_target] = true;
  }
  return map;
}

bool fits_arc_limits(const Task& task) {
  bool fits = true;
  for_each_grid(task, [&](const Grid& g) {
    fits = fits && g.height() >= 1 && g.width() >= 1 && g.height() <= kMaxGridSide && g.width() <= kMaxGridSide;
  });
  return fits;
}

std::optional<AugmentedTask> Augmenter::augment_one(const Task& task, DeterministicRng& rng) const {
  switch (kind_) {
    case Kind::kChain: {
      AugmentedTask current{task, is_invertible() ? GridMap([](const Grid& g) { return g; }) : GridMap()};
      for (const Augmenter& m : members_) {
        std::optional<AugmentedTask> next = m.augment(current.task, rng);
        if (!next) return std::nullopt;
        if (current.invert) {
          // Undo the later step first, then the earlier ones.
          next->invert = [later = std::move(next->invert), earlier = std::move(current.invert)](const Grid& g) {
            return earlier(later(g));
          };
        } else {
          next->invert = GridMap();  // one member is not invertible, so the chain is not
        }
        current = std::move(*next);
      }
      return current;
    }
    case Kind::kPermuteExamples: {
      Task out = task;
      rng.shuffle(out.train);
      return AugmentedTask{std::move(out), [](const Grid& g) { return g; }};
    }
    case Kind::kPermuteColors: {
      const auto map = draw_color_permutation(task, rng);
      std::array<std::uint8_t, kNumColors> inverse{};
      for (int c = 0; c < kNumColors; ++c) inverse[map[c]] = static_cast<std::uint8_t>(c);
      return AugmentedTask{map_grids(task, [map](const Grid& g) { return recolored(g, map); }),
                           [inverse](const Grid& g) { return recolored(g, inverse); }};
    }
    case Kind::kRandomTranslateXY: {
      // Offsets up to 3, and below the smallest side of the task so a shift never wraps a whole grid.
      int min_height = kMaxGridSide, min_width = kMaxGridSide;
      for_each_grid(task, [&](const Grid& g) {
        min_height = std::min(min_height, g.height());
        min_width = std::min(min_width, g.width());
      });
      const int down = static_cast<int>(rng.below(static_cast<std::size_t>(std::max(0, std::min(3, min_height - 1)) + 1)));
      const int right = static_cast<int>(rng.below(static_cast<std::size_t>(std::max(0, std::min(3, min_width - 1)) + 1)));
      return AugmentedTask{map_grids(task, [down, right](const Grid& g) { return rolled(g, down, right); }), GridMap()};
    }
    default: {
      const Augmenter self = *this;
      GridMap inverse;
      if (is_invertible()) inverse = [self](const Grid& g) { return self.invert(g); };
      return AugmentedTask{map_grids(task, [&self](const Grid& g) { return self.apply(g); }), std::move(inverse)};
    }
  }
}

std::optional<AugmentedTask> Augmenter::augment(const Task& task, DeterministicRng& rng) const {
  std::optional<AugmentedTask> out = augment_one(task, rng);
  if (out && !fits_arc_limits(out->task)) return std::nullopt;
  return out;
}

std::optional<Task> Augmenter::apply(const Task& task, DeterministicRng& rng) const {
  std::optional<AugmentedTask> out = augment(task, rng);
  if (!out) return std::nullopt;
  return std::move(out->task);
}

std::optional<Task> Augmenter::apply(const Task& task, std::uint64_t seed) const {
  DeterministicRng rng(seed);
  return apply(task, rng);
}

}  // namespace ttt::arc
