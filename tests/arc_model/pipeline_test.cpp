// The ARC model recipes: masked training windows through the trainer, teacher-forced answer scoring
// against greedy decoding, padded task batches, per-task TTT (early stopping keeps the best adapter,
// adapters reset between tasks) and the base-model configs.
#include <gtest/gtest.h>

#include <cmath>

#include "arc/random_tasks.h"
#include "support/random_models.h"
#include "ttt/arc/grid_decoder_lm.h"
#include "ttt/arc/grid_tokens.h"
#include "ttt/arc/pipeline/answer_score.h"
#include "ttt/arc/pipeline/base_model.h"
#include "ttt/arc/pipeline/solve_task.h"
#include "ttt/arc/pipeline/task_batch.h"
#include "ttt/arc/pipeline/task_ttt.h"
#include "ttt/models/weights.h"
#include "ttt/train/adamw.h"
#include "ttt/train/lm_loss.h"
#include "ttt/train/trainer.h"
#include "ttt/util/error.h"

using namespace ttt;
using namespace ttt::arc;

namespace {

models::CausalLM grid_model(std::uint64_t seed, const std::string& layer_type = "attention") {
  auto c = arc_model_config("tiny", layer_type, 512);
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  return test_support::random_model(c, torch::kFloat, seed);
}

// Demonstrations whose output is the input with every non-zero cell recoloured to `color`.
Task recolor_task(std::uint64_t seed, int demos, int side, int color) {
  DeterministicRng rng(seed);
  Task t;
  t.id = "recolor" + std::to_string(seed);
  for (int k = 0; k <= demos; ++k) {
    Grid in(side, side), out(side, side);
    for (int r = 0; r < side; ++r)
      for (int c = 0; c < side; ++c) {
        const auto v = static_cast<std::uint8_t>(rng.below(3) == 0 ? 0 : 1 + rng.below(9));
        in.at(r, c) = v;
        out.at(r, c) = v == 0 ? 0 : static_cast<std::uint8_t>(color);
      }
    (k < demos ? t.train : t.test).push_back({in, out});
  }
  return t;
}

// A source of masked windows (everything but every third target counts) for the trainer.
class MaskedWindows : public data::WindowSource {
 public:
  MaskedWindows(std::int64_t count, std::int64_t context) : count_(count), context_(context) {}
  std::int64_t size() const override { return count_; }
  std::int64_t window_length() const override { return context_ + 1; }
  void read(std::int64_t index, std::int64_t* out) const override {
    for (std::int64_t i = 0; i <= context_; ++i) out[i] = (index * 7 + i * 3) % kGridVocabSize;
  }
  bool has_loss_mask() const override { return true; }
  void read_loss_mask(std::int64_t index, std::uint8_t* out) const override {
    for (std::int64_t i = 0; i < context_; ++i) out[i] = (i + index) % 3 != 0;
  }

 private:
  std::int64_t count_, context_;
};

}  // namespace

TEST(ArcPipeline, TrainerAveragesTheLossOverCountedTargetsOnly) {
  auto model = grid_model(1);
  MaskedWindows windows(8, 24);
  // The loss of the first step, computed independently before the trainer touches the model.
  double expected = 0;
  {
    torch::NoGradGuard no_grad;
    double sum = 0;
    std::int64_t count = 0;
    for (std::int64_t w = 0; w < 4; ++w) {
      std::vector<std::int64_t> ids(25);
      std::vector<std::uint8_t> mask(24);
      windows.read(w, ids.data());
      windows.read_loss_mask(w, mask.data());
      auto logp = torch::log_softmax(model->forward(torch::tensor(ids).narrow(0, 0, 24).unsqueeze(0)).logits[0], -1);
      for (int t = 0; t < 24; ++t)
        if (mask[t]) {
          sum -= logp[t][ids[t + 1]].item<double>();
          count += 1;
        }
    }
    expected = sum / static_cast<double>(count);
  }
  train::TrainOptions o;
  o.context = 24;
  o.batch_size = 4;
  o.micro_batch = 2;  // accumulation: micro-batches with different counts must still give the global mean
  o.shuffle = false;
  o.schedule.total_steps = 2;
  auto comm = train::make_single_process_communicator();
  train::Trainer trainer(model, o, windows, *comm);
  EXPECT_NEAR(trainer.step().loss, expected, 1e-5);
}

TEST(ArcPipeline, LmLossSumIgnoresMaskedTargetsInValueAndGradient) {
  auto logits = torch::randn({2, 5, 7}, torch::kDouble).requires_grad_(true);
  auto targets = torch::randint(0, 7, {2, 5}, torch::kLong);
  auto mask = torch::tensor({1, 0, 1, 1, 0, 0, 0, 1, 0, 1}, torch::kUInt8).view({2, 5});
  auto s = train::lm_loss_sum(logits, targets, mask);
  EXPECT_EQ(s.count, 5);
  s.sum.backward();
  auto logp = torch::log_softmax(logits.detach(), -1);
  double expected = 0;
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 5; ++t)
      if (mask[b][t].item<int>()) expected -= logp[b][t][targets[b][t].item<std::int64_t>()].item<double>();
  EXPECT_NEAR(s.sum.item<double>(), expected, 1e-12);
  for (int b = 0; b < 2; ++b)
    for (int t = 0; t < 5; ++t)
      if (!mask[b][t].item<int>()) EXPECT_EQ(logits.grad()[b][t].abs().sum().item<double>(), 0.0);
}

TEST(ArcPipeline, PaddedBatchRowsPredictLikeTheSequenceAlone) {
  auto model = grid_model(2);
  model->eval();
  const Task a = recolor_task(1, 2, 3, 4), b = recolor_task(2, 3, 4, 6);
  const auto batch = make_task_batch({&a, &b}, 512);
  torch::NoGradGuard no_grad;
  auto logits = model->forward(batch.inputs).logits;
  for (int row = 0; row < 2; ++row) {
    const Task& t = row == 0 ? a : b;
    const auto seq = serialize_task_tokens(t, 0, true);
    const auto n = static_cast<std::int64_t>(seq.ids.size()) - 1;
    std::vector<std::int64_t> ids(seq.ids.begin(), seq.ids.end() - 1);
    auto alone = model->forward(torch::tensor(ids).unsqueeze(0)).logits[0];
    EXPECT_LT((logits[row].narrow(0, 0, n) - alone).abs().max().item<double>(), 1e-5);
    // Mask: the serializer's in-loss flags shifted by one; padding never counts.
    for (std::int64_t t = 0; t < batch.mask.size(1); ++t)
      EXPECT_EQ(batch.mask[row][t].item<int>(), t < n ? seq.in_loss[static_cast<std::size_t>(t + 1)] : 0);
  }
  EXPECT_THROW(make_task_batch({&a}, 10), Error);
}

TEST(ArcPipeline, TeacherForcedExactMatchEqualsGreedyDecoding) {
  // Overfit a tiny model on one task until it answers it, then compare the one-pass score with decoding,
  // on that task (right) and on others (wrong).
  auto model = grid_model(3);
  const Task learned = recolor_task(5, 2, 3, 7);
  auto params = model->named_parameters();
  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (auto& p : params) named.emplace_back(p.key(), p.value());
  train::AdamW opt(named, {0.9, 0.95, 1e-8, 0.0});
  const auto batch = make_task_batch({&learned}, 512);
  model->train();
  for (int step = 0; step < 150; ++step) {
    for (auto& p : named)
      if (p.second.grad().defined()) p.second.mutable_grad().zero_();
    auto s = train::lm_loss_sum(model->forward(batch.inputs).logits, batch.targets, batch.mask);
    (s.sum / static_cast<double>(s.count)).backward();
    opt.step(1e-2);
  }
  model->eval();
  std::size_t exact_seen = 0, wrong_seen = 0;
  for (const Task& t : {learned, recolor_task(6, 2, 3, 7), recolor_task(7, 2, 4, 2), recolor_task(8, 3, 3, 1)}) {
    const auto score = score_answer(model, t, 0);
    const auto decoded = decode_grid(model, serialize_query_tokens(t, 0));
    const bool decoded_right = decoded && decoded->grid == *t.test[0].output;
    // exact ⇒ constrained greedy decoding reproduces the answer (the converse needs an illegal argmax).
    if (score.exact) EXPECT_TRUE(decoded_right) << t.id;
    EXPECT_LE(score.correct, score.tokens);
    EXPECT_TRUE(std::isfinite(score.loss));
    (score.exact ? exact_seen : wrong_seen) += 1;
  }
  EXPECT_TRUE(score_answer(model, learned, 0).exact) << "150 steps did not memorise the task";
  EXPECT_GE(wrong_seen, 1u);
}

namespace {

// Per-update validation with a learning rate large enough that some updates hurt the held-out loss.
TaskTttOptions overshooting_ttt(bool refit) {
  TaskTttOptions o;
  o.data.max_tasks = 12;
  o.epochs = 2;
  o.lr = 0.5;
  o.eval_every = 1;
  o.refit_on_all_demos = refit;
  return o;
}

models::LoraAdapters rank4_adapters(models::CausalLM& model) {
  models::LoraAdapters adapters;
  nn::LoraConfig lora;
  lora.rank = 4;
  adapters.attach(model, lora, 0);
  return adapters;
}

}  // namespace

TEST(ArcPipeline, EarlyStoppingKeepsTheBestAdapterOnTheHeldOutDemonstration) {
  auto model = grid_model(4);
  const Task task = recolor_task(9, 4, 3, 5);
  auto adapters = rank4_adapters(model);
  const auto o = overshooting_ttt(false);
  const auto report = test_time_train(model, adapters, task, o);
  ASSERT_TRUE(report.early_stopping);
  ASSERT_GE(report.heldout_curve.size(), 3u);
  double best = INFINITY;
  std::int64_t best_step = -1;
  for (const auto& [step, loss] : report.heldout_curve)
    if (loss < best) best = loss, best_step = step;
  EXPECT_EQ(report.best_step, best_step);
  EXPECT_DOUBLE_EQ(report.best_heldout_loss, best);
  // The adapters now are the kept ones: the held-out task scores exactly the best loss again.
  Task heldout = task;
  heldout.test = {task.train.back()};
  heldout.train.pop_back();
  EXPECT_NEAR(score_answer(model, heldout, 0).loss, best, 1e-5);
  // The held-out demonstration never appears as a training query: with only 3 left, the TTT data comes
  // from them.
  EXPECT_LE(report.examples, 12u);
}

TEST(ArcPipeline, RefitLengthScalesTheChosenShareOfTheSchedule) {
  EXPECT_EQ(refit_length(0, 10, 14), 0);    // nothing helped: keep the base model
  EXPECT_EQ(refit_length(10, 10, 14), 14);  // the last adapter was best: the whole refit schedule
  EXPECT_EQ(refit_length(5, 10, 14), 7);
  EXPECT_EQ(refit_length(1, 10, 4), 1);     // at least one update once any helped (0.4 rounds to 0)
  EXPECT_EQ(refit_length(3, 12, 8), 2);
  TaskTttOptions o;
  o.batch = 2;
  o.epochs = 3;
  EXPECT_EQ(schedule_length(7, o), 12);  // ceil(7 / 2) × 3
  o.max_steps = 5;
  EXPECT_EQ(schedule_length(7, o), 5);
}

// When the early-stopped run's best adapter is its last, the refit is the whole recipe on every
// demonstration: exactly what training without early stopping gives.
TEST(ArcPipeline, RefitOnEveryDemonstrationEqualsTrainingWithoutEarlyStoppingWhenTheLastStepWasBest) {
  auto model = grid_model(6);
  const Task task = recolor_task(12, 4, 3, 7);
  models::LoraAdapters adapters;
  nn::LoraConfig lora;
  lora.rank = 4;
  adapters.attach(model, lora, 0);
  TaskTttOptions o;
  // Leave-one-out tasks only: 3 for the fit (3 demonstrations left), 4 for the refit.
  o.data.augmenters.clear();
  o.data.permuted_copies = false;
  o.data.fill_with_leave_two_out = false;
  o.epochs = 3;
  o.batch = 1;
  o.lr = 3e-3;  // small: the held-out loss keeps falling
  o.eval_every = 1;
  o.refit_on_all_demos = true;
  const auto refit = test_time_train(model, adapters, task, o);
  ASSERT_TRUE(refit.early_stopping);
  ASSERT_EQ(refit.best_step, refit.heldout_curve.back().first) << "the setting should make the last step best";
  EXPECT_GT(refit.refit_examples, refit.examples);  // the held-out demonstration's leave-one-out tasks are back
  std::vector<torch::Tensor> refit_state;
  for (auto& p : adapters.parameters()) refit_state.push_back(p.detach().clone());

  adapters.reset(0);
  TaskTttOptions plain = o;
  plain.early_stopping = false;
  const auto direct = test_time_train(model, adapters, task, plain);
  EXPECT_EQ(refit.refit_steps, direct.steps);
  EXPECT_EQ(refit.refit_examples, direct.examples);
  const auto now = adapters.parameters();
  for (std::size_t i = 0; i < now.size(); ++i) EXPECT_TRUE(torch::allclose(now[i], refit_state[i], 0, 1e-6)) << i;
}

// With a learning rate that overshoots, the refit stops at the chosen share of its schedule; when no
// update helped at all, the fresh adapter (the base model) is what remains.
TEST(ArcPipeline, RefitStopsAtTheChosenShareOrKeepsTheBaseModel) {
  auto model = grid_model(4);
  const Task task = recolor_task(9, 4, 3, 5);
  auto adapters = rank4_adapters(model);
  auto o = overshooting_ttt(true);
  const auto r = test_time_train(model, adapters, task, o);
  ASSERT_TRUE(r.early_stopping);
  const std::int64_t fit_steps = r.heldout_curve.back().first;
  EXPECT_EQ(r.steps, fit_steps + r.refit_steps);
  EXPECT_EQ(r.refit_steps, refit_length(r.best_step, fit_steps,
                                        schedule_length(static_cast<std::int64_t>(r.refit_examples), o)));

  // A learning rate so large that the first update already hurts: B stays zero (the base model).
  adapters.reset(0);
  o.lr = 1e4;
  const auto none = test_time_train(model, adapters, task, o);
  ASSERT_EQ(none.best_step, 0);
  EXPECT_EQ(none.refit_steps, 0);
  std::size_t b_matrices = 0;
  for (const auto& [name, value] : adapters.named_parameters())
    if (name.size() > 6 && name.compare(name.size() - 6, 6, "lora_B") == 0) {
      b_matrices += 1;
      EXPECT_EQ(value.abs().max().item<float>(), 0.0f) << name;
    }
  EXPECT_GT(b_matrices, 0u);
}

TEST(ArcPipeline, AdaptersResetBetweenTasks) {
  auto model = grid_model(5);
  models::LoraAdapters adapters;
  nn::LoraConfig lora;
  lora.rank = 4;
  adapters.attach(model, lora, 3);
  SolveOptions o;
  o.lora = lora;
  o.lora_seed = 3;
  o.ttt.data.max_tasks = 6;
  o.ttt.epochs = 1;
  o.ttt.lr = 1e-2;
  o.predict.queries.max_queries = 2;
  o.predict.decode.max_rows = o.predict.decode.max_cols = 4;
  const Task a = recolor_task(10, 3, 3, 2), b = recolor_task(11, 3, 3, 8);
  const auto fresh_b = solve_with_ttt(model, adapters, b, o);
  std::vector<torch::Tensor> after_fresh_b;
  for (auto& p : adapters.parameters()) after_fresh_b.push_back(p.detach().clone());
  solve_with_ttt(model, adapters, a, o);
  const auto b_after_a = solve_with_ttt(model, adapters, b, o);
  const auto now = adapters.parameters();
  for (std::size_t i = 0; i < now.size(); ++i) EXPECT_TRUE(torch::equal(now[i], after_fresh_b[i])) << i;
  ASSERT_EQ(attempts_of(fresh_b.prediction).size(), 1u);
  EXPECT_EQ(attempts_of(fresh_b.prediction)[0], attempts_of(b_after_a.prediction)[0]);
  EXPECT_EQ(fresh_b.report.steps, b_after_a.report.steps);
}

// `arc eval` predicts each task with the base model and then trains the adapters on it; an attached adapter
// acts in every forward, so the next task's base prediction must not see the previous task's training.
TEST(ArcPipeline, BaseModelPredictionIgnoresThePreviousTasksAdapter) {
  auto model = grid_model(6);
  SolveOptions o;
  o.lora.rank = 4;
  o.lora_seed = 3;
  o.ttt.data.max_tasks = 6;
  o.ttt.epochs = 2;
  o.ttt.lr = 5e-2;  // far from B = 0, so a leftover adapter would move every log-probability
  o.ttt.early_stopping = false;
  o.predict.queries.max_queries = 3;
  o.predict.decode.max_rows = o.predict.decode.max_cols = 4;
  const Task a = recolor_task(20, 3, 3, 4), b = recolor_task(21, 3, 3, 7);
  auto log_probs = [](const TaskPrediction& p) {
    std::vector<double> out;
    for (const auto& t : p.tests)
      for (const auto& q : t.queries) out.push_back(q.log_prob);
    return out;
  };
  const auto reference = log_probs(predict_with_model(model, nullptr, b, o));  // no adapters at all
  ASSERT_FALSE(reference.empty());
  models::LoraAdapters adapters;
  adapters.attach(model, o.lora, o.lora_seed);
  solve_with_ttt(model, adapters, a, o);
  const auto leftover = log_probs(predict_with_model(model, nullptr, b, o));  // what arc eval used to do
  EXPECT_NE(leftover, reference) << "the trained adapter should change the model, else this test proves nothing";
  EXPECT_EQ(log_probs(predict_with_base_model(model, &adapters, b, o)), reference);
  EXPECT_FALSE(adapters.merged());
}

TEST(ArcPipeline, BaseModelConfigsAndLoadingErrors) {
  for (const auto& size : arc_model_sizes())
    for (const char* type : {"attention", "linear"}) {
      const auto c = arc_model_config(size, type, 1024);
      EXPECT_EQ(c.vocab_size, kGridVocabSize);
      EXPECT_FALSE(c.tie_word_embeddings);
      EXPECT_EQ(c.backbone(), "transformer");
    }
  EXPECT_THROW(arc_model_config("huge", "attention", 1024), Error);
  EXPECT_THROW(arc_model_config("tiny", "mamba", 1024), Error);
  EXPECT_THROW(load_arc_model("/nonexistent/model"), Error);
  // A language model of another vocabulary is refused by name.
  const auto dir = std::filesystem::temp_directory_path() / "ttt_arc_wrong_vocab";
  std::filesystem::create_directories(dir);
  auto lm = test_support::random_model(test_support::tiny_config("attention", "transformer"), torch::kFloat, 1);
  models::save_config((dir / "config.json").string(), lm->config());
  models::save_weights((dir / "model.safetensors").string(), lm);
  try {
    load_arc_model(dir.string());
    ADD_FAILURE() << "loaded a non-grid model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an ARC model"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}
