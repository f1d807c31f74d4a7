#pragma once
// How many libtorch operators one call dispatches: each costs about a microsecond of fixed overhead on
// this machine, which is what decoding one token is made of once its weight reads are fast (docs/results.md).
// Counted with an at::RecordFunction callback on the calling thread, only while `count_aten_ops` runs.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace ttt::cli {

struct AtenOpCount {
  std::int64_t top_level = 0;  // operators called from our code (not from inside another operator)
  std::int64_t total = 0;      // including the ones those call internally
  std::map<std::string, std::int64_t> top_level_by_name;  // "aten::empty" → calls, top level only
};

AtenOpCount count_aten_ops(const std::function<void()>& run);

}  // namespace ttt::cli
