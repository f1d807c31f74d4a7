#include "ttt/models/lora_adapters.h"

#include <algorithm>
#include <map>
#include <set>

#include "ttt/io/safetensors_torch.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::models {
namespace {

constexpr const char* kFormat = "ttt-lora";

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Every place of `model` where an adapter for `target` can go: (parameter prefix, site).
std::vector<std::pair<std::string, nn::LoraSite>> sites_of(CausalLM& model, const std::string& target) {
  std::vector<std::pair<std::string, nn::LoraSite>> sites;
  if (target == "lm_head") {
    if (model->lm_head) sites.emplace_back("lm_head", nn::LoraSite{model->lm_head, &model->lm_head_lora});
    return sites;
  }
  for (std::size_t i = 0; i < model->model->blocks.size(); ++i) {
    auto& block = model->model->blocks[i];
    const std::string prefix = "model.layers." + std::to_string(i) + ".";
    nn::LoraSite site;
    if (block->attention) site = block->attention->lora_site(target);
    if (block->ttt) site = block->ttt->lora_site(target);
    if (site) sites.emplace_back(prefix + "seq_modeling_block." + target, site);
    if (block->mlp) {
      auto mlp_site = block->mlp->lora_site(target);
      if (mlp_site) sites.emplace_back(prefix + "mlp." + target, mlp_site);
    }
    // Mamba blocks (block->mixer) have no LoRA targets.
  }
  return sites;
}

}  // namespace

LoraAdapters::~LoraAdapters() { detach(); }

LoraAdapters::LoraAdapters(LoraAdapters&& other) noexcept { *this = std::move(other); }

LoraAdapters& LoraAdapters::operator=(LoraAdapters&& other) noexcept {
  if (this == &other) return *this;
  detach();
  model_ = std::move(other.model_);
  other.model_ = CausalLM{nullptr};
  config_ = std::move(other.config_);
  adapters_ = std::move(other.adapters_);
  other.adapters_.clear();
  frozen_ = std::move(other.frozen_);
  other.frozen_.clear();
  return *this;
}

std::uint64_t LoraAdapters::adapter_seed(std::uint64_t seed, const std::string& name) {
  // FNV-1a of the name: an adapter's A depends on the seed and its own name only, not on which other
  // targets are adapted.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001b3ull;
  return splitmix64(seed ^ splitmix64(h));
}

void LoraAdapters::attach(CausalLM& model, const nn::LoraConfig& config, std::uint64_t seed) {
  TTT_CHECK(!model.is_empty(), "[lora] cannot attach adapters to an empty model");
  config.validate("LoRA config");
  detach();
  // Collect everything first: a failing target leaves the model untouched.
  std::vector<Entry> entries;
  for (const auto& target : nn::lora_target_names()) {
    if (std::find(config.targets.begin(), config.targets.end(), target) == config.targets.end()) continue;
    auto sites = sites_of(model, target);
    if (sites.empty()) {
      if (target == "lm_head" && model->config().tie_word_embeddings)
        fail("[lora] target 'lm_head': the model's output head is tied to the token embedding "
             "(tie_word_embeddings), so it cannot be adapted; drop 'lm_head' from the targets");
      fail("[lora] target '", target, "': the model (", model->config().ttt_layer_type, " layers, backbone ",
           model->config().backbone(), ") has no projection of that name",
           model->config().is_mamba() ? " (Mamba blocks have no LoRA targets; only an untied lm_head)" : "");
    }
    for (auto& [name, site] : sites) {
      TTT_CHECK(!*site.slot, "[lora] ", name, " already has an adapter (attached by another LoraAdapters)");
      entries.push_back({name, nullptr, site.slot});
      entries.back().adapter = std::make_shared<nn::LoraAdapter>(site.linear, config.rank, config.alpha,
                                                                config.dropout, adapter_seed(seed, name));
    }
  }
  // Parameter order: by name's position in the model (layer by layer), lm_head last.
  std::map<std::string, std::size_t> order;
  std::size_t index = 0;
  for (auto& item : model->named_parameters()) order[item.key()] = index++;
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    return order.at(a.name + ".weight") < order.at(b.name + ".weight");
  });

  model_ = model;
  config_ = config;
  for (auto& e : entries) *e.slot = e.adapter;
  adapters_ = std::move(entries);
  for (auto& p : model->parameters()) {
    frozen_.emplace_back(p, p.requires_grad());
    p.requires_grad_(false);
  }
}

void LoraAdapters::detach() {
  if (!attached()) return;
  for (auto& e : adapters_) {
    e.adapter->unmerge();
    if (*e.slot == e.adapter) e.slot->reset();
  }
  for (auto& [p, requires_grad] : frozen_) p.requires_grad_(requires_grad);
  adapters_.clear();
  frozen_.clear();
  model_ = CausalLM{nullptr};
}

void LoraAdapters::reset(std::uint64_t seed) {
  TTT_CHECK(attached(), "[lora] reset: no adapters attached");
  for (auto& e : adapters_) e.adapter->reset(adapter_seed(seed, e.name));
}

std::vector<torch::Tensor> LoraAdapters::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& e : adapters_) {
    out.push_back(e.adapter->A);
    out.push_back(e.adapter->B);
  }
  return out;
}

std::vector<std::pair<std::string, torch::Tensor>> LoraAdapters::named_parameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& e : adapters_) {
    out.emplace_back(e.name + ".lora_A", e.adapter->A);
    out.emplace_back(e.name + ".lora_B", e.adapter->B);
  }
  return out;
}

void LoraAdapters::merge() {
  for (auto& e : adapters_) e.adapter->merge();
}

void LoraAdapters::unmerge() {
  for (auto& e : adapters_) e.adapter->unmerge();
}

bool LoraAdapters::merged() const {
  return !adapters_.empty() && std::all_of(adapters_.begin(), adapters_.end(),
                                           [](const Entry& e) { return e.adapter->merged(); });
}

void LoraAdapters::train(bool on) {
  for (auto& e : adapters_) e.adapter->train(on);
}

void LoraAdapters::save(const std::string& path) const {
  TTT_CHECK(attached(), "[lora] ", path, ": no adapters attached to save");
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (auto& [name, t] : named_parameters()) tensors.emplace_back(name, t.detach());
  io::save_tensors(path, tensors, {{"format", kFormat}, {"lora_config", nn::lora_config_to_json(config_)}});
}

void LoraAdapters::load(const std::string& path) {
  TTT_CHECK(attached(), "[lora] ", path, ": no adapters attached to load into");
  const auto file = io::load_tensors(path);  // validates the container; errors name the file
  auto meta = [&](const std::string& key) -> const std::string& {
    auto it = file.metadata.find(key);
    TTT_CHECK(it != file.metadata.end(), "[lora] ", path, ": no '", key,
              "' in the safetensors metadata (not a LoRA adapter file)");
    return it->second;
  };
  TTT_CHECK(meta("format") == kFormat, "[lora] ", path, ": metadata format '", meta("format"), "', expected '",
            kFormat, "'");
  const auto saved = nn::lora_config_from_json(meta("lora_config"), path);
  TTT_CHECK(saved.rank == config_.rank, "[lora] ", path, ": adapters of rank ", saved.rank,
            ", the attached ones have rank ", config_.rank);
  TTT_CHECK(saved.alpha == config_.alpha, "[lora] ", path, ": adapters with alpha ", saved.alpha,
            ", the attached ones have alpha ", config_.alpha);
  const std::set<std::string> saved_targets(saved.targets.begin(), saved.targets.end()),
      our_targets(config_.targets.begin(), config_.targets.end());
  TTT_CHECK(saved_targets == our_targets, "[lora] ", path, ": adapters for targets [", join(saved.targets),
            "], the attached ones are for [", join(config_.targets), "]");

  std::map<std::string, torch::Tensor> expected;
  for (auto& [name, t] : named_parameters()) expected.emplace(name, t);
  std::map<std::string, const torch::Tensor*> found;
  for (const auto& [name, t] : file.tensors) {
    auto it = expected.find(name);
    TTT_CHECK(it != expected.end(), "[lora] ", path, ": unexpected tensor '", name, "' ", shape_str(t),
              " (the adapters were saved for another model)");
    const auto& want = it->second;
    TTT_CHECK(t.sizes() == want.sizes(), "[lora] ", path, ": tensor '", name, "' has shape ", shape_str(t),
              ", the attached adapter needs ", shape_str(want));
    TTT_CHECK(t.scalar_type() == want.scalar_type(), "[lora] ", path, ": tensor '", name, "' is ", t.scalar_type(),
              ", the attached adapter is ", want.scalar_type());
    TTT_CHECK(torch::isfinite(t).all().item<bool>(), "[lora] ", path, ": tensor '", name,
              "' holds non-finite values");
    found[name] = &t;
  }
  for (const auto& [name, t] : expected)
    TTT_CHECK(found.count(name), "[lora] ", path, ": missing tensor '", name, "' (expected shape ", shape_str(t),
              ")");

  // Everything checked: copy (into the unmerged weights' adapters, re-merging if they were merged).
  const bool was_merged = merged();
  unmerge();
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : expected) t.copy_(*found.at(name));
  if (was_merged) merge();
}

}  // namespace ttt::models
