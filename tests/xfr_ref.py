#!/usr/bin/python3
"""tests/xfr_ref.py: dns/xfr.c (the zone transfer parser) against BIND's
named as a real primary.

named serves a dynamic zone of about 200 records on a loopback port,
transfers only to the TSIG key xfr-key (HMAC-SHA256), and cuts its
transfers into small messages (transfer-message-size), so that every
transfer spans several TSIG-signed messages.  Five UPDATEs, signed with
the same key, make five increments; BIND keeps them in its journal.

Requests are built and signed with dnspython and sent over raw TCP
sockets; the length-framed answers are read raw and piped through
tests/unit/xfr_cli.c (built here with cc), which prints the sink calls
of dns/xfr.c.  The checks:

  * the AXFR of every serial, as the parser reports it, is the zone as
    dnspython reads the same bytes (sets of owner, type, TTL and
    canonical RDATA), and the answer ends with "done";
  * the IXFR from each older serial is a chain of difference sequences
    from that serial to the current one, each committed; applied in
    turn to the AXFR kept from before the changes, every sequence
    deletes only what is there and adds only what is not, and gives
    the AXFR of its new serial;
  * the IXFR from the current serial (and from a newer one) is "up to
    date"; from a serial the journal does not hold, the whole zone
    (AXFR-style), equal to the current AXFR;
  * a stream with one bit flipped in a MAC (first, middle, last
    message) fails with a TSIG error, as does the right stream read with
    the wrong secret; an unsigned request is REFUSED (XFR_E_RCODE);
  * the SOA answer reader agrees with dnspython on named's answer.

Prints "N passed, N failed".  named runs under `timeout` and is stopped
at the end; everything listens on 127.0.0.1 only.
"""
import base64
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

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
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

NAMED = "/usr/sbin/named"
NAMED_MAX_RUNTIME = 300         # seconds
ZONE = "xfr.example."
ORIGIN = dns.name.from_text(ZONE)
KEYNAME = "xfr-key."
SECRET = hashlib.sha256(b"r53d xfr_ref key").digest()
ALG = dns.tsig.HMAC_SHA256
KEYRING = dns.tsigkeyring.from_text(
    {KEYNAME: base64.b64encode(SECRET).decode()})
START_SERIAL = 2024010100

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP = os.path.join(TOP, "tests", "tmp")
CLI = os.path.join(TMP, "xfr_cli")
CLI_SRCS = ["tests/unit/xfr_cli.c", "dns/xfr.c", "dns/msg.c", "dns/name.c",
            "dns/wire.c", "dns/rdata.c", "dns/rdata_str.c",
            "dns/rdata_svcb.c", "dns/rrtype.c", "dns/serial.c",
            "dns/tsig.c", "log.c", "sha256.c", "dns/fmt.c", "dns/base64.c"]

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)
    return cond


def build_cli():
    os.makedirs(TMP, exist_ok=True)
    cc = os.environ.get("CC", "cc")
    cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
           "-D_DEFAULT_SOURCE", "-I" + TOP, "-I/usr/include/bearssl",
           "-o", CLI] + [os.path.join(TOP, f) for f in CLI_SRCS]
    subprocess.run(cmd + ["-lbearssl"], check=True)


# ---- the zone ------------------------------------------------------------

def zone_text():
    """About 200 records of common types."""
    lines = ["$TTL 3600",
             "@ SOA ns1 hostmaster %d 7200 900 1209600 300" % START_SERIAL,
             "@ NS ns1", "@ NS ns2",
             "ns1 A 192.0.2.53", "ns2 A 192.0.2.54",
             "@ MX 10 mail1", "@ MX 20 mail2", "@ MX 30 mail3",
             "@ CAA 0 issue \"ca.example.net\"",
             "@ CAA 0 iodef \"mailto:security@xfr.example\""]
    for i in range(100):
        lines.append("host%d 300 A 198.51.100.%d" % (i, i + 1))
    for i in range(40):
        lines.append("host%d 300 AAAA 2001:db8::%x" % (i, i + 1))
    for i in range(30):
        lines.append("txt%d TXT \"v=%d\" \"%s\"" % (i, i, "x" * (i * 8)))
    for i in range(5):
        lines.append("_sip._tcp SRV 10 %d 5060 host%d" % (i, i))
    for i in range(10):
        lines.append("cname%d CNAME host%d" % (i, i))
    for i in range(1, 4):
        lines.append("mail%d A 203.0.113.%d" % (i, i))
    return "\n".join(lines) + "\n"


# ---- named ---------------------------------------------------------------

class Named:
    """named -g on a loopback port in a temporary directory; stopped by
    close(), and by `timeout` after NAMED_MAX_RUNTIME seconds anyway."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="r53d-xfr-")
        self.port = T.free_port()
        with open(os.path.join(self.tmp, "zone.db"), "w") as f:
            f.write(zone_text())
        conf = """options {
	directory "%(d)s";
	pid-file "%(d)s/named.pid";
	session-keyfile "%(d)s/session.key";
	managed-keys-directory "%(d)s";
	dump-file "%(d)s/named.dump";
	statistics-file "%(d)s/named.stats";
	listen-on port %(p)d { 127.0.0.1; };
	listen-on-v6 { none; };
	automatic-interface-scan no;
	recursion no;
	dnssec-validation no;
	notify no;
	allow-query { 127.0.0.1; };
	allow-transfer { key "%(k)s"; };
	transfer-message-size 1024;
};
controls { };
key "%(k)s" {
	algorithm hmac-sha256;
	secret "%(s)s";
};
zone "%(z)s" {
	type primary;
	file "zone.db";
	allow-update { key "%(k)s"; };
};
""" % {"d": self.tmp, "p": self.port, "k": KEYNAME.rstrip("."),
       "s": base64.b64encode(SECRET).decode(), "z": ZONE.rstrip(".")}
        self.conf = os.path.join(self.tmp, "named.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        cmd = ["timeout", "-s", "KILL", str(NAMED_MAX_RUNTIME), NAMED,
               "-g", "-n", "1", "-c", self.conf]
        if os.getuid() == 0:
            # named needs no privilege here: run it as nobody, with a
            # directory it can write its journal into.
            os.chmod(self.tmp, 0o777)
            for fn in os.listdir(self.tmp):
                os.chmod(os.path.join(self.tmp, fn), 0o666)
            cmd[cmd.index("-g"):cmd.index("-g")] = ["-u", "nobody"]
        self.logpath = os.path.join(self.tmp, "named.log")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT,
                                     cwd=self.tmp, start_new_session=True)
        end = time.time() + 20
        while time.time() < end and self.proc.poll() is None:
            try:
                r = dns.query.udp(dns.message.make_query(ZONE, "SOA"),
                                  "127.0.0.1", port=self.port, timeout=0.3)
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    return
            except (dns.exception.Timeout, OSError):
                time.sleep(0.1)
        log = open(self.logpath).read()
        self.close()
        raise RuntimeError("named did not load the zone:\n" + log)

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
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- transfers over raw TCP ---------------------------------------------

def request(qtype, serial=None, signed=True, qid=0x3c3c):
    """(wire, mac) of an AXFR or IXFR request, signed by dnspython."""
    q = dns.message.make_query(ZONE, qtype)
    q.id = qid
    q.flags = 0
    if qtype == "IXFR":
        q.authority = [dns.rrset.from_text(
            ZONE, 0, "IN", "SOA", ". . %d 0 0 0 0" % serial)]
    if signed:
        q.use_tsig(KEYRING, KEYNAME, algorithm=ALG)
    wire = q.to_wire()
    return wire, (q.mac if signed else b"")


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise EOFError("connection closed")
        out += chunk
    return out


class Ends:
    """Tells from dnspython's reading of the messages when an answer is
    complete, without the parser under test: AXFR after the second SOA;
    IXFR after a lone first SOA, after the zone's closing SOA (AXFR
    style), or after the third SOA of the server's serial."""

    def __init__(self, qtype):
        self.qtype = qtype
        self.soas = []
        self.second = None
        self.nrr = 0

    def done(self, msg, first):
        if msg.rcode() != dns.rcode.NOERROR:
            return True
        rrs = [(rs.rdtype, rd) for rs in msg.answer for rd in rs]
        if first and self.qtype == "IXFR" and len(rrs) == 1:
            return True
        for t, rd in rrs:
            self.nrr += 1
            if self.nrr == 2:
                self.second = t
            if t == dns.rdatatype.SOA:
                self.soas.append(rd.serial)
        if len(self.soas) < 2:
            return False
        if self.qtype == "AXFR" or self.second != dns.rdatatype.SOA:
            return True
        return self.soas.count(self.soas[0]) >= 3


def transfer(wire, mac, qtype, port, signed=True):
    """Send the request; return the answer as raw messages and as parsed
    by dnspython (TSIG verified when signed)."""
    raw, parsed = [], []
    ends = Ends(qtype)
    ctx = None
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        while True:
            n = struct.unpack("!H", recv_exact(s, 2))[0]
            m = recv_exact(s, n)
            raw.append(m)
            kw = {}
            if signed:
                kw = dict(keyring=KEYRING, request_mac=mac, tsig_ctx=ctx,
                          multi=True)
            r = dns.message.from_wire(m, xfr=True, origin=None,
                                      one_rr_per_rrset=True, **kw)
            if signed:
                ctx = r.tsig_ctx
            parsed.append(r)
            if ends.done(r, len(raw) == 1):
                return raw, parsed
            if len(raw) > 10000:
                raise RuntimeError("endless transfer")


def frame(msgs):
    return b"".join(struct.pack("!H", len(m)) + m for m in msgs)


def cli(msgs, qtype, serial, mac, secret=SECRET, qid=0x3c3c, signed=True):
    """Run xfr_cli on the messages; its output lines, split."""
    args = [CLI, ZONE, qtype, str(serial), str(qid)]
    if signed:
        args += [KEYNAME, "hmac-sha256", secret.hex(), mac.hex(),
                 str(int(time.time()))]
    p = subprocess.run(args, input=frame(msgs), stdout=subprocess.PIPE,
                       timeout=60, check=False)
    return [ln.split() for ln in p.stdout.decode().splitlines()]


# ---- zones as sets -------------------------------------------------------

def rr_key(owner, rdtype, ttl, rdata):
    return (owner.canonicalize().to_text(), rdtype, ttl,
            rdata.to_digestable(ORIGIN).hex())


def cli_rr(fields):
    """(owner, type, ttl, rdata) from an rr/del/add line."""
    owner = dns.name.from_text(fields[1])
    rdtype = int(fields[2])
    wire = bytes.fromhex(fields[4]) if len(fields) > 4 else b""
    rd = dns.rdata.from_wire(dns.rdataclass.IN, rdtype, wire, 0, len(wire))
    return rr_key(owner, rdtype, int(fields[3]), rd)


def dnspython_zone(parsed):
    """The RRs of an AXFR(-style) answer, the closing SOA left out."""
    rrs = [rr_key(rs.name, rs.rdtype, rs.ttl, rd)
           for m in parsed for rs in m.answer for rd in rs]
    return rrs[:-1]


def cli_zone(lines):
    """(serial, set of RRs, verdict) from an AXFR-style CLI output."""
    serial, rrs = None, []
    for f in lines:
        if f[0] == "axfr_begin":
            serial = int(f[1])
        elif f[0] == "rr":
            rrs.append(cli_rr(f))
    return serial, rrs, lines[-1] if lines else None


def soa_query(port):
    q = dns.message.make_query(ZONE, "SOA")
    r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=10)
    wire = r.to_wire()
    p = subprocess.run([CLI, "-s", ZONE, str(q.id)],
                       input=struct.pack("!H", len(wire)) + wire,
                       stdout=subprocess.PIPE, timeout=60, check=False)
    return r.answer[0][0], r.answer[0].ttl, p.stdout.decode().split()


# ---- the checks ----------------------------------------------------------

def axfr(port, what):
    """AXFR, checked against dnspython; returns (serial, zone set, raw)."""
    wire, mac = request("AXFR")
    raw, parsed = transfer(wire, mac, "AXFR", port)
    out = cli(raw, "AXFR", 0, mac)
    serial, rrs, verdict = cli_zone(out)
    ref = dnspython_zone(parsed)
    check(verdict == ["done"], "%s: verdict %r" % (what, verdict))
    check(out[-2] == ["axfr_end", str(serial)], "%s: axfr_end" % what)
    check(serial == parsed[0].answer[0][0].serial,
          "%s: serial %r" % (what, serial))
    check(len(rrs) == len(ref) and set(rrs) == set(ref),
          "%s: %d RRs from the parser, %d from dnspython; differ by %r" %
          (what, len(rrs), len(ref), set(rrs) ^ set(ref)))
    check(len(raw) > 1, "%s: %d messages" % (what, len(raw)))
    return serial, set(rrs), raw, mac


def ixfr_apply(port, start, history, current):
    """IXFR from start, applied to the zone of start."""
    what = "IXFR from %d" % start
    wire, mac = request("IXFR", start)
    raw, parsed = transfer(wire, mac, "IXFR", port)
    out = cli(raw, "IXFR", start, mac)
    check(out and out[-1] == ["done"], "%s: verdict %r" %
          (what, out[-1] if out else None))
    zone = set(history[start])
    frm = to = None
    nseq = 0
    state = None
    for f in out[:-1]:
        if f[0] == "diff_begin":
            check(state in (None, "committed") and
                        int(f[1]) == (start if to is None else to),
                        "%s: diff_begin %s" % (what, f[1]))
            frm, state = int(f[1]), "del"
            nseq += 1
        elif f[0] == "del":
            key = cli_rr(f)
            check(state == "del" and key in zone,
                        "%s: deletes %r, absent from %d" % (what, f, frm))
            zone.discard(key)
        elif f[0] == "add":
            key = cli_rr(f)
            if state == "del":
                to = dns.rdata.from_wire(
                    dns.rdataclass.IN, dns.rdatatype.SOA,
                    bytes.fromhex(f[4]), 0, len(f[4]) // 2).serial
            check(state in ("del", "add") and key not in zone,
                        "%s: adds %r, present in %d" % (what, f, frm))
            zone.add(key)
            state = "add"
        elif f[0] == "diff_end":
            check(state == "add" and int(f[1]) == to,
                        "%s: diff_end %s" % (what, f[1]))
            state = "ended"
            if to in history:
                check(zone == history[to],
                            "%s: after %d -> %d, zone differs from the "
                            "AXFR of %d: %r" % (what, frm, to, to,
                                                zone ^ history[to]))
        elif f[0] == "commit":
            # named signs every message: each end is committed at once.
            check(state == "ended" and int(f[1]) == to,
                        "%s: commit %s" % (what, f[1]))
            state = "committed"
        else:
            check(False, "%s: unexpected %r" % (what, f))
    check(state == "committed" and to == current,
          "%s: ends at %r, not %d" % (what, to, current))
    check(zone == history[current], "%s: result differs from the AXFR of "
          "%d: %r" % (what, current, zone ^ history[current]))
    return nseq, raw, mac


def tsig_tamper(raw, mac, qtype, serial, what):
    """Flip one bit in the MAC of the first, a middle and the last
    message: each time a TSIG error."""
    for i in sorted({0, len(raw) // 2, len(raw) - 1}):
        msgs = list(raw)
        m = bytearray(msgs[i])
        # The MAC ends 6 octets before the message: ID, error, other len.
        m[-7] ^= 0x01
        msgs[i] = bytes(m)
        out = cli(msgs, qtype, serial, mac)
        check(out and out[-1][:2] == ["error", "17"] and
              out[-1][-1] == "tsig=16",
              "%s: MAC of message %d flipped: %r" % (what, i, out[-1:]))
        check("axfr_end" not in [f[0] for f in out] and
              "uptodate" not in [f[0] for f in out],
              "%s: MAC of message %d flipped: an end reported" % (what, i))


def absolute(name):
    return ZONE if name == "@" else name + "." + ZONE


def update(port, changes):
    """One signed UPDATE: (method, (relative owner, args...)) each."""
    u = dns.update.UpdateMessage(ZONE, keyring=KEYRING, keyname=KEYNAME,
                                 keyalgorithm=ALG)
    for op, args in changes:
        getattr(u, op)(absolute(args[0]), *args[1:])
    r = dns.query.tcp(u, "127.0.0.1", port=port, timeout=10)
    check(r.rcode() == dns.rcode.NOERROR,
          "UPDATE: %s" % dns.rcode.to_text(r.rcode()))


UPDATES = [
    [("add", ("new%d" % i, 300, "A", "192.0.2.%d" % (100 + i)))
     for i in range(10)],
    [("delete", ("host%d" % i, "A")) for i in range(5)] +
    [("delete", ("txt0", "TXT"))],
    [("replace", ("host10", 60, "A", "198.51.100.11")),
     ("replace", ("host11", 300, "A", "198.51.100.211"))],
    [("add", ("@", 3600, "MX", "40 mail3")),
     ("delete", ("@", "MX", "20 mail2")),
     ("add", ("host50", 300, "AAAA", "2001:db8::50"))],
    [("delete", ("cname0",)),
     ("add", ("long", 600, "TXT", " ".join(['"%s"' % ("y" * 200)] * 4))),
     ("add", ("host20", 300, "A", "198.51.100.220"))],
]


def run():
    named = Named()
    try:
        port = named.port
        history = {}
        serials = []
        s, zone, raw, mac = axfr(port, "AXFR of the initial zone")
        check(len(zone) >= 190, "initial zone has %d RRs" % len(zone))
        history[s] = zone
        serials.append(s)
        for k, changes in enumerate(UPDATES):
            update(port, changes)
            s, zone, raw, mac = axfr(port, "AXFR after UPDATE %d" % (k + 1))
            check(s not in history, "UPDATE %d: serial %d not new" %
                  (k + 1, s))
            history[s] = zone
            serials.append(s)
        current = serials[-1]

        rdata, ttl, out = soa_query(port)
        check(out == ["soa", str(rdata.serial), str(rdata.refresh),
                      str(rdata.retry), str(rdata.expire),
                      str(rdata.minimum), str(ttl)] and
              rdata.serial == current, "SOA answer: %r" % out)

        tsig_tamper(raw, mac, "AXFR", 0, "AXFR")
        out = cli(raw, "AXFR", 0, mac, secret=SECRET[::-1])
        check(out[-1][:2] == ["error", "17"] and out[-1][-1] == "tsig=16",
              "AXFR read with the wrong secret: %r" % out[-1:])

        for j, start in enumerate(serials[:-1]):
            nseq, raw, mac = ixfr_apply(port, start, history, current)
            check(nseq == len(serials) - 1 - j,
                  "IXFR from %d: %d sequences" % (start, nseq))
            if j == 0:
                check(len(raw) > 1, "IXFR from %d: %d messages" %
                      (start, len(raw)))
                tsig_tamper(raw, mac, "IXFR", start, "IXFR")

        for start in (current, current + 10):
            wire, mac = request("IXFR", start)
            raw, parsed = transfer(wire, mac, "IXFR", port)
            out = cli(raw, "IXFR", start, mac)
            check(out == [["uptodate", str(current)], ["done"]],
                  "IXFR from %d: %r" % (start, out))

        # A serial the journal does not hold: the whole zone.
        start = serials[0] - 50
        wire, mac = request("IXFR", start)
        raw, parsed = transfer(wire, mac, "IXFR", port)
        out = cli(raw, "IXFR", start, mac)
        serial, rrs, verdict = cli_zone(out)
        check(verdict == ["done"] and serial == current and
              set(rrs) == history[current] and
              set(rrs) == set(dnspython_zone(parsed)),
              "IXFR from %d (not in the journal): %r, %r" %
              (start, serial, verdict))

        # Unsigned: named refuses.
        wire, mac = request("AXFR", signed=False)
        raw, parsed = transfer(wire, mac, "AXFR", port, signed=False)
        out = cli(raw, "AXFR", 0, b"", signed=False)
        check(out == [["error", "5", "server", "answered", "with", "an",
                       "error", "rcode=5"]], "unsigned AXFR: %r" % out)
    finally:
        named.close()


def main():
    build_cli()
    try:
        run()
    except Exception as e:  # noqa: BLE001
        check(False, "%s: %s" % (type(e).__name__, e))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
