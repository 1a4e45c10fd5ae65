#!/bin/sh
# Install the Debian packages that building and testing r53d need.
# As root: installs what is missing with apt-get.  Otherwise: prints the
# command to run and fails if anything is missing.
PKGS="make gcc clang libc-ares-dev libbearssl-dev libcriterion-dev
pkg-config openssl ca-certificates bind9 bind9-dnsutils bind9-utils knot
knot-dnsutils nsd pdns-server pdns-backend-sqlite3 python3 python3-dnspython
python3-boto3 python3-certbot-dns-rfc2136 mandoc valgrind dnsperf
libclang-rt-14-dev"

# The cross compilers, qemu-user and the targets' libraries for the
# unit tests on s390x and armhf (tests/cross.sh), and musl-tools.
CROSS_ARCHS="s390x armhf"
PKGS="$PKGS qemu-user musl-tools dpkg-dev gcc-s390x-linux-gnu
libc6-dev-s390x-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross"
for a in $CROSS_ARCHS; do
	PKGS="$PKGS libbearssl-dev:$a libc-ares-dev:$a"
done

# Installed: for a name without an architecture, as the machine's own
# or architecture-independent package (others may be installed too).
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
# bind9, knot, nsd and pdns-server start their daemons on port 53 when
# installed; the tests run their own servers on loopback ports and need
# no system daemons.
for s in named bind9 knot nsd pdns; do
	systemctl stop "$s" 2>/dev/null || service "$s" stop 2>/dev/null
done
exit 0
