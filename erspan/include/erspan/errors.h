// Error codes of the ERSPAN/GRE codec: why a config could not become a template, why a packet could
// not be encapsulated, and why an input could not be decapsulated. Each has a readable name.
#pragma once

#include <cstdint>
#include <string_view>

namespace ovse::erspan {

/// Why an EncapConfig was rejected or a packet could not be encapsulated.
enum class EncodeError : std::uint8_t {
  kUnknownType,                    ///< EncapConfig::type is not an ErspanType enumerator
  kUnknownIpVersion,               ///< EncapConfig::ip_version is neither 4 nor 6
  kSessionIdOutOfRange,            ///< session_id > 1023 (10 bits)
  kIndexOutOfRange,                ///< Type II index > 0xFFFFF (20 bits)
  kHwIdOutOfRange,                 ///< Type III hw_id > 63 (6 bits)
  kVlanOutOfRange,                 ///< explicit vlan > 4095 (12 bits)
  kCosOutOfRange,                  ///< explicit cos > 7 (3 bits)
  kEnOutOfRange,                   ///< explicit Type II en > 3 (2 bits)
  kBsoOutOfRange,                  ///< explicit Type III bso > 3 (2 bits)
  kGraOutOfRange,                  ///< Type III gra > 3 (2 bits)
  kFtOutOfRange,                   ///< Type III ft > 31 (5 bits)
  kDirectionOutOfRange,            ///< Type III direction > 1 (1 bit)
  kPlatformIdOutOfRange,           ///< platform sub-header id > 63 (6 bits)
  kPlatformInfoOutOfRange,         ///< platform sub-header info1 > 0x3FFFFFF (26 bits)
  kPlatformSubheaderNeedsTypeIII,  ///< a platform sub-header was asked for a type other than III
  kDscpOutOfRange,                 ///< dscp > 63 (6 bits)
  kFlowLabelOutOfRange,            ///< IPv6 flow_label > 0xFFFFF (20 bits)
  kTtlZero,                        ///< ttl / hop limit 0 would be dropped by the first router
  kTypeIIRequiresSequence,         ///< Type II needs the GRE S bit (S=0 under 0x88BE means Type I)
  kTypeIForbidsGreOptions,         ///< Type I is exactly `00 00 88 be`: no key, no sequence
  kSnapLenTooSmall,                ///< snap_len_bytes is non-zero but below an Ethernet header (14)
  kMtuTooSmall,                    ///< path_mtu_bytes cannot carry the headers plus 14 bytes
  kOutputTooSmall,                 ///< the output span cannot hold the encapsulated packet
  kVniOutOfRange,                  ///< VXLAN / Geneve vni > 0xFFFFFF (24 bits)
  kGreFieldOnUdpTunnel,            ///< a GRE key or sequence number asked for VXLAN / Geneve
  kErspanFieldOnUdpTunnel,         ///< an ERSPAN field (session ID, index, hw ID, ...) on VXLAN
  kUdpFieldOnGre,                  ///< a VNI or UDP port asked for a GRE tunnel
};

/// Why an input could not be decapsulated. One code per kind of malformation.
enum class DecapError : std::uint8_t {
  kTruncatedEthernet,             ///< fewer than 14 bytes of outer Ethernet header
  kTruncatedVlanTag,              ///< an 802.1Q/802.1ad tag runs past the end
  kTooManyVlanTags,               ///< more stacked tags than the decoder follows (4)
  kNotIp,                         ///< outer EtherType is neither IPv4 nor IPv6
  kTruncatedIpv4,                 ///< fewer than 20 bytes, or fewer than IHL*4, of IPv4 header
  kBadIpVersion,                  ///< IP version nibble is not the one expected (4 or 6)
  kBadIpv4Ihl,                    ///< IPv4 IHL < 5
  kBadIpTotalLength,              ///< IPv4 total length shorter than its own header
  kFragment,                      ///< IPv4 MF/offset, or an IPv6 fragment header
  kTruncatedIpv6,                 ///< fewer than 40 bytes of IPv6 header
  kTruncatedIpv6ExtensionHeader,  ///< an IPv6 extension header runs past the end
  kTooManyIpv6ExtensionHeaders,   ///< more extension headers than the decoder follows (8)
  kNotGreOrUdp,                   ///< IP protocol / next header is neither 47 (GRE) nor 17 (UDP)
  kTruncatedGre,                  ///< GRE header (with its optional fields) runs past the end
  kGreRoutingPresent,             ///< GRE R bit set (RFC 1701 source routing)
  kGreReservedBits,               ///< GRE s/Recur/Flags bits non-zero (RFC 2784 Reserved0)
  kGreVersion,                    ///< GRE version != 0 (1 is PPTP)
  kUnsupportedGreProtocol,        ///< GRE protocol is not 0x88BE, 0x22EB or 0x6558
  kTruncatedErspanHeader,         ///< Type II (8) / Type III (12) header runs past the end
  kBadErspanVersion,              ///< Ver nibble not 1/2 under 0x88BE, not 2 under 0x22EB
  kTruncatedPlatformSubheader,    ///< O=1 but fewer than 8 sub-header bytes remain
  kTruncatedUdp,                  ///< fewer than 8 bytes of UDP header
  kBadUdpLength,                  ///< UDP length below 8 or beyond the IP payload length
  kNotTunnelPort,                 ///< UDP destination port is no VXLAN or Geneve port
  kTruncatedVxlan,                ///< fewer than 8 bytes of VXLAN header
  kVxlanNoVni,                    ///< VXLAN I flag clear: no valid VNI (RFC 7348 §5)
  kTruncatedGeneve,               ///< fewer than 8 bytes of Geneve header
  kTruncatedGeneveOptions,        ///< Geneve options (Opt Len) run past the end
  kGeneveVersion,                 ///< Geneve version != 0
  kGeneveControl,                 ///< Geneve O bit: a control message, not a mirrored frame
  kGeneveNotEthernet,             ///< Geneve protocol type is not 0x6558 (Ethernet)
  kCount,                         ///< not an error: the number of reasons above
};

/// Number of DecapError reasons (sizes per-reason counter arrays).
inline constexpr std::size_t kDecapErrorCount = static_cast<std::size_t>(DecapError::kCount);

/// Readable name of an encode error, e.g. "session_id out of range (max 1023)".
[[nodiscard]] std::string_view errorName(EncodeError error) noexcept;

/// Readable name of a decap error, e.g. "IPv4 fragment".
[[nodiscard]] std::string_view errorName(DecapError error) noexcept;

/// A rejected configuration: which rule failed and the value that broke it.
struct ConfigError {
  EncodeError code;     ///< the rule that failed
  std::uint64_t value;  ///< the offending value as configured
  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

}  // namespace ovse::erspan
