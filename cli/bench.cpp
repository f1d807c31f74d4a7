// `ttt bench`: speed on this machine, as a contract (docs/results.md "Kernels"):
//   --op sgemm|membw|prefill|decode|train_step   one measurement, one row (--json: one object per line)
//   --op inner                                   the TTT inner loop alone (fused kernel vs ops/ reference)
//   --op gemv                                    the weight reads of one decoded token (fused GEMV vs OpenBLAS)
//   no --op                                      a sweep over contexts for all layers, as a table
//   --length (the earlier interface)             the whole-model prefill/decode table, as before
// Rows carry op, scope ("layer" | "model"), layer, impl, context, batch, d_model, heads, threads, seconds,
// tokens_per_s and gflop_per_s, computed from the FLOP formulas in flops_per_token() below; decode rows also
// carry aten_ops_per_token (libtorch operators dispatched per decoded token, bench_op_count.h) and the
// weights read per token (weight_bytes_per_token, weight_gb_per_s). --roofline measures the machine's rate
// (sgemm; membw for decode) just before and just after the op and adds roofline_fraction: the op's rate over
// the mean of the two, so that a target such as "≥ 70 % of the memory roofline" is one command on a noisy host.
// Every timed op reports the best of --repeats (sgemm and membw at least 3); decode times --decode-steps tokens
// per repeat, each repeat from its own copy of the prefilled cache.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_op_count.h"
#include "commands.h"
#include "ttt/kernels/cpu/gemv.h"
#include "ttt/kernels/cpu/ttt_inner_fused.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/kernels/threading.h"
#include "ttt/models/causal_lm.h"
#include "ttt/models/layer_options.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/svg_plot.h"

namespace ttt::cli {
namespace {

struct BenchOptions {
  // The contract.
  std::string op, layer = "ttt-linear", preset, backbone = "mamba", impl = "fused";
  std::string contexts = "1024,2048,4096,8192,16384,32768", sweep_layers = "ttt-linear,ttt-mlp,attention,mamba";
  std::string plot;  // sweep: <plot>-prefill.svg and <plot>-decode.svg
  int context = 2048, batch = 1, d_model = 768, heads = 12, decode_steps = 16;
  // The earlier whole-model table (kept so its published numbers stay reproducible).
  std::string layers = "linear,mlp,attention";
  int length = 0, decode = 64;
  int repeats = 2, threads = 0;
  bool json = false;
  bool roofline = false;  // pair prefill/decode/train_step/inner with the machine rate measured around it
};

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

// CPU seconds (all threads) of the best repeat: on a shared machine the wall clock also counts the time
// other processes held the cores; CPU time does not (it does count spinning).
thread_local double g_best_cpu_seconds = 0;

template <typename Setup, typename F>
double best_seconds_after(int repeats, Setup&& setup, F&& run) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    setup();  // untimed
    const auto start = std::chrono::steady_clock::now();
    const auto cpu_start = process_cpu_seconds();
    run();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s < best) {
      best = s;
      g_best_cpu_seconds = process_cpu_seconds() - cpu_start;
    }
  }
  return best;
}

template <typename F>
double best_seconds(int repeats, F&& run) {
  return best_seconds_after(repeats, [] {}, run);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// Layer names of the contract → the model config's ttt_layer_type and backbone.
std::string layer_type(const std::string& layer) {
  if (layer == "ttt-linear") return "linear";
  if (layer == "ttt-mlp") return "mlp";
  if (layer == "attention") return "attention";
  if (layer == "mamba") return "mamba";
  fail("[bench] layer '", layer, "' is not available in this build (known: ttt-linear, ttt-mlp, attention, mamba)");
}

// The config of the measured model: a preset, or for one layer the requested width/heads.
models::ModelConfig bench_config(const BenchOptions& o, const std::string& layer) {
  const auto type = layer_type(layer);
  const auto backbone = type == "attention" || type == "mamba" ? "transformer" : o.backbone;
  auto config = models::preset(o.preset.empty() ? "125m" : o.preset, type, backbone);
  if (o.preset.empty()) {
    TTT_CHECK(o.d_model > 0 && o.heads > 0 && o.d_model % o.heads == 0 && (o.d_model / o.heads) % 2 == 0,
              "[bench] --d-model ", o.d_model, " must split into --heads ", o.heads, " even head dims");
    config.hidden_size = o.d_model;
    config.num_attention_heads = o.heads;
  }
  return config;
}

// Algorithmic FLOPs per token (multiply-add = 2), C = d_model, H heads, d = C/H, K mini-batch, N context:
//   projections        4 · 2C²   (q, k, v, o; the Mamba backbone's shared q + gate also make 4)
//   ttt-linear inner   H · (6d² + 2d(K+1))       3 d×d products per token + the causal dual terms
//   ttt-mlp inner      H · (56d² + 10d(K+1))     hidden 4d: 7 products of d×4d (grads, backprop, dual, update)
//   attention          2C(N+1) for prefill (causal average), 4CN for one decoded token at context N
//   mamba              (instead of the projections) in 2·2EC·C + x_proj 2·EC(R+2S) + dt 2·R·EC + out 2·EC·C
//                      + conv 2·EC·k + scan 6·EC·S   (E expand, R dt rank, S state size, k conv kernel)
//   model scope        + per block SwiGLU 6·C·intermediate, + lm_head 2·C·vocab
//   train_step         3 × prefill (forward + backward)
double flops_per_token(const models::ModelConfig& c, const std::string& op, std::int64_t n, bool model_scope) {
  const double C = c.hidden_size, H = c.num_attention_heads, d = C / H, K = c.mini_batch_size;
  double seq = 8 * C * C;
  if (c.is_mamba()) {
    const double E = c.expand * C, R = c.mamba_dt_rank(), S = c.state_size;
    seq = 4 * E * C + 2 * E * (R + 2 * S) + 2 * R * E + 2 * E * C + 2 * E * c.conv_kernel + 6 * E * S;
    const double total = model_scope ? c.num_hidden_layers * seq + 2 * C * c.vocab_size : seq;
    return op == "train_step" ? 3 * total : total;
  }
  if (c.ttt_layer_type == "linear") seq += H * (6 * d * d + 2 * d * (K + 1));
  else if (c.ttt_layer_type == "mlp") seq += H * (56 * d * d + 10 * d * (K + 1));
  else seq += op == "decode" ? 4 * C * n : 2 * C * (n + 1);
  double total = seq;
  if (model_scope)
    total = c.num_hidden_layers * (seq + 6 * C * c.intermediate_size) + 2 * C * c.vocab_size;
  return op == "train_step" ? 3 * total : total;
}

nlohmann::json row(const BenchOptions& o, const std::string& op, const std::string& scope, const std::string& layer,
                   std::int64_t context, double seconds, double tokens, double flops) {
  return {{"op", op},
          {"scope", scope},
          {"layer", layer},
          {"impl", kernels::impl_name(kernels::impl())},
          {"context", context},
          {"batch", o.batch},
          {"d_model", o.d_model},
          {"heads", o.heads},
          {"threads", torch::get_num_threads()},
          {"seconds", seconds},
          {"cpu_seconds", g_best_cpu_seconds},
          {"tokens_per_s", tokens / seconds},
          {"gflop_per_s", flops / seconds / 1e9}};
}

nlohmann::json measure_sgemm(const BenchOptions& o) {
  const std::int64_t n = 1024;
  auto a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  torch::mm_out(c, a, b);  // warm-up
  const double s = best_seconds(std::max(o.repeats, 3), [&] { torch::mm_out(c, a, b); });
  auto r = row(o, "sgemm", "machine", "", n, s, 0, 2.0 * n * n * n);
  r.erase("tokens_per_s");
  return r;
}

nlohmann::json measure_membw(const BenchOptions& o) {
  const std::int64_t n = std::int64_t{64} << 20;  // 256 MiB of floats, far beyond any cache
  auto src = torch::ones({n}), dst = torch::empty({n});
  dst.copy_(src);
  const double s = best_seconds(std::max(o.repeats, 3), [&] { dst.copy_(src); });
  auto r = row(o, "membw", "machine", "", n, s, 0, 0);
  r.erase("tokens_per_s");
  r.erase("gflop_per_s");
  r["gb_per_s"] = 2.0 * n * sizeof(float) / s / 1e9;  // read + write
  return r;
}

// The matrix-vector products of one decoded token of a TTT model (--preset, default 125m) alone, on weights of
// its shapes: per block the TTT layer's q, v, gate and lr-gate rows, its o, SwiGLU's gate and up, its down;
// then the head. Fused: kernels::cpu::gemv_many over each group that reads the same input, as decoding does;
// reference: OpenBLAS through torch::mv, one call per matrix. gb_per_s = weight bytes ÷ seconds, next to
// --op membw (read + write) it is the share of the memory roofline that decoding can reach.
nlohmann::json measure_gemv(const BenchOptions& o) {
  torch::NoGradGuard no_grad;
  const auto c = models::preset(o.preset.empty() ? "125m" : o.preset, "linear", o.backbone);
  const auto C = c.hidden_size, I = c.intermediate_size, H = c.num_attention_heads;
  auto matrix = [](std::int64_t rows, std::int64_t cols) { return torch::full({rows, cols}, 0.01f); };
  std::vector<std::vector<torch::Tensor>> groups;  // matrices that read the same input
  double bytes = 0;
  for (std::int64_t b = 0; b < c.num_hidden_layers; ++b) {
    groups.push_back({matrix(C, C), matrix(C, C), matrix(C, C), matrix(H, C)});
    groups.push_back({matrix(C, C)});
    groups.push_back({matrix(I, C), matrix(I, C)});
    groups.push_back({matrix(C, I)});
  }
  groups.push_back({matrix(c.vocab_size, C)});
  for (const auto& g : groups)
    for (const auto& m : g) bytes += m.numel() * 4.0;
  auto x_c = torch::full({C}, 0.5f), x_i = torch::full({I}, 0.5f);
  const bool fused = kernels::impl() == kernels::Impl::Fused;
  auto token = [&] {
    for (const auto& g : groups) {
      const auto& x = g[0].size(1) == C ? x_c : x_i;
      if (fused) {
        kernels::cpu::gemv_many(g, x);
      } else {
        for (const auto& m : g) torch::mv(m, x);
      }
    }
  };
  token();  // warm-up
  const double s = best_seconds(std::max(o.repeats, 3), token);
  auto r = row(o, "gemv", "kernel", "ttt-linear", 1, s, 1, 2.0 * bytes / 4.0);
  r["preset"] = o.preset.empty() ? "125m" : o.preset;
  r["gb_per_s"] = bytes / s / 1e9;
  return r;
}

// One sequence layer of the block (TTT or attention), built as in the model, with its cache.
struct OneLayer {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor&, std::int64_t, nn::LayerCache*)> forward;
};

OneLayer make_layer(const models::ModelConfig& c) {
  torch::manual_seed(0);
  if (c.is_mamba()) {
    nn::MambaMixer mixer(models::mamba_options(c));
    return {mixer.ptr(), [mixer](const torch::Tensor& x, std::int64_t, nn::LayerCache* cache) mutable {
              return mixer->forward(x, cache);
            }};
  }
  if (!c.is_ttt()) {
    nn::CausalSelfAttention attn(c.hidden_size, c.num_attention_heads, c.rope_theta, c.initializer_range);
    return {attn.ptr(), [attn](const torch::Tensor& x, std::int64_t p, nn::LayerCache* cache) mutable {
              return attn->forward(x, p, cache);
            }};
  }
  nn::TTTLayer layer(models::ttt_layer_options(c));
  return {layer.ptr(), [layer](const torch::Tensor& x, std::int64_t p, nn::LayerCache* cache) mutable {
            return layer->forward(x, p, cache);
          }};
}

double parameter_bytes(const torch::nn::Module& module) {
  double bytes = 0;
  for (const auto& p : module.parameters()) bytes += static_cast<double>(p.numel() * p.element_size());
  return bytes;
}

// The roofline of an op: the memory bandwidth for decoding (a weight stream), the GEMM rate otherwise.
bool memory_bound(const std::string& op) { return op == "decode"; }
std::string roofline_rate_name(const std::string& op) {
  return memory_bound(op) ? "membw_gb_per_s" : "sgemm_gflop_per_s";
}

double machine_rate(const BenchOptions& o, const std::string& op) {
  const double cpu = g_best_cpu_seconds;  // the op's own CPU time must survive this measurement
  const auto r = memory_bound(op) ? measure_membw(o) : measure_sgemm(o);
  g_best_cpu_seconds = cpu;
  return r[memory_bound(op) ? "gb_per_s" : "gflop_per_s"].get<double>();
}

void add_roofline(const BenchOptions& o, const std::string& op, nlohmann::json& r, double before) {
  const double after = machine_rate(o, op);
  r[roofline_rate_name(op) + "_before"] = before;
  r[roofline_rate_name(op) + "_after"] = after;
  const double rate = r[memory_bound(op) ? "weight_gb_per_s" : "gflop_per_s"].get<double>();
  r["roofline_fraction"] = rate / (0.5 * (before + after));
}

nlohmann::json measure(const BenchOptions& o, const std::string& op, const std::string& layer, std::int64_t n) {
  if (op == "sgemm") return measure_sgemm(o);
  if (op == "membw") return measure_membw(o);
  if (op == "gemv") return measure_gemv(o);
  TTT_CHECK(op == "prefill" || op == "decode" || op == "train_step" || op == "inner", "[bench] unknown --op '", op,
            "' (known: sgemm, membw, gemv, prefill, decode, train_step, inner)");
  const auto config = bench_config(o, layer);
  const bool model_scope = !o.preset.empty();
  const auto flops = flops_per_token(config, op, n, model_scope);
  const double rate_before = o.roofline ? machine_rate(o, op) : 0;
  double seconds = 0, tokens = 0, weight_bytes = 0;
  std::optional<AtenOpCount> ops;  // decode: libtorch operators of one more decoded token, counted untimed

  if (op == "inner") {
    // The inner loop alone (what the fused kernel replaces): [B,H,N,d] inputs as the layer passes them.
    torch::NoGradGuard no_grad;
    torch::manual_seed(0);
    const auto H = config.num_attention_heads, d = config.head_dim(), K = config.mini_batch_size;
    const auto model = config.ttt_layer_type == "mlp" ? ops::InnerModel::MLP : ops::InnerModel::Linear;
    auto heads = [&] { return torch::randn({o.batch, n, H, d}).transpose(1, 2); };
    auto xq = heads(), xk = heads(), xv = heads();
    auto lr = torch::rand({o.batch, H, n}) / d;
    auto tok = 1.0 / torch::arange(1, K + 1, torch::kFloat);
    auto ln_w = torch::ones({H, d}), ln_b = torch::zeros({H, d});
    const auto hidden = model == ops::InnerModel::MLP ? 4 * d : d;
    std::vector<torch::Tensor> params{0.02 * torch::randn({H, d, hidden}), torch::zeros({H, 1, hidden})};
    if (model == ops::InnerModel::MLP) params.insert(params.end(), {0.02 * torch::randn({H, hidden, d}), torch::zeros({H, 1, d})});
    seconds = best_seconds(o.repeats, [&] {
      auto state = ops::initial_inner_state(params, o.batch);
      if (kernels::impl() == kernels::Impl::Fused) {
        kernels::cpu::ttt_inner_chunk(model, state, {xq, xk, xv, lr, tok, ln_w, ln_b, 0, K});
      } else {
        for (std::int64_t t = 0; t < n; t += K) {
          const auto m = std::min(K, n - t);
          ops::ttt_segment(model, state, {xq.narrow(2, t, m), xk.narrow(2, t, m), xv.narrow(2, t, m),
                                          lr.narrow(2, t, m), tok.narrow(0, 0, m), ln_w, ln_b}, m == K);
        }
      }
    });
    tokens = double(o.batch) * n;
    const double Hd = H, dd = d, Kd = K;
    const double inner_flops = model == ops::InnerModel::MLP ? Hd * (56 * dd * dd + 10 * dd * (Kd + 1))
                                                             : Hd * (6 * dd * dd + 2 * dd * (Kd + 1));
    auto r = row(o, op, "inner", layer, n, seconds, tokens, inner_flops * tokens);
    if (o.roofline) add_roofline(o, op, r, rate_before);
    return r;
  }
  if (model_scope) {
    torch::manual_seed(0);
    models::CausalLM model(config);
    model->eval();
    auto ids = torch::randint(0, config.vocab_size, {o.batch, n + o.decode_steps}, torch::kLong);
    auto prompt = ids.narrow(1, 0, n);
    if (op == "prefill") {
      torch::NoGradGuard no_grad;
      seconds = best_seconds(o.repeats, [&] { model->forward(prompt); });
      tokens = double(o.batch) * n;
    } else if (op == "decode") {
      torch::NoGradGuard no_grad;
      auto prefilled = model->new_cache();
      model->forward(prompt, &prefilled);
      // Each repeat decodes the same tokens from its own copy of the prefilled cache (copied untimed), so that
      // decode, like every other op and like the bandwidth it is compared with, reports the best of --repeats.
      models::Cache cache;
      seconds = best_seconds_after(
                    o.repeats, [&] { cache = models::repeat_cache_batch(prefilled, 1); },
                    [&] {
                      for (int t = 0; t < o.decode_steps; ++t) model->forward(ids.narrow(1, n + t, 1), &cache);
                    }) /
                o.decode_steps;
      // The input embedding reads one row per token; a tied table is read in full by the head anyway.
      weight_bytes = parameter_bytes(*model);
      if (!config.tie_word_embeddings)
        weight_bytes -= 4.0 * static_cast<double>(config.vocab_size - 1) * static_cast<double>(config.hidden_size);
      g_best_cpu_seconds /= o.decode_steps;
      tokens = o.batch;
      ops = count_aten_ops([&] { model->forward(ids.narrow(1, n + o.decode_steps - 1, 1), &cache); });
    } else {
      model->train();
      seconds = best_seconds(o.repeats, [&] {
        model->zero_grad();
        model->forward(prompt).logits.to(torch::kFloat).logsumexp(-1).mean().backward();
      });
      tokens = double(o.batch) * n;
    }
  } else {
    auto one = make_layer(config);
    auto x = torch::randn({o.batch, n + o.decode_steps, config.hidden_size});
    auto prompt = x.narrow(1, 0, n);
    if (op == "prefill") {
      torch::NoGradGuard no_grad;
      seconds = best_seconds(o.repeats, [&] { one.forward(prompt, 0, nullptr); });
      tokens = double(o.batch) * n;
    } else if (op == "decode") {
      torch::NoGradGuard no_grad;
      nn::LayerCache prefilled;
      one.forward(prompt, 0, &prefilled);
      nn::LayerCache cache;  // a copy of the prefilled cache per repeat, as for the model above
      seconds = best_seconds_after(
                    o.repeats, [&] { cache = models::repeat_layer_cache_batch(prefilled, 1); },
                    [&] {
                      for (int t = 0; t < o.decode_steps; ++t) one.forward(x.narrow(1, n + t, 1), n + t, &cache);
                    }) /
                o.decode_steps;
      weight_bytes = parameter_bytes(*one.module);
      g_best_cpu_seconds /= o.decode_steps;
      tokens = o.batch;
      ops = count_aten_ops([&] { one.forward(x.narrow(1, n + o.decode_steps - 1, 1), n + o.decode_steps, &cache); });
    } else {
      auto xg = prompt.clone().requires_grad_(true);
      seconds = best_seconds(o.repeats, [&] {
        one.module->zero_grad();
        one.forward(xg, 0, nullptr).sum().backward();
      });
      tokens = double(o.batch) * n;
    }
  }
  auto r = row(o, op, model_scope ? "model" : "layer", layer, n, seconds, tokens, flops * tokens);
  if (model_scope) {
    r["preset"] = o.preset;
    r["d_model"] = config.hidden_size;
    r["heads"] = config.num_attention_heads;
  }
  if (config.is_ttt()) r["backbone"] = config.backbone();
  if (op == "decode") {
    r["weight_bytes_per_token"] = weight_bytes;
    r["weight_gb_per_s"] = weight_bytes / seconds / 1e9;  // one pass over the weights per step, whatever the batch
  }
  if (ops) {
    r["aten_ops_per_token"] = ops->top_level;
    r["aten_ops_per_token_nested"] = ops->total;
    r["aten_ops_per_token_by_name"] = ops->top_level_by_name;  // where the per-op overhead goes
  }
  // Training has a fused path for the TTT layers only (the fused scans with their hand-written backwards).
  if (op == "train_step" && !config.is_ttt()) r["impl"] = "reference";
  if (o.roofline) add_roofline(o, op, r, rate_before);
  return r;
}

void print(const BenchOptions& o, const nlohmann::json& r) {
  if (o.json) {
    std::printf("%s\n", r.dump().c_str());
  } else {
    std::printf("%-10s %-6s %-11s %-9s %7lld %12.6f s %12.1f tok/s %9.2f GFLOP/s%s%s\n", r["op"].get<std::string>().c_str(),
                r["scope"].get<std::string>().c_str(), r["layer"].get<std::string>().c_str(),
                r["impl"].get<std::string>().c_str(), static_cast<long long>(r["context"].get<std::int64_t>()),
                r["seconds"].get<double>(), r.value("tokens_per_s", 0.0), r.value("gflop_per_s", 0.0),
                r.contains("gb_per_s") ? str("  ", r["gb_per_s"].get<double>(), " GB/s").c_str() : "",
                r.contains("aten_ops_per_token") ? str("  ", r["aten_ops_per_token"].get<std::int64_t>(), " ops/token").c_str()
                                                 : "");
    if (r.contains("weight_gb_per_s"))
      std::printf("# weights read: %.1f MB per token, %.2f GB/s\n", r["weight_bytes_per_token"].get<double>() / 1e6,
                  r["weight_gb_per_s"].get<double>());
    if (r.contains("roofline_fraction")) {
      const std::string op = r["op"], name = roofline_rate_name(op);
      std::printf("# %.1f %% of the %s measured around it (%.4g before, %.4g after)\n",
                  100 * r["roofline_fraction"].get<double>(),
                  memory_bound(op) ? "copy bandwidth (GB/s)" : "sgemm rate (GFLOP/s)", r[name + "_before"].get<double>(),
                  r[name + "_after"].get<double>());
    }
  }
  std::fflush(stdout);
}

// Tokens/s against context, one line per layer: <prefix>-prefill.svg and <prefix>-decode.svg (both written
// atomically, together).
void write_sweep_plots(const std::string& prefix, const std::vector<std::string>& layers,
                       const std::vector<nlohmann::json>& rows) {
  std::vector<std::string> names, svgs;
  for (const char* op : {"prefill", "decode"}) {
    std::vector<PlotSeries> series;
    for (const auto& l : layers) {
      PlotSeries s{l, {}, {}};
      for (const auto& r : rows)
        if (r["layer"] == l && r["op"] == op) {
          s.x.push_back(r["context"].get<double>());
          s.y.push_back(r["tokens_per_s"].get<double>());
        }
      series.push_back(std::move(s));
    }
    PlotOptions po;
    po.title = str(op, " tokens/s vs context (", torch::get_num_threads(), " threads, ", rows.front()["d_model"].get<int>(),
                   " wide, ", rows.front()["heads"].get<int>(), " heads)");
    po.x_label = std::string(op) == "decode" ? "context before the decoded token" : "context (tokens)";
    po.y_label = "tokens/s";
    po.log_x = true;
    names.push_back(prefix + "-" + op + ".svg");
    svgs.push_back(render_line_plot_svg(series, po));
  }
  write_files_atomic({{names[0], svgs[0]}, {names[1], svgs[1]}});
}

void run_sweep(const BenchOptions& o) {
  std::vector<std::int64_t> contexts;
  for (const auto& c : split(o.contexts)) {
    const auto v = std::atoll(c.c_str());
    TTT_CHECK(v > 0, "[bench] --contexts: '", c, "' is not a positive length");
    contexts.push_back(v);
  }
  const auto layers = split(o.sweep_layers);
  for (const auto& l : layers) layer_type(l);  // fail before measuring anything
  if (!o.json) std::printf("# %s\n", kernels::thread_setup().c_str());
  print(o, measure(o, "sgemm", "", 0));
  std::vector<nlohmann::json> rows;
  for (const auto& l : layers)
    for (auto n : contexts)
      for (const char* op : {"prefill", "decode"}) {
        if (!o.json) std::fprintf(stderr, "[bench] %s %s %lld\n", l.c_str(), op, static_cast<long long>(n));
        auto r = measure(o, op, l, n);
        if (o.json) print(o, r);
        rows.push_back(r);
      }
  if (!o.plot.empty()) write_sweep_plots(o.plot, layers, rows);
  if (o.json) return;
  std::printf("\n%-11s %8s %16s %16s %14s\n", "layer", "context", "prefill tok/s", "decode tok/s", "decode ms/tok");
  for (std::size_t i = 0; i + 1 < rows.size(); i += 2)
    std::printf("%-11s %8lld %16.1f %16.1f %14.3f\n", rows[i]["layer"].get<std::string>().c_str(),
                static_cast<long long>(rows[i]["context"].get<std::int64_t>()), rows[i]["tokens_per_s"].get<double>(),
                rows[i + 1]["tokens_per_s"].get<double>(), 1e3 * rows[i + 1]["seconds"].get<double>());
}

// The earlier whole-model table: prefill tokens/s, decode tokens/s (after a 64-token prefill, included),
// and the dual form against its primal twin.
void run_model_table(const BenchOptions& o) {
  torch::NoGradGuard no_grad;
  nlohmann::json rows = nlohmann::json::array();
  if (!o.json)
    std::printf("# %s\n%-10s %-11s %6s %6s %14s %14s %14s\n", kernels::thread_setup().c_str(), "layer", "backbone",
                "B", "L", "prefill tok/s", "decode tok/s", "dual/primal");
  TTT_CHECK(!o.layers.empty(), "[bench] --layers is empty (give linear, mlp, attention and/or mamba)");
  for (const auto& layer : split(o.layers)) {
    auto config = models::preset(o.preset.empty() ? "small" : o.preset, layer,
                                 layer == "attention" ? "transformer" : o.backbone);
    torch::manual_seed(0);
    models::CausalLM model(config);
    model->eval();
    auto ids = torch::randint(0, config.vocab_size, {o.batch, o.length}, torch::kLong);
    const double prefill_s = best_seconds(o.repeats, [&] { model->forward(ids); });
    double primal_s = 0;
    if (config.is_ttt() || config.is_mamba()) {  // Mamba's slow twin: the sequential scan
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
    std::printf("%s\n", nlohmann::json({{"preset", o.preset}, {"threads", torch::get_num_threads()},
                                        {"impl", kernels::impl_name(kernels::impl())}, {"rows", rows}})
                            .dump(2)
                            .c_str());
}

void run_bench(const BenchOptions& o) {
  kernels::set_threads(o.threads);
  kernels::set_impl(kernels::parse_impl(o.impl));
  TTT_CHECK(!o.roofline || o.op == "prefill" || o.op == "decode" || o.op == "train_step" || o.op == "inner",
            "[bench] --roofline pairs --op prefill|decode|train_step|inner with the machine's rate, got --op '", o.op,
            "'");
  if (!o.op.empty()) {
    if (!o.json) std::printf("# %s\n", kernels::thread_setup().c_str());
    print(o, measure(o, o.op, o.layer, o.context));
  } else if (o.length > 0) {
    run_model_table(o);
  } else {
    run_sweep(o);
  }
}

}  // namespace

void register_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand(
      "bench", "Speed on this machine: one --op measurement, a sweep over contexts (no --op), or the model table (--length)");
  cmd->add_option("--op", o->op, "sgemm | membw | gemv | prefill | decode | train_step | inner (omit for the sweep)")
      ->check(CLI::IsMember({"sgemm", "membw", "gemv", "prefill", "decode", "train_step", "inner"}));
  cmd->add_option("--layer", o->layer, "ttt-linear | ttt-mlp | attention | mamba")->capture_default_str();
  cmd->add_option("--context", o->context, "Tokens of context N (decode: time per token after N)")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--d-model", o->d_model, "Layer width C (one-layer scope)")->capture_default_str()
      ->check(CLI::Range(2, 1 << 16));
  cmd->add_option("--heads", o->heads, "Heads (one-layer scope)")->capture_default_str()->check(CLI::Range(1, 1024));
  cmd->add_option("--preset", o->preset, "Whole model of this size instead of one layer")
      ->check(CLI::IsMember(models::preset_names()));
  cmd->add_option("--backbone", o->backbone, "Backbone of the TTT layers")->capture_default_str()
      ->check(CLI::IsMember({"transformer", "mamba"}));
  cmd->add_option("--impl,--kernels", o->impl, "Inner-loop kernels under no-grad: fused | reference")
      ->capture_default_str()->check(CLI::IsMember({"fused", "reference"}));
  cmd->add_option("--decode-steps", o->decode_steps, "Tokens timed by --op decode")->capture_default_str()
      ->check(CLI::Range(1, 1 << 16));
  cmd->add_option("--contexts", o->contexts, "Sweep: comma-separated contexts")->capture_default_str();
  cmd->add_option("--sweep-layers", o->sweep_layers, "Sweep: comma-separated layers")->capture_default_str();
  cmd->add_option("--plot", o->plot, "Sweep: also write PREFIX-prefill.svg and PREFIX-decode.svg (tokens/s vs context)");
  cmd->add_option("--layers", o->layers, "Model table: comma-separated linear, mlp, attention, mamba")
      ->capture_default_str();
  cmd->add_option("--length", o->length, "Model table: prefill length (selects the model table)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--decode", o->decode, "Model table: decode steps")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--batch", o->batch, "Batch size")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--repeats", o->repeats, "Timed repeats (best is reported)")->capture_default_str()->check(CLI::Range(1, 100));
  cmd->add_option("--threads", o->threads, "Threads for libtorch and OpenBLAS (0: the start-up default)")
      ->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_flag("--json", o->json, "One JSON object per line");
  cmd->add_flag("--roofline", o->roofline,
                "With --op prefill|decode|train_step|inner: also measure the machine's rate (sgemm; copy bandwidth "
                "for decode) just before and after, and report roofline_fraction");
  cmd->callback([o] {
    // Checked before choosing what to run: an empty list must not fall through to the (long) sweep.
    TTT_CHECK(!o->layers.empty(), "[bench] --layers is empty (give linear, mlp, attention and/or mamba)");
    run_bench(*o);
  });
}

}  // namespace ttt::cli
