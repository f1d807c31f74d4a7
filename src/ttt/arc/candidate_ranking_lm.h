#pragma once
// Scoring candidate answers with a CausalLM over the compact grid vocabulary (the model half of
// candidate_ranking.h; libtorch).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ttt/arc/candidate_ranking.h"
#include "ttt/models/causal_lm.h"

namespace ttt::arc {

// Summed log-probability (full softmax, in double) of each answer's tokens following `prompt`: the prompt is
// prefilled once, then all answers continue from copies of its cache as one right-padded batch.
// Under no-grad in the model's current mode. Throws ttt::Error for an empty prompt or answer, or a sequence
// longer than the model's context.
std::vector<double> answer_log_probs(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                     const std::vector<std::vector<std::int32_t>>& answers);

// Fills each candidate's log_likelihood (the mean over scoring_queries(queries, …, context) of
// answer_log_probs in that query's frame). Returns the number of queries used; with none, the candidates
// stay unscored (-inf).
std::size_t score_candidates(models::CausalLM& model, const std::vector<InferenceQuery>& queries,
                             std::vector<Candidate>& candidates, std::size_t context);

}  // namespace ttt::arc
