#pragma once
// Temporary files in flight (atomic writes) are recorded here so that SIGINT, SIGTERM and SIGHUP remove
// them before the process dies: an interrupted `ttt` leaves no "*.ttt-XXXXXX" litter. The handler is
// installed on first use and only for signals still at their default action (a program that handles a
// signal itself keeps its handler); after unlinking it restores the default action and re-raises, so the
// exit status still says "killed by SIGINT". Async-signal-safe: fixed slots, unlink(2) only.
#include <string>

namespace ttt {

// Returns a slot id (or -1 when all slots are busy: the file is then simply not cleaned on a signal).
int register_temp_file(const std::string& path);
void unregister_temp_file(int slot);
// Number of registered paths, for tests.
int registered_temp_files();

}  // namespace ttt
