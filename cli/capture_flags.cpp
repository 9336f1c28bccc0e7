// Validation of `mirrorctl capture` flags that needs no switch: direction and capture point,
// snap length, output format and rotation, the flow filter. Errors name the flag and value.
#include "capture_flags.h"

#include "flow_filter_flags.h"

namespace ovse::cli {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool pointFits(const manager::CapturePoint& point, manager::CaptureTargetKind kind) {
  const std::string target = point.target;
  if (target.empty()) return true;
  if (target == "--switchport") {
    return kind == manager::CaptureTargetKind::kSwitchport ||
           kind == manager::CaptureTargetKind::kPort || kind == manager::CaptureTargetKind::kVm;
  }
  return target == manager::flagOf(kind);
}

std::expected<manager::Direction, std::string> direction(const CaptureOptions& o) {
  auto dir = manager::parseCaptureDir(o.dir);
  if (!dir) return std::unexpected(dir.error());
  if (o.point.empty()) return *dir;
  auto point = manager::findCapturePoint(o.point);
  if (!point) return std::unexpected(point.error());
  if (o.dir_given && *dir != point->direction) {
    return std::unexpected("--capture " + o.point + " and --dir " + o.dir +
                           " conflict: the point already fixes the direction");
  }
  for (const auto& t : o.targets) {
    if (!pointFits(*point, t.kind)) {
      return std::unexpected("--capture " + o.point + " applies to " + point->target +
                             " targets, not " + manager::flagOf(t.kind) + " " + t.value);
    }
  }
  return point->direction;
}

std::string checkOutput(const CaptureOptions& o) {
  if (o.output.empty()) return "-o FILE is required ('-o -' streams pcapng to stdout)";
  if (o.output == "-" && (o.rotate_mb > 0 || o.max_files > 0)) {
    return "-C and -W need a file, not -o - (stdout)";
  }
  if (o.max_files > 0 && o.rotate_mb <= 0)
    return "-W " + std::to_string(o.max_files) + " needs -C MB";
  if (o.snap_len_bytes != 0 && (o.snap_len_bytes < 24 || o.snap_len_bytes > 262144)) {
    return "-s " + std::to_string(o.snap_len_bytes) +
           ": between 24 and 262144 bytes (0 = whole frame)";
  }
  if (o.duration_s < 0) return "--duration must not be negative";
  return "";
}

}  // namespace

std::expected<CapturePlanFlags, std::string> checkCaptureFlags(const CaptureOptions& o) {
  if (o.targets.empty()) {
    return std::unexpected(std::string(
        "name what to capture: --switchport, --uplink, --vmk, --port or --vm (see --help)"));
  }
  if (std::string e = checkOutput(o); !e.empty()) return std::unexpected(e);
  auto dir = direction(o);
  if (!dir) return std::unexpected(dir.error());
  auto filter = flowFilterExpression(o.filter);
  if (!filter) return std::unexpected(filter.error());
  CapturePlanFlags out;
  out.direction = *dir;
  out.output.path = o.output;
  // pktcap-uw writes pcap; we keep directions, so pcapng unless the name says ".pcap".
  out.output.pcapng = o.pcapng || o.output == "-" || !endsWith(o.output, ".pcap");
  if (!out.output.pcapng && *dir == manager::Direction::kBoth) {
    out.warnings.push_back("-o " + o.output +
                           ": classic pcap has no direction field; use -P/--ng or .pcapng to "
                           "keep in/out apart");
  }
  out.output.snap_len_bytes = o.snap_len_bytes;
  out.output.rotate_bytes = static_cast<std::uint64_t>(o.rotate_mb * 1e6);
  out.output.max_files = o.max_files;
  out.output.filter = *filter;
  out.output.max_packets = o.count;
  return out;
}

}  // namespace ovse::cli
