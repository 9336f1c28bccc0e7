#!/usr/bin/env bash
# tests/bench/run.sh: runs every benchmark: the command-level *_bench.sh scripts and the Google
# Benchmark programs built from *_bench.cpp. Prints their figures; never fails on timing.
#
# usage: tests/bench/run.sh [BUILD_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
status=0
for script in "$here"/*_bench.sh; do
  [[ -e $script ]] || continue
  echo "== $(basename "$script")"
  "$script" "$build" || status=1
done
for source in "$here"/*_bench.cpp; do
  [[ -e $source ]] || continue
  program=$build/tests/bench/$(basename "$source" .cpp)
  echo "== $(basename "$program")"
  if [[ -x $program ]]; then
    "$program" --benchmark_counters_tabular=true || status=1
  else
    echo "(not built: $program)"
  fi
done
exit $status
