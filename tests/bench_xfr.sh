#!/bin/sh
# bench_xfr.sh: r53d as a secondary: an AXFR of 100,000 records into an
# empty hosted zone against the emulator at Route 53's quota (wall time
# against the quota's minimum, CPU reading and comparing, peak RSS), and
# the time from a NOTIFY to the change batch.  Prints figures; asserts
# nothing; not run by "make check".  Options: see tests/bench_xfr.py,
# e.g. sh tests/bench_xfr.sh --records 20000 --rate 10
#
# Needs ./r53d (make), named (bind9), python3-dnspython, openssl.
cd "$(dirname "$0")/.." || exit 1
[ -x ./r53d ] || { echo "bench_xfr: build r53d first (make)"; exit 1; }
exec /usr/bin/python3 tests/bench_xfr.py "$@"
