#!/usr/bin/env bash
# Builds the Debian package (ovs-erspan_<version>-1_<arch>.deb) from an existing CMake build tree,
# so nothing is compiled twice: by default the tests' tree build/ (preset default; configured and
# built here when missing), the package written to build-deb/.
#
#   packaging/build-deb.sh [BUILD_DIR [OUT_DIR]]
#
# Only mirrorctl and its generated documentation are built; the CMake install rules are staged
# with DESTDIR and CPack's DEB generator packs the staged tree (CPack's own install step would
# first build every target, tests included).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$root/build}")
out=$(realpath -m "${2:-$root/build-deb}")

if [[ ! -f $build/CMakeCache.txt ]]; then
  if [[ $build != "$root/build" ]]; then
    echo "build-deb: $build is not a CMake build tree" >&2
    exit 1
  fi
  (cd "$root" && cmake --preset default >/dev/null)
fi
cmake --build "$build" -j"$(nproc)" --target mirrorctl mirrorctl_docs

stage=$out/stage
rm -rf "$stage" "$out"/*.deb
mkdir -p "$out"
DESTDIR=$stage cmake --install "$build" --prefix /usr --strip >"$out/install.log"
# As dh_strip does: drop the sections `strip` keeps that nothing at run time reads.
strip --remove-section=.comment --remove-section=.note "$stage/usr/sbin/mirrorctl"

log=$out/cpack.log
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" \
  -D CPACK_INSTALL_CMAKE_PROJECTS= -D "CPACK_INSTALLED_DIRECTORIES=$stage;/" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -rf "$out/_CPack_Packages" "$stage"
ls "$out"/*.deb
