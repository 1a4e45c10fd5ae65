#!/bin/sh
# Run black-box suites against the ASan and UBSan build of r53d
# (make asan): tests/asan.sh tests/test_daemon.py ...
#
# Each suite runs with R53D_BIN=obj-asan/r53d.  Every r53d it starts
# stops at the first sanitizer report (abort_on_error, halt_on_error)
# and writes it under a directory of its own; tests/r53dtest.py fails
# the test whose daemon left one.  Runs of r53d outside that helper
# (r53d -n and the like) write theirs under one directory for the
# suite, checked here.  Each suite ends with its own closing line, and
# a report found here adds a line "asan: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
PY=/usr/bin/python3
BIN=obj-asan/r53d
[ -x "$BIN" ] || { echo "$BIN: not built (make asan)"; exit 1; }
rc=0
for t in "$@"; do
	dir=$(mktemp -d /tmp/r53d-asan.XXXXXX) || exit 1
	chmod 1777 "$dir"
	opts="abort_on_error=1:halt_on_error=1:disable_coredump=1"
	opts="$opts:detect_leaks=1:print_stacktrace=1"
	start=$(date +%s)
	R53D_BIN=$BIN R53D_SANITIZER=asan \
	    ASAN_OPTIONS="$opts:log_path=$dir/asan" \
	    UBSAN_OPTIONS="$opts:log_path=$dir/ubsan" \
	    $PY "$t" >"$dir.out" 2>&1
	trc=$?
	cat "$dir.out"
	echo "$t: $(( $(date +%s) - start )) s under ASan"
	if [ -n "$(ls -A "$dir")" ]; then
		for f in "$dir"/*; do
			echo "== $f"
			cat "$f"
		done
		# The suite's own counts, and one failure more.
		set -- $(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1 \2/p' \
		    "$dir.out" | tail -1) 0 0
		echo "asan: $1 passed, $(($2 + 1)) failed"
		rc=1
	fi
	rm -f "$dir.out"
	rm -rf "$dir"
	[ $trc -ne 0 ] && rc=1
done
exit $rc
