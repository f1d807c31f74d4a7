#pragma once
// libFuzzer bodies for the readers that need libtorch: training checkpoints (`lm train --resume`, and a
// checkpoint folder used as a model by `lm eval|generate`) and LoRA adapter files (`arc predict
// --adapters`). Shared with tests/train/fuzz_lm_replay_test.cpp, which replays the seed corpus in `make test`.
//
// Inputs that stand for several files hold them one after another, separated by kFileSeparator (binary
// safetensors data never contains it by chance; the fuzzer can still cut or duplicate it).
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <torch/torch.h>

#include "fuzz_common.h"
#include "ttt/models/causal_lm.h"
#include "ttt/models/config.h"
#include "ttt/models/lora_adapters.h"
#include "ttt/models/weights.h"
#include "ttt/train/adamw.h"
#include "ttt/train/checkpoint.h"

namespace ttt::fuzz {

constexpr std::string_view kFileSeparator = "\n--ttt-fuzz-next-file--\n";

inline std::vector<std::string_view> split_files(std::string_view bytes, std::size_t count) {
  std::vector<std::string_view> files;
  while (files.size() + 1 < count) {
    const std::size_t cut = bytes.find(kFileSeparator);
    if (cut == std::string_view::npos) break;
    files.push_back(bytes.substr(0, cut));
    bytes.remove_prefix(cut + kFileSeparator.size());
  }
  files.push_back(bytes);
  files.resize(count);  // missing files stay empty (and are then not written)
  return files;
}

inline std::string join_files(const std::vector<std::string>& files) {
  std::string out;
  for (std::size_t i = 0; i < files.size(); ++i) out += (i ? std::string(kFileSeparator) : "") + files[i];
  return out;
}

// The fixed model every fuzzed checkpoint and adapter file is loaded into: TTT-Linear on the Mamba backbone
// (q/k shared, conv, gate), untied head, so every kind of parameter name appears; small enough that a valid
// checkpoint fits the fuzzer's 64 KB inputs.
inline models::ModelConfig fuzz_model_config() {
  models::ModelConfig c;
  c.vocab_size = 12;
  c.hidden_size = 8;
  c.intermediate_size = 8;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.mini_batch_size = 2;
  c.max_position_embeddings = 16;
  c.conv_kernel = 2;
  c.tie_word_embeddings = false;
  c.use_gate = c.share_qk = c.pre_conv = true;
  return c;
}

inline nn::LoraConfig fuzz_lora_config() {
  nn::LoraConfig c;
  c.rank = 2;
  c.alpha = 4;
  c.targets = {"q_proj", "v_proj", "up_proj", "lm_head"};
  return c;
}

inline std::vector<std::pair<std::string, torch::Tensor>> named_parameters(models::CausalLM& model) {
  std::vector<std::pair<std::string, torch::Tensor>> params;
  for (auto& item : model->named_parameters()) params.emplace_back(item.key(), item.value());
  return params;
}

inline void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A per-process scratch folder, emptied.
inline std::filesystem::path scratch_folder(const std::string& name) {
  const std::filesystem::path folder = scratch_path(name);
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  std::filesystem::create_directories(folder, ec);
  return folder;
}

// A training run folder holding one checkpoint: the input is [latest, state.json, config.json,
// model.safetensors, optimizer.safetensors]. Does what `lm train --resume` does (find `latest`, read the
// settings, load parameters, moments and RNG state into the model of the same config) and what `lm eval`
// does with a checkpoint folder (load_model from its config and weights). Returns whether the resume loaded.
inline bool run_checkpoint(const std::uint8_t* data, std::size_t size) {
  torch::set_num_threads(1);
  const auto files = split_files(as_text(data, size), 5);
  const std::filesystem::path run = scratch_folder("run");
  const std::filesystem::path step = run / "checkpoints" / "step-00000001";
  std::filesystem::create_directories(step);
  write_bytes(run / "checkpoints" / "latest", files[0]);
  const char* names[] = {"state.json", "config.json", "model.safetensors", "optimizer.safetensors"};
  for (std::size_t i = 0; i < 4; ++i)
    if (!files[i + 1].empty()) write_bytes(step / names[i], files[i + 1]);

  bool resumed = false;
  expect_clean([&] {
    const auto latest = ttt::train::latest_checkpoint(run.string());
    if (!latest) return;
    const auto info = ttt::train::read_checkpoint_info(*latest);
    if (info.progress.step < 0 || info.progress.tokens_seen < 0) __builtin_trap();
    if (models::config_to_json(info.config) != models::config_to_json(fuzz_model_config())) return;  // resume refuses
    torch::manual_seed(0);
    models::CausalLM model(fuzz_model_config());
    ttt::train::AdamW optimizer(named_parameters(model), {});
    ttt::train::load_checkpoint_tensors(*latest, model, optimizer);
    resumed = true;
  });
  expect_clean([&] {
    models::load_model((step / "config.json").string(), (step / "model.safetensors").string());
  });
  return resumed;
}

// One LoRA adapter file, loaded into adapters attached to the fuzz model (what `arc predict --adapters`
// does per task). Whatever loads must be finite. Returns whether the file loaded.
inline bool run_lora_adapters(const std::uint8_t* data, std::size_t size) {
  torch::set_num_threads(1);
  static const std::string path = scratch_file("adapter.safetensors", "");
  scratch_file("adapter.safetensors", as_text(data, size));
  torch::manual_seed(0);
  models::CausalLM model(fuzz_model_config());
  models::LoraAdapters adapters;
  adapters.attach(model, fuzz_lora_config(), 1);
  bool loaded = false;
  expect_clean([&] {
    adapters.load(path);
    for (const auto& p : adapters.parameters())
      if (!torch::isfinite(p).all().item<bool>()) __builtin_trap();
    adapters.merge();  // loaded adapters must fold into the weights and out again
    adapters.unmerge();
    loaded = true;
  });
  return loaded;
}

}  // namespace ttt::fuzz
