// `ttt lm init`: a randomly initialised model from a preset, written as config.json + model.safetensors.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "ttt/models/weights.h"

namespace ttt::cli {
namespace {

// 1234567 → "1,234,567".
std::string with_thousands(long long n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct InitOptions {
  std::string preset = "tiny", layer_type = "linear", backbone = "mamba", out;
  std::uint64_t seed = 0;
};

void run_init(const InitOptions& o) {
  auto config = models::preset(o.preset, o.layer_type, o.backbone);
  torch::manual_seed(o.seed);
  models::CausalLM model(config);
  std::filesystem::create_directories(o.out);
  models::save_config(o.out + "/config.json", config);
  models::save_weights(o.out + "/model.safetensors", model, {{"preset", o.preset}, {"seed", std::to_string(o.seed)}});
  long long params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  // A Mamba model has no TTT backbone switches: its own block is the Mamba paper's.
  const std::string arch = config.is_mamba() ? "mamba" : o.layer_type + "/" + o.backbone;
  std::printf("%s %s: %.2fM parameters -> %s/{config.json,model.safetensors}\nparameters: %s\n", o.preset.c_str(),
              arch.c_str(), params / 1e6, o.out.c_str(), with_thousands(params).c_str());
}

}  // namespace

void register_lm_init(CLI::App& lm) {
  auto o = std::make_shared<InitOptions>();
  auto* cmd = lm.add_subcommand("init", "Write a randomly initialised model (config.json + model.safetensors)");
  cmd->add_option("--preset", o->preset, "Size: tiny, small, 125m, 350m, 760m, 1.3b")
      ->capture_default_str()->check(CLI::IsMember(models::preset_names()));
  cmd->add_option("--layer-type", o->layer_type,
                  "Sequence layer: linear (TTT-Linear), mlp (TTT-MLP), attention (Transformer), mamba (Mamba-1)")
      ->capture_default_str()->check(CLI::IsMember({"linear", "mlp", "attention", "mamba"}));
  cmd->add_option("--backbone", o->backbone, "transformer or mamba (ignored by --layer-type mamba)")
      ->capture_default_str()->check(CLI::IsMember({"transformer", "mamba"}));
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", o->out, "Output folder")->required();
  cmd->callback([o] { run_init(*o); });
}

}  // namespace ttt::cli
