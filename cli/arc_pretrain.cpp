// `ttt arc pretrain`: trains the ARC base model (a causal LM over the grid vocabulary) on tasks of the seen
// generator families and augmented ARC training tasks, with a curriculum over grid size and family
// difficulty, loss on all outputs, exact match on held-out instances in the log, checkpoints, --resume and
// Ctrl-C that saves; data-parallel like `ttt lm train`. The run folder ends with model/ (the base model for
// `ttt arc ttt|predict|eval --model`) and holdout.json (what pretraining never saw).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "local_launch.h"
#include "train_progress.h"
#include "ttt/arc/generators/registry.h"
#include "ttt/arc/pipeline/answer_score.h"
#include "ttt/arc/pipeline/base_model.h"
#include "ttt/arc/pretrain_data.h"
#include "ttt/arc/task_io.h"
#include "ttt/models/weights.h"
#include "ttt/train/run.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/interrupt.h"
#include "ttt/util/progress.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct PretrainFlags {
  std::string out, arc_tasks, init, size = "small", layer_type = "attention", holdout_families = "default";
  std::int64_t context = 1024, batch = 16, steps = 1000, warmup_steps = -1;
  double lr = 1e-3, min_lr = 1e-5, warmup = 0.05, weight_decay = 0.1, clip = 1.0, arc_fraction = 0.2;
  double side_ramp = 0.5, tier2_start = 0.1, tier3_start = 0.25;
  int min_side = 3, start_max_side = 5, max_side = 10, min_demos = 2, max_demos = 4;
  int holdout_arc = 60, eval_per_family = 2, keep = 2, threads = 0, nproc = 0;
  std::int64_t eval_every = 0, save_every = 0;
  std::uint64_t seed = 0;
  std::optional<std::uint64_t> split_seed;  // default: seed
  bool resume = false, json = false;
};

std::vector<const arc::gen::Family*> seen_families(const std::vector<std::string>& held) {
  std::vector<const arc::gen::Family*> seen;
  for (const auto& f : arc::gen::all_families())
    if (std::find(held.begin(), held.end(), f.name) == held.end()) seen.push_back(&f);
  return seen;
}

std::vector<std::string> parse_holdout_families(const std::string& spec) {
  if (spec == "default") return arc::default_holdout_families();
  std::vector<std::string> names;
  if (spec == "none") return names;
  for (const auto* f : arc::gen::select_families(spec)) names.push_back(f->name);
  return names;
}

// What pretraining never sees, written once and checked on --resume so a resumed run cannot silently
// train on a different split.
nlohmann::json holdout_record(const std::vector<std::string>& families, const std::vector<arc::Task>& arc_heldout,
                              const std::string& arc_dir) {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& t : arc_heldout) ids.push_back(t.id);
  return {{"families", families}, {"arc_tasks_folder", arc_dir}, {"arc_tasks", ids}};
}

int run_pretrain(const PretrainFlags& f) {
  if (f.threads > 0) torch::set_num_threads(f.threads);
  auto env = train::distributed_env_from_environment();
  std::unique_ptr<train::Communicator> comm =
      env && env->world_size > 1 ? train::make_gloo_communicator(*env, std::chrono::seconds(300))
                                 : train::make_single_process_communicator();
  const bool main_rank = comm->rank() == 0;

  const auto held_families = parse_holdout_families(f.holdout_families);
  auto families = seen_families(held_families);
  arc::ArcTaskSplit split;
  if (!f.arc_tasks.empty())
    split = arc::split_arc_tasks(arc::load_tasks(f.arc_tasks), static_cast<std::size_t>(f.holdout_arc), 10,
                                 f.split_seed.value_or(f.seed));
  const auto holdout = holdout_record(held_families, split.heldout, f.arc_tasks);
  const auto holdout_path = (fs::path(f.out) / "holdout.json").string();
  if (f.resume && fs::exists(holdout_path)) {
    const auto before = nlohmann::json::parse(read_file(holdout_path, "holdout record"), nullptr, false);
    TTT_CHECK(before == holdout, "[arc pretrain] --resume with a different held-out split than ", holdout_path,
              " (same --arc-tasks, --holdout-arc, --holdout-families and --seed / --split-seed are needed)");
  }

  train::RunSpec spec;
  spec.run_dir = f.out;
  spec.resume = f.resume;
  spec.eval_every = f.eval_every;
  spec.save_every = f.save_every;
  spec.keep_checkpoints = f.keep;
  auto& o = spec.options;
  o.context = f.context;
  o.batch_size = f.batch;
  o.seed = f.seed;
  o.shuffle = false;  // window i is already random; in order, i is also the curriculum's clock
  o.clip_norm = f.clip;
  o.adamw.weight_decay = f.weight_decay;
  o.schedule.total_steps = f.steps;
  o.schedule.peak_lr = f.lr;
  o.schedule.min_lr = f.min_lr;
  TTT_CHECK(f.warmup >= 0 && f.warmup <= 1, "[arc pretrain] --warmup is a fraction of the steps in [0, 1], got ",
            f.warmup);
  o.schedule.warmup_steps = f.warmup_steps >= 0 ? f.warmup_steps
                                                : static_cast<std::int64_t>(std::llround(f.warmup * f.steps));

  arc::PretrainDataOptions data;
  data.families = families;
  data.arc_tasks = std::move(split.pretrain);
  data.arc_fraction = data.arc_tasks.empty() ? 0 : f.arc_fraction;
  data.context = f.context;
  data.num_windows = f.steps * f.batch;
  data.seed = f.seed;
  data.min_side = f.min_side;
  data.start_max_side = std::min(f.start_max_side, f.max_side);
  data.final_max_side = f.max_side;
  data.side_ramp = f.side_ramp;
  data.tier2_start = f.tier2_start;
  data.tier3_start = f.tier3_start;
  data.min_demos = f.min_demos;
  data.max_demos = f.max_demos;
  const arc::PretrainWindows windows(std::move(data));

  // Held-out instances of the seen families at the final sizes, cut to what fits the context.
  std::vector<arc::Task> eval_tasks;
  for (auto& t : arc::generated_eval_tasks(families, f.eval_per_family, f.min_side, f.max_side, f.min_demos,
                                            f.max_demos, f.split_seed.value_or(f.seed)))
    if (static_cast<std::int64_t>(arc::serialize_task_tokens(t, 0, true).ids.size()) <= f.context + 1)
      eval_tasks.push_back(std::move(t));

  // The held-out ARC tasks, answer-scored next to the generated instances: the signal for real ARC rules.
  const auto arc_eval_tasks = arc::arc_eval_tasks(split.heldout, static_cast<std::size_t>(f.context + 1));

  const auto config = arc::arc_model_config(f.size, f.layer_type, f.context);
  torch::manual_seed(f.seed);
  models::CausalLM model(config);
  if (!f.init.empty() && !f.resume) {
    // Warm start: the weights of an earlier run (same architecture), with a fresh optimizer and schedule.
    const auto init = arc::load_arc_model(f.init);
    const auto theirs = models::config_to_json(init->config()), ours = models::config_to_json(config);
    TTT_CHECK(theirs == ours, "[arc pretrain] --init ", f.init, ": its config differs from --size/--layer-type/--context (",
              theirs.dump(), " vs ", ours.dump(), ")");
    torch::NoGradGuard no_grad;
    auto src = init->named_parameters();
    for (auto& p : model->named_parameters()) p.value().copy_(src[p.key()]);
  }
  std::int64_t parameters = 0;
  for (const auto& p : model->parameters()) parameters += p.numel();
  spec.extra_log_fields = {{"parameters", parameters},
                           {"seen_families", families.size()},
                           {"heldout_families", held_families},
                           {"arc_tasks", windows.arc_task_count()},
                           {"eval_tasks", eval_tasks.size()}};
  if (main_rank) {
    fs::create_directories(f.out);
    if (!fs::exists(holdout_path)) write_file_atomic(holdout_path, holdout.dump(2) + "\n");
    if (!f.json)
      std::fprintf(stderr,
                   "arc base model (%s, %s): %s parameters · context %lld · batch %lld (%d rank%s) · %lld steps · "
                   "%zu seen families (%zu held out) · %zu ARC tasks to augment (%zu held out) · %zu eval tasks\n",
                   f.size.c_str(), f.layer_type.c_str(), format_count(parameters).c_str(),
                   static_cast<long long>(f.context), static_cast<long long>(f.batch), comm->world_size(),
                   comm->world_size() > 1 ? "s" : "", static_cast<long long>(f.steps), families.size(),
                   held_families.size(), windows.arc_task_count(), split.heldout.size(), eval_tasks.size());
  }

  install_graceful_interrupt();
  const bool tty = ::isatty(STDERR_FILENO);
  train::RunCallbacks cb;
  cb.should_stop = [] { return interrupt_requested(); };
  cb.extra_eval = [&](models::CausalLM& m, std::int64_t step) -> nlohmann::json {
    if (eval_tasks.empty()) return {};
    const auto s = arc::score_answers(m, eval_tasks);
    const double exact = static_cast<double>(s.exact) / static_cast<double>(s.tasks);
    nlohmann::json fields = {{"heldout_exact", exact}, {"heldout_token_accuracy", s.token_accuracy},
                             {"val_loss", s.mean_loss}};
    arc::AnswerScoreSummary a;
    if (!arc_eval_tasks.empty()) {
      a = arc::score_answers(m, arc_eval_tasks);
      fields["heldout_arc_inputs"] = a.tasks;
      fields["heldout_arc_exact"] = static_cast<double>(a.exact) / static_cast<double>(a.tasks);
      fields["heldout_arc_token_accuracy"] = a.token_accuracy;
      fields["heldout_arc_loss"] = a.mean_loss;
    }
    if (main_rank) {
      if (f.json) {
        auto row = fields;
        row["event"] = "eval";
        row["step"] = step;
        std::printf("%s\n", row.dump().c_str());
      } else {
        std::fprintf(stderr, "%sstep %lld: held-out instances of seen families: exact %zu/%zu (%.1f %%), answer "
                             "token accuracy %.1f %%, answer loss %.4f\n",
                     tty ? "\r\033[K" : "", static_cast<long long>(step), s.exact, s.tasks, 100 * exact,
                     100 * s.token_accuracy, s.mean_loss);
        if (a.tasks > 0)
          std::fprintf(stderr, "step %lld: held-out ARC test inputs: exact %zu/%zu, answer token accuracy %.1f %%, "
                               "answer loss %.4f\n",
                       static_cast<long long>(step), a.exact, a.tasks, 100 * a.token_accuracy, a.mean_loss);
      }
    }
    return fields;
  };
  if (main_rank) {
    cb.on_step = [&](const train::StepReport& r) { print_train_step(r, f.json, tty); };
    cb.on_checkpoint = [&](const std::string& path) {
      if (!f.json) std::fprintf(stderr, "%scheckpoint %s\n", tty ? "\r\033[K" : "", path.c_str());
    };
    cb.on_resume = [&](const std::string& path, const train::TrainProgress& p) {
      if (!f.json)
        std::fprintf(stderr, "resuming from %s (step %lld)\n", path.c_str(), static_cast<long long>(p.step));
    };
  }
  const auto result = train::run_training(model, spec, windows, nullptr, *comm, cb);
  if (!main_rank) return result.interrupted ? 130 : 0;

  const auto model_dir = (fs::path(f.out) / "model").string();
  if (!result.interrupted) {
    // The finished model as its own folder (what `--model` takes), written whole or not at all.
    const auto tmp = model_dir + ".tmp";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    models::save_config((fs::path(tmp) / "config.json").string(), model->config());
    models::save_weights((fs::path(tmp) / "model.safetensors").string(), model);
    fs::remove_all(model_dir);
    fs::rename(tmp, model_dir);
  }
  const auto last = arc::score_answers(model, eval_tasks);
  nlohmann::json summary = {{"event", "done"},
                            {"interrupted", result.interrupted},
                            {"step", result.progress.step},
                            {"total_steps", f.steps},
                            {"tokens_seen", result.progress.tokens_seen},
                            {"train_loss", result.progress.last_loss},
                            {"elapsed_seconds", result.progress.elapsed_seconds},
                            {"parameters", parameters},
                            {"heldout_exact", last.tasks ? double(last.exact) / double(last.tasks) : 0.0},
                            {"checkpoint", result.checkpoint},
                            {"model", result.interrupted ? "" : model_dir},
                            {"holdout", holdout_path}};
  if (f.json) {
    std::printf("%s\n", summary.dump().c_str());
  } else if (result.interrupted) {
    std::printf("%sinterrupted at step %lld: checkpoint %s saved; continue with the same command and --resume\n",
                tty ? "\n" : "", static_cast<long long>(result.progress.step), result.checkpoint.c_str());
  } else {
    std::printf("%strained %lld steps (%s tokens): train loss %.4f, held-out exact %zu/%zu\nmodel %s\n",
                tty ? "\n" : "", static_cast<long long>(result.progress.step),
                format_count(result.progress.tokens_seen).c_str(), result.progress.last_loss, last.exact, last.tasks,
                model_dir.c_str());
  }
  return result.interrupted ? 130 : 0;
}

}  // namespace

void register_arc_pretrain(CLI::App& arc) {
  auto f = std::make_shared<PretrainFlags>();
  auto* cmd = arc.add_subcommand("pretrain", "Train the ARC base model on generated and augmented ARC tasks");
  cmd->add_option("--out", f->out, "Run folder: checkpoints/, log.jsonl, loss.svg, holdout.json, model/")->required();
  cmd->add_option("--arc-tasks", f->arc_tasks, "ARC training tasks (folder, task file or Kaggle challenges) to augment");
  cmd->add_option("--init", f->init, "Start from this model folder or checkpoint's weights (fresh optimizer and schedule)");
  cmd->add_option("--holdout-arc", f->holdout_arc, "Small-grid (≤ 10×10) ARC tasks kept out of pretraining")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  cmd->add_option("--holdout-families", f->holdout_families,
                  "Generator families never trained on: default, none, or a comma-separated list")
      ->capture_default_str();
  cmd->add_option("--size", f->size, "Model size")->capture_default_str()->check(CLI::IsMember(arc::arc_model_sizes()));
  cmd->add_option("--layer-type", f->layer_type, "attention (Llama-style Transformer) or linear (TTT-Linear)")
      ->capture_default_str()->check(CLI::IsMember({"attention", "linear"}));
  cmd->add_option("--context", f->context, "Tokens per training window")->capture_default_str()->check(CLI::Range(16, 1 << 16));
  cmd->add_option("--batch", f->batch, "Windows per optimizer step (all ranks)")->capture_default_str()->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--steps", f->steps, "Optimizer steps")->capture_default_str()->check(CLI::Range(1, 1 << 30));
  cmd->add_option("--lr", f->lr, "Peak learning rate")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-lr", f->min_lr, "Learning rate at the end of the cosine decay")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--warmup", f->warmup, "Linear warmup, as a fraction of the steps")->capture_default_str();
  cmd->add_option("--warmup-steps", f->warmup_steps, "Linear warmup in steps (overrides --warmup)")->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--weight-decay", f->weight_decay, "AdamW weight decay")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--clip", f->clip, "Gradient clipping by global norm (0: off)")->capture_default_str()->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--arc-fraction", f->arc_fraction, "Share of tasks drawn from --arc-tasks")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-side", f->min_side, "Smallest input side")->capture_default_str()->check(CLI::Range(1, 30));
  cmd->add_option("--start-max-side", f->start_max_side, "Largest input side at the start of the curriculum")
      ->capture_default_str()->check(CLI::Range(1, 30));
  cmd->add_option("--max-side", f->max_side, "Largest input side once the curriculum has ramped up")
      ->capture_default_str()->check(CLI::Range(1, 30));
  cmd->add_option("--side-ramp", f->side_ramp, "Fraction of the run over which the side limit grows")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--tier2-start", f->tier2_start, "When tier-2 families join (fraction of the run)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--tier3-start", f->tier3_start, "When tier-3 families join (fraction of the run)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--min-demos", f->min_demos, "Fewest demonstrations per generated task")->capture_default_str()->check(CLI::Range(1, 10));
  cmd->add_option("--max-demos", f->max_demos, "Most demonstrations per generated task")->capture_default_str()->check(CLI::Range(1, 10));
  cmd->add_option("--eval-per-family", f->eval_per_family, "Held-out instances per seen family for the exact-match check")
      ->capture_default_str()->check(CLI::Range(0, 1000));
  cmd->add_option("--eval-every", f->eval_every, "Steps between exact-match checks (0: at the end)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--save-every", f->save_every, "Steps between checkpoints (0: at the end and on Ctrl-C)")->capture_default_str()->check(CLI::Range(0, 1 << 30));
  cmd->add_option("--keep", f->keep, "Checkpoints kept")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--seed", f->seed, "Initialisation, data and split seed")->capture_default_str();
  cmd->add_option("--split-seed", f->split_seed,
                  "Seed of the held-out ARC tasks and evaluation instances only (default: --seed), so a continuation "
                  "run can draw fresh training windows with another --seed and keep the same held-out split");
  cmd->add_option("--threads", f->threads, "Intra-op threads (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--nproc", f->nproc, "Launch N local data-parallel workers (c10d Gloo on loopback)")->check(CLI::Range(1, 256));
  cmd->add_flag("--resume", f->resume, "Continue the run in --out from its latest checkpoint");
  cmd->add_flag("--json", f->json, "One JSON object per line: step and eval events, then a summary");
  cmd->callback([f] {
    int code = 0;
    if (f->nproc > 1 && !std::getenv("WORLD_SIZE"))
      code = launch_local_workers(f->nproc);
    else
      code = run_pretrain(*f);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace ttt::cli
