// VswitchdControl: locating ovs-vswitchd's unixctl socket and calling it through the shim.
#include "ovs_plugin/vswitchd_control.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ovsdb_shim.h"

namespace ovse::ovs {
namespace {

// DIR/ovs-vswitchd.ctl, or DIR/ovs-vswitchd.<pid>.ctl as ovs-vswitchd names it by default.
std::optional<std::string> socketIn(const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "ovs-vswitchd.ctl")) return (dir / "ovs-vswitchd.ctl").string();
  std::ifstream pidfile(dir / "ovs-vswitchd.pid");
  long pid = 0;
  if (pidfile >> pid) {
    auto path = dir / ("ovs-vswitchd." + std::to_string(pid) + ".ctl");
    if (std::filesystem::exists(path)) return path.string();
  }
  return std::nullopt;
}

}  // namespace

std::optional<VswitchdControl> VswitchdControl::forRemote(const std::string& remote) {
  if (!remote.starts_with("unix:")) return std::nullopt;
  std::filesystem::path dir = std::filesystem::path(remote.substr(5)).parent_path();
  if (auto path = socketIn(dir)) return VswitchdControl(*path);
  const char* rundir = std::getenv("OVS_RUNDIR");
  if (auto path = socketIn(rundir ? rundir : "/var/run/openvswitch")) return VswitchdControl(*path);
  return std::nullopt;
}

std::expected<std::string, std::string> VswitchdControl::call(const std::string& command) const {
  char out[4096];
  if (ovse_unixctl(path_.c_str(), command.c_str(), out, sizeof out) != 0) {
    return std::unexpected(std::string("ovs-vswitchd ") + command + ": " + out);
  }
  return std::string(out);
}

std::expected<std::string, std::string> VswitchdControl::call(
    const std::string& command, const std::vector<std::string>& args) const {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  char* out = nullptr;
  const int rc = ovse_unixctl_args(path_.c_str(), command.c_str(), static_cast<int>(argv.size()),
                                   argv.data(), &out);
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
