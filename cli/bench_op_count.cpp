#include "bench_op_count.h"

#include <ATen/record_function.h>

namespace ttt::cli {
namespace {

thread_local AtenOpCount* g_count = nullptr;
thread_local std::int64_t g_depth = 0;

std::unique_ptr<at::ObserverContext> on_enter(const at::RecordFunction& fn) {
  if (g_count) {
    g_count->total += 1;
    if (g_depth == 0) {
      g_count->top_level += 1;
      g_count->top_level_by_name[fn.name()] += 1;
    }
  }
  g_depth += 1;
  return nullptr;
}

void on_exit(const at::RecordFunction&, at::ObserverContext*) { g_depth -= 1; }

}  // namespace

AtenOpCount count_aten_ops(const std::function<void()>& run) {
  AtenOpCount count;
  g_count = &count;
  g_depth = 0;
  const auto handle =
      at::addThreadLocalCallback(at::RecordFunctionCallback(on_enter, on_exit).scopes({at::RecordScope::FUNCTION}));
  try {
    run();
  } catch (...) {
    at::removeCallback(handle);
    g_count = nullptr;
    throw;
  }
  at::removeCallback(handle);
  g_count = nullptr;
  return count;
}

}  // namespace ttt::cli
