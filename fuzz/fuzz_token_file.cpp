// libFuzzer target: see ttt::fuzz::run_token_file in targets_data.h.
#include "targets_data.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_token_file(data, size);
  return 0;
}
