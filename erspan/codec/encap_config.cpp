// Validation of an EncapConfig and construction of its EncapTemplate: every header byte that does
// not change per packet is written here, once per session (GRE/ERSPAN, or UDP with VXLAN/Geneve).
#include <algorithm>
#include <cstring>
#include <optional>

#include "erspan/bytes.h"
#include "erspan/encap.h"
#include "erspan/gre.h"

namespace ovse::erspan {

void useUdpTunnel(EncapConfig& config, Tunnel tunnel, std::uint32_t vni,
                  std::uint16_t udp_dst_port) noexcept {
  config.tunnel = tunnel;
  config.vni = vni;
  config.udp_dst_port = udp_dst_port;
  config.gre_key_present = false;
  config.gre_seq_present = false;
}

std::uint8_t outerIpProtocol(const EncapConfig& config) noexcept {
  return config.tunnel == Tunnel::kGre ? kIpProtoGre : kIpProtoUdp;
}

namespace {

// Returns the first rule `config` breaks in its IP / outer framing part, if any.
std::optional<ConfigError> checkIp(const EncapConfig& c) noexcept {
  if (c.ip_version != IpVersion::kV4 && c.ip_version != IpVersion::kV6) {
    return ConfigError{EncodeError::kUnknownIpVersion, static_cast<std::uint64_t>(c.ip_version)};
  }
  if (c.dscp > 63) return ConfigError{EncodeError::kDscpOutOfRange, c.dscp};
  if (c.ttl == 0) return ConfigError{EncodeError::kTtlZero, c.ttl};
  if (c.ip_version == IpVersion::kV6 && c.flow_label > kIpv6FlowLabelMask) {
    return ConfigError{EncodeError::kFlowLabelOutOfRange, c.flow_label};
  }
  if (c.snap_len_bytes != 0 && c.snap_len_bytes < kEthernetHeaderBytes) {
    return ConfigError{EncodeError::kSnapLenTooSmall, c.snap_len_bytes};
  }
  return std::nullopt;
}

// Returns the first rule a VXLAN / Geneve `config` breaks, if any: the VNI's range, and no GRE or
// ERSPAN field (they would be ignored on a UDP tunnel, and a setting must never be ignored).
std::optional<ConfigError> checkUdpTunnel(const EncapConfig& c) noexcept {
  using E = EncodeError;
  if (c.vni > kVniMax) return ConfigError{E::kVniOutOfRange, c.vni};
  if (c.gre_key_present || c.gre_seq_present) {
    return ConfigError{E::kGreFieldOnUdpTunnel, c.gre_key_present ? c.gre_key : 1u};
  }
  if (c.session_id != 0) return ConfigError{E::kErspanFieldOnUdpTunnel, c.session_id};
  if (c.index != 0) return ConfigError{E::kErspanFieldOnUdpTunnel, c.index};
  if (c.hw_id != 0) return ConfigError{E::kErspanFieldOnUdpTunnel, c.hw_id};
  if (c.platform_subheader) return ConfigError{E::kErspanFieldOnUdpTunnel, 1};
  if (c.tag_source == TagSource::kExplicit) return ConfigError{E::kErspanFieldOnUdpTunnel, c.cos};
  return std::nullopt;
}

// Returns the first rule `config` breaks in its GRE / ERSPAN part, if any.
std::optional<ConfigError> checkErspan(const EncapConfig& c) noexcept {
  using E = EncodeError;
  if (c.tunnel == Tunnel::kVxlan || c.tunnel == Tunnel::kGeneve) return checkUdpTunnel(c);
  if (c.tunnel != Tunnel::kGre) {
    return ConfigError{E::kUnknownType, static_cast<std::uint64_t>(c.tunnel)};
  }
  if (c.vni != 0 || c.udp_dst_port != 0) {
    return ConfigError{E::kUdpFieldOnGre, c.vni != 0 ? c.vni : c.udp_dst_port};
  }
  if (c.type > ErspanType::kGreTeb) {
    return ConfigError{E::kUnknownType, static_cast<std::uint64_t>(c.type)};
  }
  if (c.type == ErspanType::kTypeI && (c.gre_key_present || c.gre_seq_present)) {
    return ConfigError{E::kTypeIForbidsGreOptions, c.gre_key_present ? 1u : 0u};
  }
  if (c.type == ErspanType::kTypeII && !c.gre_seq_present) {
    return ConfigError{E::kTypeIIRequiresSequence, 0};
  }
  const bool ii = c.type == ErspanType::kTypeII;
  const bool iii = c.type == ErspanType::kTypeIII;
  if (c.platform_subheader && !iii) return ConfigError{E::kPlatformSubheaderNeedsTypeIII, 1};
  if (!ii && !iii) return std::nullopt;
  if (c.session_id > kErspanSessionIdMask)
    return ConfigError{E::kSessionIdOutOfRange, c.session_id};
  if (ii && c.index > kErspanIndexMask) return ConfigError{E::kIndexOutOfRange, c.index};
  if (c.tag_source == TagSource::kExplicit) {
    if (c.vlan > kErspanVlanMask) return ConfigError{E::kVlanOutOfRange, c.vlan};
    if (c.cos > 7) return ConfigError{E::kCosOutOfRange, c.cos};
    if (ii && c.en > 3) return ConfigError{E::kEnOutOfRange, c.en};
    if (iii && c.bso > 3) return ConfigError{E::kBsoOutOfRange, c.bso};
  }
  if (!iii) return std::nullopt;
  if (c.hw_id > 63) return ConfigError{E::kHwIdOutOfRange, c.hw_id};
  if (c.direction > 1) return ConfigError{E::kDirectionOutOfRange, c.direction};
  if (c.gra > 3) return ConfigError{E::kGraOutOfRange, c.gra};
  if (c.ft > 31) return ConfigError{E::kFtOutOfRange, c.ft};
  if (c.platform_subheader && c.platform_id > 63) {
    return ConfigError{E::kPlatformIdOutOfRange, c.platform_id};
  }
  if (c.platform_subheader && c.platform_info1 > kPlatformInfo1Mask) {
    return ConfigError{E::kPlatformInfoOutOfRange, c.platform_info1};
  }
  return std::nullopt;
}

// Bytes of ERSPAN header (with sub-header) the config asks for.
std::size_t erspanHeaderBytes(const EncapConfig& c) noexcept {
  switch (c.type) {
    case ErspanType::kTypeII:
      return kErspanIIHeaderBytes;
    case ErspanType::kTypeIII:
      return kErspanIIIHeaderBytes + (c.platform_subheader ? kPlatformSubheaderBytes : 0);
    default:
      return 0;
  }
}

// Writes the outer IPv4 header with total length and checksum zero; returns the partial sum.
std::uint32_t writeIpv4(const EncapConfig& c, std::uint8_t* ip) noexcept {
  ip[0] = 0x45;
  ip[1] = static_cast<std::uint8_t>(c.dscp << 2);
  storeBe16(ip + kIpv4IdOffset, c.ip_id);
  storeBe16(ip + kIpv4FlagsOffset, kIpv4FlagDf);  // never fragment mirrored traffic
  ip[kIpv4TtlOffset] = c.ttl;
  ip[kIpv4ProtocolOffset] = outerIpProtocol(c);
  std::memcpy(ip + kIpv4SrcOffset, c.src_ip.data(), 4);
  std::memcpy(ip + kIpv4DstOffset, c.dst_ip.data(), 4);
  return onesComplementSum({ip, kIpv4HeaderBytes});
}

// Writes the outer IPv6 header with payload length zero.
void writeIpv6(const EncapConfig& c, std::uint8_t* ip) noexcept {
  const std::uint32_t first = (6u << 28) | (std::uint32_t{c.dscp} << 22) | c.flow_label;
  storeBe32(ip, first);
  ip[kIpv6NextHeaderOffset] = outerIpProtocol(c);
  ip[kIpv6HopLimitOffset] = c.ttl;
  std::memcpy(ip + kIpv6SrcOffset, c.src_ip.data(), 16);
  std::memcpy(ip + kIpv6DstOffset, c.dst_ip.data(), 16);
}

// Writes GRE flags, protocol and key; returns the GRE header length. `seq_at` receives the offset
// of the sequence field relative to `gre` (0 when absent).
std::size_t writeGre(const EncapConfig& c, std::uint8_t* gre, std::size_t& seq_at) noexcept {
  std::uint16_t flags = 0;
  std::size_t len = kGreBaseBytes;
  if (c.gre_key_present) {
    flags |= kGreFlagKey;
    storeBe32(gre + len, c.gre_key);
    len += kGreOptionBytes;
  }
  seq_at = 0;
  if (c.gre_seq_present) {
    flags |= kGreFlagSequence;
    seq_at = len;
    len += kGreOptionBytes;
  }
  std::uint16_t proto = kGreProtoErspanI_II;
  if (c.type == ErspanType::kTypeIII) proto = kGreProtoErspanIII;
  if (c.type == ErspanType::kGreTeb) proto = kGreProtoTeb;
  storeBe16(gre, flags);
  storeBe16(gre + kGreProtocolOffset, proto);
  return len;
}

// Writes the per-session bits of the Type II / III header (per-packet fields left zero).
void writeErspan(const EncapConfig& c, std::uint8_t* e) noexcept {
  const bool ii = c.type == ErspanType::kTypeII;
  const bool explicit_tags = c.tag_source == TagSource::kExplicit;
  const std::uint16_t ver = ii ? kErspanVersionII : kErspanVersionIII;
  std::uint16_t w0 = static_cast<std::uint16_t>(ver << kErspanVerShift);
  std::uint16_t w2 = c.session_id;
  if (explicit_tags) {
    w0 |= c.vlan;
    w2 |= static_cast<std::uint16_t>((c.cos << kErspanCosShift) |
                                     ((ii ? c.en : c.bso) << kErspanEnShift));
  }
  storeBe16(e, w0);
  storeBe16(e + 2, w2);
  if (ii) {
    storeBe32(e + 4, c.index);
    return;
  }
  storeBe16(e + kErspanSgtOffset, c.sgt);
  const auto flags = static_cast<std::uint16_t>(
      (c.p ? kErspanP : 0) | (c.ft << kErspanFtShift) | (c.hw_id << kErspanHwIdShift) |
      (c.direction ? kErspanD : 0) | (c.gra << kErspanGraShift) |
      (c.platform_subheader ? kErspanO : 0));
  storeBe16(e + kErspanFlagsOffset, flags);
  if (c.platform_subheader) {
    std::uint8_t* sub = e + kErspanIIIHeaderBytes;
    storeBe32(sub, (std::uint32_t{c.platform_id} << kPlatformIdShift) | c.platform_info1);
    storeBe32(sub + 4, c.platform_info2);
  }
}

// Writes UDP (source port, length and checksum left zero: per packet) and the VXLAN or Geneve
// header; returns their length.
std::size_t writeUdpTunnel(const EncapConfig& c, std::uint8_t* udp) noexcept {
  const bool vxlan = c.tunnel == Tunnel::kVxlan;
  const std::uint16_t default_port = vxlan ? kVxlanUdpPort : kGeneveUdpPort;
  storeBe16(udp + 2, c.udp_dst_port != 0 ? c.udp_dst_port : default_port);
  std::uint8_t* tunnel = udp + kUdpHeaderBytes;
  if (vxlan) {
    tunnel[0] = kVxlanFlagI;
  } else {
    // Version 0, no options, O and C clear: the payload is an Ethernet frame.
    storeBe16(tunnel + kGeneveProtocolOffset, kGeneveProtoEthernet);
  }
  storeBe32(tunnel + kVniOffset, c.vni << kVniShift);
  return kUdpHeaderBytes + (vxlan ? kVxlanHeaderBytes : kGeneveHeaderBytes);
}

// The UDP checksum's fixed part: the pseudo-header's addresses and protocol (RFC 768, RFC 8200
// §8.1) and every template word after the IP header (the per-packet fields are zero there).
std::uint32_t udpSumBase(const EncapConfig& c, const std::uint8_t* ip, const std::uint8_t* udp,
                         std::size_t udp_header_bytes) noexcept {
  const bool v4 = c.ip_version == IpVersion::kV4;
  const std::size_t addresses = v4 ? 8 : 32;
  std::uint32_t sum = onesComplementSum({ip + (v4 ? kIpv4SrcOffset : kIpv6SrcOffset), addresses});
  sum += kIpProtoUdp;
  return onesComplementSum({udp, udp_header_bytes}, sum);
}

}  // namespace

Expected<EncapTemplate, ConfigError> makeEncapTemplate(const EncapConfig& c) noexcept {
  if (auto bad = checkIp(c)) return makeUnexpected(*bad);
  if (auto bad = checkErspan(c)) return makeUnexpected(*bad);
  EncapTemplate t;
  std::uint8_t* p = t.bytes_.data();
  std::size_t at = 0;
  if (c.outer_ethernet) {
    std::memcpy(p, c.dst_mac.data(), 6);
    std::memcpy(p + 6, c.src_mac.data(), 6);
    storeBe16(p + kEtherTypeOffset,
              c.ip_version == IpVersion::kV4 ? kEtherTypeIpv4 : kEtherTypeIpv6);
    at = kEthernetHeaderBytes;
  }
  t.ip_offset_ = static_cast<std::uint8_t>(at);
  t.ip_version_ = c.ip_version;
  if (c.ip_version == IpVersion::kV4) {
    t.ip_sum_base_ = writeIpv4(c, p + at);
    at += kIpv4HeaderBytes;
  } else {
    writeIpv6(c, p + at);
    at += kIpv6HeaderBytes;
  }
  if (c.tunnel != Tunnel::kGre) {
    t.udp_offset_ = static_cast<std::uint8_t>(at);
    const std::size_t udp_bytes = writeUdpTunnel(c, p + at);
    // RFC 7348 §5 / RFC 8926 §3.3: zero over IPv4; IPv6 receivers drop a zero UDP checksum.
    t.udp_checksum_ = c.ip_version == IpVersion::kV6;
    t.udp_sum_base_ = udpSumBase(c, p + t.ip_offset_, p + at, udp_bytes);
    at += udp_bytes;
  }
  std::size_t seq_at = 0;
  const std::size_t gre_at = at;
  if (c.tunnel == Tunnel::kGre) at += writeGre(c, p + at, seq_at);
  t.seq_offset_ = static_cast<std::uint8_t>(seq_at ? gre_at + seq_at : 0);
  const std::size_t erspan_bytes = c.tunnel == Tunnel::kGre ? erspanHeaderBytes(c) : 0;
  if (erspan_bytes != 0) {
    writeErspan(c, p + at);
    t.erspan_offset_ = static_cast<std::uint8_t>(at);
    if (c.platform_subheader && platformCarriesUpperTimestamp(c.platform_id)) {
      t.subheader_offset_ = static_cast<std::uint8_t>(at + kErspanIIIHeaderBytes + 4);
    }
  }
  at += erspan_bytes;
  t.header_bytes_ = static_cast<std::uint8_t>(at);
  t.type_ = c.type;
  const bool ethernet_payload = c.type != ErspanType::kTypeIII || c.ft == 0;
  t.tag_from_frame_ = c.tag_source == TagSource::kFromFrame && ethernet_payload;
  t.bso_from_length_ = c.tag_source == TagSource::kFromFrame;

  // Outer IP bytes counted against the MTU, and against the 16-bit IP length fields.
  const std::size_t ip_bytes = at - t.ip_offset_;
  const std::size_t len_field_overhead =
      c.ip_version == IpVersion::kV4 ? ip_bytes : ip_bytes - kIpv6HeaderBytes;
  std::size_t max_frame = 0xFFFF - len_field_overhead;
  if (c.path_mtu_bytes != 0) {
    if (c.path_mtu_bytes < ip_bytes + kEthernetHeaderBytes) {
      return makeUnexpected(ConfigError{EncodeError::kMtuTooSmall, c.path_mtu_bytes});
    }
    max_frame = std::min<std::size_t>(max_frame, c.path_mtu_bytes - ip_bytes);
  }
  if (c.snap_len_bytes != 0) max_frame = std::min<std::size_t>(max_frame, c.snap_len_bytes);
  t.max_frame_bytes_ = static_cast<std::uint32_t>(max_frame);
  return t;
}

}  // namespace ovse::erspan
