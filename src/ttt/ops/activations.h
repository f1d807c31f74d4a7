#pragma once
// The MLP activations HF configs name in `hidden_act` (the reference looks them up in ACT2FN).
#include <string>
#include <vector>

#include <torch/torch.h>

namespace ttt::ops {

const std::vector<std::string>& activation_names();
// Throws ttt::Error for a name not in activation_names().
torch::Tensor activation(const std::string& name, const torch::Tensor& x);

}  // namespace ttt::ops
