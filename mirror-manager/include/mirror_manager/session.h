// The mirror session model, as a vSphere dvSwitch admin describes a port-mirroring session:
// a name, a type (where mirrored traffic goes), sources with a direction, a destination, the
// mirrored packet length, and for the exporter backend sampling, a filter and a rate limit.
// JSON form: session_json.h. Validation: validation.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ovse::manager {

/// Which traffic of a source port is mirrored, seen from the port (vSphere's wording).
enum class Direction {
  kIngress,  ///< traffic the VM sends into the switch (OVS select_src_port)
  kEgress,   ///< traffic the switch delivers to the VM (OVS select_dst_port)
  kBoth,
};

/// vSphere's session types.
enum class SessionType {
  kLocal,    ///< Distributed Port Mirroring: to a port on the same switch
  kRspan,    ///< Remote Mirroring Source: to an encapsulation VLAN on an uplink
  kErspan,   ///< Encapsulated Remote Mirroring (L3) Source: to a collector IP
  kCapture,  ///< to a pcap/pcapng file on this host
  /// Remote Mirroring Destination: an RSPAN VLAN's traffic arriving on an uplink, delivered to
  /// destination port(s) (a LocalDestination); the source is `source_vlans` on `uplink`.
  kRspanDestination,
};

/// One source. Exactly one identity field is set; ports are found by it whenever they (re)appear.
struct Source {
  std::string port;      ///< OVS Port name
  std::string iface_id;  ///< Interface external_ids:iface-id
  std::string mac;       ///< Interface external_ids:attached-mac (or mac_in_use), lower case
  std::string vm;        ///< Interface external_ids:vm-uuid, vm-id or vm-name
  Direction direction = Direction::kBoth;

  bool operator==(const Source&) const = default;
};

struct LocalDestination {
  std::string port;  ///< the analyzer port (OVS Mirror.output_port); the first of several
  /// Further analyzer ports (JSON `ports` lists them all after `port`): each gets every copy,
  /// through a Mirror row of its own (OVS Mirror has one output_port).
  std::vector<std::string> more_ports;
  /// vSphere's "Allow normal IO on destination ports". OVS reserves a Mirror's output_port for
  /// the copies (it drops what the port sends and forwards nothing else to it), so true is
  /// refused with that reason rather than stored and ignored.
  bool allow_normal_io = false;

  bool operator==(const LocalDestination&) const = default;
};

struct RspanDestination {
  std::uint16_t vlan = 0;               ///< encapsulation VLAN (OVS Mirror.output_vlan)
  std::string uplink;                   ///< the port that carries the VLAN to the remote switch
  bool preserve_original_vlan = false;  ///< keep the mirrored frame's own 802.1Q tag inside

  bool operator==(const RspanDestination&) const = default;
};

/// Encapsulation as the session states it: ERSPAN Type I, II, III, plain GRE (TEB), or the UDP
/// tunnels VXLAN (RFC 7348) and Geneve (RFC 8926), which carry a VNI instead of a session ID.
enum class ErspanVersion { kTypeI = 1, kTypeII = 2, kTypeIII = 3, kGre = 4, kVxlan = 5, kGeneve = 6 };

/// Who encapsulates: OVS's own tunnel ports (fast path) or our exporter (filters, sampling...).
enum class ErspanBackend { kNative, kExporter };

struct ErspanDestination {
  std::string remote_ip;  ///< the collector, IPv4 or IPv6; the first of several
  /// Further collectors (JSON `remote_ips` lists them all after `remote_ip`), as vSphere's
  /// several destination IPs: each gets every copy with the same version, session ID and VNI,
  /// through a tunnel port and Mirror of its own for the native backend.
  std::vector<std::string> more_remote_ips;
  ErspanVersion version = ErspanVersion::kTypeII;
  std::uint16_t session_id = 0;  ///< 0..1023 (the GRE key for plain GRE)
  std::uint32_t index = 0;       ///< Type II index, < 2^20
  std::uint8_t hwid = 0;         ///< Type III hardware ID, < 64
  std::optional<std::uint32_t> vni;  ///< VXLAN / Geneve VNI, < 2^24 (required there, else refused)
  ErspanBackend backend = ErspanBackend::kNative;
  std::optional<std::uint8_t> dscp;  ///< outer DSCP, 0..63
  std::optional<std::uint8_t> ttl;   ///< outer TTL, 1..255

  bool operator==(const ErspanDestination&) const = default;
};

struct CaptureDestination {
  std::string file;  ///< pcap or pcapng path (by extension)

  bool operator==(const CaptureDestination&) const = default;
};

using Destination =
    std::variant<LocalDestination, RspanDestination, ErspanDestination, CaptureDestination>;

/// Token bucket limits for the exporter backend; 0 = unlimited.
struct RateLimit {
  std::uint64_t packets_per_s = 0;
  std::uint64_t bits_per_s = 0;

  bool operator==(const RateLimit&) const = default;
};

struct Session {
  std::string name;
  std::string description;
  bool enabled = true;
  SessionType type = SessionType::kLocal;
  std::vector<Source> sources;
  std::string bridge;  ///< where to mirror when no source names one (select_all / select_vlans)
  std::vector<std::uint16_t> select_vlans;  ///< mirror whole VLANs (OVS Mirror.select_vlan)
  bool select_all = false;                  ///< every packet on the bridge
  // Type rspan-destination only: the RSPAN VLAN(s) whose frames arriving on `uplink` are copied.
  std::vector<std::uint16_t> source_vlans;
  std::string uplink;
  Destination destination;
  std::optional<std::uint32_t> mirrored_packet_length;  ///< snaplen, 14..65535
  // Exporter backend only:
  std::uint32_t sampling_rate = 1;  ///< mirror 1 in N packets
  std::string filter;               ///< BPF expression on the mirrored frames
  RateLimit rate_limit;

  bool operator==(const Session&) const = default;
};

/// Human name of each enum value, as used in JSON and tables.
const char* toString(Direction d);
const char* toString(SessionType t);
const char* toString(ErspanVersion v);
const char* toString(ErspanBackend b);

/// The identity a source is found by, e.g. "iface_id vm-a" (for messages and tables).
std::string describeSource(const Source& s);

/// Every analyzer port of a local destination, `port` first.
std::vector<std::string> destinationPorts(const LocalDestination& d);

/// Every collector of an erspan destination, `remote_ip` first.
std::vector<std::string> collectorIps(const ErspanDestination& d);

}  // namespace ovse::manager
