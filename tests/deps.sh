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
# The cross compilers, qemu-user and the targets' libraries for the
# unit tests on s390x and armhf (tests/cross.sh), and musl-tools.
CROSS_ARCHS="s390x armhf"
CROSS_PKGS="qemu-user musl-tools dpkg-dev gcc-s390x-linux-gnu
libc6-dev-s390x-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
for a in $CROSS_ARCHS; do
	CROSS_PKGS="$CROSS_PKGS libbearssl-dev:$a libc-ares-dev:$a"
done

case ${1:-} in
'') PKGS="$PKGS $CROSS_PKGS" ;;
demo) PKGS=$DEMO_PKGS; CROSS_ARCHS="" ;;
*) echo "usage: sh tests/deps.sh [demo]" >&2; exit 2 ;;
esac

# Installed: for a name without an architecture, as the machine's own
# or an architecture-independent package (with foreign architectures
# added, a library may be there for another one only); for NAME:ARCH,
# for that architecture.
native=$(dpkg --print-architecture)
missing=""
for p in $PKGS; do
	dpkg-query -W -f '${db:Status-Status} ${Architecture}\n' "$p" \
	    2>/dev/null | grep -Eq "^installed ($native|all)\$" ||
	    case $p in
	    *:*) dpkg-query -W -f '${db:Status-Status}\n' "$p" 2>/dev/null |
		grep -q '^installed$' ;;
	    *) false ;;
	    esac || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages:$missing" >&2
	echo "run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing:$missing"
added=0
for a in $CROSS_ARCHS; do
	dpkg --print-foreign-architectures | grep -qx "$a" ||
	    { dpkg --add-architecture "$a" && added=1; }
done
[ $added -eq 1 ] && apt-get update -q
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
