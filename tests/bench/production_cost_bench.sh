#!/usr/bin/env bash
# production_cost_bench.sh: what mirroring costs the traffic it watches. iperf3 (TCP) between two
# VM namespaces through a private OVS (userspace datapath), alternating in the same run:
#   1. no session (the anchor);
#   2. an ERSPAN III session on the sender's port, backend native (OVS's erspan tunnel ports),
#      to the collector across the underlay bridge br-ul;
#   3. the same session, backend exporter (`mirrorctl serve` runs the exporter pipeline), to the
#      same collector address: its packets re-enter OVS through br-ul's internal port;
#   4. backend exporter to the collector's address on a link outside OVS (a host NIC of its own,
#      which native tunnel ports cannot use: OVS needs the underlay on one of its bridges).
# The underlay has a 9000-byte MTU: on 1500 bytes OVS drops every full-size mirrored frame after
# encapsulating it (netdev_linux "Message too long", in no counter), and a native session then
# only costs the small packets. Prints Mbit/s, the drop against the anchor (target: <= 5 % with
# the exporter) and the mirrored copies each case delivered. A benchmark, never a test; needs root.
#
# usage: tests/bench/production_cost_bench.sh [BUILD_DIR] [SECONDS] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
source "$root/tests/bench/bench_json.sh"
source "$root/tests/bench/gre_sink.sh"
seconds=${2:-5}
rounds=${3:-3}
mirrorctl=$build/cli/mirrorctl
sandbox=$root/tests/harness/ovs-sandbox
[[ -x $mirrorctl ]] || { echo "production_cost_bench: build mirrorctl first ($mirrorctl)" >&2; exit 1; }

dir=$(mktemp -d /tmp/ovse-sbx.XXXXXX)
export OVSE_SANDBOX_OWNER=$$
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; "$sandbox" stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
"$sandbox" start "$dir" >/dev/null
"$sandbox" add-vm "$dir" vm1 10.0.0.1/24 02:00:00:00:00:01 vm-a
"$sandbox" add-vm "$dir" vm2 10.0.0.2/24 02:00:00:00:00:02 vm-b
"$sandbox" add-collector "$dir" col 10.99.0.2/24 10.99.0.1/24
eval "$("$sandbox" env "$dir")"
ns() { ip netns exec "$PREFIX-$1" "${@:2}"; }
hv() { ip netns exec "$HV_NS" "$@"; }
for vm in vm1 vm2; do ns "$vm" ethtool -K eth0 tx off >/dev/null 2>&1 || true; done
# Jumbo underlay: the collector's veth (both ends) and br-ul.
ns col ip link set eth0 mtu 9000
$VSCTL set interface col mtu_request=9000 -- set interface br-ul mtu_request=9000
# The collector's second address, on a link of the hypervisor's own (not in OVS).
hv ip link add ul-direct mtu 9000 type veth peer name eth1 mtu 9000 netns "$PREFIX-col"
hv ip addr add 10.98.0.1/24 dev ul-direct
hv ip link set ul-direct up
ns col ip addr add 10.98.0.2/24 dev eth1
ns col ip link set eth1 up
# The collector namespace counts and drops GRE at once (gre_sink.sh): the cost is the sender's.
gre_sink "$PREFIX-col" eth0
gre_sink "$PREFIX-col" eth1
for _ in $(seq 50); do [[ $(hv cat /sys/class/net/br-ul/mtu) == 9000 ]] && break; sleep 0.1; done

# The daemon runs where ovs-vswitchd runs, beside the internal ports the exporter reads.
ip netns exec "$HV_NS" "$mirrorctl" serve --db "$DB" --store "$dir/sessions.json" --listen "unix:$dir/api.sock" \
  2>"$dir/serve.log" &
pids+=($!)
ctl() { "$mirrorctl" "$@" --db "$DB" --store "$dir/sessions.json"; }
ns vm2 iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null
sleep 0.5

mbits() {
  ns vm1 iperf3 -c 10.0.0.2 -t "$seconds" -J | /usr/bin/python3 -c \
    'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}
gre_received() {  # GRE packets the collector's two links received so far
  echo $(($(ns col cat /sys/class/net/eth0/statistics/rx_packets) +
    $(ns col cat /sys/class/net/eth1/statistics/rx_packets)))
}

# The box is shared and iperf3 through a userspace datapath swings by +-30 % from run to run, so
# the three cases alternate for `rounds` rounds and the medians are compared.
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
cases=(none native exporter exporter-direct)
session() {  # CASE: creates the session and waits until its traffic flows
  local backend=${1%-direct} remote=10.99.0.2
  [[ $1 == *-direct ]] && remote=10.98.0.2
  ctl session create cost --type erspan --source iface_id=vm-a --remote-ip "$remote" \
    --version 3 --session-id 3 --backend "$backend" >/dev/null
  if [[ $backend == exporter ]]; then
    for _ in $(seq 50); do grep -q "exporter running" "$dir/serve.log" && break; sleep 0.1; done
  fi
}
echo "iperf3 vm1 -> vm2, ${seconds} s per run, $rounds rounds alternating ${cases[*]};"
echo "ERSPAN III of vm1 (both directions) to 10.99.0.2 (via br-ul) or 10.98.0.2 (direct link)"
declare -A runs copies
for round in $(seq "$rounds"); do
  line="  round $round:"
  for c in "${cases[@]}"; do
    [[ $c != none ]] && session "$c"
    before=$(gre_received)
    got=$(mbits)
    runs[$c]+="$got "
    copies[$c]+="$((($(gre_received) - before) / seconds)) "
    [[ $c != none ]] && { ctl session delete cost >/dev/null; sleep 0.5; }
    line+=" $c $got"
  done
  echo "$line Mbit/s"
done
# shellcheck disable=SC2086
base=$(median ${runs[none]})
figures=("seconds=$seconds" "rounds=$rounds" "no_session_mbit_s=$base" "target_exporter_drop_percent=5")
printf '  %-44s %6s Mbit/s (median)\n' "no session (anchor)" "$base"
for c in "${cases[@]:1}"; do
  # shellcheck disable=SC2086
  got=$(median ${runs[$c]})
  # shellcheck disable=SC2086
  rate=$(median ${copies[$c]})
  drop=$(echo "(1 - $got / $base) * 100" | bc -l)
  printf '  %-44s %6s Mbit/s  %5.1f %% below the anchor, %s mirrored copies/s (medians)\n' \
    "ERSPAN III, backend ${c/-direct/ (direct link)}" "$got" "$drop" "$rate"
  key=${c//-/_}
  figures+=("${key}_mbit_s=$got" "${key}_drop_percent=$(printf '%.1f' "$drop")" "${key}_copies_per_s=$rate")
done
kill "$(cat "$dir/iperf3.pid")" 2>/dev/null || true
bench_json production_cost_bench "${figures[@]}"
