#!/usr/bin/env bash
# Installs every Debian package ovs-erspan needs to build, test and run. Idempotent: it runs
# `apt-get update` and `apt-get install` only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache clang clang-19 libclang-rt-19-dev
  libpcap-dev libboost-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  openvswitch-switch openvswitch-source ovn-central ovn-host
  tshark tcpdump python3-scapy netsniff-ng nftables
  iproute2 ethtool iperf3 iputils-ping procps
  lintian dpkg-dev systemd
  chromium chromium-driver
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $EUID -ne 0 ]]; then
  echo "setup: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

# The system's own OVS daemons are not used (tests and the demo run private ones); keep the
# package's services from holding the default socket paths busy on machines without the module.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  systemctl disable --now openvswitch-switch >/dev/null 2>&1 || true
fi
echo "setup: done"
