// A BPF filter over decapsulated (inner) Ethernet frames: compiled once with libpcap for
// DLT_EN10MB, run per frame in user space (pcap_offline_filter), no allocation per frame.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>

namespace ovse::erspan::collector {

/// A compiled inner-frame filter (RAII over the bpf_program).
class InnerFilter {
 public:
  /// Compiles `expression`; the error quotes it and libpcap's reason.
  [[nodiscard]] static std::expected<std::unique_ptr<InnerFilter>, std::string> compile(
      const std::string& expression, std::uint32_t snap_len_bytes);

  ~InnerFilter();
  InnerFilter(const InnerFilter&) = delete;
  InnerFilter& operator=(const InnerFilter&) = delete;

  /// True when `frame` (of `original_bytes` on the wire) passes the filter.
  [[nodiscard]] bool matches(std::span<const std::uint8_t> frame,
                             std::uint32_t original_bytes) const noexcept;

 private:
  struct Program;
  explicit InnerFilter(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

}  // namespace ovse::erspan::collector
