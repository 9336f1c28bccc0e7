// PacketCapture: tcpdump in a namespace, tshark to read.
#include "harness/capture.h"

#include <csignal>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ovse::test {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

PacketCapture::PacketCapture(const Sandbox& sandbox, const std::string& host,
                             const std::string& iface, std::filesystem::path file,
                             const std::string& filter)
    : PacketCapture(sandbox.netns(host), iface, std::move(file), filter) {}

PacketCapture::PacketCapture(const std::string& netns, const std::string& iface,
                             std::filesystem::path file, const std::string& filter)
    : file_(std::move(file)), log_(file_.string() + ".log") {
  std::vector<std::string> argv{"ip", "netns", "exec", netns, "tcpdump", "-i", iface,
                                "-Q", "in", "-U", "--immediate-mode", "-s", "0", "-w", file_.string()};
  if (!filter.empty()) argv.push_back(filter);
  tcpdump_ = std::make_unique<Background>(argv, log_);
  for (int i = 0; i < 500; ++i) {
    if (slurp(log_).find("listening on") != std::string::npos) return;
    if (!tcpdump_->running()) break;
    usleep(10000);
  }
  throw std::runtime_error("tcpdump did not start: " + slurp(log_));
}

PacketCapture::~PacketCapture() { stop(); }

void PacketCapture::stop() {
  if (tcpdump_) tcpdump_->stop(SIGINT);
}

std::vector<std::vector<std::string>> PacketCapture::fields(const std::vector<std::string>& names,
                                                            const std::string& display_filter) {
  stop();
  std::vector<std::string> argv{"tshark", "-r", file_.string(), "-T", "fields", "-E", "separator=|"};
  for (const auto& f : names) {
    argv.push_back("-e");
    argv.push_back(f);
  }
  if (!display_filter.empty()) {
    argv.push_back("-Y");
    argv.push_back(display_filter);
  }
  auto result = run(argv);
  if (result.exit_code != 0) throw std::runtime_error("tshark failed: " + result.err);
  std::vector<std::vector<std::string>> rows;
  std::stringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> row;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '|')) row.push_back(cell);
    row.resize(names.size());
    rows.push_back(row);
  }
  return rows;
}

}  // namespace ovse::test
