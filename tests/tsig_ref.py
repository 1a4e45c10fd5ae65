#!/usr/bin/python3
#
# tests/tsig_ref.py: check r53d's TSIG (dns/tsig.c) against dnspython.
#
# dnspython signs queries, UPDATEs and multi-message answers for all six
# HMAC algorithms with fixed keys at a fixed time; tests/unit/tsig_cli.c
# (built here with cc) verifies them with dns/tsig.c and signs responses,
# requests and multi-message answers, which dnspython must accept.  The
# MACs of error responses that dnspython refuses to look at (BADTIME) are
# recomputed here from RFC 8945 with Python's hmac module.
#
# Usage: tests/tsig_ref.py           run the checks, print "N passed, N failed"
#        tests/tsig_ref.py --emit-c  print the fixed vectors for
#                                    tests/unit/t_tsig.c
#
# Run from the top of the source tree with /usr/bin/python3 (Debian's
# python3-dnspython).  Talks to no network.

import hashlib
import hmac
import os
import struct
import subprocess
import sys
import time

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import dns.update

T0 = 1700000000          # the fixed "now" of every signature made here

ALGS = [
    # (r53d text, dnspython name, hashlib constructor, digest size)
    ("hmac-md5", dns.tsig.HMAC_MD5, hashlib.md5, 16),
    ("hmac-sha1", dns.tsig.HMAC_SHA1, hashlib.sha1, 20),
    ("hmac-sha224", dns.tsig.HMAC_SHA224, hashlib.sha224, 28),
    ("hmac-sha256", dns.tsig.HMAC_SHA256, hashlib.sha256, 32),
    ("hmac-sha384", dns.tsig.HMAC_SHA384, hashlib.sha384, 48),
    ("hmac-sha512", dns.tsig.HMAC_SHA512, hashlib.sha512, 64),
]

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP = os.path.join(TOP, "tests", "tmp")
CLI = os.path.join(TMP, "tsig_cli")

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def secret_for(i):
    # Fixed, distinct secrets of the digest's size, as tsig-keygen makes.
    return hashlib.sha512(b"r53d tsig test key %d" % i).digest()[: ALGS[i][3]]


def keyname_for(i):
    return dns.name.from_text("Key-%s.Example." % ALGS[i][0])


def dkey(i, name=None):
    return dns.tsig.Key(name or keyname_for(i), secret_for(i), ALGS[i][1])


class FixedTime:
    """Make dnspython sign and validate as if the clock said t."""

    def __init__(self, t):
        self.t = t

    def __enter__(self):
        self.saved = time.time
        time.time = lambda: float(self.t)

    def __exit__(self, *a):
        time.time = self.saved


def signed_query(i, qid, key=None, t=T0):
    q = dns.message.make_query("www.example.org.", "SOA")
    q.id = qid
    q.use_tsig(key or dkey(i), algorithm=ALGS[i][1])
    with FixedTime(t):
        return q.to_wire(), q.mac


def signed_update(i, qid, t=T0):
    u = dns.update.UpdateMessage("example.org.")
    u.id = qid
    u.add("host.example.org.", 300, "A", "192.0.2.1")
    u.delete("old.example.org.", "TXT")
    u.use_tsig(dkey(i), algorithm=ALGS[i][1])
    with FixedTime(t):
        return u.to_wire(), u.mac


def xfr_messages(n, qid):
    """n unsigned answer messages of a pretend zone transfer."""
    out = []
    for k in range(n):
        m = dns.message.Message(id=qid)
        m.flags |= dns.flags.QR | dns.flags.AA
        m.question = [dns.rrset.RRset(dns.name.from_text("example.org."),
                                      dns.rdataclass.IN, dns.rdatatype.AXFR)]
        rr = dns.rrset.from_text("h%d.example.org." % k, 300, "IN", "A",
                                 "192.0.2.%d" % (k % 250 + 1))
        m.answer.append(rr)
        out.append(m)
    return out


def dnspython_xfr(i, reqmac, pattern, qid, t=T0):
    """Sign a multi-message answer as dnspython does (RFC 8945 5.3.1)."""
    wires = []
    ctx = None
    with FixedTime(t):
        for m, p in zip(xfr_messages(len(pattern), qid), pattern):
            if p == "S":
                m.use_tsig(dkey(i), algorithm=ALGS[i][1])
                if ctx is None:
                    m.request_mac = reqmac
                w = m.to_wire(multi=True, tsig_ctx=ctx)
                ctx = m.tsig_ctx
            else:
                w = m.to_wire()
                ctx.update(w)
            wires.append(w)
    return wires


class Cli:
    def __init__(self):
        os.makedirs(TMP, exist_ok=True)
        cc = os.environ.get("CC", "cc")
        cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
               "-D_DEFAULT_SOURCE", "-I" + TOP, "-I/usr/include/bearssl",
               "-o", CLI, os.path.join(TOP, "tests/unit/tsig_cli.c")]
        cmd += [os.path.join(TOP, f) for f in
                ("dns/tsig.c", "dns/wire.c", "dns/name.c", "log.c",
                 "sha256.c")]
        cmd += ["-lbearssl"]
        subprocess.run(cmd, check=True)
        self.p = subprocess.Popen([CLI], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def cmd(self, line, nlines=1):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return [self.p.stdout.readline().split() for _ in range(nlines)]

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def raw_tsig(wire):
    """Split off the last RR, which must be a TSIG RR; return its fields."""
    qd, an, ns, ar = struct.unpack("!HHHH", wire[4:12])
    pos = 12

    def skipname(p):
        while True:
            c = wire[p]
            if c & 0xC0 == 0xC0:
                return p + 2
            p += 1 + c
            if c == 0:
                return p

    for _ in range(qd):
        pos = skipname(pos) + 4
    start = None
    for _ in range(an + ns + ar):
        start = pos
        pos = skipname(pos)
        rdlen = struct.unpack("!H", wire[pos + 8:pos + 10])[0]
        pos += 10 + rdlen
    p = skipname(start)
    owner = dns.name.from_wire(wire, start)[0]
    rtype, = struct.unpack("!H", wire[p:p + 2])
    rd = p + 10
    alg, used = dns.name.from_wire(wire, rd)
    q = rd + used
    hi, lo, fudge, maclen = struct.unpack("!HIHH", wire[q:q + 10])
    mac = wire[q + 10:q + 10 + maclen]
    q += 10 + maclen
    origid, error, olen = struct.unpack("!HHH", wire[q:q + 6])
    other = wire[q + 6:q + 6 + olen]
    return dict(start=start, owner=owner, type=rtype, alg=alg,
                time=(hi << 32) | lo, fudge=fudge, mac=mac, origid=origid,
                error=error, other=other)


def rfc8945_mac(i, wire, reqmac):
    """The MAC of a signed response, computed from RFC 8945 4.3 here."""
    f = raw_tsig(wire)
    ar, = struct.unpack("!H", wire[10:12])
    msg = (struct.pack("!H", f["origid"]) + wire[2:10] +
           struct.pack("!H", ar - 1) + wire[12:f["start"]])
    var = (f["owner"].canonicalize().to_wire() +
           struct.pack("!HI", 255, 0) + f["alg"].canonicalize().to_wire() +
           struct.pack("!HIHHH", f["time"] >> 32, f["time"] & 0xFFFFFFFF,
                       f["fudge"], f["error"], len(f["other"])) + f["other"])
    data = struct.pack("!H", len(reqmac)) + reqmac + msg + var
    return hmac.new(secret_for(i), data, ALGS[i][2]).digest()


def keyring():
    return {keyname_for(i): dkey(i) for i in range(len(ALGS))}


def run():
    cli = Cli()
    for i in range(len(ALGS)):
        r = cli.cmd("key %s %s %s 0" % (keyname_for(i), ALGS[i][0],
                                        secret_for(i).hex()))
        check(r[0] == ["key", str(i)], "key %d added: %r" % (i, r))
    # Key 6: sha256 with the same secret but a name nobody signs with.
    cli.cmd("key other.example. hmac-sha256 %s 0" % secret_for(3).hex())

    for i, (text, _, _, size) in enumerate(ALGS):
        # A dnspython query verifies; our response satisfies dnspython.
        for what, (wire, mac) in (("query", signed_query(i, 0x1234 + i)),
                                  ("update", signed_update(i, 0x4321 + i))):
            r = cli.cmd("verify %d %s" % (T0 + 10, wire.hex()), 2)
            check(r[0] == ["verify", "0", "0"],
                  "%s %s verifies: %r" % (text, what, r[0]))
            resp = bytes.fromhex(r[1][1]) if r[1][0] == "response" else b""
            try:
                with FixedTime(T0 + 10):
                    m = dns.message.from_wire(resp, keyring=keyring(),
                                              request_mac=mac)
                ok = m.had_tsig and m.rcode() == dns.rcode.NOERROR and \
                    m.id == 0x1234 + i if what == "query" else m.had_tsig
            except Exception as e:
                print("  dnspython:", repr(e))
                ok = False
            check(ok, "%s %s: dnspython validates our response" %
                  (text, what))

        wire, mac = signed_query(i, 0x2000 + i)

        # Outside the fudge: BADTIME, signed, server time in Other Data.
        now = T0 + 301
        r = cli.cmd("verify %d %s" % (now, wire.hex()), 2)
        check(r[0] == ["verify", "9", "18"], "%s BADTIME: %r" % (text, r[0]))
        resp = bytes.fromhex(r[1][1])
        f = raw_tsig(resp)
        check(f["error"] == 18 and f["other"] == struct.pack(
            "!HI", now >> 32, now & 0xFFFFFFFF) and f["time"] == T0 and
            len(f["mac"]) == size and f["mac"] == rfc8945_mac(i, resp, mac),
            "%s BADTIME response: time, other data and MAC" % text)
        try:
            with FixedTime(now):
                dns.message.from_wire(resp, keyring=keyring(),
                                      request_mac=mac)
            check(False, "%s: dnspython sees BADTIME" % text)
        except dns.tsig.PeerBadTime:
            check(True, "")
        # Within the fudge, just: accepted.
        r = cli.cmd("verify %d %s" % (T0 - 300, wire.hex()), 2)
        check(r[0] == ["verify", "0", "0"], "%s fudge edge" % text)

        # One byte changed: BADSIG, unsigned answer.
        bad = bytearray(wire)
        bad[14] ^= 0x20
        r = cli.cmd("verify %d %s" % (T0, bytes(bad).hex()), 2)
        check(r[0] == ["verify", "9", "16"], "%s BADSIG: %r" % (text, r[0]))
        f = raw_tsig(bytes.fromhex(r[1][1]))
        check(f["error"] == 16 and f["mac"] == b"" and
              f["owner"] == keyname_for(i), "%s BADSIG unsigned" % text)
        try:
            dns.message.from_wire(bytes.fromhex(r[1][1]), keyring=keyring(),
                                  request_mac=mac)
            check(False, "%s: dnspython sees BADSIG" % text)
        except dns.tsig.PeerBadSignature:
            check(True, "")

        # A key we do not have: BADKEY, unsigned answer.
        stranger = dkey(i, dns.name.from_text("stranger.example."))
        wire2, mac2 = signed_query(i, 0x3000 + i, key=stranger)
        r = cli.cmd("verify %d %s" % (T0, wire2.hex()), 2)
        check(r[0] == ["verify", "9", "17"], "%s BADKEY: %r" % (text, r[0]))
        f = raw_tsig(bytes.fromhex(r[1][1]))
        check(f["error"] == 17 and f["mac"] == b"", "%s BADKEY unsigned" %
              text)

        # Our request verifies in dnspython.
        q = dns.message.make_query("example.org.", "SOA")
        q.id = 0x5000 + i
        r = cli.cmd("sign %d %d %s" % (T0, i, q.to_wire().hex()))
        try:
            with FixedTime(T0 + 5):
                m = dns.message.from_wire(bytes.fromhex(r[0][1]),
                                          keyring=keyring())
            ok = m.had_tsig and m.mac == bytes.fromhex(r[0][2])
        except Exception as e:
            print("  dnspython:", repr(e))
            ok = False
        check(ok, "%s: dnspython validates our request" % text)

        # Multi-message answers, both ways.
        for pattern in ("S", "SS", "SUUS", "SUSUUUS", "S" + "U" * 99 + "S"):
            msgs = [m.to_wire() for m in xfr_messages(len(pattern), 0x6000)]
            r = cli.cmd("xfrsign %d %d %s %s %s" % (
                T0, i, mac.hex(), pattern, " ".join(w.hex() for w in msgs)),
                2)
            ok = r[1] == ["end", "0"]
            ctx = None
            try:
                with FixedTime(T0):
                    for k, h in enumerate(r[0][1:]):
                        m = dns.message.from_wire(
                            bytes.fromhex(h), keyring=keyring(),
                            request_mac=mac if k == 0 else b"",
                            tsig_ctx=ctx, multi=True)
                        ok = ok and m.had_tsig == (pattern[k] == "S")
                        ctx = m.tsig_ctx
            except Exception as e:
                print("  dnspython:", repr(e))
                ok = False
            check(ok, "%s xfr %s signed by us, dnspython validates" %
                  (text, pattern[:10]))

            wires = dnspython_xfr(i, mac, pattern, 0x6000)
            r = cli.cmd("xfrverify %d %d %s %s" % (
                T0, i, mac.hex(), " ".join(w.hex() for w in wires)))
            check(r[0] == ["xfrverify"] + ["0"] * len(pattern) +
                  ["end", "0", "0"],
                  "%s xfr %s signed by dnspython, verified" %
                  (text, pattern[:10]))

        # 100 unsigned messages in a row: refused on the 100th.
        pattern = "S" + "U" * 100 + "S"
        wires = dnspython_xfr(i, mac, pattern, 0x6000)
        r = cli.cmd("xfrverify %d %d %s %s" % (
            T0, i, mac.hex(), " ".join(w.hex() for w in wires)))
        check(r[0][:101] == ["xfrverify"] + ["0"] * 100 and
              r[0][101] == "-1" and r[0][-3:-1] == ["end", "-1"],
              "%s xfr with 100 unsigned in a row fails" % text)
        # A changed message in the middle breaks the chain.
        wires = dnspython_xfr(i, mac, "SUUS", 0x6000)
        w = bytearray(wires[2])
        w[-1] ^= 1
        wires[2] = bytes(w)
        r = cli.cmd("xfrverify %d %d %s %s" % (
            T0, i, mac.hex(), " ".join(w.hex() for w in wires)))
        check(r[0] == ["xfrverify", "0", "0", "0", "-1", "end", "-1", "16"],
              "%s xfr with a changed unsigned message: %r" % (text, r[0]))
    cli.close()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def cbytes(name, b):
    lines = ["static const uint8_t %s[] = {" % name]
    for k in range(0, len(b), 12):
        lines.append("\t" + " ".join("0x%02x," % c for c in b[k:k + 12]))
    lines.append("};")
    return "\n".join(lines)


def emit_c():
    print("/* Generated by: /usr/bin/python3 tests/tsig_ref.py --emit-c */")
    print("#define REF_TIME\t%d" % T0)
    for i in range(len(ALGS)):
        print(cbytes("ref_secret_%d" % i, secret_for(i)))
        wire, mac = signed_query(i, 0x1234 + i)
        print(cbytes("ref_query_%d" % i, wire))
    wire, mac = signed_update(3, 0x4324)
    print(cbytes("ref_update_3", wire))
    # A dnspython-signed response to the sha256 query, and a signed
    # 3-message answer (S U S) to it.
    wire, mac = signed_query(3, 0x1237)
    with FixedTime(T0):
        q = dns.message.from_wire(wire, keyring=keyring())
        resp = dns.message.make_response(q)
        resp.answer.append(dns.rrset.from_text(
            "www.example.org.", 300, "IN", "SOA",
            "ns.example.org. host.example.org. 1 7200 900 1209600 300"))
        print(cbytes("ref_response_3", resp.to_wire()))
    for k, w in enumerate(dnspython_xfr(3, mac, "SUS", 0x1237)):
        print(cbytes("ref_xfr_3_%d" % k, w))
    print("static const char *ref_names[] = {")
    for i in range(len(ALGS)):
        print('\t"%s",' % keyname_for(i).to_text())
    print("};")
    print("static const char *ref_algs[] = {")
    for a in ALGS:
        print('\t"%s",' % a[0])
    print("};")
    print("#define REF_NALGS\t%d" % len(ALGS))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--emit-c":
        emit_c()
        sys.exit(0)
    sys.exit(run())
