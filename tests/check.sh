#!/bin/sh
# Run every r53d test: Criterion unit tests, black-box scripts, the man
# page lint and short fuzzing runs.  Called by "make check" after the
# build; prints one closing line "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
PY=/usr/bin/python3
LOGDIR=tests/tmp/logs
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"
passed=0
failed=0
failures=""

# count LOG: add the test counts a runner printed to the totals.
count() {
	found=0
	c=$(sed -n 's/.*Tested: *\([0-9]*\) *| *Passing: *\([0-9]*\) *| *Failing: *\([0-9]*\) *| *Crashing: *\([0-9]*\).*/\2 \3 \4/p' "$1" | tail -1)
	if [ -n "$c" ]; then
		set -- $c
		passed=$((passed + $1))
		failed=$((failed + $2 + $3))
		found=1
		return
	fi
	c=$(sed -n 's/^\([A-Za-z_-]*: \)\{0,1\}\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2 \3/p' "$1" | tail -1)
	if [ -n "$c" ]; then
		set -- $c
		passed=$((passed + $1))
		failed=$((failed + $2))
		found=1
	fi
}

# run NAME CMD...: run one suite, keep its log, count its results.
run() {
	name=$1
	shift
	log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
	printf '%-40s ' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	before=$failed
	count "$log"
	if [ $rc -ne 0 ]; then
		echo "FAIL (exit $rc)"
		[ $failed -eq $before ] && failed=$((failed + 1))
		failures="$failures $name"
		sed 's/^/    | /' "$log" | tail -40
	else
		echo "ok"
		[ $found -eq 0 ] && passed=$((passed + 1))
	fi
}

for t in $(make -s print-unit); do
	[ -x "$t" ] || { echo "$t: not built"; failed=$((failed + 1)); continue; }
	run "$t" "$t" --jobs 2
done

for t in tests/test_*.sh; do
	[ -f "$t" ] && run "$t" sh "$t"
done
for t in tests/test_*.py; do
	[ -f "$t" ] && run "$t" $PY "$t"
done
# Cross-checks against reference implementations (dnspython, botocore,
# named) that are not themselves named test_*.
for t in tests/*_ref.py tests/sigv4_botocore.py; do
	case "$t" in tests/test_*) continue ;; esac
	[ -f "$t" ] && run "$t" $PY "$t"
done

run "tests/layers.sh" sh tests/layers.sh

# r53d built with ASan and UBSan (make asan) against the suites that
# exercise the most of it, within about six minutes (measured under
# ASan: hostile 29 s, daemon 9 s, queries 3 s, tcp 23 s, the two clients
# suites 83 s together); then one integration run under valgrind's
# memcheck.
if [ "${R53D_NOASAN:-0}" = 0 ]; then
	run "asan (build)" make -s asan
	for t in tests/test_hostile.py tests/test_daemon.py \
	    tests/test_queries.py tests/test_tcp.py tests/test_clients.py \
	    tests/test_clients_policy.py; do
		run "asan: $t" sh tests/asan.sh "$t"
	done
fi
if command -v valgrind >/dev/null 2>&1; then
	run "valgrind: tests/valgrind.py" $PY tests/valgrind.py
fi
# The unit tests built for s390x (big-endian) and armhf (32-bit) and run
# under qemu-user (about 3 minutes), where the tools are installed.
if command -v qemu-s390x >/dev/null && command -v qemu-arm >/dev/null &&
    command -v s390x-linux-gnu-gcc >/dev/null &&
    command -v arm-linux-gnueabihf-gcc >/dev/null &&
    [ "${R53D_NOCROSS:-0}" = 0 ]; then
	run "tests/cross.sh s390x armhf" sh tests/cross.sh -n s390x armhf
fi

run "mandoc -Tlint" sh -c '
	out=$(mandoc -Tlint -W warning r53d.8 r53d.conf.5 2>&1)
	[ -z "$out" ] && echo "1 passed, 0 failed" && exit 0
	echo "$out"; echo "0 passed, 1 failed"; exit 1'

if command -v clang >/dev/null 2>&1 && [ "${R53D_NOFUZZ:-0}" = 0 ]; then
	run "fuzz (build)" make -s fuzz
	for f in $(make -s print-fuzz); do
		corpus="tests/fuzz/corpus_$(basename "$f" | sed 's/^fuzz_//')"
		work="tests/tmp/fuzz_$(basename "$f")"
		rm -rf "$work"
		mkdir -p "$work"
		[ -d "$corpus" ] && cp "$corpus"/* "$work"/ 2>/dev/null
		run "$f" sh -c "$f -max_total_time=${R53D_FUZZ_SECONDS:-20} \
		    -rss_limit_mb=1024 -timeout=5 $work && \
		    echo '1 passed, 0 failed'"
	done
fi

echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failures" ]
