// Submission and solutions readers, and scoring one against the other (input split at the first NUL).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_submission(data, size);
  return 0;
}
