#pragma once
// Graceful interruption of long jobs: the first SIGINT/SIGTERM only raises a flag (the job finishes its
// step, saves a checkpoint and exits); a second one restores the default action and re-raises, so a user
// who presses Ctrl-C twice is never stuck.
namespace ttt {

void install_graceful_interrupt();
bool interrupt_requested();
int interrupt_signal();  // the signal received, 0 if none

}  // namespace ttt
