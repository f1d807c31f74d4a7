#include "ttt/nn/lora.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::nn {

const std::vector<std::string>& lora_target_names() {
  static const std::vector<std::string> names = {"q_proj",    "k_proj",  "v_proj",    "o_proj",
                                                 "gate_proj", "up_proj", "down_proj", "lm_head"};
  return names;
}

void LoraConfig::validate(const std::string& source) const {
  TTT_CHECK(rank >= 1, "[lora] ", source, ": rank must be ≥ 1, got ", rank);
  TTT_CHECK(std::isfinite(alpha) && alpha > 0, "[lora] ", source, ": alpha must be finite and > 0, got ", alpha);
  TTT_CHECK(std::isfinite(dropout) && dropout >= 0 && dropout < 1, "[lora] ", source,
            ": dropout must be in [0, 1), got ", dropout);
  TTT_CHECK(!targets.empty(), "[lora] ", source, ": no target projections");
  const auto& known = lora_target_names();
  std::set<std::string> seen;
  for (const auto& t : targets) {
    if (std::find(known.begin(), known.end(), t) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail("[lora] ", source, ": unknown target '", t, "' (valid: ", list, ")");
    }
    TTT_CHECK(seen.insert(t).second, "[lora] ", source, ": target '", t, "' appears twice");
  }
}

std::string lora_config_to_json(const LoraConfig& config) {
  nlohmann::json j = {{"rank", config.rank},
                      {"alpha", config.alpha},
                      {"dropout", config.dropout},
                      {"targets", config.targets}};
  return j.dump();
}

LoraConfig lora_config_from_json(const std::string& text, const std::string& source) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  TTT_CHECK(j.is_object(), "[lora] ", source, ": the LoRA config is not a JSON object");
  LoraConfig config;
  auto need = [&](const char* key) -> const nlohmann::json& {
    TTT_CHECK(j.contains(key), "[lora] ", source, ": the LoRA config has no '", key, "'");
    return j.at(key);
  };
  const auto& rank = need("rank");
  TTT_CHECK(rank.is_number_integer(), "[lora] ", source, ": LoRA 'rank' must be an integer, got ", rank.dump());
  config.rank = rank.get<std::int64_t>();
  for (auto [key, field] : {std::pair{"alpha", &config.alpha}, std::pair{"dropout", &config.dropout}}) {
    const auto& v = need(key);
    TTT_CHECK(v.is_number(), "[lora] ", source, ": LoRA '", key, "' must be a number, got ", v.dump());
    *field = v.get<double>();
  }
  const auto& targets = need("targets");
  TTT_CHECK(targets.is_array(), "[lora] ", source, ": LoRA 'targets' must be an array, got ", targets.dump());
  config.targets.clear();
  for (const auto& t : targets) {
    TTT_CHECK(t.is_string(), "[lora] ", source, ": LoRA target ", t.dump(), " is not a string");
    config.targets.push_back(t.get<std::string>());
  }
  config.validate(source);
  return config;
}

LoraAdapter::LoraAdapter(torch::nn::Linear linear, std::int64_t rank, double alpha, double dropout,
                         std::uint64_t seed)
    : linear_(std::move(linear)), rank_(rank), scale_(alpha / static_cast<double>(rank)), dropout_(dropout) {
  TTT_CHECK(!linear_.is_empty(), "[lora] cannot adapt an empty Linear");
  TTT_CHECK(rank >= 1, "[lora] rank must be ≥ 1, got ", rank);
  const auto& w = linear_->weight;
  const auto options = w.options().requires_grad(false);
  A = torch::zeros({rank, w.size(1)}, options);
  B = torch::zeros({w.size(0), rank}, options);
  reset(seed);
  A.requires_grad_(true);
  B.requires_grad_(true);
}

LoraAdapter::~LoraAdapter() {
  // The base weight must not keep a dead adapter's update.
  try {
    unmerge();
  } catch (...) {
  }
}

void LoraAdapter::reset(std::uint64_t seed) {
  unmerge();
  torch::NoGradGuard no_grad;
  // Drawn on the CPU in float64 from its own generator: the same A for the same seed on any device and
  // dtype, and the global RNG stays untouched. The bound is PEFT's kaiming_uniform(a=√5) = 1/sqrt(in).
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double bound = 1.0 / std::sqrt(static_cast<double>(A.size(1)));
  auto drawn = torch::empty(A.sizes(), torch::kDouble).uniform_(-bound, bound, generator);
  A.copy_(drawn);
  B.zero_();
  if (A.grad().defined()) A.mutable_grad() = torch::Tensor();
  if (B.grad().defined()) B.mutable_grad() = torch::Tensor();
}

torch::Tensor LoraAdapter::delta(const torch::Tensor& x) const {
  TTT_CHECK(x.size(-1) == A.size(1), "[lora] input ", shape_str(x), " does not fit an adapter of in-features ",
            A.size(1));
  TTT_CHECK(x.scalar_type() == A.scalar_type() && x.device() == A.device(), "[lora] input is ", x.scalar_type(),
            " on ", x.device(), ", the adapter ", A.scalar_type(), " on ", A.device(),
            " (attach adapters after moving the model)");
  const auto in = dropout_ > 0 && training_ ? torch::dropout(x, dropout_, /*train=*/true) : x;
  return torch::matmul(torch::matmul(in, A.t()), B.t()) * scale_;
}

void LoraAdapter::merge() {
  if (merged_) return;
  torch::NoGradGuard no_grad;
  auto& w = linear_->weight;
  saved_weight_ = w.detach().clone();
  w.add_(torch::matmul(B, A), scale_);
  merged_ = true;
}

void LoraAdapter::unmerge() {
  if (!merged_) return;
  torch::NoGradGuard no_grad;
  linear_->weight.copy_(saved_weight_);
  saved_weight_ = torch::Tensor();
  merged_ = false;
}

torch::Tensor times_transposed(const torch::Tensor& x, const torch::Tensor& m) {
  const bool one_row = x.dim() >= 1 && x.numel() == m.size(1) && x.size(-1) == m.size(1);
  if (!one_row || torch::GradMode::is_enabled() || !x.device().is_cpu() || m.scalar_type() != x.scalar_type())
    return torch::matmul(x, m.transpose(0, 1));
  auto sizes = x.sizes().vec();
  sizes.back() = m.size(0);
  return torch::mv(m, x.reshape({-1})).view(sizes);
}

torch::Tensor apply_linear(torch::nn::Linear& linear, const torch::Tensor& x) {
  if (torch::GradMode::is_enabled() || x.numel() != linear->weight.size(1)) return linear(x);
  auto y = times_transposed(x, linear->weight);
  return linear->bias.defined() ? y + linear->bias : y;
}

torch::Tensor lora_project(torch::nn::Linear& linear, const LoraAdapterPtr& adapter, const torch::Tensor& x) {
  auto y = apply_linear(linear, x);
  if (adapter && !adapter->merged()) y = y + adapter->delta(x);
  return y;
}

}  // namespace ttt::nn
