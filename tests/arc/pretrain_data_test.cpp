// The ARC pretraining windows: packing and loss-mask alignment against the serializer, determinism by
// (seed, index), the curriculum's side and tier limits, held-out families never drawn, and the ARC split.
#include <gtest/gtest.h>

#include <set>

#include "ttt/arc/generators/registry.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/pretrain_data.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

std::vector<const gen::Family*> families_except(const std::vector<std::string>& held) {
  std::vector<const gen::Family*> out;
  for (const auto& f : gen::all_families())
    if (std::find(held.begin(), held.end(), f.name) == held.end()) out.push_back(&f);
  return out;
}

PretrainDataOptions small_options() {
  PretrainDataOptions o;
  o.families = families_except(default_holdout_families());
  o.context = 256;
  o.num_windows = 100;
  o.seed = 7;
  o.start_max_side = 4;
  o.final_max_side = 8;
  return o;
}

int largest_input_side(const Task& t) {
  int side = 0;
  for (const auto* examples : {&t.train, &t.test})
    for (const auto& e : *examples) side = std::max({side, e.input.height(), e.input.width()});
  return side;
}

Task grid_task(const std::string& id, int side, int color, int pairs) {
  Task t;
  t.id = id;
  for (int k = 0; k < pairs; ++k) {
    Grid in(side, side, static_cast<std::uint8_t>(color)), out(side, side, static_cast<std::uint8_t>((color + k) % 10));
    in.at(0, 0) = static_cast<std::uint8_t>(k % 10);
    (k + 1 < pairs ? t.train : t.test).push_back({in, out});
  }
  return t;
}

TEST(PretrainData, WindowIsTheConcatenationOfItsTasksPaddedAndMaskedLikeTheSerializer) {
  const PretrainWindows windows(small_options());
  for (std::int64_t index : {0, 13, 57, 99}) {
    const auto tasks = windows.tasks_of(index);
    ASSERT_FALSE(tasks.empty());
    std::vector<std::int32_t> ids;
    std::vector<std::uint8_t> in_loss;
    for (const auto& t : tasks) {
      const auto s = serialize_task_tokens(t, 0, true);
      ids.insert(ids.end(), s.ids.begin(), s.ids.end());
      in_loss.insert(in_loss.end(), s.in_loss.begin(), s.in_loss.end());
    }
    ASSERT_LE(ids.size(), 257u);
    std::vector<std::int64_t> window(257);
    std::vector<std::uint8_t> mask(256);
    windows.read(index, window.data());
    windows.read_loss_mask(index, mask.data());
    for (std::size_t i = 0; i < 257; ++i) {
      EXPECT_EQ(window[i], i < ids.size() ? ids[i] : kTokenPad) << "window " << index << " token " << i;
      // Target j is token j+1: its mask is token j+1's in-loss flag, and padding never counts.
      if (i > 0) EXPECT_EQ(mask[i - 1], i < ids.size() ? in_loss[i] : 0) << "window " << index << " target " << i - 1;
    }
  }
}

TEST(PretrainData, WindowsArePureFunctionsOfSeedAndIndex) {
  const PretrainWindows a(small_options()), b(small_options());
  auto other = small_options();
  other.seed = 8;
  const PretrainWindows c(other);
  std::vector<std::int64_t> wa(257), wb(257), wc(257);
  // Read b in another order: a window must not depend on what was read before.
  b.read(50, wb.data());
  for (std::int64_t index : {3, 50, 3}) {
    a.read(index, wa.data());
    b.read(index, wb.data());
    c.read(index, wc.data());
    EXPECT_EQ(wa, wb) << index;
    EXPECT_NE(wa, wc) << index;
  }
}

TEST(PretrainData, CurriculumBoundsSidesAndTiersAndNeverDrawsHeldOutFamilies) {
  auto o = small_options();
  o.num_windows = 200;
  o.tier2_start = 0.3;
  o.tier3_start = 0.6;
  o.side_ramp = 0.5;
  const PretrainWindows windows(o);
  EXPECT_EQ(windows.max_side_at(0), 4);
  EXPECT_EQ(windows.max_side_at(100), 8);
  EXPECT_EQ(windows.max_side_at(199), 8);
  EXPECT_EQ(windows.max_tier_at(0), 1);
  EXPECT_EQ(windows.max_tier_at(60), 2);
  EXPECT_EQ(windows.max_tier_at(120), 3);
  const auto held = default_holdout_families();
  std::set<int> tiers_early, tiers_late;
  for (std::int64_t index = 0; index < 200; index += 3) {
    for (const auto& t : windows.tasks_of(index)) {
      EXPECT_EQ(std::find(held.begin(), held.end(), t.id), held.end()) << t.id << " is held out";
      // Generated task ids are their family's name.
      EXPECT_LE(largest_input_side(t), windows.max_side_at(index)) << t.id << " at window " << index;
      EXPECT_GE(largest_input_side(t), o.min_side);
      (index < 60 ? tiers_early : tiers_late).insert(family_tier(t.id));
    }
  }
  EXPECT_EQ(tiers_early, std::set<int>({1}));
  EXPECT_TRUE(tiers_late.count(3));
}

TEST(PretrainData, ArcTasksAreDrawnAugmentedAndShortenedToFit) {
  auto o = small_options();
  o.arc_fraction = 1.0;
  // 6×6 grids, 5 pairs: 4 demonstrations do not fit 256 tokens, fewer do.
  o.arc_tasks = {grid_task("big", 6, 3, 5), grid_task("small", 3, 5, 4)};
  const PretrainWindows windows(o);
  EXPECT_EQ(windows.arc_task_count(), 2u);
  std::set<std::string> seen;
  for (std::int64_t index = 0; index < 40; ++index)
    for (const auto& t : windows.tasks_of(index)) {
      seen.insert(t.id);
      EXPECT_LE(serialize_task_tokens(t, 0, true).ids.size(), 257u);
      EXPECT_GE(t.train.size(), 1u);
      ASSERT_EQ(t.test.size(), 1u);
      EXPECT_TRUE(t.test[0].output.has_value());
    }
  EXPECT_EQ(seen, std::set<std::string>({"big", "small"}));
  // A task whose single demonstration cannot fit is dropped up front.
  o.arc_tasks = {grid_task("huge", 20, 1, 3)};
  EXPECT_EQ(PretrainWindows(o).arc_task_count(), 0u);
}

TEST(PretrainData, SplitHoldsOutSmallTasksByIdIndependentOfOrder) {
  std::vector<Task> tasks;
  for (int i = 0; i < 30; ++i) tasks.push_back(grid_task("t" + std::to_string(i), i < 20 ? 4 : 12, 1, 3));
  const auto split = split_arc_tasks(tasks, 5, 10, 1);
  ASSERT_EQ(split.heldout.size(), 5u);
  EXPECT_EQ(split.pretrain.size(), 25u);
  for (const auto& t : split.heldout) EXPECT_TRUE(all_grids_within(t, 10)) << t.id;
  std::vector<Task> reversed(tasks.rbegin(), tasks.rend());
  const auto again = split_arc_tasks(reversed, 5, 10, 1);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(again.heldout[i].id, split.heldout[i].id);
  EXPECT_THROW(split_arc_tasks(tasks, 21, 10, 1), Error);
}

TEST(PretrainData, ArcEvalTasksHaveOneQueryEachAndFitTheLimit) {
  Task two_tests = grid_task("two", 4, 2, 5);  // 4 demonstrations, 1 test
  two_tests.test.push_back(two_tests.train.front());
  Task unknown = grid_task("unknown", 3, 1, 3);
  unknown.test[0].output.reset();
  const Task huge = grid_task("huge", 20, 3, 3);
  const std::size_t one_demo = serialize_task_tokens(
      [&] { Task t = two_tests; t.train.resize(1); t.test = {two_tests.test[0]}; return t; }(), 0, true).ids.size();
  const std::size_t limit = one_demo + 10;  // room for one demonstration, not two
  const auto out = arc_eval_tasks({two_tests, unknown, huge}, limit);
  ASSERT_EQ(out.size(), 2u);  // both tests of "two"; "unknown" has no answer, "huge" cannot fit
  EXPECT_EQ(out[0].id, "two/0");
  EXPECT_EQ(out[1].id, "two/1");
  for (std::size_t k = 0; k < 2; ++k) {
    ASSERT_EQ(out[k].test.size(), 1u);
    EXPECT_EQ(out[k].test[0].input, two_tests.test[k].input);
    EXPECT_EQ(out[k].train.size(), 1u);
    EXPECT_EQ(out[k].train[0].input, two_tests.train[0].input);  // the last demonstrations go first
    EXPECT_LE(serialize_task_tokens(out[k], 0, true).ids.size(), limit);
  }
  // With room for everything, nothing is dropped and a one-test task keeps its id.
  const auto roomy = arc_eval_tasks({grid_task("one", 3, 4, 3)}, 100000);
  ASSERT_EQ(roomy.size(), 1u);
  EXPECT_EQ(roomy[0].id, "one");
  EXPECT_EQ(roomy[0].train.size(), 2u);
}

TEST(PretrainData, HeldOutInstancesAreDeterministicAndDistinctFromTraining) {
  const auto families = families_except(default_holdout_families());
  const auto a = generated_eval_tasks(families, 2, 3, 6, 2, 4, 0);
  const auto b = generated_eval_tasks(families, 2, 3, 6, 2, 4, 0);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_GE(a.size(), families.size());
  std::set<std::string> eval_keys;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(task_content_key(a[i]), task_content_key(b[i]));
    eval_keys.insert(task_content_key(a[i]));
  }
  // Same seed, same sides: the training stream never produces one of them.
  auto o = small_options();
  o.seed = 0;
  o.start_max_side = o.final_max_side = 6;
  o.num_windows = 300;
  const PretrainWindows windows(o);
  for (std::int64_t index = 0; index < 300; ++index)
    for (const auto& t : windows.tasks_of(index)) EXPECT_FALSE(eval_keys.count(task_content_key(t))) << t.id;
}

TEST(PretrainData, BadOptionsAreRejected) {
  auto o = small_options();
  o.families.clear();
  EXPECT_THROW(PretrainWindows{o}, Error);
  o = small_options();
  o.final_max_side = 31;
  EXPECT_THROW(PretrainWindows{o}, Error);
  o = small_options();
  o.num_windows = 0;
  EXPECT_THROW(PretrainWindows{o}, Error);
  EXPECT_THROW(family_tier("no_such_family"), Error);
}

}  // namespace
}  // namespace ttt::arc
