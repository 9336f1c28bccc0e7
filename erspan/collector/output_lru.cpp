// OutputLru: an intrusive doubly linked list over output ids, oldest write first.
#include "erspan/collector/output_lru.h"

namespace ovse::erspan::collector {

void OutputLru::unlink(std::size_t id) noexcept {
  Node& n = nodes_[id];
  if (n.prev != kNone) {
    nodes_[n.prev].next = n.next;
  } else {
    oldest_ = n.next;
  }
  if (n.next != kNone) {
    nodes_[n.next].prev = n.prev;
  } else {
    newest_ = n.prev;
  }
  n.prev = n.next = kNone;
}

void OutputLru::pushMostRecent(std::size_t id) noexcept {
  Node& n = nodes_[id];
  n.prev = newest_;
  n.next = kNone;
  if (newest_ != kNone) {
    nodes_[newest_].next = id;
  } else {
    oldest_ = id;
  }
  newest_ = id;
}

void OutputLru::touch(std::size_t id) noexcept {
  if (!isOpen(id) || newest_ == id) return;  // the common case: the same output again
  unlink(id);
  pushMostRecent(id);
}

std::optional<std::size_t> OutputLru::victimFor(std::uint64_t buffer_bytes) const noexcept {
  if (oldest_ == kNone) return std::nullopt;  // nothing to close: the first output always opens
  const bool too_many = open_count_ + 1 > max_open_;
  const bool too_big = buffer_bytes_ + buffer_bytes > max_buffer_bytes_;
  if (!too_many && !too_big) return std::nullopt;
  return oldest_;
}

void OutputLru::opened(std::size_t id, std::uint64_t buffer_bytes) {
  if (id >= nodes_.size()) nodes_.resize(id + 1);
  if (nodes_[id].open) closed(id);
  nodes_[id].open = true;
  nodes_[id].buffer_bytes = buffer_bytes;
  ++open_count_;
  buffer_bytes_ += buffer_bytes;
  pushMostRecent(id);
}

void OutputLru::closed(std::size_t id) noexcept {
  if (!isOpen(id)) return;
  unlink(id);
  nodes_[id].open = false;
  --open_count_;
  buffer_bytes_ -= nodes_[id].buffer_bytes;
  nodes_[id].buffer_bytes = 0;
}

std::vector<std::size_t> OutputLru::order() const {
  std::vector<std::size_t> out;
  for (std::size_t id = oldest_; id != kNone; id = nodes_[id].next) out.push_back(id);
  return out;
}

}  // namespace ovse::erspan::collector
