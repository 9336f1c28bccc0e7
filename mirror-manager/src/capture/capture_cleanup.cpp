// Capture owners: /proc facts, dead-owner removal, --list and --stop (see capture_cleanup.h).
#include "mirror_manager/capture_cleanup.h"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include "mirror_manager/apply.h"

namespace ovse::manager {
namespace {

// First 8 hex digits of the kernel's boot id (changes at every boot).
std::string bootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  in >> id;
  std::string hex;
  for (char c : id) {
    if (c != '-') hex += c;
    if (hex.size() == 8) break;
  }
  return hex.empty() ? "noboot" : hex;
}

// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); nullopt: no process.
std::optional<std::uint64_t> startTicks(std::int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const std::size_t paren = line.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(paren + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i != 22) continue;
    std::uint64_t ticks = 0;
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), ticks);
    if (ec == std::errc() && end == field.data() + field.size()) return ticks;
  }
  return std::nullopt;
}

std::size_t rowsLeft(const ovs::SwitchBackend& backend, const std::string& owner) {
  auto state = backend.state();
  if (!state) return 0;
  for (const auto& rows : captureRows(*state)) {
    if (rows.owner == owner) return rows.mirrors.size() + rows.ports.size();
  }
  return 0;
}

std::expected<void, std::string> removeRows(ovs::SwitchBackend& backend, const std::string& owner) {
  auto outcome = reconcileAndApply({}, backend, ReconcileScope{owner});
  if (outcome.error) return std::unexpected("removing rows of " + owner + ": " + *outcome.error);
  return {};
}

}  // namespace

CaptureOwner selfOwner() {
  const auto pid = static_cast<std::int64_t>(getpid());
  return {pid, startTicks(pid).value_or(0), bootId()};
}

HostFacts hostFacts(const std::vector<CaptureRows>& rows) {
  HostFacts facts;
  facts.boot_id = bootId();
  for (const auto& r : rows) {
    if (!r.parsed) continue;
    if (auto ticks = startTicks(r.parsed->pid)) facts.start_ticks[r.parsed->pid] = *ticks;
  }
  return facts;
}

std::vector<CaptureInfo> listCaptures(const ovs::SwitchState& state) {
  auto rows = captureRows(state);
  const auto facts = hostFacts(rows);
  std::vector<CaptureInfo> out;
  for (auto& r : rows) {
    const bool alive = r.parsed && ownerAlive(*r.parsed, facts);
    out.push_back({std::move(r), alive});
  }
  return out;
}

std::expected<std::vector<CaptureInfo>, std::string> removeDeadCaptures(
    ovs::SwitchBackend& backend) {
  std::vector<CaptureInfo> removed;
  auto state = backend.state();
  if (!state) return removed;
  for (auto& info : listCaptures(*state)) {
    if (info.alive) continue;
    if (auto r = removeRows(backend, info.rows.owner); !r) return std::unexpected(r.error());
    removed.push_back(std::move(info));
  }
  return removed;
}

std::expected<std::vector<std::string>, std::string> stopCaptures(
    ovs::SwitchBackend& backend, const std::string& which, std::chrono::milliseconds timeout) {
  auto state = backend.state();
  std::vector<CaptureInfo> chosen;
  for (auto& info : listCaptures(*state)) {
    const std::string pid = info.rows.parsed ? std::to_string(info.rows.parsed->pid) : "";
    if (which == "all" || which == pid || which == info.rows.owner) chosen.push_back(info);
  }
  if (chosen.empty()) {
    return std::unexpected("--stop " + which + ": no such capture (see mirrorctl capture --list)");
  }
  std::vector<std::string> lines;
  for (const auto& info : chosen) {
    const auto pid = info.rows.parsed ? info.rows.parsed->pid : 0;
    if (info.alive && kill(static_cast<pid_t>(pid), SIGTERM) == 0) {
      lines.push_back("capture " + std::to_string(pid) + ": sent SIGTERM");
    } else {
      if (auto r = removeRows(backend, info.rows.owner); !r) return std::unexpected(r.error());
      lines.push_back("capture " + info.rows.owner + ": not running; its rows were removed");
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& info : chosen) {
    while (rowsLeft(backend, info.rows.owner) > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (rowsLeft(backend, info.rows.owner) > 0) {
      return std::unexpected("capture " + info.rows.owner + " still has OVS rows after " +
                             std::to_string(timeout.count()) + " ms");
    }
  }
  return lines;
}

}  // namespace ovse::manager
