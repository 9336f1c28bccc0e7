// Readable names of the codec's error codes, for CLI messages and per-reason counters.
#include "erspan/errors.h"

namespace ovse::erspan {

std::string_view errorName(EncodeError error) noexcept {
  using E = EncodeError;
  switch (error) {
    case E::kUnknownType:
      return "unknown encapsulation type";
    case E::kUnknownIpVersion:
      return "outer IP version is neither 4 nor 6";
    case E::kSessionIdOutOfRange:
      return "session_id out of range (max 1023)";
    case E::kIndexOutOfRange:
      return "index out of range (max 0xFFFFF)";
    case E::kHwIdOutOfRange:
      return "hw_id out of range (max 63)";
    case E::kVlanOutOfRange:
      return "vlan out of range (max 4095)";
    case E::kCosOutOfRange:
      return "cos out of range (max 7)";
    case E::kEnOutOfRange:
      return "en out of range (max 3)";
    case E::kBsoOutOfRange:
      return "bso out of range (max 3)";
    case E::kGraOutOfRange:
      return "gra out of range (max 3)";
    case E::kFtOutOfRange:
      return "ft out of range (max 31)";
    case E::kDirectionOutOfRange:
      return "direction out of range (0 ingress, 1 egress)";
    case E::kPlatformIdOutOfRange:
      return "platform_id out of range (max 63)";
    case E::kPlatformInfoOutOfRange:
      return "platform_info1 out of range (max 0x3FFFFFF)";
    case E::kPlatformSubheaderNeedsTypeIII:
      return "platform sub-header needs ERSPAN Type III";
    case E::kDscpOutOfRange:
      return "dscp out of range (max 63)";
    case E::kFlowLabelOutOfRange:
      return "flow_label out of range (max 0xFFFFF)";
    case E::kTtlZero:
      return "ttl must not be 0";
    case E::kTypeIIRequiresSequence:
      return "ERSPAN Type II needs the GRE sequence number";
    case E::kTypeIForbidsGreOptions:
      return "ERSPAN Type I allows no GRE key or sequence number";
    case E::kSnapLenTooSmall:
      return "snap length below 14 bytes";
    case E::kMtuTooSmall:
      return "path MTU too small for the headers plus 14 bytes";
    case E::kOutputTooSmall:
      return "output buffer too small";
    case E::kVniOutOfRange:
      return "vni out of range (max 16777215)";
    case E::kGreFieldOnUdpTunnel:
      return "VXLAN / Geneve have no GRE key or sequence number";
    case E::kErspanFieldOnUdpTunnel:
      return "VXLAN / Geneve have no ERSPAN session ID, index, hw ID, COS or sub-header";
    case E::kUdpFieldOnGre:
      return "GRE / ERSPAN have no VNI or UDP port";
  }
  return "unknown encode error";
}

std::string_view errorName(DecapError error) noexcept {
  using D = DecapError;
  switch (error) {
    case D::kTruncatedEthernet:
      return "truncated outer Ethernet header";
    case D::kTruncatedVlanTag:
      return "truncated outer VLAN tag";
    case D::kTooManyVlanTags:
      return "too many outer VLAN tags";
    case D::kNotIp:
      return "outer EtherType is not IPv4 or IPv6";
    case D::kTruncatedIpv4:
      return "truncated IPv4 header";
    case D::kBadIpVersion:
      return "wrong IP version";
    case D::kBadIpv4Ihl:
      return "IPv4 IHL below 5";
    case D::kBadIpTotalLength:
      return "IPv4 total length shorter than its header";
    case D::kFragment:
      return "IP fragment";
    case D::kTruncatedIpv6:
      return "truncated IPv6 header";
    case D::kTruncatedIpv6ExtensionHeader:
      return "truncated IPv6 extension header";
    case D::kTooManyIpv6ExtensionHeaders:
      return "too many IPv6 extension headers";
    case D::kNotGreOrUdp:
      return "IP protocol is neither GRE (47) nor UDP (17)";
    case D::kTruncatedGre:
      return "truncated GRE header";
    case D::kGreRoutingPresent:
      return "GRE routing bit set";
    case D::kGreReservedBits:
      return "GRE reserved bits set";
    case D::kGreVersion:
      return "GRE version not 0";
    case D::kUnsupportedGreProtocol:
      return "GRE protocol is not ERSPAN or Ethernet bridging";
    case D::kTruncatedErspanHeader:
      return "truncated ERSPAN header";
    case D::kBadErspanVersion:
      return "ERSPAN version does not match the GRE protocol";
    case D::kTruncatedPlatformSubheader:
      return "truncated ERSPAN platform sub-header";
    case D::kTruncatedUdp:
      return "truncated UDP header";
    case D::kBadUdpLength:
      return "UDP length below 8 or beyond the IP payload";
    case D::kNotTunnelPort:
      return "UDP destination port is no VXLAN or Geneve port";
    case D::kTruncatedVxlan:
      return "truncated VXLAN header";
    case D::kVxlanNoVni:
      return "VXLAN I flag clear (no VNI)";
    case D::kTruncatedGeneve:
      return "truncated Geneve header";
    case D::kTruncatedGeneveOptions:
      return "truncated Geneve options";
    case D::kGeneveVersion:
      return "Geneve version not 0";
    case D::kGeneveControl:
      return "Geneve control packet (O bit), no mirrored frame";
    case D::kGeneveNotEthernet:
      return "Geneve protocol type is not Ethernet (0x6558)";
    case D::kCount:
      break;
  }
  return "unknown decap error";
}

}  // namespace ovse::erspan
