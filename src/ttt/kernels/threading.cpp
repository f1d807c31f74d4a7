#include "ttt/kernels/threading.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include <torch/torch.h>

#include "ttt/kernels/cpu/ttt_inner_fused.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/util/error.h"

#ifdef TTT_OPENBLAS_LINKED
extern "C" {
int openblas_get_parallel(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
void openblas_set_num_threads(int);
}
#endif

namespace ttt::kernels {

void set_threads(int threads) {
  if (threads <= 0) return;
  torch::set_num_threads(threads);
#ifdef TTT_OPENBLAS_LINKED
  openblas_set_num_threads(threads);
#endif
}

std::string blas_threading() {
#ifdef TTT_OPENBLAS_LINKED
  switch (openblas_get_parallel()) {
    case 0: return "serial";
    case 1: return "pthread";
    case 2: return "openmp";
  }
#endif
  return "unknown";
}

std::string better_openblas_coretype() {
#if defined(TTT_OPENBLAS_LINKED) && defined(__x86_64__)
  const std::string core = openblas_get_corename();
  for (const char* weak : {"prescott", "Prescott", "nehalem", "Nehalem", "core2", "Core2", "katmai", "Katmai"}) {
    if (core != weak) continue;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
      return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  }
#endif
  return "";
}

void keep_freed_memory() {
  // Blocks up to 64 MiB come from the heap (not fresh mmaps) and up to 1 GiB of freed heap stays mapped.
  // Measured (docs/results.md "Kernels"): an mmap threshold of 1 GiB helped prefill as much but made decode
  // after a 32k prefill 1.3–2.7× slower per token; 64 MiB keeps decode flat.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

std::string thread_setup() {
  std::string blas = "BLAS as linked by libtorch";
#ifdef TTT_OPENBLAS_LINKED
  blas = str("BLAS ", openblas_get_config(), " (", blas_threading(), blas_threading() == "openmp" ? ", shares libtorch's pool)" : ")");
#endif
#ifdef TTT_OPENBLAS_LINKED
  blas = str(blas, " core ", openblas_get_corename());
#endif
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return str("threads ", torch::get_num_threads(), " (libtorch OpenMP); ", blas, "; OMP_WAIT_POLICY ",
             wait ? wait : "unset", ", GOMP_SPINCOUNT ", spin ? spin : "unset", "; GLIBC_TUNABLES ",
             tunables ? tunables : "unset", "; kernels ", impl_name(impl()), " ", cpu::isa_name());
}

}  // namespace ttt::kernels
