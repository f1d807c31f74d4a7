#pragma once
// Augmented inference for one ARC task with a CausalLM over the compact grid vocabulary (spec arc-ttt.md,
// "Augmented inference and voting"): for every test input, build the inference queries
// (inference_queries.h), decode each greedily under the grid constraint (grid_decoder_lm.h), map the grid
// back with the query's inverse, and vote (voting.h) → two attempts. A test input with no fitting query, or
// whose queries all fail to finish a grid, gets [[0]] twice (the submission's "no prediction").
//
// Context: a query is kept when its prompt tokens + answer_room ≤ queries.max_length, and its decoding may
// use at most max_length − prompt tokens (and decode's own budget), so no sequence outgrows the context.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ttt/arc/candidate_ranking.h"
#include "ttt/arc/grid_decoder.h"
#include "ttt/arc/inference_queries.h"
#include "ttt/arc/task.h"
#include "ttt/arc/voting.h"
#include "ttt/models/causal_lm.h"

namespace ttt::arc {

struct PredictTaskOptions {
  InferenceQueryOptions queries;  // seed, permutations, transforms, max_length (the context), max_queries
  GridDecodeOptions decode;       // grid limits and token budget
  // Tokens reserved for the answer when filtering queries by length; 0: the token count of the task's
  // largest demonstration output (H·(W+1) + EOX), a guess at the answer's size.
  std::size_t answer_room = 0;
  // How the two attempts are chosen from the decoded grids (candidate_ranking.h): the vote, or the vote's
  // candidates re-ranked by their likelihood under every query.
  CandidateRanking ranking = CandidateRanking::kVote;
  std::size_t max_candidates = 8;  // most-produced distinct grids scored (plus the vote's finalists); 0: all
};

struct QueryPrediction {
  std::string query_id;
  std::string transform;           // "identity" or the augmenter's name
  std::size_t prompt_tokens = 0;
  std::size_t generated_tokens = 0;  // EOX included; 0 when decoding did not finish
  std::optional<Grid> output;      // mapped back to the task's frame; nullopt: no grid within the budget
  double log_prob = 0.0;           // DecodedGrid::log_prob (raw softmax) of the generated tokens
};

struct TestInputPrediction {
  Grid attempt_1;
  Grid attempt_2;
  QueryBase base = QueryBase::kNone;
  std::vector<QueryPrediction> queries;  // in query order
  VoteResult vote;                       // the full vote (finalists, group nominations) for reports
  // The candidates (candidate_ranking.h), scored when ranking by likelihood with two or more of them.
  std::vector<Candidate> candidates;
  std::size_t scoring_queries = 0;  // queries every candidate was scored under (0: the vote decided)
};

struct TaskPrediction {
  std::string task_id;
  std::vector<TestInputPrediction> tests;  // one per test input, in order
};

// Called after each decoded query: (test_index, queries done for it, queries for it).
using PredictProgress = std::function<void(std::size_t, std::size_t, std::size_t)>;

// The model should be in eval mode. Throws ttt::Error for a task without demonstrations or test inputs.
TaskPrediction predict_task(models::CausalLM& model, const Task& task, const PredictTaskOptions& options,
                            const PredictProgress& progress = {});

// answer_room's default: tokens of the largest demonstration output grid plus EOX.
std::size_t default_answer_room(const Task& task);

}  // namespace ttt::arc
