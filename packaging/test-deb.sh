#!/usr/bin/env bash
# The package test (CTest `debian_package`, label `package`): builds the .deb from a build tree,
# runs lintian (errors fail, warnings are printed), unpacks it with `dpkg -x` into a throwaway
# root, runs the unpacked mirrorctl, checks that mirrorctl(8) and the bash completion cover every
# subcommand and flag the unpacked binary's --help prints, and runs `systemd-analyze verify` on the
# unpacked units (pointed at the unpacked binary and man page). Skips (77) when a tool is missing.
#
#   packaging/test-deb.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:?usage: packaging/test-deb.sh BUILD_DIR}")

for tool in dpkg-deb dpkg-shlibdeps lintian systemd-analyze python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (packaging/setup.sh installs it)"
    exit 77
  fi
done

tmp=$(mktemp -d /tmp/ovse-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

step "build the package"
"$here/build-deb.sh" "$build" "$tmp/out" >/dev/null
debs=("$tmp"/out/*.deb)
((${#debs[@]} == 1)) || fail "expected one .deb, got: ${debs[*]}"
deb=${debs[0]}
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"

step "lintian $(basename "$deb")"
# lintian's exit status: non-zero on errors (the default --fail-on error). Warnings are shown.
lintian --info --display-level ">=warning" "$deb" | tee "$tmp/lintian.txt" ||
  fail "lintian reported errors (above)"

step "dpkg -x into a throwaway root"
root=$tmp/root
dpkg -x "$deb" "$root"
mirrorctl=$root/usr/sbin/mirrorctl
[[ -x $mirrorctl ]] || fail "no executable /usr/sbin/mirrorctl in the package"
version=$("$mirrorctl" --version)
echo "$version"
[[ $version == "mirrorctl "* ]] || fail "mirrorctl --version printed '$version'"

step "files the package must ship"
for f in usr/share/man/man8/mirrorctl.8.gz usr/share/bash-completion/completions/mirrorctl \
  lib/systemd/system/ovs-erspan-manager.service lib/systemd/system/ovs-erspan-collector@.service \
  etc/ovs-erspan/manager.conf etc/ovs-erspan/collector-default.conf \
  usr/share/doc/ovs-erspan/copyright usr/share/doc/ovs-erspan/changelog.Debian.gz \
  usr/share/ovs-erspan/web/index.html; do
  [[ -f $root/$f ]] || fail "/$f is missing from the package"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | sort >"$tmp/conffiles"
(cd "$root" && find etc -type f | sed 's#^#/#' | sort) | diff -u - "$tmp/conffiles" ||
  fail "every file under /etc must be a conffile"

step "mirrorctl(8) and the completion cover every subcommand and flag of the unpacked binary"
python3 "$here/mirrorctl_docs.py" --mirrorctl "$mirrorctl" --flags "$tmp/flags"
zcat "$root/usr/share/man/man8/mirrorctl.8.gz" >"$tmp/mirrorctl.8"
# shellcheck disable=SC1091
source "$root/usr/share/bash-completion/completions/mirrorctl"
missing=0
while IFS=$'\t' read -r command flags; do
  path=${command#mirrorctl}
  path=${path# }
  _mirrorctl_spec "$path"
  for flag in $flags; do
    [[ " $opts " == *" $flag "* ]] || { echo "completion: '$command' lacks $flag"; missing=1; }
  done
  [[ -z $path ]] && continue  # the top level's --help and --version are in SYNOPSIS
  # The command's own part of the man page: from its .SS heading to the next one.
  section=$(awk -v h=".SS $command" '$0 == h {on = 1; next} /^\.SS / {on = 0} on' \
    "$tmp/mirrorctl.8")
  [[ -n $section ]] || { echo "man page: no section for '$command'"; missing=1; continue; }
  for flag in $flags; do
    grep -qF -- "\\fB${flag//-/\\-}\\fR" <<<"$section" ||
      { echo "man page: '$command' lacks $flag"; missing=1; }
  done
done <"$tmp/flags"
((missing == 0)) || fail "mirrorctl(8) or the completion is out of date (above)"
MANWIDTH=100 man --warnings -l "$tmp/mirrorctl.8" 2>"$tmp/man-warnings" >/dev/null
[[ ! -s $tmp/man-warnings ]] || { cat "$tmp/man-warnings"; fail "groff warnings in mirrorctl(8)"; }

step "systemd-analyze verify (units pointed at the unpacked root)"
mkdir "$tmp/units"
for unit in "$root"/lib/systemd/system/*; do
  sed "s#/usr/sbin/mirrorctl#$mirrorctl#g" "$unit" >"$tmp/units/$(basename "$unit")"
done
# A template is verified through an instance of it.
cp "$tmp/units/ovs-erspan-collector@.service" "$tmp/units/ovs-erspan-collector@test.service"
# verify exits 0 on unknown or malformed settings but prints them: any output is a failure.
MANPATH=$root/usr/share/man systemd-analyze verify "$tmp/units/ovs-erspan-manager.service" \
  "$tmp/units/ovs-erspan-collector@test.service" >"$tmp/verify.txt" 2>&1 || true
if [[ -s $tmp/verify.txt ]]; then
  cat "$tmp/verify.txt"
  fail "systemd-analyze verify complained (above)"
fi
echo "package OK: $(basename "$deb")"
