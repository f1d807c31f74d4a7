#include "ttt/util/temp_file_registry.h"

#include <atomic>
#include <climits>
#include <csignal>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace ttt {
namespace {

constexpr int kSlots = 64;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

struct Slot {
  std::atomic<bool> used{false};
  char path[PATH_MAX + 1] = {};
};

Slot g_slots[kSlots];
std::mutex g_claim_mutex;  // claiming slots (never taken in the handler)

extern "C" void remove_temp_files_and_reraise(int signal_number) {
  for (Slot& slot : g_slots)
    if (slot.used.load(std::memory_order_acquire)) ::unlink(slot.path);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal_number, &default_action, nullptr);
  ::raise(signal_number);  // delivered when the handler returns (the signal is blocked inside it)
}

void install_handlers_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int signal_number : kSignals) {
      struct sigaction current {};
      if (::sigaction(signal_number, nullptr, &current) != 0) continue;
      if (current.sa_handler != SIG_DFL || (current.sa_flags & SA_SIGINFO)) continue;  // someone else's
      struct sigaction action {};
      action.sa_handler = remove_temp_files_and_reraise;
      sigemptyset(&action.sa_mask);
      for (int other : kSignals) sigaddset(&action.sa_mask, other);
      ::sigaction(signal_number, &action, nullptr);
    }
  });
}

}  // namespace

int register_temp_file(const std::string& path) {
  if (path.size() > PATH_MAX) return -1;
  install_handlers_once();
  std::lock_guard<std::mutex> lock(g_claim_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].used.load(std::memory_order_relaxed)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].used.store(true, std::memory_order_release);
    return i;
  }
  return -1;
}

void unregister_temp_file(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  std::lock_guard<std::mutex> lock(g_claim_mutex);
  g_slots[slot].used.store(false, std::memory_order_release);
}

int registered_temp_files() {
  int n = 0;
  for (const Slot& slot : g_slots) n += slot.used.load(std::memory_order_acquire) ? 1 : 0;
  return n;
}

}  // namespace ttt
