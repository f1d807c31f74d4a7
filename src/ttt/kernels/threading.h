#pragma once
// The process's thread set-up, decided once: libtorch's intra-op OpenMP pool does the element-wise ops
// and the fused kernels' (batch × head) loop, and OpenBLAS — linked as its OpenMP build, see
// CMakeLists.txt — runs its GEMMs on that same pool instead of a second, competing pthread pool.
#include <string>

namespace ttt::kernels {

// Sets libtorch's and OpenBLAS's thread counts together (threads ≤ 0 keeps libtorch's default).
void set_threads(int threads);

// One line for `ttt --version` / `ttt bench`, e.g.
// "threads 2 (libtorch OpenMP); BLAS OpenBLAS 0.3.21 openmp (shared pool); OMP_WAIT_POLICY passive; kernels fused avx512".
std::string thread_setup();

// "openmp", "pthread", "serial", or "unknown" when OpenBLAS is not linked directly.
std::string blas_threading();

}  // namespace ttt::kernels
