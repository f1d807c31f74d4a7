#pragma once
// One plain config struct for every causal LM of the project, serialized with the reference's
// (HF TTTConfig) key names so a reference config.json loads unchanged. Baselines extend the
// `ttt_layer_type` vocabulary: "linear" | "mlp" (TTT layers) | "attention" (Transformer baseline) |
// "mamba" (Mamba-1 baseline: residual blocks h += Mixer(RMSNorm(h)), no MLP; its keys are HF MambaConfig's).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ttt::models {

struct ModelConfig {
  std::int64_t vocab_size = 32000;
  std::int64_t hidden_size = 2048;
  std::int64_t intermediate_size = 5504;
  std::int64_t num_hidden_layers = 24;
  std::int64_t num_attention_heads = 32;
  std::string hidden_act = "silu";
  std::int64_t max_position_embeddings = 2048;
  double initializer_range = 0.02;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool tie_word_embeddings = true;
  // TTT switches; Mamba backbone = use_gate && share_qk && pre_conv, Transformer backbone = none of them.
  bool use_gate = false;
  bool share_qk = false;
  bool pre_conv = false;
  std::int64_t conv_kernel = 4;
  std::string ttt_layer_type = "linear";
  double ttt_base_lr = 1.0;
  std::int64_t mini_batch_size = 16;
  std::int64_t scan_checkpoint_group_size = 0;
  std::int64_t bos_token_id = 1;
  std::int64_t eos_token_id = 2;
  // Mamba baseline only (HF MambaConfig names); conv_kernel above is its d_conv.
  std::int64_t state_size = 16;      // N
  std::int64_t expand = 2;           // d_inner = expand · hidden_size
  std::int64_t time_step_rank = 0;   // rank of Δ's projection; 0 = "auto" = ceil(hidden_size / 16)

  std::int64_t head_dim() const { return hidden_size / num_attention_heads; }
  bool is_ttt() const { return ttt_layer_type == "linear" || ttt_layer_type == "mlp"; }
  bool is_mamba() const { return ttt_layer_type == "mamba"; }
  std::int64_t mamba_inner() const { return expand * hidden_size; }
  std::int64_t mamba_dt_rank() const { return time_step_rank > 0 ? time_step_rank : (hidden_size + 15) / 16; }
  std::string backbone() const;  // "transformer" | "mamba" (also every Mamba model) | "custom"

  // Number of parameters the model of this config has (computed, nothing allocated): lets a loader
  // reject a config that does not fit its checkpoint before building a possibly huge model.
  std::int64_t parameter_count() const;

  // Throws ttt::Error naming `source` and the offending key when a value is out of range.
  void validate(const std::string& source) const;
};

// Unknown keys are ignored (HF configs carry many); known keys with a wrong JSON type are errors.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& source);
nlohmann::json config_to_json(const ModelConfig& config);
ModelConfig load_config(const std::string& path);
void save_config(const std::string& path, const ModelConfig& config);  // atomic

// Named presets: "125m", "350m", "760m", "1.3b" (the paper's sizes) and CPU-sized "tiny", "small";
// combined with a layer type and backbone, e.g. preset("125m", "linear", "mamba"). Every size's four
// architectures (linear, mlp, attention, mamba) have parameter counts within 5 % of each other: Mamba
// (which ignores the backbone) gets about twice the layers (the Mamba paper's convention, one mixer per
// attention+MLP pair), the layer count closest to TTT-Linear's total; at the CPU sizes TTT-MLP gets a
// smaller intermediate_size to offset its 4× inner model.
ModelConfig preset(const std::string& size, const std::string& layer_type, const std::string& backbone);
std::vector<std::string> preset_names();

}  // namespace ttt::models
