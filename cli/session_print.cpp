// Printing session answers (see session_print.h).
#include "session_print.h"

#include <iostream>

#include "mirror_manager/json_text.h"
#include "mirror_manager/session_json.h"
#include "session_view.h"

namespace ovse::cli {
namespace {

std::vector<std::string> strings(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key])
      out.push_back(v.is_string() ? v.get<std::string>() : manager::dumpJson(v));
  }
  return out;
}

// The status of a reply back in model form for the shared printers; nullopt when "unknown".
std::optional<manager::SessionStatus> statusFromJson(const std::string& name,
                                                     const nlohmann::json& j) {
  using manager::SessionState;
  manager::SessionStatus s;
  s.name = name;
  const std::string state = j.value("state", "unknown");
  bool known = false;
  for (auto st : {SessionState::kActive, SessionState::kDegraded, SessionState::kWaiting,
                  SessionState::kDisabled, SessionState::kError}) {
    if (state == manager::toString(st)) s.state = st, known = true;
  }
  if (!known) return std::nullopt;
  s.missing = strings(j, "missing");
  s.problems = strings(j, "problems");
  s.warnings = strings(j, "warnings");
  s.mirrors = strings(j, "mirrors");
  s.ports = strings(j, "ports");
  s.bridge = j.value("bridge", "");
  return s;
}

nlohmann::json statusPart(const nlohmann::json& reply) {
  return reply.value("status", nlohmann::json::object());
}

int fail(const std::string& message) {
  std::cerr << "mirrorctl session: " << message << '\n';
  return 1;
}

}  // namespace

int printReply(const nlohmann::json& reply, bool json, const ovs::SwitchState* state) {
  const auto status_json = statusPart(reply);
  const bool refused = status_json.value("state", "") == "error";
  if (json) {
    std::cout << manager::dumpJson(reply, 2) << '\n';
    return refused ? 1 : 0;
  }
  auto session = manager::sessionFromJson(reply.value("session", nlohmann::json::object()));
  if (!session) return fail("unexpected reply: " + session.error().text());
  auto status = statusFromJson(session->name, status_json);
  printSessionDetails(std::cout, *session, status ? &*status : nullptr, state);
  // Without a known state (not applied), validation's warnings still show.
  if (!status) {
    for (const auto& w : strings(status_json, "warnings")) {
      std::cout << "  warning:    " << w << '\n';
    }
  }
  if (state == nullptr && status && reply.contains("mirrored")) {
    std::cout << "mirrored:     " << reply["mirrored"].value("packets", 0) << " packets, "
              << reply["mirrored"].value("bytes", 0) << " bytes (OVS statistics)\n";
  }
  return refused ? 1 : 0;
}

int printError(const nlohmann::json& error, bool json) {
  if (json) {
    std::cout << manager::dumpJson(error, 2) << '\n';
    return 1;
  }
  const std::string text = error.value("error", std::string("failed"));
  fail(text);
  for (const auto& issue : error.value("issues", nlohmann::json::array())) {
    const std::string path = issue.value("path", "");
    const std::string line = (path.empty() ? "" : path + ": ") + issue.value("message", "");
    if (line != text) fail(issue.value("severity", "") + " " + line);
  }
  return 1;
}

int printPreview(const CallResult& answer, bool json) {
  if (!json) std::cout << "dry run: nothing saved, nothing applied\n";
  if (!answer) return printError(answer.error(), json);
  if (json) return printReply(*answer, true, nullptr);
  // The counters of a session not yet (or, for set, not yet so) programmed say nothing.
  nlohmann::json reply = *answer;
  reply.erase("mirrored");
  return printReply(reply, false, nullptr);
}

int printList(const nlohmann::json& list, bool json) {
  if (json) {
    std::cout << manager::dumpJson(list, 2) << '\n';
    return 0;
  }
  std::vector<manager::Session> sessions;
  std::vector<manager::SessionStatus> statuses;
  std::map<std::string, std::int64_t> mirrored;  // OVS counts, from the answer (REST too)
  for (const auto& item : list) {
    auto s = manager::sessionFromJson(item.value("session", nlohmann::json::object()));
    if (!s) return fail("unexpected reply: " + s.error().text());
    if (auto status = statusFromJson(s->name, statusPart(item))) {
      statuses.push_back(*status);
      const auto counts = item.value("mirrored", nlohmann::json::object());
      mirrored[s->name] = counts.value("packets", std::int64_t{0});
    }
    sessions.push_back(std::move(*s));
  }
  printSessionTable(std::cout, sessions, statuses, mirrored);
  return 0;
}

int printStats(const nlohmann::json& stats, bool json) {
  if (json) {
    std::cout << manager::dumpJson(stats, 2) << '\n';
    return 0;
  }
  const auto mirrored = stats.value("mirrored", nlohmann::json::object());
  std::cout << "state:        " << stats.value("state", "unknown") << '\n'
            << "mirrored:     " << mirrored.value("packets", 0) << " packets, "
            << mirrored.value("bytes", 0) << " bytes (OVS statistics)\n";
  printPipelineStats(std::cout, stats);
  return 0;
}

}  // namespace ovse::cli
