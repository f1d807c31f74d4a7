#include "ttt/arc/pipeline/solve_task.h"

#include <chrono>

namespace ttt::arc {

std::vector<Attempts> attempts_of(const TaskPrediction& prediction) {
  std::vector<Attempts> out;
  for (const auto& t : prediction.tests) out.push_back({t.attempt_1, t.attempt_2});
  return out;
}

TaskPrediction predict_with_model(models::CausalLM& model, models::LoraAdapters* adapters, const Task& task,
                                  const SolveOptions& options) {
  auto predict = options.predict;
  predict.queries.max_length = static_cast<std::size_t>(model->config().max_position_embeddings);
  model->eval();
  if (adapters && adapters->attached()) {
    adapters->train(false);
    adapters->merge();  // one matrix per projection while decoding token by token
  }
  TaskPrediction result;
  try {
    result = predict_task(model, task, predict);
  } catch (...) {
    if (adapters && adapters->attached()) adapters->unmerge();
    throw;
  }
  if (adapters && adapters->attached()) adapters->unmerge();
  return result;
}

TaskPrediction predict_with_base_model(models::CausalLM& model, models::LoraAdapters* adapters, const Task& task,
                                       const SolveOptions& options) {
  if (adapters && adapters->attached()) adapters->reset(options.lora_seed);
  return predict_with_model(model, adapters, task, options);
}

TttOutcome solve_with_ttt(models::CausalLM& model, models::LoraAdapters& adapters, const Task& task,
                          const SolveOptions& options, const std::string& adapter_path) {
  TttOutcome out;
  adapters.reset(options.lora_seed);
  out.report = test_time_train(model, adapters, task, options.ttt);
  if (!adapter_path.empty()) adapters.save(adapter_path);
  const auto start = std::chrono::steady_clock::now();
  out.prediction = predict_with_model(model, &adapters, task, options);
  out.predict_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace ttt::arc
