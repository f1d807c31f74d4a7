#pragma once
// The libtorch side of safetensors: records <-> CPU tensors, and whole files as named tensor lists.
// Validation of the file itself happens in safetensors.h; this layer only maps dtypes and copies bytes.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "ttt/io/safetensors.h"

namespace ttt::io {

torch::ScalarType to_scalar_type(DType dtype);
// Throws naming `tensor_name` for dtypes safetensors (here) cannot hold: complex, quantized, float8, ...
DType from_scalar_type(torch::ScalarType type, const std::string& tensor_name);

// A new CPU tensor owning a copy of the record's bytes (F16 and BF16 included).
torch::Tensor to_tensor(const TensorRecord& record);
// Any device, any strides: the tensor is detached, moved to the CPU and made contiguous before copying.
TensorRecord from_tensor(const std::string& name, const torch::Tensor& tensor);

struct TensorMap {
  std::string source;  // the file the tensors came from, for messages
  std::map<std::string, std::string> metadata;
  std::vector<std::pair<std::string, torch::Tensor>> tensors;  // in the file's data order

  bool contains(const std::string& name) const;
  // Throws ttt::Error naming the file and the missing tensor.
  const torch::Tensor& get(const std::string& name) const;
};

TensorMap load_tensors(const std::string& path);
// Atomic; names must be unique. Tensors on any device are copied to the CPU first.
void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata = {});

}  // namespace ttt::io
