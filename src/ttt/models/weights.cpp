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
  auto is_reference_buffer = [](const std::string& name) {
    // Non-persistent buffers of the reference (constants we derive ourselves) that some exports include.
    auto ends_with = [&](const std::string& suffix) {
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends_with(".rotary_emb.inv_freq") || ends_with(".seq_modeling_block.token_idx");
  };
  for (const auto& [name, tensor] : tensors.tensors) {
    if (name.rfind("model.", 0) != 0 || expected.count(name) || is_reference_buffer(name)) continue;
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
  const auto config = load_config(config_path);
  const auto tensors = io::load_tensors(weights_path);
  // Check the size before building: a config that does not match its checkpoint could otherwise ask
  // for a model of many gigabytes only to fail at the first shape check.
  std::int64_t values = 0;
  for (const auto& [name, t] : tensors.tensors)
    if (t.is_floating_point()) values += t.numel();
  TTT_CHECK(config.parameter_count() <= values, "[weights] ", weights_path, ": the config ", config_path,
            " describes a model of ", config.parameter_count(), " parameters, the file holds only ", values,
            " floating-point values (config and checkpoint do not match)");
  CausalLM model(config);
  load_weights(model, tensors, weights_path);
  model->eval();
  return model;
}

}  // namespace ttt::models
