#pragma once
// How well a model predicts a task's known answer, in one forward pass (teacher forcing). Greedy decoding
// reproduces the answer exactly when, and only when, the argmax at every answer position is the answer's
// token (each step then sees the true prefix), so `exact` equals unconstrained greedy exact match, and is a
// lower bound on constrained greedy decoding (which only changes steps whose argmax is malformed). Used
// for validation during pretraining and for early stopping in per-task TTT, where decoding would cost a
// forward per token.
#include <cstddef>
#include <vector>

#include "ttt/arc/task.h"
#include "ttt/models/causal_lm.h"

namespace ttt::arc {

struct AnswerScore {
  double loss = 0;           // mean −log p over the answer tokens (grid, row ends, end-of-example)
  std::size_t tokens = 0;    // answer tokens
  std::size_t correct = 0;   // of them, argmax-correct
  bool exact = false;        // all correct
};

// Under no-grad in the model's current mode; `test_index` selects the query. Throws ttt::Error when the
// sequence exceeds the model's context or the answer is unknown.
AnswerScore score_answer(models::CausalLM& model, const Task& task, std::size_t test_index);

struct AnswerScoreSummary {
  std::size_t tasks = 0, exact = 0;
  double mean_loss = 0;       // mean over tasks of each task's mean answer loss
  double token_accuracy = 0;  // over all answer tokens
};
// Every test input of every task; switches the model to eval mode and restores its mode after.
AnswerScoreSummary score_answers(models::CausalLM& model, const std::vector<Task>& tasks);

}  // namespace ttt::arc
