#pragma once
// Augmented inference queries for one test input of an ARC task (spec arc-ttt.md, "Augmented inference
// and voting"). Each query is a task of its own — some demonstrations plus the real test input as its
// single test example (output absent) — that the model completes; its prediction is mapped back to the
// original frame with the query's inverse and voted on (voting.h).
//
// Recipe for test input t of a task with N demonstrations:
//   1. Bases: the N leave-one-out tasks (demonstrations = all but i, in order; test = the real input t).
//      A task with a single demonstration has no leave-one-out task: its base is the task itself (its one
//      demonstration + input t), so such a task still gets a prediction.
//   2. Identity queries: the bases, then `permutations` (2) random demonstration orders of each base,
//      deduplicated by content (task_content_key: a permutation equal to a base or to another permutation
//      is dropped; with N−1 = 1 demonstration every permutation is a duplicate). Queries whose length
//      exceeds max_length are dropped.
//   3. If no identity query is left: the same from the leave-two-out bases (N−2 demonstrations, N ≥ 3).
//      If still none: no queries at all (the caller predicts [[0]]).
//   4. Transformed queries: for each of Transpose, Flip(0), Flip(1), Rotate(90), Rotate(180), one randomly
//      chosen identity query transformed (all grids, the test input too), tagged with the augmenter's name
//      and its inverse. The choice is uniform among the identity queries whose transformed version fits
//      max_length (Transpose and Rotate(90) change the token count); none fits → that transform is absent.
//   5. Cap (max_queries > 0): the first max_queries of [identity queries (bases first, then permutations),
//      transformed queries (in transform order)] — CPU decoding is costly and the identity queries are
//      the ones voting trusts most.
// Everything random draws from a DeterministicRng seeded from options.seed and t: the same inputs give the
// same queries. Known test outputs (evaluation on tasks with answers) are never copied into a query.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ttt/arc/augment.h"
#include "ttt/arc/task.h"
#include "ttt/arc/ttt_data.h"

namespace ttt::arc {

struct InferenceQuery {
  Task task;              // demonstrations + exactly one test example: the (transformed) test input, no output
  std::string transform;  // "identity" (kIdentityTransform) or the augmenter's name, e.g. "Rotate(90)"
  // Maps a grid predicted for `task` back to the original task's frame (the identity for "identity").
  std::function<Grid(const Grid&)> invert;
  // Maps a grid of the original task's frame into the query's (the transform itself): what scoring a
  // candidate answer under this query needs (candidate_ranking.h). Empty when the transform draws at random
  // per task (a colour permutation), so it has no grid-level form.
  std::function<Grid(const Grid&)> apply;
};

// Where the identity queries came from.
enum class QueryBase {
  kNone,               // nothing fitted: no queries
  kAllDemonstrations,  // a single-demonstration task: the task itself
  kLeaveOneOut,
  kLeaveTwoOut,
};
const char* query_base_name(QueryBase base);  // "none", "all_demonstrations", "leave_one_out", "leave_two_out"

// Transpose, Flip(0), Flip(1), Rotate(90), Rotate(180): the spec's inference transforms, in its order.
std::vector<Augmenter> inference_transforms();

struct InferenceQueryOptions {
  std::uint64_t seed = 0;
  std::size_t permutations = 2;    // random demonstration orders per base
  std::vector<Augmenter> transforms = inference_transforms();  // each must be invertible
  std::size_t max_length = 8192;   // a query is kept when length(query) ≤ max_length
  std::size_t max_queries = 0;     // 0: no cap
};

struct InferenceQueries {
  std::vector<InferenceQuery> queries;  // identity queries first, then the transformed ones
  QueryBase base = QueryBase::kNone;
  std::size_t identity_candidates = 0;  // distinct identity queries before the length filter (of `base`'s kind)
  std::size_t dropped_by_cap = 0;       // queries removed by max_queries
};

// Queries for task.test[test_index]. `length` may be empty (no length filter). Throws ttt::Error when
// test_index is out of range, the task has no demonstrations, or a transform is not invertible.
InferenceQueries make_inference_queries(const Task& task, std::size_t test_index, const InferenceQueryOptions& options,
                                        const TaskLength& length);

// A length function for the compact grid vocabulary: the query's prompt tokens (serialize_query_tokens)
// plus `answer_room` tokens reserved for the generated answer. Use with max_length = the model's context.
TaskLength grid_query_length(std::size_t answer_room);

}  // namespace ttt::arc
