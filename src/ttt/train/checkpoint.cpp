#include "ttt/train/checkpoint.h"

#include <algorithm>
#include <mutex>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <vector>

#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/train/adamw.h"
#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"

namespace fs = std::filesystem;

namespace ttt::train {
namespace {

constexpr const char* kFormat = "ttt-train-checkpoint";
constexpr int kVersion = 1;
constexpr const char* kRngTensor = "rng.torch_cpu";

std::string step_name(std::int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "step-%08lld", static_cast<long long>(step));
  return buf;
}

fs::path checkpoints_dir(const std::string& run_dir) { return fs::path(run_dir) / "checkpoints"; }

void fsync_path(const fs::path& p) {
  // Make the folder's entries durable before `latest` points at it (matters on power loss, not on kill -9).
  FILE* f = std::fopen(p.c_str(), "r");
  if (!f) return;
  ::fsync(fileno(f));
  std::fclose(f);
}

template <typename T>
T required(const nlohmann::json& j, const char* key, const std::string& file) {
  auto it = j.find(key);
  TTT_CHECK(it != j.end(), "[checkpoint] ", file, ": missing '", key, "'");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("[checkpoint] ", file, ": '", key, "' has the wrong type (", it->type_name(), ")");
  }
}

}  // namespace

std::string save_checkpoint(const std::string& run_dir, models::CausalLM& model, const AdamW& optimizer,
                            const TrainProgress& progress, const nlohmann::json& run_settings, int keep) {
  const fs::path root = checkpoints_dir(run_dir);
  std::error_code ec;
  fs::create_directories(root, ec);
  TTT_CHECK(!ec, "[checkpoint] cannot create '", root.string(), "': ", ec.message());
  const std::string name = step_name(progress.step);
  const fs::path final_dir = root / name;
  const fs::path tmp_dir = root / str(".", name, ".tmp.", ::getpid());
  fs::remove_all(tmp_dir, ec);
  fs::create_directories(tmp_dir, ec);
  TTT_CHECK(!ec, "[checkpoint] cannot create '", tmp_dir.string(), "': ", ec.message());
  try {
    models::save_config((tmp_dir / "config.json").string(), model->config());
    models::save_weights((tmp_dir / "model.safetensors").string(), model, {{"step", std::to_string(progress.step)}});
    std::vector<std::pair<std::string, torch::Tensor>> opt;
    for (auto& [k, v] : optimizer.state_tensors()) opt.emplace_back(k, v);
    opt.emplace_back(kRngTensor, at::detail::getDefaultCPUGenerator().get_state());
    io::save_tensors((tmp_dir / "optimizer.safetensors").string(), opt,
                     {{"adamw_steps", std::to_string(optimizer.steps_taken())}});
    nlohmann::json state = {{"format", kFormat},
                            {"version", kVersion},
                            {"step", progress.step},
                            {"samples_seen", progress.samples_seen},
                            {"tokens_seen", progress.tokens_seen},
                            {"elapsed_seconds", progress.elapsed_seconds},
                            {"last_loss", progress.last_loss},
                            {"adamw_steps", optimizer.steps_taken()},
                            {"run", run_settings}};
    write_file_atomic((tmp_dir / "state.json").string(), state.dump(2) + "\n");
    for (const char* f : {"config.json", "model.safetensors", "optimizer.safetensors", "state.json"})
      fsync_path(tmp_dir / f);
  } catch (...) {
    fs::remove_all(tmp_dir, ec);
    throw;
  }
  // A folder of the same step (a run resumed from an earlier checkpoint) is replaced.
  if (fs::exists(final_dir)) {
    const fs::path old = root / str(".", name, ".old.", ::getpid());
    fs::rename(final_dir, old, ec);
    TTT_CHECK(!ec, "[checkpoint] cannot move aside '", final_dir.string(), "': ", ec.message());
    fs::remove_all(old, ec);
  }
  fs::rename(tmp_dir, final_dir, ec);
  TTT_CHECK(!ec, "[checkpoint] cannot move '", tmp_dir.string(), "' to '", final_dir.string(), "': ", ec.message());
  fsync_path(root);
  write_file_atomic((root / "latest").string(), name + "\n");

  if (keep > 0) {
    std::vector<std::string> steps;
    for (const auto& entry : fs::directory_iterator(root, ec))
      if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0)
        steps.push_back(entry.path().filename().string());
    std::sort(steps.begin(), steps.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < steps.size(); ++i)
      if (steps[i] != name) fs::remove_all(root / steps[i], ec);
  }
  return final_dir.string();
}

std::optional<std::string> latest_checkpoint(const std::string& run_dir) {
  const fs::path pointer = checkpoints_dir(run_dir) / "latest";
  std::error_code ec;
  if (!fs::exists(pointer, ec)) return std::nullopt;
  std::string name = read_file(pointer.string(), "checkpoint");
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' ')) name.pop_back();
  TTT_CHECK(name.rfind("step-", 0) == 0 && name.find('/') == std::string::npos, "[checkpoint] ", pointer.string(),
            ": does not name a checkpoint folder (got '", name.substr(0, 40), "')");
  const fs::path dir = checkpoints_dir(run_dir) / name;
  TTT_CHECK(fs::is_directory(dir, ec), "[checkpoint] ", pointer.string(), " names '", dir.string(),
            "', which does not exist");
  return dir.string();
}

CheckpointContents read_checkpoint_info(const std::string& checkpoint_dir) {
  CheckpointContents c;
  c.path = checkpoint_dir;
  const std::string state_path = (fs::path(checkpoint_dir) / "state.json").string();
  const auto j = nlohmann::json::parse(read_file(state_path, "checkpoint"), nullptr, false);
  TTT_CHECK(!j.is_discarded() && j.is_object(), "[checkpoint] ", state_path, ": not a JSON object");
  TTT_CHECK(j.value("format", std::string()) == kFormat, "[checkpoint] ", state_path, ": not a ttt training checkpoint");
  TTT_CHECK(required<int>(j, "version", state_path) == kVersion, "[checkpoint] ", state_path,
            ": unsupported version ", j["version"].dump());
  c.progress.step = required<std::int64_t>(j, "step", state_path);
  c.progress.samples_seen = required<std::int64_t>(j, "samples_seen", state_path);
  c.progress.tokens_seen = required<std::int64_t>(j, "tokens_seen", state_path);
  c.progress.elapsed_seconds = required<double>(j, "elapsed_seconds", state_path);
  c.progress.last_loss = required<double>(j, "last_loss", state_path);
  TTT_CHECK(c.progress.step >= 0 && c.progress.samples_seen >= 0 && c.progress.tokens_seen >= 0, "[checkpoint] ",
            state_path, ": negative counters");
  TTT_CHECK(j.contains("run") && j["run"].is_object(), "[checkpoint] ", state_path, ": missing 'run' settings");
  c.run_settings = j["run"];
  c.config = models::load_config((fs::path(checkpoint_dir) / "config.json").string());
  return c;
}

void load_checkpoint_tensors(const std::string& checkpoint_dir, models::CausalLM& model, AdamW& optimizer) {
  models::load_weights(model, (fs::path(checkpoint_dir) / "model.safetensors").string());
  const std::string opt_path = (fs::path(checkpoint_dir) / "optimizer.safetensors").string();
  auto tensors = io::load_tensors(opt_path);
  std::map<std::string, torch::Tensor> moments;
  torch::Tensor rng;
  for (auto& [name, t] : tensors.tensors) {
    if (name == kRngTensor)
      rng = t;
    else
      moments[name] = t;
  }
  auto steps_it = tensors.metadata.find("adamw_steps");
  TTT_CHECK(steps_it != tensors.metadata.end(), "[checkpoint] ", opt_path, ": missing 'adamw_steps' metadata");
  std::int64_t steps = 0;
  try {
    steps = std::stoll(steps_it->second);
  } catch (const std::exception&) {
    fail("[checkpoint] ", opt_path, ": 'adamw_steps' is not a number");
  }
  try {
    optimizer.load_state(moments, steps);
  } catch (const Error& e) {
    fail("[checkpoint] ", opt_path, ": ", e.what());
  }
  TTT_CHECK(rng.defined() && rng.scalar_type() == torch::kUInt8, "[checkpoint] ", opt_path,
            ": missing the RNG state '", kRngTensor, "'");
  try {
    at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle on the global generator
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(rng);
  } catch (const c10::Error&) {
    fail("[checkpoint] ", opt_path, ": the RNG state is malformed");
  }
}

void remove_stale_temporaries(const std::string& run_dir) {
  std::error_code ec;
  const fs::path root = checkpoints_dir(run_dir);
  if (!fs::is_directory(root, ec)) return;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind(".step-", 0) == 0) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace ttt::train
