#include "corpus_windows.h"

#include <filesystem>

#include "ttt/data/token_file.h"
#include "ttt/util/error.h"

namespace ttt::cli {

std::unique_ptr<data::WindowSource> open_split(const std::string& dir, const std::string& split, std::int64_t context,
                                               std::int64_t* vocab_size) {
  std::error_code ec;
  TTT_CHECK(std::filesystem::is_directory(dir, ec), "[data] '", dir,
            "' is not a folder (expected a tokenized corpus from `ttt data tokenize`)");
  const std::string path = (std::filesystem::path(dir) / (split + ".bin")).string();
  TTT_CHECK(std::filesystem::exists(path, ec), "[data] ", path, ": missing (no '", split, "' split in ", dir, ")");
  auto file = data::TokenFile::open(path);
  if (vocab_size) *vocab_size = file->info().vocab_size;
  auto windows = std::make_unique<data::TokenFileWindows>(file, context);
  TTT_CHECK(windows->size() > 0, "[data] ", path, ": ", file->size(), " tokens do not fill one window of ", context + 1);
  return windows;
}

CorpusWindows open_corpus(const std::string& dir, std::int64_t context) {
  CorpusWindows c;
  c.train = open_split(dir, "train", context, &c.vocab_size);
  if (std::filesystem::exists(std::filesystem::path(dir) / "val.bin")) {
    std::int64_t vocab = 0;
    c.validation = open_split(dir, "val", context, &vocab);
    TTT_CHECK(vocab == c.vocab_size, "[data] ", dir, ": train.bin and val.bin were made with different tokenizers (vocab ",
              c.vocab_size, " vs ", vocab, ")");
  }
  return c;
}

}  // namespace ttt::cli
