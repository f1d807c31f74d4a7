#pragma once
// Augmenters: transformations of a whole ARC task (every grid of every example, inputs and outputs,
// demonstrations and test) used to multiply test-time-training data and to vote over transformed
// queries. The list and semantics follow the spec (arc-ttt.md, "Augmenters").
//
// An Augmenter is a small value (kind + parameters). Applying it to a task fixes its random draws
// (translation offsets, color map, demonstration order) from a caller-owned DeterministicRng and
// returns the transformed task together with the inverse map for predicted grids where one exists.
// Any result with a grid side over 30 is dropped (nullopt).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/task.h"

namespace ttt::arc {

struct AugmentedTask {
  Task task;  // same id as the original
  // Maps a grid predicted for the augmented task back to the original task's frame. Empty when the
  // augmenter is not invertible (Reflect, RandomTranslateXY, Increase*, Repeat, chains with those).
  std::function<Grid(const Grid&)> invert;
};

class Augmenter {
 public:
  enum class Kind {
    kIdentity,
    kRotate,              // degrees 90/180/270 counter-clockwise (np.rot90)
    kFlip,                // axis 0: rows reversed, 1: columns reversed
    kTranspose,
    kReflect,             // axis, reverse
    kRandomTranslateXY,   // cyclic roll, one draw per task
    kIncreaseResolution,  // factor: each cell → factor×factor block
    kIncreaseHeight,      // factor: each row repeated in place
    kIncreaseWidth,       // factor: each column repeated in place
    kRepeat,              // axis 0: tiled vertically, 1: horizontally, 2: both; count
    kChain,               // members applied in order
    kPermuteColors,       // 0 fixed, used colors → unused ones first
    kPermuteExamples,     // demonstrations shuffled
  };

  static Augmenter identity();
  static Augmenter rotate(int degrees);  // 90, 180 or 270
  static Augmenter flip(int axis);       // 0 or 1
  static Augmenter transpose();
  static Augmenter reflect(int axis, bool reverse);
  static Augmenter random_translate_xy();
  static Augmenter increase_resolution(int factor);  // factor ≥ 1
  static Augmenter increase_height(int factor);
  static Augmenter increase_width(int factor);
  static Augmenter repeat(int axis, int count);      // axis 0, 1 or 2; count ≥ 1
  static Augmenter chain(std::vector<Augmenter> members);
  static Augmenter permute_colors();
  static Augmenter permute_examples();

  // "Rotate(90)", "Flip(0)", "Reflect(0,reverse)", "Repeat(2,2)", "Chain[Rotate(90),IncreaseResolution(2)]", ...
  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  // Draws from the rng when applied (RandomTranslateXY, PermuteColors, PermuteExamples, chains with one).
  bool is_random() const;
  // Rotations, flips, transpose, color and demonstration permutations (whose grid inverse is the
  // identity), the identity, and chains of these.
  bool is_invertible() const;

  // The whole task transformed; nullopt when a grid side would exceed 30.
  std::optional<AugmentedTask> augment(const Task& task, DeterministicRng& rng) const;
  std::optional<Task> apply(const Task& task, DeterministicRng& rng) const;
  std::optional<Task> apply(const Task& task, std::uint64_t seed) const;

  // Grid level, only for augmenters without random draws (throws ttt::Error otherwise). No size limit.
  Grid apply(const Grid& grid) const;
  // Inverse of apply(grid); throws ttt::Error unless is_invertible() && !is_random().
  Grid invert(const Grid& grid) const;

  bool operator==(const Augmenter& other) const { return name_ == other.name_; }
  bool operator!=(const Augmenter& other) const { return !(*this == other); }

 private:
  Augmenter(Kind kind, int a, int b, std::vector<Augmenter> members = {});
  std::optional<AugmentedTask> augment_one(const Task& task, DeterministicRng& rng) const;

  Kind kind_ = Kind::kIdentity;
  int a_ = 0;  // degrees, axis or factor
  int b_ = 0;  // reverse flag or repeat count
  std::vector<Augmenter> members_;
  std::string name_;
};

// Draws the color map PermuteColors uses for `task`: map[0] = 0; the task's non-zero colors (all grids,
// test included) go, in ascending order, to random colors 1–9 not used by the task, and only once those
// run out to random colors among the used ones not yet taken. Colors the task does not use fill the
// remaining targets in ascending order, so the result is a permutation of 0–9.
std::array<std::uint8_t, kNumColors> draw_color_permutation(const Task& task, DeterministicRng& rng);

// True when every grid side is 1..30.
bool fits_arc_limits(const Task& task);

}  // namespace ttt::arc
