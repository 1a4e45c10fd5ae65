#!/bin/sh
# "make install" and "make install-openwrt" into a scratch DESTDIR: every
# file lands with its mode, an edited configuration survives a second
# install, the example configuration is valid as installed and once its
# key and credential lines are enabled, the systemd unit passes
# systemd-analyze verify and agrees with the configuration, the init
# script parses and asks procd for the right thing, the manual pages
# lint clean and the installed r53d runs.
#
# Prints one line per check (ok, not ok, or SKIP when a tool is missing
# or cannot run here; skips are not counted as passed) and closes with
# "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
MAKE=${MAKE:-make}
tmp=$(mktemp -d /tmp/r53d-install.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
skipped=0

ok() {
	echo "ok - $1"
	passed=$((passed + 1))
}

notok() {
	echo "not ok - $1"
	[ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/    /'
	failed=$((failed + 1))
}

skip() {
	echo "SKIP - $1"
	skipped=$((skipped + 1))
}

# check NAME CMD...: ok when CMD succeeds, else not ok with its output.
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		notok "$name" "$out"
	fi
}

# mode DIR FILE WANT: DIR/FILE exists with permission bits WANT (octal).
mode() {
	if [ ! -f "$1$2" ]; then
		notok "$2 installed" "missing"
		return
	fi
	m=$(stat -c %a "$1$2")
	if [ "$m" = "$3" ]; then
		ok "$2 installed, mode $3"
	else
		notok "$2 installed, mode $3" "mode is $m"
	fi
}

D=$tmp/dest
out=$($MAKE -s install DESTDIR="$D" PREFIX=/usr 2>&1) ||
	notok "make install" "$out"
mode "$D" /usr/sbin/r53d 755
mode "$D" /usr/share/man/man8/r53d.8 644
mode "$D" /usr/share/man/man5/r53d.conf.5 644
mode "$D" /etc/r53d.conf 644
mode "$D" /usr/lib/systemd/system/r53d.service 644
if [ -e "$D/etc/init.d/r53d" ]; then
	notok "no init script without install-openwrt"
else
	ok "no init script without install-openwrt"
fi

# The example holds no secret, so it may be readable by all.
check "installed configuration holds no secret" \
    sh -c '! grep -Eiq "^[^#]*(secret|access-key-id)[^#]*;" "$1"' sh \
    "$D/etc/r53d.conf"

# An edited configuration is kept by a second install.
echo "# edited here" >>"$D/etc/r53d.conf"
chmod 0600 "$D/etc/r53d.conf"
out=$($MAKE -s install DESTDIR="$D" PREFIX=/usr 2>&1)
if [ $? -eq 0 ] && tail -1 "$D/etc/r53d.conf" | grep -q "^# edited here$" &&
    [ "$(stat -c %a "$D/etc/r53d.conf")" = 600 ] &&
    printf '%s\n' "$out" | grep -q "r53d.conf exists: kept"; then
	ok "second install keeps an edited configuration, and says so"
else
	notok "second install keeps an edited configuration, and says so" \
	    "$out"
fi

# The installed daemon runs, and accepts the installed configuration.
out=$("$D/usr/sbin/r53d" -h 2>/dev/null)
if [ $? -eq 0 ] && printf '%s\n' "$out" | grep -q "^usage: r53d" &&
    printf '%s\n' "$out" | grep -q "^  -i "; then
	ok "installed r53d -h"
else
	notok "installed r53d -h" "$out"
fi
out=$("$D/usr/sbin/r53d" -n -c "$D/etc/r53d.conf" 2>&1)
if [ $? -eq 0 ] && [ "$out" = "$D/etc/r53d.conf: configuration OK" ]; then
	ok "installed configuration passes r53d -n without a warning"
else
	notok "installed configuration passes r53d -n without a warning" \
	    "$out"
fi

# The lines the example says to enable: a key file and AWS credentials.
E=$tmp/enabled
mkdir -p "$E/r53d"
cat >"$E/r53d/keys.conf" <<'EOF'
key "ddns-key" {
	algorithm hmac-sha256;
	secret "dt3VXTwDhGcTRyOzTceHkquGopBDj00mpd3SO955CqA=";
};
EOF
echo "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" >"$E/r53d/aws-secret"
chmod 0640 "$E/r53d/keys.conf" "$E/r53d/aws-secret"
sed -e "s|\"/etc/r53d/|\"$E/r53d/|" -e 's/^#include /include /' \
    -e 's/^\(	*\)#\(allow-update\|grant\|hosted-zone\|access-key-id\)/\1\2/' \
    -e 's/^\(	*\)#\(secret-access-key-file\)/\1\2/' \
    etc/r53d.conf.example >"$E/r53d.conf"
out=$("$D/usr/sbin/r53d" -nv -c "$E/r53d.conf" 2>&1)
if [ $? -eq 0 ] &&
    printf '%s\n' "$out" | grep -q 'allow-update { key "ddns-key"; };' &&
    printf '%s\n' "$out" | grep -q 'grant "ddns-key" acme-challenge TXT;' &&
    printf '%s\n' "$out" | grep -q 'access-key-id "AKIA' &&
    ! printf '%s\n' "$out" | grep -qi warning; then
	ok "example with its key and credentials enabled passes r53d -n"
else
	notok "example with its key and credentials enabled passes r53d -n" \
	    "$out"
fi

# The manual pages as installed.
if ! command -v mandoc >/dev/null 2>&1; then
	skip "installed manual pages lint clean: no mandoc here"
else
	out=$(mandoc -Tlint -W warning "$D/usr/share/man/man8/r53d.8" \
	    "$D/usr/share/man/man5/r53d.conf.5" 2>&1)
	if [ -z "$out" ]; then
		ok "installed manual pages lint clean"
	else
		notok "installed manual pages lint clean" "$out"
	fi
fi

# The systemd unit agrees with the configuration and the install paths.
U=$D/usr/lib/systemd/system/r53d.service
pidfile=$(sed -n 's/^PIDFile=//p' "$U")
confpid=$(sed -n 's/^pid-file "\(.*\)";$/\1/p' "$D/etc/r53d.conf")
if [ -n "$pidfile" ] && [ "$pidfile" = "$confpid" ] &&
    grep -q "^Type=forking$" "$U" &&
    grep -q "^RuntimeDirectory=$(basename "$(dirname "$pidfile")")$" "$U"
then
	ok "unit: Type=forking, PIDFile is the configuration's pid-file"
else
	notok "unit: Type=forking, PIDFile is the configuration's pid-file" \
	    "PIDFile=$pidfile, pid-file $confpid"
fi
if grep -q "^ExecStart=/usr/sbin/r53d -c /etc/r53d.conf$" "$U" &&
    grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$U" &&
    ! grep -q "^User=" "$U"; then
	ok "unit: starts the installed r53d as root, reloads with SIGHUP"
else
	notok "unit: starts the installed r53d as root, reloads with SIGHUP"
fi
missing=""
for d in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    PrivateDevices=yes NoNewPrivileges=yes \
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
    SystemCallFilter=@system-service \
    "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_KILL"
do
	grep -qx "$d" "$U" || missing="$missing $d"
done
grep -q "^MemoryMax=" "$U" || missing="$missing MemoryMax"
if [ -z "$missing" ]; then
	ok "unit: sandboxed"
else
	notok "unit: sandboxed" "missing:$missing"
fi

# systemd-analyze verify, with the unit's commands pointed into DESTDIR.
# It must first accept a trivial unit: if not, it cannot run here.
if ! command -v systemd-analyze >/dev/null 2>&1; then
	skip "systemd-analyze verify: no systemd-analyze here"
else
	V=$tmp/verify
	mkdir -p "$V/probe" "$V/unit"
	printf '[Service]\nExecStart=/bin/true\n' >"$V/probe/r53dprobe.service"
	probe=$(systemd-analyze verify "$V/probe/r53dprobe.service" 2>&1)
	if [ $? -ne 0 ] || [ -n "$probe" ]; then
		skip "systemd-analyze verify: it cannot run here: $probe"
	else
		sed "s|/usr/sbin/r53d|$D/usr/sbin/r53d|g" "$U" \
		    >"$V/unit/r53d.service"
		out=$(MANPATH=$D/usr/share/man systemd-analyze verify \
		    "$V/unit/r53d.service" 2>&1)
		if [ $? -eq 0 ] && [ -z "$out" ]; then
			ok "systemd-analyze verify accepts the unit"
		else
			notok "systemd-analyze verify accepts the unit" "$out"
		fi
	fi
fi

# install-openwrt: the procd init script instead of the unit.
O=$tmp/openwrt
out=$($MAKE -s install-openwrt DESTDIR="$O" PREFIX=/usr 2>&1) ||
	notok "make install-openwrt" "$out"
mode "$O" /etc/init.d/r53d 755
mode "$O" /usr/sbin/r53d 755
mode "$O" /etc/r53d.conf 644
if [ -e "$O/usr/lib/systemd/system/r53d.service" ]; then
	notok "no systemd unit with install-openwrt"
else
	ok "no systemd unit with install-openwrt"
fi
check "sh -n accepts the init script" sh -n "$O/etc/init.d/r53d"
# What the script asks of procd, with procd's functions stubbed.
out=$(
	procd_open_instance() { echo "open $*"; }
	procd_set_param() { echo "param $*"; }
	procd_close_instance() { echo "close"; }
	procd_send_signal() { echo "signal $*"; }
	mkdir() { echo "mkdir $*"; }
	. "$O/etc/init.d/r53d"
	[ "$USE_PROCD" = 1 ] && echo "procd"
	start_service
	reload_service
)
want="procd
mkdir -p /var/run/r53d
open 
param command /usr/sbin/r53d -d -c /etc/r53d.conf
param respawn 3600 5 5
param stdout 1
param stderr 1
close
signal r53d * HUP"
if [ "$out" = "$want" ]; then
	ok "init script: r53d -d under procd, respawned, HUP on reload"
else
	notok "init script: r53d -d under procd, respawned, HUP on reload" \
	    "$out"
fi

# Other places: the paths in the unit, script and example follow them.
P=$tmp/prefix
out=$($MAKE -s install install-openwrt DESTDIR="$P" PREFIX=/opt/r53d \
    SYSCONFDIR=/opt/r53d/etc 2>&1) || notok "make install PREFIX=/opt/r53d" \
    "$out"
if [ -x "$P/opt/r53d/sbin/r53d" ] && [ -f "$P/opt/r53d/etc/r53d.conf" ] &&
    grep -q "^ExecStart=/opt/r53d/sbin/r53d -c /opt/r53d/etc/r53d.conf$" \
    "$P/opt/r53d/lib/systemd/system/r53d.service" &&
    grep -q "^PROG=/opt/r53d/sbin/r53d$" "$P/opt/r53d/etc/init.d/r53d" &&
    grep -q "^CONF=/opt/r53d/etc/r53d.conf$" \
    "$P/opt/r53d/etc/init.d/r53d" &&
    grep -q '^#include "/opt/r53d/etc/r53d/keys.conf";' \
    "$P/opt/r53d/etc/r53d.conf"; then
	ok "PREFIX and SYSCONFDIR reach the unit, init script and example"
else
	notok "PREFIX and SYSCONFDIR reach the unit, init script and example" \
	    "$(find "$P" -type f)"
fi
out=$($MAKE -s install DESTDIR="$tmp/nounit" PREFIX=/usr SYSTEMDDIR= 2>&1)
if [ $? -eq 0 ] && [ -x "$tmp/nounit/usr/sbin/r53d" ] &&
    [ ! -e "$tmp/nounit/usr/lib/systemd" ]; then
	ok "SYSTEMDDIR= installs no unit"
else
	notok "SYSTEMDDIR= installs no unit" "$out"
fi

[ "$ROOT" = "$(pwd)" ] || notok "stayed in the source tree"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
