// The signals of a command that runs until stopped (capture, collect, export, hosts --reconcile,
// ovn sync --watch): SIGINT and SIGTERM ask it to stop; SIGHUP stops it, or does what the
// command gives (collect: new files; hosts/ovn: read the store again), or is left alone.
// The handlers stay installed until the process exits: a second signal (Ctrl-C twice, `timeout`
// signalling the process and its group) between the stop and the final report only asks again;
// it never kills the process before its final counters are written. No SA_RESTART: a signal
// cuts a poll() or sleep short. (The daemon waits for its signals in its io loop instead.)
#pragma once

namespace ovse::cli {

struct StopSignalActions {
  /// Called from the handler after stopRequested() turns true; async-signal-safe work only
  /// (setting an atomic, a runner's stop()).
  void (*on_stop)() = nullptr;
  /// SIGHUP calls this (async-signal-safe) instead of stopping; with none, `hangup_stops` says.
  void (*on_hangup)() = nullptr;
  /// Without on_hangup: true, SIGHUP stops like SIGINT; false, SIGHUP keeps its default action.
  bool hangup_stops = false;
};

/// Installs the handlers and clears stopRequested().
void installStopSignals(StopSignalActions actions = {});

/// True once SIGINT or SIGTERM (or a stopping SIGHUP) arrived since installStopSignals().
bool stopRequested();

}  // namespace ovse::cli
