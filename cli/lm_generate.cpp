// `ttt lm generate`: prefill a prompt through the cache, then greedy-decode token by token.
#include <chrono>
#include <cstdio>
#include <memory>

#include "commands.h"
#include "token_ids.h"
#include "ttt/models/weights.h"

namespace ttt::cli {
namespace {

struct GenerateOptions {
  ModelInputFlags model;
  int max_new_tokens = 16;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run_generate(const GenerateOptions& o) {
  auto prompt = read_token_ids(o.model.ids, o.model.ids_file);
  auto model = models::load_model(o.model.config, o.model.weights);
  torch::NoGradGuard no_grad;
  auto cache = model->new_cache();
  auto start = std::chrono::steady_clock::now();
  auto logits = model->forward(prompt, &cache).logits;
  check_finite_logits(logits, o.model);
  const double prefill_s = seconds_since(start);
  std::vector<torch::Tensor> generated;
  start = std::chrono::steady_clock::now();
  for (int t = 0; t < o.max_new_tokens; ++t) {
    auto next = logits.select(1, logits.size(1) - 1).argmax(-1, /*keepdim=*/true);  // [B,1]
    generated.push_back(next);
    if (t + 1 < o.max_new_tokens) logits = model->forward(next, &cache).logits;
  }
  const double decode_s = seconds_since(start);
  auto out = torch::cat(generated, 1);
  for (long long b = 0; b < out.size(0); ++b) {
    std::printf("sequence %lld:", b);
    for (long long t = 0; t < out.size(1); ++t) std::printf(" %lld", out[b][t].item<std::int64_t>());
    std::printf("\n");
  }
  const double batch = static_cast<double>(prompt.size(0));
  std::fprintf(stderr, "prefill %lld tokens in %.3f s (%.0f tok/s); decoded %d tokens in %.3f s (%.0f tok/s)\n",
               static_cast<long long>(prompt.numel()), prefill_s, prompt.numel() / std::max(prefill_s, 1e-9),
               o.max_new_tokens, decode_s, batch * o.max_new_tokens / std::max(decode_s, 1e-9));
}

}  // namespace

void register_lm_generate(CLI::App& lm) {
  auto o = std::make_shared<GenerateOptions>();
  auto* cmd = lm.add_subcommand("generate", "Greedy generation: prefill the prompt, then decode with the cache");
  add_model_input_flags(*cmd, o->model);
  cmd->add_option("--max-new-tokens", o->max_new_tokens, "Tokens to generate")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->callback([o] { run_generate(*o); });
}

}  // namespace ttt::cli
