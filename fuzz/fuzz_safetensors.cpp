// safetensors reader: parse_safetensors on the bytes, and read_safetensors on them as a file (the seeking
// reader that never copies the whole file).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_safetensors(data, size);
  return 0;
}
