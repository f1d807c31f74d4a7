// The model-output grid parsers: generated text (parse_grid_text) and generated tokens (parse_grid_tokens,
// ids taken as little-endian int32 from the input). Both return nullopt for malformed output; whatever
// they accept must be a valid grid that prints back to itself.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_grid_output(data, size);
  return 0;
}
