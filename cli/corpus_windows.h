#pragma once
// The splits of a tokenized corpus folder (`ttt data tokenize`: train.bin, val.bin, test.bin) as L+1
// windows for the trainer and the evaluator.
#include <cstdint>
#include <memory>
#include <string>

#include "ttt/data/window_source.h"

namespace ttt::cli {

struct CorpusWindows {
  std::unique_ptr<data::WindowSource> train, validation;  // validation may be absent
  std::int64_t vocab_size = 0;                            // of the tokenizer the corpus was encoded with
};

CorpusWindows open_corpus(const std::string& dir, std::int64_t context);
// One split ("train", "val", "test"); throws naming the file when it is missing or malformed.
std::unique_ptr<data::WindowSource> open_split(const std::string& dir, const std::string& split, std::int64_t context,
                                               std::int64_t* vocab_size = nullptr);

}  // namespace ttt::cli
