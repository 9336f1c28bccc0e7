// Translation of `mirrorctl export` flags into input specs and a PipelineConfig; flags the chosen
// --type has no field for are refused.
#include "export_options.h"

#include <cmath>
#include <cstdlib>

#include "erspan/io/route_lookup.h"

namespace ovse::cli {
namespace {

using erspan::ErspanType;
using erspan::Granularity;
using erspan::exporter::Direction;
using erspan::io::CaptureDirection;

// What --type names: GRE carrying ERSPAN I/II/III or Ethernet, or a UDP tunnel.
struct TypeChoice {
  erspan::Tunnel tunnel = erspan::Tunnel::kGre;
  ErspanType gre_payload = ErspanType::kTypeII;
};

std::expected<TypeChoice, std::string> parseType(const std::string& t) {
  if (t == "erspan1") return TypeChoice{erspan::Tunnel::kGre, ErspanType::kTypeI};
  if (t == "erspan2") return TypeChoice{erspan::Tunnel::kGre, ErspanType::kTypeII};
  if (t == "erspan3") return TypeChoice{erspan::Tunnel::kGre, ErspanType::kTypeIII};
  if (t == "gre") return TypeChoice{erspan::Tunnel::kGre, ErspanType::kGreTeb};
  if (t == "vxlan") return TypeChoice{erspan::Tunnel::kVxlan};
  if (t == "geneve") return TypeChoice{erspan::Tunnel::kGeneve};
  return std::unexpected("--type " + t +
                         ": not one of erspan1, erspan2, erspan3, gre, vxlan, geneve");
}

std::expected<Granularity, std::string> parseGra(const std::string& g) {
  if (g == "100us") return Granularity::k100Us;
  if (g == "100ns") return Granularity::k100Ns;
  if (g == "ptp") return Granularity::kIeee1588;
  return std::unexpected("--gra " + g + ": not one of 100us, 100ns, ptp");
}

// The first flag given that --type `type` has no field for: "--index 5: ...".
std::optional<std::string> inapplicableFlag(const ExportArgs& a, erspan::Tunnel tunnel) {
  const auto refuse = [&a](const std::string& flag, const std::string& value) {
    return flag + " " + value + ": --type " + a.type + " has no such field";
  };
  if (tunnel == erspan::Tunnel::kGre) {
    if (a.vni) return refuse("--vni", std::to_string(*a.vni)) + " (VXLAN / Geneve only)";
    if (a.udp_port) {
      return refuse("--udp-port", std::to_string(*a.udp_port)) + " (VXLAN / Geneve only)";
    }
    return std::nullopt;
  }
  const std::string erspan_only = " (ERSPAN only)";
  if (a.session_id) return refuse("--session-id", std::to_string(*a.session_id)) + erspan_only;
  if (a.index) return refuse("--index", std::to_string(*a.index)) + erspan_only;
  if (a.hwid) return refuse("--hwid", std::to_string(*a.hwid)) + erspan_only;
  if (a.gra) return refuse("--gra", *a.gra) + erspan_only;
  if (a.cos) return refuse("--cos", std::to_string(*a.cos)) + erspan_only;
  if (!a.vni) return "--type " + a.type + " needs --vni (0..16777215)";
  if (*a.vni > erspan::kVniMax) {
    return "--vni " + std::to_string(*a.vni) + ": above 16777215 (a VNI has 24 bits)";
  }
  if (a.udp_port && (*a.udp_port == 0 || *a.udp_port > 65535)) {
    return "--udp-port " + std::to_string(*a.udp_port) + ": not a port (1..65535)";
  }
  return std::nullopt;
}

// ERSPAN / GRE: type, session ID, index, hardware ID, timestamp granularity and COS.
std::optional<std::string> setGre(const ExportArgs& a, ErspanType type, bool has_egress,
                                  erspan::EncapConfig& e) {
  auto gra = parseGra(a.gra.value_or("100us"));
  if (!gra) return gra.error();
  const std::uint32_t index = a.index.value_or(0);
  e.type = type;
  e.gre_seq_present = type != ErspanType::kTypeI;  // Type I is exactly `00 00 88 be`
  e.session_id = static_cast<std::uint16_t>(a.session_id.value_or(0));
  e.index = index;
  if (type == ErspanType::kTypeII && has_egress &&
      (index & erspan::exporter::kTypeIIEgressIndexBit) != 0) {
    return "--index " + std::to_string(index) +
           ": bit 19 (0x80000) marks Type II egress copies; use an index below 524288 when an "
           "input is egress";
  }
  e.hw_id = static_cast<std::uint8_t>(a.hwid.value_or(0));
  e.gra = static_cast<std::uint8_t>(*gra);
  if (type == ErspanType::kTypeIII && *gra != Granularity::k100Us) {
    // Full-resolution time: the upper 32 bits go to the platform sub-header (id 3).
    e.platform_subheader = true;
    e.platform_id = erspan::kPlatformIdUpperTimestamp;
    e.platform_info1 = index & 0x3FFF;
  }
  if (a.cos) {
    e.tag_source = erspan::TagSource::kExplicit;
    e.cos = static_cast<std::uint8_t>(*a.cos);
  }
  return std::nullopt;
}

}  // namespace

std::expected<std::vector<InputSpec>, std::string> parseInputs(
    const std::vector<std::string>& values) {
  std::vector<InputSpec> out;
  for (const std::string& v : values) {
    const auto colon = v.rfind(':');
    const std::string name = v.substr(0, colon);
    const std::string dir = colon == std::string::npos ? "ingress" : v.substr(colon + 1);
    if (name.empty()) return std::unexpected("--in " + v + ": no interface name");
    if (!erspan::io::interfaceExists(name)) {
      return std::unexpected("--in " + v + ": no interface " + name + " in this namespace");
    }
    if (dir == "ingress" || dir == "egress") {
      // A mirror output port receives every copy: all of it is one direction.
      const Direction d = dir == "egress" ? Direction::kEgress : Direction::kIngress;
      out.push_back({name, CaptureDirection::kInbound, d, name + ":" + dir});
    } else if (dir == "both") {
      // The interface's own traffic: what it received is ingress, what it sent is egress.
      out.push_back({name, CaptureDirection::kInbound, Direction::kIngress, name + ":ingress"});
      out.push_back({name, CaptureDirection::kOutbound, Direction::kEgress, name + ":egress"});
    } else {
      return std::unexpected("--in " + v + ": direction " + dir +
                             " is not ingress, egress or both");
    }
  }
  return out;
}

std::expected<std::uint64_t, std::string> parseRate(const std::string& flag,
                                                    const std::string& text) {
  if (text.empty()) return 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  double mult = 1;
  const std::string suffix(end);
  if (suffix == "k" || suffix == "K") mult = 1e3;
  if (suffix == "m" || suffix == "M") mult = 1e6;
  if (suffix == "g" || suffix == "G") mult = 1e9;
  const bool suffix_ok = suffix.empty() || mult != 1;
  if (end == text.c_str() || !suffix_ok || !(v > 0) || !std::isfinite(v) || v * mult > 1e15) {
    return std::unexpected(flag + " " + text + ": not a positive rate (e.g. 1000, 10k, 2.5M, 1G)");
  }
  return static_cast<std::uint64_t>(v * mult);
}

std::expected<erspan::exporter::PipelineConfig, std::string> pipelineConfig(const ExportArgs& a,
                                                                            bool has_egress) {
  erspan::exporter::PipelineConfig c;
  auto type = parseType(a.type);
  if (!type) return std::unexpected(type.error());
  if (auto bad = inapplicableFlag(a, type->tunnel)) return std::unexpected(*bad);
  auto& e = c.encap;
  if (type->tunnel == erspan::Tunnel::kGre) {
    if (auto bad = setGre(a, type->gre_payload, has_egress, e)) return std::unexpected(*bad);
  } else {
    erspan::useUdpTunnel(e, type->tunnel, *a.vni,
                         static_cast<std::uint16_t>(a.udp_port.value_or(0)));
  }
  e.dscp = static_cast<std::uint8_t>(a.dscp);
  e.ttl = static_cast<std::uint8_t>(a.ttl);
  e.snap_len_bytes = a.snaplen;
  c.sample_n = a.sample;
  c.sample_mode = a.sample_random ? erspan::exporter::SampleMode::kRandom
                                  : erspan::exporter::SampleMode::kDeterministic;
  c.sample_seed = static_cast<std::uint64_t>(std::rand()) + 1;
  auto pps = parseRate("--rate-pps", a.rate_pps);
  if (!pps) return std::unexpected(pps.error());
  auto bps = parseRate("--rate-bps", a.rate_bps);
  if (!bps) return std::unexpected(bps.error());
  c.rate.packets_per_s = *pps;
  c.rate.bits_per_s = *bps;
  return c;
}

}  // namespace ovse::cli
