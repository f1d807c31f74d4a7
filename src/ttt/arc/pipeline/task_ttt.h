#pragma once
// Per-task test-time training (spec "LoRA test-time training"): the task's own demonstrations become
// training data (leave-one-out + augmentations, ttt_data.h), and a fresh LoRA adapter learns them with
// AdamW under a cosine schedule with linear warmup, no clipping, loss on all outputs.
//
// Early stopping on a held-out demonstration: when the task has at least three demonstrations, the last
// one is kept out of the TTT data and becomes the query of a validation task (the other demonstrations as
// its demos). Its answer loss is measured before training and every `eval_every` updates; the adapter
// with the lowest loss so far is remembered and restored at the end, so training can only be kept when it
// helped on a demonstration it never saw. With fewer demonstrations every one is needed for training and
// the last adapter is kept.
//
// Refit (off by default: measured worse, docs/results.md): the held-out demonstration then goes back in.
// The early-stopped run only chose how long to train (best step k of its T updates); a fresh adapter is
// trained on the TTT data of every demonstration for the same share k/T of its own schedule, so no
// demonstration is lost to validation. When k = 0 (no update helped) the fresh adapter, i.e. the base
// model, is kept.
#include <cstdint>
#include <vector>

#include "ttt/arc/task.h"
#include "ttt/arc/ttt_data.h"
#include "ttt/models/causal_lm.h"
#include "ttt/models/lora_adapters.h"

namespace ttt::arc {

struct TaskTttOptions {
  TttDataOptions data;        // max_tasks (Nmax), augmenters, seed; max_length is set from the context
  std::int64_t epochs = 2;
  std::int64_t batch = 2;
  double lr = 1e-4;
  double weight_decay = 0.01;
  double warmup = 0.1;        // fraction of the updates
  std::int64_t max_steps = 0; // cap on updates (0: none)
  bool early_stopping = true;
  bool refit_on_all_demos = false;  // after early stopping: retrain on every demonstration for the chosen share
  std::int64_t eval_every = 0;  // updates between validations (0: four times per epoch)
  std::uint64_t seed = 0;       // data order

  void validate() const;
};

struct TaskTttReport {
  std::size_t examples = 0;          // TTT sequences built
  std::int64_t steps = 0;            // updates taken (the refit's included)
  bool early_stopping = false;       // a demonstration was held out
  std::int64_t best_step = 0;        // updates of the kept adapter (0: the fresh adapter)
  double initial_heldout_loss = 0;   // before training (early stopping only)
  double best_heldout_loss = 0;
  double final_train_loss = 0;       // mean over the last epoch's batches (of the early-stopped run)
  std::size_t refit_examples = 0;    // TTT sequences of the refit on every demonstration (0: no refit)
  std::int64_t refit_steps = 0;      // its updates
  double seconds = 0;
  std::vector<std::pair<std::int64_t, double>> heldout_curve;  // (step, held-out answer loss)
};

// Updates of one training run over `sequences` TTT sequences: epochs × ceil(sequences / batch), capped by
// max_steps.
std::int64_t schedule_length(std::int64_t sequences, const TaskTttOptions& options);
// The refit's updates: best_step of fit_total scaled to refit_total (at least 1 when best_step > 0; all of
// refit_total when the best adapter was the last one; 0 when best_step is 0).
std::int64_t refit_length(std::int64_t best_step, std::int64_t fit_total, std::int64_t refit_total);

// Trains `adapters` (attached to `model`, already reset by the caller) on `task`. Leaves the model in
// eval mode with the kept adapter unmerged. Throws ttt::Error when not even one TTT sequence fits the
// model's context (naming the task and its shortest length).
TaskTttReport test_time_train(models::CausalLM& model, models::LoraAdapters& adapters, const Task& task,
                              const TaskTttOptions& options);

}  // namespace ttt::arc
