#include "ttt/arc/predict_task.h"

#include <algorithm>

#include "ttt/arc/candidate_ranking_lm.h"
#include "ttt/arc/grid_decoder_lm.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {

std::size_t default_answer_room(const Task& task) {
  std::size_t room = 0;
  for (const Example& e : task.train)
    if (e.output)
      room = std::max(room, static_cast<std::size_t>(e.output->height()) * (e.output->width() + 1) + 1);
  return room;
}

TaskPrediction predict_task(models::CausalLM& model, const Task& task, const PredictTaskOptions& options,
                            const PredictProgress& progress) {
  TTT_CHECK(!task.test.empty(), "[arc] task '", task.id, "': no test input to predict");
  options.decode.validate();
  const std::size_t answer_room = options.answer_room > 0 ? options.answer_room : default_answer_room(task);
  const TaskLength length = grid_query_length(answer_room);
  const std::size_t context = options.queries.max_length;

  TaskPrediction out;
  out.task_id = task.id;
  for (std::size_t t = 0; t < task.test.size(); ++t) {
    const InferenceQueries queries = make_inference_queries(task, t, options.queries, length);
    TestInputPrediction prediction;
    prediction.base = queries.base;
    std::vector<Prediction> votes;
    for (std::size_t q = 0; q < queries.queries.size(); ++q) {
      const InferenceQuery& query = queries.queries[q];
      const std::vector<std::int32_t> prompt = serialize_query_tokens(query.task, 0);
      QueryPrediction record;
      record.query_id = query.task.id;
      record.transform = query.transform;
      record.prompt_tokens = prompt.size();
      // The length filter guarantees prompt.size() + answer_room ≤ context, so room is at least answer_room.
      GridDecodeOptions decode = options.decode;
      const std::size_t room = context > prompt.size() ? context - prompt.size() : 0;
      decode.max_new_tokens = std::min(options.decode.token_budget(), room);
      if (decode.max_new_tokens > 0) {
        if (std::optional<DecodedGrid> decoded = decode_grid(model, prompt, decode)) {
          record.generated_tokens = decoded->tokens.size();
          record.log_prob = decoded->log_prob;
          record.output = query.invert(decoded->grid);
          votes.push_back(Prediction{query.transform, *record.output});
        }
      }
      prediction.queries.push_back(std::move(record));
      if (progress) progress(t, q + 1, queries.queries.size());
    }
    prediction.vote = vote(votes);  // [[0]] twice without predictions
    prediction.attempt_1 = prediction.vote.attempt_1;
    prediction.attempt_2 = prediction.vote.attempt_2;
    prediction.candidates = vote_candidates(votes, prediction.vote, options.max_candidates);
    if (options.ranking == CandidateRanking::kLikelihood && prediction.candidates.size() >= 2) {
      prediction.scoring_queries = score_candidates(model, queries.queries, prediction.candidates, context);
      if (prediction.scoring_queries > 0) {
        const std::vector<std::size_t> order = likelihood_order(prediction.candidates);
        prediction.attempt_1 = prediction.candidates[order[0]].grid;
        prediction.attempt_2 = prediction.candidates[order[1]].grid;
      }
    }
    out.tests.push_back(std::move(prediction));
  }
  return out;
}

}  // namespace ttt::arc
