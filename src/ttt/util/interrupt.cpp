#include "ttt/util/interrupt.h"

#include <csignal>

namespace ttt {
namespace {

volatile std::sig_atomic_t received = 0;

extern "C" void on_signal(int sig) {
  if (received != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  received = sig;
}

}  // namespace

void install_graceful_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() { return received != 0; }
int interrupt_signal() { return received; }

}  // namespace ttt
