// Flow-filter flags: each stores its raw text; validation and translation live in the exporter
// library (erspan/exporter/flow_filter), compilation in erspan/io/bpf_filter.
#include "flow_filter_flags.h"

#include "erspan/io/bpf_filter.h"

namespace ovse::cli {
namespace {

void addOne(CLI::App& cmd, const std::string& name, std::optional<std::string>& target,
            const std::string& help) {
  cmd.add_option_function<std::string>(
         name, [&target](const std::string& v) { target = v; }, help)
      ->group("Flow filter");
}

}  // namespace

void addFlowFilterFlags(CLI::App& cmd, erspan::exporter::FlowFilterSpec& s) {
  addOne(cmd, "--srcmac", s.src_mac, "source MAC aa:bb:cc:dd:ee:ff");
  addOne(cmd, "--dstmac", s.dst_mac, "destination MAC");
  addOne(cmd, "--mac", s.mac, "source or destination MAC");
  addOne(cmd, "--ethtype", s.ethtype, "EtherType: 0x0800, 2048, ipv4, ipv6, arp");
  addOne(cmd, "--vlan", s.vlan, "802.1Q VLAN ID 0-4095 (other flags then match inside the tag)");
  addOne(cmd, "--srcip", s.src_ip, "source IPv4/IPv6 address or CIDR");
  addOne(cmd, "--dstip", s.dst_ip, "destination IPv4/IPv6 address or CIDR");
  addOne(cmd, "--ip", s.ip, "source or destination IPv4/IPv6 address or CIDR");
  addOne(cmd, "--proto", s.proto, "IP protocol: tcp, udp, icmp, icmp6, sctp, gre, esp or 0-255");
  addOne(cmd, "--srcport", s.src_port, "TCP/UDP/SCTP source port");
  addOne(cmd, "--dstport", s.dst_port, "TCP/UDP/SCTP destination port");
  addOne(cmd, "--tcpport", s.tcp_port, "TCP source or destination port");
  addOne(cmd, "--vxlan", s.vxlan, "inner VNI of VXLAN on UDP 4789 or 8472");
  addOne(cmd, "--filter", s.bpf, "a libpcap filter expression, ANDed with the flags above");
}

std::expected<std::string, std::string> flowFilterExpression(
    const erspan::exporter::FlowFilterSpec& spec) {
  auto expr = erspan::exporter::buildFilterExpression(spec);
  if (!expr) return std::unexpected(expr.error().message());
  if (expr->empty()) return *expr;
  auto compiled = erspan::io::BpfFilter::compile(*expr);
  if (!compiled) {
    const std::string flag = spec.bpf ? "--filter " + *spec.bpf : "filter";
    return std::unexpected(flag + ": " + compiled.error() + " (expression: " + *expr + ")");
  }
  return *expr;
}

}  // namespace ovse::cli
