#!/usr/bin/python3
"""The hostile input catalogue: one running r53d (a loaded zone, TSIG
keys, the Route 53 emulator) fed malformed, forged, replayed, oversized
and slow input.  Each case states the input and the answer the RFCs
call for, and fails if r53d gives another.

After every case r53d must still run, answer "example.com SOA" with
NOERROR, and its worker's resident set (VmRSS) must be within RSS_BOUND
of what it was after start-up and a first query and UPDATE: the bound
r53d(8) states for this catalogue.

R53D_HOSTILE_SECONDS sets how long the random-bytes case sends (default
20, half of it over UDP and half over TCP at the same time; run it once
with 60 for a longer soak).  With R53D_SANITIZER set (an ASan build)
the RSS bound is not checked: the sanitizer's shadow memory and
quarantine are no measure of r53d's.
"""
import hashlib
import hmac
import os
import random
import select
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.rcode  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."
MIB = 1024 * 1024
# What the worker's VmRSS may grow by, over its size after start-up,
# whatever this catalogue sends it (r53d(8), MEMORY).
RSS_BOUND = 2 * MIB
SECONDS = float(os.environ.get("R53D_HOSTILE_SECONDS", "20"))
IDLE = 4                # tcp-idle-timeout: the message deadline
TCP_CLIENTS = 64        # tcp-clients, the default

FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, NOTAUTH = 1, 2, 3, 4, 5, 9
BADVERS = 16
BADSIG, BADKEY, BADTIME, BADTRUNC = 16, 17, 18, 22
T_A, T_TXT, T_SOA, T_OPT, T_TSIG = 1, 16, 6, 41, 250
C_IN, C_ANY = 1, 255

HASH = {"hmac-md5": (b"\x08hmac-md5\x07sig-alg\x03reg\x03int\x00",
                     hashlib.md5),
        "hmac-sha1": (b"\x09hmac-sha1\x00", hashlib.sha1),
        "hmac-sha256": (b"\x0bhmac-sha256\x00", hashlib.sha256),
        "hmac-sha512": (b"\x0bhmac-sha512\x00", hashlib.sha512)}
# A key whose configured policy is a 192-bit MAC: 16 octets are within
# RFC 8945's bounds for SHA-256 but below this key's.
TRUNC_KEY = ("k-t192", "hmac-sha256",
             "dDE5Mi10ZXN0LWtleS1zZWNyZXQtMDEyMzQ1Njc4OWFi")


# ---- wire building -----------------------------------------------------

def wname(text):
    return dns.name.from_text(text).to_wire()


def header(mid=0x4242, flags=0x0000, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", mid, flags, qd, an, ns, ar)


def question(name=ZONE, qtype=T_SOA, qclass=C_IN):
    raw = name if isinstance(name, bytes) else wname(name)
    return raw + struct.pack("!HH", qtype, qclass)


def rr(owner, rtype, rclass, ttl, rdata):
    raw = owner if isinstance(owner, bytes) else wname(owner)
    return raw + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def opt(version=0, payload=1232, owner=b"\x00", rdata=b""):
    return rr(owner, T_OPT, payload, version << 16, rdata)


def query(name=ZONE, qtype=T_SOA, mid=0x4242, flags=0x0000, extra=b"",
          ar=0):
    return header(mid, flags, 1, 0, 0, ar) + question(name, qtype) + extra


def tsig_sign(msg, keyname, alg, secret, maclen=None, when=None, fudge=300,
              corrupt=False, mac_extra=b""):
    """msg signed with TSIG (RFC 8945 4.3.3): the MAC over the message
    and the TSIG variables, truncated to maclen octets; corrupt flips a
    bit of the MAC."""
    import base64
    algwire, h = HASH[alg]
    key = base64.b64decode(secret)
    when = int(time.time()) if when is None else when
    kw = wname(keyname)
    tvars = (kw + struct.pack("!HI", C_ANY, 0) + algwire
             + struct.pack("!HI", when >> 32, when & 0xffffffff)
             + struct.pack("!HHH", fudge, 0, 0))
    mac = hmac.new(key, msg + tvars, h).digest()
    mac = mac[:maclen] if maclen is not None else mac
    if corrupt:
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    mac += mac_extra
    mid = struct.unpack("!H", msg[:2])[0]
    rd = (algwire + struct.pack("!HI", when >> 32, when & 0xffffffff)
          + struct.pack("!HH", fudge, len(mac)) + mac
          + struct.pack("!HHH", mid, 0, 0))
    ar = struct.unpack("!H", msg[10:12])[0] + 1
    return (msg[:10] + struct.pack("!H", ar) + msg[12:]
            + rr(kw, T_TSIG, C_ANY, 0, rd)), mac


def frame(m):
    return struct.pack("!H", len(m)) + m


# ---- wire reading ------------------------------------------------------

def skip_name(b, p):
    while True:
        c = b[p]
        if c & 0xc0 == 0xc0:
            return p + 2
        p += 1 + c
        if c == 0:
            return p


class Answer:
    """The parts of an answer the cases check, read by hand: dnspython
    refuses answers whose TSIG it cannot verify."""

    def __init__(self, b):
        self.raw = b
        (self.id, self.flags, self.qd, self.an, self.ns,
         self.ar) = struct.unpack("!HHHHHH", b[:12])
        self.qr = bool(self.flags & 0x8000)
        self.opcode = (self.flags >> 11) & 0xf
        self.rcode = self.flags & 0xf
        self.opt_version = None
        self.tsig = None
        p = 12
        for _ in range(self.qd):
            p = skip_name(b, p) + 4
        for i in range(self.an + self.ns + self.ar):
            start = p
            p = skip_name(b, p)
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", b[p:p + 10])
            rd = p + 10
            p = rd + rdlen
            if rtype == T_OPT:
                self.opt_version = (ttl >> 16) & 0xff
                self.rcode |= (ttl >> 24) << 4
            elif rtype == T_TSIG:
                q = skip_name(b, rd)
                ts = struct.unpack("!HI", b[q:q + 6])
                fudge, maclen = struct.unpack("!HH", b[q + 6:q + 10])
                mac = b[q + 10:q + 10 + maclen]
                q += 10 + maclen
                origid, err, olen = struct.unpack("!HHH", b[q:q + 6])
                self.tsig = dict(start=start, alg_off=rd, alg_end=q - 10
                                 - maclen, time=(ts[0] << 32) | ts[1],
                                 fudge=fudge, mac=mac, error=err,
                                 other=b[q + 6:q + 6 + olen])
        self.end = p

    def tsig_valid(self, secret, alg, request_mac):
        """Whether the answer's MAC is right for request_mac (RFC 8945
        4.3.3: the request's MAC, the answer without its TSIG, the
        variables)."""
        import base64
        t = self.tsig
        b = self.raw
        msg = b[:10] + struct.pack("!H", self.ar - 1) + b[12:t["start"]]
        kw = b[t["start"]:skip_name(b, t["start"])]
        algwire = b[t["alg_off"]:t["alg_end"]]
        tvars = (kw.lower() + struct.pack("!HI", C_ANY, 0) + algwire.lower()
                 + struct.pack("!HI", t["time"] >> 32, t["time"] & 0xffffffff)
                 + struct.pack("!HHH", t["fudge"], t["error"], len(t["other"]))
                 + t["other"])
        full = hmac.new(base64.b64decode(secret),
                        struct.pack("!H", len(request_mac)) + request_mac
                        + msg + tvars, HASH[alg][1]).digest()
        return len(t["mac"]) > 0 and hmac.compare_digest(
            full[:len(t["mac"])], t["mac"])


# ---- sending -----------------------------------------------------------

def recv_exact(s, n):
    out = b""
    while len(out) < n:
        c = s.recv(n - len(out))
        if not c:
            return None
        out += c
    return out


def tcp_exchange(port, msg, timeout=3.0):
    s = socket.create_connection(("127.0.0.1", port), timeout)
    try:
        s.settimeout(timeout)
        s.sendall(frame(msg))
        n = recv_exact(s, 2)
        return None if n is None else recv_exact(s, struct.unpack("!H", n)[0])
    except (socket.timeout, ConnectionError):
        return None
    finally:
        s.close()


def closed_within(s, seconds):
    """True if the peer closed s within seconds (data read is dropped)."""
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if r:
            try:
                if s.recv(65536) == b"":
                    return True
            except ConnectionError:
                return True
    return False


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def raise_nofile(n):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= n


# ---- the single-message catalogue ---------------------------------------
#
# Each entry: name, input (a function returning the message), transport,
# expected answer, and the RFC that says so.  "drop" is no answer at all.

def long_name(octets):
    """An absolute name of exactly octets wire octets under example.com."""
    left = octets - len(wname(ZONE))
    labels = []
    while left > 0:
        n = min(63, left - 1)
        if n < 1:
            raise ValueError(octets)
        labels.append(b"a" * n)
        left -= n + 1
    return b"".join(bytes([len(x)]) + x for x in labels) + wname(ZONE)


def c_pointer_self():
    # The question's name is a pointer to itself (offset 12).
    return header() + b"\xc0\x0c" + struct.pack("!HH", T_SOA, C_IN)


def c_pointer_loop():
    # A label, then a pointer back to that label: an endless name.
    return header() + b"\x01a\xc0\x0c" + struct.pack("!HH", T_SOA, C_IN)


def c_pointer_mutual():
    # Two names in the additional section pointing at each other.
    return (query(ar=2) + b"\xc0\x29" + struct.pack("!HHIH", T_A, C_IN, 0, 0)
            + b"\xc0\x1d" + struct.pack("!HHIH", T_A, C_IN, 0, 0))


def c_pointer_forward():
    # The question points forward to "example.com" in the additional
    # section: RFC 1035 4.1.4 allows pointers to prior occurrences only.
    q = header(ar=1) + b"\xc0\x12" + struct.pack("!HH", T_SOA, C_IN)
    return q + rr(ZONE, T_A, C_IN, 0, b"\x7f\x00\x00\x01")


def c_pointer_past_end():
    return header() + b"\xc0\xff" + struct.pack("!HH", T_SOA, C_IN)


def c_name_256():
    return query(long_name(256))


def c_name_255_ok():
    return query(long_name(255), T_A)


def c_name_256_by_compression():
    # A 205-octet question name, and an additional RR whose owner is a
    # 63-octet label in front of a pointer to it: 269 octets.
    q = long_name(205)
    return (query(q, T_A, ar=1)
            + rr(b"\x3f" + b"b" * 63 + b"\xc0\x0c", T_TXT, C_IN, 0,
                 b"\x01x"))


def c_label_64():
    return query(b"\x40" + b"a" * 64 + wname(ZONE))


def c_label_type_80():
    # 0x80: a reserved label type (RFC 6891 9 deprecates 0x40 ones).
    return query(b"\x81a" + wname(ZONE))


def c_count_more_an():
    return header(qd=1, an=1) + question()


def c_count_more_ar():
    return header(qd=1, ar=65535) + question() + opt()


def c_count_more_qd():
    return header(qd=3) + question()


def c_count_fewer():
    # A whole RR after the last one the header counts.
    return query() + rr(ZONE, T_A, C_IN, 0, b"\x7f\x00\x00\x01")


def c_trailing_octet():
    return query() + b"\x00"


def c_rdlength_past_end():
    return query(ar=1) + wname(ZONE) + struct.pack("!HHIH", T_TXT, C_IN,
                                                   0, 200) + b"\x03abc"


def c_opt_in_answer():
    return header(qd=1, an=1) + question() + opt()


def c_opt_in_authority():
    return header(qd=1, ns=1) + question() + opt()


def c_two_opt():
    return query(ar=2, extra=opt() + opt())


def c_opt_owner_not_root():
    return query(ar=1, extra=opt(owner=wname(ZONE)))


def c_opt_option_overruns():
    return query(ar=1, extra=opt(rdata=struct.pack("!HH", 10, 8) + b"abc"))


def c_edns_version_1():
    return query(ar=1, extra=opt(version=1))


def c_qr_set_udp():
    return query(flags=0x8000)


def c_zero_questions():
    # QDCOUNT 0 with a query opcode: nothing to answer.
    return header(qd=0)


def signed_soa(keyname="k-sha256", alg="hmac-sha256", secret=None, **kw):
    """A query for the zone's SOA signed with keyname: (wire, MAC)."""
    if secret is None:
        secret = dict(T.KEYS.values())[keyname]
    return tsig_sign(query(), keyname, alg, secret, **kw)


def c_tsig_not_last():
    m, _ = signed_soa()
    # Move an OPT behind the TSIG: ARCOUNT 2, TSIG first.
    return m[:10] + struct.pack("!H", 2) + m[12:] + opt()


def c_tsig_in_answer():
    m, _ = signed_soa()
    # The same TSIG counted in the answer section instead.
    return m[:6] + struct.pack("!HHH", 1, 0, 0) + m[12:]


def c_two_tsig():
    m, _ = signed_soa()
    first = m[12 + len(question()):]
    return m[:10] + struct.pack("!H", 2) + m[12:] + first


def c_tsig_mac_below_rfc_min():
    # 8 octets of an HMAC-SHA256: below max(10, 32 / 2).
    return signed_soa(maclen=8)[0]


def c_tsig_mac_too_long():
    # 33 octets of MAC for a 32-octet hash.
    return signed_soa(mac_extra=b"\x00")[0]


CASES = [
    # name, builder, transport, expected rcode or "drop", RFC
    ("compression pointer to itself", c_pointer_self, "udp", FORMERR,
     "RFC 1035 4.1.4"),
    ("compression loop through a label", c_pointer_loop, "udp", FORMERR,
     "RFC 1035 4.1.4"),
    ("two names pointing at each other", c_pointer_mutual, "udp", FORMERR,
     "RFC 1035 4.1.4"),
    ("forward compression pointer", c_pointer_forward, "udp", FORMERR,
     "RFC 1035 4.1.4: a prior occurrence"),
    ("compression pointer past the end", c_pointer_past_end, "tcp", FORMERR,
     "RFC 1035 4.1.4"),
    ("name of 256 octets", c_name_256, "udp", FORMERR, "RFC 1035 3.1"),
    ("name of 256 octets through a pointer", c_name_256_by_compression,
     "tcp", FORMERR, "RFC 1035 3.1"),
    ("name of 255 octets (the limit)", c_name_255_ok, "udp", NXDOMAIN,
     "RFC 1035 3.1, 4.3.2"),
    ("label of 64 octets (0x40 type)", c_label_64, "udp", FORMERR,
     "RFC 1035 3.1, RFC 6891 5"),
    ("label type 0x80", c_label_type_80, "udp", FORMERR, "RFC 1035 4.1.4"),
    ("ANCOUNT 1, no answer RR", c_count_more_an, "udp", FORMERR,
     "RFC 1035 4.1.1"),
    ("ARCOUNT 65535, one RR", c_count_more_ar, "tcp", FORMERR,
     "RFC 1035 4.1.1"),
    ("QDCOUNT 3, one question", c_count_more_qd, "udp", FORMERR,
     "RFC 1035 4.1.1"),
    ("an RR more than the counts", c_count_fewer, "udp", FORMERR,
     "RFC 1035 4.1.1"),
    ("one octet after the last RR", c_trailing_octet, "tcp", FORMERR,
     "RFC 1035 4.1.1"),
    ("RDLENGTH past the end", c_rdlength_past_end, "udp", FORMERR,
     "RFC 1035 4.1.3"),
    ("QDCOUNT 0", c_zero_questions, "udp", FORMERR, "RFC 1035 4.1.2"),
    ("OPT in the answer section", c_opt_in_answer, "udp", FORMERR,
     "RFC 6891 6.1.1"),
    ("OPT in the authority section", c_opt_in_authority, "udp", FORMERR,
     "RFC 6891 6.1.1"),
    ("two OPT RRs", c_two_opt, "udp", FORMERR, "RFC 6891 6.1.1"),
    ("OPT owner not the root", c_opt_owner_not_root, "udp", FORMERR,
     "RFC 6891 6.1.2"),
    ("EDNS option longer than the OPT", c_opt_option_overruns, "udp",
     FORMERR, "RFC 6891 6.1.2"),
    ("EDNS version 1", c_edns_version_1, "udp", BADVERS,
     "RFC 6891 6.1.3"),
    ("QR=1 over UDP", c_qr_set_udp, "udp", "drop",
     "RFC 1035 4.1.1: a response; BIND drops it"),
    ("TSIG not the last RR", c_tsig_not_last, "udp", FORMERR,
     "RFC 8945 5.1"),
    ("TSIG in the answer section", c_tsig_in_answer, "udp", FORMERR,
     "RFC 8945 5.1"),
    ("two TSIG RRs", c_two_tsig, "tcp", FORMERR, "RFC 8945 5.1"),
    ("TSIG MAC of 8 octets for HMAC-SHA256", c_tsig_mac_below_rfc_min,
     "udp", FORMERR, "RFC 8945 5.2.2.1"),
    ("TSIG MAC longer than the hash", c_tsig_mac_too_long, "udp", FORMERR,
     "RFC 8945 5.2.2.1"),
]


class HostileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not raise_nofile(800):
            raise RuntimeError("cannot open 800 descriptors here")
        extra = ('key "%s" {\n\talgorithm %s-192;\n\tsecret "%s";\n};\n'
                 % TRUNC_KEY + "tcp-idle-timeout %d;\n" % IDLE)
        cls.emu, cls.d, cls.port = T.start_pair(conf_extra=extra)
        cls.pid = cls.d.worker_pid()
        # One query and one UPDATE before the size is taken: the answer
        # buffers and the UPDATE path are in use from then on.
        cls.signed_update("warm.example.com.", 1)
        cls.rss0 = rss_kib(cls.pid) * 1024
        cls.peak = cls.rss0
        cls.sanitized = bool(os.environ.get("R53D_SANITIZER"))

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.close()
        cls.emu.close()
        print("RSS after start-up %.1f MiB, largest after a case %.1f MiB"
              % (cls.rss0 / MIB, cls.peak / MIB))
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    @classmethod
    def signed_update(cls, name, n, prereq_nx=False):
        """An UPDATE adding n A records at name, signed with k-sha256:
        (wire, request MAC), and sent over UDP once."""
        kn, secret = T.KEYS["hmac-sha256"]
        u = dns.update.UpdateMessage(ZONE)
        if prereq_nx:
            u.absent(name)
        for i in range(n):
            u.add(name, 300, "A", "192.0.2.%d" % (i + 1))
        m, mac = tsig_sign(u.to_wire(), kn, "hmac-sha256", secret)
        r = T.udp_exchange(m, cls.port, timeout=10)
        assert r is not None and Answer(r).rcode == 0, "UPDATE failed"
        return m, mac

    def tearDown(self):
        """After every case: alive, the SOA answered, RSS bounded."""
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext()[-3000:])
        out = T.run(["dig", "@127.0.0.1", "-p", str(self.port), "+tries=2",
                     "+time=2", "example.com", "SOA"])
        self.assertIn("status: NOERROR", out.stdout, out.stdout)
        self.assertRegex(out.stdout, r"example\.com\.\s+\d+\s+IN\s+SOA\s")
        rss = rss_kib(self.pid) * 1024
        type(self).peak = max(self.peak, rss)
        if not self.sanitized:
            self.assertLessEqual(rss, self.rss0 + RSS_BOUND,
                                 "RSS %.1f MiB, %.1f MiB after start-up"
                                 % (rss / MIB, self.rss0 / MIB))

    def send(self, msg, transport, timeout=1.0):
        if transport == "udp":
            return T.udp_exchange(msg, self.port, timeout=timeout)
        return tcp_exchange(self.port, msg, timeout=timeout)

    def expect(self, msg, transport, rcode, why):
        raw = self.send(msg, transport)
        if rcode == "drop":
            self.assertIsNone(raw, "answered; %s says drop" % why)
            return None
        self.assertIsNotNone(raw, "no answer; %s says %s" % (why, rcode))
        a = Answer(raw)
        self.assertTrue(a.qr, "QR not set")
        self.assertEqual(a.id, struct.unpack("!H", msg[:2])[0])
        self.assertEqual(a.opcode, (msg[2] >> 3) & 0xf)
        self.assertEqual(a.rcode, rcode, "rcode %d, %s says %d"
                         % (a.rcode, why, rcode))
        if rcode == FORMERR:
            self.assertIsNone(a.tsig, "a FORMERR answer carries a TSIG")
        return a

    # ---- TSIG errors (RFC 8945 5.2) -------------------------------------

    def test_tsig_bad_mac_badsig(self):
        # NOTAUTH, TSIG error BADSIG, the TSIG unsigned (MAC size 0):
        # RFC 8945 5.2.2, 5.3.2.
        m, _ = signed_soa(corrupt=True)
        for tr in ("udp", "tcp"):
            a = self.expect(m, tr, NOTAUTH, "RFC 8945 5.2.2")
            self.assertIsNotNone(a.tsig, "no TSIG in the answer")
            self.assertEqual(a.tsig["error"], BADSIG)
            self.assertEqual(a.tsig["mac"], b"")

    def test_tsig_unknown_key_badkey(self):
        # NOTAUTH, BADKEY, unsigned: RFC 8945 5.2.1.
        m, _ = signed_soa("no-such-key", secret=T.KEYS["hmac-sha256"][1])
        a = self.expect(m, "udp", NOTAUTH, "RFC 8945 5.2.1")
        self.assertEqual(a.tsig["error"], BADKEY)
        self.assertEqual(a.tsig["mac"], b"")
        # A known name with another algorithm is not that key either.
        kn, secret = T.KEYS["hmac-sha256"]
        m, _ = tsig_sign(query(), kn, "hmac-sha512", secret)
        a = self.expect(m, "tcp", NOTAUTH, "RFC 8945 5.2.1")
        self.assertEqual(a.tsig["error"], BADKEY)

    def test_tsig_bad_time_badtime(self):
        # NOTAUTH, BADTIME, the server's time in Other Data, the answer
        # signed: RFC 8945 5.2.3.
        kn, secret = T.KEYS["hmac-sha256"]
        # -302, not -301: time(2) reads a clock that may lag the client's
        # by a few ms, so across a second boundary 301 s can look like
        # 300, which the 300 s fudge accepts.
        for skew in (-302, 3600, -86400 * 365):
            m, mac = signed_soa(when=int(time.time()) + skew)
            a = self.expect(m, "udp", NOTAUTH, "RFC 8945 5.2.3")
            self.assertEqual(a.tsig["error"], BADTIME)
            self.assertEqual(len(a.tsig["other"]), 6)
            srv = int.from_bytes(a.tsig["other"], "big")
            self.assertLess(abs(srv - time.time()), 5)
            self.assertTrue(a.tsig_valid(secret, "hmac-sha256", mac),
                            "the BADTIME answer is not signed")

    def test_tsig_mac_below_key_policy_badtrunc(self):
        # 16 octets: within RFC 8945 5.2.2.1 for SHA-256, but the key
        # asks for 24: NOTAUTH, BADTRUNC, signed (RFC 8945 5.2.4).
        name, alg, secret = TRUNC_KEY
        m, mac = tsig_sign(query(), name, alg, secret, maclen=16)
        a = self.expect(m, "udp", NOTAUTH, "RFC 8945 5.2.4")
        self.assertEqual(a.tsig["error"], BADTRUNC)
        self.assertTrue(a.tsig_valid(secret, alg, mac))
        # The key's own length is accepted.
        m, mac = tsig_sign(query(), name, alg, secret, maclen=24)
        a = self.expect(m, "udp", 0, "RFC 8945 5.2.2.1")
        self.assertEqual(a.tsig["error"], 0)
        self.assertTrue(a.tsig_valid(secret, alg, mac))

    # ---- replays ----------------------------------------------------------

    def test_replayed_update_applied_once(self):
        # A signed UPDATE (prerequisite: the name does not exist) sent
        # again from another port and over TCP within the fudge: RFC 8945
        # leaves replays to the server; r53d answers each copy as the
        # first (NOERROR, signed) and applies it once (a second
        # application would fail its prerequisite: YXDOMAIN).
        kn, secret = T.KEYS["hmac-sha256"]
        name = "replay.example.com."
        m, mac = self.signed_update(name, 1, prereq_nx=True)
        before = self.emu.call("GET", "/_emu/stats")["operations"]
        for tr in ("udp", "tcp", "udp"):
            a = self.expect(m, tr, 0, "RFC 2136 3.8, replay")
            self.assertTrue(a.tsig_valid(secret, "hmac-sha256", mac))
        after = self.emu.call("GET", "/_emu/stats")["operations"]
        self.assertEqual(before.get("ChangeResourceRecordSets"),
                         after.get("ChangeResourceRecordSets"),
                         "a replay reached Route 53")
        self.assertEqual(self.emu.rrsets().get((name, "A")),
                         (300, ["192.0.2.1"]))

    # ---- one UPDATE of 65,535 octets ---------------------------------------

    def big_update(self, delete):
        """A signed UPDATE of thousands of RRs, each at its own name,
        as near 65535 octets as they come, and for adds a TXT RR that
        fills it to exactly 65535.  Returns (wire, MAC, RR count)."""
        kn, secret = T.KEYS["hmac-sha256"]
        tsig_len = len(tsig_sign(query(), kn, "hmac-sha256", secret)[0]) \
            - len(query())
        # Header and zone section 29 octets; an RR at "bNNNNN" (label
        # and pointer) 9 octets of owner, 10 of fixed fields, then its
        # RDATA: 4 for an add of an A, none for a delete.
        room = 65535 - tsig_len - 29
        per = 23 if not delete else 19
        n = (room - (0 if delete else 300)) // per
        u = dns.update.UpdateMessage(ZONE)
        for i in range(n):
            nm = "b%05d.example.com." % i
            if delete:
                u.delete(nm, "A")
            else:
                u.add(nm, 300, "A", "198.51.100.%d" % (i % 250 + 1))
        if not delete:
            # "fill" and a pointer, the fixed fields, then strings.
            left = room - n * per - (7 + 10)
            strings = []
            while left > 0:
                k = min(255, left - 1)
                strings.append('"%s"' % ("x" * k))
                left -= k + 1
            u.add("fill.example.com.", 300, "TXT", " ".join(strings))
            n += 1
        m, mac = tsig_sign(u.to_wire(), kn, "hmac-sha256", secret)
        return m, mac, n

    def test_update_65535_octets_add(self):
        # About 2,900 adds in one TCP message of 65,535 octets: too
        # large for one Route 53 change batch (1,000 records), so
        # REFUSED (RFC 2136 3.8: the server may refuse an UPDATE it
        # cannot perform), signed, and nothing reaches Route 53.
        m, mac, n = self.big_update(delete=False)
        self.assertEqual(len(m), 65535)
        self.assertGreater(n, 2500)
        before = self.emu.rrsets()
        t0 = time.time()
        a = self.expect(m, "tcp", REFUSED, "RFC 2136 3.8")
        self.assertLess(time.time() - t0, 10)
        self.assertTrue(a.tsig_valid(T.KEYS["hmac-sha256"][1],
                                     "hmac-sha256", mac))
        self.assertEqual(self.emu.rrsets(), before)

    def test_update_65535_octets_delete(self):
        # Thousands of deletes of RRsets that do not exist: evaluated,
        # NOERROR (RFC 2136 3.4.2.3: nothing to delete is no error),
        # and no change batch sent.
        m, mac, n = self.big_update(delete=True)
        self.assertGreater(len(m), 65535 - 19)
        self.assertGreater(n, 3000)
        before = self.emu.call("GET", "/_emu/stats")["operations"]
        a = self.expect(m, "tcp", 0, "RFC 2136 3.4.2.3")
        self.assertTrue(a.tsig_valid(T.KEYS["hmac-sha256"][1],
                                     "hmac-sha256", mac))
        after = self.emu.call("GET", "/_emu/stats")["operations"]
        self.assertEqual(before.get("ChangeResourceRecordSets"),
                         after.get("ChangeResourceRecordSets"))

    # ---- TCP ------------------------------------------------------------

    def test_qr_set_over_tcp_dropped(self):
        # A response on a connection is dropped; the connection goes on
        # and the next query on it is answered (as BIND does).
        s = socket.create_connection(("127.0.0.1", self.port), 3)
        s.settimeout(3)
        try:
            s.sendall(frame(query(mid=1, flags=0x8000))
                      + frame(query(mid=2)))
            n = recv_exact(s, 2)
            self.assertIsNotNone(n, "connection closed")
            a = Answer(recv_exact(s, struct.unpack("!H", n)[0]))
            self.assertEqual(a.id, 2, "the response was answered")
            self.assertEqual(a.rcode, 0)
        finally:
            s.close()

    def test_length_prefix_then_close(self):
        # A length prefix and nothing, or half a message, then a close:
        # nothing to answer, nothing held.
        q = query()
        for data in (b"\x00", frame(q)[:2], frame(q)[:9], b"\xff\xff",
                     b"\xff\xff" + b"\x00" * 1000):
            s = socket.create_connection(("127.0.0.1", self.port), 2)
            s.sendall(data)
            s.close()
        # Half-closed after a whole message: the answer still comes.
        s = socket.create_connection(("127.0.0.1", self.port), 2)
        s.settimeout(3)
        try:
            s.sendall(frame(query(mid=7)))
            s.shutdown(socket.SHUT_WR)
            n = recv_exact(s, 2)
            self.assertIsNotNone(n, "no answer after a half-close")
            self.assertEqual(Answer(recv_exact(s, struct.unpack("!H", n)[0]))
                             .id, 7)
        finally:
            s.close()

    def test_zero_length_message(self):
        # A length prefix of 0 frames no DNS message (RFC 1035 4.2.2,
        # RFC 7766 8): the connection is closed, what follows it on
        # the connection is not answered.
        s = socket.create_connection(("127.0.0.1", self.port), 2)
        try:
            s.sendall(b"\x00\x00" + frame(query(mid=9)))
            self.assertTrue(closed_within(s, 2.0), "left open")
        finally:
            s.close()

    def test_full_messages_stalled(self):
        # Every connection r53d takes sends all but the last octet of a
        # 65,535-octet message and stalls: each holds its message
        # buffer (r53d(8): at most 65535 octets a connection), so while
        # they are open the worker may hold tcp-clients times that
        # more; a new query is still answered, and once they are
        # closed the bound after every case holds again.
        conns = []
        body = b"\x00" * 65534
        try:
            for _ in range(TCP_CLIENTS):
                c = socket.create_connection(("127.0.0.1", self.port), 5)
                c.sendall(b"\xff\xff" + body)
                conns.append(c)
            time.sleep(0.5)
            rss = rss_kib(self.pid) * 1024
            print("RSS with %d stalled messages: %.1f MiB"
                  % (TCP_CLIENTS, rss / MIB))
            if not self.sanitized:
                self.assertLessEqual(rss, self.rss0 + RSS_BOUND
                                     + TCP_CLIENTS * 65536)
            a = tcp_exchange(self.port, query(), 2.0)
            self.assertIsNotNone(a, "no answer with every slot stalled")
        finally:
            for c in conns:
                c.close()
        time.sleep(0.3)

    def test_slowloris_one_byte_a_second(self):
        # A message that trickles in a byte a second must arrive whole
        # within tcp-idle-timeout (4 s) of its first byte: the
        # connection is closed at that deadline, while another client
        # is answered at once.
        s = socket.create_connection(("127.0.0.1", self.port), 2)
        stop = threading.Event()

        def trickle():
            data = frame(query())
            for i in range(len(data)):
                if stop.is_set():
                    return
                try:
                    s.send(data[i:i + 1])
                except OSError:
                    return
                stop.wait(1.0)
        th = threading.Thread(target=trickle, daemon=True)
        t0 = time.time()
        th.start()
        try:
            time.sleep(0.5)
            self.assertIsNotNone(tcp_exchange(self.port, query(), 2.0))
            self.assertTrue(closed_within(s, IDLE + 2.0),
                            "a trickling client was never closed")
            took = time.time() - t0
            self.assertGreater(took, IDLE - 1.0)
            self.assertLess(took, IDLE + 1.5)
        finally:
            stop.set()
            th.join()
            s.close()

    def test_600_connections(self):
        # 600 connections opened as fast as one client can, against
        # tcp-clients 64: every connect completes within 3 s (r53d
        # takes them as fast as they come, closing the idle longest,
        # so no client waits for a SYN to be sent again), a normal TCP
        # query made meanwhile is answered within 2 s, and r53d holds
        # no more than its bound of connections.
        conns = []
        errors = []

        def flood():
            try:
                for _ in range(600):
                    conns.append(socket.create_connection(
                        ("127.0.0.1", self.port), 5))
            except OSError as e:
                errors.append(e)
        th = threading.Thread(target=flood)
        t0 = time.time()
        th.start()
        try:
            time.sleep(0.1)
            t1 = time.time()
            a = tcp_exchange(self.port, query(), 2.0)
            self.assertIsNotNone(a, "no answer while 600 connect")
            self.assertLess(time.time() - t1, 2.0)
            self.assertEqual(Answer(a).rcode, 0)
            th.join()
            took = time.time() - t0
            self.assertEqual(errors, [])
            self.assertLess(took, 3.0, "600 connects took %.1f s" % took)
            # Half of them start a message and stall.
            for c in conns[::2]:
                try:
                    c.send(b"\x00\x40\x12")
                except OSError:
                    pass
            t1 = time.time()
            a = tcp_exchange(self.port, query(), 2.0)
            self.assertIsNotNone(a, "no answer with 600 connections open")
            self.assertLess(time.time() - t1, 2.0)
            fds = len(os.listdir("/proc/%d/fd" % self.pid))
            self.assertLessEqual(fds, TCP_CLIENTS + 24,
                                 "%d descriptors open" % fds)
        finally:
            th.join()
            for c in conns:
                c.close()

    # ---- random bytes -------------------------------------------------------

    def test_random_bytes(self):
        # R53D_HOSTILE_SECONDS of random datagrams and random TCP
        # streams at once.  Datagrams with QR=0 and a header's length
        # may be answered (FORMERR most of the time); nothing else is
        # asserted but that r53d lives, answers and stays in its bound.
        end = time.time() + SECONDS
        sent = {"udp": 0, "tcp": 0, "conns": 0}

        def udp():
            rnd = random.Random(1035)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            while time.time() < end:
                p = bytearray(rnd.getrandbits(8)
                              for _ in range(rnd.randrange(0, 1500)))
                if len(p) > 2 and rnd.random() < 0.7:
                    p[2] &= 0x7f
                try:
                    s.sendto(bytes(p), ("127.0.0.1", self.port))
                    sent["udp"] += 1
                except BlockingIOError:
                    time.sleep(0.001)
                try:
                    while s.recv(65535):
                        pass
                except BlockingIOError:
                    pass
                if sent["udp"] % 64 == 0:
                    time.sleep(0.002)
            s.close()

        def tcp():
            rnd = random.Random(7766)
            while time.time() < end:
                try:
                    s = socket.create_connection(("127.0.0.1", self.port), 2)
                except OSError:
                    continue
                sent["conns"] += 1
                s.setblocking(False)
                for _ in range(rnd.randrange(1, 40)):
                    if rnd.random() < 0.3:
                        body = bytearray(rnd.getrandbits(8) for _ in
                                         range(rnd.randrange(12, 200)))
                        body[2] &= 0x7f
                        chunk = frame(bytes(body))
                    else:
                        chunk = bytes(rnd.getrandbits(8) for _ in
                                      range(rnd.randrange(1, 2000)))
                    try:
                        s.send(chunk)
                        sent["tcp"] += len(chunk)
                    except (BlockingIOError, OSError):
                        break
                    try:
                        s.recv(65535)
                    except (BlockingIOError, OSError):
                        pass
                s.close()

        ths = [threading.Thread(target=udp), threading.Thread(target=tcp)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        print("random bytes for %.0f s: %d datagrams, %d connections, "
              "%d octets over TCP" % (SECONDS, sent["udp"], sent["conns"],
                                      sent["tcp"]))
        self.assertGreater(sent["udp"], 100)
        self.assertGreater(sent["conns"], 10)


def make_case(name, build, transport, rcode, why):
    def case(self):
        self.expect(build(), transport, rcode, why)
    case.__doc__ = "%s (%s): %s, %s" % (name, transport, rcode, why)
    return case


for _i, (_name, _build, _tr, _rc, _why) in enumerate(CASES):
    setattr(HostileTest, "test_%02d_%s" % (_i, _build.__name__[2:]),
            make_case(_name, _build, _tr, _rc, _why))


if __name__ == "__main__":
    T.Results.main()
