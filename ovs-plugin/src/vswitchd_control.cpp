// VswitchdControl: locating ovs-vswitchd's unixctl socket and calling it through the shim.
#include "ovs_plugin/vswitchd_control.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ovsdb_shim.h"

namespace ovse::ovs {
namespace {

// DIR/ovs-vswitchd.ctl, or DIR/ovs-vswitchd.<pid>.ctl as ovs-vswitchd names it by default.
std::optional<std::string> defaultSocketIn(const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "ovs-vswitchd.ctl")) return (dir / "ovs-vswitchd.ctl").string();
  std::ifstream pidfile(dir / "ovs-vswitchd.pid");
  long pid = 0;
  if (pidfile >> pid) {
    auto path = dir / ("ovs-vswitchd." + std::to_string(pid) + ".ctl");
    if (std::filesystem::exists(path)) return path.string();
  }
  return std::nullopt;
}

// Asking a socket whether it is ovs-vswitchd's: a stopped daemon's socket (any of them) must
// not hold up the search.
constexpr std::chrono::milliseconds kProbeTimeout{500};

// Every *.ctl in `dir` that answers as ovs-vswitchd, in name order (so the choice is stable).
std::optional<std::string> askedSocketIn(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> sockets;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".ctl" && entry.is_socket(ec)) sockets.push_back(entry.path());
  }
  std::sort(sockets.begin(), sockets.end());
  for (const auto& path : sockets) {
    if (VswitchdControl(path.string(), kProbeTimeout).isVswitchd()) return path.string();
  }
  return std::nullopt;
}

// The directories to look in, without repeats: the db socket's, $OVS_RUNDIR, the system's.
std::vector<std::filesystem::path> searchDirs(const std::filesystem::path& db_dir) {
  std::vector<std::filesystem::path> dirs{db_dir};
  if (const char* rundir = std::getenv("OVS_RUNDIR"); rundir && *rundir) dirs.emplace_back(rundir);
  dirs.emplace_back("/var/run/openvswitch");
  std::vector<std::filesystem::path> unique;
  for (auto& d : dirs) {
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  }
  return unique;
}

}  // namespace

std::expected<VswitchdControl, std::string> VswitchdControl::find(const std::string& remote) {
  if (!remote.starts_with("unix:")) {
    return std::unexpected("OVSDB at " + remote +
                           " is not a local socket, so ovs-vswitchd's unixctl socket cannot be "
                           "found next to it; give --vswitchd-ctl PATH");
  }
  const auto dirs = searchDirs(std::filesystem::path(remote.substr(5)).parent_path());
  // Nearest directory first (the db socket's belongs to this switch); in each, the default
  // names need no question and are what a stock start-up creates.
  for (const auto& dir : dirs) {
    if (auto path = defaultSocketIn(dir)) return VswitchdControl(*path);
    if (auto path = askedSocketIn(dir)) return VswitchdControl(*path);
  }
  std::string where;
  for (const auto& dir : dirs) where += (where.empty() ? "" : ", ") + dir.string();
  return std::unexpected("ovs-vswitchd's unixctl socket was not found (no *.ctl in " + where +
                         " answers as ovs-vswitchd); give --vswitchd-ctl PATH");
}

bool VswitchdControl::isVswitchd() const {
  auto reply = call("version");
  return reply && reply->starts_with("ovs-vswitchd ");
}

std::expected<std::string, std::string> VswitchdControl::call(const std::string& command) const {
  return call(command, {});
}

std::expected<std::string, std::string> VswitchdControl::call(
    const std::string& command, const std::vector<std::string>& args) const {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  char* out = nullptr;
  const int rc = ovse_unixctl_args(path_.c_str(), command.c_str(), static_cast<int>(argv.size()),
                                   argv.data(), timeout_.count(), &out);
  std::string text = out ? out : "";
  std::free(out);
  if (rc != 0) return std::unexpected(std::string("ovs-vswitchd ") + command + ": " + text);
  return text;
}

std::expected<void, std::string> VswitchdControl::purgeDatapathFlows() const {
  auto reply = call("revalidator/purge");
  if (!reply) return std::unexpected(reply.error());
  return {};
}

}  // namespace ovse::ovs
