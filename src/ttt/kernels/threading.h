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

// OpenBLAS picks its GEMM kernels from the CPU model at load time; on CPUs it does not know (virtual
// machines reporting a generic "Intel Xeon Processor") it falls back to its SSE3 "Prescott" kernels, ~1.7×
// slower here than its AVX-512 ones. Returns the OPENBLAS_CORETYPE that fits this CPU's features
// ("SkylakeX", "Haswell") when OpenBLAS chose a weaker core, else "" (also when not linked directly).
std::string better_openblas_coretype();

// Keeps freed blocks (up to 64 MiB each, 1 GiB in all) in the heap instead of returning them to the OS, so
// the big temporaries of every forward do not page-fault afresh on each call.
void keep_freed_memory();

}  // namespace ttt::kernels
