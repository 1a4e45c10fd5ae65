#!/usr/bin/python3
"""Concurrency and fault tests of r53d's UPDATE path, against the Route 53
emulator (tests/r53emu.py) over TLS on loopback.

The promise under test: an UPDATE that r53d answered NOERROR is in Route 53
exactly once, whatever fails around it, and one it refused is absent.  The
rule applied to every UPDATE a test sends:

  - answered NOERROR: its changes are in the hosted zone, once;
  - answered with a prerequisite or policy rcode (NXRRSET, NXDOMAIN,
    YXDOMAIN, YXRRSET, REFUSED, NOTZONE, ...): none of its changes are;
  - answered SERVFAIL or never answered: it may or may not have been
    applied, but never twice and never on stale data, which the
    compare-and-swap chains of faults_client.py make visible.

The final state is always read from the emulator's own view
(Emulator.rrsets()), never through r53d.
"""
import os
import random
import re
import signal
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
import faults_client as FC  # noqa: E402

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."
CRRS = "ChangeResourceRecordSets"
LRRS = "ListResourceRecordSets"
ALGS = list(T.KEYS)


def key_for(i):
    alg = ALGS[i % len(ALGS)]
    name, secret = T.KEYS[alg]
    return (FC.keyring(alg, name, secret, T.DNSPY_ALG[alg]), name, alg)


KEY = key_for(3)        # hmac-sha256


def upd():
    return FC.new_update(KEY)


def fq(name):
    return name if name.endswith(".") else "%s.%s" % (name, ZONE)


def start_pair(zone_extra="", emu_args=(), aws_extra=""):
    """Like r53dtest.start_pair, with extra statements in the aws block."""
    emu = T.Emulator(("example.com",), tls=True, args=emu_args,
                     max_runtime=400)
    port = T.free_port()
    allow = " ".join('key "%s";' % n for n, _ in T.KEYS.values())
    conf = ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
            + emu.aws_conf(aws_extra)
            + 'zone "example.com" {\n\tallow-update { %s };\n%s};\n'
            % (allow, zone_extra))
    d = T.Daemon(conf, port=port)
    if not d.wait_log("zone example.com: loaded", timeout=20):
        text = d.logtext()
        d.close()
        emu.close()
        raise RuntimeError("zone did not load:\n" + text)
    return emu, d, port


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def soa_serial(rrsets):
    return int(rrsets[(ZONE, "SOA")][1][0].split()[2])


class Bounded(unittest.TestCase):
    """Each test runs under an alarm: a hang fails the test, not the run."""
    LIMIT = 60

    def setUp(self):
        def expire(signum, frame):
            raise TimeoutError("test exceeded %d s" % self.LIMIT)
        signal.signal(signal.SIGALRM, expire)
        signal.alarm(self.LIMIT)

    def tearDown(self):
        signal.alarm(0)

    def assertAlive(self, d):
        self.assertTrue(d.alive(), "r53d exited:\n" + d.logtext()[-3000:])

    def update(self, u, tcp=False, timeout=10.0):
        if tcp:
            return dns.query.tcp(u, "127.0.0.1", port=self.port,
                                 timeout=timeout).rcode()
        return dns.query.udp(u, "127.0.0.1", port=self.port,
                             timeout=timeout).rcode()

    def assertRcode(self, got, want, what=""):
        self.assertEqual(got, want, "%s: %s, expected %s" % (
            what, FC.rcode_text(got), FC.rcode_text(want)))


# ---------------------------------------------------------------------------

class ConcurrentFaults(Bounded):
    """20 clients x 50 compare-and-swap UPDATEs under a fault schedule,
    Route 53's request and change buckets and PriorRequestNotComplete, and
    somebody else writing the shared RRsets at the same time."""
    LIMIT = 150
    NCLIENTS = 20
    NUPD = 50
    RUN_S = 100         # clients give up after this

    FAULTS = [
        {"type": "throttle", "count": 3},
        {"type": "500"},
        {"type": "503"},
        {"type": "prior", "op": CRRS},
        {"type": "close_before", "op": CRRS},
        {"type": "close_after", "op": CRRS},
        {"type": "truncate", "op": CRRS},
        {"type": "slow", "delay": 0.6, "op": CRRS},
        {"type": "slow", "delay": 0.3},
        {"type": "close_after", "op": LRRS},
        {"type": "truncate", "op": LRRS},
        {"type": "503", "op": LRRS},
    ]

    def test_concurrent_updates_under_faults(self):
        emu, d, port = start_pair(
            emu_args=["--throttle", "--prior-request-check",
                      "--processing-delay", "0.15"],
            aws_extra="")
        self.port = port
        print("\n  r53d log: %s" % d.logpath, file=sys.stderr)
        try:
            self.run_clients(emu, d, port)
        finally:
            d.close()
            emu.close()

    def run_clients(self, emu, d, port):
        # The chains' counters, written "from the console" beforehand.
        r = emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "ChangeBatch": {"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "c%02d.%s" % (c, ZONE), "Type": "TXT",
                    "TTL": 60, "ResourceRecords": [{"Value": '"n=0"'}]}}
                for c in range(self.NCLIENTS)]}})
        self.assertIn("ChangeInfo", r, r)
        # r53d has not seen them: its first write to each is refused and
        # it reads the names again.
        serial0 = soa_serial(emu.rrsets())
        emu.call("POST", "/_emu/stats/reset", {})
        stop = threading.Event()
        rng = random.Random(2136)
        deadline = time.monotonic() + self.RUN_S
        # One client in four is impatient: it gives up on an attempt
        # within a second or two and sends a new one, so attempts whose
        # outcome the client never learns are common.
        clients = [FC.ChainClient(c, port, key_for(c), self.NUPD, deadline,
                                  seed=1000 + c,
                                  patience=0.25 if c % 4 == 3 else 1.0)
                   for c in range(self.NCLIENTS)]
        ext = {}                # shared RRset -> values written by others
        info = {"faults_posted": 0, "writes": 0, "write_conflicts": 0,
                "rss": []}

        def schedule():
            while not stop.is_set():
                pending = emu.call("GET", "/_emu/faults")["faults"]
                if not pending:
                    batch = [dict(rng.choice(self.FAULTS))]
                    emu.call("POST", "/_emu/faults", {"faults": batch})
                    info["faults_posted"] += len(batch)
                stop.wait(rng.uniform(0.5, 2.0))

        def somebody_else():
            i = 0
            while not stop.is_set():
                stop.wait(rng.uniform(0.5, 1.5))
                k = rng.randint(1, self.NUPD)
                name = "s%d.%s" % (k, ZONE)
                cur = emu.rrsets().get((name, "TXT"))
                val = '"ext%d"' % i
                ch = []
                if cur:
                    ch.append({"Action": "DELETE", "ResourceRecordSet": {
                        "Name": name, "Type": "TXT", "TTL": cur[0],
                        "ResourceRecords": [{"Value": v} for v in cur[1]]}})
                vals = (cur[1] if cur else []) + [val]
                ch.append({"Action": "CREATE", "ResourceRecordSet": {
                    "Name": name, "Type": "TXT", "TTL": 60,
                    "ResourceRecords": [{"Value": v} for v in vals]}})
                r = emu.call("POST", "/_emu/write", {
                    "HostedZoneId": "example.com",
                    "ChangeBatch": {"Changes": ch}})
                if "ChangeInfo" in r:
                    ext.setdefault(name, set()).add(val)
                    info["writes"] += 1
                    i += 1
                else:
                    info["write_conflicts"] += 1

        helpers = [threading.Thread(target=schedule, daemon=True),
                   threading.Thread(target=somebody_else, daemon=True)]
        t0 = time.monotonic()
        for t in helpers + clients:
            t.start()
        while any(c.is_alive() for c in clients):
            info["rss"].append(rss_kib(d.worker_pid()))
            time.sleep(0.5)
            if time.monotonic() > deadline + 30:
                break
        stop.set()
        for t in helpers:
            t.join(15)
        emu.call("POST", "/_emu/faults", {"clear": True})
        elapsed = time.monotonic() - t0
        # r53d may still be working off retries of abandoned attempts;
        # let its queue drain before looking (answers nobody waits for).
        quiet = time.monotonic() + 20
        last = None
        while time.monotonic() < quiet:
            st = emu.call("GET", "/_emu/stats")
            if st["total"] == last:
                break
            last = st["total"]
            time.sleep(2.0)
        info["rss"].append(rss_kib(d.worker_pid()))
        stats = emu.call("GET", "/_emu/stats")
        state = emu.rrsets()
        log = d.logtext()
        self.assertAlive(d)

        errors = [e for c in clients for e in c.errors]
        self.assertEqual(errors, [], "\n".join(errors))
        unfinished = [(c.c, c.pending) for c in clients if c.pending]
        self.assertEqual(unfinished, [], "clients still waiting at the "
                         "deadline: %r" % unfinished)

        # Every attempt of every client against the zone.
        present_attempts = set()
        for (name, rtype) in state:
            m = re.fullmatch(r"c(\d\d)-u(\d+)-a(\d+)\.example\.com\.", name)
            if m:
                present_attempts.add(tuple(int(x) for x in m.groups()))
        shared_expect = {}
        counts = {"NOERROR": 0, "NXRRSET": 0, "SERVFAIL": 0, "TIMEOUT": 0,
                  "REFUSED": 0, "bad NXRRSET": 0}
        for c in clients:
            cid = c.c
            self.assertEqual(state.get((c.owner(), "TXT")),
                             (60, ['"n=%d"' % len(c.applied)]),
                             "client %d: counter after %d applied updates"
                             % (cid, len(c.applied)))
            for k in range(1, self.NUPD + 1):
                tried = sorted(a for (kk, a) in c.outcomes if kk == k)
                here = [a for a in tried if (cid, k, a) in present_attempts]
                # Exactly once: one attempt of each K is in the zone.
                self.assertEqual(len(here), 1, "client %d update %d: "
                                 "attempts in the zone %r of %r (%r)"
                                 % (cid, k, here, tried,
                                    [FC.rcode_text(c.outcomes[(k, a)])
                                     for a in tried]))
                a = here[0]
                how = c.applied[k]
                if isinstance(how, int):
                    self.assertEqual(a, how, "client %d update %d: "
                                     "acknowledged attempt %d, but "
                                     "attempt %d is in the zone"
                                     % (cid, k, how, a))
                else:
                    self.assertIn(a, how, "client %d update %d: attempt "
                                  "%d applied; its answer said otherwise"
                                  % (cid, k, a))
                name = c.attempt_name(k, a)
                self.assertEqual(state[(name, "A")],
                                 (60, [c.attempt_addr(k, a)]))
                shared_expect.setdefault("s%d.%s" % (k, ZONE), set()).add(
                    c.shared_value(a))
                for aa in tried:
                    rc = c.outcomes[(k, aa)]
                    counts[FC.rcode_text(rc)] = \
                        counts.get(FC.rcode_text(rc), 0) + 1
                    if rc in (dns.rcode.NXRRSET, dns.rcode.REFUSED):
                        # Refused: absent.
                        self.assertNotIn((cid, k, aa), present_attempts)
            for k, rc in c.bad.items():
                self.assertIn(rc, (dns.rcode.NXRRSET, dns.rcode.SERVFAIL,
                                   FC.TIMEOUT), "bad update %d/%d: %s"
                              % (cid, k, FC.rcode_text(rc)))
                if rc == dns.rcode.NXRRSET:
                    counts["bad NXRRSET"] += 1
                self.assertNotIn(("c%02d-bad%d.%s" % (cid, k, ZONE), "A"),
                                 state)
        # Shared RRsets: every client's applied attempt, and everything
        # somebody else wrote there, nothing more.
        for name in set(shared_expect) | set(ext):
            want = shared_expect.get(name, set()) | ext.get(name, set())
            got = state.get((name, "TXT"))
            self.assertIsNotNone(got, name)
            self.assertEqual(sorted(got[1]), sorted(want), name)
        # Nothing else in the zone.
        for (name, rtype) in state:
            ok = (name == ZONE or re.fullmatch(
                r"(c\d\d|c\d\d-u\d+-a\d+|s\d+)\.example\.com\.", name))
            self.assertTrue(ok, "unexpected %s %s" % (name, rtype))
        # r53d's mirror agrees with Route 53 on the serial.
        q = dns.message.make_query(ZONE, "SOA")
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3)
        self.assertEqual(r.answer[0][0].serial, soa_serial(state))
        self.assertGreater(soa_serial(state), serial0)

        # The faults did happen, and r53d took every recovery path.
        # (One fault at a time, every 0.5 to 2 s: a run that ends sooner
        # sees fewer; the paths below are what must have been taken.)
        self.assertGreater(stats["faults"], 15, stats)
        for text in ("outcome of a change batch unknown",
                     "the batch with serial",
                     "Route 53 refused the batch"):
            self.assertIn(text, log)
        self.assertRegex(log, r"batch with serial \d+ was applied")
        self.assertRegex(log, r"batch with serial \d+ was not applied")
        rss_max = max(info["rss"])
        print("\n  %d clients x %d updates in %.1f s: %r; %d API requests "
              "%r, %d faults, errors %r; %d writes by somebody else "
              "(%d conflicts); udp/tcp sends %d/%d; RSS max %d KiB, "
              "last %d KiB" % (
                  self.NCLIENTS, self.NUPD, elapsed, counts, stats["total"],
                  stats["operations"], stats["faults"], stats["errors"],
                  info["writes"], info["write_conflicts"],
                  sum(c.sends["udp"] for c in clients),
                  sum(c.sends["tcp"] for c in clients), rss_max,
                  info["rss"][-1]), file=sys.stderr)
        self.assertGreater(info["writes"], 10)
        # A leak guard, not a budget.
        self.assertLess(rss_max, 64 * 1024, "r53d RSS %d KiB" % rss_max)



# ---------------------------------------------------------------------------

class Shared(Bounded):
    """One emulator and one r53d for several tests; each test uses names
    of its own and starts with no faults and default emulator settings."""
    LIMIT = 45
    ZONE_EXTRA = ""

    @classmethod
    def setUpClass(cls):
        cls.emu, cls.d, cls.port = start_pair(zone_extra=cls.ZONE_EXTRA)

    @classmethod
    def tearDownClass(cls):
        cls.d.close()
        cls.emu.close()

    def setUp(self):
        Bounded.setUp(self)
        self.emu.call("POST", "/_emu/faults", {"clear": True})
        self.emu.call("POST", "/_emu/config", {"latency_ms": 0,
                                               "max_rrsets": 10000})
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.mark = len(self.d.logtext())

    def tearDown(self):
        Bounded.tearDown(self)
        self.emu.call("POST", "/_emu/faults", {"clear": True})
        self.assertAlive(self.d)

    def newlog(self):
        return self.d.logtext()[self.mark:]

    def fault(self, *faults):
        r = self.emu.call("POST", "/_emu/faults", {"faults": list(faults)})
        self.assertIn("faults", r, r)

    def crrs_calls(self):
        st = self.emu.call("GET", "/_emu/stats")
        return st["operations"].get(CRRS, 0)

    def state(self, name, rtype="A"):
        got = self.emu.rrsets().get((fq(name), rtype))
        return sorted(got[1]) if got else None

    def console(self, *changes):
        """Change the hosted zone "from the console", not through r53d."""
        ch = []
        for action, name, rtype, values in changes:
            ch.append({"Action": action, "ResourceRecordSet": {
                "Name": fq(name), "Type": rtype, "TTL": 300,
                "ResourceRecords": [{"Value": v} for v in values]}})
        r = self.emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "ChangeBatch": {"Changes": ch}})
        self.assertIn("ChangeInfo", r, r)

    def add(self, name, rtype, *values, tcp=False):
        u = upd()
        for v in values:
            u.add(fq(name), 300, rtype, v)
        return self.update(u, tcp=tcp)


class SomebodyElse(Shared):
    """Writes made behind r53d's back are never overwritten, and
    prerequisites are answered on data Route 53 confirmed."""

    def test_write_behind_back_not_overwritten(self):
        self.assertRcode(self.add("www2", "A", "192.0.2.1"), 0)
        self.console(("DELETE", "www2", "A", ["192.0.2.1"]),
                     ("CREATE", "www2", "A", ["192.0.2.9"]))
        self.mark = len(self.d.logtext())
        self.assertRcode(self.add("www2", "A", "192.0.2.2"), 0)
        self.assertEqual(self.state("www2"), ["192.0.2.2", "192.0.2.9"])
        log = self.newlog()
        self.assertRegex(log, r"Route 53 refused the batch \(InvalidChange"
                         r"Batch: .*www2\.example\.com.*reading the names "
                         r"again")
        self.assertRegex(log, r"ListResourceRecordSets .*: 200")
        # Deleting a value somebody else removed already: nothing lost,
        # the value somebody else added stays.
        self.console(("DELETE", "www2", "A", ["192.0.2.2", "192.0.2.9"]),
                     ("CREATE", "www2", "A", ["192.0.2.9", "192.0.2.10"]))
        u = upd()
        u.delete(fq("www2"), "A", "192.0.2.2")
        u.add(fq("www2"), 300, "A", "192.0.2.3")
        self.assertRcode(self.update(u), 0)
        self.assertEqual(self.state("www2"),
                         ["192.0.2.10", "192.0.2.3", "192.0.2.9"])

    def test_refusal_after_unknown_outcome(self):
        # A batch refused once, then applied with its answer lost: the
        # next refusal (somebody else wrote another name) is a first
        # refusal again, answered after reading the name, not SERVFAIL.
        self.assertRcode(self.add("x2a", "A", "192.0.2.1"), 0)
        self.assertRcode(self.add("x2b", "A", "192.0.2.1"), 0)
        self.fault({"type": "error", "op": CRRS, "status": 400,
                    "code": "InvalidChangeBatch",
                    "message": "[Tried to delete resource record set "
                    "[name='x2a.example.com.', type='A'] but the values "
                    "provided do not match the current values]"},
                   {"type": "close_after", "op": CRRS})
        self.assertRcode(self.add("x2a", "A", "192.0.2.2"), 0)
        self.assertEqual(self.state("x2a"), ["192.0.2.1", "192.0.2.2"])
        self.assertRegex(self.newlog(), r"batch with serial \d+ was applied")
        self.console(("DELETE", "x2b", "A", ["192.0.2.1"]),
                     ("CREATE", "x2b", "A", ["192.0.2.9"]))
        self.mark = len(self.d.logtext())
        self.assertRcode(self.add("x2b", "A", "192.0.2.2"), 0)
        self.assertEqual(self.state("x2b"), ["192.0.2.2", "192.0.2.9"])
        self.assertIn("reading the names again", self.newlog())

    def test_prereq_on_other_name_changed_behind_back(self):
        # The UPDATE changes other names than its prerequisites name.  The
        # prerequisites hold on the mirror but no longer in Route 53: the
        # batch asserts the RRsets unchanged, Route 53 refuses it, and on
        # the names read again the UPDATE fails: absent.
        self.assertRcode(self.add("g2", "A", "192.0.2.1"), 0)
        self.assertRcode(self.add("g2-set", "TXT", '"x"'), 0)
        self.assertRcode(self.add("g2-name", "TXT", '"x"'), 0)
        self.console(("DELETE", "g2", "A", ["192.0.2.1"]),
                     ("CREATE", "g2", "A", ["192.0.2.8"]),
                     ("DELETE", "g2-set", "TXT", ['"x"']),
                     ("CREATE", "g2-set", "TXT", ['"y"']),
                     ("DELETE", "g2-name", "TXT", ['"x"']))
        cases = [
            ("value", lambda u: u.present(fq("g2"), "A", "192.0.2.1"),
             dns.rcode.NXRRSET),
            ("name", lambda u: u.present(fq("g2-name")),
             dns.rcode.NXDOMAIN),
            ("rrset", lambda u: u.present(fq("g2-name"), "TXT"),
             dns.rcode.NXRRSET),
        ]
        for i, (what, prereq, rc) in enumerate(cases):
            self.mark = len(self.d.logtext())
            u = upd()
            prereq(u)
            u.add(fq("g2-h%d" % i), 300, "A", "192.0.2.%d" % (30 + i))
            self.assertRcode(self.update(u), rc, what)
            self.assertIsNone(self.state("g2-h%d" % i), what)
            if i < 2:
                self.assertIn("Route 53 refused the batch", self.newlog(),
                              what)
        # On what Route 53 holds, they hold; the asserted RRsets are
        # rewritten unchanged.
        u = upd()
        u.present(fq("g2"), "A", "192.0.2.8")
        u.present(fq("g2-set"), "TXT")
        u.present(fq("g2-set"))
        u.add(fq("g2-ok"), 300, "A", "192.0.2.40")
        self.assertRcode(self.update(u), 0)
        self.assertEqual(self.state("g2-ok"), ["192.0.2.40"])
        self.assertEqual(self.state("g2"), ["192.0.2.8"])
        self.assertEqual(self.state("g2-set", "TXT"), ['"y"'])

    def test_prereq_on_changed_rrset_uses_fresh_data(self):
        # The UPDATE changes the RRset its prerequisite names: the stale
        # prerequisite passes on the mirror, the compare-and-swap fails,
        # and on the names read again it fails for good: NXRRSET, absent.
        self.assertRcode(self.add("p2", "A", "192.0.2.1"), 0)
        self.console(("DELETE", "p2", "A", ["192.0.2.1"]),
                     ("CREATE", "p2", "A", ["192.0.2.5"]))
        u = upd()
        u.present(fq("p2"), "A", "192.0.2.1")
        u.delete(fq("p2"), "A", "192.0.2.1")
        u.add(fq("p2"), 300, "A", "192.0.2.3")
        self.assertRcode(self.update(u), dns.rcode.NXRRSET)
        self.assertEqual(self.state("p2"), ["192.0.2.5"])
        self.assertIn("Route 53 refused the batch", self.newlog())
        # The same on what Route 53 holds now: it holds, applied once.
        u = upd()
        u.present(fq("p2"), "A", "192.0.2.5")
        u.delete(fq("p2"), "A", "192.0.2.5")
        u.add(fq("p2"), 300, "A", "192.0.2.6")
        self.assertRcode(self.update(u), 0)
        self.assertEqual(self.state("p2"), ["192.0.2.6"])

    def test_failed_prereq_read_again(self):
        # The prerequisite fails on the mirror but holds in Route 53:
        # r53d reads the name again before answering.
        self.assertRcode(self.add("q2", "A", "192.0.2.1"), 0)
        self.console(("DELETE", "q2", "A", ["192.0.2.1"]),
                     ("CREATE", "q2", "A", ["192.0.2.7"]))
        self.console(("CREATE", "q2-new", "TXT", ['"console"']))
        self.assertRcode(self.add("q2-gone", "A", "192.0.2.1"), 0)
        self.console(("DELETE", "q2-gone", "A", ["192.0.2.1"]))
        self.mark = len(self.d.logtext())
        cases = [
            ("present(value)", lambda u: u.present(fq("q2"), "A",
                                                   "192.0.2.7")),
            ("present(rrset)", lambda u: u.present(fq("q2-new"), "TXT")),
            ("present(name)", lambda u: u.present(fq("q2-new"))),
            ("absent(name)", lambda u: u.absent(fq("q2-gone"))),
            ("absent(rrset)", lambda u: u.absent(fq("q2-gone"), "A")),
        ]
        for i, (what, prereq) in enumerate(cases):
            u = upd()
            prereq(u)
            u.add(fq("q2-r%d" % i), 300, "A", "192.0.2.%d" % (10 + i))
            self.assertRcode(self.update(u), 0, what)
            self.assertEqual(self.state("q2-r%d" % i),
                             ["192.0.2.%d" % (10 + i)], what)
        self.assertIn("prerequisite not satisfied; reading 1 name again",
                      self.newlog())
        # Prerequisites that fail in Route 53 too: refused, absent, and
        # the names are not read again while nothing can have changed.
        fails = [
            ("value", lambda u: u.present(fq("q2"), "A", "192.0.2.1"),
             dns.rcode.NXRRSET),
            ("rrset", lambda u: u.present(fq("q2-gone"), "A"),
             dns.rcode.NXRRSET),
            ("name", lambda u: u.present(fq("q2-gone")), dns.rcode.NXDOMAIN),
            ("absent name", lambda u: u.absent(fq("q2")), dns.rcode.YXDOMAIN),
            ("absent rrset", lambda u: u.absent(fq("q2"), "A"),
             dns.rcode.YXRRSET),
        ]
        for i, (what, prereq, rc) in enumerate(fails):
            u = upd()
            prereq(u)
            u.add(fq("q2-f%d" % i), 300, "A", "192.0.2.%d" % (20 + i))
            self.assertRcode(self.update(u), rc, what)
            self.assertIsNone(self.state("q2-f%d" % i), what)


class UnknownOutcome(Shared):
    """ChangeResourceRecordSets whose answer never arrives: the apex SOA
    serial tells whether it was applied; never applied twice."""

    def chain(self, name, k, tcp=False):
        """Move counter name from n=k-1 to n=k under a prerequisite."""
        u = upd()
        if k == 1:
            u.absent(fq(name), "TXT")
        else:
            u.present(fq(name), "TXT", '"n=%d"' % (k - 1))
            u.delete(fq(name), "TXT", '"n=%d"' % (k - 1))
        u.add(fq(name), 300, "TXT", '"n=%d"' % k)
        return u

    def counter(self, name):
        return self.state(name, "TXT")

    def test_close_after_applied_once(self):
        self.assertRcode(self.update(self.chain("u3a", 1)), 0)
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.fault({"type": "close_after", "op": CRRS})
        self.assertRcode(self.update(self.chain("u3a", 2)), 0)
        self.assertEqual(self.counter("u3a"), ['"n=2"'])
        self.assertEqual(self.crrs_calls(), 1, "sent again")
        log = self.newlog()
        self.assertIn("outcome of a change batch unknown", log)
        self.assertRegex(log, r"ListResourceRecordSets .*: 200")
        self.assertRegex(log, r"the batch with serial \d+ was applied")
        self.assertRegex(log, r"update .*: NOERROR: .*u3a.*change "
                         r"\(unknown id\)")

    def test_truncated_answer_applied_once(self):
        self.assertRcode(self.update(self.chain("u3t", 1)), 0)
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.fault({"type": "truncate", "op": CRRS})
        self.assertRcode(self.update(self.chain("u3t", 2), tcp=True), 0)
        self.assertEqual(self.counter("u3t"), ['"n=2"'])
        self.assertEqual(self.crrs_calls(), 1)
        self.assertRegex(self.newlog(), r"batch with serial \d+ was applied")

    def test_close_before_not_applied_then_once(self):
        self.assertRcode(self.update(self.chain("u3b", 1)), 0)
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.fault({"type": "close_before", "op": CRRS})
        self.assertRcode(self.update(self.chain("u3b", 2)), 0)
        self.assertEqual(self.counter("u3b"), ['"n=2"'])
        self.assertEqual(self.crrs_calls(), 2)
        log = self.newlog()
        self.assertRegex(log, r"batch with serial \d+ was not applied; "
                         r"evaluating it again")

    def test_soa_read_back_fails_too(self):
        # The answer is lost and the first reads of the SOA fail as well.
        self.assertRcode(self.update(self.chain("u3s", 1)), 0)
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.fault({"type": "close_after", "op": CRRS},
                   {"type": "503", "op": LRRS, "count": 2},
                   {"type": "truncate", "op": LRRS},
                   {"type": "close_after", "op": LRRS})
        self.assertRcode(self.update(self.chain("u3s", 2), timeout=20), 0)
        self.assertEqual(self.counter("u3s"), ['"n=2"'])
        self.assertEqual(self.crrs_calls(), 1)
        self.assertRegex(self.newlog(), r"batch with serial \d+ was applied")
        # The next one goes through normally.
        self.assertRcode(self.update(self.chain("u3s", 3)), 0)
        self.assertEqual(self.counter("u3s"), ['"n=3"'])

    def test_udp_retransmission_applied_once(self):
        self.assertRcode(self.update(self.chain("u3r", 1)), 0)
        self.emu.call("POST", "/_emu/stats/reset", {})
        self.fault({"type": "slow", "delay": 1.5, "op": CRRS})
        u = self.chain("u3r", 2)
        wire = u.to_wire()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        answers = []
        try:
            s.settimeout(0.4)
            end = time.monotonic() + 4.0
            sent = 0
            while time.monotonic() < end:
                if sent < 3:
                    s.sendto(wire, ("127.0.0.1", self.port))
                    sent += 1
                try:
                    answers.append(s.recv(65535))
                except socket.timeout:
                    pass
            # Answered; the same bytes once more: the same answer, from
            # memory, nothing sent to Route 53.
            s.sendto(wire, ("127.0.0.1", self.port))
            s.settimeout(2.0)
            again = s.recv(65535)
        finally:
            s.close()
        self.assertEqual(len(answers), 1, "one answer for three copies")
        for a in answers + [again]:
            r = dns.message.from_wire(a, keyring=u.keyring,
                                      request_mac=u.mac)
            self.assertRcode(r.rcode(), 0)
        self.assertEqual(self.counter("u3r"), ['"n=2"'])
        self.assertEqual(self.crrs_calls(), 1)
        log = self.newlog()
        self.assertIn("a copy of an update in progress; its answer serves "
                      "both", log)
        self.assertIn("a copy of an update already taken is not applied "
                      "again", log)


class BatchSplit(Shared):
    """A batch Route 53 refuses for one UPDATE r53d could not predict:
    the others go through, the one alone gets SERVFAIL."""

    def test_one_bad_update_in_a_batch(self):
        names = ["b4-%d" % i for i in range(5)]
        for n in names:
            self.assertRcode(self.add(n, "A", "192.0.2.1"), 0)
        # The zone is full as far as Route 53 is concerned: any new
        # RRset is refused, which r53d cannot know beforehand.
        full = len(self.emu.rrsets())
        self.emu.call("POST", "/_emu/config", {"max_rrsets": full})
        # Hold the first batch back so the others queue into one batch.
        self.fault({"type": "slow", "delay": 1.0, "op": CRRS})
        jobs = [("b4-0", "192.0.2.2")]
        jobs += [(n, "192.0.2.2") for n in names[1:3]]
        jobs += [("b4-new", "192.0.2.2")]
        jobs += [(n, "192.0.2.2") for n in names[3:]]
        results = {}

        def one(name, value):
            results[name] = self.add(name, "A", value)

        threads = []
        for name, value in jobs:
            t = threading.Thread(target=one, args=(name, value))
            t.start()
            threads.append(t)
            time.sleep(0.15 if name == "b4-0" else 0.02)
        for t in threads:
            t.join(20)
        for n in names:
            self.assertRcode(results.get(n), 0, n)
            self.assertEqual(self.state(n), ["192.0.2.1", "192.0.2.2"], n)
        self.assertRcode(results.get("b4-new"), dns.rcode.SERVFAIL)
        self.assertIsNone(self.state("b4-new"))
        log = self.newlog()
        self.assertRegex(log, r"sending \d+ changes for [2-9] units")
        self.assertIn("refused again; trying the first", log)
        self.assertRegex(log, r"update .*: SERVFAIL: add b4-new\.example\.com"
                         r"\..*Route 53: InvalidChangeBatch: .*Exceeded "
                         r"limit MAX_RRSETS_BY_ZONE")
        # Once there is room again it goes through.
        self.emu.call("POST", "/_emu/config", {"max_rrsets": 10000})
        self.assertRcode(self.add("b4-new", "A", "192.0.2.2"), 0)
        self.assertEqual(self.state("b4-new"), ["192.0.2.2"])


class SizeLimits(Shared):
    """UPDATEs Route 53 could never take are refused up front."""

    def test_too_many_records_for_one_batch(self):
        u = upd()
        for i in range(1100):
            u.add(fq("big%d" % i), 300, "A", "10.9.%d.%d" % (i // 256,
                                                              i % 256))
        self.assertRcode(self.update(u, tcp=True), dns.rcode.REFUSED)
        state = self.emu.rrsets()
        self.assertFalse([k for k in state if k[0].startswith("big")])
        self.assertIn("too large for one Route 53 change batch",
                      self.newlog())
        self.assertEqual(self.crrs_calls(), 0)

    def test_400_values_ok_401_refused(self):
        u = upd()
        vals = ["10.8.%d.%d" % (i // 200, i % 200) for i in range(401)]
        for v in vals[:400]:
            u.add(fq("v400"), 300, "A", v)
        self.assertRcode(self.update(u, tcp=True), 0)
        self.assertEqual(len(self.state("v400")), 400)
        u = upd()
        for v in vals:
            u.add(fq("v401"), 300, "A", v)
        self.assertRcode(self.update(u, tcp=True), dns.rcode.REFUSED)
        self.assertIsNone(self.state("v401"))
        # One more value to the full set: refused, the set unchanged.
        self.assertRcode(self.add("v400", "A", "10.8.9.9"),
                         dns.rcode.REFUSED)
        self.assertEqual(len(self.state("v400")), 400)

    def test_zz_memory_after_large_updates(self):
        # Runs after the large UPDATEs above (same daemon): a leak guard.
        kib = rss_kib(self.d.worker_pid())
        print("\n  r53d RSS after large UPDATEs: %d KiB" % kib,
              file=sys.stderr)
        self.assertLess(kib, 64 * 1024)


class WaitInsync(Shared):
    """wait-insync yes: the answer waits for GetChange to say INSYNC; a
    failing GetChange delays it but never sends the change again."""
    ZONE_EXTRA = "\twait-insync yes;\n"

    def test_insync_through_getchange_faults(self):
        self.emu.call("POST", "/_emu/config", {"insync_delay": 1.0})
        try:
            self.fault({"type": "500", "op": "GetChange"},
                       {"type": "close_after", "op": "GetChange"},
                       {"type": "truncate", "op": "GetChange"},
                       {"type": "throttle", "op": "GetChange", "count": 2})
            t0 = time.monotonic()
            u = upd()
            u.absent(fq("wi"), "TXT")
            u.add(fq("wi"), 300, "TXT", '"n=1"')
            self.assertRcode(self.update(u, timeout=30), 0)
            dt = time.monotonic() - t0
        finally:
            self.emu.call("POST", "/_emu/config", {"insync_delay": 0})
        self.assertGreaterEqual(dt, 1.0, "answered before INSYNC")
        self.assertEqual(self.state("wi", "TXT"), ['"n=1"'])
        self.assertEqual(self.crrs_calls(), 1)
        st = self.emu.call("GET", "/_emu/stats")
        self.assertGreaterEqual(st["operations"].get("GetChange", 0), 2)
        self.assertRegex(self.newlog(), r"change \w+ INSYNC after \d+ ms")


class QueueLimit(Shared):
    ZONE_EXTRA = "\tqueue-limit 5;\n"

    def test_beyond_queue_limit_refused(self):
        self.emu.call("POST", "/_emu/config", {"latency_ms": 1500})
        results = {}

        def one(i):
            results[i] = self.add("ql%d" % i, "A", "192.0.2.%d" % (i + 1))

        threads = [threading.Thread(target=one, args=(i,))
                   for i in range(10)]
        for t in threads:
            t.start()
            time.sleep(0.01)
        for t in threads:
            t.join(20)
        ok = sorted(i for i, rc in results.items() if rc == 0)
        refused = sorted(i for i, rc in results.items()
                         if rc == dns.rcode.REFUSED)
        self.assertEqual(len(results), 10)
        self.assertEqual((len(ok), len(refused)), (5, 5), results)
        for i in ok:
            self.assertEqual(self.state("ql%d" % i), ["192.0.2.%d" % (i + 1)])
        for i in refused:
            self.assertIsNone(self.state("ql%d" % i))
        self.assertIn("queue full (5)", self.newlog())
        self.emu.call("POST", "/_emu/config", {"latency_ms": 0})
        self.assertRcode(self.add("ql-after", "A", "192.0.2.99"), 0)


class UpdateTimeout(Shared):
    """update-timeout 2: every UPDATE is answered within about 2 s.  One
    whose batch Route 53 has not answered by then gets SERVFAIL while the
    batch goes on (the rule: SERVFAIL may or may not be applied); the log
    line that closes it says how it ended, and the zone agrees."""
    ZONE_EXTRA = "\tupdate-timeout 2;\n"

    def timed(self, name, value, out):
        t0 = time.monotonic()
        rc = self.add(name, "A", value)
        out[name] = (rc, time.monotonic() - t0)

    def run_pair(self, first, second):
        out = {}
        a = threading.Thread(target=self.timed, args=(first, "192.0.2.1",
                                                      out))
        b = threading.Thread(target=self.timed, args=(second, "192.0.2.2",
                                                      out))
        a.start()
        time.sleep(0.3)
        b.start()
        a.join(40)
        b.join(40)
        return out

    def closing_rcode(self, name, timeout=30):
        """The rcode of the log line that closes the UPDATE adding name."""
        rx = re.compile(r"update \S+ key \S+ zone example\.com: ([A-Z]+): "
                        r"(?:add )?%s\." % re.escape(fq(name)[:-1]))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = rx.findall(self.newlog())
            if m:
                return m[-1]
            time.sleep(0.2)
        return None

    def assertTimely(self, out, name):
        rc, dt = out[name]
        self.assertIn(rc, (0, dns.rcode.SERVFAIL), name)
        self.assertLessEqual(dt, 3.5, "%s answered after %.1f s" % (name,
                                                                     dt))
        if rc == dns.rcode.SERVFAIL:
            self.assertGreaterEqual(dt, 1.5, "%s: SERVFAIL after %.1f s"
                                    % (name, dt))
        return rc

    def test_slow_route53(self):
        # Route 53 applies the first batch but answers after 4 s.
        self.fault({"type": "slow", "delay": 4.0, "op": CRRS})
        out = self.run_pair("ut-a", "ut-b")
        self.assertTimely(out, "ut-a")
        # The second waited in the queue: SERVFAIL, never sent.
        self.assertRcode(self.assertTimely(out, "ut-b"), dns.rcode.SERVFAIL)
        self.assertIn("update-timeout reached before it could be sent",
                      self.newlog())
        # The first one's batch was applied: the log closes it NOERROR.
        self.assertEqual(self.closing_rcode("ut-a"), "NOERROR")
        self.assertEqual(self.state("ut-a"), ["192.0.2.1"])
        self.assertRcode(self.add("ut-c", "A", "192.0.2.3"), 0)
        self.assertEqual(self.state("ut-c"), ["192.0.2.3"])
        self.assertIsNone(self.state("ut-b"))

    def test_throttled_route53(self):
        # Route 53 throttles every change: nothing is applied.
        self.fault({"type": "throttle", "op": CRRS, "count": 1000})
        out = self.run_pair("ut-d", "ut-e")
        self.assertRcode(self.assertTimely(out, "ut-d"), dns.rcode.SERVFAIL)
        self.assertRcode(self.assertTimely(out, "ut-e"), dns.rcode.SERVFAIL)
        # The second was never sent; once r53d stops retrying the first
        # batch, the first is closed SERVFAIL too, without a new answer.
        self.assertIn("SERVFAIL: update-timeout reached before it could be "
                      "sent (", self.newlog())
        self.assertTrue(self.d.wait_log(
            "SERVFAIL: update-timeout reached before it could be sent, "
            "answered SERVFAIL at update-timeout before", timeout=30),
            self.newlog())
        self.assertNotRegex(self.newlog(), r"NOERROR: add ut-[de]")
        self.emu.call("POST", "/_emu/faults", {"clear": True})
        self.assertRcode(self.add("ut-f", "A", "192.0.2.6"), 0)
        self.assertEqual(self.state("ut-f"), ["192.0.2.6"])
        self.assertIsNone(self.state("ut-d"))
        self.assertIsNone(self.state("ut-e"))


if __name__ == "__main__":
    T.Results.main()
