#include <algorithm>

#include "ttt/arc/candidate_ranking_lm.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {

std::vector<double> answer_log_probs(models::CausalLM& model, const std::vector<std::int32_t>& prompt,
                                     const std::vector<std::vector<std::int32_t>>& answers) {
  TTT_CHECK(!prompt.empty(), "[arc] scoring answers: empty prompt");
  if (answers.empty()) return {};
  std::size_t longest = 0;
  for (const auto& a : answers) {
    TTT_CHECK(!a.empty(), "[arc] scoring answers: empty answer");
    longest = std::max(longest, a.size());
  }
  // The last answer token is only a target: the input stops one short of prompt + answer.
  const auto width = static_cast<std::int64_t>(prompt.size() + longest - 1);
  TTT_CHECK(width <= model->config().max_position_embeddings, "[arc] scoring answers: ", prompt.size(),
            " prompt tokens + ", longest, " answer tokens need ", width, " positions, more than the model's context ",
            model->config().max_position_embeddings);
  torch::NoGradGuard no_grad;
  // The prompt once (batch 1), then every answer continues from a copy of its cache: one answer's worth of
  // tokens per candidate instead of prompt + answer.
  const auto prompt_length = static_cast<std::int64_t>(prompt.size());
  models::Cache cache = model->new_cache();
  const std::vector<std::int64_t> prompt_ids(prompt.begin(), prompt.end());
  const auto prompt_logits = model->forward(torch::tensor(prompt_ids, torch::kLong).unsqueeze(0), &cache).logits;
  const auto first = prompt_logits[0][prompt_length - 1].to(torch::kDouble).log_softmax(-1).contiguous();
  const auto lp_first = first.accessor<double, 1>();
  std::vector<double> out(answers.size(), 0.0);
  for (std::size_t b = 0; b < answers.size(); ++b) out[b] = lp_first[answers[b][0]];
  if (longest == 1) return out;

  // The rest of each answer but its last token, right-padded (causal: no row sees the padding after it);
  // row i predicts answer token i + 1.
  const auto batch = static_cast<std::int64_t>(answers.size());
  const auto rest = static_cast<std::int64_t>(longest - 1);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(batch * rest), 0);  // padding: colour 0
  for (std::int64_t b = 0; b < batch; ++b) {
    const auto& a = answers[static_cast<std::size_t>(b)];
    std::copy(a.begin(), a.end() - 1, ids.begin() + b * rest);
  }
  models::Cache copies = models::repeat_cache_batch(cache, batch);
  const auto logits = model->forward(torch::from_blob(ids.data(), {batch, rest}, torch::kLong), &copies).logits;
  const auto lp = logits.to(torch::kDouble).log_softmax(-1).contiguous();
  const auto rows = lp.accessor<double, 3>();
  for (std::int64_t b = 0; b < batch; ++b) {
    const auto& a = answers[static_cast<std::size_t>(b)];
    for (std::size_t i = 1; i < a.size(); ++i) out[static_cast<std::size_t>(b)] += rows[b][static_cast<std::int64_t>(i - 1)][a[i]];
  }
  return out;
}

std::size_t score_candidates(models::CausalLM& model, const std::vector<InferenceQuery>& queries,
                             std::vector<Candidate>& candidates, std::size_t context) {
  std::vector<Grid> grids;
  for (const Candidate& c : candidates) grids.push_back(c.grid);
  const std::vector<std::size_t> usable = scoring_queries(queries, grids, context);
  if (usable.empty()) return 0;
  std::vector<double> total(candidates.size(), 0.0);
  for (std::size_t q : usable) {
    std::vector<std::vector<std::int32_t>> answers;
    for (const Grid& g : grids) answers.push_back(answer_tokens(queries[q].apply(g)));
    const std::vector<double> lp = answer_log_probs(model, serialize_query_tokens(queries[q].task, 0), answers);
    for (std::size_t c = 0; c < candidates.size(); ++c) total[c] += lp[c];
  }
  for (std::size_t c = 0; c < candidates.size(); ++c)
    candidates[c].log_likelihood = total[c] / static_cast<double>(usable.size());
  return usable.size();
}

}  // namespace ttt::arc
