#include "ttt/train/trainer.h"

#include <chrono>
#include <cmath>
#include <sys/resource.h>

#include "ttt/train/lm_loss.h"
#include "ttt/util/error.h"

namespace ttt::train {

std::int64_t peak_rss_bytes() {
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

void TrainOptions::validate(int world_size) const {
  TTT_CHECK(context > 0, "[train] context must be positive, got ", context);
  TTT_CHECK(batch_size > 0, "[train] batch size must be positive, got ", batch_size);
  TTT_CHECK(batch_size % world_size == 0, "[train] batch size ", batch_size, " is not divisible by the ",
            world_size, " ranks");
  const auto per_rank = batch_size / world_size;
  TTT_CHECK(micro_batch >= 0 && (micro_batch == 0 || per_rank % micro_batch == 0), "[train] micro-batch ",
            micro_batch, " must divide the per-rank batch ", per_rank);
  TTT_CHECK(std::isfinite(clip_norm), "[train] clip norm must be finite");
  TTT_CHECK(ttt_lr_start >= 0 && std::isfinite(ttt_lr_start), "[train] ttt lr start must be ≥ 0");
  schedule.validate();
}

nlohmann::json TrainOptions::fixed_settings() const {
  return {{"context", context},
          {"batch_size", batch_size},
          {"peak_lr", schedule.peak_lr},
          {"min_lr", schedule.min_lr},
          {"warmup_steps", schedule.warmup_steps},
          {"total_steps", schedule.total_steps},
          {"beta1", adamw.beta1},
          {"beta2", adamw.beta2},
          {"eps", adamw.eps},
          {"weight_decay", adamw.weight_decay},
          {"clip_norm", clip_norm},
          {"seed", seed},
          {"shuffle", shuffle},
          {"ttt_lr_warmup", ttt_lr_warmup},
          {"ttt_lr_start", ttt_lr_start}};
}

Trainer::Trainer(models::CausalLM model, TrainOptions options, const data::WindowSource& train, Communicator& comm)
    : model_(std::move(model)),
      options_(std::move(options)),
      train_(train),
      comm_(comm),
      order_(train.size(), options_.seed, options_.shuffle) {
  options_.validate(comm_.world_size());
  TTT_CHECK(train_.window_length() == options_.context + 1, "[train] the training windows hold ",
            train_.window_length(), " tokens, the context ", options_.context, " needs ", options_.context + 1);
  TTT_CHECK(options_.context <= model_->config().max_position_embeddings, "[train] context ", options_.context,
            " exceeds the model's max_position_embeddings ", model_->config().max_position_embeddings);
  model_->train();
  for (auto& item : model_->named_parameters()) params_.emplace_back(item.key(), item.value());
  // Every rank starts from rank 0's parameters, whatever its own initialisation was.
  std::vector<torch::Tensor> tensors;
  for (auto& [name, p] : params_) tensors.push_back(p.detach());
  comm_.broadcast(tensors, 0);
  optimizer_ = std::make_unique<AdamW>(params_, options_.adamw);
}

void Trainer::resume_from(const std::string& checkpoint_dir) {
  const auto info = read_checkpoint_info(checkpoint_dir);
  const auto ours = models::config_to_json(model_->config());
  const auto theirs = models::config_to_json(info.config);
  for (auto it = ours.begin(); it != ours.end(); ++it)
    TTT_CHECK(theirs.contains(it.key()) && theirs[it.key()] == it.value(), "[train] --resume with a different config: ",
              "model '", it.key(), "' is ", theirs.value(it.key(), nlohmann::json()).dump(), " in ", checkpoint_dir,
              ", ", it.value().dump(), " now");
  const auto fixed = options_.fixed_settings();
  for (auto it = fixed.begin(); it != fixed.end(); ++it)
    TTT_CHECK(info.run_settings.contains(it.key()) && info.run_settings[it.key()] == it.value(),
              "[train] --resume with a different config: '", it.key(), "' is ",
              info.run_settings.value(it.key(), nlohmann::json()).dump(), " in ", checkpoint_dir, ", ",
              it.value().dump(), " now");
  load_checkpoint_tensors(checkpoint_dir, model_, *optimizer_);
  TTT_CHECK(optimizer_->steps_taken() == info.progress.step, "[train] ", checkpoint_dir, ": the optimizer took ",
            optimizer_->steps_taken(), " steps, state.json says ", info.progress.step);
  progress_ = info.progress;
}

torch::Tensor Trainer::read_windows(std::int64_t first_sample, std::int64_t count) {
  const auto len = train_.window_length();
  auto batch = torch::empty({count, len}, torch::kLong);
  auto* out = batch.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < count; ++i) train_.read(order_.window_of(first_sample + i), out + i * len);
  return batch;
}

torch::Tensor Trainer::read_masks(std::int64_t first_sample, std::int64_t count) {
  const auto L = train_.window_length() - 1;
  auto masks = torch::empty({count, L}, torch::kUInt8);
  auto* out = masks.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < count; ++i) train_.read_loss_mask(order_.window_of(first_sample + i), out + i * L);
  return masks;
}

double Trainer::current_ttt_base_lr() const {
  const auto& cfg = model_->config();
  if (cfg.ttt_layer_type != "mlp" || !options_.ttt_lr_warmup) return cfg.ttt_base_lr;
  return ttt_base_lr_warmup(progress_.step, options_.schedule.warmup_steps,
                            std::min(options_.ttt_lr_start, cfg.ttt_base_lr), cfg.ttt_base_lr);
}

StepReport Trainer::step() {
  TTT_CHECK(!finished(), "[train] the run already took its ", options_.schedule.total_steps, " steps");
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t world = comm_.world_size(), rank = comm_.rank();
  const std::int64_t per_rank = options_.batch_size / world;
  const std::int64_t micro = options_.micro_batch > 0 ? options_.micro_batch : per_rank;
  const std::int64_t L = options_.context;

  const double ttt_lr = current_ttt_base_lr();
  if (model_->config().is_ttt()) model_->set_ttt_base_lr(ttt_lr);

  for (auto& [name, p] : params_) {
    if (p.grad().defined())
      p.mutable_grad().zero_();
    else
      p.mutable_grad() = torch::zeros_like(p);
  }
  // This rank's windows: samples [step·B + rank·B/W, … + B/W) of the global order.
  const std::int64_t first = progress_.samples_seen + rank * per_rank;
  // The rank's loss is the mean over all its counted targets: every micro-batch's sum is divided by the
  // rank's total count, known before the first backward because masks are read up front. (Plain corpora
  // count every target, so this is the mean of equal-sized micro-batch means.)
  torch::Tensor masks;
  std::int64_t counted = per_rank * L;
  if (train_.has_loss_mask()) {
    masks = read_masks(first, per_rank);
    counted = masks.sum().item<std::int64_t>();
  }
  double loss_sum = 0;
  for (std::int64_t m = 0; m < per_rank; m += micro) {
    auto windows = read_windows(first + m, micro);
    auto inputs = windows.narrow(1, 0, L), targets = windows.narrow(1, 1, L);
    auto logits = model_->forward(inputs).logits;
    const auto part = lm_loss_sum(logits, targets, masks.defined() ? masks.narrow(0, m, micro) : torch::Tensor());
    if (part.count == 0) continue;  // only padding: nothing to learn, no graph to walk
    (part.sum / static_cast<double>(counted)).backward();
    loss_sum += part.sum.item<double>();
  }
  const double rank_loss = counted > 0 ? loss_sum / static_cast<double>(counted) : 0.0;
  std::vector<torch::Tensor> grads;
  for (auto& [name, p] : params_) grads.push_back(p.mutable_grad());
  auto loss_tensor = torch::full({1}, rank_loss, torch::kDouble);
  grads.push_back(loss_tensor);
  comm_.allreduce_mean(grads);

  double norm_sq = 0;
  for (auto& [name, p] : params_) norm_sq += p.grad().to(torch::kDouble).pow(2).sum().item<double>();
  const double grad_norm = std::sqrt(norm_sq);
  TTT_CHECK(std::isfinite(grad_norm), "[train] step ", progress_.step + 1,
            ": the gradient norm is not finite (loss ", loss_tensor.item<double>(), "); lower the learning rate");
  if (options_.clip_norm > 0 && grad_norm > options_.clip_norm) {
    torch::NoGradGuard no_grad;
    const double scale = options_.clip_norm / (grad_norm + 1e-6);
    for (auto& [name, p] : params_) p.mutable_grad().mul_(scale);
  }
  const double lr = options_.schedule.lr(progress_.step);
  optimizer_->step(lr);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress_.step += 1;
  progress_.samples_seen += options_.batch_size;
  progress_.tokens_seen += options_.batch_size * L;
  progress_.elapsed_seconds += seconds;
  progress_.last_loss = loss_tensor.item<double>();
  // ETA from a smoothed step time: the first steps (allocation, warm caches) are slower.
  smoothed_step_seconds_ = smoothed_step_seconds_ == 0 ? seconds : 0.9 * smoothed_step_seconds_ + 0.1 * seconds;

  StepReport r;
  r.step = progress_.step;
  r.total_steps = options_.schedule.total_steps;
  r.loss = progress_.last_loss;
  r.lr = lr;
  r.grad_norm = grad_norm;
  r.ttt_base_lr = ttt_lr;
  r.tokens_seen = progress_.tokens_seen;
  r.step_seconds = seconds;
  r.tokens_per_s = static_cast<double>(options_.batch_size * L) / std::max(seconds, 1e-9);
  r.elapsed_seconds = progress_.elapsed_seconds;
  r.eta_seconds = smoothed_step_seconds_ * static_cast<double>(r.total_steps - r.step);
  r.peak_rss_bytes = peak_rss_bytes();
  return r;
}

std::string Trainer::save(const std::string& run_dir, int keep) {
  std::string path;
  if (comm_.rank() == 0) path = save_checkpoint(run_dir, model_, *optimizer_, progress_, options_.fixed_settings(), keep);
  comm_.barrier();
  return path;
}

}  // namespace ttt::train
