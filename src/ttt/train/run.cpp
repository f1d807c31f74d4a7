#include "ttt/train/run.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/svg_plot.h"

namespace fs = std::filesystem;

namespace ttt::train {
namespace {

// The run's log: one JSON object per line, appended as the run goes. On resume the lines written after
// the checkpoint (work that the checkpoint lost) are dropped, so the log describes the run as it stands.
class RunLog {
 public:
  RunLog(const std::string& run_dir, bool active) : path_((fs::path(run_dir) / "log.jsonl").string()), active_(active) {}

  void truncate_after(std::int64_t step) {
    if (!active_ || !fs::exists(path_)) return;
    std::istringstream in(read_file(path_, "train log"));
    std::string line, kept;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;  // a line cut by kill -9
      if (j.value("step", std::int64_t(0)) > step) continue;
      remember(j);
      kept += line + "\n";
    }
    write_file_atomic(path_, kept);
  }

  void write(const nlohmann::json& j) {
    if (!active_) return;
    remember(j);
    std::ofstream out(path_, std::ios::app);
    out << j.dump() << "\n";
    out.flush();
    TTT_CHECK(out.good(), "[train] cannot append to ", path_);
  }

  void plot(const std::string& run_dir, const std::string& title) const {
    if (!active_) return;
    PlotSeries train{"train loss", train_steps_, train_loss_};
    PlotSeries val{"validation loss", val_steps_, val_loss_};
    PlotOptions o;
    o.title = title;
    o.x_label = "step";
    o.y_label = "loss (nats/token)";
    write_file_atomic((fs::path(run_dir) / "loss.svg").string(), render_line_plot_svg({train, val}, o));
  }

 private:
  void remember(const nlohmann::json& j) {
    const auto event = j.value("event", std::string());
    if (event == "step") {
      train_steps_.push_back(j.value("step", 0.0));
      train_loss_.push_back(j.value("loss", 0.0));
    } else if (event == "eval" && j.contains("val_loss")) {
      val_steps_.push_back(j.value("step", 0.0));
      val_loss_.push_back(j.value("val_loss", 0.0));
    }
  }
  std::string path_;
  bool active_;
  std::vector<double> train_steps_, train_loss_, val_steps_, val_loss_;
};

bool any_rank_wants_to_stop(Communicator& comm, bool mine) {
  if (comm.world_size() == 1) return mine;
  auto flag = torch::full({1}, mine ? 1.0 : 0.0, torch::kDouble);
  comm.allreduce_mean({flag});
  return flag.item<double>() > 0;
}

}  // namespace

RunResult run_training(models::CausalLM model, const RunSpec& spec, const data::WindowSource& train,
                       const data::WindowSource* validation, Communicator& comm, const RunCallbacks& cb) {
  TTT_CHECK(!spec.run_dir.empty(), "[train] no run folder given");
  TTT_CHECK(spec.eval_every >= 0 && spec.save_every >= 0 && spec.eval_windows >= 0, "[train] negative intervals");
  const bool writer = comm.rank() == 0;
  std::error_code ec;
  if (writer) {
    fs::create_directories(spec.run_dir, ec);
    TTT_CHECK(!ec, "[train] cannot create the run folder '", spec.run_dir, "': ", ec.message());
    remove_stale_temporaries(spec.run_dir);
  }
  comm.barrier();
  Trainer trainer(std::move(model), spec.options, train, comm);
  RunLog log(spec.run_dir, writer);
  const auto latest = latest_checkpoint(spec.run_dir);
  if (spec.resume) {
    TTT_CHECK(latest, "[train] --resume: '", spec.run_dir, "' has no checkpoint to resume from");
    trainer.resume_from(*latest);
    log.truncate_after(trainer.progress().step);
    if (cb.on_resume) cb.on_resume(*latest, trainer.progress());
  } else {
    TTT_CHECK(!latest, "[train] '", spec.run_dir, "' already holds a run (", *latest,
              "); pass --resume to continue it, or choose another output folder");
    nlohmann::json start = {{"event", "start"}, {"step", 0}, {"world_size", comm.world_size()},
                            {"model", models::config_to_json(trainer.model()->config())},
                            {"settings", spec.options.fixed_settings()}};
    for (auto it = spec.extra_log_fields.begin(); it != spec.extra_log_fields.end(); ++it) start[it.key()] = it.value();
    log.write(start);
  }
  const auto& cfg = trainer.model()->config();
  const std::string title = str("ttt lm train: ", cfg.ttt_layer_type, " (", cfg.backbone(), "), context ",
                                spec.options.context);

  RunResult result;
  auto validate = [&] {
    if (!validation && !cb.extra_eval) return;
    nlohmann::json event = {{"event", "eval"}, {"step", trainer.progress().step},
                            {"tokens_seen", trainer.progress().tokens_seen}};
    if (validation) {
      eval::LmEvalOptions eo;
      eo.max_windows = spec.eval_windows;
      eo.batch = spec.eval_batch;
      const auto r = eval::evaluate_lm(trainer.model(), *validation, eo, &comm);
      result.val_loss = r.mean_loss;
      event["val_loss"] = r.mean_loss;
      event["val_perplexity"] = r.perplexity;
      event["windows"] = r.windows;
      if (cb.on_eval) cb.on_eval(trainer.progress().step, r);
    }
    if (cb.extra_eval) {
      const auto extra = cb.extra_eval(trainer.model(), trainer.progress().step);
      for (auto it = extra.begin(); it != extra.end(); ++it) event[it.key()] = it.value();
    }
    log.write(event);
  };
  std::int64_t saved_step = -1;  // the same on every rank, so every rank takes part in the same saves
  auto checkpoint = [&] {
    saved_step = trainer.progress().step;
    result.checkpoint = trainer.save(spec.run_dir, spec.keep_checkpoints);
    log.write({{"event", "checkpoint"}, {"step", trainer.progress().step}, {"path", result.checkpoint}});
    log.plot(spec.run_dir, title);
    if (cb.on_checkpoint && writer) cb.on_checkpoint(result.checkpoint);
  };

  while (!trainer.finished()) {
    const auto r = trainer.step();
    log.write({{"event", "step"}, {"step", r.step}, {"loss", r.loss}, {"lr", r.lr}, {"grad_norm", r.grad_norm},
               {"ttt_base_lr", r.ttt_base_lr}, {"tokens_seen", r.tokens_seen}, {"tokens_per_s", r.tokens_per_s},
               {"step_seconds", r.step_seconds}, {"elapsed_seconds", r.elapsed_seconds},
               {"peak_rss_mb", static_cast<double>(r.peak_rss_bytes) / (1 << 20)}});
    if (cb.on_step) cb.on_step(r);
    const bool last = trainer.finished();
    if (!last && spec.eval_every > 0 && r.step % spec.eval_every == 0) validate();
    if (!last && spec.save_every > 0 && r.step % spec.save_every == 0) checkpoint();
    if (!last && any_rank_wants_to_stop(comm, cb.should_stop && cb.should_stop())) {
      result.interrupted = true;
      break;
    }
  }
  if (!result.interrupted) validate();
  if (saved_step != trainer.progress().step) checkpoint();
  result.progress = trainer.progress();
  return result;
}

}  // namespace ttt::train
