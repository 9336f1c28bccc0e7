// The shared OVSDB connection flags.
#include "ovsdb_flags.h"

#include <cstdlib>

namespace ovse::cli {

void addOvsdbFlags(CLI::App& command, OvsdbFlags& flags) {
  // Like ovs-vsctl: $OVS_RUNDIR moves the default socket.
  if (const char* rundir = std::getenv("OVS_RUNDIR")) {
    flags.connect.remote = std::string("unix:") + rundir + "/db.sock";
  }
  command
      .add_option("--db", flags.connect.remote,
                  "OVSDB remote: unix:PATH, tcp:IP:PORT or ssl:IP:PORT")
      ->capture_default_str();
  command.add_option("--private-key", flags.connect.private_key, "SSL private key (PEM)")
      ->check(CLI::ExistingFile);
  command.add_option("--certificate", flags.connect.certificate, "SSL certificate (PEM)")
      ->check(CLI::ExistingFile);
  command.add_option("--ca-cert", flags.connect.ca_cert, "SSL CA certificate (PEM)")
      ->check(CLI::ExistingFile);
  command.add_option("--vswitchd-ctl", flags.connect.vswitchd_ctl,
                     "ovs-vswitchd's unixctl socket (default: found next to the --db socket)");
  command.add_option("--timeout", flags.timeout_s, "seconds to wait for OVSDB")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_flag("-v,--verbose", flags.verbose, "log libopenvswitch messages (repeat for more)");
}

std::expected<std::unique_ptr<ovs::OvsdbClient>, std::string> connectOvsdb(
    const OvsdbFlags& flags, bool keep_reconnecting) {
  ovs::ConnectOptions options = flags.connect;
  options.log_level = flags.verbose;
  options.retry = keep_reconnecting;
  return ovs::OvsdbClient::connect(
      options, std::chrono::milliseconds(static_cast<long long>(flags.timeout_s * 1000)));
}

std::expected<std::shared_ptr<const ovs::SwitchState>, std::string> readSwitchState(
    const OvsdbFlags& flags) {
  auto client = connectOvsdb(flags);
  if (!client) return std::unexpected(client.error());
  return (*client)->snapshot();
}

}  // namespace ovse::cli
