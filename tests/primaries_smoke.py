#!/usr/bin/python3
"""Smoke test of tests/primaries/: every primary server class is
started with a 1,000-record zone, a TSIG key and a NOTIFY target this
script owns; its zone is checked by AXFR, changed three times (one
change of 2,600 records), each change checked for a NOTIFY, for what
an IXFR from the serial before returns, and by AXFR; then the server is
stopped and started again, and closed, leaving no process behind.  The
Garbage server's behaviours are exercised one by one.

Not a make check suite (it exercises the harness, not r53d).  Usage:
    /usr/bin/python3 tests/primaries_smoke.py [Bind Knot Nsd PowerDNS Garbage]
Prints "N passed, N failed" last.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import primaries as P  # noqa: E402

import dns.query  # noqa: E402
import dns.rcode  # noqa: E402

KEY = ("xfr-key", "hmac-sha256",
       "c2hhMjU2LXRlc3Qta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWI=")
OTHER_KEY = ("xfr-key", "hmac-sha256",
             "b3RoZXItc2VjcmV0LW9mLXRoZS1zYW1lLWtleS1uYW1lLTA=")
ZONE = "example.com."

passed = 0
failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("  ok    %s" % what)
    else:
        failed += 1
        print("  FAIL  %s%s" % (what, ("\n        " + str(detail).replace(
            "\n", "\n        ")) if detail else ""))
    return ok


def zone_records(n=1000):
    """n records of the types Route 53 holds, some tricky to quote."""
    recs = []
    kinds = ["A", "AAAA", "TXT", "MX", "CNAME", "SRV", "CAA", "PTR",
             "NAPTR", "TXT2"]
    for i in range(n - 3):
        k = kinds[i % len(kinds)]
        o = "h%d" % i
        if k == "A":
            recs.append((o, 300, "A", "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255,
                                                      i & 255)))
        elif k == "AAAA":
            recs.append((o, 300, "AAAA", "2001:db8::%x" % i))
        elif k == "TXT":
            recs.append((o, 60, "TXT", '"v=spf1 -all" "n %d"' % i))
        elif k == "TXT2":
            recs.append((o, 60, "TXT", '"it\'s \\"quoted\\"; semi" "\\\\x"'))
        elif k == "MX":
            recs.append((o, 3600, "MX", "%d mail%d.example.net." % (i % 50,
                                                                    i)))
        elif k == "CNAME":
            recs.append((o, 300, "CNAME", "target%d.example.org." % i))
        elif k == "SRV":
            recs.append(("_sip._tcp." + o, 300, "SRV", "10 20 5060 sip%d" % i))
        elif k == "CAA":
            recs.append((o, 300, "CAA", '0 issue "ca%d.example.net"' % i))
        elif k == "PTR":
            recs.append((o, 300, "PTR", "host%d.example.net." % i))
        elif k == "NAPTR":
            recs.append((o, 300, "NAPTR",
                         '100 10 "S" "SIP+D2U" "" _sip._udp.example.com.'))
    # A delegation with glue, and one RRset of several RRs.
    recs.append(("sub", 3600, "NS", "ns.sub"))
    recs.append(("ns.sub", 3600, "A", "192.0.2.53"))
    recs.append(("h0", 300, "A", "10.255.255.255"))
    return recs


def changes(p, recs):
    """Three increments: (add, delete, via) each.  Each server takes its
    usual way for the first, and for the second (2,600 records) the way
    it takes for big changes (Bind: one UPDATE of 2,600 RRs; Knot: zone
    file and reload), its zone-file way for the third."""
    one_add = [("new1", 120, "A", "192.0.2.1"), ("new1", 120, "A",
                                                  "192.0.2.2"),
               ("new2", 60, "TXT", '"hello world" "\\"q\\""'),
               ("new3", 300, "MX", "5 mx.new3")]
    # h0's two A records: a new TTL for the whole RRset.
    one_del = [r for r in recs if r[0] == "h0"] + recs[1:4]
    one_add += [("h0", 900, "A", r[3]) for r in recs if r[0] == "h0"]
    two_add = [("n%d" % i, 300, "A", "10.200.%d.%d" % (i >> 8, i & 255))
               for i in range(2500)]
    two_del = [r for r in recs[10:600] if r[2] == "A"][:50] + \
        [r for r in recs[10:600] if r[2] == "TXT"][:50]
    three_add = [("file%d" % i, 300, "AAAA", "2001:db8:f::%d" % i)
                 for i in range(5)]
    three_del = [("n7", 300, "A", "10.200.0.7")]
    via = None if isinstance(p, (P.Nsd, P.Garbage)) else "file"
    return [(one_add, one_del, None), (two_add, two_del, None),
            (three_add, three_del, via)]


def apply_diffs(zone, diffs):
    z = set(zone)
    for frm, to, dels, adds in diffs:
        if not dels <= z:
            return None
        z = (z - dels) | adds
    return z


def smoke_server(cls):
    print("%s:" % cls.name)
    t0 = time.time()
    sink = P.NotifySink(key=KEY)
    recs = zone_records()
    try:
        p = cls(zone=ZONE, records=recs, key=KEY,
                notify=[("127.0.0.1", sink.port)], notify_key=True)
    except Exception as e:
        check("start", False, e)
        sink.close()
        return
    try:
        _smoke_server(p, cls, sink, recs, t0)
    except Exception:
        import traceback
        check("no exception", False, traceback.format_exc() +
              "\n" + p.logtext()[-3000:])
    finally:
        pg = p.proc.pid if getattr(p, "proc", None) else None
        tmp = p.tmp
        p.close()
        sink.close()
        if pg:
            left = P.group_pids(pg)
            check("close() leaves no process", not left and p.watch is None,
                  left)
        check("close() removes its directory", not os.path.exists(tmp))
        print("  (%.1f s)" % (time.time() - t0))


def _smoke_server(p, cls, sink, recs, t0):
    print("  started on port %d in %.1f s" % (p.port, time.time() - t0))
    want = {P.canon(r, ZONE) for r in recs} | p.added
    check("the zone is the records plus %d added" % len(p.added),
          p.expected() == want)
    check("serial", p.serial() == P.DEFAULT_SERIAL, p.serial())
    z = p.axfr()
    check("AXFR with the key: %d RRs" % len(z),
          P.compare_zone(want, z) is None, P.compare_zone(want, z))
    try:
        p.axfr(key=None)
        check("AXFR without the key refused", False, "it was served")
    except P.XfrError as e:
        check("AXFR without the key refused (%s)"
              % dns.rcode.to_text(e.rcode) if e.rcode is not None else e,
              e.rcode in (dns.rcode.REFUSED, dns.rcode.NOTAUTH), e)
    try:
        p.axfr(key=OTHER_KEY)
        check("AXFR with a wrong secret refused", False, "it was served")
    except P.XfrError as e:
        check("AXFR with a wrong secret refused (%s)" % e, True)
    cur = p.ixfr(p.serial())
    check("IXFR from the current serial: the SOA alone",
          cur.kind == "current", cur)
    first = p.model_serial()
    first_zone = p.expected()
    history = []
    for n, (add, delete, via) in enumerate(changes(p, recs), 1):
        sink.clear()
        before = p.model_serial()
        old_zone = p.expected()
        t = time.time()
        s = p.change(add=add, delete=delete, via=via)
        dt = time.time() - t
        history.append(before)
        check("change %d: %d added, %d deleted -> serial %d (%s, %.1f s)"
              % (n, len(add), len(delete), s, p.last_via, dt),
              s == before + 1 and p.serial() == s)
        if p.sends_notify:
            r = sink.wait(ZONE, serial=s if p.notify_has_soa else None,
                          timeout=15, since=t)
            check("change %d: NOTIFY %s" % (n, "" if r is None else
                                            "(%s, serial %s, TSIG %s %s)"
                                            % (r["proto"], r["serial"],
                                               r["key"], r["tsig"])),
                  r is not None and r["tsig"] == "ok", r)
        z = p.axfr()
        check("change %d: AXFR equals the model" % n,
              P.compare_zone(p.expected(), z) is None,
              P.compare_zone(p.expected(), z))
        x = p.ixfr(before)
        if p.supports_ixfr:
            dels = {P.canon(r, ZONE) for r in delete}
            adds = {P.canon(r, ZONE) for r in add}
            oldsoa = [r for r in old_zone if r[2] == "SOA"][0]
            ok = x.kind == "ixfr" and len(x.diffs) == 1 and \
                x.diffs[0][2] == dels | {oldsoa} and \
                x.diffs[0][3] == adds | {p.soa()}
            check("change %d: IXFR from %d is the increment (%d messages, "
                  "%d RRs)" % (n, before, x.messages, x.rrs), ok, x)
        else:
            check("change %d: IXFR from %d answered AXFR-style (%s)"
                  % (n, before, x), x.kind == "axfr" and
                  x.records == p.expected(), x)
    if p.supports_ixfr:
        x = p.ixfr(first)
        check("IXFR from the first serial: %d increments lead to the zone"
              % len(x.diffs), x.kind == "ixfr" and
              apply_diffs(first_zone, x.diffs) == p.expected(), x)
    if not isinstance(p, P.Garbage):
        sink.clear()
        t = time.time()
        p.notify()
        r = sink.wait(ZONE, timeout=15, since=t)
        check("notify() sends a NOTIFY", r is not None, r)
    last = p.model_serial()
    p.stop()
    check("stop(): no answer", p.serial() is None and not p.alive())
    t = time.time()
    p.start()
    print("  restarted in %.1f s" % (time.time() - t))
    z = p.axfr()
    check("start() again: same serial, same zone", p.serial() == last and
          P.compare_zone(p.expected(), z) is None,
          P.compare_zone(p.expected(), z))
    if p.supports_ixfr:
        x = p.ixfr(history[-1])
        check("after the restart, IXFR from %d still the increment"
              % history[-1], x.kind == "ixfr" and len(x.diffs) == 1, x)


def expect_fail(g, what, behaviour, rdtype="IXFR", serial=None, timeout=5,
                match=None):
    g.script(behaviour)
    try:
        t = P.transfer(g.port, ZONE, rdtype, serial=serial, key=KEY,
                       timeout=timeout)
        check("%s: fails" % what, False, t)
    except P.XfrError as e:
        check("%s: fails (%s)" % (what, str(e)[:70]),
              match is None or match in str(e), e)


def smoke_garbage():
    print("Garbage:")
    t0 = time.time()
    sink = P.NotifySink(key=KEY)
    recs = zone_records()
    g = P.Garbage(zone=ZONE, records=recs, key=KEY,
                  notify=[("127.0.0.1", sink.port)], notify_key=True)
    try:
        _smoke_garbage(g, sink, recs)
    except Exception:
        import traceback
        check("no exception", False, traceback.format_exc())
    finally:
        g.close()
        sink.close()
        print("  (%.1f s)" % (time.time() - t0))


def _smoke_garbage(g, sink, recs):
    s0 = g.serial()
    check("serial over UDP", s0 == P.DEFAULT_SERIAL, s0)
    check("serial over TCP",
          P.query_serial(g.port, ZONE, tcp=True) == s0)
    z = g.axfr()
    check("good AXFR: %d RRs" % len(z), z == g.expected())
    # The same stream through dnspython's own reader (TSIG over many
    # messages checked there too).
    n = 0
    for m in dns.query.xfr("127.0.0.1", ZONE, port=g.port,
                           keyring=P.keyring(KEY)[0], keyname=KEY[0],
                           keyalgorithm=P.keyring(KEY)[2], lifetime=20,
                           relativize=False):
        n += 1
    check("dnspython reads the signed AXFR (%d messages)" % n, n > 5)
    try:
        g.axfr(key=None)
        check("unsigned AXFR refused", False)
    except P.XfrError as e:
        check("unsigned AXFR refused", e.rcode == dns.rcode.REFUSED, e)
    s1 = g.change(add=[("g1", 300, "A", "192.0.2.9")],
                  delete=[recs[0]])
    s2 = g.change(add=[("g2", 300, "A", "192.0.2.10")])
    x = g.ixfr(s0)
    check("good IXFR: 2 increments", x.kind == "ixfr" and len(x.diffs) == 2
          and x.serial == s2 and apply_diffs(
              {P.canon(r, ZONE) for r in recs} | g.added, x.diffs) ==
          g.expected(), x)
    x = g.ixfr(s1)
    check("good IXFR from the middle: 1 increment",
          x.kind == "ixfr" and len(x.diffs) == 1, x)
    check("good IXFR from the current serial: SOA alone",
          g.ixfr(s2).kind == "current")
    res = g.notify()
    r = sink.wait(ZONE, serial=s2, timeout=5)
    check("notify(): NOTIFY with the SOA, signed, answered",
          r is not None and r["tsig"] == "ok" and res[0] is not None
          and res[0].rcode() == dns.rcode.NOERROR, (r, res))
    sink.clear()
    resp = P.send_notify("127.0.0.1", sink.port, ZONE, key=None,
                         with_soa=False)
    r = sink.wait(ZONE, timeout=5)
    check("send_notify() without SOA or key",
          resp is not None and r is not None and r["serial"] is None and
          r["key"] is None, (resp, r))
    resp = P.send_notify("127.0.0.1", g.port, ZONE, key=KEY, serial=5)
    check("send_notify() to Garbage: signed answer",
          resp is not None and resp.had_tsig, resp)
    sink.clear()
    resp = P.send_notify("127.0.0.1", sink.port, ZONE, key=OTHER_KEY)
    r = sink.wait(ZONE, timeout=5)
    check("NotifySink: a wrong MAC is recorded, answered NOTAUTH",
          resp is not None and resp.rcode() == dns.rcode.NOTAUTH and
          r is not None and r["tsig"] == "bad", (resp, r))
    plain = P.NotifySink()
    try:
        resp = P.send_notify("127.0.0.1", plain.port, ZONE, key=KEY)
        r = plain.wait(ZONE, timeout=5)
        check("NotifySink without a key: a signed NOTIFY is unchecked",
              resp is not None and r is not None and
              r["tsig"] == "unchecked" and r["key"] == "xfr-key.", r)
    finally:
        plain.close()
    r = P.query(g.port, ZONE, "SOA", key=OTHER_KEY, tcp=True)
    check("Garbage: a query with a wrong MAC answered NOTAUTH",
          r.rcode() == dns.rcode.NOTAUTH)

    g.rrs_per_message = 50
    for rc in ("refused", "notimp", "servfail", "notauth", "formerr"):
        g.script(rc)
        try:
            g.ixfr(s1)
            check("%s" % rc, False)
        except P.XfrError as e:
            check("%s answered, signed (%s)" % (rc, e),
                  e.rcode == dns.rcode.from_text(rc.upper()))
    check("then AXFR good again", g.axfr() == g.expected())
    expect_fail(g, "garbage bytes", ("garbage", 500), "AXFR")
    expect_fail(g, "a framed garbage message", ("garbage-msg", 300), "AXFR")
    expect_fail(g, "cut after 3 messages", ("cut", 3), "AXFR",
                match="after 3 messages")
    expect_fail(g, "cut after 1000 bytes", ("cut-bytes", 1000), "AXFR")
    expect_fail(g, "bad MAC on message 0", ("badmac", 0), "AXFR")
    expect_fail(g, "bad MAC on message 4", ("badmac", 4), "AXFR",
                match="message 5")
    expect_fail(g, "bad MAC on the last message", ("badmac", -1), "AXFR")
    expect_fail(g, "unsigned answer", "unsigned", "AXFR",
                match="not signed")
    expect_fail(g, "last message unsigned", "unsigned-last", "AXFR",
                match="last message not signed")
    expect_fail(g, "no final SOA", "no-final-soa", "AXFR")
    expect_fail(g, "wrong id", "wrong-id", "AXFR", match="id")
    t = time.time()
    expect_fail(g, "hang", ("hang", 3), "AXFR", timeout=1)
    check("hang: the client timed out in about 1 s", time.time() - t < 2.5)
    expect_fail(g, "raw bytes", ("raw", b"\x00\x05abc"), "AXFR")
    g.script(("delay", 1))
    t = time.time()
    check("delay 1 s, then good", g.axfr() == g.expected() and
          time.time() - t >= 1)
    g.script("axfr-style")
    x = g.ixfr(s1)
    check("IXFR answered AXFR-style", x.kind == "axfr" and
          x.records == g.expected(), x)
    g.script(("wrong-serial", s0))
    x = P.transfer(g.port, ZONE, "AXFR", key=KEY)
    check("AXFR with another serial in its SOAs", x.serial == s0, x)
    expect_fail(g, "a function's bytes", lambda m, gg: b"\x00", "AXFR")
    g.set_serial(s2 + 10)
    check("set_serial(): SOA newer, data the same",
          g.serial() == s2 + 10 and g.ixfr(s2).kind == "axfr")
    asked = [r for r in g.requests if r[0] == "tcp" and r[1] in ("AXFR",
                                                                  "IXFR")]
    check("requests logged (%d transfers)" % len(asked), len(asked) > 20)
    g.stop()
    check("stop(): no answer", g.serial() is None)
    g.start()
    check("start() again", g.serial() == s2 + 10 and
          g.axfr() == g.expected())


def main():
    names = sys.argv[1:] or ["Bind", "Knot", "Nsd", "PowerDNS", "Garbage"]
    t0 = time.time()
    for n in names:
        if n == "Garbage":
            smoke_garbage()
        else:
            smoke_server(getattr(P, n))
    print("%.1f s" % (time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
