#include "ttt/io/safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "ttt/util/json_parse.h"

namespace ttt::io {
namespace {

using json = nlohmann::json;

constexpr std::uint64_t kPrefixBytes = 8;  // little-endian u64 header length
constexpr const char* kMetadataKey = "__metadata__";
// The format's own limit (the reference implementation refuses larger headers): bounds the JSON parse.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr std::uint64_t kMaxInt64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

const DTypeInfo& dtype_info(DType dtype) {
  for (const DTypeInfo& info : kDTypes)
    if (info.dtype == dtype) return info;
  fail("[safetensors] invalid DType value ", static_cast<int>(dtype));
}

template <typename... Parts>
[[noreturn]] void fail_file(const std::string& source, const Parts&... parts) {
  fail("[safetensors] ", source, ": ", parts...);
}

template <typename... Parts>
[[noreturn]] void fail_tensor(const std::string& source, const std::string& name, const Parts&... parts) {
  fail("[safetensors] ", source, ": tensor '", name, "': ", parts...);
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// What a JSON value is, for messages ("got a string").
std::string json_kind(const json& j) {
  if (j.is_number_unsigned() || j.is_number_integer()) return "an integer (" + j.dump() + ")";
  if (j.is_number_float()) return "a non-integer number (" + j.dump() + ")";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return j.type_name();
}

// Element count of a shape, or an error naming the tensor. Products of the non-zero dimensions must fit
// in int64 even when a zero dimension makes numel 0: such a shape cannot come from a real tensor.
std::uint64_t checked_numel(const std::vector<std::int64_t>& shape, const std::string& source,
                            const std::string& name) {
  std::uint64_t product = 1;
  bool has_zero = false;
  for (std::int64_t dim : shape) {
    if (dim < 0) fail_tensor(source, name, "shape ", shape_text(shape), " has a negative dimension");
    if (dim == 0) {
      has_zero = true;
      continue;
    }
    const auto d = static_cast<std::uint64_t>(dim);
    if (product > kMaxInt64 / d) fail_tensor(source, name, "shape ", shape_text(shape), " has too many elements");
    product *= d;
  }
  return has_zero ? 0 : product;
}

// numel × itemsize, which must fit in int64 (so libtorch and file offsets can hold it).
std::uint64_t checked_byte_size(std::uint64_t numel, DType dtype, const std::string& source,
                                const std::string& name) {
  const std::uint64_t itemsize = dtype_info(dtype).size;
  if (numel > kMaxInt64 / itemsize)
    fail_tensor(source, name, numel, " elements of ", dtype_name(dtype), " exceed the largest possible size");
  return numel * itemsize;
}

// A torch bool must hold 0 or 1; any other byte would be undefined behaviour once it is a tensor.
void check_bool_bytes(const TensorRecord& record, const std::string& source) {
  if (record.dtype != DType::BOOL) return;
  for (std::size_t i = 0; i < record.bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(record.bytes[i]);
    if (byte > 1) fail_tensor(source, record.name, "BOOL element ", i, " is ", int(byte), ", expected 0 or 1");
  }
}

std::uint64_t read_u64_le(const char* p) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return value;
}

void append_u64_le(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Checks the 8-byte prefix against the file size and returns the header length N (8 + N <= file size).
std::uint64_t checked_header_length(const char* prefix, std::uint64_t file_size, const std::string& source) {
  const std::uint64_t length = read_u64_le(prefix);
  // Compared against the bytes after the prefix, so an absurd length (2^64 − 1) cannot overflow 8 + N.
  if (length > file_size - kPrefixBytes)
    fail_file(source, "header length ", length, " exceeds the ", file_size - kPrefixBytes,
              " bytes after the 8-byte length prefix (truncated or not a safetensors file)");
  if (length > kMaxHeaderBytes)
    fail_file(source, "header length ", length, " exceeds the format's limit of ", kMaxHeaderBytes, " bytes");
  return length;
}

void check_file_size(std::uint64_t file_size, const std::string& source) {
  if (file_size < kPrefixBytes)
    fail_file(source, "file is ", file_size, " bytes, too short for the 8-byte header length (not a safetensors file)");
}

// A tensor's place in the data area, validated.
struct Entry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

struct Header {
  std::map<std::string, std::string> metadata;
  std::vector<Entry> entries;  // sorted by data offset
};

// Depth-limited, duplicate keys rejected (a checkpoint with two different 'x' is ambiguous).
json parse_header_json(std::string_view text, const std::string& source) {
  return parse_json_checked(text, "safetensors", source + ": header");
}

std::map<std::string, std::string> parse_metadata(const json& j, const std::string& source) {
  if (!j.is_object()) fail_file(source, kMetadataKey, " must be an object of strings, got ", json_kind(j));
  std::map<std::string, std::string> metadata;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string())
      fail_file(source, kMetadataKey, " value of '", key, "' must be a string, got ", json_kind(value));
    metadata[key] = value.get<std::string>();
  }
  return metadata;
}

const json& required_field(const json& entry, const char* field, const std::string& source,
                           const std::string& name) {
  const auto it = entry.find(field);
  if (it == entry.end()) fail_tensor(source, name, "entry has no \"", field, "\"");
  return *it;
}

// A JSON integer in [0, INT64_MAX]; nlohmann stores non-negative literals as unsigned, negative ones as
// signed, and anything with a fraction, exponent or beyond 64 bits as a float.
std::uint64_t non_negative_integer(const json& j, const std::string& what, const std::string& source,
                                   const std::string& name) {
  if (j.is_number_unsigned()) {
    const auto value = j.get<std::uint64_t>();
    if (value > kMaxInt64) fail_tensor(source, name, what, " is ", value, ", too large");
    return value;
  }
  if (j.is_number_integer()) fail_tensor(source, name, what, " is negative (", j.dump(), ")");
  fail_tensor(source, name, what, " must be a non-negative integer, got ", json_kind(j));
}

Entry parse_entry(const std::string& name, const json& j, std::uint64_t data_size, const std::string& source) {
  if (!j.is_object())
    fail_tensor(source, name, "entry must be an object with dtype, shape and data_offsets, got ", json_kind(j));
  for (const auto& [field, value] : j.items())
    if (field != "dtype" && field != "shape" && field != "data_offsets")
      fail_tensor(source, name, "unexpected field \"", field, "\" (expected dtype, shape, data_offsets)");
  Entry entry;
  entry.name = name;

  const json& dtype = required_field(j, "dtype", source, name);
  if (!dtype.is_string()) fail_tensor(source, name, "dtype must be a string, got ", json_kind(dtype));
  entry.dtype = parse_dtype(dtype.get_ref<const std::string&>(), str(source, ": tensor '", name, "'"));

  const json& shape = required_field(j, "shape", source, name);
  if (!shape.is_array()) fail_tensor(source, name, "shape must be an array of integers, got ", json_kind(shape));
  for (std::size_t i = 0; i < shape.size(); ++i)
    entry.shape.push_back(static_cast<std::int64_t>(non_negative_integer(shape[i], str("shape[", i, "]"), source, name)));

  const json& offsets = required_field(j, "data_offsets", source, name);
  if (!offsets.is_array() || offsets.size() != 2)
    fail_tensor(source, name, "data_offsets must be an array [begin, end], got ",
                offsets.is_array() ? str("an array of ", offsets.size()) : json_kind(offsets));
  entry.begin = non_negative_integer(offsets[0], "data_offsets begin", source, name);
  entry.end = non_negative_integer(offsets[1], "data_offsets end", source, name);
  if (entry.begin > entry.end)
    fail_tensor(source, name, "data_offsets begin ", entry.begin, " is after end ", entry.end);
  if (entry.end > data_size)
    fail_tensor(source, name, "data_offsets end ", entry.end, " is beyond the data area of ", data_size,
                " bytes (file truncated?)");

  const std::uint64_t numel = checked_numel(entry.shape, source, name);
  const std::uint64_t expected = checked_byte_size(numel, entry.dtype, source, name);
  if (expected != entry.end - entry.begin)
    fail_tensor(source, name, "shape ", shape_text(entry.shape), " of ", dtype_name(entry.dtype), " needs ",
                expected, " bytes, data_offsets [", entry.begin, ", ", entry.end, "] hold ",
                entry.end - entry.begin);
  return entry;
}

// Sorts by offset and rejects shared bytes. Empty tensors own no bytes, so they overlap nothing.
void sort_and_check_overlaps(std::vector<Entry>& entries, const std::string& source) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  const Entry* furthest = nullptr;  // the non-empty entry so far that reaches furthest
  for (const Entry& entry : entries) {
    if (entry.begin == entry.end) continue;
    if (furthest && entry.begin < furthest->end)
      fail_tensor(source, entry.name, "bytes [", entry.begin, ", ", entry.end, ") overlap tensor '",
                  furthest->name, "' bytes [", furthest->begin, ", ", furthest->end, ")");
    if (!furthest || entry.end > furthest->end) furthest = &entry;
  }
}

Header parse_header(std::string_view text, std::uint64_t data_size, const std::string& source) {
  const json root = parse_header_json(text, source);
  if (!root.is_object()) fail_file(source, "header must be a JSON object, got ", json_kind(root));
  Header header;
  for (const auto& [key, value] : root.items()) {
    if (key == kMetadataKey)
      header.metadata = parse_metadata(value, source);
    else
      header.entries.push_back(parse_entry(key, value, data_size, source));
  }
  sort_and_check_overlaps(header.entries, source);
  return header;
}

TensorRecord record_for(const Entry& entry) {
  TensorRecord record;
  record.name = entry.name;
  record.dtype = entry.dtype;
  record.shape = entry.shape;
  return record;
}

}  // namespace

std::size_t dtype_size(DType dtype) { return dtype_info(dtype).size; }

std::string dtype_name(DType dtype) { return dtype_info(dtype).name; }

DType parse_dtype(std::string_view name, const std::string& context) {
  for (const DTypeInfo& info : kDTypes)
    if (name == info.name) return info.dtype;
  std::string known;
  for (const DTypeInfo& info : kDTypes) known += (known.empty() ? "" : ", ") + std::string(info.name);
  fail("[safetensors] ", context, ": unknown dtype '", name, "' (known: ", known, ")");
}

std::int64_t TensorRecord::numel() const {
  return static_cast<std::int64_t>(checked_numel(shape, "record", name));
}

const TensorRecord* SafetensorsFile::find(const std::string& name) const {
  for (const TensorRecord& record : tensors)
    if (record.name == name) return &record;
  return nullptr;
}

SafetensorsFile parse_safetensors(std::string_view file_bytes, const std::string& source) {
  check_file_size(file_bytes.size(), source);
  const std::uint64_t header_length = checked_header_length(file_bytes.data(), file_bytes.size(), source);
  const std::string_view data = file_bytes.substr(kPrefixBytes + header_length);
  Header header = parse_header(file_bytes.substr(kPrefixBytes, header_length), data.size(), source);

  SafetensorsFile file;
  file.metadata = std::move(header.metadata);
  file.tensors.reserve(header.entries.size());
  for (const Entry& entry : header.entries) {
    TensorRecord record = record_for(entry);
    record.bytes.assign(data.substr(entry.begin, entry.end - entry.begin));
    check_bool_bytes(record, source);
    file.tensors.push_back(std::move(record));
  }
  return file;
}

// Reads the header first and then each tensor straight into its record, so the data is copied once and
// peak memory is the data size, not twice it. Devices, sockets and folders are refused (InputFile); a pipe is
// read whole under the header limit plus the data it declares.
SafetensorsFile read_safetensors(const std::string& path) {
  const InputFile in(path, "safetensors");
  if (!in.is_regular()) return parse_safetensors(in.read_all(kDefaultReadLimit), path);
  const std::uint64_t file_size = in.size();
  check_file_size(file_size, path);

  std::string prefix(kPrefixBytes, '\0');
  in.read_at(0, prefix, "header length");
  const std::uint64_t header_length = checked_header_length(prefix.data(), file_size, path);
  std::string header_text(header_length, '\0');  // bounded by the real file size and kMaxHeaderBytes
  in.read_at(kPrefixBytes, header_text, "header");
  const std::uint64_t data_start = kPrefixBytes + header_length;
  Header header = parse_header(header_text, file_size - data_start, path);

  SafetensorsFile file;
  file.metadata = std::move(header.metadata);
  file.tensors.reserve(header.entries.size());
  for (const Entry& entry : header.entries) {
    TensorRecord record = record_for(entry);
    record.bytes.resize(entry.end - entry.begin);
    in.read_at(data_start + entry.begin, record.bytes, str("tensor '", entry.name, "'"));
    check_bool_bytes(record, path);
    file.tensors.push_back(std::move(record));
  }
  return file;
}

std::string serialize_safetensors(const SafetensorsFile& file, const std::string& target) {
  json header = json::object();
  if (!file.metadata.empty()) header[kMetadataKey] = file.metadata;
  std::set<std::string> names;
  std::uint64_t offset = 0;
  for (const TensorRecord& record : file.tensors) {
    if (record.name.empty()) fail_file(target, "a tensor has an empty name");
    if (record.name == kMetadataKey) fail_tensor(target, record.name, "name is reserved for metadata");
    if (!names.insert(record.name).second) fail_tensor(target, record.name, "name appears twice");
    const std::uint64_t numel = checked_numel(record.shape, target, record.name);
    const std::uint64_t bytes = checked_byte_size(numel, record.dtype, target, record.name);
    if (bytes != record.bytes.size())
      fail_tensor(target, record.name, "shape ", shape_text(record.shape), " of ", dtype_name(record.dtype),
                  " needs ", bytes, " bytes, the record holds ", record.bytes.size());
    check_bool_bytes(record, target);
    header[record.name] = {{"dtype", dtype_name(record.dtype)},
                           {"shape", record.shape},
                           {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const json::exception& e) {
    fail_file(target, "a tensor name or metadata string is not valid UTF-8: ", e.what());
  }
  // The format recommends padding the header with spaces so the data area starts 8-byte aligned.
  header_text.append((kPrefixBytes - header_text.size() % kPrefixBytes) % kPrefixBytes, ' ');

  std::string out;
  out.reserve(kPrefixBytes + header_text.size() + offset);
  append_u64_le(out, header_text.size());
  out += header_text;
  for (const TensorRecord& record : file.tensors) out += record.bytes;
  return out;
}

void write_safetensors(const std::string& path, const SafetensorsFile& file) {
  write_file_atomic(path, serialize_safetensors(file, path));
}

}  // namespace ttt::io
