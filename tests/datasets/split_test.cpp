// The document split: deterministic, independent of input order, fractions and limits as documented.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "support/expect_error.h"
#include "ttt/data/corpus_split.h"

namespace ttt::data {
namespace {

std::vector<Document> numbered(int n, std::size_t bytes = 10) {
  std::vector<Document> docs;
  for (int i = 0; i < n; ++i) docs.push_back({"doc" + std::to_string(i) + ".txt", std::string(bytes, 'a' + i % 26)});
  return docs;
}

std::vector<std::string> names(const std::vector<Document>& docs) {
  std::vector<std::string> out;
  for (const auto& d : docs) out.push_back(d.name);
  return out;
}

TEST(Split, SameSeedSameSplitWhateverTheInputOrder) {
  SplitOptions options;
  options.val_fraction = 0.1;
  options.test_fraction = 0.2;
  options.seed = 7;
  const auto a = split_documents(numbered(50), options);
  auto shuffled = numbered(50);
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(123));
  const auto b = split_documents(shuffled, options);
  EXPECT_EQ(names(a.train), names(b.train));
  EXPECT_EQ(names(a.val), names(b.val));
  EXPECT_EQ(names(a.test), names(b.test));
  EXPECT_EQ(a.val.size(), 5u);  // ceil(0.1 · 50)
  EXPECT_EQ(a.test.size(), 10u);
  EXPECT_EQ(a.train.size(), 35u);
}

TEST(Split, OrderIsTheRankOrderAndEveryDocumentLandsOnce) {
  SplitOptions options;
  options.val_fraction = 0.1;
  options.test_fraction = 0.1;
  const auto s = split_documents(numbered(40), options);
  std::vector<Document> all = s.val;
  all.insert(all.end(), s.test.begin(), s.test.end());
  all.insert(all.end(), s.train.begin(), s.train.end());
  ASSERT_EQ(all.size(), 40u);
  const auto all_names = names(all);
  const std::set<std::string> unique(all_names.begin(), all_names.end());
  EXPECT_EQ(unique.size(), 40u);
  // The independent definition: sort by document_rank(name, seed); val first, then test, then train.
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LT(document_rank(all[i - 1].name, 0), document_rank(all[i].name, 0)) << i;
  // Documents keep their text.
  for (const auto& d : all) EXPECT_EQ(d.text[0], 'a' + std::stoi(d.name.substr(3)) % 26);
}

TEST(Split, OtherSeedOtherSplit) {
  SplitOptions a, b;
  a.val_fraction = b.val_fraction = 0.2;
  b.seed = 1;
  EXPECT_NE(names(split_documents(numbered(30), a).val), names(split_documents(numbered(30), b).val));
}

TEST(Split, SmallFractionsStillGiveOneDocument) {
  SplitOptions options;  // 1% + 1% of 5 documents
  const auto s = split_documents(numbered(5), options);
  EXPECT_EQ(s.val.size(), 1u);
  EXPECT_EQ(s.test.size(), 1u);
  EXPECT_EQ(s.train.size(), 3u);
  options.val_fraction = options.test_fraction = 0;
  EXPECT_EQ(split_documents(numbered(5), options).train.size(), 5u);
}

TEST(Split, LimitsKeepAPrefixOfTheRankOrder) {
  SplitOptions all, limited;
  all.val_fraction = all.test_fraction = limited.val_fraction = limited.test_fraction = 0;
  limited.max_documents = 7;
  const auto full = split_documents(numbered(20), all);
  const auto seven = split_documents(numbered(20), limited);
  ASSERT_EQ(seven.train.size(), 7u);
  EXPECT_EQ(seven.left_out_by_limits, 13);
  const auto full_names = names(full.train);
  EXPECT_EQ(names(seven.train), std::vector<std::string>(full_names.begin(), full_names.begin() + 7));
  SplitOptions bytes = all;
  bytes.max_bytes = 35;  // 10-byte documents: 3 fit
  EXPECT_EQ(split_documents(numbered(20), bytes).train.size(), 3u);
}

TEST(Split, BadInputsAreRejected) {
  using test_support::expect_error;
  SplitOptions options;
  expect_error([&] { split_documents({{"a", "x"}, {"a", "y"}}, options); }, {"two documents are named 'a'"});
  options.val_fraction = 0.6;
  options.test_fraction = 0.5;
  expect_error([&] { split_documents(numbered(10), options); }, {"fractions"});
  options.val_fraction = options.test_fraction = 0.01;
  expect_error([&] { split_documents(numbered(2), options); }, {"too few"});
  options.max_bytes = 5;  // smaller than any document
  expect_error([&] { split_documents(numbered(10), options); }, {"0 document(s) kept", "--max-bytes"});
}

}  // namespace
}  // namespace ttt::data
