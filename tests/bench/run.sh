#!/usr/bin/env bash
# tests/bench/run.sh: runs every benchmark: the command-level *_bench.sh scripts and the Google
# Benchmark programs built from *_bench.cpp. Each writes BUILD/bench/NAME.json; this gathers
# them, with the machine they ran on, into BUILD/bench/results.json and prints one table of every
# figure. Never fails on timing (only when a benchmark could not run).
#
# usage: tests/bench/run.sh [BUILD_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
status=0
mkdir -p "$build/bench"
rm -f "$build"/bench/*.json
for script in "$here"/*_bench.sh; do
  [[ -e $script ]] || continue
  echo "== $(basename "$script")"
  "$script" "$build" || status=1
done
for source in "$here"/*_bench.cpp; do
  [[ -e $source ]] || continue
  name=$(basename "$source" .cpp)
  program=$build/tests/bench/$name
  echo "== $name"
  if [[ -x $program ]]; then
    "$program" --benchmark_counters_tabular=true --benchmark_out="$build/bench/$name.json" \
      --benchmark_out_format=json || status=1
  else
    echo "(not built: $program)"
  fi
done

/usr/bin/python3 - "$build/bench" <<'PY'
import json, os, platform, subprocess, sys, time
folder = sys.argv[1]
results = {"machine": {"cpus": os.cpu_count(), "kernel": platform.release(),
                       "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                    if l.startswith("model name")), ""),
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
           "benchmarks": {}}
rows = []
for name in sorted(os.listdir(folder)):
    if not name.endswith(".json") or name == "results.json":
        continue
    data = json.load(open(os.path.join(folder, name)))
    bench = name[:-5]
    if "benchmarks" in data:  # Google Benchmark output: items per second of each case
        data = {b["name"]: b.get("items_per_second", 0) for b in data["benchmarks"]}
        for case, value in data.items():
            rows.append((bench, case + " items/s", f"{value / 1e6:.1f} M"))
    else:
        for key, value in data.items():
            rows.append((bench, key, str(value)))
    results["benchmarks"][bench] = data
json.dump(results, open(os.path.join(folder, "results.json"), "w"), indent=2)
width = [max(len(r[i]) for r in rows) if rows else 0 for i in range(2)]
print(f"\n{'BENCHMARK'.ljust(width[0])}  {'FIGURE'.ljust(width[1])}  VALUE")
for bench, key, value in rows:
    print(f"{bench.ljust(width[0])}  {key.ljust(width[1])}  {value}")
print(f"\nwritten: {os.path.join(folder, 'results.json')}")
PY
exit $status
