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
    the emulator's 5-per-second throttle and PriorRequestNotComplete, and
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
            emu_args=["--rate", "5", "--prior-request-check",
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
            info["rss"].append(rss_kib(d.proc.pid))
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
        info["rss"].append(rss_kib(d.proc.pid))
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
        self.assertGreater(stats["faults"], 30, stats)
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


if __name__ == "__main__":
    T.Results.main()
