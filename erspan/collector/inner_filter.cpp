// Inner-frame BPF: pcap_open_dead(DLT_EN10MB) + pcap_compile once, pcap_offline_filter per frame.
#include "erspan/collector/inner_filter.h"

#include <pcap/pcap.h>

namespace ovse::erspan::collector {

struct InnerFilter::Program {
  bpf_program bpf{};
  ~Program() { pcap_freecode(&bpf); }
};

InnerFilter::InnerFilter(std::unique_ptr<Program> program) : program_(std::move(program)) {}
InnerFilter::~InnerFilter() = default;

std::expected<std::unique_ptr<InnerFilter>, std::string> InnerFilter::compile(
    const std::string& expression, std::uint32_t snap_len_bytes) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, static_cast<int>(snap_len_bytes));
  if (dead == nullptr) return std::unexpected(std::string("pcap_open_dead failed"));
  auto program = std::make_unique<Program>();
  const int rc = pcap_compile(dead, &program->bpf, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  std::string reason = rc != 0 ? pcap_geterr(dead) : "";
  pcap_close(dead);
  if (rc != 0) {
    program->bpf = bpf_program{};
    return std::unexpected("--filter '" + expression + "': " + reason);
  }
  return std::unique_ptr<InnerFilter>(new InnerFilter(std::move(program)));
}

bool InnerFilter::matches(std::span<const std::uint8_t> frame,
                          std::uint32_t original_bytes) const noexcept {
  pcap_pkthdr header{};
  header.caplen = static_cast<bpf_u_int32>(frame.size());
  header.len = original_bytes;
  return pcap_offline_filter(&program_->bpf, &header, frame.data()) != 0;
}

}  // namespace ovse::erspan::collector
