#include "ttt/models/weights.h"

#include <set>

#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::models {

void load_weights(CausalLM& model, const io::TensorMap& tensors, const std::string& source) {
  torch::NoGradGuard no_grad;
  std::set<std::string> expected;
  for (auto& item : model->named_parameters()) {
    const std::string& name = item.key();
    expected.insert(name);
    TTT_CHECK(tensors.contains(name), "[weights] ", source, ": missing tensor '", name, "' (expected shape ",
              shape_str(item.value()), ")");
    const torch::Tensor& src = tensors.get(name);
    TTT_CHECK(src.sizes() == item.value().sizes(), "[weights] ", source, ": tensor '", name, "' has shape ",
              shape_str(src), ", the model needs ", shape_str(item.value()));
    TTT_CHECK(src.is_floating_point(), "[weights] ", source, ": tensor '", name, "' has integer dtype ",
              src.scalar_type(), ", expected floating point");
    item.value().copy_(src);
  }
  for (const auto& [name, tensor] : tensors.tensors) {
    if (name.rfind("model.", 0) != 0 || expected.count(name)) continue;
    fail("[weights] ", source, ": unexpected tensor '", name, "' ", shape_str(tensor),
         " — the checkpoint does not match the config's architecture");
  }
  if (!model->lm_head && tensors.contains("lm_head.weight")) {
    const auto& head = tensors.get("lm_head.weight");
    TTT_CHECK(head.sizes() == model->model->embed_tokens->weight.sizes(), "[weights] ", source,
              ": lm_head.weight ", shape_str(head), " does not match the tied embedding");
  }
}

void load_weights(CausalLM& model, const std::string& path) { load_weights(model, io::load_tensors(path), path); }

void save_weights(const std::string& path, CausalLM& model, const std::map<std::string, std::string>& metadata) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (auto& item : model->named_parameters()) tensors.emplace_back(item.key(), item.value().detach());
  io::save_tensors(path, tensors, metadata);
}

CausalLM load_model(const std::string& config_path, const std::string& weights_path) {
  CausalLM model(load_config(config_path));
  load_weights(model, weights_path);
  model->eval();
  return model;
}

}  // namespace ttt::models
