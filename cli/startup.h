#pragma once
// Process start-up of the `ttt` tool: the fast set-up every user gets without environment variables.
namespace ttt::cli {

// Some settings are read once, when a library is loaded — before main — so they can only be changed by
// re-executing with them in the environment. The tool does that once, for commands that run tensor code
// (not `arc` or `--help`), and never overrides a variable the user set:
//  - GOMP_SPINCOUNT=1000 (unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set): a short spin before an idle
//    OpenMP thread sleeps — libgomp's default spin wastes the core another process needs, and sleeping at
//    once (PASSIVE) makes every small parallel region pay a wake-up (docs/results.md "Kernels");
//  - GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (unless GLIBC_TUNABLES is set): large blocks on transparent huge
//    pages, so fresh activations do not page-fault every 4 KiB;
//  - OPENBLAS_CORETYPE=SkylakeX|Haswell when OpenBLAS did not recognise the CPU and fell back to SSE3
//    kernels (kernels::better_openblas_coretype).
// Then, in the process that stays: intra-op threads = online CPUs unless OMP_NUM_THREADS says otherwise
// (libtorch's own default is 1 on some VMs), and freed large blocks are kept for reuse.
void apply_startup_setup(int argc, char** argv);

}  // namespace ttt::cli
