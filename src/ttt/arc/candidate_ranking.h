#pragma once
// Re-ranking a test input's candidate grids by the model's likelihood across augmentations — the
// "product of experts" scoring that later ARC systems added to the paper's voting (the ARChitects, 2024):
// voting counts how often each augmented query *produced* a grid; here every candidate is scored under
// every query (teacher forcing: log p(query-frame candidate tokens, EOX | query prompt)), so a grid that only
// one query found can still win when all the other views find it likely, and a grid many queries produced
// by the same mistake loses when the views that did not produce it find it unlikely.
//
// Candidates: the distinct decoded outputs, most produced first (ties: first produced), at most
// `max_candidates` of them, then the vote's finalists that are not among them (row/column-majority grids
// voting may submit although no query produced them), so the likelihood ranking chooses among a superset of
// what voting would submit.
// Score of a candidate: the mean, over the scoring queries, of its summed token log-probability (EOX
// included) in that query's frame. Every candidate is scored on the same queries: a query is used when it
// has a deterministic forward transform and every candidate fits the context in its frame.
// Ranking: score descending; ties go to more votes, then to the earlier candidate.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ttt/arc/grid.h"
#include "ttt/arc/inference_queries.h"
#include "ttt/arc/voting.h"

namespace ttt::arc {

enum class CandidateRanking {
  kVote,        // the spec's two-level vote (voting.h)
  kLikelihood,  // the vote's candidates, re-ranked by augmented likelihood
};
const char* candidate_ranking_name(CandidateRanking ranking);  // "vote", "likelihood"
// Throws ttt::Error naming the accepted values.
CandidateRanking parse_candidate_ranking(const std::string& name);

struct Candidate {
  Grid grid;
  std::size_t votes = 0;  // predictions (of any query) that produced it; 0 for a majority-grid finalist
  // Mean summed log-probability over the scoring queries; -inf when unscored (ranking by vote, or no
  // query could score every candidate).
  double log_likelihood = -std::numeric_limits<double>::infinity();
};

// The candidate list described above (no scores). Empty for no predictions.
std::vector<Candidate> vote_candidates(const std::vector<Prediction>& predictions, const VoteResult& vote,
                                       std::size_t max_candidates);

// Indices of `candidates` in ranking order (score, then votes, then position).
std::vector<std::size_t> likelihood_order(const std::vector<Candidate>& candidates);

// The queries whose frame every candidate can be scored in: a forward transform and, for each candidate,
// prompt tokens + answer tokens (grid, EOX) ≤ context. Indices into `queries`.
std::vector<std::size_t> scoring_queries(const std::vector<InferenceQuery>& queries,
                                         const std::vector<Grid>& candidates, std::size_t context);

// Where a known answer stands among a test input's candidates, in the order the ranking used (likelihood
// order when they were scored, otherwise list order, i.e. most produced first): 0 = first; -1 when no
// candidate equals it. For evaluations: how often the right grid was produced at all, and how far the
// ranking put it from the top.
int answer_rank(const std::vector<Candidate>& candidates, const Grid& answer);

// The tokens a candidate contributes as an answer: its grid (rows closed by ROW_END) then EOX.
std::vector<std::int32_t> answer_tokens(const Grid& grid);

}  // namespace ttt::arc

