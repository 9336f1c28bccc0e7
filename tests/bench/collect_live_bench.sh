#!/usr/bin/env bash
# collect_live_bench.sh: trafgen at its maximum rate (one CPU) sends ERSPAN II packets (inner
# frame 128 bytes) over a veth pair into a namespace where `mirrorctl collect -i` writes a pcap,
# then the same stream into `tcpdump -w`. Prints, for each: packets sent, written, dropped by the
# kernel, CPU seconds per million packets, and the CPU ratio (target <= 0.7, zero loss). The two
# alternate for ROUNDS rounds and medians are compared: on a shared 2-CPU box one run of either
# swings by +-25 %. trafgen runs on the first CPU and each receiver on the last: a veth receives
# in the sender's softirq, and a receiver scheduled on the sender's CPU would be billed for it.
# Runs only in namespaces it creates (ovse-lb-gen, ovse-lb-col). A benchmark, never a test.
#
# The GRE sequence number of every packet is the same (trafgen repeats one packet), so the
# collector's loss accounting reads duplicates here: loss is measured by counting instead.
#
# usage: tests/bench/collect_live_bench.sh [BUILD_DIR] [PACKETS] [ROUNDS]
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
source "$(dirname "$0")/bench_json.sh"
packets=${2:-2000000}
rounds=${3:-3}
mirrorctl=$build/cli/mirrorctl
for tool in "$mirrorctl" trafgen tcpdump taskset /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "collect_live_bench: missing $tool" >&2; exit 1; }
done
gen=ovse-lb-gen col=ovse-lb-col
delete_namespaces() {
  ip netns del "$gen" 2>/dev/null || true
  ip netns del "$col" 2>/dev/null || true
}
delete_namespaces  # an interrupted earlier run's
dir=$(mktemp -d /var/tmp/ovse-live-bench.XXXXXX)
trap 'delete_namespaces; rm -rf "$dir"' EXIT
ip netns add "$gen"
ip netns add "$col"
ip link add lb0 netns "$gen" type veth peer name lb1 netns "$col"
ip -n "$gen" link set lb0 up
ip -n "$col" link set lb1 up
ip -n "$gen" addr add 10.199.0.1/24 dev lb0
ip -n "$col" addr add 10.199.0.2/24 dev lb1
dst_mac=$(ip netns exec "$col" cat /sys/class/net/lb1/address)
src_mac=$(ip netns exec "$gen" cat /sys/class/net/lb0/address)

# One ERSPAN II packet as a trafgen configuration (bytes built by scapy).
/usr/bin/python3 - "$src_mac" "$dst_mac" >"$dir/erspan.cfg" <<'EOF'
import sys
from scapy.all import Ether, IP, GRE, UDP, Raw
from scapy.contrib.erspan import ERSPAN_II
inner = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2)
inner = inner / Raw(b"\x00" * (128 - len(inner)))
pkt = Ether(src=sys.argv[1], dst=sys.argv[2]) / IP(src="10.199.0.1", dst="10.199.0.2", flags="DF") / \
      GRE(seqnum_present=1, seqence_number=1, proto=0x88BE) / ERSPAN_II(ver=1, session_id=100) / inner
print("{ " + ", ".join("0x%02x" % b for b in bytes(pkt)) + " }")
EOF

# Sends the stream; prints the packets/s trafgen reached.
send() {
  local start end
  start=$(date +%s.%N)
  ip netns exec "$gen" taskset -c 0 trafgen -o lb0 -i "$dir/erspan.cfg" -n "$packets" -P 1 -q -C >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "scale=0; $packets / ($end - $start)" | bc -l
}

receiver_cpu=$(($(nproc) - 1))
# run NAME COMMAND...: starts the receiver under /usr/bin/time, sends, stops it with SIGINT.
run() {
  local name=$1
  shift
  ip netns exec "$col" taskset -c "$receiver_cpu" /usr/bin/time -f "%U %S" -o "$dir/$name.time" "$@" \
    >"$dir/$name.out" 2>"$dir/$name.err" &
  local pid=$!
  sleep 1.5
  send >"$dir/$name.rate"
  sleep 1
  pkill -INT -P "$pid" || true
  wait "$pid" || true
}

cpu() { read -r u s <"$dir/$1.time"; echo "$u + $s" | bc -l; }
per_m() { echo "scale=3; $1 * 1000000 / $packets" | bc -l; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
c_cpus=() t_cpus=() c_rates=() t_rates=() c_written=0 t_written=0 c_drops=0 t_drops=0
printf '%-26s %10s %12s %10s %10s %14s\n' "live, $packets ERSPAN II" sent/s sent written "kern drop" "CPU s / Mpkt"
for round in $(seq "$rounds"); do
  run collect "$mirrorctl" collect -i lb1 --allow 10.199.0.1 -w "$dir/collect.pcap" --json
  run tcpdump tcpdump -i lb1 -w "$dir/tcpdump.pcap" -B 32768 -s 0 proto gre
  written=$(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(sum(s["written"] for s in j["sessions"]))' "$dir/collect.out")
  drops=$(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["capture"]["kernel_dropped"])' "$dir/collect.out")
  c_written=$((c_written + written)) c_drops=$((c_drops + drops))
  c_cpus+=("$(per_m "$(cpu collect)")") c_rates+=("$(cat "$dir/collect.rate")")
  printf '%-26s %10s %12s %10s %10s %14s\n' "$round: mirrorctl collect" "${c_rates[-1]}" \
    "$packets" "$written" "$drops" "${c_cpus[-1]}"
  written=$(grep -oE '^[0-9]+ packets captured' "$dir/tcpdump.err" | cut -d' ' -f1)
  drops=$(grep -oE '^[0-9]+ packets dropped by kernel' "$dir/tcpdump.err" | cut -d' ' -f1)
  t_written=$((t_written + written)) t_drops=$((t_drops + drops))
  t_cpus+=("$(per_m "$(cpu tcpdump)")") t_rates+=("$(cat "$dir/tcpdump.rate")")
  printf '%-26s %10s %12s %10s %10s %14s\n' "$round: tcpdump -w" "${t_rates[-1]}" "$packets" \
    "$written" "$drops" "${t_cpus[-1]}"
done
c_cpu=$(median "${c_cpus[@]}") t_cpu=$(median "${t_cpus[@]}")
ratio=$(echo "scale=2; $c_cpu / $t_cpu" | bc -l)
printf 'medians over %s rounds: collect %s, tcpdump %s CPU s / Mpkt; lost: collect %s, tcpdump %s\n' \
  "$rounds" "$c_cpu" "$t_cpu" "$((rounds * packets - c_written))" "$((rounds * packets - t_written))"
printf 'CPU ratio (collect / tcpdump): %s  (target <= 0.7, with zero loss)\n' "$ratio"
bench_json collect_live_bench packets="$packets" rounds="$rounds" \
  collect_sent_pps="$(median "${c_rates[@]}")" collect_written="$c_written" \
  collect_kernel_dropped="$c_drops" collect_cpu_s_per_mpkt="$c_cpu" \
  tcpdump_sent_pps="$(median "${t_rates[@]}")" tcpdump_written="$t_written" \
  tcpdump_kernel_dropped="$t_drops" tcpdump_cpu_s_per_mpkt="$t_cpu" cpu_ratio="$ratio" \
  target_cpu_ratio=0.7
