// The shared JSON layer every JSON reader (tasks, submissions, solutions, config.json, safetensors headers)
// goes through: depth pre-scan, duplicate keys, messages. config.cpp itself needs libtorch (its
// activations), so its key reading is covered by the end-to-end tests instead.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_json(data, size);
  return 0;
}
