#include "ttt/train/adamw.h"

#include <cmath>

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::train {

AdamW::AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, AdamWOptions options) : options_(options) {
  TTT_CHECK(options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1,
            "[adamw] betas must be in [0, 1), got ", options.beta1, ", ", options.beta2);
  TTT_CHECK(options.eps > 0 && options.weight_decay >= 0, "[adamw] eps must be > 0 and weight decay ≥ 0");
  for (auto& [name, p] : params) {
    if (!p.requires_grad()) continue;
    const bool is_a_log = name.size() >= 5 && name.compare(name.size() - 5, 5, "A_log") == 0;
    slots_.push_back({name, p, torch::zeros_like(p), torch::zeros_like(p), p.dim() >= 2 && !is_a_log});
  }
}

bool AdamW::decays(const std::string& name) const {
  for (const auto& s : slots_)
    if (s.name == name) return s.decay;
  return false;
}

void AdamW::step(double lr) {
  TTT_CHECK(std::isfinite(lr) && lr >= 0, "[adamw] learning rate must be finite and ≥ 0, got ", lr);
  torch::NoGradGuard no_grad;
  ++steps_;
  const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(steps_));
  const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(steps_));
  const double step_size = lr / bias1;
  const double sqrt_bias2 = std::sqrt(bias2);
  for (auto& s : slots_) {
    const auto& grad = s.param.grad();
    if (s.decay && options_.weight_decay > 0) s.param.mul_(1.0 - lr * options_.weight_decay);
    if (grad.defined()) {
      s.exp_avg.mul_(options_.beta1).add_(grad, 1.0 - options_.beta1);
      s.exp_avg_sq.mul_(options_.beta2).addcmul_(grad, grad, 1.0 - options_.beta2);
    } else {
      s.exp_avg.mul_(options_.beta1);
      s.exp_avg_sq.mul_(options_.beta2);
    }
    // p ← p − lr/(1−β1ᵗ) · m / (√v / √(1−β2ᵗ) + eps)
    auto denom = (s.exp_avg_sq.sqrt() / sqrt_bias2).add_(options_.eps);
    s.param.addcdiv_(s.exp_avg, denom, -step_size);
  }
}

std::map<std::string, torch::Tensor> AdamW::state_tensors() const {
  std::map<std::string, torch::Tensor> out;
  for (const auto& s : slots_) {
    out[s.name + ".exp_avg"] = s.exp_avg;
    out[s.name + ".exp_avg_sq"] = s.exp_avg_sq;
  }
  return out;
}

void AdamW::load_state(const std::map<std::string, torch::Tensor>& tensors, std::int64_t steps_taken) {
  TTT_CHECK(steps_taken >= 0, "[adamw] negative step count ", steps_taken);
  torch::NoGradGuard no_grad;
  for (auto& s : slots_) {
    for (auto [suffix, dst] : {std::pair<const char*, torch::Tensor*>{".exp_avg", &s.exp_avg},
                               {".exp_avg_sq", &s.exp_avg_sq}}) {
      auto it = tensors.find(s.name + suffix);
      TTT_CHECK(it != tensors.end(), "[adamw] optimizer state has no '", s.name, suffix, "'");
      TTT_CHECK(it->second.sizes() == dst->sizes(), "[adamw] optimizer state '", s.name, suffix, "' is ",
                shape_str(it->second), ", the parameter is ", shape_str(*dst));
      dst->copy_(it->second);
    }
  }
  TTT_CHECK(tensors.size() == 2 * slots_.size(), "[adamw] optimizer state has ", tensors.size(),
            " tensors, expected ", 2 * slots_.size(), " (a checkpoint of another model?)");
  steps_ = steps_taken;
}

}  // namespace ttt::train
