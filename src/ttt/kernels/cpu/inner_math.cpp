#include "ttt/kernels/cpu/inner_math.h"

#include <ATen/Parallel.h>

#include <mutex>
#include <set>

namespace ttt::kernels::cpu::detail {

Isa cpu_isa() {
  static const Isa isa = [] {
#ifdef TTT_HAVE_ISA_VARIANTS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
      return Isa::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
    return Isa::Generic;
  }();
  return isa;
}

int parallel_for_threads(std::int64_t items) {
  std::mutex m;
  std::set<int> seen;
  at::parallel_for(0, items, 1, [&](std::int64_t, std::int64_t) {
    std::lock_guard<std::mutex> lock(m);
    seen.insert(at::get_thread_num());
  });
  return static_cast<int>(seen.size());
}

}  // namespace ttt::kernels::cpu::detail
