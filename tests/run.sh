#!/usr/bin/env bash
# The test command (README, CI): installs what is missing, builds, runs every test (unit,
# integration with real OVS in namespaces, interop with tshark/scapy), the unit tests again under
# ASan+UBSan, and each libFuzzer target for a bounded time.
#
#   tests/run.sh [--no-asan] [--no-fuzz] [--fuzz-seconds N] [-L LABEL]
set -euo pipefail
cd "$(dirname "$0")/.."

asan=1 fuzz=1 fuzz_seconds=30 label=""
while (($#)); do
  case $1 in
    --no-asan) asan=0 ;;
    --no-fuzz) fuzz=0 ;;
    --fuzz-seconds) fuzz_seconds=$2; shift ;;
    -L) label=$2; shift ;;
    *) echo "usage: tests/run.sh [--no-asan] [--no-fuzz] [--fuzz-seconds N] [-L LABEL]" >&2; exit 2 ;;
  esac
  shift
done

jobs=$(nproc)
started=$SECONDS
step() { printf '\n==> [%4ds] %s\n' $((SECONDS - started)) "$*"; }

step "set-up (Debian packages)"
packaging/setup.sh

# ccache keeps compiled objects across runs and clones (paths hashed relative to the clone, so a
# fresh clone in another directory hits the cache): a second run builds in minutes, not 14.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

step "build (preset default)"
cmake --preset default "${launcher[@]}" >/dev/null
cmake --build build -j"$jobs"

step "tests${label:+ (label $label)}"
if ! ctest --test-dir build --output-on-failure ${label:+-L "$label"}; then
  # A unit test that fails is a failure. A test on real OVS, namespaces and traffic that fails
  # once under this machine's load gets one more run, printed here in full and named as flaky,
  # so the failure is seen (at the end of the log) and not hidden.
  failed=build/Testing/first-run-failed.log
  cp build/Testing/Temporary/LastTestsFailed.log "$failed"
  unit_failed=$(awk -F: 'NR == FNR { unit[$1]; next } $1 in unit' \
    <(ctest --test-dir build -N -L unit | sed -n 's/^ *Test *#\([0-9]*\):.*/\1/p') "$failed")
  if [[ -n $unit_failed ]]; then
    printf 'unit tests failed (no second run):\n%s\n' "$unit_failed"
    exit 1
  fi
  step "one more run of the tests that failed (real traffic, timing under load)"
  sed 's/^/  flaky? /' "$failed"
  ctest --test-dir build --output-on-failure --rerun-failed
  echo "FLAKY: these failed once and passed on a second run:" && sed 's/^/  /' "$failed"
fi

if ((asan)); then
  step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (preset asan)"
  cmake --preset asan "${launcher[@]}" >/dev/null
  cmake --build build-asan -j"$jobs" --target unit_tests
  ctest --test-dir build-asan --output-on-failure -L unit
fi

if ((fuzz)); then
  step "fuzzing, ${fuzz_seconds}s per target (preset fuzz)"
  cmake --preset fuzz "${launcher[@]}" >/dev/null
  for source in tests/fuzz/*_fuzz.cpp; do
    [[ -e $source ]] || continue
    name=$(basename "$source" .cpp)
    cmake --build build-fuzz --target "$name" -j"$jobs"
    corpus=build-fuzz/corpus/$name
    mkdir -p "$corpus"
    seeds=tests/data/fuzz/${name%_fuzz}
    echo "fuzzing $name for ${fuzz_seconds}s (seeds: $seeds)"
    "build-fuzz/tests/fuzz/$name" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
      -artifact_prefix=build-fuzz/ "$corpus" "$seeds" 2>&1 | tail -n 12
  done
fi

step "all tests passed"
