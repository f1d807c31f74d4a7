// Test-time-training data: leave-one/two-out, augmentation, copies, length filter and the cap, with
// counts worked out by hand on small tasks.
#include <gtest/gtest.h>

#include <set>

#include "arc/random_tasks.h"
#include "ttt/arc/task_io.h"
#include "ttt/arc/ttt_data.h"

using namespace ttt::arc;

namespace {

Grid rows(const std::vector<std::vector<int>>& r) { return Grid::from_rows(r); }

// Three demonstrations. Every grid holds the colors 1–6 once each, so no rotation, flip or transpose
// maps a grid onto itself or onto another transform of it, and 7–9 are unused (PermuteColors always
// moves 1, 2 and 3 onto 7, 8 and 9).
Task three_demo_task() {
  Task t;
  t.id = "hand";
  t.train = {Example{rows({{1, 2, 3}, {4, 5, 6}}), rows({{6, 3}, {5, 2}, {4, 1}})},
             Example{rows({{2, 4, 6}, {1, 3, 5}}), rows({{1, 2}, {3, 4}, {5, 6}})},
             Example{rows({{6, 5, 4}, {3, 2, 1}}), rows({{3, 1}, {6, 4}, {2, 5}})}};
  t.test = {Example{rows({{1}}), std::nullopt}};  // not used: TTT data comes from the demonstrations
  return t;
}

std::size_t cells(const Task& t) {
  std::size_t n = 0;
  for (const auto* ex : {&t.train, &t.test})
    for (const auto& e : *ex) n += e.input.cells().size() + (e.output ? e.output->cells().size() : 0);
  return n;
}

bool is_leave_two_out(const Task& t) { return t.id.find("/l2o") != std::string::npos; }

}  // namespace

TEST(TttData, LeaveOneOutHoldsOutEachDemonstrationInOrder) {
  const Task t = three_demo_task();
  const auto loo = leave_one_out_tasks(t);
  ASSERT_EQ(loo.size(), 3u);  // N = 3 → 3 tasks of 2 demonstrations
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(loo[i].train.size(), 2u);
    ASSERT_EQ(loo[i].test.size(), 1u);
    EXPECT_EQ(loo[i].test[0].input, t.train[i].input);
    EXPECT_EQ(*loo[i].test[0].output, *t.train[i].output);
  }
  // Task 1 keeps demonstrations 0 and 2, in that order.
  EXPECT_EQ(loo[1].train[0].input, t.train[0].input);
  EXPECT_EQ(loo[1].train[1].input, t.train[2].input);
  EXPECT_EQ(loo[1].id, "hand/loo1");

  Task two = t;
  two.train.resize(2);
  EXPECT_EQ(leave_one_out_tasks(two).size(), 2u);
  EXPECT_TRUE(leave_two_out_tasks(two).empty()) << "N = 2 leaves no demonstration";
  Task one = t;
  one.train.resize(1);
  EXPECT_TRUE(leave_one_out_tasks(one).empty());
}

TEST(TttData, LeaveTwoOutIsEveryOrderedPair) {
  ttt::arc::DeterministicRng rng(1);
  const Task t = ttt::arc::testing::random_task(rng, 4, 5);
  const auto l2o = leave_two_out_tasks(t);
  ASSERT_EQ(l2o.size(), 12u);  // N = 4: 4 × 3 ordered pairs, 2 demonstrations each
  std::set<std::pair<int, int>> pairs;
  for (const Task& x : l2o) {
    ASSERT_EQ(x.train.size(), 2u);
    int held = -1, dropped = -1;
    for (int k = 0; k < 4; ++k) {
      const bool in_train = x.train[0].input == t.train[k].input || x.train[1].input == t.train[k].input;
      if (x.test[0].input == t.train[k].input) held = k;
      else if (!in_train) dropped = k;
    }
    ASSERT_GE(held, 0);
    ASSERT_GE(dropped, 0);
    pairs.insert({held, dropped});
  }
  EXPECT_EQ(pairs.size(), 12u);
  EXPECT_EQ(l2o[0].id, "random/l2o0-1");
}

TEST(TttData, TheSpecsAugmenterList) {
  const auto list = ttt_augmenters();
  std::vector<std::string> names;
  for (const auto& a : list) names.push_back(a.name());
  const std::vector<std::string> expected = {
      "Rotate(90)", "Rotate(270)", "Rotate(180)", "Flip(0)", "Flip(1)", "Reflect(0,reverse)", "Reflect(1,reverse)",
      "Reflect(0)", "Reflect(1)", "RandomTranslateXY", "Transpose", "IncreaseResolution(2)", "IncreaseHeight(2)",
      "IncreaseWidth(2)", "Chain[Rotate(90),IncreaseResolution(2)]", "Chain[Rotate(270),IncreaseResolution(2)]",
      "Chain[Rotate(180),IncreaseResolution(2)]", "Chain[Flip(0),IncreaseResolution(2)]",
      "Chain[Flip(1),IncreaseResolution(2)]", "Chain[Transpose,IncreaseResolution(2)]", "Repeat(0,2)", "Repeat(1,2)",
      "Repeat(2,2)"};
  EXPECT_EQ(names, expected);
}

TEST(TttData, DeduplicateIgnoresIdsAndKeepsTheFirst) {
  Task a = three_demo_task(), b = three_demo_task(), c = three_demo_task();
  b.id = "other";
  c.train[0].output->at(0, 0) = 9;
  const auto out = deduplicate({a, b, c, a});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "hand");
  EXPECT_EQ(task_content_key(a), task_content_key(b));
  EXPECT_NE(task_content_key(a), task_content_key(c));
  // Order of demonstrations matters; a missing output differs from any output.
  Task swapped = a;
  std::swap(swapped.train[0], swapped.train[1]);
  EXPECT_NE(task_content_key(a), task_content_key(swapped));
  Task unknown = a;
  unknown.test[0].output = rows({{1}});
  EXPECT_NE(task_content_key(a), task_content_key(unknown));
}

TEST(TttData, SymmetricAugmentationsAreDeduplicated) {
  // Every row is a palindrome, so Flip(1) changes nothing; Flip(0) changes every grid (rows differ).
  Task t;
  t.id = "sym";
  t.train = {Example{rows({{1, 2, 1}, {3, 4, 3}}), rows({{5, 5}, {6, 6}})},
             Example{rows({{2, 2}, {7, 7}}), rows({{1, 0, 1}, {8, 8, 8}})},
             Example{rows({{4}, {5}}), rows({{3, 9, 3}, {0, 0, 0}})}};
  DeterministicRng rng(0);
  const auto tasks = augment_all(leave_one_out_tasks(t), {Augmenter::flip(1), Augmenter::flip(0)}, rng);
  // 3 originals + 3 Flip(0); the 3 Flip(1) copies equal the originals.
  EXPECT_EQ(tasks.size(), 6u);
}

TEST(TttData, CountsWithAFixedAugmenterList) {
  TttDataOptions options;
  options.augmenters = {Augmenter::rotate(90), Augmenter::flip(0), Augmenter::transpose(), Augmenter::repeat(2, 2)};
  const TttData data = make_ttt_data(three_demo_task(), options, {});
  EXPECT_EQ(data.stats.leave_one_out, 3u);
  // Step 2: 3 bases × (original + 4 augmenters), all distinct = 15.
  EXPECT_EQ(data.stats.augmented, 15u);
  // Step 3: one copy each; copies carry colors 7–9, which no original has → 30.
  EXPECT_EQ(data.stats.with_copies, 30u);
  EXPECT_EQ(data.stats.fitting, 30u);  // no length function
  // 30 < 250: filled up from leave-two-out: 6 bases (1 demonstration) × 5 × 2 = 60 more, all fit.
  EXPECT_EQ(data.stats.leave_two_out, 6u);
  EXPECT_EQ(data.stats.leave_two_out_fitting, 60u);
  EXPECT_EQ(data.stats.from_leave_one_out, 30u);
  EXPECT_EQ(data.stats.from_leave_two_out, 60u);
  ASSERT_EQ(data.tasks.size(), 90u);
  for (std::size_t i = 0; i < data.tasks.size(); ++i) {
    EXPECT_EQ(is_leave_two_out(data.tasks[i]), i >= 30) << data.tasks[i].id;
    EXPECT_EQ(data.tasks[i].train.size(), i >= 30 ? 1u : 2u);
    EXPECT_EQ(data.tasks[i].test.size(), 1u);
    EXPECT_TRUE(data.tasks[i].test[0].output.has_value());
  }
  EXPECT_EQ(deduplicate(data.tasks).size(), 90u);
  // Without step 3 and the reserve: just the 15.
  options.permuted_copies = false;
  options.fill_with_leave_two_out = false;
  EXPECT_EQ(make_ttt_data(three_demo_task(), options, {}).tasks.size(), 15u);
}

TEST(TttData, LengthFilterCapAndLeaveTwoOutFill) {
  TttDataOptions options;
  options.augmenters = {Augmenter::rotate(90), Augmenter::increase_resolution(2)};
  // Cell counts: a leave-one-out task has 3 examples × (6 + 6) = 36 cells, 144 after IncreaseResolution(2);
  // a leave-two-out task has 2 × 12 = 24 cells, 96 scaled. Copies keep the length.
  options.max_length = 80;
  options.max_tasks = 20;
  const TttData data = make_ttt_data(three_demo_task(), options, cells);
  EXPECT_EQ(data.stats.augmented, 9u);     // 3 × (original, Rotate, IncreaseResolution)
  EXPECT_EQ(data.stats.with_copies, 18u);
  EXPECT_EQ(data.stats.fitting, 12u);      // the 144-cell ones are dropped: 3 × 2 × 2
  EXPECT_EQ(data.stats.leave_two_out_fitting, 24u);  // 6 × 2 × 2, the 96-cell ones dropped
  EXPECT_EQ(data.stats.from_leave_one_out, 12u);
  EXPECT_EQ(data.stats.from_leave_two_out, 8u);      // fill up to 20
  ASSERT_EQ(data.tasks.size(), 20u);
  for (const Task& t : data.tasks) EXPECT_LE(cells(t), 80u);

  // More leave-one-out tasks than the cap: a seeded random subset, no leave-two-out.
  options.max_tasks = 5;
  const TttData cut = make_ttt_data(three_demo_task(), options, cells);
  ASSERT_EQ(cut.tasks.size(), 5u);
  EXPECT_EQ(cut.stats.from_leave_two_out, 0u);
  EXPECT_EQ(cut.stats.leave_two_out, 0u) << "leave-two-out is not built when not needed";
  std::set<std::string> subsets;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    options.seed = seed;
    const TttData a = make_ttt_data(three_demo_task(), options, cells);
    const TttData b = make_ttt_data(three_demo_task(), options, cells);
    std::string ids_a, ids_b;
    for (const Task& t : a.tasks) ids_a += t.id + " " + task_to_json(t) + "\n";
    for (const Task& t : b.tasks) ids_b += t.id + " " + task_to_json(t) + "\n";
    EXPECT_EQ(ids_a, ids_b) << "deterministic under seed " << seed;
    for (const Task& t : a.tasks) EXPECT_FALSE(is_leave_two_out(t));
    subsets.insert(ids_a);
  }
  EXPECT_GT(subsets.size(), 1u) << "the cut depends on the seed";
}

TEST(TttData, FallsBackToLeaveTwoOutWhenNoLeaveOneOutFits) {
  TttDataOptions options;
  options.augmenters = {Augmenter::rotate(90), Augmenter::increase_resolution(2)};
  options.max_length = 30;  // leave-one-out tasks have 36 cells, leave-two-out ones 24
  options.fill_with_leave_two_out = false;  // the fallback applies even without fill-up
  const TttData data = make_ttt_data(three_demo_task(), options, cells);
  EXPECT_EQ(data.stats.fitting, 0u);
  EXPECT_EQ(data.stats.from_leave_one_out, 0u);
  EXPECT_EQ(data.stats.from_leave_two_out, 24u);  // 6 × (original, Rotate) × 2
  for (const Task& t : data.tasks) EXPECT_TRUE(is_leave_two_out(t));
  // Nothing fits at all: empty, not an error.
  options.max_length = 10;
  EXPECT_TRUE(make_ttt_data(three_demo_task(), options, cells).tasks.empty());
}

TEST(TttData, DefaultRecipeOnAHandTask) {
  const TttData data = make_ttt_data(three_demo_task(), TttDataOptions{}, {});
  // 3 bases × (original + 23 augmenters) = 72; all fit in 30 (largest side 6). Only RandomTranslateXY
  // can repeat its base: when it draws the shift (0, 0).
  EXPECT_GE(data.stats.augmented, 69u);
  EXPECT_LE(data.stats.augmented, 72u);
  EXPECT_EQ(data.stats.with_copies, 2 * data.stats.augmented);
  // < 250, so leave-two-out fills up to exactly 250.
  EXPECT_EQ(data.stats.from_leave_one_out, data.stats.with_copies);
  ASSERT_EQ(data.tasks.size(), 250u);
  EXPECT_EQ(deduplicate(data.tasks).size(), 250u);
  for (const Task& t : data.tasks) EXPECT_TRUE(fits_arc_limits(t)) << t.id;
}

TEST(TttData, ManyDemonstrationsAreCutTo250) {
  DeterministicRng rng(3);
  const Task t = ttt::arc::testing::random_task(rng, 8, 6);
  const TttData data = make_ttt_data(t, TttDataOptions{}, {});
  EXPECT_EQ(data.stats.leave_one_out, 8u);
  EXPECT_GT(data.stats.fitting, 250u);  // 8 × 24 × 2 minus a few duplicates
  EXPECT_EQ(data.tasks.size(), 250u);
  EXPECT_EQ(data.stats.from_leave_two_out, 0u);
  for (const Task& x : data.tasks) EXPECT_EQ(x.train.size(), 7u);
}

namespace {

// "A 3×3 pattern → its class colour in one cell" (the shape logic of ARC's 27a28665), built by hand.
Task pattern_to_colour_task() {
  Task t;
  t.id = "pattern";
  t.train = {Example{rows({{5, 5, 0}, {5, 0, 5}, {0, 5, 0}}), rows({{1}})},
             Example{rows({{8, 0, 8}, {0, 8, 0}, {8, 0, 8}}), rows({{2}})},
             Example{rows({{0, 4, 0}, {4, 4, 4}, {0, 4, 0}}), rows({{6}})}};
  t.test = {Example{rows({{7, 7, 0}, {7, 0, 7}, {0, 7, 0}}), std::nullopt}};
  return t;
}

}  // namespace

TEST(TttData, FixedAnswerShapeIsRecognisedOnlyWhereTheTestsAnswersMustHaveIt) {
  Task t = pattern_to_colour_task();
  ASSERT_TRUE(fixed_answer_shape(t).has_value());
  EXPECT_EQ(*fixed_answer_shape(t), std::make_pair(1, 1));
  // A test input of another shape: a 1×1 constant and a third-size answer look alike, so no claim.
  t.test[0].input = Grid(6, 6);
  EXPECT_FALSE(fixed_answer_shape(t).has_value());
  // Inputs of two shapes with one answer shape: constant whatever the test input.
  t.train[2].input = Grid(4, 5);
  EXPECT_EQ(fixed_answer_shape(t), std::make_pair(1, 1));
  // Answers that differ in shape, or that have their input's shape, follow the input.
  EXPECT_FALSE(fixed_answer_shape(three_demo_task()).has_value());  // 2×3 → 3×2, test input 1×1
  Task same = pattern_to_colour_task();
  for (Example& e : same.train) e.output = e.input;
  EXPECT_FALSE(fixed_answer_shape(same).has_value());
  Task varying = pattern_to_colour_task();
  varying.train[1].output = Grid(2, 2);
  EXPECT_FALSE(fixed_answer_shape(varying).has_value());
}

TEST(TttData, AugmentersThatChangeAFixedAnswerShapeAreLeftOut) {
  // Square 1×1: every rotation, flip, transpose and the translation keep it; reflect, resolution, height,
  // width, repeat and the chains with a resolution step do not (the spec's list, by hand: 6 + 1 of 23 kept).
  const auto square = augmenters_keeping_shape(ttt_augmenters(), {1, 1});
  std::set<std::string> kept;
  for (const Augmenter& a : square) kept.insert(a.name());
  EXPECT_EQ(kept, (std::set<std::string>{"Rotate(90)", "Rotate(270)", "Rotate(180)", "Flip(0)", "Flip(1)",
                                         "RandomTranslateXY", "Transpose"}));
  // Non-square 1×3: a quarter turn or a transpose makes it 3×1.
  std::set<std::string> kept_wide;
  for (const Augmenter& a : augmenters_keeping_shape(ttt_augmenters(), {1, 3})) kept_wide.insert(a.name());
  EXPECT_EQ(kept_wide, (std::set<std::string>{"Rotate(180)", "Flip(0)", "Flip(1)", "RandomTranslateXY"}));

  // In the data: every answer of every sequence keeps the 1×1 shape, and the count says what was dropped.
  const TttData data = make_ttt_data(pattern_to_colour_task(), TttDataOptions{}, {});
  EXPECT_EQ(data.stats.augmenters_dropped, ttt_augmenters().size() - 7);
  EXPECT_EQ(data.stats.augmenters_used, 7u);
  EXPECT_EQ(data.stats.kept_answer_shape, std::make_pair(1, 1));
  ASSERT_FALSE(data.tasks.empty());
  for (const Task& x : data.tasks)
    for (const auto* examples : {&x.train, &x.test})
      for (const Example& e : *examples) {
        EXPECT_EQ(e.output->height(), 1) << x.id;
        EXPECT_EQ(e.output->width(), 1) << x.id;
      }
  // Off: the spec's full list, and 2×2 answers among the sequences.
  TttDataOptions all;
  all.keep_fixed_answer_shape = false;
  const TttData full = make_ttt_data(pattern_to_colour_task(), all, {});
  EXPECT_EQ(full.stats.augmenters_dropped, 0u);
  EXPECT_EQ(full.stats.augmenters_used, ttt_augmenters().size());
  EXPECT_FALSE(full.stats.kept_answer_shape.has_value());
  bool a_larger_answer = false;
  for (const Task& x : full.tasks) a_larger_answer |= x.test[0].output->height() > 1;
  EXPECT_TRUE(a_larger_answer);
}
