#pragma once
// The libFuzzer body for tokenized corpus files (ttt data tokenize's output, memory-mapped by the trainer),
// shared with tests/train/fuzz_lm_replay_test.cpp. Torch-free: fuzz/CMakeLists.txt builds it without libtorch.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "ttt/data/token_file.h"

namespace ttt::fuzz {

// Opens the bytes as a token file; what opens must read back in bounds, window by window, with every id
// below the vocabulary the header declares. Returns whether the file was accepted.
inline bool run_token_file(const std::uint8_t* data, std::size_t size) {
  static const std::string path = scratch_file("tokens.bin", "");
  scratch_file("tokens.bin", as_text(data, size));
  bool accepted = false;
  expect_clean([&] {
    const auto file = ttt::data::TokenFile::open(path);
    const auto& info = file->info();
    if (info.token_count < 0 || info.vocab_size < 1) __builtin_trap();
    std::vector<std::int64_t> tokens(static_cast<std::size_t>(std::min<std::int64_t>(info.token_count, 4096)));
    file->read(0, static_cast<std::int64_t>(tokens.size()), tokens.data());
    for (const std::int64_t id : tokens)
      if (id < 0 || id >= info.vocab_size) __builtin_trap();
    for (const std::int64_t context : {1, 7}) {
      const ttt::data::TokenFileWindows windows(file, context);
      std::vector<std::int64_t> window(static_cast<std::size_t>(windows.window_length()));
      for (std::int64_t i = 0; i < std::min<std::int64_t>(windows.size(), 64); ++i) windows.read(i, window.data());
    }
    file->check_vocab(info.vocab_size, info.tokenizer_fingerprint, "fuzz");
    accepted = true;
    // Reads past the end must be refused, not performed.
    expect_clean([&] { file->token(info.token_count); });
    expect_clean([&] { file->read(info.token_count, 1, tokens.data()); });
  });
  return accepted;
}

}  // namespace ttt::fuzz
