#include "ttt/arc/pipeline/task_ttt.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "ttt/arc/deterministic_rng.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/pipeline/answer_score.h"
#include "ttt/arc/pipeline/task_batch.h"
#include "ttt/train/adamw.h"
#include "ttt/train/lm_loss.h"
#include "ttt/train/schedule.h"
#include "ttt/util/error.h"

namespace ttt::arc {

void TaskTttOptions::validate() const {
  TTT_CHECK(epochs >= 1, "[arc ttt] epochs must be ≥ 1, got ", epochs);
  TTT_CHECK(batch >= 1, "[arc ttt] batch must be ≥ 1, got ", batch);
  TTT_CHECK(std::isfinite(lr) && lr > 0, "[arc ttt] learning rate must be finite and positive, got ", lr);
  TTT_CHECK(std::isfinite(weight_decay) && weight_decay >= 0, "[arc ttt] weight decay must be ≥ 0, got ", weight_decay);
  TTT_CHECK(warmup >= 0 && warmup <= 1, "[arc ttt] warmup must be a fraction in [0, 1], got ", warmup);
  TTT_CHECK(max_steps >= 0 && eval_every >= 0, "[arc ttt] max steps and eval interval must be ≥ 0");
  TTT_CHECK(data.max_tasks >= 1, "[arc ttt] the TTT data needs at least one task (max tasks ", data.max_tasks, ")");
}

namespace {

std::vector<torch::Tensor> snapshot(const models::LoraAdapters& adapters) {
  std::vector<torch::Tensor> out;
  for (const auto& p : adapters.parameters()) out.push_back(p.detach().clone());
  return out;
}

void restore(models::LoraAdapters& adapters, const std::vector<torch::Tensor>& saved) {
  torch::NoGradGuard no_grad;
  const auto params = adapters.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(saved[i]);
}

}  // namespace

TaskTttReport test_time_train(models::CausalLM& model, models::LoraAdapters& adapters, const Task& task,
                              const TaskTttOptions& options) {
  options.validate();
  TTT_CHECK(adapters.attached(), "[arc ttt] no LoRA adapters attached to the model");
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t context = model->config().max_position_embeddings;
  TaskTttReport report;

  // The held-out demonstration and the demonstrations left to learn from.
  Task train_task = task;
  std::optional<Task> heldout;
  if (options.early_stopping && task.train.size() >= 3) {
    Task v = task;
    v.test = {task.train.back()};
    v.train.pop_back();
    if (static_cast<std::int64_t>(serialize_task_tokens(v, 0, true).ids.size()) - 1 <= context) {
      train_task.train.pop_back();
      heldout = std::move(v);
    }
  }
  report.early_stopping = heldout.has_value();

  auto data_options = options.data;
  data_options.max_length = static_cast<std::size_t>(context);
  const auto data = make_ttt_data(train_task, data_options, [](const Task& t) {
    return serialize_task_tokens(t, 0, true).ids.size() - 1;
  });
  TTT_CHECK(!data.tasks.empty(), "[arc ttt] task '", task.id, "': no test-time-training sequence fits the context of ",
            context, " tokens (", task.train.size(), " demonstrations)");
  report.examples = data.tasks.size();

  const auto n = static_cast<std::int64_t>(data.tasks.size());
  const std::int64_t per_epoch = (n + options.batch - 1) / options.batch;
  std::int64_t total = per_epoch * options.epochs;
  if (options.max_steps > 0) total = std::min(total, options.max_steps);
  train::LrSchedule schedule;
  schedule.peak_lr = options.lr;
  schedule.min_lr = 0;
  schedule.total_steps = total;
  schedule.warmup_steps = static_cast<std::int64_t>(std::llround(options.warmup * static_cast<double>(total)));
  train::AdamWOptions adamw;
  adamw.weight_decay = options.weight_decay;
  train::AdamW optimizer(adapters.named_parameters(), adamw);
  const std::int64_t eval_every = options.eval_every > 0 ? options.eval_every : std::max<std::int64_t>(1, per_epoch / 4);

  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_state;
  auto validate = [&](std::int64_t step) {
    if (!heldout) return;
    adapters.train(false);
    const double loss = score_answer(model, *heldout, 0).loss;
    report.heldout_curve.emplace_back(step, loss);
    if (step == 0) report.initial_heldout_loss = loss;
    if (loss < best) {
      best = loss;
      report.best_step = step;
      best_state = snapshot(adapters);
    }
  };
  validate(0);

  model->train();
  adapters.train(true);
  std::int64_t step = 0;
  double epoch_loss = 0;
  std::int64_t epoch_batches = 0;
  for (std::int64_t epoch = 0; epoch < options.epochs && step < total; ++epoch) {
    std::vector<std::size_t> order(data.tasks.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    DeterministicRng rng(derive_seed(options.seed, static_cast<std::uint64_t>(epoch)));
    rng.shuffle(order);
    epoch_loss = 0;
    epoch_batches = 0;
    for (std::int64_t b = 0; b < per_epoch && step < total; ++b) {
      std::vector<const Task*> members;
      for (std::int64_t k = b * options.batch; k < std::min(n, (b + 1) * options.batch); ++k)
        members.push_back(&data.tasks[order[static_cast<std::size_t>(k)]]);
      const auto batch = make_task_batch(members, context);
      for (auto& p : adapters.parameters())
        if (p.grad().defined()) p.mutable_grad().zero_();
      const auto loss = train::lm_loss_sum(model->forward(batch.inputs).logits, batch.targets, batch.mask);
      if (loss.count > 0) {
        (loss.sum / static_cast<double>(loss.count)).backward();
        epoch_loss += loss.sum.item<double>() / static_cast<double>(loss.count);
        epoch_batches += 1;
      }
      optimizer.step(schedule.lr(step));
      step += 1;
      if (heldout && (step % eval_every == 0 || step == total)) {
        validate(step);
        model->train();
        adapters.train(true);
      }
    }
  }
  report.steps = step;
  report.final_train_loss = epoch_batches > 0 ? epoch_loss / static_cast<double>(epoch_batches) : 0;
  if (heldout && !best_state.empty()) restore(adapters, best_state);
  report.best_heldout_loss = heldout ? best : 0;
  if (!heldout) report.best_step = step;
  model->eval();
  adapters.train(false);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ttt::arc
