// Lookups over a SwitchState snapshot.
#include "ovs_plugin/switch_state.h"

#include <algorithm>

namespace ovse::ovs {
namespace {

template <typename Row, typename Field>
const Row* findBy(const std::vector<Row>& rows, Field Row::*field, const std::string& value) {
  auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.*field == value; });
  return it == rows.end() ? nullptr : &*it;
}

}  // namespace

const Bridge* SwitchState::bridgeByName(const std::string& name) const {
  return findBy(bridges, &Bridge::name, name);
}

const Port* SwitchState::portByName(const std::string& name) const {
  return findBy(ports, &Port::name, name);
}

const Port* SwitchState::portByUuid(const std::string& uuid) const {
  return findBy(ports, &Port::uuid, uuid);
}

const Interface* SwitchState::interfaceByUuid(const std::string& uuid) const {
  return findBy(interfaces, &Interface::uuid, uuid);
}

const Mirror* SwitchState::mirrorByName(const std::string& name) const {
  return findBy(mirrors, &Mirror::name, name);
}

const Bridge* SwitchState::bridgeOfPort(const std::string& port_uuid) const {
  auto it = std::find_if(bridges.begin(), bridges.end(), [&](const Bridge& b) {
    return std::find(b.port_uuids.begin(), b.port_uuids.end(), port_uuid) != b.port_uuids.end();
  });
  return it == bridges.end() ? nullptr : &*it;
}

}  // namespace ovse::ovs
