#!/bin/sh
# Builds lib/libopenvswitch.la in a configured Open vSwitch source tree (the current directory):
# first the generated sources every lib/ file may include (odp-netlink.h, vswitch-idl.[ch], ...),
# then the library itself.
set -e
jobs=$(nproc 2>/dev/null || echo 2)
built=$(printf 'ovse-print-built-sources:\n\t@echo $(BUILT_SOURCES)\n' | make -s -f Makefile -f - ovse-print-built-sources)
make -j"$jobs" $built
make -j"$jobs" lib/libopenvswitch.la
