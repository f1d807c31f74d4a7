#pragma once
// Process start-up of the `ttt` tool: the thread set-up every user gets without environment variables.
namespace ttt::cli {

// libgomp reads OMP_WAIT_POLICY once, when it is loaded — before main — and its default (spin before
// sleeping) costs us badly on small or shared machines: workers spin while the other thread (or another
// process) needs the core (measured in docs/results.md "Kernels": decode several times slower). So the
// tool re-executes itself once with OMP_WAIT_POLICY=PASSIVE unless the user set it (their choice wins) or
// the command never runs tensor code (`arc`, `--help`). Returns only if no re-exec happened.
void reexec_with_passive_omp_wait(int argc, char** argv);

}  // namespace ttt::cli
