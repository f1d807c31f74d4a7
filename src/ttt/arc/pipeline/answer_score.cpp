#include "ttt/arc/pipeline/answer_score.h"

#include "ttt/arc/grid_tokens.h"
#include "ttt/util/error.h"

namespace ttt::arc {

AnswerScore score_answer(models::CausalLM& model, const Task& task, std::size_t test_index) {
  const auto full = serialize_task_tokens(task, test_index, true);
  const auto prompt = serialize_query_tokens(task, test_index).size();
  // The answer: tokens prompt .. the end-of-example marker (the final EOS is not part of the grid).
  const std::size_t answer_end = full.ids.size() - 1;
  const auto n = static_cast<std::int64_t>(full.ids.size());
  TTT_CHECK(n - 1 <= model->config().max_position_embeddings, "[arc] task '", task.id, "' needs ", n - 1,
            " tokens, more than the model's context ", model->config().max_position_embeddings);
  torch::NoGradGuard no_grad;
  std::vector<std::int64_t> ids(full.ids.begin(), full.ids.end());
  auto input = torch::tensor(ids, torch::kLong).narrow(0, 0, n - 1).unsqueeze(0);
  auto logits = model->forward(input).logits[0];  // [n-1, V]: row t predicts token t+1
  const auto first = static_cast<std::int64_t>(prompt) - 1, count = static_cast<std::int64_t>(answer_end - prompt);
  auto rows = logits.narrow(0, first, count);
  auto targets = torch::tensor(std::vector<std::int64_t>(ids.begin() + prompt, ids.begin() + answer_end), torch::kLong);
  AnswerScore s;
  s.tokens = static_cast<std::size_t>(count);
  s.loss = torch::nn::functional::cross_entropy(rows, targets).item<double>();
  s.correct = static_cast<std::size_t>(rows.argmax(-1).eq(targets).sum().item<std::int64_t>());
  s.exact = s.correct == s.tokens;
  return s;
}

AnswerScoreSummary score_answers(models::CausalLM& model, const std::vector<Task>& tasks) {
  const bool was_training = model->is_training();
  model->eval();
  AnswerScoreSummary sum;
  std::size_t tokens = 0, correct = 0;
  for (const auto& task : tasks)
    for (std::size_t t = 0; t < task.test.size(); ++t) {
      const auto s = score_answer(model, task, t);
      sum.tasks += 1;
      sum.exact += s.exact ? 1 : 0;
      sum.mean_loss += s.loss;
      tokens += s.tokens;
      correct += s.correct;
    }
  if (sum.tasks > 0) sum.mean_loss /= static_cast<double>(sum.tasks);
  sum.token_accuracy = tokens > 0 ? static_cast<double>(correct) / static_cast<double>(tokens) : 0;
  if (was_training) model->train();
  return sum;
}

}  // namespace ttt::arc
