// `ttt bench`: end-to-end throughput of the causal LMs on this machine — forward (prefill) tokens/s,
// cached decode tokens/s, and the dual form against its primal twin — all measured in one run so the
// ratios are comparable (machines are noisy; absolute numbers are not).
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "ttt/models/causal_lm.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct BenchOptions {
  std::string preset = "small", backbone = "mamba", layers = "linear,mlp,attention";
  int batch = 1, length = 512, decode = 64, repeats = 3, threads = 0;
  bool json = false;
};

template <typename F>
double best_seconds(int repeats, F&& run) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

void run_bench(const BenchOptions& o) {
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::NoGradGuard no_grad;
  nlohmann::json rows = nlohmann::json::array();
  if (!o.json)
    std::printf("%-10s %-11s %6s %6s %14s %14s %14s\n", "layer", "backbone", "B", "L", "prefill tok/s",
                "decode tok/s", "dual/primal");
  std::stringstream layer_list(o.layers);
  std::string layer;
  TTT_CHECK(!o.layers.empty(), "[bench] --layers is empty (give linear, mlp and/or attention)");
  while (std::getline(layer_list, layer, ',')) {
    auto config = models::preset(o.preset, layer, layer == "attention" ? "transformer" : o.backbone);
    torch::manual_seed(0);
    models::CausalLM model(config);
    model->eval();
    auto ids = torch::randint(0, config.vocab_size, {o.batch, o.length}, torch::kLong);
    const double prefill_s = best_seconds(o.repeats, [&] { model->forward(ids); });
    double primal_s = 0;
    if (config.is_ttt()) {
      model->use_primal_form(true);
      primal_s = best_seconds(o.repeats, [&] { model->forward(ids); });
      model->use_primal_form(false);
    }
    const double decode_s = best_seconds(o.repeats, [&] {
      auto cache = model->new_cache();
      model->forward(ids.narrow(1, 0, std::min(o.length, 64)), &cache);
      auto next = ids.narrow(1, 0, 1);
      for (int t = 0; t < o.decode; ++t) next = model->forward(next, &cache).logits.argmax(-1);
    });
    const double prefill_tps = o.batch * o.length / prefill_s;
    const double decode_tps = o.batch * o.decode / decode_s;  // includes a 64-token prefill: a lower bound
    const double speedup = primal_s > 0 ? primal_s / prefill_s : 0;
    rows.push_back({{"layer", layer}, {"backbone", config.backbone()}, {"preset", o.preset}, {"batch", o.batch},
                    {"length", o.length}, {"prefill_tokens_per_s", prefill_tps},
                    {"decode_tokens_per_s", decode_tps}, {"dual_over_primal_speedup", speedup}});
    if (!o.json)
      std::printf("%-10s %-11s %6d %6d %14.0f %14.0f %14s\n", layer.c_str(), config.backbone().c_str(), o.batch,
                  o.length, prefill_tps, decode_tps, speedup > 0 ? str(speedup, "x").c_str() : "-");
  }
  if (o.json)
    std::printf("%s\n", nlohmann::json({{"preset", o.preset}, {"threads", torch::get_num_threads()}, {"rows", rows}})
                            .dump(2)
                            .c_str());
}

}  // namespace

void register_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand("bench", "Throughput of the language models: prefill, decode, dual vs primal form");
  cmd->add_option("--preset", o->preset, "Model size")->capture_default_str()->check(CLI::IsMember(models::preset_names()));
  cmd->add_option("--backbone", o->backbone, "Backbone of the TTT models")->capture_default_str()
      ->check(CLI::IsMember({"transformer", "mamba"}));
  cmd->add_option("--layers", o->layers, "Comma-separated sequence layers: linear, mlp, attention")->capture_default_str();
  cmd->add_option("--batch", o->batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--length", o->length, "Prefill length")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--decode", o->decode, "Decode steps")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--repeats", o->repeats, "Timed repeats (best is reported)")->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--threads", o->threads, "Intra-op threads (0: libtorch default)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1024));
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->callback([o] { run_bench(*o); });
}

}  // namespace ttt::cli
