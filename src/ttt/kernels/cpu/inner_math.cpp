#include "ttt/kernels/cpu/inner_math.h"

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

}  // namespace ttt::kernels::cpu::detail
