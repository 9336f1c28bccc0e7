// installStopSignals: SIGINT/SIGTERM stop, a second one (Ctrl-C twice, `timeout` signalling the
// process and its group) never kills the process before its final report; SIGHUP stops, calls
// the command's action or keeps its default, as the command asks.
#include "stop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>

namespace ovse::cli {
namespace {

std::atomic<int> g_stops{0};
std::atomic<int> g_hangups{0};

void countStop() { g_stops.fetch_add(1); }
void countHangup() { g_hangups.fetch_add(1); }

TEST(StopSignals, SecondInterruptAfterTheStopDoesNotKillTheProcess) {
  // In a child, so a handler that is gone (the bug) kills the child, not the test.
  EXPECT_EXIT(
      {
        g_stops = 0;
        installStopSignals({.on_stop = countStop});
        raise(SIGINT);
        if (!stopRequested()) std::_Exit(2);
        raise(SIGINT);  // Ctrl-C twice, while the final counters are written
        raise(SIGTERM);
        std::cerr << "final report after " << g_stops.load() << " stops";
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "final report after 3 stops");
}

TEST(StopSignals, HangupCallsTheCommandsActionAndDoesNotStop) {
  g_hangups = 0;
  installStopSignals({.on_hangup = countHangup});
  raise(SIGHUP);
  raise(SIGHUP);
  EXPECT_EQ(g_hangups.load(), 2);
  EXPECT_FALSE(stopRequested());
  raise(SIGTERM);
  EXPECT_TRUE(stopRequested());
}

TEST(StopSignals, HangupStopsWhenTheCommandSaysSo) {
  installStopSignals({.hangup_stops = true});
  EXPECT_FALSE(stopRequested());
  raise(SIGHUP);
  EXPECT_TRUE(stopRequested());
}

TEST(StopSignals, InstallingAgainClearsTheStop) {
  installStopSignals({});
  raise(SIGINT);
  ASSERT_TRUE(stopRequested());
  installStopSignals({});
  EXPECT_FALSE(stopRequested());
}

TEST(StopSignals, WithoutAHangupActionSigHupKeepsItsDefault) {
  signal(SIGHUP, SIG_DFL);
  EXPECT_EXIT(
      {
        installStopSignals({});
        raise(SIGHUP);
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGHUP), "");
}

}  // namespace
}  // namespace ovse::cli
