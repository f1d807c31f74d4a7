#include "ttt/io/safetensors.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "ttt/util/atomic_file.h"
#include "ttt/util/error.h"
#include "support/expect_error.h"

namespace fs = std::filesystem;
using ttt::io::DType;
using ttt::io::SafetensorsFile;
using ttt::io::TensorRecord;

using ttt::test_support::expect_error;
using ttt::test_support::fresh_temp_dir;

namespace {

std::string u64_le(std::uint64_t value) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return out;
}

// A raw file: length prefix, header text exactly as given, data.
std::string raw_file(const std::string& header, const std::string& data = "") {
  return u64_le(header.size()) + header + data;
}

// Deterministic bytes that differ per position, so a shifted or swapped range is noticed.
std::string pattern_bytes(std::size_t count, int seed) {
  std::string bytes(count, '\0');
  for (std::size_t i = 0; i < count; ++i) bytes[i] = static_cast<char>((i * 37 + seed * 11 + 5) & 0xFF);
  return bytes;
}

TensorRecord record(const std::string& name, DType dtype, std::vector<std::int64_t> shape, int seed = 0) {
  TensorRecord r;
  r.name = name;
  r.dtype = dtype;
  r.shape = std::move(shape);
  r.bytes = pattern_bytes(static_cast<std::size_t>(r.numel()) * ttt::io::dtype_size(dtype), seed);
  if (dtype == DType::BOOL)
    for (char& b : r.bytes) b = static_cast<char>(b & 1);
  return r;
}

void expect_same_records(const std::vector<TensorRecord>& actual, const std::vector<TensorRecord>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(actual[i].name, expected[i].name);
    EXPECT_EQ(actual[i].dtype, expected[i].dtype);
    EXPECT_EQ(actual[i].shape, expected[i].shape);
    EXPECT_EQ(actual[i].bytes, expected[i].bytes);
  }
}

}  // namespace

TEST(SafetensorsDType, NamesSizesAndParsing) {
  const std::vector<std::pair<DType, std::size_t>> sizes = {
      {DType::F64, 8}, {DType::F32, 4}, {DType::F16, 2}, {DType::BF16, 2}, {DType::I64, 8},
      {DType::I32, 4}, {DType::I16, 2}, {DType::I8, 1},  {DType::U8, 1},   {DType::BOOL, 1}};
  for (const auto& [dtype, size] : sizes) {
    EXPECT_EQ(ttt::io::dtype_size(dtype), size);
    EXPECT_EQ(ttt::io::parse_dtype(ttt::io::dtype_name(dtype), "ctx"), dtype);
  }
  EXPECT_EQ(ttt::io::dtype_name(DType::BF16), "BF16");
  expect_error([] { ttt::io::parse_dtype("f32", "my.file: tensor 'w'"); },
               {"[safetensors] my.file: tensor 'w'", "unknown dtype 'f32'", "F32"});
}

TEST(SafetensorsRoundTrip, EveryDTypeWithMetadata) {
  SafetensorsFile file;
  file.metadata = {{"format", "pt"}, {"note", "ünïcode ok"}, {"empty", ""}};
  int seed = 0;
  for (DType dtype : {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16,
                      DType::I8, DType::U8, DType::BOOL})
    file.tensors.push_back(record("t." + ttt::io::dtype_name(dtype), dtype, {3, 1 + seed % 3, 2}, ++seed));

  const std::string bytes = ttt::io::serialize_safetensors(file);
  // Header padded with spaces so the data area starts 8-byte aligned.
  std::uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(header_length % 8, 0u);
  std::size_t data_size = 0;
  for (const auto& t : file.tensors) data_size += t.bytes.size();
  EXPECT_EQ(bytes.size(), 8 + header_length + data_size);
  // Data packed in the records' order: the first tensor's bytes start the data area.
  EXPECT_EQ(bytes.substr(8 + header_length, file.tensors[0].bytes.size()), file.tensors[0].bytes);

  const SafetensorsFile parsed = ttt::io::parse_safetensors(bytes, "mem");
  EXPECT_EQ(parsed.metadata, file.metadata);
  expect_same_records(parsed.tensors, file.tensors);  // returned in data order == written order

  const fs::path dir = fresh_temp_dir("ttt_safetensors_roundtrip");
  const std::string path = (dir / "all.safetensors").string();
  ttt::io::write_safetensors(path, file);
  EXPECT_EQ(ttt::read_file(path), bytes);
  const SafetensorsFile read = ttt::io::read_safetensors(path);
  EXPECT_EQ(read.metadata, file.metadata);
  expect_same_records(read.tensors, file.tensors);
  ASSERT_NE(read.find("t.BF16"), nullptr);
  EXPECT_EQ(read.find("t.BF16")->dtype, DType::BF16);
  EXPECT_EQ(read.find("absent"), nullptr);
  fs::remove_all(dir);
}

TEST(SafetensorsRoundTrip, ScalarZeroSizeAndNoTensors) {
  SafetensorsFile file;
  file.tensors.push_back(record("scalar", DType::F32, {}, 1));
  file.tensors.push_back(record("empty_a", DType::I64, {0, 3}));
  file.tensors.push_back(record("empty_b", DType::F16, {4, 0}));
  file.tensors.push_back(record("after", DType::U8, {5}, 2));
  EXPECT_EQ(file.tensors[0].numel(), 1);
  EXPECT_EQ(file.tensors[0].bytes.size(), 4u);
  EXPECT_EQ(file.tensors[1].numel(), 0);
  const SafetensorsFile parsed = ttt::io::parse_safetensors(ttt::io::serialize_safetensors(file), "mem");
  EXPECT_TRUE(parsed.metadata.empty());
  expect_same_records(parsed.tensors, file.tensors);

  const SafetensorsFile nothing = ttt::io::parse_safetensors(ttt::io::serialize_safetensors({}), "mem");
  EXPECT_TRUE(nothing.tensors.empty());
  EXPECT_TRUE(nothing.metadata.empty());
}

TEST(SafetensorsParse, SortsByOffsetAllowsPaddingGapsAndEmptyRanges) {
  // JSON order a, b, c; data order b (0..4), c (empty at 4), gap 4..8, a (8..12). Header padded with spaces.
  const std::string header =
      R"({"a":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},)"
      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
      R"("c":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})" "   ";
  const SafetensorsFile file = ttt::io::parse_safetensors(raw_file(header, "BBBB____AAAA"), "mem");
  ASSERT_EQ(file.tensors.size(), 3u);
  EXPECT_EQ(file.tensors[0].name, "b");
  EXPECT_EQ(file.tensors[0].bytes, "BBBB");
  EXPECT_EQ(file.tensors[1].name, "c");
  EXPECT_EQ(file.tensors[1].bytes, "");
  EXPECT_EQ(file.tensors[2].name, "a");
  EXPECT_EQ(file.tensors[2].bytes, "AAAA");
}

TEST(SafetensorsFixture, ReferenceLinearTransformerParses) {
  const std::string path = std::string(TTT_TEST_DATA_DIR) + "/ttt-reference/linear-transformer.safetensors";
  const SafetensorsFile file = ttt::io::read_safetensors(path);
  ASSERT_EQ(file.metadata.count("prefill_tokens"), 1u);
  EXPECT_EQ(file.metadata.at("prefill_tokens"), "32");
  EXPECT_EQ(file.metadata.at("decode_tokens"), "5");

  const TensorRecord* ids = file.find("fixture.input_ids");
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(ids->dtype, DType::I64);
  EXPECT_EQ(ids->shape, (std::vector<std::int64_t>{2, 37}));
  EXPECT_EQ(ids->bytes.size(), 2u * 37u * 8u);
  const TensorRecord* embed = file.find("model.embed_tokens.weight");
  ASSERT_NE(embed, nullptr);
  EXPECT_EQ(embed->dtype, DType::F32);
  EXPECT_EQ(embed->shape, (std::vector<std::int64_t>{128, 64}));
  EXPECT_EQ(embed->bytes.size(), 128u * 64u * 4u);

  // Token ids are little-endian int64 below the vocabulary size (128).
  for (std::size_t i = 0; i < ids->bytes.size(); i += 8) {
    std::uint64_t id = 0;
    for (int b = 7; b >= 0; --b) id = (id << 8) | static_cast<unsigned char>(ids->bytes[i + b]);
    EXPECT_LT(id, 128u) << "token " << i / 8;
  }
  // The in-memory parser agrees with the streaming reader, and re-serializing loses nothing.
  const SafetensorsFile parsed = ttt::io::parse_safetensors(ttt::read_file(path), path);
  expect_same_records(parsed.tensors, file.tensors);
  const SafetensorsFile again = ttt::io::parse_safetensors(ttt::io::serialize_safetensors(file), "mem");
  EXPECT_EQ(again.metadata, file.metadata);
  expect_same_records(again.tensors, file.tensors);
}

// ---- malformed input ---------------------------------------------------------------------------------

namespace {

struct Malformed {
  std::string label;
  std::string bytes;
  std::vector<std::string> expected;  // substrings of the error message
};

std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

std::vector<Malformed> malformed_cases() {
  const std::string ok_w = entry("w", "F32", "[2,3]", "[0,24]");
  return {
      {"empty file", "", {"0 bytes, too short"}},
      {"5-byte file", "abcde", {"5 bytes, too short"}},
      {"header length larger than file", u64_le(100) + "{}", {"header length 100 exceeds the 2 bytes"}},
      {"absurd header length", u64_le(0xFFFFFFFFFFFFFFFFull) + "{}",
       {"header length 18446744073709551615 exceeds"}},
      {"header length 2^63", u64_le(1ull << 63) + "{}", {"header length 9223372036854775808 exceeds"}},
      {"empty header", raw_file(""), {"header: not valid JSON"}},
      {"non-JSON header", raw_file("{not json"), {"header: not valid JSON"}},
      {"trailing garbage after JSON", raw_file("{} x"), {"header: not valid JSON"}},
      {"invalid UTF-8 in header", raw_file("{\"\xff\":1}"), {"header: not valid JSON"}},
      {"JSON array header", raw_file("[1,2]"), {"header must be a JSON object, got an array"}},
      {"entry not an object", raw_file(R"({"w":[1]})"), {"tensor 'w'", "entry must be an object"}},
      {"unknown dtype", raw_file("{" + entry("w", "F8_E4M3", "[1]", "[0,1]") + "}", "x"),
       {"tensor 'w'", "unknown dtype 'F8_E4M3'"}},
      {"dtype not a string", raw_file(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", "xxxx"),
       {"tensor 'w'", "dtype must be a string, got an integer"}},
      {"shape not an array", raw_file("{" + entry("w", "F32", "6", "[0,24]") + "}", std::string(24, 'x')),
       {"tensor 'w'", "shape must be an array", "got an integer"}},
      {"negative dim", raw_file("{" + entry("w", "F32", "[2,-3]", "[0,24]") + "}", std::string(24, 'x')),
       {"tensor 'w'", "shape[1] is negative (-3)"}},
      {"float dim", raw_file("{" + entry("w", "F32", "[2.5]", "[0,10]") + "}", std::string(10, 'x')),
       {"tensor 'w'", "shape[0] must be a non-negative integer", "non-integer number (2.5)"}},
      {"string dim", raw_file("{" + entry("w", "F32", "[\"2\"]", "[0,8]") + "}", std::string(8, 'x')),
       {"tensor 'w'", "shape[0] must be a non-negative integer, got a string"}},
      {"dim beyond int64", raw_file("{" + entry("w", "U8", "[18446744073709551615]", "[0,1]") + "}", "x"),
       {"tensor 'w'", "shape[0] is 18446744073709551615, too large"}},
      {"shape product overflows",
       raw_file("{" + entry("w", "U8", "[4294967296,4294967296,4294967296]", "[0,1]") + "}", "x"),
       {"tensor 'w'", "too many elements"}},
      {"byte size overflows", raw_file("{" + entry("w", "I64", "[4611686018427387904]", "[0,8]") + "}", "12345678"),
       {"tensor 'w'", "exceed the largest possible size"}},
      {"shape x itemsize != byte range", raw_file("{" + entry("w", "F32", "[2,3]", "[0,20]") + "}", std::string(24, 'x')),
       {"tensor 'w'", "shape [2, 3] of F32 needs 24 bytes", "hold 20"}},
      {"end beyond data area", raw_file("{" + entry("w", "F32", "[1]", "[4,8]") + "}", "xxxx"),
       {"tensor 'w'", "data_offsets end 8 is beyond the data area of 4 bytes"}},
      {"absurd end offset", raw_file("{" + entry("w", "U8", "[1]", "[0,18446744073709551615]") + "}", "x"),
       {"tensor 'w'", "data_offsets end is 18446744073709551615, too large"}},
      {"begin after end", raw_file("{" + entry("w", "F32", "[1]", "[8,4]") + "}", std::string(8, 'x')),
       {"tensor 'w'", "data_offsets begin 8 is after end 4"}},
      {"negative offset", raw_file("{" + entry("w", "F32", "[1]", "[-4,0]") + "}", "xxxx"),
       {"tensor 'w'", "data_offsets begin is negative (-4)"}},
      {"data_offsets of 3", raw_file("{" + entry("w", "F32", "[1]", "[0,4,8]") + "}", std::string(8, 'x')),
       {"tensor 'w'", "data_offsets must be an array [begin, end], got an array of 3"}},
      {"overlapping ranges",
       raw_file("{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}",
                std::string(12, 'x')),
       {"tensor 'b'", "overlap tensor 'a'"}},
      {"range inside another",
       raw_file("{" + entry("a", "F32", "[4]", "[0,16]") + "," + entry("b", "U8", "[1]", "[15,16]") + "," +
                    entry("c", "U8", "[1]", "[8,9]") + "}",
                std::string(16, 'x')),
       {"tensor 'c'", "overlap tensor 'a'"}},
      {"metadata value not a string",
       raw_file(R"({"__metadata__":{"k":1},)" + ok_w + "}", std::string(24, 'x')),
       {"__metadata__ value of 'k' must be a string, got an integer"}},
      {"metadata not an object", raw_file(R"({"__metadata__":["k"]})"),
       {"__metadata__ must be an object of strings, got an array"}},
      {"entry missing data_offsets", raw_file(R"({"w":{"dtype":"F32","shape":[1]}})", "xxxx"),
       {"tensor 'w'", "no \"data_offsets\""}},
      {"entry missing dtype", raw_file(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", "xxxx"),
       {"tensor 'w'", "no \"dtype\""}},
      {"entry missing shape", raw_file(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", "xxxx"),
       {"tensor 'w'", "no \"shape\""}},
      {"unexpected field", raw_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":0}})", "xxxx"),
       {"tensor 'w'", "unexpected field \"x\""}},
      {"duplicate tensor key", raw_file("{" + entry("w", "U8", "[1]", "[0,1]") + "," + entry("w", "U8", "[1]", "[1,2]") + "}", "xx"),
       {"header: the key \"w\" appears twice"}},
      {"duplicate nested key", raw_file(R"({"w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x"),
       {"header: the key \"dtype\" appears twice"}},
      {"BOOL byte not 0 or 1", raw_file("{" + entry("m", "BOOL", "[3]", "[0,3]") + "}", std::string("\x01\x00\x02", 3)),
       {"tensor 'm'", "BOOL element 2 is 2"}},
      {"truncated file", raw_file("{" + ok_w + "}", std::string(10, 'x')),
       {"tensor 'w'", "data_offsets end 24 is beyond the data area of 10 bytes", "truncated"}},
  };
}

}  // namespace

TEST(SafetensorsMalformed, RejectedInMemoryWithTheProblemNamed) {
  const auto cases = malformed_cases();
  ASSERT_GE(cases.size(), 12u);
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.label);
    std::vector<std::string> parts = c.expected;
    parts.push_back("[safetensors] bad.safetensors: ");
    expect_error([&] { ttt::io::parse_safetensors(c.bytes, "bad.safetensors"); }, parts);
  }
}

TEST(SafetensorsMalformed, RejectedFromDiskNamingThePath) {
  const fs::path dir = fresh_temp_dir("ttt_safetensors_malformed");
  const auto cases = malformed_cases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].label);
    const std::string path = (dir / ("case" + std::to_string(i) + ".safetensors")).string();
    ttt::write_file_atomic(path, cases[i].bytes);
    std::vector<std::string> parts = cases[i].expected;
    parts.push_back("[safetensors] " + path + ": ");
    expect_error([&] { ttt::io::read_safetensors(path); }, parts);
  }
  fs::remove_all(dir);
}

TEST(SafetensorsMalformed, MissingFileAndDirectoryNameThePath) {
  expect_error([] { ttt::io::read_safetensors("/no/such/dir/model.safetensors"); },
               {"[safetensors]", "/no/such/dir/model.safetensors"});
  const fs::path dir = fresh_temp_dir("ttt_safetensors_dir");
  expect_error([&] { ttt::io::read_safetensors(dir.string()); }, {dir.string(), "is a directory"});
  fs::remove_all(dir);
}

// The committed files under tests/data/malformed-checkpoints (made by make_malformed.py, for CLI tests).
TEST(SafetensorsMalformed, CommittedMalformedCheckpointsAreRejected) {
  const std::string dir = std::string(TTT_TEST_DATA_DIR) + "/malformed-checkpoints/";
  const std::vector<std::pair<std::string, std::string>> files = {
      {"empty.safetensors", "0 bytes, too short"},
      {"short.safetensors", "5 bytes, too short"},
      {"absurd-header-length.safetensors", "header length 18446744073709551615 exceeds"},
      {"not-json.safetensors", "header: not valid JSON"},
      {"unknown-dtype.safetensors", "unknown dtype 'Q4'"},
      {"size-mismatch.safetensors", "needs 24 bytes"},
      {"overlap.safetensors", "overlap tensor 'a'"},
      {"truncated.safetensors", "beyond the data area of 10 bytes"},
  };
  std::size_t on_disk = 0;
  for (const auto& entry : fs::directory_iterator(dir)) on_disk += entry.path().extension() == ".safetensors";
  EXPECT_EQ(on_disk, files.size()) << "a file in " << dir << " is not covered by this test";
  for (const auto& [name, problem] : files) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(fs::exists(dir + name));
    expect_error([&] { ttt::io::read_safetensors(dir + name); }, {"[safetensors] " + dir + name + ": ", problem});
  }
}

// ---- writer validation -------------------------------------------------------------------------------

TEST(SafetensorsWrite, RejectsInconsistentRecordsNamingTheTensor) {
  SafetensorsFile short_bytes;
  short_bytes.tensors.push_back(record("ok", DType::F32, {2}));
  short_bytes.tensors.push_back(record("w", DType::F32, {2, 3}));
  short_bytes.tensors.back().bytes.resize(20);
  expect_error([&] { ttt::io::serialize_safetensors(short_bytes, "out.safetensors"); },
               {"[safetensors] out.safetensors: tensor 'w'", "needs 24 bytes, the record holds 20"});

  SafetensorsFile twice;
  twice.tensors = {record("w", DType::U8, {1}), record("w", DType::U8, {1})};
  expect_error([&] { ttt::io::serialize_safetensors(twice); }, {"tensor 'w'", "appears twice"});

  SafetensorsFile negative;
  negative.tensors.push_back(record("w", DType::U8, {1}));
  negative.tensors.back().shape = {-1};
  expect_error([&] { ttt::io::serialize_safetensors(negative); }, {"tensor 'w'", "negative dimension"});

  SafetensorsFile reserved;
  reserved.tensors.push_back(record("__metadata__", DType::U8, {1}));
  expect_error([&] { ttt::io::serialize_safetensors(reserved); }, {"reserved"});

  SafetensorsFile bad_bool;
  bad_bool.tensors.push_back(record("m", DType::BOOL, {2}));
  bad_bool.tensors.back().bytes[1] = 7;
  expect_error([&] { ttt::io::serialize_safetensors(bad_bool); }, {"tensor 'm'", "BOOL element 1 is 7"});

  SafetensorsFile bad_utf8;
  bad_utf8.tensors.push_back(record("w\xff", DType::U8, {1}));
  expect_error([&] { ttt::io::serialize_safetensors(bad_utf8); }, {"not valid UTF-8"});
}

TEST(SafetensorsWrite, FailedWriteLeavesNoFileAndNamesThePath) {
  const fs::path dir = fresh_temp_dir("ttt_safetensors_write");
  const std::string path = (dir / "out.safetensors").string();
  SafetensorsFile bad;
  bad.tensors.push_back(record("w", DType::F32, {3}));
  bad.tensors.back().bytes.pop_back();
  expect_error([&] { ttt::io::write_safetensors(path, bad); }, {"[safetensors] " + path + ": tensor 'w'"});
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// Hostile bytes: every truncation and many single-byte corruptions of a small valid file either parse or
// throw ttt::Error; no other exception escapes (and, under sanitizers, no out-of-bounds access happens).
TEST(SafetensorsMalformed, CorruptedBytesGiveTttErrorOrAFile) {
  SafetensorsFile file;
  file.metadata = {{"k", "v"}};
  file.tensors = {record("a", DType::F32, {2, 2}, 1), record("b", DType::BOOL, {3}), record("c", DType::I8, {0})};
  const std::string valid = ttt::io::serialize_safetensors(file);
  std::size_t rejected = 0;
  auto attempt = [&](const std::string& bytes) {
    try {
      ttt::io::parse_safetensors(bytes, "fuzz");
    } catch (const ttt::Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-ttt exception: " << e.what();
    }
  };
  for (std::size_t length = 0; length < valid.size(); ++length) attempt(valid.substr(0, length));
  EXPECT_EQ(rejected, valid.size()) << "every truncation must be rejected";
  for (std::size_t i = 0; i < valid.size(); ++i)
    for (unsigned char value : {0x00, 0x01, 0x22, 0x2C, 0x30, 0x39, 0x5B, 0x5D, 0x7B, 0x7D, 0x80, 0xFF}) {
      std::string bytes = valid;
      bytes[i] = static_cast<char>(value);
      attempt(bytes);
    }
}

// Regression (hostile-input sweep): a header with 10^5 tensors took 137 s. Parsing it must stay well under a
// second per 10^5 entries (here: a few seconds allowed for a loaded machine and sanitizer builds).
TEST(SafetensorsHostile, AHeaderWithManyTensorsParsesInLinearishTime) {
  constexpr int kTensors = 100000;
  std::string header = "{";
  for (int i = 0; i < kTensors; ++i)
    header += (i ? "," : "") + entry("t" + std::to_string(i), "U8", "[1]", "[" + std::to_string(i) + "," + std::to_string(i + 1) + "]");
  header += "}";
  const auto start = std::chrono::steady_clock::now();
  const SafetensorsFile file = ttt::io::parse_safetensors(raw_file(header, std::string(kTensors, '\1')), "many");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(file.tensors.size(), static_cast<std::size_t>(kTensors));
  EXPECT_LT(seconds, 15.0);
}

// Deep nesting in a header is refused before parsing (no recursion on hostile depth).
TEST(SafetensorsHostile, DeepHeaderIsRefused) {
  const std::string deep = "{\"__metadata__\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  expect_error([&] { ttt::io::parse_safetensors(raw_file(deep), "deep"); }, {"[safetensors] deep: header: JSON nested more than 512"});
}

// A device or a writerless FIFO as a checkpoint: refused or empty at once, never read forever or blocking.
TEST(SafetensorsHostile, DevicesAndFifos) {
  expect_error([] { ttt::io::read_safetensors("/dev/zero"); }, {"'/dev/zero' is a character device"});
  const fs::path dir = fresh_temp_dir("ttt_safetensors_fifo");
  const std::string fifo = (dir / "pipe.safetensors").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_error([&] { ttt::io::read_safetensors(fifo); }, {fifo, "0 bytes, too short"});
  fs::remove_all(dir);
}
