#!/bin/sh
# Run r53d on a local example: the bundled Route 53 emulator holding the
# zone example.com, and r53d serving it on 127.0.0.1 (and ::1 when there
# is IPv6) with a copy of tests/demo/r53d.conf.example written for the
# ports chosen.  Prints the commands to try with those ports.
#
#	sh tests/demo.sh [-b]
#
# Ports: r53d's DNS port is the first free one from 5300 up (never 5353,
# mDNS's), the emulator's the first free one from 8053 up.
# R53D_DEMO_PORT and R53D_DEMO_EMU_PORT ask for given ports instead; when
# one is taken the demo says so and stops.
#
# Without -b, r53d's log follows the commands; Ctrl-C stops it all.
# With -b (or R53D_DEMO_BATCH=1), for scripts: the logs stay in files,
# and the demo runs until SIGTERM, SIGINT or SIGHUP.  Either way it ends
# by itself after R53D_DEMO_SECONDS (default: a day; with -b, 10 minutes)
# and stops the emulator and r53d and removes its files when it ends.
# Exit status 0 when stopped, 1 when something could not start.
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
PY=/usr/bin/python3
batch=${R53D_DEMO_BATCH:-0}

usage() {
	echo "usage: sh tests/demo.sh [-b]" >&2
	exit 2
}

while getopts b opt; do
	case $opt in
	b) batch=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ "$batch" = 0 ] || batch=1
if [ "$batch" = 1 ]; then
	cap=${R53D_DEMO_SECONDS:-600}
else
	cap=${R53D_DEMO_SECONDS:-86400}
fi

fail() {
	echo "demo: $*" >&2
	exit 1
}

# A port given in the environment: a number from 1 to 65535, not 5353.
check_port() {
	case $2 in
	''|*[!0-9]*) fail "$1=$2: not a port number" ;;
	esac
	[ "$2" -ge 1 ] && [ "$2" -le 65535 ] ||
	    fail "$1=$2: not a port number (1 to 65535)"
	[ "$2" -ne 5353 ] ||
	    fail "$1=5353: that is the port of mDNS; choose another"
}

[ -x ./r53d ] || fail "no ./r53d: build it first with make"
[ -x "$PY" ] || fail "no $PY: install python3 (sh tests/deps.sh demo)"
for c in dig nsupdate; do
	command -v $c >/dev/null 2>&1 ||
	    fail "no $c: install bind9-dnsutils (sh tests/deps.sh demo)"
done
[ -z "${R53D_DEMO_PORT+x}" ] || check_port R53D_DEMO_PORT "$R53D_DEMO_PORT"
[ -z "${R53D_DEMO_EMU_PORT+x}" ] ||
    check_port R53D_DEMO_EMU_PORT "$R53D_DEMO_EMU_PORT"

# free_port FIRST LAST KIND ADDR...: the first port from FIRST to LAST,
# 5353 excepted, free on every ADDR for TCP (KIND tcp) or for TCP and UDP
# (KIND both); nothing when there is none.  TCP is tried as the servers
# bind it (SO_REUSEADDR, so connections closing do not count), UDP
# without, so that a port shared by SO_REUSEADDR counts as taken.
free_port() {
	"$PY" - "$@" <<'EOF'
import socket
import sys

first, last, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
addrs = sys.argv[4:]


def free(port):
    held = []
    try:
        for a in addrs:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            t = socket.socket(fam, socket.SOCK_STREAM)
            held.append(t)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((a, port))
            if kind == "both":
                u = socket.socket(fam, socket.SOCK_DGRAM)
                held.append(u)
                u.bind((a, port))
        return True
    except OSError:
        return False
    finally:
        for s in held:
            s.close()


for p in range(first, last + 1):
    if p != 5353 and free(p):
        print(p)
        break
EOF
}

emu=""
r53d=""
tailpid=""
dir=""

# stop PID: SIGTERM, then SIGKILL if it is still there after 10 s.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
	n=0
	while kill -0 "$1" 2>/dev/null && [ $n -lt 50 ]; do
		sleep 0.2
		n=$((n + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop "$tailpid"
	stop "$r53d"
	stop "$emu"
	[ -n "$dir" ] && rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM HUP

dir=$(mktemp -d "${TMPDIR:-/tmp}/r53d-demo.XXXXXX") ||
    fail "cannot make a temporary directory"
chmod 0755 "$dir"

addrs="127.0.0.1"
if "$PY" -c 'import socket
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' \
    2>/dev/null; then
	addrs="127.0.0.1 ::1"
fi
shown=$(echo "$addrs" | sed 's/ / and /')

# The credentials of the example; the emulator checks the signatures.
secret=$(cat tests/demo/aws-secret.example) || exit 1
cp tests/demo/aws-secret.example "$dir/aws-secret.example"
chmod 0600 "$dir/aws-secret.example"

# start_emu PORT: the emulator on 127.0.0.1:PORT.  0 once it listens;
# 1 (it is gone) when it could not, 2 when the port was taken.
start_emu() {
	rm -f "$dir/emu.port"
	"$PY" tests/r53emu.py --listen "127.0.0.1:$1" \
	    --port-file "$dir/emu.port" --zone example.com \
	    --access-key-id AKIDEXAMPLE --secret-access-key "$secret" \
	    --max-runtime "$cap" --quiet >"$dir/emu.log" 2>&1 &
	emu=$!
	n=0
	while [ ! -s "$dir/emu.port" ]; do
		if ! kill -0 $emu 2>/dev/null || [ $n -ge 150 ]; then
			stop $emu
			emu=""
			grep -q 'Address already in use' "$dir/emu.log" &&
			    return 2
			return 1
		fi
		sleep 0.1
		n=$((n + 1))
	done
	return 0
}

# start_r53d PORT: r53d on PORT with a configuration for it.  0 once it
# answers for example.com; 1 (it is gone) when it could not start, 2
# when the port was taken.
start_r53d() {
	case $addrs in
	*::1*) nov6="" ;;
	*) nov6="/^listen ::1 /d" ;;
	esac
	sed -e "s/^listen 127\.0\.0\.1 port [0-9]*;/listen 127.0.0.1 port $1;/" \
	    -e "s/^listen ::1 port [0-9]*;/listen ::1 port $1;/" \
	    -e "s|\"http://127\.0\.0\.1:[0-9]*\"|\"http://127.0.0.1:$emuport\"|" \
	    -e "$nov6" tests/demo/r53d.conf.example >"$dir/r53d.conf"
	chmod 0600 "$dir/r53d.conf"
	./r53d -n -c "$dir/r53d.conf" >"$dir/r53d.log" 2>&1 || {
		cat "$dir/r53d.log" >&2
		return 1
	}
	./r53d -d -c "$dir/r53d.conf" >"$dir/r53d.log" 2>&1 &
	r53d=$!
	n=0
	# dig +short prints its errors as comments.
	while ! dig @127.0.0.1 -p "$1" +tries=1 +time=1 +short \
	    example.com SOA 2>/dev/null | grep -q '^[^;]'; do
		if ! kill -0 $r53d 2>/dev/null || [ $n -ge 30 ]; then
			stop $r53d
			r53d=""
			grep -q 'Address already in use' "$dir/r53d.log" &&
			    return 2
			return 1
		fi
		sleep 1
		n=$((n + 1))
	done
	return 0
}

# The emulator: on the port asked for, or on the first free one (again
# if another program takes it meanwhile).
tries=0
while :; do
	if [ -n "${R53D_DEMO_EMU_PORT:-}" ]; then
		emuport=$R53D_DEMO_EMU_PORT
	else
		emuport=$(free_port 8053 8152 tcp 127.0.0.1)
		[ -n "$emuport" ] ||
		    fail "no free TCP port from 8053 to 8152 on 127.0.0.1" \
		    "for the emulator; set R53D_DEMO_EMU_PORT"
	fi
	start_emu "$emuport"
	rv=$?
	[ $rv -eq 0 ] && break
	if [ $rv -eq 2 ] && [ -z "${R53D_DEMO_EMU_PORT:-}" ] &&
	    [ $tries -lt 3 ]; then
		tries=$((tries + 1))
		continue
	fi
	[ $rv -eq 2 ] && fail "port $emuport on 127.0.0.1 is taken:" \
	    "the Route 53 emulator cannot listen there; free it or set" \
	    "R53D_DEMO_EMU_PORT to another port"
	tail -n 20 "$dir/emu.log" >&2
	fail "the Route 53 emulator did not start on 127.0.0.1:$emuport"
done

# r53d, the same way.
tries=0
while :; do
	if [ -n "${R53D_DEMO_PORT:-}" ]; then
		port=$R53D_DEMO_PORT
	else
		port=$(free_port 5300 5352 both $addrs)
		[ -n "$port" ] ||
		    fail "no port from 5300 to 5352 free for UDP and TCP" \
		    "on $shown; set R53D_DEMO_PORT"
	fi
	start_r53d "$port"
	rv=$?
	[ $rv -eq 0 ] && break
	if [ $rv -eq 2 ] && [ -z "${R53D_DEMO_PORT:-}" ] &&
	    [ $tries -lt 3 ]; then
		tries=$((tries + 1))
		continue
	fi
	[ $rv -eq 2 ] && fail "port $port is taken on $shown (UDP or" \
	    "TCP): r53d cannot listen there; free it or set R53D_DEMO_PORT" \
	    "to another port"
	tail -n 20 "$dir/r53d.log" >&2
	fail "r53d did not start on port $port"
done

cat <<EOT
Route 53 emulator on http://127.0.0.1:$emuport (pid $emu), holding example.com.
r53d on $shown port $port (pid $r53d), configuration $dir/r53d.conf.

Try, in another terminal:

  dig @127.0.0.1 -p $port example.com SOA
  nsupdate -y hmac-sha256:ddns-key:dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA= <<END
  server 127.0.0.1 $port
  zone example.com
  update add www.example.com 300 A 192.0.2.1
  send
  END
  dig @127.0.0.1 -p $port www.example.com A
  $top/r53d -c $dir/r53d.conf -e example.com

EOT

if [ "$batch" = 1 ]; then
	echo "Logs: $dir/r53d.log and $dir/emu.log." \
	    "Stop with SIGTERM or SIGINT (pid $$)."
	n=0
	while kill -0 $r53d 2>/dev/null && [ $n -lt "$cap" ]; do
		sleep 1 &
		wait $!
		n=$((n + 1))
	done
else
	echo "r53d's log follows.  Ctrl-C stops r53d and the emulator."
	echo
	tail -n +1 -f --pid=$r53d "$dir/r53d.log" &
	tailpid=$!
	n=0
	while kill -0 $r53d 2>/dev/null && [ $n -lt "$cap" ]; do
		sleep 1 &
		wait $!
		n=$((n + 1))
	done
fi
if ! kill -0 $r53d 2>/dev/null; then
	wait $r53d
	echo "demo: r53d exited with status $?" >&2
	[ "$batch" = 1 ] && tail -n 20 "$dir/r53d.log" >&2
	exit 1
fi
exit 0
