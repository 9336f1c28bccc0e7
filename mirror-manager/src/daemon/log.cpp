// Timestamped log lines (see log.h).
#include "log.h"

#include <ctime>
#include <iostream>

namespace ovse::manager::daemon {

void logLine(const std::string& line) {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  // One write per line: the io thread, the back worker and the OVSDB watcher all log.
  std::cerr << (std::string(buf) + " " + line + "\n") << std::flush;
}

}  // namespace ovse::manager::daemon
