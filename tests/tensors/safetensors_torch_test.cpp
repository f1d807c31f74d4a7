#include "ttt/io/safetensors_torch.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

#include "ttt/util/error.h"
#include "support/expect_error.h"

namespace fs = std::filesystem;
using ttt::io::DType;

using ttt::test_support::expect_error;
using ttt::test_support::fresh_temp_dir;

namespace {

// One tensor per supported dtype, with values that use the dtype's range (negative, large, fractional).
std::vector<std::pair<std::string, torch::Tensor>> sample_tensors() {
  torch::manual_seed(7);
  return {
      {"f32", torch::randn({3, 4})},
      {"f64", torch::randn({2, 3, 2}, torch::kFloat64) * 1e200},
      {"f16", torch::randn({5}).to(torch::kFloat16)},
      {"bf16", (torch::randn({4, 2}) * 1e30).to(torch::kBFloat16)},
      {"i64", torch::tensor({std::int64_t{-1}, std::int64_t{1} << 40, std::numeric_limits<std::int64_t>::max()})},
      {"i32", torch::randint(-100000, 100000, {2, 5}, torch::kInt32)},
      {"i16", torch::tensor({-32768, 0, 32767}, torch::kInt16)},
      {"i8", torch::tensor({-128, 5, 127}, torch::kInt8)},
      {"u8", torch::arange(0, 256, torch::kUInt8).reshape({16, 16})},
      {"bool", torch::rand({7}) > 0.5},
  };
}

}  // namespace

TEST(SafetensorsTorch, EveryDTypeRoundTripsWithEqualValues) {
  for (const auto& [name, tensor] : sample_tensors()) {
    SCOPED_TRACE(name);
    const ttt::io::TensorRecord record = ttt::io::from_tensor(name, tensor);
    EXPECT_EQ(record.name, name);
    EXPECT_EQ(record.shape, tensor.sizes().vec());
    EXPECT_EQ(record.bytes.size(), static_cast<std::size_t>(tensor.numel() * tensor.element_size()));
    const torch::Tensor back = ttt::io::to_tensor(record);
    EXPECT_EQ(back.scalar_type(), tensor.scalar_type());
    EXPECT_EQ(back.sizes(), tensor.sizes());
    EXPECT_TRUE(back.device().is_cpu());
    EXPECT_TRUE(torch::equal(back, tensor));
  }
}

// A round trip cannot tell F16 from BF16 if both directions swap them; the bytes of 1.0 can.
TEST(SafetensorsTorch, DTypesMapToTheirSafetensorsNamesAndBytes) {
  auto bytes_of_one = [](torch::ScalarType type) {
    return ttt::io::from_tensor("one", torch::ones({1}, type));
  };
  const auto f32 = bytes_of_one(torch::kFloat32);
  EXPECT_EQ(f32.dtype, DType::F32);
  EXPECT_EQ(f32.bytes, std::string("\x00\x00\x80\x3f", 4));
  const auto f16 = bytes_of_one(torch::kFloat16);
  EXPECT_EQ(f16.dtype, DType::F16);
  EXPECT_EQ(f16.bytes, std::string("\x00\x3c", 2));
  const auto bf16 = bytes_of_one(torch::kBFloat16);
  EXPECT_EQ(bf16.dtype, DType::BF16);
  EXPECT_EQ(bf16.bytes, std::string("\x80\x3f", 2));
  const auto f64 = bytes_of_one(torch::kFloat64);
  EXPECT_EQ(f64.dtype, DType::F64);
  EXPECT_EQ(f64.bytes, std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8));
  const auto i64 = bytes_of_one(torch::kInt64);
  EXPECT_EQ(i64.dtype, DType::I64);
  EXPECT_EQ(i64.bytes, std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(bytes_of_one(torch::kInt32).dtype, DType::I32);
  EXPECT_EQ(bytes_of_one(torch::kInt16).dtype, DType::I16);
  EXPECT_EQ(bytes_of_one(torch::kInt8).dtype, DType::I8);
  EXPECT_EQ(bytes_of_one(torch::kUInt8).dtype, DType::U8);
  EXPECT_EQ(bytes_of_one(torch::kBool).dtype, DType::BOOL);
  for (DType dtype : {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16,
                      DType::I8, DType::U8, DType::BOOL})
    EXPECT_EQ(ttt::io::from_scalar_type(ttt::io::to_scalar_type(dtype), "x"), dtype);
}

TEST(SafetensorsTorch, ScalarAndZeroSizeTensors) {
  const torch::Tensor scalar = torch::tensor(3.5);
  const auto record = ttt::io::from_tensor("s", scalar);
  EXPECT_TRUE(record.shape.empty());
  const torch::Tensor back = ttt::io::to_tensor(record);
  EXPECT_EQ(back.dim(), 0);
  EXPECT_EQ(back.item<float>(), 3.5f);

  const torch::Tensor empty = torch::zeros({0, 3}, torch::kInt64);
  const auto empty_record = ttt::io::from_tensor("e", empty);
  EXPECT_TRUE(empty_record.bytes.empty());
  EXPECT_EQ(ttt::io::to_tensor(empty_record).sizes(), empty.sizes());
}

TEST(SafetensorsTorch, NonContiguousInputIsWrittenInLogicalOrder) {
  const torch::Tensor base = torch::arange(24, torch::kFloat32).reshape({2, 3, 4});
  const std::vector<std::pair<std::string, torch::Tensor>> views = {
      {"transposed", base.transpose(0, 2)},
      {"strided slice", base.slice(2, 0, 4, 2)},
      {"expanded", torch::arange(3, torch::kFloat32).unsqueeze(0).expand({4, 3})},
      {"offset narrow", base.narrow(1, 1, 2)},
  };
  for (const auto& [name, view] : views) {
    SCOPED_TRACE(name);
    const auto record = ttt::io::from_tensor(name, view);
    const torch::Tensor dense = view.contiguous();
    EXPECT_EQ(record.bytes, std::string(static_cast<const char*>(dense.data_ptr()), dense.numel() * 4));
    EXPECT_TRUE(torch::equal(ttt::io::to_tensor(record), view));
  }
}

TEST(SafetensorsTorch, GradTensorsAndOwnership) {
  const torch::Tensor weight = torch::randn({3, 3}, torch::requires_grad());
  const auto record = ttt::io::from_tensor("w", weight * 2);  // a non-leaf with history
  torch::Tensor back = ttt::io::to_tensor(record);
  EXPECT_FALSE(back.requires_grad());
  EXPECT_TRUE(torch::equal(back, (weight * 2).detach()));
  // The tensor owns its memory: changing the record afterwards does not change it.
  auto mutable_record = record;
  const torch::Tensor copy = ttt::io::to_tensor(mutable_record);
  mutable_record.bytes.assign(mutable_record.bytes.size(), '\0');
  EXPECT_TRUE(torch::equal(copy, back));
}

TEST(SafetensorsTorch, RejectsWhatCannotBeStoredOrIsInconsistent) {
  expect_error([] { ttt::io::from_tensor("c", torch::zeros({2}, torch::kComplexFloat)); },
               {"tensor 'c'", "cannot be stored"});
  expect_error([] { ttt::io::from_tensor("u", torch::Tensor()); }, {"tensor 'u'", "undefined"});
  expect_error([] { ttt::io::from_tensor("m", torch::empty({2}, torch::TensorOptions().device(torch::kMeta))); },
               {"tensor 'm'", "meta"});
  expect_error([] { ttt::io::from_tensor("sp", torch::eye(3).to_sparse()); }, {"tensor 'sp'", "layout"});

  ttt::io::TensorRecord short_record = ttt::io::from_tensor("w", torch::ones({2, 3}));
  short_record.bytes.pop_back();
  expect_error([&] { ttt::io::to_tensor(short_record); }, {"tensor 'w'", "need 24 bytes", "holds 23"});
  ttt::io::TensorRecord bad_bool = ttt::io::from_tensor("b", torch::ones({2}, torch::kBool));
  bad_bool.bytes[1] = 2;
  expect_error([&] { ttt::io::to_tensor(bad_bool); }, {"tensor 'b'", "BOOL element 1 is 2"});
}

TEST(SafetensorsTorch, SaveAndLoadRoundTrip) {
  const fs::path dir = fresh_temp_dir("ttt_safetensors_torch");
  const std::string path = (dir / "model.safetensors").string();
  const auto tensors = sample_tensors();
  ttt::io::save_tensors(path, tensors, {{"step", "12"}, {"format", "pt"}});

  const ttt::io::TensorMap loaded = ttt::io::load_tensors(path);
  EXPECT_EQ(loaded.source, path);
  EXPECT_EQ(loaded.metadata, (std::map<std::string, std::string>{{"step", "12"}, {"format", "pt"}}));
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    SCOPED_TRACE(tensors[i].first);
    EXPECT_EQ(loaded.tensors[i].first, tensors[i].first);  // data order == the order saved
    EXPECT_TRUE(loaded.contains(tensors[i].first));
    const torch::Tensor& got = loaded.get(tensors[i].first);
    EXPECT_EQ(got.scalar_type(), tensors[i].second.scalar_type());
    EXPECT_TRUE(torch::equal(got, tensors[i].second));
  }
  EXPECT_FALSE(loaded.contains("nope"));
  expect_error([&] { loaded.get("nope"); }, {"[safetensors] " + path + ": no tensor 'nope'", "f32"});

  // Saving again replaces the file whole; duplicate names are refused and leave the old file intact.
  expect_error([&] { ttt::io::save_tensors(path, {{"a", torch::ones({1})}, {"a", torch::ones({1})}}); },
               {path, "tensor 'a'", "twice"});
  EXPECT_EQ(ttt::io::load_tensors(path).tensors.size(), tensors.size());
  fs::remove_all(dir);
}

TEST(SafetensorsTorch, LoadsTheReferenceFixture) {
  const std::string path = std::string(TTT_TEST_DATA_DIR) + "/ttt-reference/linear-transformer.safetensors";
  const ttt::io::TensorMap map = ttt::io::load_tensors(path);
  const torch::Tensor& embed = map.get("model.embed_tokens.weight");
  EXPECT_EQ(embed.scalar_type(), torch::kFloat32);
  EXPECT_EQ(embed.sizes(), (torch::IntArrayRef{128, 64}));
  EXPECT_TRUE(torch::isfinite(embed).all().item<bool>());
  EXPECT_GT(embed.abs().sum().item<float>(), 0.0f);
  const torch::Tensor& ids = map.get("fixture.input_ids");
  EXPECT_EQ(ids.scalar_type(), torch::kInt64);
  EXPECT_EQ(ids.sizes(), (torch::IntArrayRef{2, 37}));
  EXPECT_GE(ids.min().item<std::int64_t>(), 0);
  EXPECT_LT(ids.max().item<std::int64_t>(), 128);
  EXPECT_EQ(map.metadata.at("prefill_tokens"), "32");
  expect_error([&] { map.get("lm_head.weight"); }, {path, "no tensor 'lm_head.weight'"});
}

TEST(SafetensorsTorch, CudaTensorsAreCopiedToTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  const torch::Tensor cpu = torch::randn({4, 5}).to(torch::kBFloat16);
  const torch::Tensor gpu = cpu.to(torch::kCUDA).t();
  const torch::Tensor back = ttt::io::to_tensor(ttt::io::from_tensor("g", gpu));
  EXPECT_TRUE(back.device().is_cpu());
  EXPECT_TRUE(torch::equal(back, cpu.t()));
}
