// Kaggle challenges + solutions pair: the input is split at the first NUL byte into the two files.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_kaggle(data, size);
  return 0;
}
