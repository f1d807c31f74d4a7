#include "ttt/eval/reference_check.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <filesystem>

#include "ttt/io/safetensors_torch.h"
#include "ttt/models/weights.h"
#include "ttt/ops/tensor_format.h"
#include "ttt/util/error.h"

namespace ttt::eval {
namespace {

double max_abs_diff(const torch::Tensor& ours, const torch::Tensor& reference, const std::string& what) {
  TTT_CHECK(ours.sizes() == reference.sizes(), "[reference] ", what, ": our shape ", shape_str(ours),
            " differs from the fixture's ", shape_str(reference));
  return (ours.to(torch::kDouble) - reference.to(torch::kDouble)).abs().max().item<double>();
}

long long metadata_int(const io::TensorMap& m, const std::string& key) {
  auto it = m.metadata.find(key);
  TTT_CHECK(it != m.metadata.end(), "[reference] ", m.source, ": metadata has no '", key, "'");
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    fail("[reference] ", m.source, ": metadata '", key, "' = '", it->second, "' is not an integer");
  }
}

}  // namespace

double ReferenceAgreement::worst() const {
  // NaN must not vanish in std::max (max(x, NaN) == x): it counts as an infinite difference.
  auto finite_or_inf = [](double v) { return std::isnan(v) ? std::numeric_limits<double>::infinity() : v; };
  double w = std::max({finite_or_inf(logits_max_diff), finite_or_inf(prefill_max_diff),
                       finite_or_inf(decode_max_diff)});
  for (double h : hidden_max_diff) w = std::max(w, finite_or_inf(h));
  return w;
}

std::vector<std::string> list_reference_fixtures(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  TTT_CHECK(fs::is_directory(dir, ec), "[reference] '", dir, "' is not a folder");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto p = entry.path();
    if (p.extension() == ".safetensors" && fs::exists(p.parent_path() / (p.stem().string() + ".config.json")))
      names.push_back(p.stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ReferenceAgreement check_reference_fixture(const std::string& dir, const std::string& name) {
  torch::NoGradGuard no_grad;
  const std::string base = dir + "/" + name;
  const auto tensors = io::load_tensors(base + ".safetensors");
  auto model = models::CausalLM(models::load_config(base + ".config.json"));
  models::load_weights(model, tensors, base + ".safetensors");
  model->eval();

  ReferenceAgreement r;
  r.name = name;
  const auto ids = tensors.get("fixture.input_ids").to(torch::kLong);
  TTT_CHECK(ids.dim() == 2, "[reference] ", tensors.source, ": fixture.input_ids must be [B, L], got ",
            shape_str(ids));
  r.batch = ids.size(0);
  r.length = ids.size(1);

  auto out = model->forward(ids, nullptr, /*keep_hidden_states=*/true);
  const auto& reference_logits = tensors.get("fixture.logits");
  r.logits_max_diff = max_abs_diff(out.logits, reference_logits, "logits");
  r.reference_logits_abs_max = reference_logits.abs().max().item<double>();
  const auto hidden = tensors.get("fixture.hidden_states");
  TTT_CHECK(hidden.dim() >= 1 && hidden.size(0) == static_cast<long long>(out.hidden_states.size()),
            "[reference] ", tensors.source, ": fixture.hidden_states ", shape_str(hidden), " should hold ",
            out.hidden_states.size(), " states (each block, then the final norm)");
  for (std::size_t i = 0; i < out.hidden_states.size(); ++i)
    r.hidden_max_diff.push_back(max_abs_diff(out.hidden_states[i], hidden[i], str("hidden state ", i)));

  r.prefill = metadata_int(tensors, "prefill_tokens");
  r.decode = metadata_int(tensors, "decode_tokens");
  TTT_CHECK(r.prefill >= 1 && r.decode >= 0 && r.prefill + r.decode <= r.length, "[reference] ", tensors.source,
            ": prefill_tokens + decode_tokens = ", r.prefill + r.decode, " exceeds the ", r.length, " input tokens");
  auto cache = model->new_cache();
  auto prefill_logits = model->forward(ids.narrow(1, 0, r.prefill), &cache).logits;
  r.prefill_max_diff = max_abs_diff(prefill_logits, tensors.get("fixture.prefill_logits"), "prefill logits");
  std::vector<torch::Tensor> steps;
  for (long long t = 0; t < r.decode; ++t)
    steps.push_back(model->forward(ids.narrow(1, r.prefill + t, 1), &cache).logits);
  if (r.decode > 0)
    r.decode_max_diff = max_abs_diff(torch::cat(steps, 1), tensors.get("fixture.decode_logits"), "decode logits");
  return r;
}

}  // namespace ttt::eval
