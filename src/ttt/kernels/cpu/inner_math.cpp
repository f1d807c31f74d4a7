#include "ttt/kernels/cpu/inner_math.h"

#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

namespace ttt::kernels::cpu::detail {

Isa detected_isa() {
#ifdef TTT_HAVE_ISA_VARIANTS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Generic;
}

std::optional<Isa> parse_isa(const char* name) {
  if (std::strcmp(name, "avx512") == 0) return Isa::Avx512;
  if (std::strcmp(name, "avx2") == 0) return Isa::Avx2;
  if (std::strcmp(name, "generic") == 0) return Isa::Generic;
  return std::nullopt;
}

Isa cpu_isa() {
  // Read once, on the first kernel call (never during static initialisation, so `ttt`'s start-up re-exec does
  // not report a bad value twice); a kernel call must not fail for it, so an unknown value is reported, not
  // thrown.
  static const Isa isa = [] {
    const Isa detected = detected_isa();
    const char* requested = std::getenv("TTT_KERNEL_ISA");
    if (requested == nullptr || *requested == '\0') return detected;
    const std::optional<Isa> wanted = parse_isa(requested);
    if (!wanted) {
      std::fprintf(stderr, "ttt: TTT_KERNEL_ISA='%s' is not one of avx512, avx2, generic; using the CPU's best\n",
                   requested);
      return detected;
    }
    // Never wider than the CPU runs: the enum is ordered Generic < Avx2 < Avx512.
    return static_cast<int>(*wanted) < static_cast<int>(detected) ? *wanted : detected;
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
