// SentencePiece BPE trained on a small hand-made corpus: exact round trips (also of text it never saw),
// specials where documented, deterministic training, clear errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/expect_error.h"
#include "ttt/data/packing.h"
#include "ttt/data/token_file.h"
#include "ttt/data/tokenizer.h"

namespace ttt::data {
namespace {

namespace fs = std::filesystem;
using test_support::expect_error;

std::vector<std::string> small_corpus() {
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    texts.push_back("In the beginning God created the heaven and the earth.\n"
                    "static int count_" + std::to_string(i) + "(struct list *head)\n{\n\tint n = 0;\n"
                    "\tfor (; head; head = head->next)\n\t\tn++;\n\treturn n;\n}\n");
  }
  return texts;
}

class TokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test_support::fresh_temp_dir("ttt_tokenizer");
    TokenizerTrainOptions options;
    options.vocab_size = 400;
    options.threads = 1;
    stats_ = train_tokenizer(small_corpus(), options, (dir_ / "t.model").string());
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string model() { return (dir_ / "t.model").string(); }
  static fs::path dir_;
  static TokenizerTrainStats stats_;
};
fs::path TokenizerTest::dir_;
TokenizerTrainStats TokenizerTest::stats_;

TEST_F(TokenizerTest, SpecialsAndSize) {
  const auto t = Tokenizer::load(model());
  EXPECT_EQ(t.vocab_size(), 400);
  EXPECT_EQ(t.bos_id(), 1);
  EXPECT_EQ(t.eos_id(), 2);
  EXPECT_EQ(stats_.sentences, 40 * 8);  // every non-empty line is a sentence
  EXPECT_NE(t.fingerprint(), 0u);
}

TEST_F(TokenizerTest, RoundTripsSeenAndUnseenText) {
  const auto t = Tokenizer::load(model());
  const std::vector<std::string> texts = {
      "In the beginning God created the heaven and the earth.",
      "static int count_7(struct list *head)\n{\n\treturn 0;\n}\n",
      "  leading and trailing spaces  ",
      "double  spaces\t\ttabs\n\n\nnewlines",
      "unseen: Ünïcödé ✓ 日本語 🙂 and digits 31415926",
      ""};
  for (const auto& text : texts) {
    const auto ids = t.encode(text);
    for (auto id : ids) {
      EXPECT_GE(id, 0);
      EXPECT_LT(id, t.vocab_size());
      EXPECT_NE(id, 0) << "byte fallback means no <unk>";
    }
    EXPECT_EQ(t.decode(ids), text);
  }
  // Merges were learned: a frequent training line takes far fewer pieces than bytes.
  const std::string line = "In the beginning God created the heaven and the earth.";
  EXPECT_LT(t.encode(line).size(), line.size() / 3);
}

TEST_F(TokenizerTest, TrainingIsDeterministic) {
  TokenizerTrainOptions options;
  options.vocab_size = 400;
  options.threads = 1;
  train_tokenizer(small_corpus(), options, (dir_ / "again.model").string());
  EXPECT_EQ(Tokenizer::load((dir_ / "again.model").string()).fingerprint(), Tokenizer::load(model()).fingerprint());
  options.threads = 2;
  train_tokenizer(small_corpus(), options, (dir_ / "two_threads.model").string());
  EXPECT_EQ(Tokenizer::load((dir_ / "two_threads.model").string()).fingerprint(), Tokenizer::load(model()).fingerprint());
}

TEST_F(TokenizerTest, PackedTokenFileDecodesToTheDocuments) {
  const auto t = Tokenizer::load(model());
  const std::vector<Document> docs = {{"a", "the earth\n"}, {"b", "int n = 0;"}};
  const Encoder encode = [&t](const std::string& s) { return t.encode(s); };
  const auto tokens = pack_documents(docs, encode, t.bos_id(), t.eos_id());
  write_token_file((dir_ / "p.bin").string(), tokens, t.vocab_size(), t.fingerprint(), 2);
  const auto file = TokenFile::open((dir_ / "p.bin").string());
  file->check_tokenizer(t);
  std::vector<std::int64_t> back(static_cast<std::size_t>(file->size()));
  file->read(0, file->size(), back.data());
  ASSERT_EQ(back.front(), t.bos_id());
  ASSERT_EQ(back.back(), t.eos_id());
  // Split the stream at the specials and decode each document.
  std::vector<std::string> decoded;
  std::vector<std::int64_t> current;
  for (auto id : back) {
    if (id == t.bos_id()) current.clear();
    else if (id == t.eos_id()) decoded.push_back(t.decode(current));
    else current.push_back(id);
  }
  EXPECT_EQ(decoded, (std::vector<std::string>{"the earth\n", "int n = 0;"}));
}

TEST_F(TokenizerTest, BadInputsGiveClearErrors) {
  expect_error([] { Tokenizer::load("/nonexistent/t.model"); }, {"cannot open", "/nonexistent/t.model"});
  const auto junk = dir_ / "junk.model";
  { std::ofstream(junk) << "not a model"; }
  expect_error([&] { Tokenizer::load(junk.string()); }, {"junk.model", "not a SentencePiece model"});
  TokenizerTrainOptions options;
  options.vocab_size = 100;
  expect_error([&] { train_tokenizer(small_corpus(), options, (dir_ / "x.model").string()); }, {"vocab size must be"});
  options.vocab_size = 400;
  expect_error([&] { train_tokenizer({"", "\n\n"}, options, (dir_ / "x.model").string()); }, {"no training text"});
  options.vocab_size = 50000;  // far more pieces than this text has
  expect_error([&] { train_tokenizer(small_corpus(), options, (dir_ / "x.model").string()); }, {"failed"});
  EXPECT_FALSE(fs::exists(dir_ / "x.model"));
  const auto t = Tokenizer::load(model());
  expect_error([&] { t.decode({5, 400}); }, {"token id 400 outside the vocabulary"});
  // A token file made by another tokenizer is refused.
  write_token_file((dir_ / "other.bin").string(), {1, 2}, 400, t.fingerprint() + 1, 1);
  expect_error([&] { TokenFile::open((dir_ / "other.bin").string())->check_tokenizer(t); }, {"other.bin", "different pieces"});
}

}  // namespace
}  // namespace ttt::data
