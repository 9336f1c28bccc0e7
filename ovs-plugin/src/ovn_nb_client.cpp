// OvnNbClient: the C++ side of shim/ovn_nb_shim.c (RAII handle, plain values in and out).
#include "ovs_plugin/ovn_nb_client.h"

#include <sstream>

#include "ovn_nb_shim.h"
#include "ovsdb_shim.h"

namespace ovse::ovs {

struct OvnNbClient::Impl {
  ovse_nb* nb = nullptr;
  ~Impl() { ovse_nb_close(nb); }
};

OvnNbClient::OvnNbClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OvnNbClient::~OvnNbClient() = default;

std::expected<std::unique_ptr<OvnNbClient>, std::string> OvnNbClient::connect(
    const std::string& remote, std::chrono::milliseconds timeout) {
  char err[256] = "";
  // libopenvswitch's own log lines (reconnect: connecting...) are not for our users: errors
  // come back as text.
  ovse_set_log_level(0);
  auto impl = std::make_unique<Impl>();
  impl->nb = ovse_nb_open(remote.c_str(), err, sizeof err);
  if (impl->nb == nullptr) return std::unexpected(std::string(err));
  if (ovse_nb_wait_contents(impl->nb, static_cast<int>(timeout.count()), err, sizeof err) != 0) {
    return std::unexpected(remote + ": " + err);
  }
  return std::unique_ptr<OvnNbClient>(new OvnNbClient(std::move(impl)));
}

std::expected<std::vector<std::string>, std::string> OvnNbClient::syncMirrors(
    const std::string& owner_key, const std::vector<OvnMirrorSpec>& mirrors) {
  // Plain C views of the specs; the strings stay owned by `mirrors`.
  std::vector<std::vector<const char*>> ports(mirrors.size());
  std::vector<ovse_nb_mirror> rows;
  std::vector<const char*> owners;
  for (std::size_t i = 0; i < mirrors.size(); ++i) {
    const OvnMirrorSpec& m = mirrors[i];
    for (const auto& p : m.ports) ports[i].push_back(p.c_str());
    rows.push_back({m.name.c_str(), m.filter.c_str(), m.sink.c_str(), m.type.c_str(), m.index,
                    ports[i].data(), ports[i].size()});
    owners.push_back(m.owner.c_str());
  }
  char missing[1024] = "";
  char err[512] = "";
  if (ovse_nb_sync_mirrors(impl_->nb, owner_key.c_str(), owners.data(), rows.data(), rows.size(),
                           missing, sizeof missing, err, sizeof err) != 0) {
    return std::unexpected(std::string(err));
  }
  std::vector<std::string> out;
  std::stringstream list(missing);
  for (std::string name; std::getline(list, name, ',');) out.push_back(name);
  return out;
}

}  // namespace ovse::ovs
