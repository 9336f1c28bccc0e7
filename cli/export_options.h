// `mirrorctl export` flag values and their translation into exporter settings: inputs with their
// direction, the session's encapsulation, sampling and rate limit. Errors name flag and value.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "erspan/exporter/export_pipeline.h"
#include "erspan/exporter/flow_filter.h"
#include "erspan/io/capture_source.h"

namespace ovse::cli {

/// Every flag of `mirrorctl export`, as parsed by CLI11.
struct ExportArgs {
  std::vector<std::string> inputs;  ///< --in IF[:ingress|egress|both]
  std::string read_file;            ///< --read FILE
  std::string read_direction = "ingress";
  std::string type = "erspan2";
  // ERSPAN fields and VXLAN/Geneve fields: unset when not given, so that a flag given for a type
  // that has no such field is refused, not ignored.
  std::optional<std::uint32_t> session_id;
  std::optional<std::uint32_t> index;
  std::optional<std::uint32_t> hwid;
  std::optional<std::string> gra;  ///< default 100us
  std::optional<int> cos;          ///< unset: VLAN/COS copied from the frame's 802.1Q tag
  std::optional<std::uint32_t> vni;
  std::optional<std::uint32_t> udp_port;  ///< default 4789 (vxlan) / 6081 (geneve)
  std::uint32_t dscp = 0;
  std::uint32_t ttl = 64;
  std::uint32_t snaplen = 0;
  std::uint32_t mtu = 0;  ///< 0: the route's path MTU
  std::uint32_t sample = 1;
  bool sample_random = false;
  std::string rate_pps;
  std::string rate_bps;
  std::vector<std::string> remotes;
  std::string source;
  std::string tx_path = "link";  ///< --tx-path link|kernel
  std::string write_file;
  std::string stats_json;
  bool json = false;
  std::uint32_t buffer_mb = 64;
  erspan::exporter::FlowFilterSpec filter;
};

/// One capture to open: interface, libpcap direction and the mirrored direction it stands for.
struct InputSpec {
  std::string interface;
  erspan::io::CaptureDirection capture = erspan::io::CaptureDirection::kInbound;
  erspan::exporter::Direction direction = erspan::exporter::Direction::kIngress;
  std::string label;  ///< "mx:ingress"
};

/// Parses every --in (IF:both becomes two captures); checks the interfaces exist.
[[nodiscard]] std::expected<std::vector<InputSpec>, std::string> parseInputs(
    const std::vector<std::string>& values);

/// Parses "1000", "10k", "2.5M", "1G" (decimal multipliers) for `flag`.
[[nodiscard]] std::expected<std::uint64_t, std::string> parseRate(const std::string& flag,
                                                                  const std::string& text);

/// Session encapsulation, sampling and rate limit from the flags. `has_egress` is true when an
/// input carries egress traffic (Type II then needs index bit 19 free).
[[nodiscard]] std::expected<erspan::exporter::PipelineConfig, std::string> pipelineConfig(
    const ExportArgs& args, bool has_egress);

}  // namespace ovse::cli
