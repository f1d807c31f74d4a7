#include "ttt/kernels/threading.h"

#include <cstdlib>

#include <torch/torch.h>

#include "ttt/kernels/cpu/ttt_inner_fused.h"
#include "ttt/kernels/dispatch.h"
#include "ttt/util/error.h"

#ifdef TTT_OPENBLAS_LINKED
extern "C" {
int openblas_get_parallel(void);
char* openblas_get_config(void);
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

std::string thread_setup() {
  std::string blas = "BLAS as linked by libtorch";
#ifdef TTT_OPENBLAS_LINKED
  blas = str("BLAS ", openblas_get_config(), " (", blas_threading(), blas_threading() == "openmp" ? ", shares libtorch's pool)" : ")");
#endif
  const char* wait = std::getenv("OMP_WAIT_POLICY");
  return str("threads ", torch::get_num_threads(), " (libtorch OpenMP); ", blas, "; OMP_WAIT_POLICY ",
             wait ? wait : "unset", "; kernels ", impl_name(impl()), " ", cpu::isa_name());
}

}  // namespace ttt::kernels
