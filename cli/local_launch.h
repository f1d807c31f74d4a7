#pragma once
// `--nproc N`: starts N copies of this very command as the ranks of a local c10d group (torchrun-style
// environment: RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1, a free MASTER_PORT), splits the
// machine's cores between them, waits, and returns the first non-zero exit code (0 when all succeed).
namespace ttt::cli {

// Set in every worker's environment, so a command knows the launcher (not a user) made it a rank.
inline constexpr const char* kLocalWorkerVariable = "TTT_LOCAL_WORKER";

void remember_process_arguments(int argc, char** argv);  // called by main()
int launch_local_workers(int nproc);

}  // namespace ttt::cli
