#include "ttt/arc/pipeline/task_ttt.h"

#include <chrono>
#include <cmath>
#include <functional>
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

// The TTT data of `task` at the model's context; throws when not even one sequence fits.
TttData task_ttt_data(const Task& task, const Task& source, const TaskTttOptions& options, std::int64_t context) {
  auto data_options = options.data;
  data_options.max_length = static_cast<std::size_t>(context);
  auto data = make_ttt_data(task, data_options, [](const Task& t) {
    return serialize_task_tokens(t, 0, true).ids.size() - 1;
  });
  TTT_CHECK(!data.tasks.empty(), "[arc ttt] task '", source.id, "': no test-time-training sequence fits the context of ",
            context, " tokens (", source.train.size(), " demonstrations)");
  return data;
}

struct TrainingRun {
  std::int64_t steps = 0;
  double final_train_loss = 0;  // mean over the last epoch's batches
};

// One pass of the recipe over `data`: AdamW on the adapters, cosine schedule over the recipe's full length
// (schedule_length), stopped after `stop_after` updates when that is shorter (−1: never). `after_update`
// runs after every update with the step count (validation).
TrainingRun train_adapter(models::CausalLM& model, models::LoraAdapters& adapters, const TttData& data,
                          const TaskTttOptions& options, std::int64_t stop_after,
                          const std::function<void(std::int64_t step)>& after_update) {
  const std::int64_t context = model->config().max_position_embeddings;
  const auto n = static_cast<std::int64_t>(data.tasks.size());
  const std::int64_t total = schedule_length(n, options);
  const std::int64_t last = stop_after >= 0 ? std::min(stop_after, total) : total;
  train::LrSchedule schedule;
  schedule.peak_lr = options.lr;
  schedule.min_lr = 0;
  schedule.total_steps = total;
  schedule.warmup_steps = static_cast<std::int64_t>(std::llround(options.warmup * static_cast<double>(total)));
  train::AdamWOptions adamw;
  adamw.weight_decay = options.weight_decay;
  train::AdamW optimizer(adapters.named_parameters(), adamw);
  const std::int64_t per_epoch = (n + options.batch - 1) / options.batch;

  model->train();
  adapters.train(true);
  TrainingRun run;
  double epoch_loss = 0;
  std::int64_t epoch_batches = 0;
  for (std::int64_t epoch = 0; epoch < options.epochs && run.steps < last; ++epoch) {
    std::vector<std::size_t> order(data.tasks.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    DeterministicRng rng(derive_seed(options.seed, static_cast<std::uint64_t>(epoch)));
    rng.shuffle(order);
    epoch_loss = 0;
    epoch_batches = 0;
    for (std::int64_t b = 0; b < per_epoch && run.steps < last; ++b) {
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
      optimizer.step(schedule.lr(run.steps));
      run.steps += 1;
      if (after_update) {
        after_update(run.steps);
        model->train();
        adapters.train(true);
      }
    }
  }
  run.final_train_loss = epoch_batches > 0 ? epoch_loss / static_cast<double>(epoch_batches) : 0;
  return run;
}

}  // namespace

std::int64_t schedule_length(std::int64_t sequences, const TaskTttOptions& options) {
  const std::int64_t per_epoch = (sequences + options.batch - 1) / options.batch;
  std::int64_t total = per_epoch * options.epochs;
  if (options.max_steps > 0) total = std::min(total, options.max_steps);
  return total;
}

std::int64_t refit_length(std::int64_t best_step, std::int64_t fit_total, std::int64_t refit_total) {
  if (best_step <= 0 || fit_total <= 0) return 0;
  if (best_step >= fit_total) return refit_total;
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(best_step) * static_cast<double>(refit_total) /
                                                static_cast<double>(fit_total)));
}

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

  const auto data = task_ttt_data(train_task, task, options, context);
  report.examples = data.tasks.size();
  const std::int64_t fit_total = schedule_length(static_cast<std::int64_t>(data.tasks.size()), options);
  const std::int64_t per_epoch = (static_cast<std::int64_t>(data.tasks.size()) + options.batch - 1) / options.batch;
  const std::int64_t eval_every = options.eval_every > 0 ? options.eval_every : std::max<std::int64_t>(1, per_epoch / 4);
  const bool refit = heldout && options.refit_on_all_demos;
  const auto fresh = refit ? snapshot(adapters) : std::vector<torch::Tensor>{};

  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_state;
  auto validate = [&](std::int64_t step) {
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
  if (heldout) validate(0);
  const auto run = train_adapter(model, adapters, data, options, -1, [&](std::int64_t step) {
    if (heldout && (step % eval_every == 0 || step == fit_total)) validate(step);
  });
  report.steps = run.steps;
  report.final_train_loss = run.final_train_loss;
  if (heldout) {
    report.best_heldout_loss = best;
    if (!best_state.empty()) restore(adapters, best_state);
    // Refit: the held-out demonstration chose how long to train; a fresh adapter now learns from every
    // demonstration (more leave-one-out tasks, the held-out rule instance included) for the same share of
    // its own schedule. When no update helped, the fresh adapter (B = 0: the base model) is kept.
    if (refit) {
      restore(adapters, fresh);
      if (report.best_step > 0) {
        const auto all_data = task_ttt_data(task, task, options, context);
        const auto refit_total = schedule_length(static_cast<std::int64_t>(all_data.tasks.size()), options);
        const auto refit_steps = refit_length(report.best_step, fit_total, refit_total);
        const auto refit = train_adapter(model, adapters, all_data, options, refit_steps, nullptr);
        report.refit_examples = all_data.tasks.size();
        report.refit_steps = refit.steps;
        report.steps += refit.steps;
      }
    }
  } else {
    report.best_step = run.steps;
  }
  model->eval();
  adapters.train(false);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ttt::arc
