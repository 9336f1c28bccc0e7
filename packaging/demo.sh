#!/usr/bin/env bash
# The main job on an embedded default, from a fresh machine: installs what is missing, builds,
# starts a private Open vSwitch with two "VM" namespaces on a netdev bridge and a collector host,
# lets the VMs talk, and shows the switch through `mirrorctl ports`. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "set-up and build"
packaging/setup.sh
cmake --preset default >/dev/null
cmake --build build -j"$(nproc)" --target mirrorctl
mirrorctl=$root/build/cli/mirrorctl
sandbox=$root/tests/harness/ovs-sandbox

dir=$(mktemp -d /tmp/ovse-sbx.XXXXXX)
trap '"$sandbox" stop "$dir"; rm -rf "$dir"' EXIT INT TERM
export OVSE_SANDBOX_OWNER=$$

say "private Open vSwitch (userspace datapath) in $dir"
"$sandbox" start "$dir" >/dev/null
"$sandbox" add-vm "$dir" web 10.0.0.1/24 02:00:00:00:00:01 web-nic0 vm-web
"$sandbox" add-vm "$dir" db 10.0.0.2/24 02:00:00:00:00:02 db-nic0 vm-db
"$sandbox" add-collector "$dir" analyzer 10.99.0.2/24 10.99.0.1/24
eval "$("$sandbox" env "$dir")"

say "VM web pings VM db through br0"
ip netns exec "$PREFIX-web" ping -c 3 -i 0.2 10.0.0.2

say "mirrorctl ports --db $DB"
"$mirrorctl" ports --db "$DB"

say "done: everything is torn down on exit"
