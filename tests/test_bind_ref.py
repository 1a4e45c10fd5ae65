#!/usr/bin/python3
"""BIND as the reference for RFC 2136: the same stream of UPDATE messages
is sent, one by one and TSIG-signed, to BIND's named and to r53d (backed
by the Route 53 emulator), both holding the same example.com zone.  Every
answer's rcode must be the same on both sides, and after every message
the zone in named (AXFR) must equal the zone in the emulator.

The messages come from a seeded generator (R53D_SEED overrides the
default seed, R53D_BINDREF_COUNT the number of messages).  It covers:
the five prerequisite forms (RRset exists value-independent and
value-dependent, RRset does not exist, name in use, name not in use),
satisfied and not, with duplicate RRs in value-dependent ones; adds of
all 17 types Route 53 stores; the three delete forms (RR, RRset, all
RRsets at a name) on present and absent data; duplicate RRs within a
message and against the zone; TTL changes; CNAME next to other data
and other data next to a CNAME; the apex: SOA changes (serial up, equal,
down, MNAME/RNAME/timers/TTL), SOA deletes, apex NS adds and deletes,
in-zone name servers with and without addresses, deleting everything at
the apex; in-zone NS and MX targets with and without addresses, behind
a CNAME, a wildcard, a delegation or an empty non-terminal (BIND's
post-update integrity checks, REFUSED); delegations with NS, glue and
DS, orphaned DS, DS at the apex; NS on a wildcard owner, CNAME at the
apex, SOA away from the apex (all ignored); wildcard owners; empty
non-terminals; the largest TTL; SVCB/HTTPS parameters; character
strings with escapes; letter case in prerequisites and deletes;
prerequisite TTL not zero and update RRs of forms RFC 2136 3.4.1.2
refuses or with RDATA that does not parse, after valid ones (FORMERR);
names outside the zone (NOTZONE); zone sections naming another zone, a
name that is not a zone, a type other than SOA, two zones.
At the end it prints a tally of what r53d reported doing.

Differences between the two that this test tolerates, and why:

  * SOA serial: none.  BIND raises the serial once per UPDATE that
    changes the zone, r53d once per change batch; this test waits for
    each answer before sending the next message, so every batch holds
    exactly one UPDATE and the whole SOA, serial included, must agree.
  * Letter case of owner names and of names inside RDATA (CNAME, MX,
    NS, ...) is not compared (names are compared canonically, RFC 4034
    6.2): Route 53 stores owner names in lower case.

Deliberate differences kept out of the generator (r53d refuses what
Route 53 cannot hold, BIND takes it):

  * types Route 53 does not store (DNAME, LOC, ...), DNSSEC types;
  * TTLs above 2147483647 (Route 53's limit);
  * Values longer than 4,000 characters, RRsets of more than 400 RRs,
    more RRsets than the zone quota;
  * data below a delegation other than glue (no occlusion rules needed);
  * a DS added where the zone has no NS (no delegation), unless the
    message ends by adding that NS and then the DS (and apart from the
    apex, where both ignore DS): see op_deleg().  BIND
    raises the serial as soon as the update section changed anything
    and only then removes DS RRsets left without NS (lib/ns/update.c:
    update_soa_serial() runs before remove_orphaned_ds()), so such a DS
    alone costs a serial and changes nothing else; r53d evaluates the
    UPDATE as a whole to "no change" and, by design, writes nothing to
    Route 53 and keeps the serial.  DS RRsets orphaned because an
    UPDATE deleted the NS next to them are generated and compared;
  * letter case in the names of RRs being added: mixed case (owner and
    RDATA names) is generated only in messages that add nothing, i.e.
    in prerequisites and deletes, where both servers must match names
    regardless of case; every other message is all lower case (dnspython
    compresses names case-insensitively, so one upper-case name in a
    message can lend its case to a later name on the wire).  BIND 9.18
    keeps the case of what was added and rewrites an RR whose names
    differ from the stored one only in case, counting that as a change
    (serial + 1); Route 53 keeps owner names in lower case and r53d
    compares RDATA canonically, so for r53d such an add changes nothing.

named runs with `check-names primary ignore`: BIND's host-name syntax
policy is not part of RFC 2136 and Route 53 (hence r53d) has none.

Everything runs on loopback.  named, the emulator and r53d are stopped
in tearDown; named (`timeout`) and the emulator (--max-runtime) also
stop by themselves.
"""
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402
import dns.zone  # noqa: E402

NAMED = "/usr/sbin/named"
ZONE = "example.com."
ORIGIN = dns.name.from_text(ZONE)
DEFAULT_SEED = 20136
DEFAULT_COUNT = 400
IN = dns.rdataclass.IN
ANY = dns.rdataclass.ANY
NONE = dns.rdataclass.NONE

# ---- Route 53 text -> dnspython --------------------------------------

_ESC = re.compile(r"\\([0-7]{3}|.)", re.S)


def r53_to_dnspython(text):
    """Route 53 writes bytes as \\ooo (octal); dnspython reads \\DDD as
    decimal.  Other escapes (\\\\, \\") mean the same to both."""
    def sub(m):
        g = m.group(1)
        if len(g) == 3:
            return "\\%03d" % int(g, 8)
        return m.group(0)
    return _ESC.sub(sub, text)


def rd_key(rd):
    """Canonical form of one RDATA (names lowercased where RFC 4034 says)."""
    return rd.to_digestable(dns.name.root)


def emu_zone(emu):
    """The emulator's zone as {(name, type): (ttl, [rdata])}."""
    out = {}
    for (name, typ), (ttl, vals) in emu.rrsets(ZONE).items():
        n = dns.name.from_text(r53_to_dnspython(name)).canonicalize()
        t = dns.rdatatype.from_text(typ)
        rds = [dns.rdata.from_text(IN, t, r53_to_dnspython(v),
                                   dns.name.root, relativize=False)
               for v in vals]
        out[(n, t)] = (ttl, rds)
    return out


def named_zone(port):
    """named's zone by AXFR as {(name, type): (ttl, [rdata])}."""
    z = dns.zone.from_xfr(dns.query.xfr("127.0.0.1", ZONE, port=port,
                                        timeout=10, lifetime=20,
                                        relativize=False),
                          relativize=False)
    out = {}
    for name, node in z.nodes.items():
        for rds in node.rdatasets:
            out[(name.canonicalize(), rds.rdtype)] = (rds.ttl, list(rds))
    return out


def flat(zone):
    """Set of (name, type, ttl, canonical rdata) for comparing zones."""
    s = set()
    for (n, t), (ttl, rds) in zone.items():
        for rd in rds:
            s.add((n, t, ttl, rd_key(rd)))
    return s


def show(zone, keys):
    out = []
    for (n, t), (ttl, rds) in sorted(zone.items(), key=lambda x: (
            x[0][0].to_text(), x[0][1])):
        for rd in rds:
            if (n, t, ttl, rd_key(rd)) in keys:
                out.append("  %s %d %s %s" % (n, ttl,
                                               dns.rdatatype.to_text(t),
                                               rd.to_text()))
    return "\n".join(out) or "  (none)"


def zone_diff(a, b):
    """Text of what differs between two zones, or None."""
    fa, fb = flat(a), flat(b)
    if fa == fb:
        return None
    return ("only in named:\n%s\nonly in r53d (Route 53):\n%s"
            % (show(a, fa - fb), show(b, fb - fa)))


def outcomes(log):
    """Tally of r53d's one-line UPDATE summaries: what the messages
    exercised (changes made, quiet refusals, post-update checks)."""
    kinds = {}
    for line in log.splitlines():
        m = re.search(r" zone example\.com: ([A-Z]+): (.*?)(, change \w+)?"
                      r" \(\d+ ms\)$", line)
        if not m:
            continue
        rc, what = m.group(1), m.group(2)
        if rc != "NOERROR":
            what = what.split(": ", 1)[-1]
        for item in what.split("; "):
            raw = item
            item = re.sub(r"\S*example\.(com|net|org)\.?\S*", "N", item)
            item = re.sub(r"\d+", "9", item)
            if rc == "NOERROR" and not item.startswith(("ignored",
                                                        "no change")):
                w = item.split()
                typ = [t for t in w[1:] if t.isalpha() and t.isupper() and
                       t != "N"]
                item = " ".join(w[:1] + typ[:1])
                if "already present" in raw:
                    item += " (already present)"
                elif "RRset TTL" in raw:
                    item += " (new TTL)"
            key = "%s %s" % (rc, item[:70])
            kinds[key] = kinds.get(key, 0) + 1
    return "\n".join("%5d  %s" % (n, k) for k, n in
                     sorted(kinds.items(), key=lambda x: -x[1]))


# ---- named -----------------------------------------------------------

class Named:
    """BIND named in the foreground on a loopback port, with a zone file
    written from the given RRsets.  Stopped by close(); `timeout` stops
    it by itself after max_runtime seconds."""

    def __init__(self, zone, max_runtime=600):
        self.tmp = tempfile.mkdtemp(prefix="r53d-named-")
        self.port = T.free_port()
        with open(os.path.join(self.tmp, "example.com.db"), "w") as f:
            f.write("$ORIGIN %s\n" % ZONE)
            for (n, t), (ttl, rds) in sorted(zone.items(),
                                             key=lambda x: -x[0][1]):
                for rd in rds:
                    f.write("%s %d IN %s %s\n" % (
                        n, ttl, dns.rdatatype.to_text(t), rd.to_text()))
        allow = " ".join("key \"%s\";" % n for n, _ in T.KEYS.values())
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
	notify no;
	allow-query { 127.0.0.1; };
	allow-transfer { 127.0.0.1; };
	check-names primary ignore;
};
controls { };
%(keys)s
zone "example.com" {
	type primary;
	file "example.com.db";
	allow-update { %(allow)s };
};
""" % {"d": self.tmp, "p": self.port, "keys": T.keys_conf(),
       "allow": allow}
        self.conf = os.path.join(self.tmp, "named.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        cmd = ["timeout", "-s", "KILL", str(max_runtime), NAMED, "-g",
               "-n", "1", "-c", self.conf]
        if os.getuid() == 0:
            # named needs no privilege here; drop root anyway.
            os.chmod(self.tmp, 0o777)
            for fn in os.listdir(self.tmp):
                os.chmod(os.path.join(self.tmp, fn), 0o666)
            cmd[cmd.index("-g"):cmd.index("-g")] = ["-u", "nobody"]
        self.logpath = os.path.join(self.tmp, "named.log")
        self.log = open(self.logpath, "w")
        # Its own process group: close() stops timeout and named alike.
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     cwd=self.tmp, start_new_session=True)
        end = time.time() + 20
        while time.time() < end:
            if self.proc.poll() is not None:
                break
            q = dns.message.make_query(ZONE, "SOA")
            try:
                r = dns.query.udp(q, "127.0.0.1", port=self.port,
                                  timeout=0.3)
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    return
            except (dns.exception.Timeout, OSError):
                time.sleep(0.1)
        log = self.logtext()
        self.close()
        raise RuntimeError("named did not load the zone:\n" + log)

    def logtext(self):
        self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def close(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(10)
                break
            except subprocess.TimeoutExpired:
                pass
        self.proc.wait()
        self.log.close()


# ---- the generator -----------------------------------------------------

H64 = "e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d"
H40 = "a2bd52d5be8e3ab6c6e4f1fa24fb61cc0ef4ddb5"

VALUES = {
    "A": ["192.0.2.1", "192.0.2.2", "192.0.2.3", "198.51.100.7"],
    "AAAA": ["2001:db8::1", "2001:db8::2", "2001:db8:0:0:1::53",
             "2001:DB8::2", "::ffff:192.0.2.1"],
    "CAA": ['0 issue "ca.example.net"', '0 issuewild ";"',
            '128 iodef "mailto:sec@example.com"', '0 issue "Ca.Example.net"'],
    "CNAME": ["target.example.com.", "www.example.net.", "Host.Example.com.",
              "host.example.com."],
    "DS": ["12345 13 2 " + H64, "2371 8 1 " + H40, "7 8 2 " + H64.upper()],
    "HTTPS": ["1 . alpn=h2,h3", "0 www.example.net.",
              "1 . alpn=h3 port=8443 ipv4hint=192.0.2.9"],
    "MX": ["10 mail.example.com.", "20 mx.example.net.", "0 .",
           "10 nohost.example.com.", "5 Mail.Example.COM.",
           "30 alias.example.com."],
    "NAPTR": ['100 50 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .',
              '10 0 "s" "SIP+D2U" "" _sip._udp.example.com.',
              '100 10 "U" "E2U+email" "!^.*$!mailto:a\\\\b@example.com!" .'],
    "PTR": ["host.example.com.", "other.example.org.", "HOST.example.com."],
    "SPF": ['"v=spf1 -all"', '"v=spf1 ip4:192.0.2.0/24 -all"'],
    "SRV": ["10 5 5060 sip.example.com.", "0 0 0 .",
            "20 0 443 host.example.net."],
    "SSHFP": ["1 1 " + H40, "4 2 " + H64],
    "SVCB": ["1 svc.example.net. alpn=h2 port=8443", "0 alias.example.net.",
             "2 . ipv4hint=192.0.2.7,192.0.2.8",
             "1 . mandatory=alpn alpn=h2,h3 no-default-alpn",
             "3 svc.example.net. key667=hello ipv6hint=2001:db8::5"],
    "TLSA": ["3 1 1 " + H64, "2 0 1 " + H64],
    "TXT": ['"hello"', '"semi;colon" "back\\\\slash"',
            '"two" "strings"', '"quote\\"back\\\\slash"',
            '"tab\\009x"', '"caf\\195\\169 \\255"', '"Mixed Case"',
            '"mixed case"', '""', '"' + "x" * 255 + '"'],
}
# Types for ordinary names (SOA, NS and DS have their own places).
PLAIN = [t for t in VALUES if t not in ("DS",)]
TTLS = [300, 300, 300, 600, 3600, 60, 0, 86400]
NAMES = ["www", "mail", "host", "alias", "a", "b.c", "_sip._tcp", "txt",
         "*.wild", "x.deep.y", "WWW", "Mail", "ns1", "ns2", "_acme-challenge"]
# Empty non-terminals while x.deep.y, b.c and *.wild hold data.
ENTS = ["y", "deep.y", "c", "wild"]
DELEG = ["sub1", "sub2"]
GLUE = ["ns.sub1", "ns.sub2"]
APEX_NS = ["ns1.example.com.", "ns2.example.com.", "ns.example.net.",
           "ns.wild.example.com.", "ns.sub1.example.com.", "y.example.com.",
           "Ns1.Example.Com."]


def absname(rel):
    if rel == "@":
        return ORIGIN
    return dns.name.from_text(rel, ORIGIN)


def mkrd(typ, text):
    return dns.rdata.from_text(IN, dns.rdatatype.from_text(typ), text,
                               dns.name.root, relativize=False)


def rrset(name, rdtype, ttl=0, rds=(), deleting=None):
    """One RRset of its own in a section: kept apart from its neighbours
    so that order and duplicates reach the wire as generated."""
    if isinstance(rdtype, str):
        rdtype = dns.rdatatype.from_text(rdtype)
    s = dns.rrset.RRset(name, IN, rdtype, deleting=deleting)
    s.ttl = ttl
    for rd in rds:
        s.add(rd, ttl)
    return s


def add(name, rdtype, ttl, rds):
    """An RR to add, with owner and RDATA names in lower case: the letter
    case of data is not compared (see the top of this file)."""
    if isinstance(rdtype, str):
        rdtype = dns.rdatatype.from_text(rdtype)
    low = []
    for rd in rds:
        w = rd.to_digestable(dns.name.root)
        low.append(dns.rdata.from_wire(IN, rdtype, w, 0, len(w)))
    return rrset(name.canonicalize(), rdtype, ttl, low)


NAME_FIELDS = {"CNAME": ["target"], "NS": ["target"], "PTR": ["target"],
               "MX": ["exchange"], "SRV": ["target"],
               "NAPTR": ["replacement"], "SOA": ["mname", "rname"]}


def shout(rd):
    """rd with its owner-independent names in upper case."""
    up = {f: dns.name.from_text(getattr(rd, f).to_text().upper())
          for f in NAME_FIELDS.get(dns.rdatatype.to_text(rd.rdtype), [])}
    return rd.replace(**up) if up else rd


def quiet(s):
    """A copy of section RRset s with owner and RDATA names in lower
    case.  Raw RDATA and other classes (malformed RRs) stay as they are."""
    if s.rdclass != IN or any(isinstance(rd, dns.rdata.GenericRdata)
                              for rd in s):
        return s
    out = rrset(s.name.canonicalize(), s.rdtype, s.ttl, deleting=s.deleting)
    for rd in s:
        w = rd.to_digestable(dns.name.root)
        out.add(dns.rdata.from_wire(IN, s.rdtype, w, 0, len(w)), s.ttl)
    return out


def shout_name(name):
    return dns.name.from_text(name.to_text().upper())


class Generator:
    """Seeded UPDATE messages.  Choices look at the zone as named holds
    it (snap), so prerequisites and deletes hit existing data often."""

    def __init__(self, seed, apex_ns, soa):
        self.r = random.Random(seed)
        self.apex_ns = list(apex_ns)
        self.soa = soa
        self.snap = {}

    # -- helpers --
    def pick(self, seq):
        return self.r.choice(list(seq))

    def existing(self, pred=lambda n, t: True):
        keys = [k for k in sorted(self.snap, key=lambda k: (k[0].to_text(),
                                                            k[1]))
                if pred(*k)]
        return self.pick(keys) if keys else None

    def serial(self):
        for (n, t), (_, rds) in self.snap.items():
            if t == dns.rdatatype.SOA:
                return rds[0].serial
        return 1

    def any_name(self):
        x = self.r.random()
        if x < 0.06:
            return "@"
        if x < 0.12:
            return self.pick(GLUE)
        if x < 0.17:
            return self.pick(ENTS)
        return self.pick(NAMES)

    def value(self, typ):
        if typ == "SOA":
            return self.soa
        if typ == "NS":
            return mkrd(typ, self.pick(APEX_NS + ["ns1.example.net."]))
        return mkrd(typ, self.pick(VALUES[typ]))

    # -- update section --
    def op_add(self):
        rel = self.any_name()
        typ = self.pick(PLAIN)
        if rel in GLUE:
            typ = self.pick(["A", "AAAA", "A", "TXT"])
        n = self.r.randint(1, 2) if self.r.random() < 0.2 else 1
        rds = [self.value(typ) for _ in range(n)]
        return [add(absname(rel), typ, self.pick(TTLS), [rd])
                for rd in rds]

    def op_readd(self):
        k = self.existing(lambda n, t: t != dns.rdatatype.SOA)
        if k is None:
            return self.op_add()
        ttl, rds = self.snap[k]
        if self.r.random() < 0.5:
            ttl = self.pick(TTLS)
        name = k[0]
        return [add(name, k[1], ttl, [self.pick(rds)])]

    def op_dup(self):
        s = self.op_add()[0]
        return [s, s.copy()]

    def op_del_rr(self):
        k = self.existing(lambda n, t: True)
        if k is None or self.r.random() < 0.3:
            rel = self.any_name()
            typ = self.pick(PLAIN)
            return [rrset(absname(rel), typ, 0, [self.value(typ)],
                          deleting=NONE)]
        name, rd = k[0], self.pick(self.snap[k][1])
        if self.r.random() < 0.3:
            # Letter case differs from the stored RR.
            name, rd = shout_name(name), shout(rd)
        return [rrset(name, k[1], 0, [rd], deleting=NONE)]

    def op_del_rrset(self):
        k = self.existing(lambda n, t: True)
        if k is None or self.r.random() < 0.3:
            k = (absname(self.any_name()),
                 dns.rdatatype.from_text(self.pick(PLAIN + ["NS", "SOA"])))
        return [rrset(k[0], k[1], 0, deleting=ANY)]

    def op_del_name(self):
        if self.r.random() < 0.1:
            name = ORIGIN
        else:
            k = self.existing(lambda n, t: n != ORIGIN)
            name = k[0] if k and self.r.random() < 0.7 else \
                absname(self.any_name())
        return [rrset(name, dns.rdatatype.ANY, 0, deleting=ANY)]

    def op_cname(self):
        """CNAME where other data is, or other data where a CNAME is."""
        k = self.existing(lambda n, t: n != ORIGIN)
        if k is None:
            return self.op_add()
        name = k[0]
        if k[1] == dns.rdatatype.CNAME:
            typ = self.pick([t for t in PLAIN if t != "CNAME"])
        elif self.r.random() < 0.8:
            typ = "CNAME"
        else:
            typ = self.pick(PLAIN)
        return [add(name, typ, self.pick(TTLS), [self.value(typ)])]

    def op_soa(self):
        cur = None
        for (n, t), (ttl, rds) in self.snap.items():
            if t == dns.rdatatype.SOA:
                cur = (ttl, rds[0])
        if cur is None:
            return []
        ttl, soa = cur
        x = self.r.random()
        if x < 0.15:
            return [rrset(ORIGIN, "SOA", 0, deleting=ANY)]
        if x < 0.25:
            return [rrset(ORIGIN, "SOA", 0, [soa], deleting=NONE)]
        if x < 0.3:
            # An SOA somewhere else than the apex.
            return [add(absname(self.pick(NAMES)), "SOA", ttl, [soa])]
        # Up, equal, down, the largest step up, and to the serials
        # either side of the wrap (the next increment after 0xffffffff).
        delta = self.pick([1, 1, 1, 2, 100, 0, 0xffffffff, 0x7fffffff,
                           -soa.serial - 1, -soa.serial])
        serial = (soa.serial + delta) & 0xffffffff
        mname = self.pick([self.soa.mname, self.soa.mname,
                           dns.name.from_text("ns1.example.com.")])
        rname = self.pick([self.soa.rname, self.soa.rname,
                           dns.name.from_text("hostmaster.example.com.")])
        new = soa.replace(serial=serial, mname=mname, rname=rname,
                          refresh=self.pick([soa.refresh, 3600, 7200]),
                          minimum=self.pick([soa.minimum, 300, 86400]))
        if self.r.random() < 0.3:
            ttl = self.pick([300, 900, 3600])
        return [add(ORIGIN, "SOA", ttl, [new])]

    def op_apex_ns(self):
        x = self.r.random()
        cur = self.snap.get((ORIGIN, dns.rdatatype.NS), (172800, []))
        if x < 0.35:
            ns = self.pick(APEX_NS + self.apex_ns)
            ttl = self.pick([cur[0], cur[0], 3600])
            return [add(ORIGIN, "NS", ttl, [mkrd("NS", ns)])]
        if x < 0.7 and cur[1]:
            return [rrset(ORIGIN, "NS", 0, [self.pick(cur[1])],
                          deleting=NONE)]
        if x < 0.8:
            return [rrset(ORIGIN, "NS", 0, deleting=ANY)]
        # Addresses for the in-zone name servers, or take them away.
        rel = self.pick(["ns1", "ns2"])
        if self.r.random() < 0.6:
            return [add(absname(rel), "A", 300, [self.value("A")])]
        return [rrset(absname(rel), self.pick(["A", "AAAA", "ANY"]), 0,
                      deleting=ANY)]

    def op_deleg(self):
        rel = self.pick(DELEG)
        x = self.r.random()
        if x < 0.35:
            ns = self.pick(["ns.%s.example.com." % rel, "ns1.example.net.",
                            "ns2.example.net."])
            return [add(absname(rel), "NS", 3600, [mkrd("NS", ns)])]
        if x < 0.7:
            # DS only where the zone has a delegation: see the top of
            # this file.  An earlier RR of the same message may still
            # remove the NS, which orphans the DS on both sides.
            ds = add(absname(rel), "DS", 3600, [self.value("DS")])
            if (absname(rel), dns.rdatatype.NS) not in self.snap:
                # A new delegation and its DS, last in the message so
                # that nothing after them can take the NS away again.
                self.tail += [add(absname(rel), "NS", 3600,
                                  [mkrd("NS", "ns1.example.net.")]), ds]
                return []
            return [ds]
        if x < 0.8:
            return [add(ORIGIN, "DS", 3600, [self.value("DS")])]
        if x < 0.9:
            return [rrset(absname(rel), "NS", 0, deleting=ANY)]
        return [add(absname(self.pick(GLUE)), "A", 3600,
                      [self.value("A")])]

    def op_mx_target(self):
        """MX pointing inside the zone, with or without an address."""
        rel = self.pick(["@", "www", "mail", "host"])
        v = self.pick(["10 mail.example.com.", "10 nohost.example.com.",
                       "10 alias.example.com.", "10 www.example.com.",
                       "10 x.wild.example.com.", "10 deep.example.com.",
                       "10 y.example.com.", "10 host.sub1.example.com.",
                       "10 ns1.example.com."])
        return [add(absname(rel), "MX", 300, [mkrd("MX", v)])]

    def op_odd(self):
        """Adds BIND ignores or treats specially: NS or CNAME where they
        cannot be, SOA away from the apex, the largest TTL."""
        x = self.r.random()
        if x < 0.3:
            return [add(absname("*.wild"), "NS", 300,
                        [mkrd("NS", "ns1.example.net.")])]
        if x < 0.5:
            return [add(ORIGIN, "CNAME", 300,
                        [mkrd("CNAME", "www.example.net.")])]
        if x < 0.7:
            typ = self.pick(PLAIN)
            return [add(absname(self.pick(NAMES)), typ, 2147483647,
                        [self.value(typ)])]
        return [add(absname(self.pick(ENTS)), "TXT", 300,
                    [self.value("TXT")])]

    def op_malformed(self):
        """An update RR of a form RFC 2136 3.4.1.2 refuses (FORMERR), or
        RDATA that does not parse; the RRs before it must not stay."""
        name = absname(self.pick(NAMES[:5]))
        x = self.r.random()
        if x < 0.2:     # meta type added
            return [rrset(name, dns.rdatatype.ANY, 300)]
        if x < 0.35:    # class ANY with RDATA
            return [rrset(name, "A", 0, [mkrd("A", "192.0.2.1")],
                          deleting=ANY)]
        if x < 0.5:     # class NONE with a TTL
            return [rrset(name, "A", 300, [mkrd("A", "192.0.2.1")],
                          deleting=NONE)]
        if x < 0.65:    # class NONE, meta type
            return [rrset(name, dns.rdatatype.AXFR, 0, deleting=NONE)]
        if x < 0.8:     # a class that is neither the zone's, ANY nor NONE
            s = dns.rrset.RRset(name, dns.rdataclass.CH, dns.rdatatype.A)
            s.add(dns.rdata.GenericRdata(dns.rdataclass.CH,
                                         dns.rdatatype.A, b"\0\1"), 300)
            return [s]
        # RDATA too short for its type
        typ = self.pick(["A", "AAAA", "MX", "SOA", "CAA", "SSHFP"])
        rd = dns.rdata.GenericRdata(IN, dns.rdatatype.from_text(typ), b"\1")
        return [rrset(name, typ, 300, [rd])]

    OPS = [(op_add, 30), (op_readd, 10), (op_dup, 4), (op_del_rr, 12),
           (op_del_rrset, 9), (op_del_name, 5), (op_cname, 8), (op_soa, 7),
           (op_apex_ns, 8), (op_deleg, 8), (op_mx_target, 4), (op_odd, 3),
           (op_malformed, 1)]

    DELETES = (op_del_rr, op_del_rrset, op_del_name)

    # -- prerequisite section --
    def prereq(self):
        x = self.r.random()
        k = self.existing()
        if k is None or self.r.random() < 0.3:
            k = (absname(self.any_name()),
                 dns.rdatatype.from_text(self.pick(PLAIN)))
        name, typ = k
        if x < 0.2:
            return rrset(name, dns.rdatatype.ANY, 0, deleting=ANY)
        if x < 0.35:
            return rrset(name, dns.rdatatype.ANY, 0, deleting=NONE)
        if x < 0.55:
            return rrset(name, typ, 0, deleting=ANY)
        if x < 0.7:
            return rrset(name, typ, 0, deleting=NONE)
        # Value dependent: the whole RRset, part of it, more, or a
        # duplicate.
        rds = list(self.snap.get(k, (0, []))[1])
        y = self.r.random()
        if not rds or y < 0.15:
            rds.append(self.value(dns.rdatatype.to_text(typ)))
        elif y < 0.25 and len(rds) > 1:
            rds = rds[1:]
        elif y < 0.5:
            name, rds = shout_name(name), [shout(rd) for rd in rds]
        s = rrset(name, typ, 0, rds)
        if y > 0.92 and rds:
            return [s, rrset(name, typ, 0, rds[:1])]
        return s

    def message(self, keyring, keyname, alg):
        m = dns.update.UpdateMessage(ZONE, keyring=keyring, keyname=keyname,
                                     keyalgorithm=alg)
        r = self.r
        if r.random() < 0.35:
            for _ in range(r.randint(1, 2)):
                p = self.prereq()
                m.prerequisite.extend(p if isinstance(p, list) else [p])
        x = r.random()
        if x < 0.015:
            # A prerequisite with a TTL: FORMERR.
            k = self.existing()
            if k:
                m.prerequisite.append(rrset(k[0], k[1], 300,
                                            self.snap[k][1]))
        elif x < 0.04:
            # The zone section: another zone, a name inside the zone
            # that is not a zone, a type other than SOA.
            y = r.random()
            if y < 0.35:
                z = dns.name.from_text(self.pick(["example.org.",
                                                  "sub1.example.com.",
                                                  "com."]))
                m.zone[0] = dns.rrset.RRset(z, IN, dns.rdatatype.SOA)
            elif y < 0.7:
                m.zone[0] = dns.rrset.RRset(ORIGIN, IN, dns.rdatatype.A)
            else:
                m.zone.append(dns.rrset.RRset(ORIGIN, IN,
                                              dns.rdatatype.SOA))
        elif x < 0.055:
            # Outside the zone: NOTZONE.
            out = dns.name.from_text("www.example.org.")
            sec = m.prerequisite if r.random() < 0.5 else m.update
            sec.append(rrset(out, "A", 0 if sec is m.prerequisite else 300,
                             [mkrd("A", "192.0.2.1")]))
        # Mixed letter case only in messages that add nothing: dnspython
        # compresses names case-insensitively, so one upper-case name
        # anywhere in a message can give a later owner or RDATA name
        # its case on the wire (see the top of this file).
        loud = r.random() < 0.25
        ops, weights = zip(*[(f, w) for f, w in self.OPS
                             if not loud or f in self.DELETES])
        self.tail = []
        for _ in range(r.choice([0, 1, 1, 1, 2, 2, 3, 4, 6])):
            m.update.extend(r.choices(ops, weights)[0](self))
        m.update.extend(self.tail)
        if not loud:
            for sec in (m.prerequisite, m.update):
                sec[:] = [quiet(x) for x in sec]
        return m


# ---- the test --------------------------------------------------------

class BindReference(unittest.TestCase):
    def setUp(self):
        self.emu = self.d = self.named = None
        self.emu, self.d, self.port = T.start_pair(("example.com",))
        self.addCleanup(self.stop)
        self.start_zone = emu_zone(self.emu)
        count = int(os.environ.get("R53D_BINDREF_COUNT", DEFAULT_COUNT))
        self.named = Named(self.start_zone, max_runtime=max(600, count))

    def stop(self):
        if self.named:
            self.named.close()
            if not self.failed:
                shutil.rmtree(self.named.tmp, ignore_errors=True)
        if self.d:
            self.d.close()
        if self.emu:
            self.emu.close()

    failed = False

    def send(self, m, port):
        """The rcode of the answer to m over TCP.  The answer's TSIG, if
        any, is checked whenever dnspython can parse the answer (it
        cannot when the zone section is not one SOA question)."""
        wire = m.to_wire()
        try:
            with socket.create_connection(("127.0.0.1", port),
                                          timeout=15) as c:
                c.sendall(struct.pack("!H", len(wire)) + wire)
                f = c.makefile("rb")
                n = f.read(2)
                data = f.read(struct.unpack("!H", n)[0]) if len(n) == 2 \
                    else b""
        except socket.timeout:
            return "TIMEOUT"
        if len(data) < 12 or data[:2] != wire[:2]:
            return "NO ANSWER"
        try:
            # Raises if the answer's TSIG does not verify.  Answers to
            # messages that do not parse come unsigned from both.
            dns.message.from_wire(data, keyring=m.keyring,
                                  request_mac=m.mac)
        except dns.exception.FormError:
            pass
        return dns.rcode.to_text(data[3] & 0x0f)

    def test_same_as_bind(self):
        seed = int(os.environ.get("R53D_SEED", DEFAULT_SEED))
        count = int(os.environ.get("R53D_BINDREF_COUNT", DEFAULT_COUNT))
        print("\nseed %d, %d messages" % (seed, count))
        diff = zone_diff(named_zone(self.named.port), self.start_zone)
        self.assertIsNone(diff, "named does not start with the emulator's "
                          "zone:\n%s" % diff)
        soa = [rds[0] for (n, t), (_, rds) in self.start_zone.items()
               if t == dns.rdatatype.SOA][0]
        ns = [rd.target.to_text() for rd in
              self.start_zone[(ORIGIN, dns.rdatatype.NS)][1]]
        g = Generator(seed, ns, soa)
        g.snap = self.start_zone
        algs = list(T.KEYS)
        mismatches = []
        tally = {}
        logpos = len(self.d.logtext())
        t0 = time.time()
        for i in range(count):
            alg = algs[i % len(algs)]
            kname, secret = T.KEYS[alg]
            kr = dns.tsigkeyring.from_text({kname: (T.DNSPY_ALG[alg],
                                                    secret)})
            m = g.message(kr, dns.name.from_text(kname), T.DNSPY_ALG[alg])
            rb = self.send(m, self.named.port)
            rr = self.send(m, self.port)
            tally[rb] = tally.get(rb, 0) + 1
            log = self.d.logtext()
            said = log[logpos:].strip()
            logpos = len(log)
            if rb != rr:
                mismatches.append("message %d: named %s, r53d %s\n%s\n"
                                  "r53d: %s"
                                  % (i, rb, rr, m.to_text(), said))
                print(mismatches[-1])
            zb = named_zone(self.named.port)
            ze = emu_zone(self.emu)
            diff = zone_diff(zb, ze)
            if diff is not None:
                self.failed = True
                self.fail("zones differ after message %d (named %s, r53d "
                          "%s):\n%s\nr53d: %s\n%s\n%d rcode mismatches "
                          "before"
                          % (i, rb, rr, m.to_text(), said, diff,
                             len(mismatches) - (rb != rr)))
            g.snap = zb
        dt = time.time() - t0
        print("%d messages in %.1f s; named rcodes %s; final zone %d RRs"
              % (count, dt, tally, len(flat(g.snap))))
        print("what r53d did (from its log):\n" +
              outcomes(self.d.logtext()))
        if mismatches:
            self.failed = True
        self.assertEqual(mismatches, [], "%d rcode mismatches"
                         % len(mismatches))


if __name__ == "__main__":
    T.Results.main()
