// Corpus split files: exact round trip of any bytes, clear errors on damage.
#include <gtest/gtest.h>

#include "support/expect_error.h"
#include "ttt/data/documents.h"

namespace ttt::data {
namespace {

TEST(Documents, RoundTripAnyBytes) {
  const std::vector<Document> docs = {{"a.txt", "plain\n"},
                                      {"dir/with space.c", "#doc 3 fake\nlooks like a header\n\n"},
                                      {"empty", ""},
                                      {"binary-ish", std::string("\x01\xff\n\r", 4)}};
  const std::string bytes = serialize_documents(docs);
  EXPECT_EQ(bytes.substr(0, 20), "#doc 6 a.txt\nplain\n\n");  // hand-written format
  const auto back = parse_documents(bytes, "x");
  ASSERT_EQ(back.size(), docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(back[i].name, docs[i].name);
    EXPECT_EQ(back[i].text, docs[i].text);
  }
}

TEST(Documents, DamagedFilesGiveClearErrors) {
  using test_support::expect_error;
  const std::string bytes = serialize_documents({{"a", "hello"}, {"b", "world"}});
  expect_error([&] { parse_documents(bytes.substr(0, bytes.size() - 3), "train.txt"); },
               {"train.txt", "document 'b' claims 5 bytes", "truncated"});
  expect_error([&] { parse_documents("hello\n", "val.txt"); }, {"val.txt", "expected '#doc"});
  expect_error([&] { parse_documents("#doc x1 a\nz\n", "t"); }, {"bad document length"});
  expect_error([&] { parse_documents("#doc 5", "t"); }, {"truncated document header"});
  expect_error([&] { serialize_documents({{"two\nlines", "x"}}); }, {"one non-empty line"});
}

TEST(Documents, BlankMeansOnlyWhitespace) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \n\t\r\n"));
  EXPECT_FALSE(is_blank("  x "));
}

}  // namespace
}  // namespace ttt::data
