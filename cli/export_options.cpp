// Translation of `mirrorctl export` flags into input specs and a PipelineConfig.
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

std::expected<ErspanType, std::string> parseType(const std::string& t) {
  if (t == "erspan1") return ErspanType::kTypeI;
  if (t == "erspan2") return ErspanType::kTypeII;
  if (t == "erspan3") return ErspanType::kTypeIII;
  if (t == "gre") return ErspanType::kGreTeb;
  return std::unexpected("--type " + t + ": not one of erspan1, erspan2, erspan3, gre");
}

std::expected<Granularity, std::string> parseGra(const std::string& g) {
  if (g == "100us") return Granularity::k100Us;
  if (g == "100ns") return Granularity::k100Ns;
  if (g == "ptp") return Granularity::kIeee1588;
  return std::unexpected("--gra " + g + ": not one of 100us, 100ns, ptp");
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
  auto gra = parseGra(a.gra);
  if (!gra) return std::unexpected(gra.error());
  auto& e = c.encap;
  e.type = *type;
  e.gre_seq_present = *type != ErspanType::kTypeI;  // Type I is exactly `00 00 88 be`
  e.session_id = static_cast<std::uint16_t>(a.session_id);
  e.index = a.index;
  if (*type == ErspanType::kTypeII && has_egress &&
      (a.index & erspan::exporter::kTypeIIEgressIndexBit) != 0) {
    return std::unexpected("--index " + std::to_string(a.index) +
                           ": bit 19 (0x80000) marks Type II egress copies; use an index below "
                           "524288 when an input is egress");
  }
  e.hw_id = static_cast<std::uint8_t>(a.hwid);
  e.gra = static_cast<std::uint8_t>(*gra);
  if (*type == ErspanType::kTypeIII && *gra != Granularity::k100Us) {
    // Full-resolution time: the upper 32 bits go to the platform sub-header (id 3).
    e.platform_subheader = true;
    e.platform_id = erspan::kPlatformIdUpperTimestamp;
    e.platform_info1 = a.index & 0x3FFF;
  }
  if (a.cos >= 0) {
    e.tag_source = erspan::TagSource::kExplicit;
    e.cos = static_cast<std::uint8_t>(a.cos);
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
