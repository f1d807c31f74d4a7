// Augmented inference queries: counts worked out by hand, the inverses checked against the real answer,
// the length filter and its leave-two-out fallback, the cap and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/expect_error.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/inference_queries.h"
#include "ttt/arc/voting.h"

using namespace ttt::arc;

namespace {

Grid rows(const std::vector<std::vector<int>>& r) { return Grid::from_rows(r); }

// A grid whose every rotation, flip and transpose differs from it and from each other: distinct colors.
Grid distinct_grid(int h, int w, int offset) {
  Grid g(h, w);
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) g.at(r, c) = static_cast<std::uint8_t>(1 + (offset + r * w + c) % 9);
  return g;
}

// n demonstrations with pairwise different grids; one test input with a known (non-square) answer.
Task demo_task(int n, int side = 2) {
  Task t;
  t.id = "q";
  for (int i = 0; i < n; ++i) t.train.push_back(Example{distinct_grid(side, side + 1, i), distinct_grid(side + 1, side, 3 * i + 1)});
  t.test.push_back(Example{distinct_grid(2, 3, 5), rows({{1, 2, 3}, {4, 5, 6}})});
  return t;
}

bool same_grids(const std::vector<Example>& a, const std::vector<Example>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].input != b[i].input || a[i].output != b[i].output) return false;
  return true;
}

// The demonstrations of `q` are a reordering of `demos`.
bool is_reordering(const std::vector<Example>& q, const std::vector<Example>& demos) {
  if (q.size() != demos.size()) return false;
  std::vector<bool> used(demos.size(), false);
  for (const Example& e : q) {
    bool found = false;
    for (std::size_t k = 0; k < demos.size() && !found; ++k)
      if (!used[k] && demos[k].input == e.input && demos[k].output == e.output) used[k] = found = true;
    if (!found) return false;
  }
  return true;
}

std::vector<Example> all_but(const Task& t, std::size_t i) {
  std::vector<Example> out;
  for (std::size_t k = 0; k < t.train.size(); ++k)
    if (k != i) out.push_back(t.train[k]);
  return out;
}

std::size_t count_identity(const InferenceQueries& q) {
  return static_cast<std::size_t>(std::count_if(q.queries.begin(), q.queries.end(),
                                                 [](const InferenceQuery& x) { return x.transform == kIdentityTransform; }));
}

}  // namespace

TEST(InferenceQueries, ThreeDemonstrationsGiveLeaveOneOutPermutationsAndFiveTransforms) {
  const Task task = demo_task(3);
  const InferenceQueries q = make_inference_queries(task, 0, {}, {});
  EXPECT_EQ(q.base, QueryBase::kLeaveOneOut);
  // Bases first, in order, each with the real test input and no output.
  ASSERT_GE(q.queries.size(), 3u + 5u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(q.queries[i].transform, "identity");
    EXPECT_TRUE(same_grids(q.queries[i].task.train, all_but(task, i))) << i;
  }
  // With two demonstrations per base a permutation is the base or its swap: 3..6 distinct identity queries,
  // each a reordering of one base, no two equal.
  const std::size_t n_identity = count_identity(q);
  EXPECT_GE(n_identity, 3u);
  EXPECT_LE(n_identity, 6u);
  EXPECT_EQ(n_identity, q.identity_candidates);
  std::set<std::string> keys;
  for (std::size_t k = 0; k < n_identity; ++k) {
    const Task& t = q.queries[k].task;
    EXPECT_TRUE(keys.insert(task_content_key(t)).second) << "duplicate query " << t.id;
    bool from_base = false;
    for (std::size_t i = 0; i < 3; ++i) from_base = from_base || is_reordering(t.train, all_but(task, i));
    EXPECT_TRUE(from_base) << t.id;
    ASSERT_EQ(t.test.size(), 1u);
    EXPECT_EQ(t.test[0].input, task.test[0].input);
    EXPECT_FALSE(t.test[0].output.has_value()) << "the known answer leaked into query " << t.id;
    EXPECT_EQ(q.queries[k].invert(task.test[0].input), task.test[0].input);
  }
  // The five transforms, in the spec's order, after the identity queries.
  ASSERT_EQ(q.queries.size(), n_identity + 5);
  const std::vector<std::string> names = {"Transpose", "Flip(0)", "Flip(1)", "Rotate(90)", "Rotate(180)"};
  for (std::size_t k = 0; k < 5; ++k) EXPECT_EQ(q.queries[n_identity + k].transform, names[k]);
}

TEST(InferenceQueries, PermutationsAreDistinctReorderingsWhenThereAreManyOrders) {
  // Five demonstrations: four per base, 24 orders, so the two permutations of each base are new orders
  // unless they repeat; every one must be a reordering of its base and distinct from the rest.
  const Task task = demo_task(5);
  const InferenceQueries q = make_inference_queries(task, 0, {}, {});
  const std::size_t n_identity = count_identity(q);
  EXPECT_GT(n_identity, 5u);
  EXPECT_LE(n_identity, 15u);
  std::set<std::string> keys;
  for (std::size_t k = 0; k < n_identity; ++k) {
    EXPECT_TRUE(keys.insert(task_content_key(q.queries[k].task)).second);
    // Ids say which base a permutation came from: "q-0/loo<i>/perm<k>".
    const std::string& id = q.queries[k].task.id;
    const std::size_t at = id.find("/loo");
    ASSERT_NE(at, std::string::npos) << id;
    const std::size_t base = static_cast<std::size_t>(std::stoul(id.substr(at + 4)));
    EXPECT_TRUE(is_reordering(q.queries[k].task.train, all_but(task, base))) << id;
  }
}

TEST(InferenceQueries, TransformedQueriesAreTheirAugmenterAppliedAndInvertTheAnswer) {
  const Task task = demo_task(3);
  const InferenceQueries q = make_inference_queries(task, 0, {}, {});
  const std::size_t n_identity = count_identity(q);
  const std::vector<Augmenter> transforms = inference_transforms();
  const Grid answer = *task.test[0].output;
  for (std::size_t k = 0; k < transforms.size(); ++k) {
    const InferenceQuery& x = q.queries[n_identity + k];
    // Some identity query, transformed grid by grid.
    bool matched = false;
    for (std::size_t i = 0; i < n_identity && !matched; ++i) {
      const Task& base = q.queries[i].task;
      if (base.train.size() != x.task.train.size()) continue;
      bool same = transforms[k].apply(base.test[0].input) == x.task.test[0].input;
      for (std::size_t d = 0; d < base.train.size() && same; ++d)
        same = transforms[k].apply(base.train[d].input) == x.task.train[d].input &&
               transforms[k].apply(*base.train[d].output) == *x.task.train[d].output;
      matched = same;
    }
    EXPECT_TRUE(matched) << x.transform;
    EXPECT_FALSE(x.task.test[0].output.has_value());
    // The correct answer of the transformed query maps back to the original answer.
    EXPECT_EQ(x.invert(transforms[k].apply(answer)), answer) << x.transform;
    if (transforms[k].name() != "Rotate(180)" && transforms[k].name() != "Flip(0)" && transforms[k].name() != "Flip(1)") {
      EXPECT_NE(transforms[k].apply(answer), answer);  // the check above is not vacuous
    }
  }
  // Rotate(90)'s inverse is not Rotate(90) itself: a wrong inverse would fail here.
  const InferenceQuery& rot = q.queries[n_identity + 3];
  EXPECT_NE(rot.invert(answer), Augmenter::rotate(90).apply(answer));
}

TEST(InferenceQueries, SingleDemonstrationUsesTheWholeTask) {
  const Task task = demo_task(1);
  const InferenceQueries q = make_inference_queries(task, 0, {}, {});
  EXPECT_EQ(q.base, QueryBase::kAllDemonstrations);
  EXPECT_EQ(count_identity(q), 1u);  // its permutations are all the same order
  ASSERT_EQ(q.queries.size(), 1u + 5u);
  EXPECT_TRUE(same_grids(q.queries[0].task.train, task.train));
}

TEST(InferenceQueries, LengthFilterKeepsOnlyFittingQueries) {
  // Demonstration 0 is large, 1 and 2 small: only the base leaving out demonstration 0 (and its
  // permutations) fits between the two lengths.
  Task task = demo_task(3);
  task.train[0] = Example{distinct_grid(8, 9, 1), distinct_grid(9, 8, 2)};
  const TaskLength length = grid_query_length(10);
  InferenceQueryOptions options;
  options.max_length = length([&] {
    Task t = task;
    t.train.erase(t.train.begin());
    t.test[0].output.reset();
    return t;
  }());
  const InferenceQueries q = make_inference_queries(task, 0, options, length);
  EXPECT_EQ(q.base, QueryBase::kLeaveOneOut);
  ASSERT_FALSE(q.queries.empty());
  EXPECT_TRUE(same_grids(q.queries[0].task.train, all_but(task, 0)));
  for (const InferenceQuery& x : q.queries) {
    EXPECT_LE(length(x.task), options.max_length) << x.task.id;
    EXPECT_EQ(x.task.train.size(), 2u);
  }
  // Transposing the 2x3 query input and the non-square demonstrations keeps the length of an all-square
  // task but not here: every transformed query that is present still fits (checked above).
}

TEST(InferenceQueries, FallsBackToLeaveTwoOutThenToNothing) {
  const Task task = demo_task(3);
  const TaskLength length = grid_query_length(0);
  Task one_demo = task;
  one_demo.train.resize(1);
  one_demo.test[0].output.reset();
  Task two_demos = task;
  two_demos.train.resize(2);
  two_demos.test[0].output.reset();
  // All demonstrations have equal sizes: one-demonstration queries fit, two-demonstration ones do not.
  ASSERT_LT(length(one_demo), length(two_demos));
  InferenceQueryOptions options;
  options.max_length = length(one_demo);
  const InferenceQueries q = make_inference_queries(task, 0, options, length);
  EXPECT_EQ(q.base, QueryBase::kLeaveTwoOut);
  // Ordered pairs (i, j) leave demonstration k alone, (i, j) and (j, i) coincide: three distinct queries.
  EXPECT_EQ(count_identity(q), 3u);
  std::set<std::string> kept;
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_EQ(q.queries[k].task.train.size(), 1u);
    kept.insert(task_content_key(Task{"", q.queries[k].task.train, {}}));
  }
  EXPECT_EQ(kept.size(), 3u);
  for (const InferenceQuery& x : q.queries) EXPECT_LE(length(x.task), options.max_length);

  options.max_length = length(one_demo) - 1;
  const InferenceQueries none = make_inference_queries(task, 0, options, length);
  EXPECT_EQ(none.base, QueryBase::kNone);
  EXPECT_TRUE(none.queries.empty());

  // Two demonstrations: no leave-two-out reserve.
  Task pair = task;
  pair.train.resize(2);
  options.max_length = 1;
  EXPECT_TRUE(make_inference_queries(pair, 0, options, length).queries.empty());
}

TEST(InferenceQueries, DeterministicBySeedAndCapKeepsAPrefix) {
  const Task task = demo_task(5);
  InferenceQueryOptions options;
  options.seed = 7;
  const InferenceQueries a = make_inference_queries(task, 0, options, {});
  const InferenceQueries b = make_inference_queries(task, 0, options, {});
  ASSERT_EQ(a.queries.size(), b.queries.size());
  for (std::size_t k = 0; k < a.queries.size(); ++k) {
    EXPECT_EQ(a.queries[k].task.id, b.queries[k].task.id);
    EXPECT_EQ(task_content_key(a.queries[k].task), task_content_key(b.queries[k].task));
    EXPECT_EQ(a.queries[k].transform, b.queries[k].transform);
  }
  bool some_seed_differs = false;
  for (std::uint64_t seed = 0; seed < 4 && !some_seed_differs; ++seed) {
    options.seed = seed;
    const InferenceQueries c = make_inference_queries(task, 0, options, {});
    if (c.queries.size() != a.queries.size()) {
      some_seed_differs = true;
      break;
    }
    for (std::size_t k = 0; k < c.queries.size(); ++k)
      some_seed_differs = some_seed_differs || task_content_key(c.queries[k].task) != task_content_key(a.queries[k].task);
  }
  EXPECT_TRUE(some_seed_differs);

  options.seed = 7;
  options.max_queries = 4;
  const InferenceQueries capped = make_inference_queries(task, 0, options, {});
  ASSERT_EQ(capped.queries.size(), 4u);
  EXPECT_EQ(capped.dropped_by_cap, a.queries.size() - 4);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(capped.queries[k].task.id, a.queries[k].task.id);
    EXPECT_EQ(capped.queries[k].transform, "identity");
  }
}

TEST(InferenceQueries, SecondTestInputUsesItsOwnInput) {
  Task task = demo_task(3);
  task.test.push_back(Example{distinct_grid(3, 3, 2), std::nullopt});
  const InferenceQueries q = make_inference_queries(task, 1, {}, {});
  for (const InferenceQuery& x : q.queries)
    if (x.transform == "identity") EXPECT_EQ(x.task.test[0].input, task.test[1].input);
  EXPECT_NE(q.queries[0].task.id.find("q-1"), std::string::npos);
}

TEST(InferenceQueries, RejectsBadInput) {
  const Task task = demo_task(3);
  ttt::test_support::expect_error([&] { make_inference_queries(task, 1, {}, {}); }, {"test input 1"});
  Task no_demos = task;
  no_demos.train.clear();
  ttt::test_support::expect_error([&] { make_inference_queries(no_demos, 0, {}, {}); }, {"no demonstrations"});
  InferenceQueryOptions options;
  options.transforms = {Augmenter::reflect(0, true)};
  ttt::test_support::expect_error([&] { make_inference_queries(task, 0, options, {}); }, {"not invertible"});
}
