#!/usr/bin/python3
"""r53d's statistics and CHAOS names, read the way an operator reads
them: with dig and kdig (CH TXT stats.r53d, version.bind, hostname.bind,
id.server, version.server) and with SIGUSR1 (the log).

After a known number of UPDATEs (from nsupdate: some NOERROR, some
REFUSED, one NXRRSET) and queries (dig, kdig), the counters say exactly
that; a throttle injected into the emulator shows as one throttle and
one retry; allow-stats is enforced, by address and by key; the CHAOS
zones are answered as BIND 9 answers its own (compared with a real
named on loopback, the same options given), on and off.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

ALG = "hmac-sha256"
KEY, SECRET = T.KEYS[ALG]


def y():
    return ["-y", "%s:%s:%s" % (ALG, KEY, SECRET)]


def nsupdate(port, body, key=True):
    """One UPDATE of example.com by nsupdate; returns its output."""
    script = ("server 127.0.0.1 %d\nzone example.com\n%ssend\n"
              % (port, body))
    return T.run(["nsupdate", "-t", "10"] + (y() if key else []),
                 input=script, timeout=30)


def dig(port, *args):
    return T.run(["dig", "@127.0.0.1", "-p", str(port), "+norec",
                  "+tries=1", "+time=3"] + list(args)).stdout


def kdig(port, *args):
    return T.run(["kdig", "@127.0.0.1", "-p", str(port), "+norec",
                  "+retry=0", "+time=3"] + list(args)).stdout


def txt_strings(rdata):
    """The strings of a TXT rdata as dig or kdig prints it."""
    return re.findall(r'"((?:[^"\\]|\\.)*)"', rdata)


def parse_stats(out):
    """{group: {name: value}} from dig/kdig output of CH TXT stats.r53d,
    one TXT RR per group whose first string names it."""
    groups = {}
    for line in out.splitlines():
        f = line.split(None, 4)
        if len(f) == 5 and f[2] == "CH" and f[3] == "TXT" and \
                f[0].lower().startswith("stats.r53d"):
            s = txt_strings(f[4])
            groups[s[0]] = dict(x.split("=", 1) for x in s[1:])
    return groups


def parse_log(text):
    """The same from the last "stats:" lines SIGUSR1 wrote."""
    groups = {}
    for line in text.splitlines():
        m = re.search(r"stats: (.*?): (.*)$", line)
        if m:
            groups[m.group(1)] = dict(x.split("=", 1)
                                      for x in m.group(2).split())
    return groups


def status(out):
    m = re.search(r"status: (\w+)", out)
    return m.group(1) if m else None


def flags(out):
    m = re.search(r";; flags: ([a-z ]*);", out)
    return m.group(1).split() if m else None


def section(out, which):
    """[(owner, ttl, class, type, rdata)] of a section of dig's output."""
    rows, on = [], False
    for line in out.splitlines():
        if line.startswith(";; %s SECTION:" % which):
            on = True
            continue
        if on:
            if not line.strip() or line.startswith(";;"):
                break
            f = line.split(None, 4)
            rows.append((f[0], int(f[1]), f[2], f[3],
                         f[4] if len(f) > 4 else ""))
    return rows


class Counters(unittest.TestCase):
    """One emulator and one r53d per test: counters start at zero."""

    def setUp(self):
        self.emu, self.d, self.port = T.start_pair(
            zone_extra="\tupdate-timeout 30;\n")

    def tearDown(self):
        self.d.close()
        self.emu.close()

    def stats(self, tool=dig):
        out = tool(self.port, "CH", "TXT", "stats.r53d")
        self.assertEqual(status(out), "NOERROR", out)
        return parse_stats(out)

    def sigusr1(self):
        """SIGUSR1 to the worker; the counters it logged."""
        before = self.d.logtext().count("stats: mirrors:")
        os.kill(self.d.worker_pid(), signal.SIGUSR1)
        end = time.time() + 10
        while time.time() < end:
            text = self.d.logtext()
            if text.count("stats: mirrors:") > before:
                break
            time.sleep(0.05)
        self.assertGreater(text.count("stats: mirrors:"), before, text)
        # The last group of each report is a zone: wait for it too.
        time.sleep(0.1)
        return parse_log(self.d.logtext())

    def test_updates_and_queries_counted_exactly(self):
        # Three UPDATEs that change the zone, one at a time.
        for i in range(3):
            p = nsupdate(self.port, "update add h%d.example.com 300 A "
                         "192.0.2.%d\n" % (i, i + 1))
            self.assertEqual(p.returncode, 0, p.stdout)
        # One unsigned: allow-update wants a key, so REFUSED.
        p = nsupdate(self.port, "update add x.example.com 300 A "
                     "192.0.2.9\n", key=False)
        self.assertIn("REFUSED", p.stdout)
        # One whose prerequisite fails: NXRRSET.
        p = nsupdate(self.port, "prereq yxrrset nothere.example.com A\n"
                     "update add y.example.com 300 A 192.0.2.10\n")
        self.assertIn("NXRRSET", p.stdout)
        # Queries: three answered from the zone, one outside it.
        self.assertEqual(status(dig(self.port, "example.com", "SOA")),
                         "NOERROR")
        self.assertEqual(status(dig(self.port, "h0.example.com", "A")),
                         "NOERROR")
        self.assertEqual(status(kdig(self.port, "nx.example.com", "A")),
                         "NXDOMAIN")
        self.assertEqual(status(dig(self.port, "example.org", "A")),
                         "REFUSED")

        g = self.stats()
        a = g["answers"]
        self.assertEqual(a["updates"], "5", a)
        self.assertEqual(a["update.NOERROR"], "3", a)
        self.assertEqual(a["update.REFUSED"], "1", a)
        self.assertEqual(a["update.NXRRSET"], "1", a)
        # The query asking is counted after its own answer.
        self.assertEqual(a["queries"], "4", a)
        self.assertEqual(a["query.NOERROR"], "2", a)
        self.assertEqual(a["query.NXDOMAIN"], "1", a)
        self.assertEqual(a["query.REFUSED"], "1", a)
        self.assertEqual(a["notifies"], "0", a)
        self.assertEqual(a["dropped"], "0", a)

        # Each UPDATE that changed something was one batch of one unit:
        # the old SOA deleted, the new one and the A record created.
        b = g["batches"]
        self.assertEqual((b["sent"], b["units"], b["units-max"],
                          b["changes"], b["changes-max"]),
                         ("3", "3", "1", "9", "3"), b)
        r = g["route53"]
        self.assertEqual(r["ChangeResourceRecordSets.success"], "3", r)
        self.assertEqual((r["throttles"], r["retries"]), ("0", "0"), r)
        self.assertEqual(self.emu.call("GET", "/_emu/stats")["operations"]
                         .get("ChangeResourceRecordSets"), 3)
        t = g["times"]
        self.assertEqual(t["pending"], "3", t)
        self.assertEqual((t["pending-le-60s"], t["pending-gt-60s"]), ("3", "0"), t)
        self.assertLessEqual(int(t["pending-avg-ms"]),
                             int(t["pending-max-ms"]))
        # The apex (SOA, NS) and three new names.
        m = g["mirrors"]
        self.assertEqual((m["zones"], m["loaded"], m["names"],
                          m["rrsets"]), ("1", "1", "4", "5"), m)
        z = g["zone example.com"]
        self.assertEqual((z["loaded"], z["names"], z["rrsets"],
                          z["queued"], z["updates-held"]),
                         ("yes", "4", "5", "0", "0"), z)
        q = g["queues"]
        self.assertEqual((q["queued"], q["updates-held"]), ("0", "0"), q)
        self.assertEqual(q["queued-max"], "1", q)
        x = g["transfers"]
        self.assertTrue(all(v == "0" for v in x.values()), x)

        # Every change is followed to INSYNC: the emulator makes them so.
        self.emu.call("POST", "/_emu/sync")
        end = time.time() + 30
        while time.time() < end:
            t = self.stats(kdig)["times"]
            if t["insync"] == "3":
                break
            time.sleep(0.5)
        self.assertEqual(t["insync"], "3", t)
        self.assertGreaterEqual(int(t["insync-max-ms"]),
                                int(t["insync-avg-ms"]))

        # SIGUSR1 logs the same counters, the stats queries counted now.
        nq = int(self.stats()["answers"]["queries"])
        lg = self.sigusr1()
        self.assertEqual(lg["answers"]["update.NOERROR"], "3")
        self.assertEqual(lg["answers"]["update.REFUSED"], "1")
        self.assertEqual(lg["answers"]["update.NXRRSET"], "1")
        self.assertEqual(int(lg["answers"]["queries"]), nq + 1)
        self.assertEqual(lg["batches"], b)
        self.assertEqual(lg["mirrors"], m)
        self.assertEqual(lg["zone example.com"]["rrsets"], "5")

    def test_throttle_and_retry(self):
        self.emu.call("POST", "/_emu/faults", {
            "type": "throttle", "op": "ChangeResourceRecordSets"})
        before = self.stats()["route53"]
        p = nsupdate(self.port, "update add t.example.com 300 A "
                     "192.0.2.7\n")
        self.assertEqual(p.returncode, 0, p.stdout)
        r = self.stats()["route53"]
        self.assertEqual(r["throttles"], "1", r)
        self.assertEqual(r["retries"], "1", r)
        self.assertEqual(r["ChangeResourceRecordSets.success"], "1", r)
        # The throttled request and its retry.
        self.assertEqual(int(r["requests"]) - int(before["requests"]), 2)
        self.assertEqual(self.emu.call("GET", "/_emu/stats")["errors"]
                         .get("Throttling"), 1)

    def test_truncated_over_udp_whole_over_tcp(self):
        out = dig(self.port, "+noedns", "+ignore", "CH", "TXT",
                  "stats.r53d")
        self.assertEqual(status(out), "NOERROR", out)
        self.assertIn("tc", flags(out))
        out = dig(self.port, "+tcp", "CH", "TXT", "stats.r53d")
        self.assertNotIn("tc", flags(out))
        g = parse_stats(out)
        self.assertEqual(set(g), {"daemon", "answers", "route53",
                                  "batches", "times", "transfers",
                                  "queues", "mirrors",
                                  "zone example.com"})
        for rr in section(out, "ANSWER"):
            for s in txt_strings(rr[4]):
                self.assertLessEqual(len(s), 255)


class AllowStats(unittest.TestCase):
    """allow-stats by address and by key; the other CHAOS names stay
    open.  No zone: nothing needs Route 53."""

    def start(self, extra):
        self.port = T.free_port()
        self.d = T.Daemon("listen 127.0.0.1 port %d;\n" % self.port
                          + T.keys_conf() + extra)
        self.assertTrue(T.wait_udp(self.port), self.d.logtext())

    def tearDown(self):
        self.d.close()

    def test_default_is_loopback(self):
        self.start("")
        out = dig(self.port, "CH", "TXT", "stats.r53d")
        self.assertEqual(status(out), "NOERROR", out)
        self.assertIn("aa", flags(out))
        self.assertIn("answers", parse_stats(out))
        out = T.run([T.R53D, "-nv", "-c", self.d.conf]).stdout
        self.assertIn("allow-stats { 127.0.0.0/8; ::1/128; };", out)

    def test_by_address(self):
        self.start("allow-stats { 127.0.0.2; };\n")
        out = dig(self.port, "-b", "127.0.0.2", "CH", "TXT", "stats.r53d")
        refused = int(parse_stats(out)["answers"].get("query.REFUSED", 0))
        out = dig(self.port, "CH", "TXT", "stats.r53d")
        self.assertEqual(status(out), "REFUSED", out)
        self.assertNotIn("aa", flags(out))
        self.assertEqual(section(out, "ANSWER"), [])
        out = kdig(self.port, "CH", "TXT", "stats.r53d")
        self.assertIn("REFUSED", out)
        out = dig(self.port, "-b", "127.0.0.2", "CH", "TXT", "stats.r53d")
        self.assertEqual(status(out), "NOERROR", out)
        self.assertIn("answers", parse_stats(out))
        # The two refusals were counted; this query was allowed.
        self.assertEqual(int(parse_stats(out)["answers"]["query.REFUSED"]),
                         refused + 2)
        # version.bind is anybody's.
        out = dig(self.port, "CH", "TXT", "version.bind")
        self.assertEqual(status(out), "NOERROR", out)

    def test_by_key(self):
        self.start('allow-stats { key "%s"; };\n' % KEY)
        out = dig(self.port, "CH", "TXT", "stats.r53d")
        self.assertEqual(status(out), "REFUSED", out)
        out = dig(self.port, *(y() + ["CH", "TXT", "stats.r53d"]))
        self.assertEqual(status(out), "NOERROR", out)
        self.assertIn("answers", parse_stats(out))
        self.assertIn("TSIG", out)
        out = kdig(self.port, *(y() + ["CH", "TXT", "stats.r53d"]))
        self.assertIn("NOERROR", out)
        self.assertIn("answers", parse_stats(out))

    def test_none(self):
        self.start("allow-stats { none; };\n")
        self.assertEqual(status(dig(self.port, "CH", "TXT", "stats.r53d")),
                         "REFUSED")
        self.assertEqual(status(dig(self.port, "CH", "TXT", "x.stats.r53d")),
                         "REFUSED")

    def test_unknown_key_is_an_error(self):
        self.start("")
        path = os.path.join(self.d.tmp, "bad.conf")
        with open(path, "w") as f:
            f.write('allow-stats { key "nokey"; };\n')
        p = T.run([T.R53D, "-n", "-c", path])
        self.assertEqual(p.returncode, 1)
        self.assertIn('bad.conf:1: undefined key "nokey"', p.stdout)


# Queries compared with BIND: (type, name).
COMPARED = [("TXT", "version.bind"), ("TXT", "hostname.bind"),
            ("TXT", "id.server"), ("SOA", "version.bind"),
            ("NS", "hostname.bind"), ("A", "version.bind"),
            ("ANY", "version.bind"), ("ANY", "id.server"),
            ("TXT", "x.version.bind"), ("TXT", "foo.bind"),
            ("TXT", "bind")]


class LikeBind(unittest.TestCase):
    """version.bind and friends from r53d and from a real named given
    the same options: the same rcode, flags, answer and authority."""

    def named(self, options):
        tmp = tempfile.mkdtemp(prefix="r53d-named-")
        os.chmod(tmp, 0o755)
        port = T.free_port()
        conf = os.path.join(tmp, "named.conf")
        with open(conf, "w") as f:
            f.write('options {\n\tdirectory "%s";\n\tpid-file none;\n'
                    '\tlisten-on port %d { 127.0.0.1; };\n'
                    '\tlisten-on-v6 { none; };\n\trecursion no;\n%s};\n'
                    'controls { };\n' % (tmp, port, options))
        os.chmod(conf, 0o644)
        log = open(os.path.join(tmp, "named.log"), "w")
        args = ["/usr/sbin/named", "-g", "-4", "-n", "1", "-c", conf]
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                             preexec_fn=T.die_with_parent)
        self.addCleanup(lambda: (p.terminate(), p.wait(), log.close()))
        self.assertTrue(T.wait_udp(port), "named did not start")
        return port

    def r53d(self, conf):
        port = T.free_port()
        d = T.Daemon("listen 127.0.0.1 port %d;\n" % port + conf)
        self.addCleanup(d.close)
        self.assertTrue(T.wait_udp(port), d.logtext())
        return port

    def answers(self, port, qtype, name):
        out = dig(port, "+noedns", "CH", qtype, name)
        return (status(out), flags(out), section(out, "ANSWER"),
                section(out, "AUTHORITY"))

    def compare(self, named_opts, r53d_conf):
        b = self.named(named_opts)
        r = self.r53d(r53d_conf)
        for qtype, name in COMPARED:
            with self.subTest(q="%s %s" % (qtype, name)):
                want = self.answers(b, qtype, name)
                self.assertIsNotNone(want[0], "named did not answer")
                self.assertEqual(self.answers(r, qtype, name), want)
        return r

    def test_set(self):
        r = self.compare('\tversion "1.2.3 test";\n\thostname "h1";\n'
                         '\tserver-id "h1";\n',
                         'version "1.2.3 test";\nhostname "h1";\n')
        st, fl, an, au = self.answers(r, "TXT", "version.bind")
        self.assertEqual(an, [("version.bind.", 0, "CH", "TXT",
                               '"1.2.3 test"')])
        # version.server (which BIND does not serve) is version.bind's
        # synonym, the name echoed as asked.
        st, fl, an, au = self.answers(r, "TXT", "Version.Server")
        self.assertEqual((st, an[0][0], an[0][4]),
                         ("NOERROR", "Version.Server.", '"1.2.3 test"'))
        self.assertIn("aa", fl)
        out = kdig(r, "CH", "TXT", "id.server")
        self.assertIn('"h1"', out)

    def test_none(self):
        r = self.compare("\tversion none;\n\thostname none;\n",
                         "version none;\nhostname none;\n")
        st, fl, an, au = self.answers(r, "TXT", "version.server")
        self.assertEqual((st, an), ("NOERROR", []))
        self.assertEqual(au[0][3:], ("SOA", "version.server. "
                         "hostmaster.version.server. 0 28800 7200 604800 "
                         "86400"))
        # "none" quoted is a version string, as for BIND.
        r = self.r53d('version "none";\n')
        self.assertEqual(self.answers(r, "TXT", "version.bind")[2][0][4],
                         '"none"')

    def test_defaults(self):
        r = self.r53d("")
        v = T.run([T.R53D, "-v"]).stdout.strip()
        st, fl, an, au = self.answers(r, "TXT", "version.bind")
        self.assertEqual(an[0][4], '"%s"' % v)
        st, fl, an, au = self.answers(r, "TXT", "hostname.bind")
        self.assertEqual(an[0][4], '"%s"' % socket.gethostname())
        st, fl, an, au = self.answers(r, "TXT", "id.server")
        self.assertEqual(an[0][4], '"%s"' % socket.gethostname())
        # Only CH: the same names in IN are no zone of r53d's.
        out = dig(r, "IN", "TXT", "version.bind")
        self.assertEqual(status(out), "REFUSED")


if __name__ == "__main__":
    T.Results.main()
