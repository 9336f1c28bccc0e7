// SessionService::preview: a create or replace checked and planned against the current switch,
// changing nothing (REST `?dry_run=1`, the wizard's summary page before Finish).
#include "mirror_manager/collector_routes.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/session_service.h"
#include "mirror_manager/validation.h"

namespace ovse::manager {
namespace {

// OVS reports a native tunnel's route only once the port exists; before, the route is foretold
// from this host's routing table, which ovs-vswitchd's is built from (plus `ovs/route/add`).
void warnOfCollectorsWithoutRoute(const Session& s, const std::map<std::string, std::string>& routes,
                                  SessionStatus& status) {
  const auto* d = std::get_if<ErspanDestination>(&s.destination);
  if (d == nullptr || d->backend != ErspanBackend::kNative || !s.enabled) return;
  for (const std::string& ip : collectorIps(*d)) {
    if (routes.contains(ip)) continue;
    status.warnings.push_back("no route to the collector " + ip +
                              " in this host's routing table: ovs-vswitchd will likely find "
                              "none, and the session would wait for one (add one, e.g. `ip route "
                              "add " + ip + " via GATEWAY`, or with `ovs-appctl ovs/route/add`)");
  }
}

}  // namespace

std::expected<SessionReply, ChangeError> SessionService::preview(
    const nlohmann::json& body, const std::string& replacing) const {
  auto s = sessionFromJson(body);
  if (!s) return std::unexpected(fromFieldError(s.error()));
  if (replacing.empty() && store_.find(s->name)) {
    return std::unexpected(ChangeError{409, "session " + s->name + " exists already", "name", {}});
  }
  normalizeCaptureFile(*s, context_);
  std::vector<Issue> issues = validateSession(*s, store_.sessions(), replacing, context_);
  if (hasErrors(issues)) return std::unexpected(fromIssues(std::move(issues)));
  // The store as it would be, planned (not applied) against the switch as it is now: the
  // status carries the validation warnings and those only the switch can tell.
  std::optional<SessionStatus> status;
  if (auto state = switchState()) {
    std::vector<Session> sessions;
    for (const Session& o : store_.sessions()) {
      if (o.name != replacing && o.name != s->name) sessions.push_back(o);
    }
    sessions.push_back(*s);
    // The routes to this session's collectors too: the loop guard judges it as a create would.
    ReconcileScope planned = scope();
    const auto routes = collectorRoutes(std::span(&*s, 1));
    planned.collector_routes.insert(routes.begin(), routes.end());
    for (auto& st : reconcile(sessions, *state, planned).statuses) {
      if (st.name == s->name) status = std::move(st);
    }
    if (status) warnOfCollectorsWithoutRoute(*s, routes, *status);
  }
  SessionReply reply{replyBody(*s, status ? &*status : nullptr), false};
  if (!status) {
    for (const auto& issue : issues) reply.body["status"]["warnings"].push_back(issue.text());
  }
  reply.body["dry_run"] = true;
  return reply;
}

}  // namespace ovse::manager
