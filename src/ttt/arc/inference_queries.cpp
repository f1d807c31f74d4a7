#include "ttt/arc/inference_queries.h"

#include <algorithm>
#include <utility>

#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/voting.h"
#include "ttt/util/error.h"

namespace ttt::arc {
namespace {

// Independent random streams, so that e.g. a different length limit does not change the permutations.
enum Stream : std::uint64_t { kPermutations = 1, kTransformChoice, kTransformDraws };

Grid identity_grid(const Grid& g) { return g; }

// The real test input as the single test example; its output (if the task carries one) is left out.
Task with_query_input(const Task& base, const Example& query, std::string id) {
  Task t;
  t.id = std::move(id);
  t.train = base.train;
  t.test.push_back(Example{query.input, std::nullopt});
  return t;
}

// Bases of one kind (demonstrations only) turned into queries for `query`, then permuted copies,
// deduplicated by content.
std::vector<Task> identity_candidates(const std::vector<Task>& bases, const Example& query, std::size_t permutations,
                                      DeterministicRng& rng) {
  std::vector<Task> out;
  for (const Task& b : bases) out.push_back(with_query_input(b, query, b.id));
  const std::size_t n_bases = out.size();
  for (std::size_t i = 0; i < n_bases; ++i) {
    for (std::size_t k = 0; k < permutations; ++k) {
      Task p = out[i];
      rng.shuffle(p.train);
      p.id = str(out[i].id, "/perm", k);
      out.push_back(std::move(p));
    }
  }
  return deduplicate(std::move(out));
}

std::vector<Task> fitting(std::vector<Task> tasks, const InferenceQueryOptions& options, const TaskLength& length) {
  if (!length) return tasks;
  std::vector<Task> out;
  for (Task& t : tasks)
    if (length(t) <= options.max_length) out.push_back(std::move(t));
  return out;
}

}  // namespace

const char* query_base_name(QueryBase base) {
  switch (base) {
    case QueryBase::kNone: return "none";
    case QueryBase::kAllDemonstrations: return "all_demonstrations";
    case QueryBase::kLeaveOneOut: return "leave_one_out";
    case QueryBase::kLeaveTwoOut: return "leave_two_out";
  }
  return "none";
}

std::vector<Augmenter> inference_transforms() {
  return {Augmenter::transpose(), Augmenter::flip(0), Augmenter::flip(1), Augmenter::rotate(90),
          Augmenter::rotate(180)};
}

InferenceQueries make_inference_queries(const Task& task, std::size_t test_index, const InferenceQueryOptions& options,
                                        const TaskLength& length) {
  const Example& query = query_example(task, test_index, /*need_output=*/false);
  TTT_CHECK(!task.train.empty(), "[arc] task '", task.id, "': no demonstrations to build inference queries from");
  for (const Augmenter& a : options.transforms)
    TTT_CHECK(a.is_invertible(), "[arc] inference transform ", a.name(), " is not invertible");

  const std::string query_id = str(task.id, "-", test_index);
  Task renamed = task;
  renamed.id = query_id;

  InferenceQueries result;
  DeterministicRng permutation_rng(derive_seed(options.seed, kPermutations * 1000003 + test_index));
  std::vector<Task> identity;
  if (task.train.size() == 1) {
    // Leave-one-out would leave no demonstration: the task itself is the only base.
    Task whole = renamed;
    whole.id = str(query_id, "/all");
    std::vector<Task> candidates = identity_candidates({whole}, query, options.permutations, permutation_rng);
    result.identity_candidates = candidates.size();
    identity = fitting(std::move(candidates), options, length);
    if (!identity.empty()) result.base = QueryBase::kAllDemonstrations;
  } else {
    std::vector<Task> candidates =
        identity_candidates(leave_one_out_tasks(renamed), query, options.permutations, permutation_rng);
    result.identity_candidates = candidates.size();
    identity = fitting(std::move(candidates), options, length);
    if (!identity.empty()) {
      result.base = QueryBase::kLeaveOneOut;
    } else {
      // leave_two_out_tasks is empty below 3 demonstrations.
      candidates = identity_candidates(leave_two_out_tasks(renamed), query, options.permutations, permutation_rng);
      identity = fitting(std::move(candidates), options, length);
      if (!identity.empty()) {
        result.base = QueryBase::kLeaveTwoOut;
        result.identity_candidates = candidates.size();
      }
    }
  }
  if (identity.empty()) return result;

  for (Task& t : identity)
    result.queries.push_back(InferenceQuery{std::move(t), std::string(kIdentityTransform), identity_grid, identity_grid});
  const std::size_t n_identity = result.queries.size();

  DeterministicRng choice_rng(derive_seed(options.seed, kTransformChoice * 1000003 + test_index));
  DeterministicRng draw_rng(derive_seed(options.seed, kTransformDraws * 1000003 + test_index));
  for (const Augmenter& a : options.transforms) {
    // A uniformly random identity query among those whose transformed version fits: try them in a random
    // order and keep the first that fits.
    std::vector<std::size_t> order(n_identity);
    for (std::size_t i = 0; i < n_identity; ++i) order[i] = i;
    choice_rng.shuffle(order);
    for (std::size_t i : order) {
      std::optional<AugmentedTask> augmented = a.augment(result.queries[i].task, draw_rng);
      if (!augmented || !augmented->invert) continue;
      if (length && length(augmented->task) > options.max_length) continue;
      augmented->task.id = str(result.queries[i].task.id, "|", a.name());
      std::function<Grid(const Grid&)> apply;
      if (!a.is_random()) apply = [a](const Grid& g) { return a.apply(g); };
      result.queries.push_back(
          InferenceQuery{std::move(augmented->task), a.name(), std::move(augmented->invert), std::move(apply)});
      break;
    }
  }

  if (options.max_queries > 0 && result.queries.size() > options.max_queries) {
    result.dropped_by_cap = result.queries.size() - options.max_queries;
    result.queries.resize(options.max_queries);
  }
  return result;
}

TaskLength grid_query_length(std::size_t answer_room) {
  return [answer_room](const Task& t) { return serialize_query_tokens(t, 0).size() + answer_room; };
}

}  // namespace ttt::arc
