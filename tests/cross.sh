#!/bin/sh
# Portability checks.  For s390x (big-endian, 64-bit) and armhf (32-bit,
# 32-bit time_t on Debian 12): cross-build r53d and its unit tests with
# Debian's cross compilers against the target's c-ares and BearSSL
# (Debian multiarch packages), and run the unit tests under qemu-user.
# Criterion is not packaged for these targets; the unit tests are built
# against its stand-in, tests/unit/mini, whose own self-test runs first.
# For musl: build BearSSL and c-ares from Debian's sources with musl-gcc,
# then r53d as one static x86-64 binary and its unit tests, and run them.
# Sizes: r53d built with -Os, stripped, BearSSL and c-ares linked
# statically, for x86-64 (glibc), armhf, s390x and musl.
#
# usage: sh tests/cross.sh [-n] [s390x] [armhf] [musl] [sizes]
#	no target: all of them; -n: install nothing.
# As root it installs what is missing (dpkg --add-architecture armhf and
# s390x, the cross compilers, qemu-user, musl-tools, the targets' c-ares
# and BearSSL); the sources of BearSSL and c-ares are fetched with
# apt-get source through a package list of its own under tests/tmp, the
# system's apt sources are not changed.  Everything is built under
# obj/<target>; obj/ and ./r53d are left alone.  Ends with the line
# "N passed, N failed", counting unit tests and each build step.
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
WORK=$TOP/tests/tmp/cross
LOGDIR=$WORK/logs
MAKE="nice make -s"
install=1
passed=0
failed=0
failures=""

[ "$1" = "-n" ] && { install=0; shift; }
targets=${*:-s390x armhf musl sizes}
rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

# ok NAME / bad NAME LOG: count one step.
ok() {
	passed=$((passed + 1))
	echo "$1: ok"
}
bad() {
	failed=$((failed + 1))
	failures="$failures $1"
	echo "$1: FAILED"
	[ -f "$2" ] && sed 's/^/    | /' "$2" | tail -30
}

deps() {
	[ $install -eq 1 ] && [ "$(id -u)" -eq 0 ] || return 0
	export DEBIAN_FRONTEND=noninteractive
	pkgs="make gcc qemu-user musl-tools dpkg-dev xz-utils"
	for t in $targets; do
		case $t in
		s390x) a=s390x; g=s390x-linux-gnu ;;
		armhf) a=armhf; g=arm-linux-gnueabihf ;;
		sizes) pkgs="$pkgs libbearssl-dev libc-ares-dev binutils"
		    continue ;;
		*) continue ;;
		esac
		dpkg --print-foreign-architectures | grep -qx $a || {
			dpkg --add-architecture $a && apt-get update -q; }
		pkgs="$pkgs gcc-$g libc6-dev-$a-cross binutils-$g \
		    libbearssl-dev:$a libc-ares-dev:$a"
	done
	native=$(dpkg --print-architecture)
	missing=""
	for p in $pkgs; do
		dpkg-query -W -f '${db:Status-Status} ${Architecture}\n' "$p" \
		    2>/dev/null | grep -Eq "^installed ($native|all)\$" ||
		    case $p in
		    *:*) dpkg-query -W -f '${db:Status-Status}\n' "$p" \
			2>/dev/null | grep -q '^installed$' ;;
		    *) false ;;
		    esac || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	apt-get install -y -q --no-install-recommends $missing ||
	    { apt-get update -q &&
	    apt-get install -y -q --no-install-recommends $missing; }
}

# selftest CC RUN...: the stand-in's known outcomes on this target.
selftest() {
	cc=$1
	shift
	name="$cc: runner self-test"
	log=$LOGDIR/selftest.$cc.log
	bin=$WORK/selftest.$cc
	want="Tested: 11 | Passing: 4 | Failing: 5 | Crashing: 2 | Skipped: 1"
	if ! $cc -std=c11 -D_DEFAULT_SOURCE -isystem tests/unit/mini \
	    -o "$bin" tests/unit/mini/selftest.c tests/unit/mini/crit.c \
	    >"$log" 2>&1; then
		bad "$name" "$log"
		return
	fi
	"$@" "$bin" >"$log" 2>&1
	if grep -qF "Synthesis: $want" "$log" &&
	    grep -q 'first of two' "$log" && grep -q 'second of two' "$log" &&
	    ! grep -q 'Aborted' "$log"; then
		ok "$name"
	else
		bad "$name" "$log"
	fi
}

# units OBJ RUNNER: run each unit test binary, count its tests.
units() {
	obj=$1 runner=$2
	t0=$(date +%s)
	for t in $(make -s OBJ="$obj" print-unit); do
		log=$LOGDIR/$(echo "$t" | tr '/' '_').log
		$runner "$t" --jobs 1 >"$log" 2>&1
		rc=$?
		c=$(sed -n 's/.*Synthesis: Tested: *\([0-9]*\) | Passing: *\([0-9]*\) | Failing: *\([0-9]*\) | Crashing: *\([0-9]*\).*/\2 \3 \4/p' "$log")
		if [ -z "$c" ]; then
			bad "$t (no result, exit $rc)" "$log"
			continue
		fi
		set -- $c
		passed=$((passed + $1))
		failed=$((failed + $2 + $3))
		if [ $rc -ne 0 ] || [ $(($2 + $3)) -ne 0 ]; then
			failures="$failures $t"
			echo "$t: $1 passed, $(($2 + $3)) failed"
			grep -E '^\[(----|FAIL)\]' "$log" | sed 's/^/    | /' |
			    tail -30
		else
			echo "$t: $1 passed"
		fi
	done
	echo "$obj: unit tests took $(($(date +%s) - t0)) s"
}

# cross ARCH TRIPLET QEMU: build and run the unit tests for one target.
cross() {
	arch=$1 cc=$2-gcc qemu=$3
	obj=obj/$arch
	log=$LOGDIR/build.$arch.log
	if ! command -v "$cc" >/dev/null || ! command -v "$qemu" >/dev/null
	then
		bad "$arch: $cc or $qemu not installed"
		return
	fi
	selftest "$cc" "$qemu"
	# The dynamic loader and libraries come from the multiarch
	# packages (/lib/<triplet>), not from the cross toolchain's copy.
	if $MAKE OBJ=$obj CC="$cc" CRITERION=mini WERROR=-Werror -j2 \
	    $obj/r53d unit >"$log" 2>&1; then
		ok "$arch: build with -Werror"
	else
		bad "$arch: build with -Werror" "$log"
		return
	fi
	units $obj "$qemu"
}

# srcpkg NAME: unpack Debian's source of NAME under $WORK/src.
srcpkg() {
	apt="$WORK/apt"
	o="-o Dir::Etc::SourceList=$apt/sources.list
	    -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$apt/lists
	    -o Dir::Cache=$apt/cache"
	ls -d "$WORK/src/$1"-*/ >/dev/null 2>&1 && return 0
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
	    "$WORK/src"
	if [ ! -f "$apt/sources.list" ]; then
		# The suites of the system's Debian sources, as deb-src.
		sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources \
		    2>/dev/null | head -1 >"$apt/uri"
		[ -s "$apt/uri" ] || echo http://deb.debian.org/debian \
		    >"$apt/uri"
		echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(cat "$apt/uri") bookworm main" \
		    >"$apt/sources.list"
		apt-get -q $o update || return 1
	fi
	(cd "$WORK/src" && apt-get -q $o source "$1")
}

# musl: BearSSL and c-ares from source with musl-gcc, then r53d static
# and its unit tests.
musl() {
	pfx=$WORK/musl
	log=$LOGDIR/build.musl.log
	if ! command -v musl-gcc >/dev/null; then
		bad "musl: musl-gcc not installed"
		return
	fi
	selftest musl-gcc env
	if [ ! -f "$pfx/lib/libbearssl.a" ] || [ ! -f "$pfx/lib/libcares.a" ]
	then
		if ! { srcpkg bearssl && srcpkg c-ares; } >"$log" 2>&1; then
			bad "musl: BearSSL and c-ares sources" "$log"
			return
		fi
		mkdir -p "$pfx/lib" "$pfx/include"
		b=$(ls -d "$WORK"/src/bearssl-*/ | head -1)
		c=$(ls -d "$WORK"/src/c-ares-*/ | head -1)
		if ! { $MAKE -C "$b" CC=musl-gcc LD=musl-gcc \
		    CFLAGS="-Os -ffunction-sections -fdata-sections" -j2 lib &&
		    cp "$b"/build/libbearssl.a "$pfx/lib/" &&
		    cp "$b"/inc/*.h "$pfx/include/" &&
		    (cd "$c" && CC=musl-gcc \
		    CFLAGS="-Os -ffunction-sections -fdata-sections" \
		    nice ./configure -q --prefix="$pfx" --disable-shared \
		    --enable-static --disable-tests &&
		    $MAKE -j2 -C src/lib && $MAKE -C src/lib install &&
		    $MAKE -C include install); } >>"$log" 2>&1; then
			bad "musl: build BearSSL and c-ares" "$log"
			return
		fi
	fi
	if $MAKE OBJ=obj/musl CC=musl-gcc CRITERION=mini WERROR=-Werror \
	    BEARSSL_CPPFLAGS="-isystem $pfx/include" \
	    LDFLAGS="-static -L$pfx/lib" \
	    -j2 obj/musl/r53d unit >"$log" 2>&1 &&
	    file obj/musl/r53d | grep -q 'statically linked'; then
		ok "musl: static build with -Werror"
	else
		bad "musl: static build with -Werror" "$log"
		return
	fi
	units obj/musl env
}

# size NAME CC STRIP [MAKEVARS...]: an -Os build, stripped; its size.
size() {
	name=$1 cc=$2 strip=$3
	shift 3
	obj=obj/size-$(echo "$name" | tr " " -)
	log=$LOGDIR/size.$name.log
	if ! command -v "$cc" >/dev/null; then
		bad "size $name: $cc not installed"
		return
	fi
	if $MAKE OBJ=$obj CC="$cc" WERROR=-Werror -j2 \
	    CFLAGS="-Os -ffunction-sections -fdata-sections" \
	    LDFLAGS="-Wl,--gc-sections" \
	    LDLIBS="-Wl,-Bstatic -lcares -lbearssl -Wl,-Bdynamic" \
	    "$@" $obj/r53d >"$log" 2>&1 &&
	    $strip -o $obj/r53d.stripped $obj/r53d; then
		ok "size $name: build"
		sizes="$sizes$(printf '%-28s %8d bytes %6d KiB' "$name" \
		    "$(wc -c <$obj/r53d.stripped)" \
		    "$(($(wc -c <$obj/r53d.stripped) / 1024))")
"
	else
		bad "size $name: build" "$log"
	fi
}

deps
sizes=""
for t in $targets; do
	case $t in
	s390x)	cross s390x s390x-linux-gnu qemu-s390x ;;
	armhf)	cross armhf arm-linux-gnueabihf qemu-arm ;;
	musl)	musl ;;
	sizes)
		size x86-64 gcc strip
		size armhf arm-linux-gnueabihf-gcc arm-linux-gnueabihf-strip
		size s390x s390x-linux-gnu-gcc s390x-linux-gnu-strip
		pfx=$WORK/musl
		if [ -f "$pfx/lib/libbearssl.a" ]; then
			size "x86-64 musl static" musl-gcc strip \
			    BEARSSL_CPPFLAGS="-isystem $pfx/include" \
			    LDFLAGS="-static -L$pfx/lib -Wl,--gc-sections" \
			    LDLIBS="-lcares -lbearssl"
		fi
		;;
	*)	echo "unknown target $t" >&2; exit 2 ;;
	esac
done

if [ -n "$sizes" ]; then
	echo
	echo "r53d, -Os, stripped, BearSSL and c-ares static:"
	printf '%s' "$sizes"
fi
echo
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failures" ]
