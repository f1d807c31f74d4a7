#include "ttt/io/safetensors_torch.h"

#include <cstring>

#include "ttt/util/error.h"

// safetensors data is little-endian and the bytes are copied as they are.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ttt::io safetensors bridge assumes a little-endian host"
#endif

namespace ttt::io {
namespace {

struct DTypePair {
  DType dtype;
  torch::ScalarType scalar_type;
};

constexpr DTypePair kPairs[] = {
    {DType::F64, torch::kFloat64}, {DType::F32, torch::kFloat32}, {DType::F16, torch::kFloat16},
    {DType::BF16, torch::kBFloat16}, {DType::I64, torch::kInt64}, {DType::I32, torch::kInt32},
    {DType::I16, torch::kInt16},   {DType::I8, torch::kInt8},     {DType::U8, torch::kUInt8},
    {DType::BOOL, torch::kBool},
};

}  // namespace

torch::ScalarType to_scalar_type(DType dtype) {
  for (const DTypePair& pair : kPairs)
    if (pair.dtype == dtype) return pair.scalar_type;
  fail("[safetensors] invalid DType value ", static_cast<int>(dtype));
}

DType from_scalar_type(torch::ScalarType type, const std::string& tensor_name) {
  for (const DTypePair& pair : kPairs)
    if (pair.scalar_type == type) return pair.dtype;
  fail("[safetensors] tensor '", tensor_name, "': dtype ", c10::toString(type),
       " cannot be stored (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
}

torch::Tensor to_tensor(const TensorRecord& record) {
  const std::int64_t numel = record.numel();  // throws on negative or overflowing shapes
  const std::size_t expected = static_cast<std::size_t>(numel) * dtype_size(record.dtype);
  TTT_CHECK(record.bytes.size() == expected, "[safetensors] tensor '", record.name, "': ", numel, " elements of ",
            dtype_name(record.dtype), " need ", expected, " bytes, the record holds ", record.bytes.size());
  if (record.dtype == DType::BOOL)  // a torch bool holding 2 is undefined behaviour
    for (std::size_t i = 0; i < record.bytes.size(); ++i)
      TTT_CHECK(static_cast<unsigned char>(record.bytes[i]) <= 1, "[safetensors] tensor '", record.name,
                "': BOOL element ", i, " is ", static_cast<int>(static_cast<unsigned char>(record.bytes[i])),
                ", expected 0 or 1");
  torch::Tensor tensor = torch::empty(record.shape, torch::TensorOptions().dtype(to_scalar_type(record.dtype)));
  if (expected > 0) std::memcpy(tensor.data_ptr(), record.bytes.data(), expected);
  return tensor;
}

TensorRecord from_tensor(const std::string& name, const torch::Tensor& tensor) {
  TTT_CHECK(tensor.defined(), "[safetensors] tensor '", name, "' is undefined (no data)");
  TTT_CHECK(tensor.layout() == torch::kStrided, "[safetensors] tensor '", name, "' has layout ", tensor.layout(),
            "; convert it to a dense tensor first");
  TTT_CHECK(!tensor.is_meta(), "[safetensors] tensor '", name, "' is on the meta device (no data)");
  TensorRecord record;
  record.name = name;
  record.dtype = from_scalar_type(tensor.scalar_type(), name);
  record.shape = tensor.sizes().vec();
  // detach: the record is data only; contiguous: a transposed or expanded view is written in logical order.
  const torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
  const std::size_t bytes = static_cast<std::size_t>(cpu.numel()) * cpu.element_size();
  if (bytes > 0) record.bytes.assign(static_cast<const char*>(cpu.data_ptr()), bytes);
  return record;
}

bool TensorMap::contains(const std::string& name) const {
  for (const auto& item : tensors)
    if (item.first == name) return true;
  return false;
}

const torch::Tensor& TensorMap::get(const std::string& name) const {
  for (const auto& item : tensors)
    if (item.first == name) return item.second;
  std::string some;
  for (std::size_t i = 0; i < tensors.size() && i < 5; ++i) some += (i ? ", " : "") + tensors[i].first;
  if (tensors.size() > 5) some += ", ...";
  fail("[safetensors] ", source, ": no tensor '", name, "' (the file has ", tensors.size(), " tensors",
       tensors.empty() ? "" : ": ", some, ")");
}

TensorMap load_tensors(const std::string& path) {
  SafetensorsFile file = read_safetensors(path);
  TensorMap map;
  map.source = path;
  map.metadata = std::move(file.metadata);
  map.tensors.reserve(file.tensors.size());
  for (TensorRecord& record : file.tensors) {
    map.tensors.emplace_back(record.name, to_tensor(record));
    std::string().swap(record.bytes);  // free each record once copied: peak memory ≈ one model, not two
  }
  return map;
}

void save_tensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                  const std::map<std::string, std::string>& metadata) {
  SafetensorsFile file;
  file.metadata = metadata;
  file.tensors.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) file.tensors.push_back(from_tensor(name, tensor));
  write_safetensors(path, file);  // checks names are unique and non-empty
}

}  // namespace ttt::io
