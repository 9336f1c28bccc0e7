// A VM's port used as a local session's destination, against a real OVS: the session warns that
// the port stops forwarding its own traffic, and it does (ping through the VM's port fails while
// the session exists and works again once it is deleted); allow_normal_io is refused with the
// reason and programs nothing.
#include <gtest/gtest.h>

#include <sstream>

#include "integration/manager/manager_fixture.h"

namespace ovse::test {
namespace {

class NormalIoTest : public ManagerTest {
 protected:
  void addHosts() override {
    sandbox_->addVm("vm1", "10.0.0.1/24", "02:00:00:00:00:01", "vm-a");
    sandbox_->addVm("vm2", "10.0.0.2/24", "02:00:00:00:00:02", "vm-b");
    sandbox_->addVm("vm3", "10.0.0.3/24", "02:00:00:00:00:03", "vm-c");
  }

  // ping's exit code: 0 when replies came back.
  int ping(const std::string& from, const std::string& to) {
    return sandbox_->exec(from, {"ping", "-c", "3", "-i", "0.2", "-W", "1", to}).exit_code;
  }

  // The Mirror rows in OVS (one UUID per line with --bare).
  std::size_t mirrorCount() {
    std::istringstream rows(sandbox_->vsctl({"--bare", "--columns=_uuid", "list", "Mirror"}).out);
    std::size_t n = 0;
    for (std::string line; std::getline(rows, line);) n += line.empty() ? 0 : 1;
    return n;
  }
};

TEST_F(NormalIoTest, VmPortAsDestinationWarnsAndStopsForwarding) {
  ASSERT_EQ(ping("vm2", "10.0.0.3"), 0) << "vm2 forwards before the session";
  auto r = ctl({"session", "create", "to-vm2", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "vm2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("destination port vm2 is a VM's port (iface-id vm-b): this port stops "
                       "forwarding its own traffic"),
            std::string::npos)
      << r.out;
  // What the warning says is what happens: neither what vm2 sends nor what is sent to it passes.
  EXPECT_NE(ping("vm2", "10.0.0.3"), 0);
  EXPECT_NE(ping("vm3", "10.0.0.2"), 0);
  EXPECT_EQ(ping("vm1", "10.0.0.3"), 0) << "the source keeps forwarding";
  ASSERT_EQ(ctl({"session", "delete", "to-vm2"}).exit_code, 0);
  EXPECT_EQ(ping("vm2", "10.0.0.3"), 0) << "forwarding comes back with the session gone";
}

TEST_F(NormalIoTest, AllowNormalIoIsRefusedAndProgramsNothing) {
  auto r = ctl({"session", "create", "keep-io", "--type", "local", "--source", "iface_id=vm-a",
                "--dest-port", "vm2", "--allow-normal-io"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("destination.allow_normal_io: true is not supported: OVS reserves a "
                       "mirror's output port"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(mirrorCount(), 0u);
  EXPECT_EQ(ping("vm2", "10.0.0.3"), 0);
}

}  // namespace
}  // namespace ovse::test
