// Corpus sources: the code filter on a fake linux-source tarball made here with tar, missing packages
// named in the error, --from folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/expect_error.h"
#include "support/run_cli.h"
#include "ttt/data/corpus_builder.h"
#include "ttt/data/corpus_sources.h"

namespace ttt::data {
namespace {

namespace fs = std::filesystem;
using test_support::expect_error;
using test_support::fresh_temp_dir;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string filled(std::size_t bytes, char c) {
  std::string text(bytes, c);
  for (std::size_t i = 80; i < bytes; i += 81) text[i] = '\n';
  return text;
}

TEST(CodeCorpus, FilterKeepsLongCSourcesOnly) {
  EXPECT_TRUE(is_long_c_source({"linux/kernel/sched/core.c", 40960}, 40960));
  EXPECT_TRUE(is_long_c_source({"linux/include/linux/mm.h", 50000}, 40960));
  EXPECT_FALSE(is_long_c_source({"linux/kernel/sched/core.c", 40959}, 40960));
  EXPECT_FALSE(is_long_c_source({"linux/Documentation/big.rst", 90000}, 40960));
  EXPECT_FALSE(is_long_c_source({"linux/drivers/gpu/drm/amd/include/asic_reg/gc/gc_9_0_offset.h", 90000}, 40960));
  EXPECT_FALSE(is_long_c_source({"linux/drivers/gpu/drm/radeon/foo_sh_mask.h", 90000}, 40960));
  EXPECT_FALSE(is_long_c_source({"linux/a.cc", 90000}, 40960));
}

TEST(CodeCorpus, ParsesTarListingLines) {
  TarMember m;
  ASSERT_TRUE(parse_tar_listing_line("-rw-r--r-- 0/0           20420 2026-11-06 18:15 linux-source-6.1/a b.c", m));
  EXPECT_EQ(m.path, "linux-source-6.1/a b.c");
  EXPECT_EQ(m.size, 20420);
  EXPECT_FALSE(parse_tar_listing_line("drwxr-xr-x 0/0 0 2026-11-26 17:12 linux-source-6.1/", m));
  EXPECT_FALSE(parse_tar_listing_line("lrwxrwxrwx 0/0 0 2026-11-26 17:12 a -> b", m));
}

TEST(CodeCorpus, ReadsTheSelectedFilesFromAFakeTarball) {
  const auto root = fresh_temp_dir("ttt_fake_root");
  const auto tree = fresh_temp_dir("ttt_fake_tree");
  const std::string big_c = filled(41000, 'c'), big_h = filled(45000, 'h'), exact = filled(40960, 'e');
  write(tree / "linux-source-9.9/kernel/big.c", big_c);
  write(tree / "linux-source-9.9/include/big.h", big_h);
  write(tree / "linux-source-9.9/lib/exact.c", exact);
  write(tree / "linux-source-9.9/lib/small.c", filled(40959, 's'));
  write(tree / "linux-source-9.9/Documentation/long.rst", filled(50000, 'd'));
  write(tree / "linux-source-9.9/drivers/gpu/drm/amd/include/asic_reg/gc/gc_offset.h", filled(60000, 'r'));
  fs::create_directories(root / "usr/src");
  const auto made = test_support::run_shell("tar -C '" + tree.string() + "' -cJf '" + (root / "usr/src").string() +
                                            "/linux-source-9.9.tar.xz' linux-source-9.9");
  ASSERT_EQ(made.exit_code, 0) << made.output;

  SourceOptions options;
  options.package_root = root.string();
  std::vector<std::string> progress;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  const auto corpus = code_corpus(options);
  ASSERT_EQ(corpus.documents.size(), 3u);
  std::map<std::string, std::string> by_name;
  for (const auto& d : corpus.documents) by_name[d.name] = d.text;
  EXPECT_EQ(by_name["kernel/big.c"], big_c);
  EXPECT_EQ(by_name["include/big.h"], big_h);
  EXPECT_EQ(by_name["lib/exact.c"], exact);
  ASSERT_EQ(corpus.packages.size(), 1u);
  EXPECT_EQ(corpus.packages[0].package, "linux-source-9.9");
  EXPECT_FALSE(progress.empty());
  fs::remove_all(root);
  fs::remove_all(tree);
}

TEST(CodeCorpus, MissingPackageIsNamed) {
  const auto root = fresh_temp_dir("ttt_empty_root");
  SourceOptions options;
  options.package_root = root.string();
  expect_error([&] { code_corpus(options); }, {"corpus 'code'", "linux-source-6.1", "apt-get install", root.string()});
  fs::remove_all(root);
}

TEST(BooksCorpus, MissingPackagesAreNamed) {
  const auto root = fresh_temp_dir("ttt_empty_root_books");
  SourceOptions options;
  options.package_root = root.string();
  // The programs may be installed on this machine; the data packages under the empty root are not.
  expect_error([&] { books_corpus(options); }, {"corpus 'books'", "bible-kjv-text", "sword-text-web", "jargon-text"});
  fs::remove_all(root);
}

TEST(FolderCorpus, RelativeNamesSkipsBinaryAndBlank) {
  const auto dir = fresh_temp_dir("ttt_from_folder");
  write(dir / "b.txt", "bee\n");
  write(dir / "sub/a.txt", "ay\n");
  write(dir / "blank.txt", "  \n\n");
  write(dir / "image.bin", std::string("\x89PNG\0\0", 6));
  auto corpus = folder_corpus(dir.string());
  ASSERT_EQ(corpus.documents.size(), 3u);
  EXPECT_EQ(corpus.documents[0].name, "b.txt");
  EXPECT_EQ(corpus.documents[1].name, "blank.txt");
  EXPECT_EQ(corpus.documents[2].name, "sub/a.txt");
  EXPECT_EQ(corpus.documents[2].text, "ay\n");
  EXPECT_EQ(corpus.skipped_binary, 1);

  SplitOptions split;
  split.val_fraction = split.test_fraction = 0;
  const auto out = dir / "corpus";
  const auto manifest = build_corpus(std::move(corpus), split, out.string());
  EXPECT_EQ(manifest["skipped_empty"]["count"], 1);
  EXPECT_EQ(manifest["skipped_empty"]["names"][0], "blank.txt");
  EXPECT_EQ(manifest["splits"]["train"]["documents"], 2);
  EXPECT_EQ(manifest["splits"]["train"]["bytes"], 7);
  EXPECT_EQ(read_documents(split_path(out.string(), "train")).size(), 2u);
  EXPECT_TRUE(read_documents(split_path(out.string(), "val")).empty());

  expect_error([&] { folder_corpus((dir / "nope").string()); }, {"not a folder"});
  const auto empty_only = fresh_temp_dir("ttt_from_blank");
  write(empty_only / "e.txt", "\n");
  expect_error([&] { build_corpus(folder_corpus(empty_only.string()), split, (empty_only / "o").string()); },
               {"no documents with text", "1 empty"});
  EXPECT_FALSE(fs::exists(empty_only / "o"));
  fs::remove_all(dir);
  fs::remove_all(empty_only);
}

}  // namespace
}  // namespace ttt::data
