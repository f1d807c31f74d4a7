// `ttt lm eval`: perplexity of one or more models on a split of a tokenized corpus, and the loss by token
// position (bucketed) as CSV plus one plot overlaying every model — the paper's long-context picture.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "corpus_windows.h"
#include "ttt/eval/lm_eval.h"
#include "ttt/models/weights.h"
#include "ttt/train/checkpoint.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/svg_plot.h"

namespace fs = std::filesystem;

namespace ttt::cli {
namespace {

struct EvalFlags {
  std::vector<std::string> models, labels;
  std::string data, split = "val", csv, plot;
  std::int64_t context = 0, windows = 64, batch = 1, buckets = 0;
  int threads = 0;
  bool json = false;
};

// A model folder (config.json + model.safetensors), a checkpoint folder (the same files) or a run folder
// (its latest checkpoint).
std::string resolve_model_dir(const std::string& path) {
  std::error_code ec;
  TTT_CHECK(fs::is_directory(path, ec), "[eval] '", path, "' is not a folder (expected a model, checkpoint or run folder)");
  if (fs::exists(fs::path(path) / "config.json")) return path;
  if (auto latest = train::latest_checkpoint(path)) return *latest;
  fail("[eval] '", path, "' holds no config.json and no checkpoints/latest");
}

std::string default_label(const std::string& path) {
  auto p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  if (p.filename().string().rfind("step-", 0) == 0 && p.parent_path().filename() == "checkpoints")
    return p.parent_path().parent_path().filename().string() + "@" + p.filename().string().substr(5);
  return p.filename().string();
}

void run_eval(const EvalFlags& f) {
  if (f.threads > 0) torch::set_num_threads(f.threads);
  TTT_CHECK(f.labels.empty() || f.labels.size() == f.models.size(), "[eval] ", f.labels.size(), " labels for ",
            f.models.size(), " models");
  TTT_CHECK(f.csv.empty() || f.csv != f.plot, "[eval] --csv and --plot name the same file");
  struct Row {
    std::string label, path;
    eval::LmEvalResult result;
    std::vector<eval::PositionBucket> buckets;
  };
  std::vector<Row> rows;
  std::int64_t context = f.context;
  for (std::size_t i = 0; i < f.models.size(); ++i) {
    const auto dir = resolve_model_dir(f.models[i]);
    auto config = models::load_config(dir + "/config.json");
    if (context == 0) context = std::min<std::int64_t>(config.max_position_embeddings, 2048);
    std::int64_t vocab = 0;
    auto windows = open_split(f.data, f.split, context, &vocab);
    TTT_CHECK(vocab == config.vocab_size, "[eval] ", dir, ": the model's vocab_size ", config.vocab_size,
              " does not match the corpus tokenizer's ", vocab, " (", f.data, ")");
    auto model = models::load_model(dir + "/config.json", dir + "/model.safetensors");
    eval::LmEvalOptions o;
    o.max_windows = f.windows;
    o.batch = f.batch;
    Row row{f.labels.empty() ? default_label(dir) : f.labels[i], dir, eval::evaluate_lm(model, *windows, o), {}};
    row.buckets = eval::bucket_positions(row.result.loss_by_position, f.buckets == 0, f.buckets);
    if (!f.json)
      std::printf("%-28s loss %.4f  perplexity %8.3f  (%lld windows × %lld tokens of %s)\n", row.label.c_str(),
                  row.result.mean_loss, row.result.perplexity, static_cast<long long>(row.result.windows),
                  static_cast<long long>(context), f.split.c_str());
    rows.push_back(std::move(row));
  }
  if (!f.csv.empty()) {
    std::ostringstream csv;
    csv << "model,position_begin,position_end,mean_loss\n";
    for (const auto& r : rows)
      for (const auto& b : r.buckets) csv << r.label << "," << b.begin << "," << b.end << "," << b.mean_loss << "\n";
    write_file_atomic(f.csv, csv.str());
  }
  if (!f.plot.empty()) {
    std::vector<PlotSeries> series;
    for (const auto& r : rows) {
      PlotSeries s{r.label, {}, {}};
      // Each bucket at its geometric (log buckets) or arithmetic middle, 1-based positions.
      for (const auto& b : r.buckets) {
        s.x.push_back(f.buckets == 0 ? std::sqrt(double(b.begin + 1) * double(b.end)) : 0.5 * (b.begin + 1 + b.end));
        s.y.push_back(b.mean_loss);
      }
      series.push_back(std::move(s));
    }
    PlotOptions o;
    o.title = str("Loss by token position (", f.split, " split, context ", context, ")");
    o.x_label = "token position";
    o.y_label = "loss (nats/token)";
    o.log_x = f.buckets == 0;
    write_file_atomic(f.plot, render_line_plot_svg(series, o));
  }
  if (f.json) {
    nlohmann::json out = {{"split", f.split}, {"context", context}, {"models", nlohmann::json::array()}};
    for (const auto& r : rows) {
      nlohmann::json buckets = nlohmann::json::array();
      for (const auto& b : r.buckets) buckets.push_back({{"begin", b.begin}, {"end", b.end}, {"mean_loss", b.mean_loss}});
      out["models"].push_back({{"label", r.label}, {"path", r.path}, {"loss", r.result.mean_loss},
                               {"perplexity", r.result.perplexity}, {"windows", r.result.windows},
                               {"tokens", r.result.tokens}, {"loss_by_position", buckets}});
    }
    std::printf("%s\n", out.dump().c_str());
  } else {
    if (!f.csv.empty()) std::printf("loss by position: %s\n", f.csv.c_str());
    if (!f.plot.empty()) std::printf("plot: %s\n", f.plot.c_str());
  }
}

}  // namespace

void register_lm_eval(CLI::App& lm) {
  auto f = std::make_shared<EvalFlags>();
  auto* cmd = lm.add_subcommand("eval", "Perplexity and loss by token position of models on a corpus split");
  cmd->add_option("--model", f->models, "Model, checkpoint or run folder (repeat or comma-separate to compare)")
      ->required()->delimiter(',');
  cmd->add_option("--labels", f->labels, "Names for the models in the table and plot")->delimiter(',');
  cmd->add_option("--data", f->data, "Tokenized corpus folder (`ttt data tokenize`)")->required();
  cmd->add_option("--split", f->split, "train, val or test")->capture_default_str()->check(CLI::IsMember({"train", "val", "test"}));
  cmd->add_option("--context", f->context, "Window length (0: the model's max_position_embeddings, at most 2048)")
      ->capture_default_str()->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 20));
  cmd->add_option("--windows", f->windows, "Windows evaluated (spread over the split; 0: all)")->capture_default_str()->check(CLI::Range(std::int64_t(0), std::int64_t(1) << 40));
  cmd->add_option("--batch", f->batch, "Windows per forward pass")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--buckets", f->buckets, "Position buckets: 0 = powers of two, N = N equal buckets")->capture_default_str()->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--csv", f->csv, "Write loss by position (bucketed) as CSV");
  cmd->add_option("--plot", f->plot, "Write the loss-by-position plot (SVG) overlaying every model");
  cmd->add_option("--threads", f->threads, "Intra-op threads (0: libtorch's default)")->check(CLI::Range(0, 1024));
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f] { run_eval(*f); });
}

}  // namespace ttt::cli
