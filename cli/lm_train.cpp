// `ttt lm train`: trains a causal LM (TTT-Linear, TTT-MLP, Transformer or Mamba) on a tokenized corpus
// (`ttt data tokenize`), with periodic validation, checkpoints, --resume, Ctrl-C that saves, a progress
// line, a JSONL log and a loss plot in the run folder; data-parallel over c10d (torchrun environment or
// --nproc N local workers).
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "corpus_windows.h"
#include "local_launch.h"
#include "train_progress.h"
#include "ttt/models/weights.h"
#include "ttt/train/run.h"
#include "ttt/util/error.h"
#include "ttt/util/interrupt.h"
#include "ttt/util/progress.h"

namespace ttt::cli {
namespace {

struct TrainFlags {
  std::string data, out, config_file, preset = "tiny", layer_type = "linear", backbone = "mamba";
  std::int64_t context = 256, batch = 8, micro_batch = 0, steps = 0, tokens = 0, warmup_steps = -1;
  double lr = 3e-3, min_lr = 1e-5, warmup = 0.1, weight_decay = 0.1, clip = 1.0;
  std::uint64_t seed = 0;
  std::int64_t eval_every = 0, eval_windows = 16, save_every = 0, remat_group = 0;
  int keep = 2, threads = 0, nproc = 0;
  bool resume = false, json = false;
};

models::ModelConfig model_config(const TrainFlags& f, std::int64_t data_vocab) {
  models::ModelConfig c;
  if (!f.config_file.empty()) {
    c = models::load_config(f.config_file);
    TTT_CHECK(c.vocab_size == data_vocab, "[train] ", f.config_file, ": vocab_size ", c.vocab_size,
              " does not match the corpus tokenizer's ", data_vocab, " (", f.data, ")");
  } else {
    c = models::preset(f.preset, f.layer_type, f.backbone);
    c.vocab_size = data_vocab;  // presets follow the corpus' tokenizer
    c.max_position_embeddings = std::max(c.max_position_embeddings, f.context);
  }
  c.validate("model config");
  return c;
}

int run_train(const TrainFlags& f) {
  if (f.threads > 0) torch::set_num_threads(f.threads);
  auto env = train::distributed_env_from_environment();
  std::unique_ptr<train::Communicator> comm =
      env && env->world_size > 1 ? train::make_gloo_communicator(*env, std::chrono::seconds(300))
                                 : train::make_single_process_communicator();
  const bool main_rank = comm->rank() == 0;
  const auto corpus = open_corpus(f.data, f.context);
  TTT_CHECK(corpus.validation, "[train] ", f.data, ": no validation split (val.bin) — validation needs one");
  const auto config = model_config(f, corpus.vocab_size);

  train::RunSpec spec;
  spec.run_dir = f.out;
  spec.resume = f.resume;
  spec.eval_every = f.eval_every;
  spec.eval_windows = f.eval_windows;
  spec.save_every = f.save_every;
  spec.keep_checkpoints = f.keep;
  auto& o = spec.options;
  o.context = f.context;
  o.batch_size = f.batch;
  o.micro_batch = f.micro_batch;
  o.seed = f.seed;
  o.clip_norm = f.clip;
  o.adamw.weight_decay = f.weight_decay;
  const std::int64_t tokens_per_step = f.batch * f.context;
  TTT_CHECK((f.steps > 0) != (f.tokens > 0), "[train] give exactly one of --steps and --tokens");
  o.schedule.total_steps = f.steps > 0 ? f.steps : (f.tokens + tokens_per_step - 1) / tokens_per_step;
  o.schedule.peak_lr = f.lr;
  o.schedule.min_lr = f.min_lr;
  TTT_CHECK(f.warmup >= 0 && f.warmup <= 1, "[train] --warmup is a fraction of the steps in [0, 1], got ", f.warmup);
  o.schedule.warmup_steps = f.warmup_steps >= 0 ? f.warmup_steps
                                                : static_cast<std::int64_t>(std::llround(f.warmup * o.schedule.total_steps));

  torch::manual_seed(f.seed);
  models::CausalLM model(config);
  if (f.remat_group > 0) model->set_scan_checkpoint_group_size(f.remat_group);
  std::int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  spec.extra_log_fields = {{"parameters", parameters}, {"data", f.data}, {"tokenizer_vocab", corpus.vocab_size}};
  if (main_rank && !f.json)
    std::fprintf(stderr,
                 "%s (%s backbone): %s parameters · context %lld · batch %lld (%d rank%s) · %lld steps = %s tokens · "
                 "train %s windows\n",
                 config.ttt_layer_type.c_str(), config.backbone().c_str(), format_count(parameters).c_str(),
                 static_cast<long long>(f.context), static_cast<long long>(f.batch), comm->world_size(),
                 comm->world_size() > 1 ? "s" : "", static_cast<long long>(o.schedule.total_steps),
                 format_count(double(o.schedule.total_steps) * tokens_per_step).c_str(),
                 format_count(corpus.train->size()).c_str());

  install_graceful_interrupt();
  const bool tty = ::isatty(STDERR_FILENO);
  train::RunCallbacks cb;
  cb.should_stop = [] { return interrupt_requested(); };
  if (main_rank) {
    cb.on_step = [&](const train::StepReport& r) { print_train_step(r, f.json, tty); };
    cb.on_eval = [&](std::int64_t step, const eval::LmEvalResult& r) {
      if (f.json)
        std::printf("%s\n", nlohmann::json({{"event", "eval"}, {"step", step}, {"val_loss", r.mean_loss},
                                            {"val_perplexity", r.perplexity}})
                                .dump()
                                .c_str());
      else
        std::fprintf(stderr, "%sstep %lld: validation loss %.4f, perplexity %.2f (%lld windows)\n", tty ? "\r\033[K" : "",
                     static_cast<long long>(step), r.mean_loss, r.perplexity, static_cast<long long>(r.windows));
    };
    cb.on_checkpoint = [&](const std::string& path) {
      if (!f.json) std::fprintf(stderr, "%scheckpoint %s\n", tty ? "\r\033[K" : "", path.c_str());
    };
    cb.on_resume = [&](const std::string& path, const train::TrainProgress& p) {
      if (!f.json)
        std::fprintf(stderr, "resuming from %s (step %lld, %s tokens seen)\n", path.c_str(),
                     static_cast<long long>(p.step), format_count(p.tokens_seen).c_str());
    };
  }
  const auto result =
      train::run_training(model, spec, *corpus.train, corpus.validation.get(), *comm, cb);
  if (!main_rank) return result.interrupted ? 130 : 0;
  const double tok_s = result.progress.elapsed_seconds > 0 ? result.progress.tokens_seen / result.progress.elapsed_seconds : 0;
  nlohmann::json summary = {{"event", "done"},
                            {"interrupted", result.interrupted},
                            {"step", result.progress.step},
                            {"total_steps", o.schedule.total_steps},
                            {"tokens_seen", result.progress.tokens_seen},
                            {"train_loss", result.progress.last_loss},
                            {"tokens_per_s", tok_s},
                            {"elapsed_seconds", result.progress.elapsed_seconds},
                            {"parameters", parameters},
                            {"peak_rss_mb", train::peak_rss_bytes() / double(1 << 20)},
                            {"checkpoint", result.checkpoint},
                            {"log", f.out + "/log.jsonl"},
                            {"plot", f.out + "/loss.svg"}};
  if (result.val_loss) {
    summary["val_loss"] = *result.val_loss;
    summary["val_perplexity"] = std::exp(*result.val_loss);
  }
  if (f.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else {
    std::fprintf(stderr, "%s", tty ? "\n" : "");
    if (result.interrupted)
      std::printf("interrupted at step %lld: checkpoint %s saved; continue with the same command and --resume\n",
                  static_cast<long long>(result.progress.step), result.checkpoint.c_str());
    else
      std::printf("trained %lld steps (%s tokens, %s tok/s): train loss %.4f%s\ncheckpoint %s\nlog %s/log.jsonl, plot %s/loss.svg\n",
                  static_cast<long long>(result.progress.step), format_count(result.progress.tokens_seen).c_str(),
                  format_count(tok_s).c_str(), result.progress.last_loss,
                  result.val_loss ? str(", validation loss ", *result.val_loss, " (perplexity ",
                                        std::exp(*result.val_loss), ")").c_str() : "",
                  result.checkpoint.c_str(), f.out.c_str(), f.out.c_str());
  }
  return result.interrupted ? 130 : 0;
}

}  // namespace

void register_lm_train(CLI::App& lm) {
  auto f = std::make_shared<TrainFlags>();
  auto* cmd = lm.add_subcommand("train", "Train a language model on a tokenized corpus (resumable, data-parallel)");
  cmd->add_option("--data", f->data, "Tokenized corpus folder (train.bin, val.bin from `ttt data tokenize`)")
      ->required();
  cmd->add_option("--out", f->out, "Run folder: checkpoints/, log.jsonl, loss.svg")->required();
  cmd->add_option("--config", f->config_file, "Model config.json (instead of --preset/--layer-type/--backbone)");
  cmd->add_option("--preset", f->preset, "Model size")->capture_default_str()->check(CLI::IsMember(models::preset_names()));
  cmd->add_option("--layer-type", f->layer_type, "linear (TTT-Linear), mlp (TTT-MLP), attention (Transformer), mamba")
      ->capture_default_str()->check(CLI::IsMember({"linear", "mlp", "attention", "mamba"}));
  cmd->add_option("--backbone", f->backbone, "mamba or transformer (TTT layers)")
      ->capture_default_str()->check(CLI::IsMember({"transformer", "mamba"}));
  cmd->add_option("--context", f->context, "Tokens per training window")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--batch", f->batch, "Windows per optimizer step (all ranks)")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--micro-batch", f->micro_batch, "Windows per forward/backward on one rank (0: all; gradient accumulation)")
      ->capture_default_str()->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--steps", f->steps, "Optimizer steps")->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 40));
  cmd->add_option("--tokens", f->tokens, "Token budget instead of --steps")->check(CLI::Range(std::int64_t(1), std::int64_t(1) << 50));
  cmd->add_option("--lr", f->lr, "Peak learning rate")->capture_default_str();
  cmd->add_option("--min-lr", f->min_lr, "Learning rate at the end of the cosine decay")->capture_default_str();
  cmd->add_option("--warmup", f->warmup, "Linear warmup, as a fraction of the steps")->capture_default_str();
  cmd->add_option("--warmup-steps", f->warmup_steps, "Linear warmup in steps (overrides --warmup)");
  cmd->add_option("--weight-decay", f->weight_decay, "AdamW weight decay (matrices only)")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--clip", f->clip, "Gradient clipping by global norm (0: off)")->capture_default_str()->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--seed", f->seed, "Initialisation and data-order seed")->capture_default_str();
  cmd->add_option("--eval-every", f->eval_every, "Steps between validations (0: at the end)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--eval-windows", f->eval_windows, "Validation windows")->capture_default_str()->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--save-every", f->save_every, "Steps between checkpoints (0: at the end and on Ctrl-C)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--keep", f->keep, "Checkpoints kept")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--remat-group", f->remat_group, "Recompute the TTT inner scan every G mini-batches in backward (0: off)")
      ->capture_default_str()->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--threads", f->threads, "Intra-op threads (0: libtorch's default)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--nproc", f->nproc, "Launch N local data-parallel workers (c10d Gloo on loopback)")->check(CLI::Range(1, 256));
  cmd->add_flag("--resume", f->resume, "Continue the run in --out from its latest checkpoint");
  cmd->add_flag("--json", f->json, "One JSON object per line: step and eval events, then a summary");
  cmd->callback([f, cmd] {
    int code = 0;
    if (f->nproc > 1 && !std::getenv("WORLD_SIZE"))
      code = launch_local_workers(f->nproc);
    else
      code = run_train(*f);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ttt::cli
