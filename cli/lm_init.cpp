// `ttt lm init`: a randomly initialised model from a preset, written as config.json + model.safetensors.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

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
  std::error_code ec;
  TTT_CHECK(!std::filesystem::exists(o.out, ec) || std::filesystem::is_directory(o.out, ec), "[lm init] --out '",
            o.out, "' exists and is not a folder");
  std::filesystem::create_directories(o.out, ec);
  TTT_CHECK(!ec, "[lm init] cannot create the folder '", o.out, "': ", ec.message());
  // Both files are serialized, then written as temporaries, then renamed: a full disk or an interrupt leaves
  // the old model (both files) in place, never a new config beside old weights.
  const std::string config_text = models::config_to_json(config).dump(2) + "\n";
  io::SafetensorsFile weights;
  weights.metadata = {{"preset", o.preset}, {"seed", std::to_string(o.seed)}};
  for (auto& item : model->named_parameters()) weights.tensors.push_back(io::from_tensor(item.key(), item.value()));
  const std::string weights_path = o.out + "/model.safetensors";
  const std::string weights_bytes = io::serialize_safetensors(weights, weights_path);
  write_files_atomic({{o.out + "/config.json", config_text}, {weights_path, weights_bytes}});
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
  cmd->add_option("--seed", o->seed, "Random seed")->capture_default_str()->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", o->out, "Output folder")->required();
  cmd->callback([o] { run_init(*o); });
}

}  // namespace ttt::cli
