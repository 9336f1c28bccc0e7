# Sourced by the *_bench.sh scripts: bench_json NAME KEY=VALUE... writes BUILD/bench/NAME.json
# (numbers stay numbers), which tests/bench/run.sh gathers into BUILD/bench/results.json.
# Needs $build (the build directory) set by the script.
bench_json() {
  local name=$1
  shift
  mkdir -p "$build/bench"
  /usr/bin/python3 - "$@" >"$build/bench/$name.json" <<'PY'
import json, sys
out = {}
for item in sys.argv[1:]:
    key, value = item.split("=", 1)
    try:
        out[key] = int(value)
    except ValueError:
        try:
            out[key] = float(value)
        except ValueError:
            out[key] = value
print(json.dumps(out, indent=2))
PY
}
