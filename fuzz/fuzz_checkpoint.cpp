// libFuzzer target: see ttt::fuzz::run_checkpoint in targets_torch.h.
#include "targets_torch.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_checkpoint(data, size);
  return 0;
}
