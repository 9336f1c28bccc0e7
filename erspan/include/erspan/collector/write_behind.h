// WriteBehind: one thread that performs the write(2) calls of a collector's capture files, so
// that decapsulating the next packets overlaps the kernel copying the last buffer into the page
// cache (a fifth of offline collect's time), and a disk that stalls (writeback throttling, a
// slow NFS mount) stalls this thread rather than the capture loop.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace ovse::erspan::collector {

/// Writes all of `size` bytes at `data` to `fd` (retrying EINTR and short writes); returns 0 or
/// the errno that stopped it (ENOSPC for a write of 0 bytes).
int writeAll(int fd, const std::uint8_t* data, std::size_t size) noexcept;

class WriteBehind {
 public:
  /// One buffer to write. The submitter keeps it (and the bytes) alive until `wait` returns.
  struct Job {
    int fd = -1;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    int error = 0;      ///< result: 0 or the errno
    bool done = false;  ///< guarded by the WriteBehind's mutex
  };

  WriteBehind();
  /// Finishes the queued jobs, then stops the thread.
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  /// Queues `job` (jobs run in submission order).
  void submit(Job& job);
  /// Blocks until `job` has run.
  void wait(Job& job);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable finished_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ovse::erspan::collector
