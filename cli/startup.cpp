#include "startup.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ttt::cli {

void reexec_with_passive_omp_wait(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (argc < 2) return;
  for (const char* no_tensors : {"arc", "--help", "-h", "--help-all"})
    if (std::strcmp(argv[1], no_tensors) == 0) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0) != 0) return;
  execv("/proc/self/exe", argv);
  // exec failed (no /proc?): carry on with the default policy; the environment variable now set is harmless.
}

}  // namespace ttt::cli
