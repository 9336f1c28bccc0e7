// A libpcap filter expression compiled once (on a dead DLT_EN10MB handle) and run in user space
// over frames with pcap_offline_filter; also used to reject an unparsable filter at start.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>

namespace ovse::erspan::io {

/// A compiled BPF program (RAII over bpf_program).
class BpfFilter {
 public:
  /// Compiles `expression` for Ethernet frames; the error is libpcap's text.
  [[nodiscard]] static std::expected<std::unique_ptr<BpfFilter>, std::string> compile(
      const std::string& expression, std::uint32_t snap_len_bytes = 262144);

  ~BpfFilter();
  BpfFilter(const BpfFilter&) = delete;
  BpfFilter& operator=(const BpfFilter&) = delete;

  /// True when the frame (`data` captured bytes of a `wire_bytes` long frame) passes the filter.
  [[nodiscard]] bool matches(std::span<const std::uint8_t> data,
                             std::uint32_t wire_bytes) const noexcept;

  /// Number of BPF instructions (for diagnostics).
  [[nodiscard]] std::size_t instructionCount() const noexcept;

 private:
  struct Program;
  explicit BpfFilter(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

}  // namespace ovse::erspan::io
