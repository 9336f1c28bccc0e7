// mirrorctl: the ovs-erspan command line. Each subcommand lives in its own *_command.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "capture_command.h"
#include "collect_command.h"
#include "export_command.h"
#include "gc_command.h"
#include "hosts_command.h"
#include "ovn_command.h"
#include "ports_command.h"
#include "serve_command.h"
#include "session_command.h"
#include "trace_command.h"

int main(int argc, char** argv) {
  CLI::App app{"mirrorctl: port mirroring for Open vSwitch, ERSPAN/GRE export and collection"};
  app.set_version_flag("--version", std::string("mirrorctl ") + OVSE_VERSION);
  app.require_subcommand(1);
  ovse::cli::addPortsCommand(app);
  ovse::cli::addExportCommand(app);
  ovse::cli::addCollectCommand(app);
  ovse::cli::addSessionCommand(app);
  ovse::cli::addServeCommand(app);
  ovse::cli::addCaptureCommand(app);
  ovse::cli::addTraceCommand(app);
  ovse::cli::addGcCommand(app);
  ovse::cli::addHostsCommand(app);
#ifdef OVSE_WITH_OVN
  ovse::cli::addOvnCommand(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    // Subcommands report their own errors and hand back the exit code this way.
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "mirrorctl: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
