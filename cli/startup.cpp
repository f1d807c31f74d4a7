#include "startup.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "ttt/kernels/threading.h"

namespace ttt::cli {
namespace {

// How long an idle libgomp thread spins before it sleeps (iterations). libgomp's default (300000) burns the
// core another process needs; PASSIVE (0) pays a futex wake-up — on a VM an inter-processor interrupt to a
// halted vCPU — for every parallel region, and a training step has hundreds of small ones. 1000 measured
// best overall (docs/results.md "Kernels": TTT-Linear train_step L 512 2.2× PASSIVE alone, 0.7× when two
// processes share the two cores).
constexpr const char* kSpinCount = "1000";

// glibc ≥ 2.35 backs large malloc blocks with transparent huge pages (madvise) when asked: a 125m prefill
// allocates ~1 GB of fresh activations and logits per forward, and faulting them in 4 KiB pages cost ~10 % of
// its cycles (docs/results.md). Older glibc ignores the unknown tunable.
constexpr const char* kMallocTunables = "glibc.malloc.hugetlb=1";

bool runs_tensor_code(int argc, char** argv) {
  if (argc < 2) return false;
  for (const char* no_tensors : {"--help", "-h", "--help-all"})
    if (std::strcmp(argv[1], no_tensors) == 0) return false;
  // Most ARC commands are data only; those that run the model need the set-up like every lm command.
  if (std::strcmp(argv[1], "arc") == 0) {
    if (argc < 3) return false;
    for (const char* with_model : {"pretrain", "ttt", "predict", "eval"})
      if (std::strcmp(argv[2], with_model) == 0) return true;
    return false;
  }
  return true;
}

}  // namespace

void apply_startup_setup(int argc, char** argv) {
  if (!runs_tensor_code(argc, argv)) return;
  // Guard against a loop: the re-executed process sees TTT_STARTUP_DONE and goes on.
  if (std::getenv("TTT_STARTUP_DONE") == nullptr) {
    bool changed = false;
    if (std::getenv("OMP_WAIT_POLICY") == nullptr && std::getenv("GOMP_SPINCOUNT") == nullptr)
      changed |= setenv("GOMP_SPINCOUNT", kSpinCount, 0) == 0;
    if (std::getenv("GLIBC_TUNABLES") == nullptr) changed |= setenv("GLIBC_TUNABLES", kMallocTunables, 0) == 0;
    if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
      const auto core = kernels::better_openblas_coretype();
      if (!core.empty()) changed |= setenv("OPENBLAS_CORETYPE", core.c_str(), 0) == 0;
    }
    if (changed) {
      setenv("TTT_STARTUP_DONE", "1", 1);
      execv("/proc/self/exe", argv);
      // exec failed (no /proc?): carry on with the defaults.
    }
  }
  if (std::getenv("OMP_NUM_THREADS") == nullptr) {
    const auto cpus = static_cast<int>(std::thread::hardware_concurrency());
    if (cpus > 0) kernels::set_threads(cpus);
  }
  kernels::keep_freed_memory();
}

}  // namespace ttt::cli
