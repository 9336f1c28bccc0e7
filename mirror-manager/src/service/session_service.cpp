// The one path for every session change (see session_service.h).
#include "mirror_manager/session_service.h"

#include "mirror_manager/collector_routes.h"
#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"
#include "mirror_manager/session_reply.h"
#include "mirror_manager/switch_report.h"
#include "mirror_manager/validation.h"

namespace ovse::manager {
namespace {

std::string describe(const SessionStatus& s) {
  std::string text = toString(s.state);
  std::string sep = " (";
  for (const auto& m : s.missing) text += sep + "missing " + m, sep = "; ";
  for (const auto& p : s.problems) text += sep + p, sep = "; ";
  for (const auto& w : s.warnings) text += sep + "warning: " + w, sep = "; ";
  return sep == " (" ? text : text + ")";
}

const SessionStatus* statusOf(const std::vector<SessionStatus>& statuses, const std::string& n) {
  for (const auto& s : statuses) {
    if (s.name == n) return &s;
  }
  return nullptr;
}

}  // namespace

SessionService::SessionService(SessionStore store, ovs::SwitchBackend& backend, LogSink log,
                               ValidationContext context)
    : SessionService(std::move(store), &backend, std::move(log), std::move(context)) {}

SessionService::SessionService(SessionStore store, ovs::SwitchBackend* backend, LogSink log,
                               ValidationContext context)
    : store_(std::move(store)),
      backend_(backend),
      log_(std::move(log)),
      context_(std::move(context)) {}

SessionService SessionService::storeOnly(SessionStore store, LogSink log,
                                         ValidationContext context) {
  return SessionService(std::move(store), nullptr, std::move(log), std::move(context));
}

std::shared_ptr<const ovs::SwitchState> SessionService::switchState() const {
  return backend_ ? backend_->state() : nullptr;
}

const ApplyOutcome& SessionService::reconcileNow() {
  // Without a switch nothing is applied and no status is known.
  if (!backend_) return last_;
  last_ = reconcileAndApply(store_.sessions(), *backend_, scope());
  ++counters_.reconcile_runs;
  counters_.reconcile_actions += last_.actions_applied;
  if (last_.actions_applied > 0) {
    log_("applied " + std::to_string(last_.actions_applied) + " change(s)");
  }
  if (last_.error) {
    ++counters_.reconcile_failures;
    log_("OVSDB refused the change: " + *last_.error);
  }
  std::map<std::string, std::string> now;
  for (const auto& s : last_.statuses) {
    now[s.name] = describe(s);
    auto it = last_logged_.find(s.name);
    if (it == last_logged_.end() || it->second != now[s.name]) {
      log_("session " + s.name + ": " + now[s.name]);
    }
  }
  last_logged_ = std::move(now);
  return last_;
}

bool SessionService::reload() {
  auto fresh = SessionStore::open(store_.path());
  if (!fresh) {
    ++counters_.store_reload_failures;
    log_("keeping the sessions loaded before: " + fresh.error());
    return false;
  }
  // The daemon's own saves come back here too (it cannot tell its writes from another
  // writer's by the file's time alone): the same sessions are no change.
  if (fresh->sessions() == store_.sessions()) return false;
  store_ = std::move(*fresh);
  ++counters_.store_reloads;
  log_("loaded " + std::to_string(store_.sessions().size()) + " session(s) from " +
       store_.path().string());
  return true;
}

std::expected<SessionReply, ChangeError> SessionService::commit(Session s,
                                                             std::string_view replacing) {
  // An absolute capture file inside the capture directory is stored (and shown) relative.
  normalizeCaptureFile(s, context_);
  auto issues = validateSession(s, store_.sessions(), replacing, context_);
  if (hasErrors(issues)) return std::unexpected(fromIssues(std::move(issues)));
  SessionStore before = store_;
  bool created = store_.upsert(s);
  if (auto saved = store_.save(); !saved) {
    store_ = std::move(before);
    return std::unexpected(ChangeError{500, saved.error(), "", {}});
  }
  reconcileNow();
  const SessionStatus* status = statusOf(last_.statuses, s.name);
  if (status && status->state == SessionState::kError) return undo(std::move(before), *status);
  SessionReply reply{replyBody(s, status), created};
  // Not applied (no switch): the status is unknown, but validation's warnings still show, apart.
  if (!status) {
    for (const auto& issue : issues) reply.body["status"]["warnings"].push_back(issue.text());
  }
  return reply;
}

// A change that OVS or the manager refused when it was applied is not kept: the store and OVS
// go back to what they were, and the caller gets why (422, each problem an issue).
std::unexpected<ChangeError> SessionService::undo(SessionStore before, const SessionStatus& refused) {
  ChangeError e{422, "", "", {}};
  for (const auto& problem : refused.problems) {
    e.issues.push_back(Issue{Issue::Severity::kError, "", problem});
  }
  e.message = "refused and not kept: " +
              (refused.problems.empty() ? std::string("OVS refused it") : refused.problems.front());
  store_ = std::move(before);
  if (auto saved = store_.save(); !saved) {
    e.message += "; and the store could not be put back: " + saved.error();
  }
  reconcileNow();
  return std::unexpected(std::move(e));
}

std::expected<SessionReply, ChangeError> SessionService::create(const nlohmann::json& body) {
  auto s = sessionFromJson(body);
  if (!s) return std::unexpected(fromFieldError(s.error()));
  if (store_.find(s->name)) {
    return std::unexpected(ChangeError{409, "session " + s->name + " exists already", "name", {}});
  }
  return commit(std::move(*s), {});
}

std::expected<SessionReply, ChangeError> SessionService::replace(const std::string& name,
                                                              nlohmann::json body) {
  if (!body.contains("name")) body["name"] = name;
  if (!body["name"].is_string() || body["name"].get<std::string>() != name) {
    return std::unexpected(ChangeError{
        400,
        dumpJson(body["name"]) + " differs from the URL's " + name + " (renaming is not supported)",
        "name",
        {}});
  }
  auto s = sessionFromJson(body);
  if (!s) return std::unexpected(fromFieldError(s.error()));
  return commit(std::move(*s), name);
}

std::expected<SessionReply, ChangeError> SessionService::patch(const std::string& name,
                                                            const nlohmann::json& body) {
  const Session* old = store_.find(name);
  if (!old) return std::unexpected(noSuchSession(name));
  nlohmann::json merged = sessionToJson(*old);
  merged.merge_patch(body);
  // merge_patch only replaces objects key by key; a type change needs a whole new destination,
  // which the patch then carries, so this is the usual RFC 7396 result.
  auto reply = replace(name, std::move(merged));
  if (reply) reply->created = false;
  return reply;
}

std::expected<void, ChangeError> SessionService::remove(const std::string& name) {
  SessionStore before = store_;
  if (!store_.remove(name)) return std::unexpected(noSuchSession(name));
  if (auto saved = store_.save(); !saved) {
    store_ = std::move(before);
    return std::unexpected(ChangeError{500, saved.error(), "", {}});
  }
  reconcileNow();
  return {};
}

std::expected<SessionReply, ChangeError> SessionService::setEnabled(const std::string& name,
                                                                 bool enabled) {
  const Session* old = store_.find(name);
  if (!old) return std::unexpected(noSuchSession(name));
  Session s = *old;
  s.enabled = enabled;
  return commit(std::move(s), name);
}

std::vector<SessionStatus> SessionService::observe() const {
  auto state = switchState();
  if (!state) return last_.statuses;
  return reconcile(store_.sessions(), *state, scope()).statuses;
}

ReconcileScope SessionService::scope() const {
  ReconcileScope scope;
  scope.collector_routes = collectorRoutes(store_.sessions());
  if (backend_) scope.flow_purge_problem = backend_->flowPurgeProblem();
  scope.validation = context_;
  if (observations_) observations_(scope);
  return scope;
}

nlohmann::json SessionService::replyBody(const Session& s, const SessionStatus* status) const {
  auto state = switchState();
  return sessionReplyJson(s, status, state.get());
}

std::expected<SessionReply, ChangeError> SessionService::get(const std::string& name) const {
  const Session* s = store_.find(name);
  if (!s) return std::unexpected(noSuchSession(name));
  auto statuses = observe();
  return SessionReply{replyBody(*s, statusOf(statuses, name)), false};
}

nlohmann::json SessionService::list() const {
  auto statuses = observe();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : store_.sessions()) out.push_back(replyBody(s, statusOf(statuses, s.name)));
  return out;
}

std::expected<nlohmann::json, ChangeError> SessionService::stats(const std::string& name) const {
  if (!store_.find(name)) return std::unexpected(noSuchSession(name));
  auto state = switchState();
  MirrorCounters c = state ? mirrorCounters(*state, name) : MirrorCounters{};
  auto statuses = observe();
  const SessionStatus* status = statusOf(statuses, name);
  nlohmann::json j;
  j["name"] = name;
  j["state"] = status ? toString(status->state) : "unknown";
  j["mirrored"]["packets"] = c.packets;
  j["mirrored"]["bytes"] = c.bytes;
  j["mirrored"]["rows"] = c.per_row;
  return j;
}

std::vector<SessionSummary> SessionService::sessionSummaries() const {
  auto state = switchState();
  auto statuses = observe();
  std::vector<SessionSummary> out;
  for (const auto& s : store_.sessions()) {
    SessionSummary m;
    m.name = s.name;
    m.type = toString(s.type);
    const SessionStatus* status = statusOf(statuses, s.name);
    m.state = status ? toString(status->state) : "unknown";
    m.enabled = s.enabled;
    if (state) {
      auto c = mirrorCounters(*state, s.name);
      m.mirrored_packets = c.packets;
      m.mirrored_bytes = c.bytes;
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace ovse::manager
