#include "ttt/ops/activations.h"

#include "ttt/ops/norms.h"
#include "ttt/util/error.h"

namespace ttt::ops {

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"silu", "swish", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu"};
  return names;
}

torch::Tensor activation(const std::string& name, const torch::Tensor& x) {
  if (name == "silu" || name == "swish") return torch::silu(x);  // HF's ACT2FN: swish is silu
  if (name == "gelu") return torch::gelu(x);  // exact (erf) gelu, as HF's "gelu"
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return gelu_tanh(x);
  if (name == "relu") return torch::relu(x);
  fail("[activation] unknown activation '", name, "'");
}

}  // namespace ttt::ops
