#!/usr/bin/env bash
# fleet_bench.sh: `mirrorctl hosts --reconcile` over HOSTS simulated OVS hosts (an ovsdb-server
# each on loopback TCP, no ovs-vswitchd, so --no-wait) with SESSIONS ERSPAN sessions spread over
# them, from a cold start: prints the time until every session is active on its host (target
# <= 10 s for 500 sessions over 50 hosts), then the time for one new session to reach its host.
# Runs in a private network namespace (ovse-fleet-bench). A benchmark, never a test.
#
# usage: tests/bench/fleet_bench.sh [BUILD_DIR] [HOSTS] [SESSIONS]
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
source "$(dirname "$0")/bench_json.sh"
hosts=${2:-50}
sessions=${3:-500}
mirrorctl=$build/cli/mirrorctl
schema=/usr/share/openvswitch/vswitch.ovsschema
for tool in "$mirrorctl" ovsdb-server ovsdb-tool ovs-vsctl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "fleet_bench: missing $tool" >&2; exit 1; }
done
[[ $EUID -eq 0 ]] || { echo "fleet_bench: needs root (a network namespace)" >&2; exit 1; }
ns=ovse-fleet-bench
dir=$(mktemp -d /tmp/ovse-fleet-bench.XXXXXX)
cleanup() {
  set +e
  [[ -n ${reconciler:-} ]] && kill "$reconciler" 2>/dev/null && wait "$reconciler" 2>/dev/null
  for pidfile in "$dir"/hv*/ovsdb-server.pid; do
    [[ -s $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  ip netns del "$ns" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }

per_host=$(((sessions + hosts - 1) / hosts))
echo "starting $hosts ovsdb-servers with $per_host VM ports each..." >&2
inventory="["
sep=""
for h in $(seq 1 "$hosts"); do
  d=$dir/hv$h
  mkdir -p "$d"
  ovsdb-tool create "$d/conf.db" "$schema"
  port=$((16640 + h))
  in_ns ovsdb-server "$d/conf.db" --remote="ptcp:$port:127.0.0.1" --remote=punix:"$d/db.sock" \
    --pidfile="$d/ovsdb-server.pid" --unixctl="$d/ovsdb-server.ctl" --log-file="$d/ovsdb.log" \
    --detach --no-chdir 2>/dev/null
  cmds=(--no-wait init -- add-br br0 -- set bridge br0 datapath_type=netdev)
  for v in $(seq 1 "$per_host"); do
    cmds+=(-- add-port br0 "vm$v" -- set interface "vm$v" type=internal
      "external_ids:iface-id=vm-$h-$v")
  done
  ovs-vsctl --db=unix:"$d/db.sock" "${cmds[@]}"
  inventory+="$sep{\"name\": \"hv$h\", \"db\": \"tcp:127.0.0.1:$port\"}"
  sep=","
done
echo "$inventory]" >"$dir/hosts.json"

# Sessions s-H-V: ERSPAN II of VM port vm-H-V to a collector per host.
/usr/bin/python3 - "$hosts" "$per_host" "$sessions" >"$dir/sessions.json" <<'EOF'
import json, sys
hosts, per_host, total = map(int, sys.argv[1:])
out = []
for n in range(total):
    h, v = n % hosts + 1, n // hosts + 1
    out.append({"name": f"s-{h}-{v}", "type": "erspan",
                "sources": [{"iface_id": f"vm-{h}-{v}", "direction": "both"}],
                "destination": {"remote_ip": f"192.0.2.{h}", "version": 2, "session_id": v}})
print(json.dumps({"schema_version": 1, "sessions": out}))
EOF

now() { date +%s.%N; }
# Waits until the reconciler's log says `count` distinct sessions matching `pattern` are active.
wait_active() {
  local pattern=$1 count=$2 deadline=$(($(date +%s) + 120))
  while (($(grep -E "^session $pattern: active on " "$dir/reconcile.log" | cut -d: -f1 |
    sort -u | wc -l) < count)); do
    (($(date +%s) < deadline)) || { echo "fleet_bench: timed out" >&2; tail "$dir/reconcile.log" >&2; exit 1; }
    sleep 0.02
  done
}

start=$(now)
# Not through the in_ns function: `&` on a function forks a subshell, and $! would be that
# subshell, not the reconciler (killing it left the reconciler running).
ip netns exec "$ns" "$mirrorctl" hosts --inventory "$dir/hosts.json" --store "$dir/sessions.json" \
  --reconcile --no-wait >"$dir/reconcile.log" 2>&1 &
reconciler=$!
wait_active 's-[0-9]+-[0-9]+' "$sessions"
cold=$(echo "$(now) - $start" | bc -l)

/usr/bin/python3 - "$dir/sessions.json" "$hosts" <<'EOF'
import json, sys
path, hosts = sys.argv[1], int(sys.argv[2])
doc = json.load(open(path))
h = hosts // 2 + 1
doc["sessions"].append({"name": "s-new", "type": "erspan",
                        "sources": [{"iface_id": f"vm-{h}-1", "direction": "ingress"}],
                        "destination": {"remote_ip": "192.0.2.250", "version": 2, "session_id": 1000}})
json.dump(doc, open(path + ".tmp", "w"))
EOF
start=$(now)
mv "$dir/sessions.json.tmp" "$dir/sessions.json"
wait_active 's-new' 1
change=$(echo "$(now) - $start" | bc -l)

# The reconciler's CPU while nothing changes (its share of one core over 5 s).
ticks() { awk '{print $14 + $15}' "/proc/$reconciler/stat"; }
t0=$(ticks)
sleep 5
idle_cpu=$(echo "($(ticks) - $t0) * 100 / $(getconf CLK_TCK) / 5" | bc -l)
rows=0
for h in $(seq 1 "$hosts"); do
  n=$(ovs-vsctl --db=unix:"$dir/hv$h/db.sock" --bare --columns=_uuid list mirror | grep -c . || true)
  rows=$((rows + n))
done
printf '%-58s %10s\n' "fleet: $sessions ERSPAN II sessions over $hosts hosts" "seconds"
printf '%-58s %10.2f   (target <= 10)\n' "cold start -> every session active on its host" "$cold"
printf '%-58s %10.3f\n' "one new session in the store -> active on its host" "$change"
printf '%-58s %9.1f %%\n' "reconciler CPU while nothing changes (of one core)" "$idle_cpu"
printf 'Mirror rows in the %s databases: %s (sessions with both directions have two)\n' "$hosts" "$rows"
bench_json fleet_bench hosts="$hosts" sessions="$sessions" cold_start_s="$cold" target_cold_start_s=10 \
  one_change_s="$change" idle_cpu_percent="$(printf '%.1f' "$idle_cpu")" mirror_rows="$rows"
