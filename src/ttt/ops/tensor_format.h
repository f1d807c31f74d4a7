#pragma once
// Shape strings for error messages: "[2, 37, 64]".
#include <string>

#include <torch/torch.h>

namespace ttt {

std::string shape_str(const torch::Tensor& t);

}  // namespace ttt
