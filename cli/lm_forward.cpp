// `ttt lm forward`: one forward pass; prints the last position's top tokens, optionally saves logits.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "token_ids.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace ttt::cli {
namespace {

struct ForwardOptions {
  ModelInputFlags model;
  std::string logits_out;
  int top = 5;
};

void run_forward(const ForwardOptions& o) {
  check_output_is_not_input("lm forward", "--logits-out", o.logits_out,
                            {{"--config", o.model.config}, {"--weights", o.model.weights}, {"--ids-file", o.model.ids_file}});
  auto ids = read_token_ids(o.model.ids, o.model.ids_file);
  auto model = models::load_model(o.model.config, o.model.weights);
  torch::NoGradGuard no_grad;
  auto logits = model->forward(ids).logits;  // [B,T,V]
  check_finite_logits(logits, o.model);
  auto last = logits.select(1, logits.size(1) - 1);
  auto probs = torch::softmax(last.to(torch::kDouble), -1);
  const auto k = std::min<long long>(o.top, last.size(-1));
  auto top = probs.topk(k, -1);
  for (long long b = 0; b < ids.size(0); ++b) {
    std::printf("sequence %lld (%lld tokens), next-token top %lld:\n", b, static_cast<long long>(ids.size(1)), k);
    for (long long i = 0; i < k; ++i) {
      const std::int64_t id = std::get<1>(top)[b][i].item<std::int64_t>();
      std::printf("  %6lld  p=%.4f  logit=%.4f\n", id, std::get<0>(top)[b][i].item<double>(),
                  last[b][id].item<double>());
    }
  }
  if (!o.logits_out.empty()) {
    io::save_tensors(o.logits_out, {{"logits", logits}, {"input_ids", ids}}, {{"config", o.model.config}});
    std::printf("logits %s written to %s\n", shape_str(logits).c_str(), o.logits_out.c_str());
  }
}

}  // namespace

void register_lm_forward(CLI::App& lm) {
  auto o = std::make_shared<ForwardOptions>();
  auto* cmd = lm.add_subcommand("forward", "One forward pass: print the last position's top tokens");
  add_model_input_flags(*cmd, o->model);
  cmd->add_option("--top", o->top, "How many top tokens to print")->capture_default_str()->check(CLI::Range(1, 1000));
  cmd->add_option("--logits-out", o->logits_out, "Write all logits [B,T,V] to this .safetensors file")
      ->check(NonEmptyPath);
  cmd->callback([o] { run_forward(*o); });
}

}  // namespace ttt::cli
