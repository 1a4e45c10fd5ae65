#!/bin/sh
# Install the Debian packages that building and testing r53d need.
# As root: installs what is missing with apt-get.  Otherwise: prints the
# command to run and fails if anything is missing.
#
#	sh tests/deps.sh	everything "make check" uses
#	sh tests/deps.sh demo	only what "make demo" uses: the build, the
#				emulator (Python's standard library), dig
#				and nsupdate; no server, no test tool
PKGS="make gcc clang libc-ares-dev libbearssl-dev libcriterion-dev
pkg-config openssl ca-certificates bind9 bind9-dnsutils bind9-utils knot
knot-dnsutils nsd pdns-server pdns-backend-sqlite3 python3 python3-dnspython
python3-boto3 python3-certbot-dns-rfc2136 certbot lego pebble iproute2
mandoc valgrind dnsperf libclang-rt-14-dev kea-dhcp-ddns-server"
DEMO_PKGS="make gcc libc-ares-dev libbearssl-dev pkg-config python3
bind9-dnsutils"

case ${1:-} in
'') ;;
demo) PKGS=$DEMO_PKGS ;;
*) echo "usage: sh tests/deps.sh [demo]" >&2; exit 2 ;;
esac

# Installed for this machine's architecture (or for all): with foreign
# architectures added, a library may be there for another one only.
arch=$(dpkg --print-architecture)
missing=""
for p in $PKGS; do
	dpkg-query -W -f '${db:Status-Status} ${Architecture}\n' "$p" \
	    2>/dev/null | grep -Eqx "installed ($arch|all)" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing:$missing"
# A fresh machine has no package lists yet.
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q && \
	    apt-get install -y -q --no-install-recommends $missing || exit 1
fi
[ "${1:-}" = demo ] && exit 0
# bind9, knot, nsd and pdns-server start their daemons on port 53 when
# installed, kea-dhcp-ddns-server its own on port 53001; the tests run
# their own servers on loopback ports and need no system daemons.
for s in named bind9 knot nsd pdns kea-dhcp-ddns-server; do
	systemctl stop "$s" 2>/dev/null || service "$s" stop 2>/dev/null
done
exit 0
