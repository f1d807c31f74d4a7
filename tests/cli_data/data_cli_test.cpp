// `ttt data corpus | tokenizer | tokenize | inspect` end to end on a tiny --from folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"
#include "ttt/data/corpus_builder.h"
#include "ttt/data/hashing.h"
#include "ttt/data/token_file.h"
#include "ttt/data/tokenizer.h"

namespace ttt::test_support {
namespace {

namespace fs = std::filesystem;
using ttt::data::Document;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string doc_text(int i) {
  std::string text;
  for (int line = 0; line < 6; ++line)
    text += "Document " + std::to_string(i) + " line " + std::to_string(line) + ": the quick brown fox jumps over the lazy dog.\n";
  return text;
}

// One pipeline for the whole suite (training takes a second).
class DataCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("data_cli");
    fs::create_directories(dir_->path());
    for (int i = 0; i < 30; ++i) write(dir_->path() / "docs" / ("doc" + std::to_string(i) + ".txt"), doc_text(i));
    write(dir_->path() / "docs/empty.txt", "\n  \n");
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }
  static TempDir* dir_;
};
TempDir* DataCli::dir_ = nullptr;

TEST_F(DataCli, WholePipeline) {
  auto corpus = run_cli_split("data corpus --from '" + p("docs") + "' --out '" + p("corpus") +
                              "' --val-fraction 0.1 --test-fraction 0.1 --json");
  ASSERT_EQ(corpus.exit_code, 0) << corpus.output << corpus.err;
  const auto manifest = nlohmann::json::parse(corpus.output);
  EXPECT_EQ(manifest["source"], "folder");
  EXPECT_EQ(manifest["splits"]["val"]["documents"], 3);
  EXPECT_EQ(manifest["splits"]["test"]["documents"], 3);
  EXPECT_EQ(manifest["splits"]["train"]["documents"], 24);
  EXPECT_EQ(manifest["skipped_empty"]["count"], 1);
  EXPECT_EQ(manifest["skipped_empty"]["names"][0], "empty.txt");
  const auto on_disk = nlohmann::json::parse(slurp(p("corpus/manifest.json")));
  EXPECT_EQ(on_disk["splits"], manifest["splits"]);
  // Every document lands in exactly one split with its exact text.
  std::map<std::string, std::string> seen;
  for (const char* split : {"train", "val", "test"})
    for (const auto& d : data::read_documents(p(std::string("corpus/") + split + ".txt"))) {
      EXPECT_TRUE(seen.emplace(d.name, d.text).second) << d.name;
      EXPECT_EQ(d.text, doc_text(std::stoi(d.name.substr(3))));
    }
  EXPECT_EQ(seen.size(), 30u);

  auto tok = run_cli_split("data tokenizer --corpus '" + p("corpus") + "' --vocab-size 300 --out '" + p("t.model") +
                           "' --threads 1 --json");
  ASSERT_EQ(tok.exit_code, 0) << tok.output << tok.err;
  const auto tj = nlohmann::json::parse(tok.output);
  EXPECT_EQ(tj["vocab_size"], 300);
  const auto tokenizer = data::Tokenizer::load(p("t.model"));
  EXPECT_EQ(tj["fingerprint"], data::hex64(tokenizer.fingerprint()));

  auto packed = run_cli_split("data tokenize --corpus '" + p("corpus") + "' --tokenizer '" + p("t.model") + "' --out '" +
                              p("tokens") + "' --json");
  ASSERT_EQ(packed.exit_code, 0) << packed.output << packed.err;
  const auto pj = nlohmann::json::parse(packed.output);
  for (const char* split : {"train", "val", "test"}) {
    const auto file = data::TokenFile::open(p(std::string("tokens/") + split + ".bin"));
    file->check_tokenizer(tokenizer);
    EXPECT_EQ(pj["splits"][split]["tokens"], file->size());
    EXPECT_EQ(pj["splits"][split]["documents"], file->info().document_count);
    // Independent check: the file is BOS + encode(doc) + EOS for each document of the split, in order.
    std::vector<std::int64_t> expected;
    for (const auto& d : data::read_documents(p(std::string("corpus/") + split + ".txt"))) {
      expected.push_back(tokenizer.bos_id());
      for (auto id : tokenizer.encode(d.text)) expected.push_back(id);
      expected.push_back(tokenizer.eos_id());
    }
    std::vector<std::int64_t> got(static_cast<std::size_t>(file->size()));
    file->read(0, file->size(), got.data());
    EXPECT_EQ(got, expected) << split;
  }

  auto inspect = run_cli_split("data inspect '" + p("tokens/val.bin") + "' --tokenizer '" + p("t.model") + "' --count 5 --json");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output << inspect.err;
  const auto ij = nlohmann::json::parse(inspect.output);
  EXPECT_EQ(ij["documents"], 3);
  EXPECT_EQ(ij["vocab_size"], 300);
  ASSERT_EQ(ij["first_tokens"].size(), 5u);
  EXPECT_EQ(ij["first_tokens"][0], tokenizer.bos_id());
  const std::string first_doc = data::read_documents(p("corpus/val.txt"))[0].text;
  EXPECT_EQ(first_doc.rfind(ij["first_text"].get<std::string>(), 0), 0u) << ij["first_text"];
  auto human = run_cli("data inspect '" + p("tokens/val.bin") + "'");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_TRUE(contains(human.output, "3 documents")) << human.output;

  // Same inputs, same outputs: the corpus and the packed tokens are byte-identical on a rerun.
  auto again = run_cli("data corpus --from '" + p("docs") + "' --out '" + p("corpus2") +
                       "' --val-fraction 0.1 --test-fraction 0.1");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "skipped 1 empty document")) << again.output;
  for (const char* split : {"train.txt", "val.txt", "test.txt"})
    EXPECT_EQ(slurp(p(std::string("corpus/") + split)), slurp(p(std::string("corpus2/") + split))) << split;
  auto repack = run_cli("data tokenize --corpus '" + p("corpus2") + "' --tokenizer '" + p("t.model") + "' --out '" +
                        p("tokens2") + "' --threads 2");
  ASSERT_EQ(repack.exit_code, 0) << repack.output;
  EXPECT_EQ(slurp(p("tokens/train.bin")), slurp(p("tokens2/train.bin")));

  // The same folder written in another order (and with other timestamps) splits the same way.
  for (int i = 29; i >= 0; --i) write(dir_->path() / "docs_reordered" / ("doc" + std::to_string(i) + ".txt"), doc_text(i));
  auto reordered = run_cli("data corpus --from '" + p("docs_reordered") + "' --out '" + p("corpus3") +
                           "' --val-fraction 0.1 --test-fraction 0.1");
  ASSERT_EQ(reordered.exit_code, 0) << reordered.output;
  EXPECT_EQ(slurp(p("corpus/val.txt")), slurp(p("corpus3/val.txt")));
  EXPECT_EQ(slurp(p("corpus/train.txt")), slurp(p("corpus3/train.txt")));

  // Vocabulary/tokenizer mismatch: inspecting with another tokenizer is refused.
  auto other = run_cli("data tokenizer --corpus '" + p("corpus") + "' --vocab-size 330 --out '" + p("other.model") + "'");
  ASSERT_EQ(other.exit_code, 0) << other.output;
  auto mismatch = run_cli("data inspect '" + p("tokens/val.bin") + "' --tokenizer '" + p("other.model") + "'");
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_TRUE(contains(mismatch.output, "error: [data]") && contains(mismatch.output, "vocabulary of 300") &&
              contains(mismatch.output, "has 330"))
      << mismatch.output;
}

TEST_F(DataCli, BadInputsGiveClearErrors) {
  auto missing = run_cli("data corpus --name code --package-root '" + p("no-root") + "' --out '" + p("c") + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.output, "linux-source-6.1") && contains(missing.output, "apt-get install")) << missing.output;
  EXPECT_FALSE(fs::exists(p("c")));

  auto neither = run_cli("data corpus --out '" + p("c") + "'");
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_TRUE(contains(neither.output, "--name code|books or --from")) << neither.output;

  auto no_corpus = run_cli("data tokenizer --corpus '" + p("nowhere") + "' --vocab-size 300 --out '" + p("x.model") + "'");
  EXPECT_EQ(no_corpus.exit_code, 1);
  EXPECT_TRUE(contains(no_corpus.output, "error: [data] cannot open") && contains(no_corpus.output, "train.txt"))
      << no_corpus.output;

  write(dir_->path() / "junk.bin", "this is not a token file at all, just some text long enough for a header....");
  auto junk = run_cli("data inspect '" + p("junk.bin") + "'");
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_TRUE(contains(junk.output, "junk.bin: not a ttt token file (bad magic)")) << junk.output;

  auto no_tokenizer = run_cli("data tokenize --corpus '" + p("nowhere") + "' --tokenizer '" + p("none.model") + "' --out '" +
                              p("t") + "'");
  EXPECT_EQ(no_tokenizer.exit_code, 1);
  EXPECT_TRUE(contains(no_tokenizer.output, "none.model")) << no_tokenizer.output;
  EXPECT_FALSE(fs::exists(p("t")));

  auto small_vocab = run_cli("data tokenizer --corpus '" + p("nowhere") + "' --vocab-size 10 --out '" + p("x.model") + "'");
  EXPECT_NE(small_vocab.exit_code, 0);
  EXPECT_TRUE(contains(small_vocab.output, "vocab-size")) << small_vocab.output;
}

}  // namespace
}  // namespace ttt::test_support
