#include "erspan/collector/write_behind.h"

#include <unistd.h>

#include <cerrno>

namespace ovse::erspan::collector {

int writeAll(int fd, const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return ENOSPC;
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

WriteBehind::WriteBehind() : thread_([this] { run(); }) {}

WriteBehind::~WriteBehind() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  thread_.join();
}

void WriteBehind::submit(Job& job) {
  job.done = false;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(&job);
  }
  queued_.notify_one();
}

void WriteBehind::wait(Job& job) {
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [&] { return job.done; });
}

void WriteBehind::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and every job has run
    Job* job = queue_.front();
    queue_.pop_front();
    lock.unlock();
    const int error = writeAll(job->fd, job->data, job->size);
    lock.lock();
    job->error = error;
    job->done = true;
    finished_.notify_all();
  }
}

}  // namespace ovse::erspan::collector
