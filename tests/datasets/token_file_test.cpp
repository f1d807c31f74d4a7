// Token files: exact header layout, strict validation, windows against hand-computed ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/expect_error.h"
#include "support/run_cli.h"
#include "ttt/data/token_file.h"

namespace ttt::data {
namespace {

namespace fs = std::filesystem;
using test_support::expect_error;

std::string bytes_of(const fs::path& p) { return test_support::slurp(p); }
void put(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::fresh_temp_dir("ttt_token_file"); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(TokenFileTest, HeaderLayoutIsAsDocumented) {
  write_token_file(path("a.bin"), {1, 258, 2}, 300, 0x0102030405060708ULL, 1);
  const std::string b = bytes_of(path("a.bin"));
  ASSERT_EQ(b.size(), 64u + 3 * 2);
  EXPECT_EQ(b.substr(0, 8), std::string("TTTTOKS\0", 8));
  EXPECT_EQ(b[8], 1);   // version
  EXPECT_EQ(b[12], 2);  // uint16
  EXPECT_EQ(b[16], 3);  // token count
  EXPECT_EQ(static_cast<unsigned char>(b[24]), 300 & 255);
  EXPECT_EQ(b[25], 1);
  EXPECT_EQ(b[32], 8);  // fingerprint, little-endian
  EXPECT_EQ(b[39], 1);
  EXPECT_EQ(b[40], 1);  // documents
  EXPECT_EQ(b.substr(64), std::string("\x01\x00\x02\x01\x02\x00", 6));  // 1, 258, 2 as uint16 LE
  const auto file = TokenFile::open(path("a.bin"));
  EXPECT_EQ(file->size(), 3);
  EXPECT_EQ(file->token(1), 258);
  EXPECT_EQ(file->info().vocab_size, 300);
  EXPECT_EQ(file->info().tokenizer_fingerprint, 0x0102030405060708ULL);
  EXPECT_EQ(file->info().document_count, 1);
}

TEST_F(TokenFileTest, LargeVocabulariesUse32Bits) {
  write_token_file(path("w.bin"), {70000, 3, 65535}, 70001, 9, 1);
  EXPECT_EQ(bytes_of(path("w.bin")).size(), 64u + 3 * 4);
  const auto file = TokenFile::open(path("w.bin"));
  EXPECT_EQ(file->info().bytes_per_token, 4);
  std::vector<std::int64_t> out(3);
  file->read(0, 3, out.data());
  EXPECT_EQ(out, (std::vector<std::int64_t>{70000, 3, 65535}));
  // 65535 is the largest vocabulary kept in 16 bits (ids ≤ 65534).
  write_token_file(path("edge.bin"), {65534}, 65535, 0, 1);
  EXPECT_EQ(TokenFile::open(path("edge.bin"))->info().bytes_per_token, 2);
}

TEST_F(TokenFileTest, DamagedFilesAreRejectedByName) {
  write_token_file(path("good.bin"), {1, 5, 6, 2, 1, 7, 2}, 10, 42, 2);
  const std::string good = bytes_of(path("good.bin"));

  put(path("short_header.bin"), good.substr(0, 40));
  expect_error([&] { TokenFile::open(path("short_header.bin")); }, {"short_header.bin", "truncated", "header"});

  put(path("truncated.bin"), good.substr(0, good.size() - 3));
  expect_error([&] { TokenFile::open(path("truncated.bin")); }, {"truncated.bin", "truncated", "7 tokens"});

  put(path("extra.bin"), good + "xy");
  expect_error([&] { TokenFile::open(path("extra.bin")); }, {"extra.bin", "2 extra"});

  std::string magic = good;
  magic[0] = 'X';
  put(path("magic.bin"), magic);
  expect_error([&] { TokenFile::open(path("magic.bin")); }, {"magic.bin", "bad magic"});

  std::string version = good;
  version[8] = 9;
  put(path("version.bin"), version);
  expect_error([&] { TokenFile::open(path("version.bin")); }, {"version 9"});

  std::string count = good;
  count[16] = 8;  // claims 8 tokens, 7 present
  put(path("count.bin"), count);
  expect_error([&] { TokenFile::open(path("count.bin")); }, {"count.bin", "8 tokens"});

  std::string width = good;
  width[12] = 4;
  put(path("width.bin"), width);
  expect_error([&] { TokenFile::open(path("width.bin")); }, {"4 bytes per token"});

  std::string id = good;
  id[64 + 2 * 2] = 11;  // token 2 := 11 ≥ vocabulary 10
  put(path("id.bin"), id);
  expect_error([&] { TokenFile::open(path("id.bin")); }, {"id.bin", "token 2 is 11"});

  expect_error([&] { TokenFile::open(path("missing.bin")); }, {"cannot open", "missing.bin"});
  expect_error([&] { write_token_file(path("bad.bin"), {1, 10}, 10, 0, 1); }, {"token 1 is 10"});
  EXPECT_FALSE(fs::exists(path("bad.bin")));
}

TEST_F(TokenFileTest, VocabularyMismatchIsExplained) {
  write_token_file(path("t.bin"), {1, 2}, 4096, 0xabcULL, 1);
  const auto file = TokenFile::open(path("t.bin"));
  file->check_vocab(4096, 0xabcULL, "checkpoint c");
  file->check_vocab(4096, 0, "checkpoint c");  // 0: the other side knows no fingerprint
  expect_error([&] { file->check_vocab(8192, 0, "checkpoint model.safetensors"); },
               {"t.bin", "vocabulary of 4096", "checkpoint model.safetensors has 8192"});
  expect_error([&] { file->check_vocab(4096, 0xdefULL, "tokenizer x.model"); },
               {"0000000000000abc", "0000000000000def", "tokenizer x.model"});
}

TEST_F(TokenFileTest, WindowsMatchHandComputedOnes) {
  std::vector<std::int64_t> tokens;
  for (int i = 0; i < 11; ++i) tokens.push_back(100 + i);
  write_token_file(path("w.bin"), tokens, 200, 0, 1);
  TokenFileWindows windows(TokenFile::open(path("w.bin")), /*context=*/3);
  // 11 tokens, L = 3: windows [0..3], [3..6], [6..9]; the tail 9, 10 does not fill a fourth.
  ASSERT_EQ(windows.size(), 3);
  EXPECT_EQ(windows.window_length(), 4);
  const std::vector<std::vector<std::int64_t>> expected = {
      {100, 101, 102, 103}, {103, 104, 105, 106}, {106, 107, 108, 109}};
  VectorWindows in_memory(tokens, 3);
  for (std::int64_t i = 0; i < 3; ++i) {
    std::vector<std::int64_t> got(4), twin(4);
    windows.read(i, got.data());
    in_memory.read(i, twin.data());
    EXPECT_EQ(got, expected[static_cast<std::size_t>(i)]);
    EXPECT_EQ(twin, got);
  }
  std::vector<std::int64_t> out(4);
  expect_error([&] { windows.read(3, out.data()); }, {"window 3 out of range"});
  EXPECT_EQ(TokenFileWindows(TokenFile::open(path("w.bin")), 10).size(), 1);  // 11 tokens = one window of 10+1
  EXPECT_EQ(TokenFileWindows(TokenFile::open(path("w.bin")), 11).size(), 0);
  expect_error([&] { TokenFileWindows(TokenFile::open(path("w.bin")), 0); }, {"context must be positive"});
}

}  // namespace
}  // namespace ttt::data
