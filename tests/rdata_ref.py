#!/usr/bin/python3
"""Cross-check dns/rdata.c against dnspython, for every Route 53 type.

Cases are hand-picked presentation strings (RFC and Route 53 examples,
RFC 9460 appendix D) and seeded random RDATA built byte by byte.  For each
case dnspython gives the wire form and its text; tests/unit/rdata_cli (built
here with cc) gives ours.  Checks per case:

  1. our text for the wire == dnspython's text mapped to Route 53 form;
  2. our parser turns our text back into the same wire bytes;
  3. our canonical form == dnspython's to_digestable() (RFC 4034 6.2);
  4. dnspython reads our master-file text (rdata_to_text()) back to the
     same wire bytes (after r53dtest.dnspython_bytes(): dnspython 2.3
     reads escaped bytes above 127 in CAA and NAPTR strings as UTF-8).

The mapping from dnspython's text (to_text(), absolute names) to the
Route 53 form, field by field:

  - quoted strings (TXT, SPF, CAA value, NAPTR strings): dnspython escapes
    '"' and '\\' with a backslash and every byte outside 0x20-0x7e as
    DECIMAL \\DDD.  Decoded to bytes, then re-escaped the Route 53 way:
    \\" and \\\\, OCTAL \\ooo for 000-037 and 177-377, space literal.
  - names: dnspython writes each label with \\X for "().;\\@$ and \\DDD
    decimal for bytes outside 0x21-0x7e.  Decoded to labels, then every
    byte outside [A-Za-z0-9_-] becomes \\ooo (case is kept); "." is root.
  - hex (DS, TLSA, SSHFP): dnspython breaks it into 32-digit chunks with
    spaces; the chunks are joined.  Both are lowercase.
  - SVCB/HTTPS values: dnspython always quotes them; ours are unquoted
    with the quoted-string escapes plus \\040 for space.  alpn ids are
    split with the RFC 9460 value-list rules and rejoined the same way;
    keys with no value (no-default-alpn, empty keyNNNN) stay bare.
  - numbers, A, AAAA (RFC 5952 in both), base64 (ech), ip hints: as is.

Prints "N passed, N failed" and exits non-zero on any failure.
Usage: tests/rdata_ref.py [-v] [-n RANDOM_PER_TYPE] [-s SEED]
"""

import argparse
import base64
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest  # noqa: E402

import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN = dns.rdataclass.IN
T = dns.rdatatype

# --- dnspython text -> Route 53 text -------------------------------------


def tokens(text):
    """Split presentation text into raw tokens; quotes kept in tokens."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] in " \t":
            i += 1
            continue
        j = i
        while j < n and text[j] not in " \t":
            if text[j] == "\\":
                j += 2
            elif text[j] == '"':
                j += 1
                while text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                j += 1
            else:
                j += 1
        out.append(text[i:j])
        i = j
    return out


def pdecode(raw):
    """Decode RFC 1035 escapes (\\DDD decimal, \\X) into bytes."""
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            if raw[i + 1].isdigit():
                out.append(int(raw[i + 1:i + 4]))
                i += 4
            else:
                out += raw[i + 1].encode("latin-1")
                i += 2
        else:
            out += c.encode("latin-1")
            i += 1
    return bytes(out)


def unquote(tok):
    assert tok[0] == '"' and tok[-1] == '"', tok
    return tok[1:-1]


def r53_esc(b, space_ok):
    s = ""
    for c in b:
        if c in b'"\\':
            s += "\\" + chr(c)
        elif c < 0x20 or c >= 0x7F or (c == 0x20 and not space_ok):
            s += "\\%03o" % c
        else:
            s += chr(c)
    return s


def r53_qstr(tok):
    return '"' + r53_esc(pdecode(unquote(tok)), True) + '"'


def split_labels(raw):
    labels, cur, i = [], "", 0
    while i < len(raw):
        if raw[i] == "\\":
            k = 4 if raw[i + 1].isdigit() else 2
            cur += raw[i:i + k]
            i += k
        elif raw[i] == ".":
            labels.append(cur)
            cur = ""
            i += 1
        else:
            cur += raw[i]
            i += 1
    if cur:
        labels.append(cur)
    return labels


def r53_name(raw):
    if raw == ".":
        return "."
    out = ""
    for lab in split_labels(raw):
        for c in pdecode(lab):
            ch = chr(c)
            if ch.isascii() and (ch.isalnum() or ch in "-_"):
                out += ch
            else:
                out += "\\%03o" % c
        out += "."
    return out


def split_valuelist(b):
    """RFC 9460 value-list: \\, is a comma, \\\\ a backslash; dnspython
    also writes other bytes of an alpn id as DECIMAL \\DDD at this level."""
    items, cur, i = [], bytearray(), 0
    while i < len(b):
        if b[i] == 0x5C and chr(b[i + 1]).isdigit():
            cur.append(int(b[i + 1:i + 4]))
            i += 4
        elif b[i] == 0x5C:
            cur.append(b[i + 1])
            i += 2
        elif b[i] == 0x2C:
            items.append(bytes(cur))
            cur = bytearray()
            i += 1
        else:
            cur.append(b[i])
            i += 1
    items.append(bytes(cur))
    return items


def r53_svcparam(tok):
    if "=" not in tok:
        return tok
    key, val = tok.split("=", 1)
    v = pdecode(unquote(val) if val.startswith('"') else val)
    if key == "alpn":
        ids = []
        for ident in split_valuelist(v):
            s = ""
            for c in ident:
                if c in b",\\":
                    s += r53_esc(b"\\", False)
                s += r53_esc(bytes([c]), False)
            ids.append(s)
        return "alpn=" + ",".join(ids)
    if key in ("mandatory", "port", "ipv4hint", "ipv6hint", "ech"):
        return key + "=" + v.decode("ascii")
    return key + "=" + r53_esc(v, False)


def to_r53(rdtype, text):
    t = tokens(text)
    if rdtype in (T.A, T.AAAA):
        return t[0]
    if rdtype in (T.NS, T.CNAME, T.PTR):
        return r53_name(t[0])
    if rdtype == T.MX:
        return t[0] + " " + r53_name(t[1])
    if rdtype == T.SRV:
        return " ".join(t[:3]) + " " + r53_name(t[3])
    if rdtype == T.SOA:
        return " ".join([r53_name(t[0]), r53_name(t[1])] + t[2:])
    if rdtype in (T.TXT, T.SPF):
        return " ".join(r53_qstr(x) for x in t)
    if rdtype == T.CAA:
        return "%s %s %s" % (t[0], pdecode(t[1]).decode(), r53_qstr(t[2]))
    if rdtype == T.NAPTR:
        return " ".join(t[:2] + [r53_qstr(x) for x in t[2:5]] +
                        [r53_name(t[5])])
    if rdtype == T.DS:
        return " ".join(t[:3] + ["".join(t[3:]).lower()])
    if rdtype == T.TLSA:
        return " ".join(t[:3] + ["".join(t[3:]).lower()])
    if rdtype == T.SSHFP:
        return " ".join(t[:2] + ["".join(t[2:]).lower()])
    if rdtype in (T.SVCB, T.HTTPS):
        return " ".join([t[0], r53_name(t[1])] +
                        [r53_svcparam(x) for x in t[2:]])
    raise ValueError(rdtype)

# --- cases ---------------------------------------------------------------


HAND = {
    T.A: ["192.0.2.1", "0.0.0.0", "255.255.255.255"],
    T.AAAA: ["2001:0db8:85a3:0:0:8a2e:0370:7334", "::", "::1",
             "::ffff:192.0.2.1", "fe80::1:0:0:1", "2001:db8:0:0:1::1",
             "1:2:3:4:5:6:7:8"],
    T.CAA: ['0 issue "ca.example.net"', '128 iodef "mailto:a@example.com"',
            '0 issue ";"', '0 issuewild ""', r'0 issue "a\"b\\c"',
            r'255 tbs "\000\127\255 x"'],
    T.CNAME: ["www.example.com.", ".", r"a\.b.example.com.",
              "Mixed.CASE.example.", r"\@\(\)\;\$\"\\.example.",
              r"sp\032ace.example.", "*.example.com.", "_sip._tcp.ex."],
    T.DS: ["60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
           "12345 13 2 " + "ab" * 32, "1 8 4 " + "CD" * 48,
           "65535 255 255 00", "0 0 9 " + "01" * 100],
    T.HTTPS: ["1 . alpn=h3,h2", "1 . alpn=h2,h3", "0 svc.example.net.",
              '1 . alpn="h2" no-default-alpn port=8443 ech="AEX+DQ=="'],
    T.MX: ["10 mail.example.com.", "0 .", "65535 MX.Example."],
    T.NAPTR: [r'100 50 "u" "E2U+sip" "!^(\\+441632960083)$!sip:\\1@example.com!" .',
              '0 0 "" "" "" replacement.example.',
              r'65535 65535 "S" "SIP+D2U" "\"q\" \010" _sip._udp.ex.'],
    T.NS: ["ns-2048.awsdns-64.net.", "ns1.example."],
    T.PTR: ["1.2.0.192.in-addr.arpa.", "host.example."],
    T.SOA: ["ns-2048.awsdns-64.net. hostmaster.example.com. 1 7200 900 "
            "1209600 86400",
            "ns.example. awsdns-hostmaster.amazon.com. 4294967295 0 "
            "4294967295 2147483647 0",
            r". first\.last.example. 0 0 0 0 0"],
    T.SPF: ['"v=spf1 ip4:192.168.0.1/16 -all"', '"a" "b"'],
    T.SRV: ["10 5 80 hostname.example.com.", "0 0 0 .",
            "65535 65535 65535 Target.Example."],
    T.SSHFP: ["4 2 " + "12" * 32, "1 1 DEADBEEF" + "00" * 16, "255 255 00"],
    T.SVCB: ["0 foo.example.com.", "1 .", "16 foo.example.com. port=53",
             "1 foo.example.com. key667=hello",
             r'1 foo.example.com. key667="hello\210qoo"',
             '1 foo.example.com. ipv6hint="2001:db8::1,2001:db8::53:1"',
             "1 example.com. ipv6hint=2001:db8:122:344::192.0.2.33",
             "16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn "
             "ipv4hint=192.0.2.1",
             r'16 foo.example.org. alpn="f\\\\oo\\,bar,h2"',
             r'16 foo.example.org. alpn=f\\\092oo\092,bar,h2',
             '1 . key65534 key7="/dns-query{?dns}" key8'],
    T.TLSA: ["3 1 1 " + "0f" * 32, "0 0 0 " + "aa" * 200, "255 255 255 00"],
    T.TXT: ['"v=spf1 -all"', '""', '"a" "b" "c"', r'"\"quoted\""',
            r'"back\\slash"', r'"\000\127\255"', '"' + "x" * 255 + '"',
            '"' + "y" * 255 + '" "" "' + "z" * 255 + '"',
            r'"tab\009 nl\010 sp " "ex\228mple"', '"semi;colon (paren)"'],
}


def rand_label(r):
    n = r.choice([1, 1, 2, 3, 5, 8, 13, 63])
    if r.random() < 0.7:
        alpha = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        return bytes(r.choice(alpha) for _ in range(n))
    return bytes(r.randrange(256) for _ in range(n))


def rand_name(r):
    if r.random() < 0.1:
        return b"\x00"
    out, total = b"", 1
    for _ in range(r.randrange(1, 6)):
        lab = rand_label(r)
        if total + 1 + len(lab) > 255:
            break
        out += bytes([len(lab)]) + lab
        total += 1 + len(lab)
    if r.random() < 0.05:           # fill up to the 255-byte limit
        while total + 2 <= 255:
            k = min(63, 255 - total - 1)
            out += bytes([k]) + b"a" * k
            total += 1 + k
    return out + b"\x00"


def rand_bytes(r, lo, hi):
    n = r.randrange(lo, hi + 1)
    if r.random() < 0.5:
        return bytes(r.randrange(0x20, 0x7f) for _ in range(n))
    return bytes(r.randrange(256) for _ in range(n))


def cstr(b):
    return bytes([len(b)]) + b


def rand_svcparams(r):
    params = {}
    if r.random() < 0.6:
        ids = []
        for _ in range(r.randrange(1, 4)):
            ids.append(r.choice([b"h2", b"h3", b"a,b", b"x\\y", b'q"',
                                 b"sp ace", rand_bytes(r, 1, 10)]))
        params[1] = b"".join(cstr(i) for i in ids)
    if 1 in params and r.random() < 0.3:
        params[2] = b""
    if r.random() < 0.5:
        params[3] = struct.pack("!H", r.randrange(65536))
    if r.random() < 0.4:
        params[4] = b"".join(bytes(r.randrange(256) for _ in range(4))
                             for _ in range(r.randrange(1, 4)))
    if r.random() < 0.3:
        params[5] = rand_bytes(r, 1, 40)
    if r.random() < 0.4:
        params[6] = b"".join(bytes(r.randrange(256) for _ in range(16))
                             for _ in range(r.randrange(1, 3)))
    if r.random() < 0.3:
        params[r.randrange(7, 65535)] = rand_bytes(r, 0, 20)
    if params and r.random() < 0.3:
        keys = sorted(k for k in params if r.random() < 0.5)
        if keys:
            params[0] = b"".join(struct.pack("!H", k) for k in keys)
    return b"".join(struct.pack("!HH", k, len(v)) + v
                    for k, v in sorted(params.items()))


def rand_wire(r, rdtype):
    u16 = lambda: struct.pack("!H", r.choice([0, 1, 65535,
                                             r.randrange(65536)]))
    u32 = lambda: struct.pack("!I", r.choice([0, 1, 2**31 - 1, 2**32 - 1,
                                             r.randrange(2**32)]))
    u8 = lambda: bytes([r.randrange(256)])
    if rdtype == T.A:
        return bytes(r.randrange(256) for _ in range(4))
    if rdtype == T.AAAA:
        b = bytearray(r.randrange(256) for _ in range(16))
        for i in range(8):
            if r.random() < 0.4:
                b[2 * i:2 * i + 2] = b"\0\0"
        return bytes(b)
    if rdtype in (T.NS, T.CNAME, T.PTR):
        return rand_name(r)
    if rdtype == T.MX:
        return u16() + rand_name(r)
    if rdtype == T.SRV:
        return u16() + u16() + u16() + rand_name(r)
    if rdtype == T.SOA:
        return rand_name(r) + rand_name(r) + b"".join(u32() for _ in range(5))
    if rdtype in (T.TXT, T.SPF):
        return b"".join(cstr(rand_bytes(r, 0, r.choice([5, 40, 255])))
                        for _ in range(r.randrange(1, 5)))
    if rdtype == T.CAA:
        alpha = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        tag = bytes(r.choice(alpha) for _ in range(r.randrange(1, 16)))
        return u8() + cstr(tag) + rand_bytes(r, 0, 80)
    if rdtype == T.NAPTR:
        return (u16() + u16() + cstr(rand_bytes(r, 0, 5)) +
                cstr(rand_bytes(r, 0, 20)) + cstr(rand_bytes(r, 0, 60)) +
                rand_name(r))
    if rdtype == T.DS:
        dt = r.choice([1, 2, 3, 4, 5, 200])
        n = {1: 20, 2: 32, 3: 32, 4: 48}.get(dt, r.randrange(1, 100))
        return u16() + u8() + bytes([dt]) + rand_bytes(r, n, n)
    if rdtype == T.TLSA:
        return u8() + u8() + u8() + rand_bytes(r, 1, 100)
    if rdtype == T.SSHFP:
        return u8() + u8() + rand_bytes(r, 1, 64)
    if rdtype in (T.SVCB, T.HTTPS):
        prio = u16()
        params = rand_svcparams(r) if prio != b"\0\0" else b""
        return prio + rand_name(r) + params
    raise ValueError(rdtype)


R53_TYPES = [T.A, T.AAAA, T.CAA, T.CNAME, T.DS, T.HTTPS, T.MX, T.NAPTR,
             T.NS, T.PTR, T.SOA, T.SPF, T.SRV, T.SSHFP, T.SVCB, T.TLSA,
             T.TXT]


def cases(nrand, seed):
    r = random.Random(seed)
    for rdtype in R53_TYPES:
        for text in HAND.get(rdtype, []):
            rd = dns.rdata.from_text(IN, rdtype, text)
            # From the wire again, so that text is dnspython's own form.
            w = rd.to_wire()
            rd = dns.rdata.from_wire(IN, rdtype, w, 0, len(w))
            yield rdtype, "hand %r" % text, rd
        for i in range(nrand):
            w = rand_wire(r, rdtype)
            rd = dns.rdata.from_wire(IN, rdtype, w, 0, len(w))
            yield rdtype, "random %d/%d" % (seed, i), rd

# --- driver --------------------------------------------------------------


def build(tmp):
    exe = os.path.join(tmp, "rdata_cli")
    cc = os.environ.get("CC", "cc")
    bearssl = ["-I/usr/include/bearssl"] if os.path.exists(
        "/usr/include/bearssl/bearssl.h") else []
    cmd = [cc, "-std=c11", "-Wall", "-Wextra", "-D_DEFAULT_SOURCE", "-I.",
           *bearssl, "-o", exe, "tests/unit/rdata_cli.c", "dns/rdata.c",
           "dns/rdata_str.c", "dns/rdata_svcb.c", "dns/name.c",
           "dns/wire.c", "dns/base64.c", "dns/fmt.c"]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return exe


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("-s", type=int, default=5353)
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        pending = []
        for rdtype, what, rd in cases(a.n, a.s):
            wire = rd.to_wire()
            ref = to_r53(rdtype, rd.to_text())
            pending.append((rdtype, what, rd, wire, ref))
        # Pass 1: wire -> text and canonical form.
        lines = []
        for rdtype, _, _, wire, _ in pending:
            lines.append("w %d %s" % (rdtype, wire.hex()))
            lines.append("c %d %s" % (rdtype, wire.hex()))
            lines.append("m %d %s" % (rdtype, wire.hex()))
        out1 = run(exe, lines)
        # Pass 2: our text (or the reference when ours failed) -> wire.
        lines = []
        for i, (rdtype, _, _, _, ref) in enumerate(pending):
            ours = out1[3 * i]
            text = ours[3:] if ours.startswith("ok ") else ref
            lines.append("t %d %s" % (rdtype, text))
        out2 = run(exe, lines)

    passed = failed = 0
    for i, (rdtype, what, rd, wire, ref) in enumerate(pending):
        errs = []
        ours, canon, back = out1[3 * i], out1[3 * i + 1], out2[i]
        mf = out1[3 * i + 2]
        if ours != "ok " + ref:
            errs.append("text: ours %r, want %r" % (ours, "ok " + ref))
        if back != "ok " + wire.hex():
            errs.append("parse: got %r, want %r" % (back, wire.hex()))
        if canon != "ok " + rd.to_digestable().hex():
            errs.append("canon: got %r, want %r" %
                        (canon, rd.to_digestable().hex()))
        if not mf.startswith("ok "):
            errs.append("master-file text: %r" % mf)
        else:
            try:
                got = r53dtest.dnspython_bytes(dns.rdata.from_text(
                    IN, rdtype, mf[3:])).to_wire()
            except Exception as e:  # noqa: BLE001 (any refusal counts)
                got = "refused: %s" % e
            if got != wire:
                errs.append("master-file text %r read back as %r" %
                            (mf[3:], got))
        if errs:
            failed += 1
            print("FAIL %s %s (dnspython: %s)" %
                  (dns.rdatatype.to_text(rdtype), what, rd.to_text()))
            for e in errs:
                print("   ", e)
        else:
            passed += 1
            if a.v:
                print("ok %s %s" % (dns.rdatatype.to_text(rdtype), ref))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run(exe, lines):
    p = subprocess.run([exe], input="\n".join(lines) + "\n",
                       capture_output=True, text=True,
                       encoding="latin-1", check=True, timeout=120)
    out = p.stdout.split("\n")
    assert len(out) == len(lines) + 1, (len(out), len(lines))
    return out[:-1]


if __name__ == "__main__":
    sys.exit(main())
