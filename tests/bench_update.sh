#!/bin/sh
# bench_update.sh: r53d's UPDATE benchmark.  Prints figures; asserts
# nothing; not run by "make check".
#
# The emulator (tests/r53emu.py) over TLS on loopback, throttled as
# Route 53 is since 2026-07-30 (50 requests at once, 10 a second, and the
# change bucket; --rate N: the old flat quota) with 50 ms added to each
# request, holds a zone of 10,000 RRsets; dnsperf -u sends TSIG-signed
# UPDATEs (A record replacements and ACME TXT challenges) from 64 client
# sockets for 30 s to r53d, once with coalescing (the default) and once
# with "coalesce no;".  Printed per run: the answer time of one UPDATE to
# the idle daemon, acknowledged UPDATEs per second against the bound the
# quota sets, median and 99th percentile time to the answer, API calls
# per 1,000 UPDATEs, r53d's peak RSS, its CPU and the emulator's, and
# instructions per acknowledged UPDATE from a shorter run
# under valgrind --tool=callgrind.  See tests/bench_update.py for the
# details and its options, e.g.
#
#	sh tests/bench_update.sh --outstanding 512 --no-callgrind
#
# Needs ./r53d (make), dnsperf, valgrind, openssl, python3-dnspython.
cd "$(dirname "$0")/.." || exit 1
[ -x ./r53d ] || { echo "bench_update: build r53d first (make)"; exit 1; }
command -v dnsperf >/dev/null 2>&1 || {
	echo "bench_update: dnsperf not found (apt-get install dnsperf)"
	exit 1
}
# A private build of the current sources with DWARF 4 debug information
# (valgrind 3.19 cannot read all of GCC 12's DWARF 5), so that a rebuild of
# ./r53d during the run changes nothing; a copy of ./r53d if that fails.
# BENCH_R53D=FILE runs that binary instead (before/after comparisons).
mkdir -p tests/tmp
BIN=$(mktemp -d "$(pwd)/tests/tmp/bench-update-bin.XXXXXX") || exit 1
trap 'rm -rf "$BIN"' EXIT INT TERM
chmod 755 "$BIN"
if [ -n "$BENCH_R53D" ]; then
	cp "$BENCH_R53D" "$BIN/r53d" || exit 1
else
	printf 'bench-print:\n\t@echo $(ALL_CFLAGS)\n\t@echo r53d.c $(LIBSRCS)\n\t@echo $(LDLIBS)\n' \
	    > "$BIN/print.mk"
	make -s --no-print-directory -f Makefile -f "$BIN/print.mk" \
	    bench-print > "$BIN/flags" 2>/dev/null
	if ! { read -r CFL && read -r SRCS && read -r LIBS; } < "$BIN/flags" ||
	    ! ${CC:-cc} $CFL -gdwarf-4 -o "$BIN/r53d" $SRCS $LIBS; then
		echo "bench_update: private build failed; using ./r53d"
		cp r53d "$BIN/r53d" || exit 1
	fi
fi
/usr/bin/python3 tests/bench_update.py --r53d "$BIN/r53d" "$@"
