#!/bin/sh
# bench_r53.sh: figures for r53d's Route 53 client against the bundled
# emulator over TLS on loopback.  Prints numbers; asserts nothing; not
# run by "make check".
#
#   1. requests per second through one kept-alive TLS connection, no
#      client rate limit, for N GetChange and N ListResourceRecordSets;
#   2. time per request with a fresh TLS connection each time versus a
#      kept-alive one (the cost of a full handshake);
#   3. instructions per request in r53d's own code versus BearSSL, libc
#      and the rest, with valgrind --tool=callgrind on tests/r53cli
#      (steady state: the difference between two runs of different
#      lengths, so start-up and the first handshake cancel out).
#
# Usage: sh tests/bench_r53.sh [N]	(N defaults to 2000)
# The emulator is Python: with a C client its own time per request is
# most of what figure 1 measures.
cd "$(dirname "$0")/.." || exit 1
N=${1:-2000}
PY=/usr/bin/python3
mkdir -p tests/tmp
TMP=$(mktemp -d "$(pwd)/tests/tmp/bench-r53.XXXXXX") || exit 1
EMUPID=
cleanup() {
	[ -n "$EMUPID" ] && kill "$EMUPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

make -s lib || exit 1
BEAR=
[ -f /usr/include/bearssl/bearssl.h ] && BEAR=-I/usr/include/bearssl
${CC:-cc} -std=c11 -O2 -g -I. -D_DEFAULT_SOURCE -DR53D_VERSION=\"bench\" \
    $BEAR -o "$TMP/r53cli" tests/r53cli.c obj/libr53d.a -lcares -lbearssl || exit 1
CLI=$TMP/r53cli

# Throwaway CA and a server certificate for localhost and 127.0.0.1.
(
	cd "$TMP" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout ca.key -out ca.pem -days 1 -subj "/CN=bench CA"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout srv.key -out srv.csr -subj "/CN=localhost"
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ext
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out srv.pem -days 1 -extfile ext
) >/dev/null 2>&1 || { echo "openssl failed"; exit 1; }

# The emulator answers with two writes (head, then body) and does not set
# TCP_NODELAY, so a kept-alive connection stalls on Nagle and delayed ACK
# (about 40 ms a request).  That is the emulator, not the client under
# test: it runs with TCP_NODELAY on accepted sockets, except for figure 0,
# which shows the stall for reference.
cat > "$TMP/nodelay.py" <<'PY'
import runpy, socket, sys
_accept = socket.socket.accept
def accept(self):
    c, a = _accept(self)
    if c.family in (socket.AF_INET, socket.AF_INET6):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c, a
if sys.argv[1] == "--nodelay":
    socket.socket.accept = accept
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
PY

start_emu() {	# [--nodelay]
	$PY "$TMP/nodelay.py" "${1:---plain}" tests/r53emu.py \
	    --listen 127.0.0.1:0 --port-file "$TMP/port" \
	    --cert "$TMP/srv.pem" --key "$TMP/srv.key" --zone bench.example \
	    --access-key-id AKIDBENCH --secret-access-key benchsecret \
	    --max-runtime 1800 --quiet >"$TMP/emu.log" 2>&1 &
	EMUPID=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(cat "$TMP/port") || exit 1
	cat > "$TMP/r53.conf" <<EOF
aws {
	endpoint "https://localhost:$PORT";
	ca-file "$TMP/ca.pem";
	access-key-id "AKIDBENCH";
	secret-access-key-file "$TMP/secret";
};
EOF
	ZID=$($CLI -c "$TMP/r53.conf" byname bench.example |
	    awk '/^zone/{print $2}')
}

stop_emu() {
	kill "$EMUPID" 2>/dev/null
	wait "$EMUPID" 2>/dev/null
	EMUPID=
	rm -f "$TMP/port"
}

echo benchsecret > "$TMP/secret"
export HOME="$TMP"
RUN="$CLI -c $TMP/r53.conf -r 100000 -q"

figure() {	# label, cli args...
	label=$1
	shift
	line=$($RUN "$@" 2>&1 >/dev/null | grep '^bench') || {
		echo "$label: failed"; return; }
	rps=$(echo "$line" | sed 's/.*rps=\([0-9.]*\).*/\1/')
	ms=$(echo "$line" | sed 's/.*ms_per_request=\([0-9.]*\).*/\1/')
	hs=$(echo "$line" | sed 's/.*handshakes=\([0-9]*\).*/\1/')
	printf '  %-44s %9s req/s %8s ms/req  %5s handshakes\n' "$label" \
	    "$rps" "$ms" "$hs"
}

echo "r53d Route 53 client benchmark (emulator: Python, TLS, loopback)"
echo
echo "0. For reference: the emulator as it is (Nagle stalls each answer)"
start_emu --plain
figure "GetHostedZone x 50" -n 50 getzone "$ZID"
stop_emu
echo
start_emu --nodelay
VALUES=$(i=1; while [ $i -le 20 ]; do printf '%s192.0.2.%d' \
    "$([ $i -gt 1 ] && echo '|')" $i; i=$((i + 1)); done)
CHG=$($CLI -c "$TMP/r53.conf" change "$ZID" \
    "CREATE a.bench.example. A 300 $VALUES" \
    'CREATE t.bench.example. TXT 300 "v=spf1 -all"' |
    awk '/^change/{print $2}')
[ -n "$CHG" ] || { echo "setup failed"; exit 1; }

echo "1. One kept-alive TLS connection, no client rate limit"
figure "GetChange x $N" -n "$N" getchange "$CHG"
figure "ListResourceRecordSets (4 sets) x $((N / 2))" -n $((N / 2)) \
    list "$ZID"
echo
M=$((N / 10))
[ $M -lt 50 ] && M=50
echo "2. Full handshake versus reused connection (GetChange x $M)"
figure "kept alive" -n $M getchange "$CHG"
figure "fresh TCP + TLS connection each time" -f -n $M getchange "$CHG"
echo

echo "3. Instructions per GetChange (callgrind, steady state)"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "  valgrind not installed"
	exit 0
fi
A=50
B=250
for n in $A $B; do
	valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.$n" \
	    $RUN -n $n getchange "$CHG" >/dev/null 2>&1
	callgrind_annotate --threshold=100 "$TMP/cg.$n" > "$TMP/ann.$n" \
	    2>/dev/null
done
$PY - "$TMP/ann.$A" "$TMP/ann.$B" $A $B "$(pwd)" <<'EOF'
import re, sys
fa, fb, na, nb, top = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5]
line = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*?):(\S+)\s+\[(.*)\]")

def kind(path, obj):
    if "bearssl" in obj:
        return "BearSSL"
    if "libc.so" in obj or "libc-" in obj:
        return "libc"
    if "cares" in obj:
        return "c-ares"
    if "ld-linux" in obj or "/ld-" in obj:
        return "dynamic loader"
    if path.startswith(top) or not path.startswith("/"):
        for d in ("aws/", "http/", "dns/"):
            if d in path:
                return "r53d " + d.rstrip("/")
        if path.endswith(".c") and "/" not in path.replace(top + "/", ""):
            return "r53d top level"
        if "tests/" in path:
            return "r53cli (test driver)"
    return "other"

def load(f):
    tot, fns = {}, {}
    for ln in open(f):
        m = line.match(ln)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        k = kind(m.group(2), m.group(4))
        tot[k] = tot.get(k, 0) + ir
        if k.startswith("r53d"):
            fn = m.group(3)
            fns[fn] = fns.get(fn, 0) + ir
    return tot, fns

ta, fa_ = load(fa)
tb, fb_ = load(fb)
n = nb - na
keys = sorted(set(ta) | set(tb), key=lambda k: -(tb.get(k, 0) - ta.get(k, 0)))
total = sum(tb.values()) - sum(ta.values())
for k in keys:
    d = (tb.get(k, 0) - ta.get(k, 0)) / n
    print("  %-24s %10.0f instructions/request  %5.1f%%"
          % (k, d, 100.0 * d * n / total if total else 0))
own = sum(tb.get(k, 0) - ta.get(k, 0) for k in keys if k.startswith("r53d"))
print("  %-24s %10.0f instructions/request" % ("total", total / n))
print("  r53d's own code: %.0f instructions/request (%.1f%%)"
      % (own / n, 100.0 * own / total if total else 0))
print("  top r53d functions per request:")
top_fns = sorted(fb_, key=lambda f: -(fb_[f] - fa_.get(f, 0)))[:8]
for f in top_fns:
    print("    %-32s %8.0f" % (f, (fb_[f] - fa_.get(f, 0)) / n))
EOF
