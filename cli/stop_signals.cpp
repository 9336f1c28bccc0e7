// installStopSignals: one sigaction set-up for every long-running command.
#include "stop_signals.h"

#include <signal.h>

#include <atomic>

namespace ovse::cli {
namespace {

std::atomic<bool> g_stop{false};
StopSignalActions g_actions;

static_assert(std::atomic<bool>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void onStopSignal(int signo) {
  if (signo == SIGHUP && g_actions.on_hangup != nullptr) {
    g_actions.on_hangup();
    return;
  }
  g_stop.store(true);
  if (g_actions.on_stop != nullptr) g_actions.on_stop();
}

}  // namespace

void installStopSignals(StopSignalActions actions) {
  g_stop.store(false);
  g_actions = actions;
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a signal cuts a poll() wait short
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  if (actions.on_hangup != nullptr || actions.hangup_stops) sigaction(SIGHUP, &sa, nullptr);
}

bool stopRequested() { return g_stop.load(); }

}  // namespace ovse::cli
