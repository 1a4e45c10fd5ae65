#!/bin/sh
# tests/fuzz_long.sh [SECONDS [HARNESS...]]: run the libFuzzer harnesses
# (every one of make -s print-fuzz, or those named, e.g. fuzz_serve) for
# SECONDS each (default 600) or FUZZ_RUNS executions (default 10000000),
# whichever ends first, FUZZ_JOBS harnesses at a time (default 1): each
# of FUZZ_JOBS lanes takes the next harness not yet taken, in the order
# given, so name the slow ones first.  Each starts from a copy of its
# seed corpus tests/fuzz/corpus_NAME/, so the seeds stay as committed.
# Corpora, logs and artefacts go under tests/tmp/fuzz_long/NAME/.
#
# Prints one line per harness: name, executions, executions per second,
# libFuzzer's cov: and ft: at the end, and crashes: 0 or the names of
# the artefacts (crash-, leak-, timeout-, oom-) it left; then a line
# "N passed, N failed", and one more naming the harnesses that reached
# the time cap short of FUZZ_RUNS executions, if any.  A harness passes
# when it exits 0 and leaves no artefact; the exit status is 0 when all
# pass, however many executions they ran.  Build first: make fuzz (or
# make fuzz-long).
cd "$(dirname "$0")/.." || exit 1
SECONDS_EACH=${1:-600}
RUNS=${FUZZ_RUNS:-10000000}
JOBS=${FUZZ_JOBS:-1}
TOP=tests/tmp/fuzz_long

case "$SECONDS_EACH$RUNS$JOBS" in
*[!0-9]*)
	echo "usage: $0 [SECONDS]; FUZZ_RUNS and FUZZ_JOBS are numbers" >&2
	exit 2 ;;
esac
[ "$JOBS" -ge 1 ] || JOBS=1

if [ $# -gt 1 ]; then
	shift
	harnesses=
	for h in "$@"; do
		harnesses="$harnesses obj/tests/fuzz/${h#obj/tests/fuzz/}"
	done
else
	harnesses=$(make -s print-fuzz)
fi
[ -n "$harnesses" ] || { echo "no harness" >&2; exit 1; }
for f in $harnesses; do
	[ -x "$f" ] || { echo "$f: not built (make fuzz)" >&2; exit 1; }
done

# one BIN: run a harness in its own directory; its exit status in rc.
one() {
	name=$(basename "$1")
	dir=$TOP/$name
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	seeds="tests/fuzz/corpus_${name#fuzz_}"
	[ -d "$seeds" ] && cp "$seeds"/* "$dir/corpus/" 2>/dev/null
	nice "$1" -runs="$RUNS" -max_total_time="$SECONDS_EACH" \
	    -print_final_stats=1 -rss_limit_mb=1024 -timeout=10 \
	    -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1
	echo $? >"$dir/rc"
}

# A lane takes harnesses until none is left; mkdir claims one, so two
# lanes never take the same.
mkdir -p "$TOP"
for f in $harnesses; do
	rm -rf "$TOP/$(basename "$f").taken"
done
lane() {
	for f in $harnesses; do
		mkdir "$TOP/$(basename "$f").taken" 2>/dev/null || continue
		one "$f"
	done
}
n=0
while [ "$n" -lt "$JOBS" ]; do
	lane &
	n=$((n + 1))
done
wait
for f in $harnesses; do
	rmdir "$TOP/$(basename "$f").taken" 2>/dev/null
done

passed=0
failed=0
short=
printf '%-16s %12s %8s %7s %8s  %s\n' harness executions exec/s cov ft \
    crashes
for f in $harnesses; do
	name=$(basename "$f")
	dir=$TOP/$name
	log=$dir/log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep ' cov: ' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	arts=$(cd "$dir" && ls -d crash-* leak-* timeout-* oom-* \
	    2>/dev/null | tr '\n' ' ')
	rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
	if [ "$rc" -eq 0 ] && [ -z "$arts" ]; then
		passed=$((passed + 1))
		crashes=0
		[ "${execs:-0}" -lt "$RUNS" ] && short="$short $name"
	else
		failed=$((failed + 1))
		crashes=${arts:-"exit $rc, see $log"}
	fi
	printf '%-16s %12s %8s %7s %8s  %s\n' "$name" "${execs:--}" \
	    "${rate:--}" "${cov:--}" "${ft:--}" "$crashes"
done
echo "$passed passed, $failed failed"
[ -z "$short" ] ||
	echo "short of $RUNS executions at the time cap of $SECONDS_EACH s:$short"
[ "$failed" -eq 0 ]
