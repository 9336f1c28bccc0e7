#!/bin/sh
# Builds lib/libopenvswitch.la in a configured Open vSwitch source tree (the current directory):
# first the generated sources every lib/ file may include (odp-netlink.h, vswitch-idl.[ch], ...),
# then the library itself.
set -e
# A parent make's flags (e.g. -w from `make -C`) would change what the sub-makes print.
unset MAKEFLAGS MFLAGS MAKELEVEL
jobs=$(nproc 2>/dev/null || echo 2)
built=$(printf 'ovse-print-built-sources:\n\t@echo $(BUILT_SOURCES)\n' | make -s --no-print-directory -f Makefile -f - ovse-print-built-sources)
make -j"$jobs" $built
make -j"$jobs" lib/libopenvswitch.la
