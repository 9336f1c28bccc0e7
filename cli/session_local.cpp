// The session calls answered in-process by the session service (see session_local.h).
#include "session_local.h"

#include <filesystem>
#include <optional>

#include "mirror_manager/session_service.h"
#include "mirror_manager/store_lock.h"

namespace ovse::cli {
namespace {

using manager::ChangeError;
using manager::SessionReply;

CallResult answer(const std::expected<SessionReply, ChangeError>& r) {
  if (!r) return std::unexpected(manager::changeErrorJson(r.error()));
  return r->body;
}

class LocalCalls : public SessionCalls {
 public:
  LocalCalls(std::optional<manager::StoreLock> lock, std::unique_ptr<ovs::OvsdbClient> client,
             std::string not_applied, std::unique_ptr<manager::SessionService> service)
      : lock_(std::move(lock)),
        client_(std::move(client)),
        not_applied_(std::move(not_applied)),
        service_(std::move(service)) {}

  CallResult create(const nlohmann::json& session) override {
    return answer(service_->create(session));
  }
  CallResult get(const std::string& name) override { return answer(service_->get(name)); }
  CallResult replace(const std::string& name, const nlohmann::json& session) override {
    return answer(service_->replace(name, session));
  }
  CallResult setEnabled(const std::string& name, bool enabled) override {
    return answer(service_->setEnabled(name, enabled));
  }
  CallResult remove(const std::string& name) override {
    if (auto removed = service_->remove(name); !removed) {
      return std::unexpected(manager::changeErrorJson(removed.error()));
    }
    return nlohmann::json{{"deleted", name}};
  }
  CallResult preview(const nlohmann::json& session, const std::string& replacing) override {
    return answer(service_->preview(session, replacing));
  }
  CallResult list() override { return service_->list(); }
  CallResult stats(const std::string& name) override {
    auto s = service_->stats(name);
    if (!s) return std::unexpected(manager::changeErrorJson(s.error()));
    return std::move(*s);
  }
  const ovs::SwitchState* switchState() const override {
    return client_ ? client_->snapshot().get() : nullptr;
  }
  std::string notApplied() const override { return not_applied_; }

 private:
  std::optional<manager::StoreLock> lock_;  // released last: the service saves under it
  std::unique_ptr<ovs::OvsdbClient> client_;
  std::string not_applied_;
  std::unique_ptr<manager::SessionService> service_;
};

}  // namespace

std::expected<std::unique_ptr<SessionCalls>, std::string> localCalls(const LocalOptions& o) {
  // Two `mirrorctl session` changes wait for each other; one against a daemon's store is refused.
  std::optional<manager::StoreLock> lock;
  if (o.change) {
    auto acquired = manager::StoreLock::acquire(o.store, {0, "mirrorctl session", ""},
                                                std::chrono::seconds(10));
    if (!acquired) return std::unexpected(acquired.error());
    lock = std::move(*acquired);
  }
  auto store = manager::SessionStore::open(o.store);
  if (!store) return std::unexpected(store.error());
  const manager::ValidationContext context{
      std::filesystem::absolute(o.capture_dir).lexically_normal().string()};
  auto quiet = [](const std::string&) {};
  std::unique_ptr<ovs::OvsdbClient> client;
  std::string not_applied;
  if (!o.no_apply) {
    auto connected = connectOvsdb(o.ovsdb);
    if (connected) {
      client = std::move(*connected);
    } else {
      not_applied = connected.error();
    }
  }
  using manager::SessionService;
  auto service = client ? std::make_unique<SessionService>(std::move(*store), *client, quiet,
                                                           context)
                        : std::make_unique<SessionService>(
                              SessionService::storeOnly(std::move(*store), quiet, context));
  // A read beside a serve that holds the store (--server none): that serve runs the pipelines,
  // and only it can say how they are.
  const auto holder = manager::StoreLock::holder(o.store);
  if (!lock && holder && holder->program == "mirrorctl serve") {
    std::string elsewhere = holder->program + " (pid " + std::to_string(holder->pid) +
                            ") runs this session's pipeline; ask it";
    if (!holder->server.empty()) elsewhere += " with --server " + holder->server;
    service->addObservations([elsewhere](manager::ReconcileScope& scope) {
      scope.pipelines.supervised_elsewhere = elsewhere;
    });
  }
  return std::make_unique<LocalCalls>(std::move(lock), std::move(client), std::move(not_applied),
                                      std::move(service));
}

}  // namespace ovse::cli
