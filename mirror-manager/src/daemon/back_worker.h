// BackWorker: the daemon's second thread. Everything that touches the session service, the
// store and OVS runs on it, one task at a time, so the io thread (HTTP, signals) never waits on
// OVS: a request is answered by its handler on this thread, or, when the handler has not
// answered within the request's bound (a task is waiting on ovs-vswitchd), by a fallback the io
// thread builds from what it knows.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "http_server.h"

namespace ovse::manager::daemon {

/// Runs `context` until it is stopped or out of work. An exception that escapes a handler is
/// logged and the loop goes on: one bad event never takes the daemon down.
void runLogged(boost::asio::io_context& context,
               const std::function<void(const std::string&)>& log);

class BackWorker {
 public:
  /// Builds the answer of a request that its handler did not give in time; gets how long the
  /// worker has been busy with its current task.
  using Fallback = std::function<HttpResponse(std::chrono::milliseconds busy_for)>;

  /// `front` is the io thread's context (where responses are sent from); `log` gets a line
  /// for a task that failed with an exception.
  BackWorker(boost::asio::io_context& front, HttpCounters& counters,
             std::function<void(const std::string&)> log);
  ~BackWorker();
  BackWorker(const BackWorker&) = delete;
  BackWorker& operator=(const BackWorker&) = delete;

  /// The worker's context, for timers whose handlers must run on it.
  boost::asio::io_context& context() { return back_; }

  /// Starts the thread.
  void start();
  /// Finishes the task under way (a wait on OVS ends within its own timeout), then joins.
  void stop();

  /// Runs `task` on the worker thread.
  void post(std::function<void()> task);

  /// Runs `handle(request)` on the worker and sends its response from the io thread; if it
  /// has not answered within `bound`, sends `fallback(...)` instead (and drops the late answer).
  void answer(HttpRequest request, HttpServer::Respond respond,
              std::function<HttpResponse(const HttpRequest&)> handle,
              std::chrono::milliseconds bound, Fallback fallback);

  /// How long the current task has been running (0 when the worker is idle).
  std::chrono::milliseconds busyFor() const;

 private:
  void runGuarded(const std::function<void()>& task);

  boost::asio::io_context& front_;
  boost::asio::io_context back_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_;
  HttpCounters& counters_;
  std::function<void(const std::string&)> log_;
  std::thread thread_;
  /// steady_clock nanoseconds since epoch when the current task started; 0 when idle.
  std::atomic<std::int64_t> busy_since_ns_{0};
};

}  // namespace ovse::manager::daemon
