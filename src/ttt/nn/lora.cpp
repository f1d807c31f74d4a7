#include "ttt/nn/lora.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "ttt/kernels/cpu/gemv.h"
#include "ttt/kernels/dispatch.h"
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

namespace {

bool is_one_row_of(const torch::Tensor& x, const torch::Tensor& m) {
  return x.dim() >= 1 && m.dim() == 2 && x.numel() == m.size(1) && x.size(-1) == m.size(1);
}

// x's shape with the last dimension n.
std::vector<std::int64_t> sizes_with_last(const torch::Tensor& x, std::int64_t n) {
  auto sizes = x.sizes().vec();
  sizes.back() = n;
  return sizes;
}

// The fused GEMV applies to one row under no-grad on the fused kernels, every matrix contiguous and of x's dtype.
bool fused_gemv_applies(const torch::Tensor& x, const std::vector<torch::Tensor>& matrices) {
  if (!kernels::use_fused_elementwise(x)) return false;
  return std::all_of(matrices.begin(), matrices.end(), [&](const torch::Tensor& m) {
    return is_one_row_of(x, m) && m.is_contiguous() && m.device().is_cpu() && m.scalar_type() == x.scalar_type();
  });
}

}  // namespace

torch::Tensor times_transposed(const torch::Tensor& x, const torch::Tensor& m) {
  if (!is_one_row_of(x, m) || torch::GradMode::is_enabled() || !x.device().is_cpu() ||
      m.scalar_type() != x.scalar_type())
    return torch::matmul(x, m.transpose(0, 1));
  const auto row = x.reshape({-1}).contiguous();
  if (fused_gemv_applies(x, {m})) return kernels::cpu::gemv(m, row).view(sizes_with_last(x, m.size(0)));
  return torch::mv(m, row).view(sizes_with_last(x, m.size(0)));
}

std::vector<torch::Tensor> project_many(const std::vector<Projection>& projections, const torch::Tensor& x,
                                        const std::vector<torch::Tensor>& extra) {
  std::vector<torch::Tensor> matrices;
  bool one_pass = true;
  for (const auto& p : projections) {
    const auto& adapter = *p.adapter;
    one_pass = one_pass && !(*p.linear)->bias.defined() && (!adapter || adapter->merged());
    matrices.push_back((*p.linear)->weight);
  }
  matrices.insert(matrices.end(), extra.begin(), extra.end());
  std::vector<torch::Tensor> out;
  if (one_pass && fused_gemv_applies(x, matrices)) {
    out = kernels::cpu::gemv_many(matrices, x.reshape({-1}).contiguous());
    for (auto& y : out) y = y.view(sizes_with_last(x, y.size(0)));
    return out;
  }
  for (const auto& p : projections) out.push_back(lora_project(*p.linear, *p.adapter, x));
  for (const auto& m : extra) out.push_back(times_transposed(x, m));
  return out;
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
