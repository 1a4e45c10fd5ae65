"""The client side of the primaries' tests: queries, NOTIFY sent and
received (NotifySink), transfers with every TSIG checked (transfer()),
zone sets compared (compare_zone()).  See the package text.
"""

import base64
import os
import socket
import struct
import threading
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.serial
import dns.tsig

from r53dtest import free_port


HOST = "127.0.0.1"
IN = dns.rdataclass.IN
MAX_RUNTIME = 1800          # seconds; a server started here stops by then
DEFAULT_SERIAL = 2026120201
SOA_TIMERS = (3600, 600, 86400, 300)


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
