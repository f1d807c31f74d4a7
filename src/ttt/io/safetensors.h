#pragma once
// safetensors files without libtorch: an 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data area.
// Reading validates everything before any tensor is used (see read_safetensors); writing is atomic.
// The libtorch bridge lives in safetensors_torch.h.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ttt::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

std::size_t dtype_size(DType dtype);
std::string dtype_name(DType dtype);  // "F32", ...
DType parse_dtype(std::string_view name, const std::string& context);  // throws naming context

struct TensorRecord {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::string bytes;  // raw little-endian data, exactly numel * dtype_size bytes
  std::int64_t numel() const;
};

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;
  std::vector<TensorRecord> tensors;  // in file order of their data offsets
  const TensorRecord* find(const std::string& name) const;  // nullptr when absent
};

// Parses and fully validates: file at least 8 bytes, header length inside the file, header is a JSON
// object, each entry has a known dtype, integer non-negative shape, 2 offsets with begin <= end inside the
// data area, shape product × itemsize == end − begin, no two ranges overlap, no duplicate JSON keys,
// BOOL bytes are 0 or 1. Unknown entry fields are rejected; gaps between tensors are allowed. Errors are
// ttt::Error "[safetensors] <source>: <problem>" naming the tensor where there is one.
// read_safetensors reads the header, then each tensor straight into its record (no whole-file copy).
SafetensorsFile parse_safetensors(std::string_view file_bytes, const std::string& source);
SafetensorsFile read_safetensors(const std::string& path);

// Header JSON padded with spaces to a multiple of 8 bytes, then the data packed in the order of
// file.tensors. Checks each record (unique non-empty name, bytes == numel × itemsize, BOOL bytes 0/1)
// first; `target` names the output in error messages.
std::string serialize_safetensors(const SafetensorsFile& file, const std::string& target = "<memory>");
void write_safetensors(const std::string& path, const SafetensorsFile& file);  // atomic

}  // namespace ttt::io
