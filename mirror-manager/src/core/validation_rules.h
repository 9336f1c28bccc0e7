// Private to mirror_manager_core: the pieces validateSession() is made of, shared between
// validation.cpp (session-wide rules) and validation_destination.cpp (destination rules).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mirror_manager/validation.h"

namespace ovse::manager::detail {

/// Collects the issues found, in rule order.
struct IssueSink {
  std::vector<Issue> issues;

  void error(std::string path, std::string message) {
    issues.push_back({Issue::Severity::kError, std::move(path), std::move(message)});
  }
  void warning(std::string path, std::string message) {
    issues.push_back({Issue::Severity::kWarning, std::move(path), std::move(message)});
  }
  /// An error "V is below MIN" / "V is above MAX" when `value` is outside [min, max].
  void range(const std::string& path, std::uint64_t value, std::uint64_t min, std::uint64_t max);
};

/// A string as JSON text: quoted and escaped, so odd bytes stay visible in messages.
std::string quote(std::string_view s);

/// The stored sessions that another session must not collide with.
struct Peers {
  std::span<const Session> others;
  std::string_view replacing;

  /// Calls f(other) for every other session except the one being replaced.
  template <typename F>
  void forEach(F&& f) const {
    for (const Session& o : others) {
      if (!replacing.empty() && o.name == replacing) continue;
      f(o);
    }
  }
};

/// The destination rules: its kind matches the type, then the kind's own fields (a capture
/// file against `context.capture_dir`).
void checkDestination(const Session& s, const Peers& peers, const ValidationContext& context,
                      IssueSink& out);

/// Fields set that do not apply to the session's type or ERSPAN version (validation_applicability).
void checkApplicable(const Session& s, IssueSink& out);

/// Type rspan-destination's own fields (source_vlans, uplink) and the selection it refuses; those
/// fields refused on other types (validation_rspan_destination.cpp).
void checkRspanDestination(const Session& s, IssueSink& out);

/// allow_normal_io on a local destination: refused with OVS's reason (normal_io.cpp).
void checkNormalIo(const Session& s, IssueSink& out);

/// `destination.port` for a single port, `destination.ports[i]` when there are several.
std::string destinationPortPath(const LocalDestination& d, std::size_t i);

/// A local destination's list of ports: none empty, none twice, within OVS's mirrors per bridge
/// (destination_ports.cpp).
void checkDestinationPorts(const LocalDestination& d, IssueSink& out);

/// An IPv4/IPv6 address in its canonical text ("2001:DB8:0::1" → "2001:db8::1"); other text as is.
std::string canonicalIp(const std::string& ip);

/// `destination.remote_ip` for a single collector, `destination.remote_ips[i]` when there are
/// several.
std::string collectorPath(const ErspanDestination& d, std::size_t i);

/// An erspan destination's collectors: each one unicast address, none twice, within OVS's
/// mirrors per bridge for the native backend (erspan_collectors.cpp).
void checkCollectors(const Session& s, const ErspanDestination& d, IssueSink& out);

}  // namespace ovse::manager::detail
