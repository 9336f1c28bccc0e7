#!/usr/bin/env bash
# session_bench.sh: how fast a mirror session takes effect on a real OVS (userspace datapath).
#  1. `mirrorctl session create` started -> first mirrored frame at the analyzer, under steady
#     traffic (target <= 300 ms), next to the anchor: the same mirror made with plain `ovs-vsctl`
#     (which OVS 3.1's userspace datapath applies to established flows only much later).
#  2. One transaction that programs 32 sessions on one bridge (OVS's mirror limit).
# Prints figures and ratios; a benchmark, never a test. Needs root (namespaces).
#
# usage: tests/bench/session_bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
source "$(dirname "$0")/bench_json.sh"
runs=${2:-5}
mirrorctl=$build/cli/mirrorctl
sandbox=$root/tests/harness/ovs-sandbox
[[ -x $mirrorctl ]] || { echo "session_bench: build mirrorctl first ($mirrorctl)" >&2; exit 1; }

dir=$(mktemp -d /tmp/ovse-sbx.XXXXXX)
export OVSE_SANDBOX_OWNER=$$
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; "$sandbox" stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
"$sandbox" start "$dir" >/dev/null
"$sandbox" add-vm "$dir" vm1 10.0.0.1/24 02:00:00:00:00:01 vm-a
"$sandbox" add-vm "$dir" vm2 10.0.0.2/24 02:00:00:00:00:02 vm-b
"$sandbox" add-vm "$dir" analyzer 10.0.0.9/24 02:00:00:00:00:09 analyzer
eval "$("$sandbox" env "$dir")"
ctl() { "$mirrorctl" "$@" --db "$DB" --store "$dir/sessions.json"; }
ns() { ip netns exec "$PREFIX-$1" "${@:2}"; }
now() { date +%s.%N; }

# Steady traffic from vm2 to vm1 (vm1's MAC pinned, so nothing waits for ARP).
ns vm2 ip neigh replace 10.0.0.1 lladdr 02:00:00:00:00:01 dev eth0 nud permanent
ns vm2 ping -q -i 0.002 10.0.0.1 >/dev/null 2>&1 &
pids+=($!)

# Runs "$@" (which makes a mirror to the analyzer), prints ms from its start to the first frame.
first_frame_ms() {
  local pcap=$dir/cap.pcap
  rm -f "$pcap"
  ns analyzer tcpdump -Q in -U --immediate-mode -c 1 -w "$pcap" -i eth0 2>/dev/null &
  local tcpdump=$!
  sleep 0.3
  local started
  started=$(now)
  "$@" >/dev/null
  wait "$tcpdump"
  local first
  first=$(tshark -r "$pcap" -T fields -e frame.time_epoch 2>/dev/null | head -1)
  echo "($first - $started) * 1000" | bc -l
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ours=() anchor=()
for _ in $(seq "$runs"); do
  ours+=("$(first_frame_ms ctl session create web --type local --source iface_id=vm-a \
    --dest-port analyzer)")
  ctl session delete web >/dev/null
  anchor+=("$(first_frame_ms $VSCTL -- --id=@s get port vm1 -- --id=@o get port analyzer \
    -- --id=@m create mirror name=plain select-src-port=@s select-dst-port=@s output-port=@o \
    -- add bridge br0 mirrors @m)")
  $VSCTL clear bridge br0 mirrors
done
ours_ms=$(printf '%s\n' "${ours[@]}" | median)
anchor_ms=$(printf '%s\n' "${anchor[@]}" | median)

# 32 sessions on one bridge, applied in one transaction by the last `session create`.
for i in $(seq 1 31); do
  ctl session create "r$i" --type rspan --source iface_id=vm-a --vlan $((100 + i)) \
    --uplink analyzer --no-apply >/dev/null
done
start=$(now)
ctl session create r32 --type rspan --source iface_id=vm-a --vlan 132 --uplink analyzer >/dev/null
reconcile32_ms=$(echo "($(now) - $start) * 1000" | bc -l)
mirrors=$($VSCTL --bare --columns=name list mirror | grep -c .)

printf '\n%-52s %10s\n' "session_bench ($runs runs, median)" "ms"
printf '%-52s %10.1f\n' "mirrorctl session create -> first mirrored frame" "$ours_ms"
printf '%-52s %10.1f\n' "anchor: ovs-vsctl create mirror -> first frame" "$anchor_ms"
printf '%-52s %9.0fx\n' "ovs-vsctl's time / ours" "$(echo "$anchor_ms / $ours_ms" | bc -l)"
printf '%-52s %10.1f\n' "create + apply 32 sessions in one transaction ($mirrors mirrors)" \
  "$reconcile32_ms"
bench_json session_bench create_to_first_frame_ms="$ours_ms" target_create_to_first_frame_ms=300 \
  vsctl_to_first_frame_ms="$anchor_ms" apply_32_sessions_ms="$reconcile32_ms"
