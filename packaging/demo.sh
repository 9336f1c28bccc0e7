#!/usr/bin/env bash
# The main job on an embedded default, from a fresh machine, in one command. It installs what is
# missing and builds, then on a private Open vSwitch (userspace datapath, namespaces):
#   - two VMs (web, db) on bridge br0 and an analyzer host behind a second bridge (br-ul);
#   - `mirrorctl serve` keeping the sessions applied;
#   - an ERSPAN III session through `mirrorctl session create` (both directions, mirrored packet
#     length 128) to the analyzer, where `mirrorctl collect` writes pcapng;
#   - real traffic (ping and a TCP transfer), then a VM "reboot" (its port deleted and re-created)
#     and the mirror following it;
# and prints a report. Leaves no namespace or process behind; keeps the capture.
#
# usage: packaging/demo.sh [CAPTURE_DIR]   (default /tmp/ovs-erspan-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
captures=${1:-/tmp/ovs-erspan-demo}

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "set-up and build"
packaging/setup.sh
cmake --preset default >/dev/null
cmake --build build -j"$(nproc)" --target mirrorctl
mirrorctl=$root/build/cli/mirrorctl
sandbox=$root/tests/harness/ovs-sandbox

dir=$(mktemp -d /tmp/ovse-sbx.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$sandbox" stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
export OVSE_SANDBOX_OWNER=$$

say "private Open vSwitch: VMs web (10.0.0.1) and db (10.0.0.2) on br0, analyzer 10.99.0.2 via br-ul"
"$sandbox" start "$dir" >/dev/null
"$sandbox" add-vm "$dir" web 10.0.0.1/24 02:00:00:00:00:01 web-nic0 vm-web
"$sandbox" add-vm "$dir" db 10.0.0.2/24 02:00:00:00:00:02 db-nic0 vm-db
"$sandbox" add-collector "$dir" analyzer 10.99.0.2/24 10.99.0.1/24
eval "$("$sandbox" env "$dir")"
ns() { ip netns exec "$PREFIX-$1" "${@:2}"; }
ctl() { "$mirrorctl" "$@" --db "$DB" --store "$dir/sessions.json"; }
"$mirrorctl" ports --db "$DB" --bridge br0

say "mirrorctl serve (keeps OVS matching the session store)"
"$mirrorctl" serve --db "$DB" --store "$dir/sessions.json" --listen "unix:$dir/api.sock" 2>"$dir/serve.log" &
pids+=($!)

say "mirrorctl collect on the analyzer, writing $captures/demo.pcapng"
mkdir -p "$captures"
rm -f "$captures/demo.pcapng"
# Not through ns(): $! must be the collector itself, so SIGINT reaches it.
ip netns exec "$PREFIX-analyzer" "$mirrorctl" collect -i eth0 --allow 10.99.0.1 -w "$captures/demo.pcapng" --json \
  >"$dir/collect.json" 2>"$dir/collect.log" &
collector=$!
pids+=($collector)
sleep 1

say "mirrorctl session create: ERSPAN III of VM web, both directions, 128 bytes per frame"
ctl session create demo --type erspan --source iface_id=web-nic0 --remote-ip 10.99.0.2 \
  --version 3 --session-id 10 --hwid 1 --mirrored-packet-length 128

say "traffic: ping and a 2-second TCP transfer (50 Mbit/s) from web to db"
ns web ping -c 5 -i 0.2 10.0.0.2 | tail -2
ns db iperf3 -s -1 -D -I "$dir/iperf3.pid" >/dev/null
sleep 0.5
ns web iperf3 -c 10.0.0.2 -t 2 -b 50M | grep -E "sender|receiver"

say "VM web reboots: its port is deleted and re-created (new OVSDB row, same iface-id)"
$VSCTL del-port br0 web
sleep 1
rebooted=$(date +%s.%N)
$VSCTL add-port br0 web -- set interface web external_ids:iface-id=web-nic0 \
  external_ids:attached-mac=02:00:00:00:00:01 external_ids:vm-uuid=vm-web
ns web ping -c 5 -i 0.2 10.0.0.2 | tail -2
echo "mirrorctl serve said:"
grep "session demo" "$dir/serve.log" | sed 's/^/  /'

say "session state"
ctl session show demo

kill -INT "$collector"
wait "$collector" || true
say "report"
report=$(tshark -r "$captures/demo.pcapng" -T fields -e frame.packet_flags_direction -e frame.len \
  -e frame.cap_len 2>/dev/null)
summary() {
  awk -v want="$1" -v name="$2" '$1 == want {n++; cap += $3; orig += $2}
    END {printf "  %-24s %7d packets %10d bytes (captured %d)\n", name, n, orig, cap}'
}
echo "$report" | summary 0x00000001 "ingress (web sends)"
echo "$report" | summary 0x00000002 "egress (web receives)"
lost=$(grep -o '"lost": [0-9]*' "$dir/collect.json" | head -1 | grep -o '[0-9]*$' || echo "?")
echo "  GRE sequence loss:       $lost"
after=$(tshark -r "$captures/demo.pcapng" -Y "icmp && frame.time_epoch > $rebooted" 2>/dev/null | wc -l)
echo "  ICMP after the reboot:   $after mirrored frames"
echo "  capture:                 $captures/demo.pcapng"
echo "  look inside:             tshark -r $captures/demo.pcapng -T fields -e frame.interface_name -e frame.packet_flags_direction -e _ws.col.Info | head"
