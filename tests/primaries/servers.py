"""The real primaries from Debian 12: BIND, Knot, NSD and PowerDNS.  See
the package text for how each is set up and changed.
"""

import os
import time

import dns.exception
import dns.name
import dns.rdata
import dns.update
import dns.zone

from r53dtest import free_port
from .wire import IN, soa_serial_of
from .base import Primary, _secret


NAMED = "/usr/sbin/named"
RNDC = "/usr/sbin/rndc"
NSUPDATE = "/usr/bin/nsupdate"
KNOTD = "/usr/sbin/knotd"
KNOTC = "/usr/sbin/knotc"
NSD = "/usr/sbin/nsd"
NSD_CONTROL = "/usr/sbin/nsd-control"
NSD_CONTROL_SETUP = "/usr/sbin/nsd-control-setup"
PDNS = "/usr/sbin/pdns_server"
PDNSUTIL = "/usr/bin/pdnsutil"
PDNS_CONTROL = "/usr/bin/pdns_control"
PDNS_SCHEMAS = ("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
                "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql")
# ---- BIND ----------------------------------------------------------------

class Bind(Primary):
    """named 9.18 with a dynamic zone (see the module text)."""

    name = "Bind"
    UPDATE_MAX = 60000      # bytes of one UPDATE before the file way

    def _setup(self):
        self.rndc_port = free_port()
        self.update_key = ("local-update", "hmac-sha256", _secret())
        rndc_secret = _secret()
        keys = 'key "local-update" {\n\talgorithm hmac-sha256;\n' \
            '\tsecret "%s";\n};\n' % self.update_key[2]
        keys += 'key "rndc-key" {\n\talgorithm hmac-sha256;\n' \
            '\tsecret "%s";\n};\n' % rndc_secret
        if self.key:
            keys += 'key "%s" {\n\talgorithm %s;\n\tsecret "%s";\n};\n' \
                % self.key
        with open(self.path("update.key"), "w") as f:
            f.write('key "local-update" {\n\talgorithm hmac-sha256;\n'
                    '\tsecret "%s";\n};\n' % self.update_key[2])
        with open(self.path("rndc.conf"), "w") as f:
            f.write('key "rndc-key" {\n\talgorithm hmac-sha256;\n'
                    '\tsecret "%s";\n};\noptions {\n\tdefault-key '
                    '"rndc-key";\n\tdefault-server 127.0.0.1;\n'
                    '\tdefault-port %d;\n};\n' % (rndc_secret,
                                                   self.rndc_port))
        nk = ' key "%s"' % self.key[0] if self.notify_key else ""
        also = "".join("\t\t%s port %d%s;\n" % (h, p, nk)
                       for h, p in self.notify_targets)
        if self.notify_targets:
            notify = "notify explicit;\n\talso-notify {\n%s\t};" % also
        else:
            notify = "notify no;"
        xfr = 'key "%s";' % self.key[0] if self.key else "127.0.0.1;"
        conf = """options {
	directory "%(d)s";
	pid-file "%(d)s/named.pid";
	session-keyfile "%(d)s/session.key";
	managed-keys-directory "%(d)s";
	dump-file "%(d)s/named.dump";
	statistics-file "%(d)s/named.stats";
	memstatistics-file "%(d)s/named.mem";
	listen-on port %(p)d { 127.0.0.1; };
	listen-on-v6 { none; };
	automatic-interface-scan no;
	recursion no;
	dnssec-validation no;
	allow-query { 127.0.0.1; };
	allow-transfer { %(xfr)s };
	check-names primary ignore;
	check-integrity no;
	check-mx ignore;
	check-mx-cname ignore;
	check-srv-cname ignore;
	check-wildcard no;
	check-sibling no;
	check-dup-records ignore;
	notify-delay 0;
	max-ixfr-ratio unlimited;
};
controls {
	inet 127.0.0.1 port %(rp)d allow { 127.0.0.1; } keys { "rndc-key"; };
};
%(keys)s
zone "%(zone)s" {
	type primary;
	file "zone.db";
	allow-update { key "local-update"; };
	ixfr-from-differences yes;
	%(notify)s
};
""" % {"d": self.tmp, "p": self.port, "rp": self.rndc_port, "keys": keys,
       "zone": self.zone, "xfr": xfr, "notify": notify}
        with open(self.path("named.conf"), "w") as f:
            f.write(conf)
        self.write_zonefile(self.path("zone.db"), self.model)

    def _command(self):
        return [NAMED, "-g", "-4", "-n", "1", "-c", self.path("named.conf")]

    def rndc(self, *args):
        return self.run([RNDC, "-c", self.path("rndc.conf")] + list(args))

    def notify(self):
        self.rndc("notify", self.zone)

    def _update_message(self, adds, dels, new_soa):
        u = dns.update.UpdateMessage(self.origin)
        for r in dels:
            u.delete(dns.name.from_text(r[0]),
                     dns.rdata.from_text(IN, r[2], r[3]))
        for r in adds:
            u.add(dns.name.from_text(r[0]), r[1],
                  dns.rdata.from_text(IN, r[2], r[3]))
        u.add(dns.name.from_text(new_soa[0]), new_soa[1],
              dns.rdata.from_text(IN, "SOA", new_soa[3]))
        return u

    def _wait_dumped(self, serial, timeout=30.0):
        """After rndc freeze: wait until named has written the journal
        into the zone file (the file holds serial).  Under load that
        write came after rndc had returned and replaced the file written
        here; thaw then found the zone unchanged."""
        path = self.path("zone.db")
        end = time.time() + timeout
        while time.time() < end:
            try:
                with open(path) as f:
                    z = dns.zone.from_file(f, origin=self.zone,
                                           relativize=False,
                                           check_origin=False)
                soa = z.find_rdataset(self.zone, "SOA")[0]
                if soa.serial == serial:
                    return
            except (OSError, dns.exception.DNSException, KeyError):
                pass
            time.sleep(0.05)
        raise RuntimeError("%s: zone file not at serial %d after freeze"
                           % (self.name, serial))

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        if via is None:
            try:
                n = len(self._update_message(adds, dels, new_soa).to_wire(
                    max_size=65535))
            except dns.exception.TooBig:
                n = 65536
            via = "update" if n <= self.UPDATE_MAX else "file"
        self.last_via = via
        if via == "update":
            lines = ["server 127.0.0.1 %d" % self.port,
                     "zone %s" % self.zone]
            lines += ["update delete %s %s %s" % (r[0], r[2], r[3])
                      for r in dels]
            lines += ["update add %s %d %s %s" % r for r in adds]
            lines += ["update add %s %d SOA %s" % (new_soa[0], new_soa[1],
                                                   new_soa[3]),
                      "send", "answer", ""]
            out = self.run([NSUPDATE, "-v", "-k", self.path("update.key")],
                           input="\n".join(lines))
            if "status: NOERROR" not in out:
                raise RuntimeError("nsupdate: %s" % out[-2000:])
        elif via == "file":
            self.rndc("freeze", self.zone)
            try:
                self._wait_dumped(soa_serial_of(old_soa))
                self.write_zonefile(self.path("zone.db"), model)
            finally:
                self.rndc("thaw", self.zone)
        else:
            raise ValueError("via %r" % via)


# ---- Knot ----------------------------------------------------------------

def _knotc_quote(text):
    """One knotc argument: single quotes keep spaces, double quotes and
    backslashes; a single quote itself is closed over."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


class Knot(Primary):
    """knotd 3.2 with a journal (see the module text)."""

    name = "Knot"
    CONTROL_MAX = 500       # records per change before the file way

    def _setup(self):
        d = self.tmp
        out = ["server:", '    rundir: "%s"' % d,
               "    listen: 127.0.0.1@%d" % self.port,
               '    pidfile: "%s/knot.pid"' % d,
               "    udp-workers: 1", "    tcp-workers: 1",
               "    background-workers: 1",
               "control:", '    listen: "%s/knot.sock"' % d,
               "database:", '    storage: "%s"' % d,
               "log:", "  - target: stderr", "    server: info",
               "    control: warning", "    zone: info"]
        if self.key:
            out += ["key:", "  - id: %s" % self.key[0],
                    "    algorithm: %s" % self.key[1],
                    "    secret: %s" % self.key[2]]
        if self.notify_targets:
            out.append("remote:")
            for i, (h, p) in enumerate(self.notify_targets):
                out += ["  - id: notify%d" % i,
                        "    address: %s@%d" % (h, p)]
                if self.notify_key:
                    out.append("    key: %s" % self.key[0])
        out += ["acl:", "  - id: transfer", "    address: 127.0.0.1",
                "    action: transfer"]
        if self.key:
            out.append("    key: %s" % self.key[0])
        out += ["zone:", "  - domain: %s" % self.zone,
                '    storage: "%s"' % d, '    file: "zone.db"',
                "    journal-content: changes",
                "    journal-max-depth: 1000",
                "    zonefile-load: difference",
                "    zonefile-sync: 0",
                "    serial-policy: increment",
                "    semantic-checks: off",
                "    acl: [transfer]"]
        if self.notify_targets:
            out.append("    notify: [%s]" % ", ".join(
                "notify%d" % i for i in range(len(self.notify_targets))))
        with open(self.path("knot.conf"), "w") as f:
            f.write("\n".join(out) + "\n")
        self.write_zonefile(self.path("zone.db"), self.model)

    def _command(self):
        return [KNOTD, "-c", self.path("knot.conf")]

    def knotc(self, *args, input=None):
        return self.run([KNOTC, "-c", self.path("knot.conf"), "-s",
                         self.path("knot.sock"), "-x", "-t", "120"]
                        + list(args), input=input)

    def notify(self):
        self.knotc("zone-notify", self.zone)

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        if via is None:
            via = "control" if len(adds) + len(dels) <= self.CONTROL_MAX \
                else "file"
        self.last_via = via
        z = self.zone
        if via == "control":
            lines = ["zone-begin " + z]
            lines += ["zone-unset %s %s %s %s" % (z, r[0], r[2],
                                                   _knotc_quote(r[3]))
                      for r in dels]
            lines += ["zone-set %s %s %d %s %s" % (z, r[0], r[1], r[2],
                                                    _knotc_quote(r[3]))
                      for r in adds]
            lines += ["zone-unset %s %s SOA" % (z, z),
                      "zone-set %s %s %d SOA %s" % (z, z, new_soa[1],
                                                    new_soa[3])]
            out = self.knotc(input="\n".join(lines) + "\n")
            bad = [ln for ln in out.splitlines() if ln.strip() != "OK"]
            if bad or len(out.splitlines()) != len(lines):
                self.knotc("zone-abort", z)
                raise RuntimeError("knotc: %s" % "\n".join(bad[:20]))
            self.knotc("zone-commit", z)
        elif via == "file":
            self.knotc("-b", "zone-flush", z)
            self.write_zonefile(self.path("zone.db"), model)
            self.knotc("-b", "zone-reload", z)
        else:
            raise ValueError("via %r" % via)


# ---- NSD -----------------------------------------------------------------

class Nsd(Primary):
    """nsd 4.6 from a zone file (see the module text): AXFR only."""

    name = "Nsd"
    supports_ixfr = False
    STABLE_S = 0.3

    def wait_serial(self, serial, timeout=30.0):
        """As Primary's, and then the serial stays for STABLE_S: during
        a reload the old server process still answers for a moment, with
        the old zone."""
        end = time.time() + timeout
        while Primary.wait_serial(self, serial, max(0.0, end - time.time())):
            stable_until = time.time() + self.STABLE_S
            while time.time() < stable_until and self.serial() == serial:
                time.sleep(0.03)
            if time.time() >= stable_until:
                return True
        return False

    def _setup(self):
        d = self.tmp
        self.control_port = free_port()
        self.run([NSD_CONTROL_SETUP, "-d", d])
        keyname = self.key[0] if self.key else "NOKEY"
        nkey = self.key[0] if self.notify_key else "NOKEY"
        out = ["server:",
               "    ip-address: 127.0.0.1@%d" % self.port,
               "    port: %d" % self.port,
               "    do-ip6: no",
               '    username: ""', '    chroot: ""',
               '    zonesdir: "%s"' % d, '    database: ""',
               '    pidfile: "%s/nsd.pid"' % d,
               '    xfrdfile: "%s/xfrd.state"' % d,
               '    xfrdir: "%s"' % d,
               '    zonelistfile: "%s/zone.list"' % d,
               "    server-count: 1", "    verbosity: 2",
               "    hide-version: yes",
               "remote-control:", "    control-enable: yes",
               "    control-interface: 127.0.0.1",
               "    control-port: %d" % self.control_port]
        for opt, fn in (("server-key-file", "nsd_server.key"),
                        ("server-cert-file", "nsd_server.pem"),
                        ("control-key-file", "nsd_control.key"),
                        ("control-cert-file", "nsd_control.pem")):
            out.append('    %s: "%s/%s"' % (opt, d, fn))
        if self.key:
            out += ["key:", '    name: "%s"' % self.key[0],
                    "    algorithm: %s" % self.key[1],
                    '    secret: "%s"' % self.key[2]]
        out += ["zone:", '    name: "%s"' % self.zone,
                '    zonefile: "zone.db"',
                "    provide-xfr: 127.0.0.1 %s" % keyname]
        out += ["    notify: %s@%d %s" % (h, p, nkey)
                for h, p in self.notify_targets]
        with open(self.path("nsd.conf"), "w") as f:
            f.write("\n".join(out) + "\n")
        self.write_zonefile(self.path("zone.db"), self.model)
        self.run(["/usr/sbin/nsd-checkconf", self.path("nsd.conf")])

    def _command(self):
        return [NSD, "-d", "-c", self.path("nsd.conf")]

    def nsd_control(self, *args):
        return self.run([NSD_CONTROL, "-c", self.path("nsd.conf")] + list(args))

    def notify(self):
        self.nsd_control("notify", self.zone)

    def write_zonefile(self, path, model):
        # nsd-control reload reads the file only when its mtime moved.
        old = os.stat(path).st_mtime if os.path.exists(path) else 0
        Primary.write_zonefile(self, path, model)
        t = max(time.time(), old + 1)
        os.utime(path, (t, t))

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        if via not in (None, "file"):
            raise ValueError("via %r" % via)
        self.last_via = "file"
        self.write_zonefile(self.path("zone.db"), model)
        self.nsd_control("reload", self.zone)


# ---- PowerDNS ------------------------------------------------------------

class PowerDNS(Primary):
    """pdns_server 4.7 with gsqlite3 (see the module text): AXFR only."""

    name = "PowerDNS"
    supports_ixfr = False
    notify_has_soa = False
    PDNSUTIL_MAX = 20       # RRsets per change before the file way

    def _setup(self):
        import sqlite3
        d = self.tmp
        schema = [p for p in PDNS_SCHEMAS if os.path.exists(p)]
        if not schema:
            raise RuntimeError("no gsqlite3 schema (pdns-backend-sqlite3)")
        db = sqlite3.connect(self.path("pdns.sqlite3"))
        with open(schema[0]) as f:
            db.executescript(f.read())
        db.close()
        also = ",".join("%s:%d" % t for t in self.notify_targets)
        conf = ["launch=gsqlite3",
                "gsqlite3-database=%s/pdns.sqlite3" % d,
                "local-address=127.0.0.1",
                "local-port=%d" % self.port,
                "socket-dir=%s" % d,
                "primary=yes",
                "also-notify=%s" % also,
                "only-notify=",
                "allow-axfr-ips=%s" % ("" if self.key else "127.0.0.1/32"),
                "allow-notify-from=",
                "disable-syslog=yes", "loglevel=6", "log-timestamp=yes",
                "cache-ttl=0", "negquery-cache-ttl=0", "query-cache-ttl=0",
                "zone-cache-refresh-interval=0",
                "webserver=no", "api=no",
                "distributor-threads=1", "receiver-threads=1",
                "security-poll-suffix=",
                "daemon=no", "guardian=no"]
        with open(self.path("pdns.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        self.write_zonefile(self.path("zone.db"), self.model)
        self.pdnsutil("load-zone", self.zone, self.path("zone.db"))
        self.pdnsutil("set-kind", self.zone, "primary")
        if self.key:
            self.pdnsutil("import-tsig-key", self.key[0], self.key[1],
                          self.key[2])
            self.pdnsutil("activate-tsig-key", self.zone, self.key[0],
                          "primary")

    def _command(self):
        return [PDNS, "--config-dir=" + self.tmp, "--guardian=no",
                "--daemon=no"]

    def pdnsutil(self, *args):
        return self.run([PDNSUTIL, "--config-dir=" + self.tmp] + list(args))

    def notify(self):
        self.run([PDNS_CONTROL, "--config-dir=" + self.tmp,
                  "--socket-dir=" + self.tmp, "notify", self.zone])

    def _rel(self, owner):
        n = dns.name.from_text(owner)
        if n == self.origin:
            return "@"
        return n.relativize(self.origin).to_text()

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        touched = sorted({(r[0], r[2]) for r in adds + dels})
        if via is None:
            via = "pdnsutil" if len(touched) <= self.PDNSUTIL_MAX else "file"
        self.last_via = via
        if via == "pdnsutil":
            for owner, rtype in touched:
                rrs = sorted(r for r in model
                             if r[0] == owner and r[2] == rtype)
                if rrs:
                    self.pdnsutil("replace-rrset", self.zone,
                                  self._rel(owner), rtype, str(rrs[0][1]),
                                  *[r[3] for r in rrs])
                else:
                    self.pdnsutil("delete-rrset", self.zone,
                                  self._rel(owner), rtype)
            self.pdnsutil("replace-rrset", self.zone, "@", "SOA",
                          str(new_soa[1]), new_soa[3])
        elif via == "file":
            self.write_zonefile(self.path("zone.db"), model)
            self.pdnsutil("load-zone", self.zone, self.path("zone.db"))
        else:
            raise ValueError("via %r" % via)
        if self.notify_targets:
            self.notify()
