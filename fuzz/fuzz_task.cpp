// ARC task reader: one task file (parse_task, load_tasks, validate), which also sees Kaggle challenges and
// solutions layouts since the layout is detected from the content.
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ttt::fuzz::run_task(data, size);
  return 0;
}
