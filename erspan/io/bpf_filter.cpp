// BpfFilter: pcap_compile on a dead Ethernet handle, pcap_offline_filter per frame.
#include "erspan/io/bpf_filter.h"

#include <pcap/pcap.h>

namespace ovse::erspan::io {

struct BpfFilter::Program {
  bpf_program program{};
  ~Program() { pcap_freecode(&program); }
};

BpfFilter::BpfFilter(std::unique_ptr<Program> program) : program_(std::move(program)) {}
BpfFilter::~BpfFilter() = default;

std::expected<std::unique_ptr<BpfFilter>, std::string> BpfFilter::compile(
    const std::string& expression, std::uint32_t snap_len_bytes) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, static_cast<int>(snap_len_bytes));
  if (dead == nullptr) return std::unexpected("pcap_open_dead failed");
  auto program = std::make_unique<Program>();
  const int rc = pcap_compile(dead, &program->program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  std::string error = rc == 0 ? "" : pcap_geterr(dead);
  pcap_close(dead);
  if (rc != 0) return std::unexpected(error);
  return std::unique_ptr<BpfFilter>(new BpfFilter(std::move(program)));
}

bool BpfFilter::matches(std::span<const std::uint8_t> data,
                        std::uint32_t wire_bytes) const noexcept {
  pcap_pkthdr header{};
  header.caplen = static_cast<bpf_u_int32>(data.size());
  header.len = wire_bytes < data.size() ? header.caplen : wire_bytes;
  return pcap_offline_filter(&program_->program, &header, data.data()) != 0;
}

std::size_t BpfFilter::instructionCount() const noexcept { return program_->program.bf_len; }

}  // namespace ovse::erspan::io
