// Packing: BOS + ids + EOS per document in order, independent of the thread count.
#include <gtest/gtest.h>

#include "support/expect_error.h"
#include "ttt/data/packing.h"

namespace ttt::data {
namespace {

// A stand-in tokenizer: one id per byte, offset past the specials.
std::vector<std::int64_t> bytes_encoder(const std::string& text) {
  std::vector<std::int64_t> ids;
  for (unsigned char c : text) ids.push_back(3 + c);
  return ids;
}

TEST(Packing, HandComputedStream) {
  const std::vector<Document> docs = {{"a", "hi"}, {"b", ""}, {"c", "\n"}};
  const auto tokens = pack_documents(docs, bytes_encoder, 1, 2);
  const std::vector<std::int64_t> expected = {1, 3 + 'h', 3 + 'i', 2, 1, 2, 1, 3 + '\n', 2};
  EXPECT_EQ(tokens, expected);
}

TEST(Packing, SameResultOnAnyNumberOfThreads) {
  std::vector<Document> docs;
  for (int i = 0; i < 200; ++i) docs.push_back({"d" + std::to_string(i), std::string(static_cast<std::size_t>(i % 17), 'a' + i % 26)});
  const auto one = pack_documents(docs, bytes_encoder, 1, 2, 1);
  EXPECT_EQ(pack_documents(docs, bytes_encoder, 1, 2, 2), one);
  EXPECT_EQ(pack_documents(docs, bytes_encoder, 1, 2, 7), one);
  EXPECT_EQ(pack_documents(docs, bytes_encoder, 1, 2, 1), one);  // and on a second run
}

TEST(Packing, EncoderErrorsReachTheCaller) {
  const std::vector<Document> docs = {{"a", "x"}, {"b", "bad"}, {"c", "y"}};
  const Encoder failing = [](const std::string& text) -> std::vector<std::int64_t> {
    if (text == "bad") ttt::fail("[tokenizer] cannot encode 'bad'");
    return {5};
  };
  test_support::expect_error([&] { pack_documents(docs, failing, 1, 2, 2); }, {"cannot encode 'bad'"});
}

}  // namespace
}  // namespace ttt::data
