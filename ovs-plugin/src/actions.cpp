// One-line descriptions of database actions.
#include "ovs_plugin/actions.h"

namespace ovse::ovs {
namespace {

struct Describer {
  std::string operator()(const CreateMirror& a) const {
    return "create mirror " + a.spec.name + " on " + a.spec.bridge;
  }
  std::string operator()(const UpdateMirror& a) const {
    return "update mirror " + a.spec.name + " on " + a.spec.bridge;
  }
  std::string operator()(const DeleteMirror& a) const { return "delete mirror " + a.name; }
  std::string operator()(const CreatePort& a) const {
    return "create " + a.spec.type + " port " + a.spec.name + " on " + a.spec.bridge;
  }
  std::string operator()(const UpdateInterface& a) const {
    return "update " + a.spec.type + " interface " + a.spec.name;
  }
  std::string operator()(const DeletePort& a) const { return "delete port " + a.name; }
};

}  // namespace

std::string describe(const Action& action) { return std::visit(Describer{}, action); }

}  // namespace ovse::ovs
