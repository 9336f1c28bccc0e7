#!/usr/bin/env bash
# production_cost_bench.sh: what mirroring costs the traffic it watches. iperf3 (TCP) between two
# VM namespaces through a private OVS (userspace datapath), three times in the same run:
#   1. no session (the anchor);
#   2. an ERSPAN III session on the sender's port, backend native (OVS's erspan tunnel ports);
#   3. the same session, backend exporter (`mirrorctl serve` runs the exporter pipeline).
# Each mirrored copy goes to a collector namespace across a second bridge. Prints Mbit/s and the
# drop against the anchor (target: <= 5 % with the exporter). A benchmark, never a test; needs root.
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
for vm in vm1 vm2; do ns "$vm" ethtool -K eth0 tx off >/dev/null 2>&1 || true; done
# The collector namespace counts and drops GRE at once (gre_sink.sh): the cost is the sender's.
gre_sink "$PREFIX-col" eth0

# The daemon runs where ovs-vswitchd runs, beside the internal ports the exporter reads.
ip netns exec "$HV_NS" "$mirrorctl" serve --db "$DB" --store "$dir/sessions.json" --listen 127.0.0.1:0 \
  2>"$dir/serve.log" &
pids+=($!)
ctl() { "$mirrorctl" "$@" --db "$DB" --store "$dir/sessions.json"; }
ns vm2 iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null
sleep 0.5

mbits() {
  ns vm1 iperf3 -c 10.0.0.2 -t "$seconds" -J | /usr/bin/python3 -c \
    'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

# The box is shared and iperf3 through a userspace datapath swings by +-30 % from run to run, so
# the three cases alternate for `rounds` rounds and the medians are compared.
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
session() {  # BACKEND: creates the session and waits until its traffic flows
  ctl session create cost --type erspan --source iface_id=vm-a --remote-ip 10.99.0.2 \
    --version 3 --session-id 3 --backend "$1" >/dev/null
  if [[ $1 == exporter ]]; then
    for _ in $(seq 50); do grep -q "exporter running" "$dir/serve.log" && break; sleep 0.1; done
  fi
}
echo "iperf3 vm1 -> vm2, ${seconds} s per run, $rounds rounds alternating no session / native /"
echo "exporter; ERSPAN III of vm1 (both directions) to 10.99.0.2"
declare -A runs
for round in $(seq "$rounds"); do
  for backend in none native exporter; do
    [[ $backend != none ]] && session "$backend"
    got=$(mbits)
    runs[$backend]+="$got "
    [[ $backend != none ]] && { ctl session delete cost >/dev/null; sleep 0.5; }
  done
  printf '  round %s: none %s, native %s, exporter %s Mbit/s\n' "$round" \
    $(for b in none native exporter; do echo "${runs[$b]}" | awk '{print $NF}'; done)
done
# shellcheck disable=SC2086
base=$(median ${runs[none]})
figures=("seconds=$seconds" "rounds=$rounds" "no_session_mbit_s=$base" "target_exporter_drop_percent=5")
printf '  %-34s %6s Mbit/s (median)\n' "no session (anchor)" "$base"
for backend in native exporter; do
  # shellcheck disable=SC2086
  got=$(median ${runs[$backend]})
  drop=$(echo "(1 - $got / $base) * 100" | bc -l)
  printf '  %-34s %6s Mbit/s  %5.1f %% below the anchor (medians)\n' \
    "ERSPAN III, backend $backend" "$got" "$drop"
  figures+=("${backend}_mbit_s=$got" "${backend}_drop_percent=$(printf '%.1f' "$drop")")
done
kill "$(cat "$dir/iperf3.pid")" 2>/dev/null || true
bench_json production_cost_bench "${figures[@]}"
