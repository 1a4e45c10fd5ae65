"""Primary DNS servers for r53d's secondary tests.

Each class here starts a real primary server from Debian 12 (or, for
Garbage, a scripted one written in Python) holding one zone, and drives
it: changes the zone one increment at a time, asks it for its serial and
its zone, stops and starts it again.  r53d, as a secondary, is told of
changes by NOTIFY and fetches them by IXFR or AXFR over TCP with TSIG.

    p = Bind(zone="example.com.", records=[("www", 300, "A", "192.0.2.1")],
             key=("xfr-key", "hmac-sha256", SECRET),
             notify=[("127.0.0.1", r53d_port)], serial=2026120201)
    p.port                      # UDP and TCP on 127.0.0.1
    p.serial()                  # the SOA serial, asked over DNS
    p.axfr()                    # the zone, by AXFR signed with the key
    p.expected()                # the zone as this module believes it is
    p.change(add=[...], delete=[...])   # one increment: the new serial
    p.ixfr(old_serial)          # what the server answers to an IXFR
    p.notify()                  # make the server send NOTIFY again
    p.stop(); p.start()         # down and up: same port, same data
    p.close()

Records are (owner, ttl, type, rdata) tuples in zone-file text; owners
are absolute or relative to the zone ("@" is the apex).  Zones as sets
(axfr(), expected(), transfer results) hold canonical tuples: owner
absolute in lower case, ttl an int, type as text, rdata as dnspython
writes it after RFC 4034 canonicalisation (absolute names, lower case
where that RFC says).  compare_zone() compares two such sets.

When records hold no SOA, one is made: "ns1.ZONE hostmaster.ZONE SERIAL
3600 600 86400 300" (timers from soa_timers).  When they hold no NS at
the apex, "@ NS ns1.ZONE" and "ns1.ZONE A 127.0.0.1" are added (servers
want an address for an in-zone name server).  p.added lists what was
added.  change() raises the serial by one (or sets serial=N, which must
be greater in serial arithmetic) and never takes SOA records itself;
it refuses to delete what is not there, to add what is, and to give
two TTLs to one RRset, so that the model stays exact.

Every server listens only on 127.0.0.1 on a port free_port() chose,
runs in the foreground from its own temporary directory (configuration,
zone file or database, journal, control socket or port, pid file, log:
nothing of the system's /etc or /var), runs as root without dropping
privileges (so that it still gets the parent-death signal), in its own
process group.  It stops when the test process dies: the death signal
(die_with_parent) and a watchdog shell that kills the group when the
test process is gone or after max_runtime seconds.  close() stops the
group, waits, and removes the directory (keep=True keeps it).  stop()
and start() keep the directory and port.  p.logtext() is the server's
output followed by the output of the tools that changed it.

How each server is set up and changed (versions in Debian 12):

  Bind (named 9.18): a dynamic zone: `allow-update { key local-update; }`
    with a key of its own, `ixfr-from-differences yes`, the zone checks
    off (check-names, check-integrity, check-mx ...: it takes what Route
    53 would), `notify
    explicit`, `notify-delay 0`, `also-notify` to every target (with
    `key xfr-key` when notify_key), `allow-transfer { key xfr-key; }`
    (or 127.0.0.1 without a key), `max-ixfr-ratio unlimited`, rndc on a
    loopback port with its own key, `named -g -4 -n 1`.  change() sends
    one UPDATE with nsupdate (deletes, adds, and the new SOA), so the
    increment is one journal entry; when the UPDATE would not fit in
    one DNS message (over 60,000 bytes) or via="file", it runs `rndc
    freeze`, rewrites the zone file and runs `rndc thaw`, and named
    writes the differences to the journal.  Serves IXFR from the
    journal.
  Knot (knotd 3.2): `journal-content: changes`, `zonefile-load:
    difference`, `zonefile-sync: 0`, `journal-max-depth: 1000`, an ACL
    with the key for `action: transfer`, one remote per notify target
    (with the key when notify_key), control socket in the directory,
    `knotd -c CONF`.  change() feeds knotc (on its standard input)
    zone-begin, zone-unset / zone-set per record and for the SOA, checks
    every answer, then runs zone-commit (zone-abort on an error); for
    more than 500 records or via="file" it flushes the zone, rewrites
    the zone file with the new serial and runs `knotc zone-reload`:
    Knot computes the difference and journals it.  knotc costs about
    3 ms per record (2,600 records: 9 s), the file way 0.5 s.  Serves
    IXFR from the journal.  Knot 3.2 sends NOTIFY over TCP only (with
    EDNS), never UDP: a target must accept NOTIFY on TCP.
  Nsd (nsd 4.6): zone file, `notify: 127.0.0.1@PORT xfr-key|NOKEY`,
    `provide-xfr: 127.0.0.1 xfr-key` (or NOKEY), no database
    (`database: ""`), `username: ""` (stays root), nsd-control over TLS
    on a loopback port with keys made by `nsd-control-setup -d DIR`
    (about 1.5 s of start-up), `nsd -d -c CONF`.  change() rewrites the
    zone file (a newer mtime) and runs `nsd-control reload ZONE`.
    NSD 4.6 keeps no IXFR history: an IXFR for an older serial is
    answered with the whole zone AXFR-style (SOA, every record, SOA);
    over UDP with the whole zone too when it fits.  supports_ixfr is
    False.  It sends NOTIFY after each reload and retries until
    answered.
  PowerDNS (pdns_server 4.7, gsqlite3): a SQLite database made from the
    schema Debian ships (/usr/share/pdns-backend-sqlite3/schema/), the
    zone loaded with `pdnsutil load-zone`, kind primary, the key
    imported and `activate-tsig-key ZONE KEY primary` (metadata
    TSIG-ALLOW-AXFR; allow-axfr-ips is left empty so that unsigned
    transfers are refused), `primary=yes`, `also-notify` to the targets,
    `only-notify=` empty (no NOTIFY to the NS addresses), no caches
    (cache-ttl=0 ...), no security polling, control socket in the
    directory, `pdns_server --config-dir=DIR --guardian=no
    --daemon=no`.  change() runs pdnsutil replace-rrset / delete-rrset
    per RRset touched and replace-rrset for the SOA, then `pdns_control
    notify ZONE`; for more than 20 RRsets or via="file" it rewrites a
    zone file and runs `pdnsutil load-zone` (one database transaction;
    kind and metadata stay), then notifies.  The pdnsutil way is not
    atomic: a transfer during change() may see part of the change under
    the old serial.  PowerDNS 4.7 keeps no IXFR history (its IXFR-out
    answers "IXFR fallback to AXFR" for any older serial, whatever the
    backend): the whole zone AXFR-style, whose first message holds the
    SOA alone (a client must not take that message for "up to date":
    its serial is newer and more messages follow).  IXFR over UDP:
    REFUSED.  supports_ixfr is False.  Its NOTIFY carries no SOA and is
    always signed with the zone's TSIG-ALLOW-AXFR key (notify_key makes
    no difference); it may send another when its primary check (every
    xfr-cycle-interval, 60 s) sees the new serial.
  Garbage: a Python server on loopback (UDP and TCP) holding a zone and
    its history.  It answers SOA and other queries correctly, and
    transfers by the behaviours queued with g.script(...), one per
    transfer, then correctly ("good": IXFR from its history, AXFR-style
    when the serial is unknown).  See Garbage.  It sends NOTIFY only
    when asked (g.notify()).

What they send, as found with the versions in Debian 12 (key given):

              NOTIFY                  IXFR from an older  IXFR over  unsigned
                                      serial              UDP        AXFR/IXFR
  Bind 9.18   UDP, SOA, signed when   the increments      SOA alone  REFUSED
              notify_key              (AXFR-style when
                                      not in the journal)
  Knot 3.2    TCP, SOA, signed when   the increments      SOA alone  NOTAUTH
              notify_key              (same)
  NSD 4.6     UDP, SOA, signed when   AXFR-style          the zone   REFUSED
              notify_key
  PowerDNS    UDP, no SOA, always     AXFR-style          REFUSED    NOTAUTH
  4.7         signed
  Garbage     notify(): UDP, SOA      as scripted         SOA alone  REFUSED

All answer an IXFR from their current or a newer serial with their SOA
alone, send NOTIFY when they load the zone at start (Knot only if it had
not sent it for that serial) as well as after changes, sign every
transfer message they send with the key the request was signed with,
and refuse a request signed with a wrong secret.  Tests should clear
what a NotifySink saw before a change.

Servers are started from the thread that lives longest (the main one):
the parent-death signal follows the thread that started the process.

Helpers: send_notify(), transfer() (AXFR or IXFR with every TSIG
checked, returning a Transfer: kind "axfr", "ixfr" or "current"),
query_serial(), compare_zone(), canon(), NotifySink (a UDP and TCP
NOTIFY receiver that answers and records).
"""
import base64
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from r53dtest import die_with_parent, free_port  # noqa: E402

import dns.exception  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.rrset  # noqa: E402
import dns.serial  # noqa: E402
import dns.tsig  # noqa: E402
import dns.update  # noqa: E402
import dns.zone  # noqa: E402

HOST = "127.0.0.1"
IN = dns.rdataclass.IN
MAX_RUNTIME = 1800          # seconds; a server started here stops by then
DEFAULT_SERIAL = 2026120201
SOA_TIMERS = (3600, 600, 86400, 300)

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

# dnspython's names of the TSIG algorithms.
_ALG = {
    "hmac-md5": "hmac-md5.sig-alg.reg.int.",
    "hmac-sha1": "hmac-sha1.",
    "hmac-sha224": "hmac-sha224.",
    "hmac-sha256": "hmac-sha256.",
    "hmac-sha384": "hmac-sha384.",
    "hmac-sha512": "hmac-sha512.",
}


class XfrError(Exception):
    """A zone transfer that failed: an error rcode, a broken stream, a
    missing or bad TSIG, a malformed sequence of records."""

    def __init__(self, text, rcode=None):
        Exception.__init__(self, text)
        self.rcode = rcode


# ---- records ---------------------------------------------------------

def _origin(zone):
    return dns.name.from_text(zone).canonicalize()


def canon(rec, origin):
    """One record (owner, ttl, type, rdata text) as a canonical tuple."""
    owner, ttl, rtype, text = rec
    if isinstance(origin, str):
        origin = _origin(origin)
    if isinstance(owner, dns.name.Name):
        name = owner
    else:
        name = dns.name.from_text(owner, origin)
    t = dns.rdatatype.from_text(rtype) if isinstance(rtype, str) else rtype
    if isinstance(text, dns.rdata.Rdata):
        rd = text
    else:
        rd = dns.rdata.from_text(IN, t, text, origin=origin, relativize=False)
    return canon_rdata(name, int(ttl), rd)


def canon_rdata(name, ttl, rd):
    wire = rd.to_digestable(dns.name.root)
    rd = dns.rdata.from_wire(IN, rd.rdtype, wire, 0, len(wire))
    return (name.canonicalize().to_text(), int(ttl),
            dns.rdatatype.to_text(rd.rdtype), rd.to_text())


def _rrkey(rr):
    """A canonical tuple without its TTL: what identifies one RR."""
    return (rr[0], rr[2], rr[3])


def soa_serial_of(rr):
    return int(rr[3].split()[2])


def _with_serial(soa_rr, serial):
    f = soa_rr[3].split()
    f[2] = str(serial)
    return (soa_rr[0], soa_rr[1], "SOA", " ".join(f))


def zone_lines(records):
    """Zone file text: the SOA first, then the rest in a stable order."""
    recs = sorted(records, key=lambda r: (r[2] != "SOA", r[0], r[2], r[3]))
    return "".join("%s %d IN %s %s\n" % r for r in recs)


def compare_zone(expected, actual, ignore=(), limit=20):
    """None when the two sets of canonical tuples are equal, otherwise a
    text of what is missing from actual and what it has extra.  ignore:
    type names to leave out (e.g. {"SOA"}), or a function of a tuple
    returning True for what to leave out."""
    if callable(ignore):
        skip = ignore
    else:
        types = {t.upper() for t in ignore}
        skip = lambda r: r[2] in types  # noqa: E731
    e = {r for r in expected if not skip(r)}
    a = {r for r in actual if not skip(r)}
    if e == a:
        return None
    out = []
    for title, s in (("missing", e - a), ("extra", a - e)):
        s = sorted(s)
        out.append("%s (%d):" % (title, len(s)))
        out += ["  %s %d %s %s" % r for r in s[:limit]]
        if len(s) > limit:
            out.append("  ...")
    return "\n".join(out)


# ---- TSIG and queries ---------------------------------------------------

def keyring(key):
    """(keyring, keyname, algorithm) for a ("name", "hmac-...", secret)
    key, or (None, None, default) for None."""
    if not key:
        return None, None, dns.tsig.default_algorithm
    name, alg, secret = key
    kn = dns.name.from_text(name)
    algname = _ALG.get(alg.lower(), alg)
    ring = {kn: dns.tsig.Key(kn, base64.b64decode(secret), algname)}
    return ring, kn, dns.name.from_text(algname)


def _sign(msg, key):
    ring, kn, alg = keyring(key)
    if ring:
        msg.use_tsig(ring, kn, algorithm=alg)
    return msg


def query(port, qname, rdtype, host=HOST, key=None, tcp=False, timeout=2.0):
    q = _sign(dns.message.make_query(qname, rdtype), key)
    if tcp:
        return dns.query.tcp(q, host, port=port, timeout=timeout)
    return dns.query.udp(q, host, port=port, timeout=timeout)


def query_serial(port, zone, host=HOST, tcp=False, timeout=1.0, tries=3):
    """The SOA serial the server at host#port answers for zone (AA set,
    NOERROR), or None when it does not answer so."""
    for _ in range(tries):
        try:
            r = query(port, zone, "SOA", host, tcp=tcp, timeout=timeout)
        except (dns.exception.DNSException, OSError):
            time.sleep(0.05)
            continue
        if r.rcode() != dns.rcode.NOERROR or not r.flags & dns.flags.AA:
            return None
        for rrset in r.answer:
            if rrset.rdtype == dns.rdatatype.SOA:
                return rrset[0].serial
        return None
    return None


def send_notify(host, port, zone, key=None, with_soa=True, serial=None,
                soa=None, timeout=2.0, tries=1):
    """Send one NOTIFY for zone to host#port over UDP, signed with key
    when given, with an SOA in the answer section when with_soa (soa:
    its rdata text, or a made-up one with serial).  Returns the response
    (dnspython Message) or None when none came."""
    origin = _origin(zone)
    m = dns.message.make_query(origin, dns.rdatatype.SOA)
    m.flags = dns.flags.AA
    m.set_opcode(dns.opcode.NOTIFY)
    if with_soa:
        if soa is None:
            soa = "ns1.%s hostmaster.%s %d %d %d %d %d" % (
                (origin.to_text(), origin.to_text(),
                 DEFAULT_SERIAL if serial is None else serial) + SOA_TIMERS)
        rd = dns.rdata.from_text(IN, dns.rdatatype.SOA, soa, origin=origin,
                                 relativize=False)
        rs = dns.rrset.RRset(origin, IN, dns.rdatatype.SOA)
        rs.add(rd, 0)
        m.answer.append(rs)
    _sign(m, key)
    for _ in range(tries):
        try:
            return dns.query.udp(m, host, port=port, timeout=timeout)
        except dns.exception.Timeout:
            continue
    return None


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise EOFError("connection closed after %d of %d bytes"
                           % (len(buf), n))
        buf += d
    return buf


class Transfer:
    """What a transfer returned.  kind: "axfr" (a whole zone, in answer
    to AXFR or AXFR-style to IXFR), "ixfr" (increments), or "current"
    (the SOA alone: the serial asked for is not older).  serial: the
    server's serial; records: the zone (axfr); diffs: a list of
    (from_serial, to_serial, deleted set, added set), each set holding
    the SOA of its side (ixfr); messages, rrs: counts."""

    def __init__(self):
        self.kind = None
        self.serial = None
        self.records = None
        self.diffs = []
        self.messages = 0
        self.rrs = 0

    def __repr__(self):
        return ("Transfer(%s, serial %s, %d messages, %d RRs)"
                % (self.kind, self.serial, self.messages, self.rrs))


def transfer(port, zone, rdtype="AXFR", serial=None, key=None, host=HOST,
             timeout=10.0, lifetime=120.0):
    """An AXFR or IXFR (from serial) over TCP, signed with key when
    given; every response message's TSIG is checked (RFC 8945 5.3.1:
    the first and last signed, at most 99 unsigned between).  Returns a
    Transfer; raises XfrError."""
    origin = _origin(zone)
    rt = dns.rdatatype.from_text(rdtype) if isinstance(rdtype, str) \
        else rdtype
    q = dns.message.make_query(origin, rt)
    if rt == dns.rdatatype.IXFR:
        rs = dns.rrset.RRset(origin, IN, dns.rdatatype.SOA)
        rs.add(dns.rdata.from_text(IN, dns.rdatatype.SOA,
                                   ". . %d 0 0 0 0" % serial), 0)
        q.authority.append(rs)
    _sign(q, key)
    ring = keyring(key)[0]
    wire = q.to_wire()
    res = Transfer()
    rrs = []
    end = time.time() + lifetime
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        ctx = None
        unsigned = 0
        while True:
            s.settimeout(max(0.1, min(timeout, end - time.time())))
            try:
                (n,) = struct.unpack("!H", _recv_exact(s, 2))
                data = _recv_exact(s, n)
            except (EOFError, socket.timeout, OSError) as e:
                raise XfrError("after %d messages, %d RRs: %s"
                               % (res.messages, len(rrs), e))
            try:
                m = dns.message.from_wire(
                    data, keyring=ring, request_mac=q.mac, xfr=True,
                    origin=None, tsig_ctx=ctx, multi=True,
                    one_rr_per_rrset=True)
            except Exception as e:      # dnspython raises more than its own
                raise XfrError("message %d: %s: %s"
                               % (res.messages + 1, type(e).__name__, e))
            res.messages += 1
            if ring:
                if m.had_tsig:
                    unsigned = 0
                elif res.messages == 1:
                    raise XfrError("first message not signed",
                                   rcode=m.rcode())
                else:
                    unsigned += 1
                    if unsigned > 99:
                        raise XfrError("over 99 unsigned messages")
            ctx = m.tsig_ctx
            if m.id != q.id:
                raise XfrError("message %d: id %d, query id %d"
                               % (res.messages, m.id, q.id))
            if m.rcode() != dns.rcode.NOERROR:
                raise XfrError("rcode %s" % dns.rcode.to_text(m.rcode()),
                               rcode=m.rcode())
            for rrset in m.answer:
                for rd in rrset:
                    rrs.append(canon_rdata(rrset.name, rrset.ttl, rd))
            done = _xfr_done(rrs, rt, serial)
            if done:
                if ring and not m.had_tsig:
                    raise XfrError("last message not signed")
                break
            if res.messages == 1 and len(rrs) == 1 and \
                    rt == dns.rdatatype.IXFR and \
                    not _serial_gt(soa_serial_of(rrs[0]), serial):
                break
    finally:
        s.close()
    res.rrs = len(rrs)
    try:
        _xfr_parse(res, rrs, rt, serial)
    except IndexError:
        raise XfrError("IXFR sequence broken")
    return res


def _serial_gt(a, b):
    return dns.serial.Serial(a) > dns.serial.Serial(b)


def _xfr_done(rrs, rt, serial):
    """True when rrs (in order) make a complete transfer."""
    if not rrs:
        return False
    if rrs[0][2] != "SOA":
        raise XfrError("first record is not an SOA: %s" % (rrs[0],))
    final = soa_serial_of(rrs[0])
    if len(rrs) == 1:
        return False
    ixfr = rt == dns.rdatatype.IXFR and rrs[1][2] == "SOA" and \
        soa_serial_of(rrs[1]) != final
    if not ixfr:
        # AXFR or AXFR-style: done at the second SOA.
        soas = [i for i, r in enumerate(rrs) if r[2] == "SOA"]
        return len(soas) >= 2
    # IXFR: SOA(final) [SOA(old) dels SOA(new) adds]... SOA(final); the
    # end is an SOA of the final serial in the position of an old one.
    n = 0
    for i in range(1, len(rrs)):
        if rrs[i][2] == "SOA":
            if n % 2 == 0 and soa_serial_of(rrs[i]) == final:
                return True
            n += 1
    return False


def _xfr_parse(res, rrs, rt, serial):
    final = soa_serial_of(rrs[0])
    res.serial = final
    if len(rrs) == 1:
        res.kind = "current"
        return
    ixfr = rt == dns.rdatatype.IXFR and rrs[1][2] == "SOA" and \
        soa_serial_of(rrs[1]) != final
    if not ixfr:
        if rrs[-1][2] != "SOA" or soa_serial_of(rrs[-1]) != final:
            raise XfrError("transfer does not end with its SOA")
        res.kind = "axfr"
        res.records = set(rrs[:-1])
        if len(res.records) != len(rrs) - 1:
            raise XfrError("the same RR twice in a transfer")
        return
    res.kind = "ixfr"
    i = 1
    while i < len(rrs) - 1:
        old = rrs[i]
        i += 1
        dels = {old}
        while rrs[i][2] != "SOA":
            dels.add(rrs[i])
            i += 1
        new = rrs[i]
        i += 1
        adds = {new}
        while i < len(rrs) - 1 and rrs[i][2] != "SOA":
            adds.add(rrs[i])
            i += 1
        res.diffs.append((soa_serial_of(old), soa_serial_of(new), dels,
                          adds))
    if res.diffs and res.diffs[0][0] != serial:
        raise XfrError("IXFR starts at %d, asked from %d"
                       % (res.diffs[0][0], serial))


# ---- processes ---------------------------------------------------------

def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def group_pids(pgid):
    """Pids of the processes in process group pgid (from /proc)."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(d))
    return out


def _strip_tsig(wire):
    """(wire without its TSIG record, the TSIG's key name or None)."""
    qd, an, ns, ar = struct.unpack("!4H", wire[4:12])
    off = 12
    for _ in range(qd):
        _, n = dns.name.from_wire(wire, off)
        off += n + 4
    last = None
    for _ in range(an + ns + ar):
        start = off
        name, n = dns.name.from_wire(wire, off)
        off += n
        t, _, _, rdlen = struct.unpack("!HHIH", wire[off:off + 10])
        off += 10 + rdlen
        last = (start, t, name)
    if ar and last and last[1] == dns.rdatatype.TSIG:
        return (wire[:10] + struct.pack("!H", ar - 1) + wire[12:last[0]],
                last[2])
    return wire, None


def parse_signed(wire, ring):
    """A received message and what its TSIG was: (message, tsig, key
    name text).  tsig: None (unsigned), "ok", "bad" (MAC, time, form),
    "unknown" (a key not in ring) or "unchecked" (no ring given).  A
    message whose TSIG is not "ok" comes back without it.  Raises on a
    malformed message."""
    if ring:
        try:
            m = dns.message.from_wire(wire, keyring=ring)
            return m, ("ok" if m.had_tsig else None), \
                (m.keyname.to_text() if m.had_tsig else None)
        except dns.message.UnknownTSIGKey:
            state = "unknown"
        except Exception:       # dnspython raises more than its own
            state = "bad"
    else:
        state = "unchecked"
    stripped, kn = _strip_tsig(wire)
    m = dns.message.from_wire(stripped)
    if kn is None:
        if state != "unchecked":
            raise ValueError("malformed message")
        return m, None, None
    return m, state, kn.to_text()


def _make_response(m):
    """dnspython's response to m, signed when m was signed with a key we
    hold, unsigned otherwise."""
    if m.had_tsig and not isinstance(m.keyring, dns.tsig.Key):
        r = dns.message.Message(id=m.id)
        r.flags = dns.flags.QR | (m.flags & dns.flags.RD)
        r.set_opcode(m.opcode())
        r.question = list(m.question)
        return r
    return dns.message.make_response(m)


class NotifySink:
    """A UDP and TCP listener on 127.0.0.1 that answers every NOTIFY
    (NOERROR, signed when the NOTIFY was signed with key) and records
    it.  Each record is a dict: zone, serial (None without an SOA), key
    (name of the key it was signed with, or None), tsig (see
    parse_signed(): None, "ok", "bad", "unknown", "unchecked"), proto
    ("udp" or "tcp"), src, time.  A NOTIFY whose TSIG does not verify is
    recorded and answered NOTAUTH, unsigned."""

    def __init__(self, key=None, port=None):
        self.key = key
        self.ring = keyring(key)[0]
        self.port = port or free_port()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((HOST, self.port))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((HOST, self.port))
        self.tcp.listen(16)
        self.received = []
        self.cond = threading.Condition()
        self.closed = False
        self.conns = []
        self.threads = [threading.Thread(target=self._run_udp, daemon=True),
                        threading.Thread(target=self._run_tcp, daemon=True)]
        for t in self.threads:
            t.start()

    def _handle(self, data, src, proto):
        """The response to one message (bytes), or None."""
        rec = {"src": src, "time": time.time(), "key": None, "tsig": None,
               "serial": None, "zone": None, "proto": proto}
        try:
            m, rec["tsig"], rec["key"] = parse_signed(data, self.ring)
        except Exception:
            return None
        if m.opcode() != dns.opcode.NOTIFY or not m.question or \
                m.flags & dns.flags.QR:
            return None
        rec["zone"] = m.question[0].name.canonicalize().to_text()
        for rs in m.answer:
            if rs.rdtype == dns.rdatatype.SOA and len(rs):
                rec["serial"] = rs[0].serial
        with self.cond:
            self.received.append(rec)
            self.cond.notify_all()
        r = _make_response(m)
        r.flags |= dns.flags.AA
        if rec["tsig"] in ("bad", "unknown"):
            r.set_rcode(dns.rcode.NOTAUTH)
        return r.to_wire()

    def _run_udp(self):
        while not self.closed:
            try:
                data, src = self.udp.recvfrom(65535)
            except OSError:
                return
            w = self._handle(data, src, "udp")
            if w:
                try:
                    self.udp.sendto(w, src)
                except OSError:
                    pass

    def _run_tcp(self):
        while not self.closed:
            try:
                c, src = self.tcp.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._conn, args=(c, src),
                             daemon=True).start()

    def _conn(self, c, src):
        c.settimeout(10)
        try:
            while not self.closed:
                (n,) = struct.unpack("!H", _recv_exact(c, 2))
                w = self._handle(_recv_exact(c, n), src, "tcp")
                if w:
                    c.sendall(struct.pack("!H", len(w)) + w)
        except (EOFError, OSError, struct.error):
            pass
        finally:
            c.close()

    def clear(self):
        with self.cond:
            self.received = []

    def wait(self, zone=None, serial=None, timeout=10.0, since=0.0):
        """The first NOTIFY for zone (any when None) with that serial (or
        any, or none, when serial is None) received at or after since;
        None after timeout seconds."""
        z = _origin(zone).to_text() if zone else None
        end = time.time() + timeout
        with self.cond:
            while True:
                for r in self.received:
                    if r["time"] < since:
                        continue
                    if z and r["zone"] != z:
                        continue
                    if serial is not None and r["serial"] != serial:
                        continue
                    return r
                left = end - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def close(self):
        self.closed = True
        for s in [self.udp, self.tcp] + self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for t in self.threads:
            t.join(2)


class Primary:
    """What every primary here has in common.  Subclasses write their
    configuration in _setup(), give their command in _command(), and
    carry a change out in _apply()."""

    name = "primary"
    supports_ixfr = True
    sends_notify = True
    notify_has_soa = True

    def __init__(self, zone="example.com.", records=(), key=None,
                 notify=(), serial=None, notify_key=False,
                 soa_timers=SOA_TIMERS, max_runtime=MAX_RUNTIME,
                 keep=False, start=True):
        self.zone = _origin(zone).to_text()
        self.origin = _origin(zone)
        self.key = tuple(key) if key else None
        self.notify_targets = [(h, int(p)) for h, p in notify]
        self.notify_key = bool(notify_key and key)
        self.max_runtime = max_runtime
        self.keep = keep
        self.proc = None
        self.watch = None
        self.log = None
        self.changes = 0
        self.last_via = None
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="r53d-%s-" % self.name.lower())
        os.chmod(self.tmp, 0o755)
        self.logpath = os.path.join(self.tmp, "server.log")
        self.toolpath = os.path.join(self.tmp, "tools.log")
        open(self.toolpath, "w").close()
        self._init_model(records, serial, soa_timers)
        try:
            self._setup()
            if start:
                self.start()
        except BaseException:
            self.close()
            raise

    # -- the model --

    def _init_model(self, records, serial, timers):
        z = self.zone
        recs = [canon(r, self.origin) for r in records]
        self.added = set()
        soas = [r for r in recs if r[2] == "SOA"]
        if len(soas) > 1:
            raise ValueError("more than one SOA")
        if not soas:
            soa = canon((z, 3600, "SOA", "ns1.%s hostmaster.%s %d %d %d %d %d"
                         % ((z, z, DEFAULT_SERIAL if serial is None
                             else serial) + tuple(timers))), self.origin)
            self.added.add(soa)
            recs.append(soa)
        elif serial is not None:
            recs.remove(soas[0])
            recs.append(_with_serial(soas[0], serial))
        if not any(r[0] == z and r[2] == "NS" for r in recs):
            ns = canon((z, 3600, "NS", "ns1." + z), self.origin)
            self.added.add(ns)
            recs.append(ns)
            if not any(r[0] == "ns1." + z and r[2] in ("A", "AAAA")
                       for r in recs):
                a = canon(("ns1." + z, 3600, "A", "127.0.0.1"), self.origin)
                self.added.add(a)
                recs.append(a)
        self.model = set()
        sets = {}
        for r in recs:
            self._check_add(sets, r)
            self.model.add(r)

    def _check_add(self, sets, r):
        """r may join the zone whose RRs sets holds by (owner, type)
        (a dict built by _sets()); it is added to sets."""
        if r[0] != self.zone and not r[0].endswith("." + self.zone):
            raise ValueError("not in zone %s: %s" % (self.zone, r[0]))
        same = sets.setdefault((r[0], r[2]), [])
        for o in same:
            if o[3] == r[3]:
                raise ValueError("already in the zone: %s" % (r,))
            if o[1] != r[1]:
                raise ValueError("TTL %d differs from its RRset's %d: %s"
                                 % (r[1], o[1], r))
        same.append(r)

    @staticmethod
    def _sets(model):
        sets = {}
        for o in model:
            sets.setdefault((o[0], o[2]), []).append(o)
        return sets

    def expected(self):
        """The zone as this module believes the server holds it."""
        return set(self.model)

    def soa(self):
        return [r for r in self.model if r[2] == "SOA"][0]

    def model_serial(self):
        return soa_serial_of(self.soa())

    # -- DNS --

    def serial(self):
        """The SOA serial the server answers now, or None."""
        return query_serial(self.port, self.zone)

    def axfr(self, key=True):
        """The zone by AXFR (signed with the key when there is one;
        key=None sends it unsigned, or pass another key)."""
        t = transfer(self.port, self.zone, "AXFR",
                     key=self.key if key is True else key)
        return t.records

    def ixfr(self, serial, key=True):
        """A Transfer: the server's answer to an IXFR from serial."""
        return transfer(self.port, self.zone, "IXFR", serial=serial,
                        key=self.key if key is True else key)

    def wait_serial(self, serial, timeout=30.0):
        end = time.time() + timeout
        s = None
        while time.time() < end:
            s = self.serial()
            if s == serial:
                return True
            time.sleep(0.05)
        return False

    # -- changes --

    def change(self, add=(), delete=(), serial=None, via=None):
        """One increment: delete these records, add those, raise the
        serial by one (or set it to serial).  via: None for the server's
        usual way, "file" for its zone-file way (see the module text).
        Waits until the server answers the new serial; returns it."""
        adds = [canon(r, self.origin) for r in add]
        dels = [canon(r, self.origin) for r in delete]
        for r in adds + dels:
            if r[2] == "SOA":
                raise ValueError("change() makes the SOA itself")
        model = {r for r in self.model}
        byk = {_rrkey(r): r for r in model}
        real_dels = []
        for r in dels:
            k = _rrkey(r)
            if k not in byk:
                raise ValueError("not in the zone: %s" % (r,))
            real_dels.append(byk[k])
            model.discard(byk.pop(k))
        sets = self._sets(model)
        for r in adds:
            self._check_add(sets, r)
            model.add(r)
        old_soa = self.soa()
        old = soa_serial_of(old_soa)
        new = (old + 1) % 2**32 if serial is None else serial
        if not _serial_gt(new, old):
            raise ValueError("serial %d is not greater than %d" % (new, old))
        new_soa = _with_serial(old_soa, new)
        model.discard(old_soa)
        model.add(new_soa)
        self._apply(adds, real_dels, old_soa, new_soa, model, via)
        self.model = model
        self.changes += 1
        if not self.wait_serial(new):
            raise RuntimeError("%s: serial %s after change, expected %d\n"
                               "%s\n%s"
                               % (self.name, self.serial(), new,
                                  _read_log(self.logpath)[-3000:],
                                  self.logtext()[-1500:]))
        return new

    def notify(self):
        """Make the server send NOTIFY to its targets now."""
        raise NotImplementedError

    # -- processes --

    def _spawn_env(self):
        return None

    def start(self):
        """Start the server (again) and wait until it answers the serial
        it should have."""
        if self.proc and self.proc.poll() is None:
            return
        self.log = open(self.logpath, "a")
        self.log.write("--- start %s\n" % time.strftime("%H:%M:%S"))
        self.log.flush()
        self.proc = subprocess.Popen(
            self._command(), stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=self.tmp, env=self._spawn_env(),
            start_new_session=True, preexec_fn=die_with_parent)
        # The death signal only reaches the process started; a watchdog
        # ends the whole group when this process is gone or after the cap.
        pg = self.proc.pid
        self.watch = subprocess.Popen(
            ["sh", "-c", "n=0; while kill -0 %d && kill -0 %d && "
             "[ $n -lt %d ]; do sleep 1; n=$((n+1)); done 2>/dev/null; "
             "kill -TERM -%d 2>/dev/null; sleep 3; kill -KILL -%d "
             "2>/dev/null" % (os.getpid(), pg, self.max_runtime, pg, pg)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        want = self.model_serial()
        end = time.time() + 30
        while time.time() < end:
            if self.proc.poll() is not None:
                break
            if query_serial(self.port, self.zone, timeout=0.3,
                            tries=1) == want and \
                    query_serial(self.port, self.zone, tcp=True,
                                 timeout=1, tries=1) == want:
                self._started()
                return
            time.sleep(0.1)
        text = self.logtext()
        self.stop()
        raise RuntimeError("%s did not serve %s serial %d:\n%s"
                           % (self.name, self.zone, want, text[-4000:]))

    def _started(self):
        pass

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pids(self):
        """Pids of the server's processes (its process group)."""
        return group_pids(self.proc.pid) if self.proc else []

    def stop(self):
        """Stop the server and wait for every process of it to end."""
        if self.watch and self.watch.poll() is None:
            self.watch.kill()
            self.watch.wait()
        self.watch = None
        if self.proc is None:
            return
        pg = self.proc.pid
        if self.proc.poll() is None:
            try:
                os.killpg(pg, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        end = time.time() + 5
        while _group_alive(pg) and time.time() < end:
            time.sleep(0.05)
        if _group_alive(pg):
            try:
                os.killpg(pg, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        while _group_alive(pg) and time.time() < end + 5:
            time.sleep(0.05)
        if self.log:
            self.log.close()
            self.log = None

    def close(self):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def logtext(self):
        return _read_log(self.logpath) + _read_log(self.toolpath)

    def run(self, cmd, input=None, timeout=120, check=True):
        """Run a tool; its output goes to tools.log.  Returns the output;
        raises RuntimeError on a non-zero exit when check."""
        r = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, cwd=self.tmp)
        with open(self.toolpath, "a") as f:
            f.write("--- %s (exit %d)\n%s" % (" ".join(cmd[:4]),
                                              r.returncode, r.stdout))
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s"
                               % (" ".join(cmd), r.returncode, r.stdout))
        return r.stdout

    def write_zonefile(self, path, model):
        tmp = path + ".new"
        with open(tmp, "w") as f:
            f.write(zone_lines(model))
        os.rename(tmp, path)

    def path(self, name):
        return os.path.join(self.tmp, name)


def _read_log(path):
    """A log's text ("" when it is not there yet)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _secret():
    return base64.b64encode(os.urandom(32)).decode()


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


# ---- Garbage -------------------------------------------------------------

class Garbage(Primary):
    """A scripted primary in this process: SOA and other queries are
    answered from its zone; each transfer (AXFR or IXFR over TCP) takes
    the next behaviour queued with script(), then "good" ones.  It never
    sends NOTIFY by itself: call notify() after change().

    Behaviours (a string, or a tuple of a name and its argument):
      "good"              AXFR: the zone; IXFR from a serial in its
                          history: the increments; from another older
                          serial: AXFR-style; otherwise the SOA alone.
      "axfr-style"        IXFR answered with the whole zone.
      "refused", "notimp", "servfail", "formerr", "notauth"
                          one response with that rcode (signed when
                          the query was).
      ("garbage", n)      n random bytes, no framing, then close.
      ("garbage-msg", n)  a framed message of n random bytes, then close.
      ("cut", n)          the first n messages of a good answer, close.
      ("cut-bytes", n)    the first n bytes of a good answer, close.
      ("badmac", i)       a good answer whose message i (0 = first,
                          -1 = last) has a wrong TSIG MAC.
      "unsigned"          a good answer without any TSIG.
      "unsigned-last"     a good answer whose last message is unsigned.
      ("wrong-serial", s) a good answer whose SOAs carry serial s.
      "no-final-soa"      an AXFR without its closing SOA, then close.
      "wrong-id"          a good answer with another message id.
      ("hang", secs)      read the query, send nothing for secs, close.
      ("delay", secs)     wait secs, then a good answer.
      ("raw", bytes)      these bytes, then close.
      function            f(query_message, garbage) -> bytes to send.
    rrs_per_message sets how many RRs go in one message (default 100).
    g.requests lists what was asked: (proto, qtype text, serial or
    None, key name or None, behaviour)."""

    name = "Garbage"
    BEHAVIOURS = ("good", "axfr-style", "refused", "notimp", "servfail",
                  "formerr", "notauth", "garbage", "garbage-msg", "cut",
                  "cut-bytes", "badmac", "unsigned", "unsigned-last",
                  "wrong-serial", "no-final-soa", "wrong-id", "hang",
                  "delay", "raw")

    def _setup(self):
        self.ring, self.keyname, self.keyalg = keyring(self.key)
        self.behaviours = []
        self.requests = []
        self.history = []      # (from_serial, to_serial, dels, adds)
        self.rrs_per_message = 100
        self.lock = threading.Lock()
        self.stopping = False
        self.threads = []
        self.socks = []

    def script(self, *behaviours):
        """Queue behaviours for the next transfers, one each."""
        with self.lock:
            self.behaviours.extend(behaviours)

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        with self.lock:
            self.history.append((soa_serial_of(old_soa),
                                 soa_serial_of(new_soa),
                                 set(dels) | {old_soa},
                                 set(adds) | {new_soa}))
            self.model = model

    def set_serial(self, serial):
        """Serve this serial from now on with the same data (no history
        entry): a refresh sees it newer, an IXFR from before it cannot
        be answered but by AXFR-style."""
        with self.lock:
            soa = self.soa()
            self.model.discard(soa)
            self.model.add(_with_serial(soa, serial))

    def notify(self, key=True):
        """Send NOTIFY (with the SOA) to every target; the responses."""
        k = self.key if (key is True and self.notify_key) else \
            (None if key is True else key)
        return [send_notify(h, p, self.zone, key=k, soa=self.soa()[3])
                for h, p in self.notify_targets]

    # -- serving --

    def _command(self):
        raise NotImplementedError

    def start(self):
        if self.socks:
            return
        self.stopping = False
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((HOST, self.port))
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((HOST, self.port))
        t.listen(16)
        self.socks = [u, t]
        self.conns = []
        self.threads = [threading.Thread(target=self._udp, args=(u,),
                                         daemon=True),
                        threading.Thread(target=self._tcp, args=(t,),
                                         daemon=True)]
        for th in self.threads:
            th.start()

    def stop(self):
        self.stopping = True
        for s in self.socks + self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for th in self.threads:
            th.join(5)
        self.socks = []
        self.conns = []
        self.threads = []

    def alive(self):
        return bool(self.socks)

    def pids(self):
        return []

    def logtext(self):
        return "\n".join(repr(r) for r in self.requests) + "\n"

    def _log(self, *rec):
        with self.lock:
            self.requests.append(rec)

    def _parse(self, data):
        """(message, tsig state) or (None, None) when malformed."""
        try:
            m, state, _ = parse_signed(data, self.ring)
        except Exception:
            return None, None
        return m, state

    def _answer(self, m):
        """The answer to a query that is not a transfer."""
        r = _make_response(m)
        if m.opcode() == dns.opcode.NOTIFY:
            r.flags |= dns.flags.AA
            return r
        if m.opcode() != dns.opcode.QUERY or not m.question:
            r.set_rcode(dns.rcode.NOTIMP)
            return r
        qn = m.question[0].name.canonicalize()
        qt = m.question[0].rdtype
        if not qn.is_subdomain(self.origin):
            r.set_rcode(dns.rcode.REFUSED)
            return r
        r.flags |= dns.flags.AA
        with self.lock:
            model = set(self.model)
        q = qn.to_text()
        match = [x for x in model if x[0] == q]
        if not match:
            r.set_rcode(dns.rcode.NXDOMAIN)
        for x in match:
            if x[2] == dns.rdatatype.to_text(qt) or qt == dns.rdatatype.ANY:
                r.answer.append(_rrset(x))
        if not r.answer:
            r.authority.append(_rrset(self.soa()))
        return r

    def _udp(self, s):
        while not self.stopping:
            try:
                data, src = s.recvfrom(65535)
            except OSError:
                return
            m, st = self._parse(data)
            if m is None:
                continue
            qt = m.question[0].rdtype if m.question else 0
            self._log("udp", dns.rdatatype.to_text(qt), None,
                      m.keyname.to_text() if m.had_tsig else st, None)
            if st in ("bad", "unknown"):
                r = _make_response(m)
                r.set_rcode(dns.rcode.NOTAUTH)
            elif qt in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
                r = _make_response(m)
                if qt == dns.rdatatype.IXFR:
                    r.flags |= dns.flags.AA
                    r.answer.append(_rrset(self.soa()))
                else:
                    r.set_rcode(dns.rcode.FORMERR)
            else:
                r = self._answer(m)
            try:
                s.sendto(r.to_wire(), src)
            except (OSError, dns.exception.DNSException):
                pass

    def _tcp(self, s):
        while not self.stopping:
            try:
                c, _ = s.accept()
            except OSError:
                return
            self.conns.append(c)
            th = threading.Thread(target=self._conn, args=(c,), daemon=True)
            th.start()

    def _conn(self, c):
        c.settimeout(30)
        try:
            while not self.stopping:
                try:
                    (n,) = struct.unpack("!H", _recv_exact(c, 2))
                    data = _recv_exact(c, n)
                except (EOFError, OSError, struct.error):
                    return
                m, st = self._parse(data)
                if m is None:
                    return
                qt = m.question[0].rdtype if m.question else 0
                if st in ("bad", "unknown") or \
                        qt not in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
                    self._log("tcp", dns.rdatatype.to_text(qt), None,
                              m.keyname.to_text() if m.had_tsig else st,
                              None)
                    r = self._answer(m)
                    if st in ("bad", "unknown"):
                        r = _make_response(m)
                        r.set_rcode(dns.rcode.NOTAUTH)
                    w = r.to_wire()
                    c.sendall(struct.pack("!H", len(w)) + w)
                    continue
                if not self._xfr(c, m, qt):
                    return
        except OSError:
            pass
        finally:
            try:
                c.close()
            except OSError:
                pass

    def _xfr(self, c, m, qt):
        """Serve one transfer; False when the connection is to close."""
        serial = None
        if qt == dns.rdatatype.IXFR:
            for rs in m.authority:
                if rs.rdtype == dns.rdatatype.SOA:
                    serial = rs[0].serial
        with self.lock:
            b = self.behaviours.pop(0) if self.behaviours else "good"
            model = set(self.model)
            history = list(self.history)
        self._log("tcp", dns.rdatatype.to_text(qt), serial,
                  m.keyname.to_text() if m.had_tsig else None, b)
        if self.key and not m.had_tsig:
            b = "refused"
        name, arg = (b, None) if isinstance(b, str) or callable(b) else \
            (b[0], b[1] if len(b) > 1 else None)
        if callable(name):
            c.sendall(name(m, self))
            return False
        if name == "hang":
            time.sleep(arg if arg is not None else 60)
            return False
        if name == "delay":
            time.sleep(arg)
            name = "good"
        if name == "raw":
            c.sendall(arg)
            return False
        if name == "garbage":
            c.sendall(os.urandom(arg or 100))
            return False
        if name == "garbage-msg":
            g = os.urandom(arg or 100)
            c.sendall(struct.pack("!H", len(g)) + g)
            return False
        rc = {"refused": dns.rcode.REFUSED, "notimp": dns.rcode.NOTIMP,
              "servfail": dns.rcode.SERVFAIL, "formerr": dns.rcode.FORMERR,
              "notauth": dns.rcode.NOTAUTH}.get(name)
        if rc is not None:
            r = _make_response(m)
            r.set_rcode(rc)
            w = r.to_wire()
            c.sendall(struct.pack("!H", len(w)) + w)
            return True
        rrs = self._content(qt, serial, model, history, name, arg)
        wires = self._render(m, rrs, name, arg)
        stream = b"".join(struct.pack("!H", len(w)) + w for w in wires)
        if name == "cut":
            c.sendall(b"".join(struct.pack("!H", len(w)) + w
                               for w in wires[:arg]))
            return False
        if name == "cut-bytes":
            c.sendall(stream[:arg])
            return False
        c.sendall(stream)
        return name not in ("no-final-soa",)

    def _content(self, qt, serial, model, history, name, arg):
        """The RRs of a good answer, in order (canonical tuples)."""
        soa = [r for r in model if r[2] == "SOA"][0]
        cur = soa_serial_of(soa)
        body = sorted(r for r in model if r[2] != "SOA")
        full = [soa] + body + [soa]
        if name == "wrong-serial":
            soa = _with_serial(soa, arg)
            full = [soa] + body + [soa]
        if name == "no-final-soa":
            full = full[:-1]
        if qt == dns.rdatatype.AXFR or name in ("wrong-serial",
                                                "no-final-soa"):
            return full
        if not _serial_gt(cur, serial):
            return [soa]
        if name == "axfr-style":
            return full
        starts = [i for i, h in enumerate(history) if h[0] == serial]
        if not starts:
            return full
        out = [soa]
        for frm, to, dels, adds in history[starts[0]:]:
            out += [x for x in dels if x[2] == "SOA"]
            out += sorted(x for x in dels if x[2] != "SOA")
            out += [x for x in adds if x[2] == "SOA"]
            out += sorted(x for x in adds if x[2] != "SOA")
        out.append(soa)
        return out

    def _render(self, m, rrs, name, arg):
        """Wire messages holding rrs, signed as the query was, with the
        damage the behaviour asks for."""
        k = self.rrs_per_message
        chunks = [rrs[i:i + k] for i in range(0, len(rrs), k)] or [[]]
        signed = m.had_tsig and name != "unsigned"
        wires = []
        ctx = None
        last = len(chunks) - 1
        for i, chunk in enumerate(chunks):
            r = _make_response(m)
            r.flags |= dns.flags.AA
            if name == "wrong-id":
                r.id = (m.id + 1) % 65536
            if i > 0:
                r.question = []
            for x in chunk:
                r.answer.append(_rrset(x))
            sign_this = signed and not (name == "unsigned-last"
                                        and i == last and i > 0)
            if not sign_this:
                r.tsig = None
                r.request_mac = b""
                w = r.to_wire()
                if ctx is not None:
                    ctx.update(w)
                wires.append(w)
                continue
            if i > 0:
                r.request_mac = b""
            w = r.to_wire(multi=True, tsig_ctx=ctx)
            ctx = r.tsig_ctx
            if name == "badmac" and i == (arg if arg >= 0 else last):
                at = w.rfind(r.mac)
                w = w[:at] + bytes([w[at] ^ 0xff]) + w[at + 1:]
            wires.append(w)
        return wires


def _rrset(rec):
    rs = dns.rrset.RRset(dns.name.from_text(rec[0]), IN,
                         dns.rdatatype.from_text(rec[2]))
    rs.add(dns.rdata.from_text(IN, rec[2], rec[3]), rec[1])
    return rs


SERVERS = (Bind, Knot, Nsd, PowerDNS)
