#include "ttt/arc/candidate_ranking.h"

#include <algorithm>
#include <numeric>

#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {

const char* candidate_ranking_name(CandidateRanking ranking) {
  return ranking == CandidateRanking::kLikelihood ? "likelihood" : "vote";
}

CandidateRanking parse_candidate_ranking(const std::string& name) {
  if (name == "vote") return CandidateRanking::kVote;
  if (name == "likelihood") return CandidateRanking::kLikelihood;
  throw Error(str("[arc] unknown candidate ranking '", name, "' (expected vote or likelihood)"));
}

std::vector<Candidate> vote_candidates(const std::vector<Prediction>& predictions, const VoteResult& vote,
                                       std::size_t max_candidates) {
  std::vector<Grid> outputs;
  outputs.reserve(predictions.size());
  for (const Prediction& p : predictions) outputs.push_back(p.output);
  std::vector<Grid> distinct = distinct_by_count(outputs);
  if (max_candidates > 0 && distinct.size() > max_candidates) distinct.resize(max_candidates);
  std::vector<Candidate> out;
  for (Grid& g : distinct) {
    const auto votes = static_cast<std::size_t>(std::count(outputs.begin(), outputs.end(), g));
    out.push_back(Candidate{std::move(g), votes});
  }
  for (const Grid& finalist : vote.finalists) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const Candidate& c) { return c.grid == finalist; });
    if (!listed)
      out.push_back(Candidate{finalist, static_cast<std::size_t>(std::count(outputs.begin(), outputs.end(), finalist))});
  }
  return out;
}

std::vector<std::size_t> likelihood_order(const std::vector<Candidate>& candidates) {
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Candidate& x = candidates[a];
    const Candidate& y = candidates[b];
    if (x.log_likelihood != y.log_likelihood) return x.log_likelihood > y.log_likelihood;
    return x.votes > y.votes;
  });
  return order;
}

int answer_rank(const std::vector<Candidate>& candidates, const Grid& answer) {
  const std::vector<std::size_t> order = likelihood_order(candidates);  // list order while unscored
  for (std::size_t i = 0; i < order.size(); ++i)
    if (candidates[order[i]].grid == answer) return static_cast<int>(i);
  return -1;
}

std::vector<std::int32_t> answer_tokens(const Grid& grid) {
  std::vector<std::int32_t> ids;
  append_grid_tokens(grid, ids);
  ids.push_back(kTokenEndOfExample);
  return ids;
}

std::vector<std::size_t> scoring_queries(const std::vector<InferenceQuery>& queries,
                                         const std::vector<Grid>& candidates, std::size_t context) {
  std::vector<std::size_t> usable;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (!queries[q].apply) continue;
    const std::size_t prompt = serialize_query_tokens(queries[q].task, 0).size();
    const bool all_fit = std::all_of(candidates.begin(), candidates.end(), [&](const Grid& c) {
      return prompt + answer_tokens(queries[q].apply(c)).size() <= context;
    });
    if (all_fit) usable.push_back(q);
  }
  return usable;
}

}  // namespace ttt::arc
