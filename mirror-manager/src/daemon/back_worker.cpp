// The daemon's back thread and the bounded answers of requests (see back_worker.h).
#include "back_worker.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ovse::manager::daemon {
namespace {

namespace asio = boost::asio;

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One request in flight: answered once, by its handler or by the fallback.
struct Pending {
  Pending(asio::io_context& front, HttpServer::Respond r)
      : respond(std::move(r)), deadline(front) {}
  HttpServer::Respond respond;
  asio::steady_timer deadline;
  bool answered = false;  // touched on the io thread only
};

}  // namespace

BackWorker::BackWorker(asio::io_context& front, HttpCounters& counters,
                       std::function<void(const std::string&)> log)
    : front_(front),
      keep_running_(asio::make_work_guard(back_)),
      counters_(counters),
      log_(std::move(log)) {}

BackWorker::~BackWorker() { stop(); }

void runLogged(asio::io_context& context, const std::function<void(const std::string&)>& log) {
  for (;;) {
    try {
      context.run();
      return;
    } catch (const std::exception& e) {
      log(std::string("internal error (the daemon goes on): ") + e.what());
    }
  }
}

void BackWorker::start() {
  thread_ = std::thread([this] { runLogged(back_, log_); });
}

void BackWorker::stop() {
  keep_running_.reset();
  back_.stop();
  if (thread_.joinable()) thread_.join();
}

void BackWorker::runGuarded(const std::function<void()>& task) {
  busy_since_ns_ = nowNs();
  try {
    task();
  } catch (const std::exception& e) {
    log_(std::string("internal error (the daemon goes on): ") + e.what());
  }
  busy_since_ns_ = 0;
}

void BackWorker::post(std::function<void()> task) {
  asio::post(back_, [this, task = std::move(task)] { runGuarded(task); });
}

void BackWorker::answer(HttpRequest request, HttpServer::Respond respond,
                        std::function<HttpResponse(const HttpRequest&)> handle,
                        std::chrono::milliseconds bound, Fallback fallback) {
  auto pending = std::make_shared<Pending>(front_, std::move(respond));
  pending->deadline.expires_after(bound);
  pending->deadline.async_wait(
      [this, pending, fallback = std::move(fallback)](const boost::system::error_code& ec) {
        if (ec || pending->answered) return;
        pending->answered = true;
        pending->respond(fallback(busyFor()));
      });
  asio::post(back_, [this, pending, request = std::move(request), handle = std::move(handle)] {
    busy_since_ns_ = nowNs();
    HttpResponse response;
    try {
      response = handle(request);
    } catch (const std::exception& e) {
      response = internalError(counters_, e.what());
    } catch (...) {
      response = internalError(counters_, "unknown exception");
    }
    busy_since_ns_ = 0;
    asio::post(front_, [pending, response = std::move(response)]() mutable {
      if (pending->answered) return;
      pending->answered = true;
      pending->deadline.cancel();
      pending->respond(std::move(response));
    });
  });
}

std::chrono::milliseconds BackWorker::busyFor() const {
  const std::int64_t since = busy_since_ns_;
  if (since == 0) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(nowNs() - since));
}

}  // namespace ovse::manager::daemon
