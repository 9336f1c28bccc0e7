// The byte buffer capture files are written through, allocated without being written: a file's
// buffer costs resident memory only as far as records fill it.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace ovse::erspan::collector {

/// std::allocator whose value-less construct leaves the bytes uninitialised, so that resizing a
/// buffer does not zero it. Large buffers are fresh mappings (see runCollector's mmap threshold)
/// whose pages become resident only when written: an output that writes one record (one of a
/// flood of exporters) keeps a page or two of its 512 KiB.
template <typename T>
struct UninitializedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() noexcept = default;
  template <typename U>
  UninitializedAllocator(const UninitializedAllocator<U>& /*other*/) noexcept {}
  /// Default-initialisation: for bytes, nothing is written.
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
};

/// A capture file's record buffer (see UninitializedAllocator).
using RecordBuffer = std::vector<std::uint8_t, UninitializedAllocator<std::uint8_t>>;

}  // namespace ovse::erspan::collector
