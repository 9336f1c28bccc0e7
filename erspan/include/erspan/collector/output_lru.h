// Which capture outputs stay open: at most N files and B bytes of buffers, the least recently
// written closed first. Pure bookkeeping over output ids (no files), so the policy is testable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ovse::erspan::collector {

/// Open outputs in order of their last write, with the caps they must stay within.
class OutputLru {
 public:
  /// At most `max_open` outputs holding at most `max_buffer_bytes` of buffers together.
  OutputLru(std::size_t max_open, std::uint64_t max_buffer_bytes) noexcept
      : max_open_(max_open), max_buffer_bytes_(max_buffer_bytes) {}

  /// Marks open output `id` as the most recently written. O(1), no allocation.
  void touch(std::size_t id) noexcept;

  /// The output to close before one with `buffer_bytes` of buffers can open within the caps
  /// (the least recently written), or nullopt when it fits. Call again after closing it.
  [[nodiscard]] std::optional<std::size_t> victimFor(std::uint64_t buffer_bytes) const noexcept;

  /// Records that `id` opened with `buffer_bytes` of buffers (it becomes the most recent).
  void opened(std::size_t id, std::uint64_t buffer_bytes);
  /// Records that `id` closed (no effect when it is not open).
  void closed(std::size_t id) noexcept;

  /// True when `id` is open.
  [[nodiscard]] bool isOpen(std::size_t id) const noexcept {
    return id < nodes_.size() && nodes_[id].open;
  }
  /// Outputs open now.
  [[nodiscard]] std::size_t openCount() const noexcept { return open_count_; }
  /// Buffer bytes of the open outputs.
  [[nodiscard]] std::uint64_t bufferBytes() const noexcept { return buffer_bytes_; }
  /// Open outputs from least to most recently written (for tests and diagnostics).
  [[nodiscard]] std::vector<std::size_t> order() const;

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  /// One entry of the intrusive list, indexed by output id (ids are dense: session indexes).
  struct Node {
    std::size_t prev = kNone;  ///< towards the least recent
    std::size_t next = kNone;  ///< towards the most recent
    std::uint64_t buffer_bytes = 0;
    bool open = false;
  };
  void unlink(std::size_t id) noexcept;
  void pushMostRecent(std::size_t id) noexcept;

  std::size_t max_open_;
  std::uint64_t max_buffer_bytes_;
  std::vector<Node> nodes_;
  std::size_t oldest_ = kNone;
  std::size_t newest_ = kNone;
  std::size_t open_count_ = 0;
  std::uint64_t buffer_bytes_ = 0;
};

}  // namespace ovse::erspan::collector
