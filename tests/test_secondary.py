#!/usr/bin/python3
"""r53d as a secondary of real primaries (tests/primaries/): BIND's
named, Knot, NSD and PowerDNS from Debian, and a scripted primary that
misbehaves.  The primary tells r53d of changes by NOTIFY; r53d fetches
them by IXFR (or AXFR) with TSIG and writes them to the Route 53
emulator.

Every scenario ends with the same check: an AXFR of the primary equals
the emulator's hosted zone, but for what r53d leaves alone by its policy
(the apex SOA but for its serial, the apex NS, types Route 53 cannot
hold), and Route 53's SOA serial equals the primary's.

Everything runs on loopback: the emulator over TLS with a throwaway CA,
r53d and the primaries on free ports.
"""
import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
import test_stats as S  # noqa: E402
import primaries as P  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."
SECRET = "eGZyLWtleS1zZWNyZXQtZm9yLXRoZS1zZWNvbmRhcnktdGVzdHM="
KEY = ("xfr-key", "hmac-sha256", SECRET)
OTHER = ("other-key", "hmac-sha256",
         "b3RoZXIta2V5LXNlY3JldC1ub3QtYWxsb3dlZC10by1ub3RpZnk=")
# Timers of the primary's SOA: refresh 3600, retry 2, expire 86400.
TIMERS = (3600, 2, 86400, 300)


def zone_records(n):
    """n A records and a few of every other kind a zone holds."""
    recs = [("h%04d" % i, 300, "A", "10.%d.%d.%d" % (i >> 16 & 255,
            i >> 8 & 255, i & 255)) for i in range(n)]
    recs += [
        ("@", 300, "MX", "10 mail"),
        ("mail", 300, "A", "192.0.2.25"),
        ("mail", 300, "AAAA", "2001:db8::25"),
        ("www", 300, "CNAME", "h0001"),
        ("@", 300, "TXT", '"v=spf1 mx -all"'),
        ("_sip._tcp", 300, "SRV", "10 20 5060 mail"),
        ("sub", 3600, "NS", "ns.sub"),
        ("ns.sub", 3600, "A", "192.0.2.53"),
        ("sub", 3600, "DS", "12345 13 2 " + "ab" * 32),
    ]
    return recs


def emulator_zone(emu):
    """The emulator's hosted zone as canonical tuples, and its serial."""
    out = set()
    serial = None
    for (name, rtype), (ttl, vals) in emu.rrsets(ZONE).items():
        for v in vals:
            r = P.canon((name, ttl, rtype, v), ZONE)
            out.add(r)
            if rtype == "SOA":
                serial = P.soa_serial_of(r)
    return out, serial


def policy(r):
    """What r53d leaves alone: the apex SOA and NS."""
    return r[0] == ZONE and r[2] in ("SOA", "NS")


def daemon_conf(port, emu, pport, extra="", zone_extra=""):
    return ("listen 127.0.0.1 port %d;\n" % port
            + 'key "%s" { algorithm %s; secret "%s"; };\n' % KEY
            + 'key "%s" { algorithm %s; secret "%s"; };\n' % OTHER
            + emu.aws_conf() + extra
            + 'zone "example.com" {\n'
            '\tprimaries { 127.0.0.1 port %d key "xfr-key"; };\n'
            '\tmin-refresh-time 1;\n\tmin-retry-time 1;\n%s};\n'
            % (pport, zone_extra))


class Secondary:
    """An emulator, a primary of class server and r53d its secondary.
    Mixed into each unittest.TestCase below."""

    server = None
    records = 1000
    notify_key = False
    zone_extra = ""

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator([ZONE.rstrip(".")])
        cls.port = T.free_port()
        try:
            cls.p = cls.server(zone=ZONE, records=zone_records(cls.records),
                               key=KEY, notify=[("127.0.0.1", cls.port)],
                               notify_key=cls.notify_key, soa_timers=TIMERS)
        except Exception:
            cls.emu.close()
            raise
        cls.conf = daemon_conf(cls.port, cls.emu, cls.p.port,
                               zone_extra=cls.zone_extra)
        cls.d = T.Daemon(cls.conf, port=cls.port, args=("-v",))

    @classmethod
    def tearDownClass(cls):
        cls.d.close()
        cls.p.close()
        cls.emu.close()

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def wait_serial(self, serial, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            _, s = emulator_zone(self.emu)
            if s == serial:
                return True
            time.sleep(0.2)
        return False

    def assert_same(self, timeout=60):
        """The primary's zone is the hosted zone, serial included."""
        want = self.p.serial()
        self.assertTrue(self.wait_serial(want, timeout), "Route 53 did "
                        "not reach serial %s:\n%s" % (want,
                                                      self.d.logtext()[-3000:]))
        have, serial = emulator_zone(self.emu)
        self.assertEqual(serial, want)
        diff = P.compare_zone(self.p.axfr(), have, ignore=policy)
        self.assertIsNone(diff, diff)
        # Route 53 keeps its own apex NS and SOA fields.
        self.assertTrue(any(r[0] == ZONE and r[2] == "NS" and
                            "awsdns" in r[3] for r in have))

    def log_since(self, mark):
        return self.d.logtext()[mark:]


class Increments(Secondary):
    """The scenarios every primary goes through."""

    def test_1_initial_transfer(self):
        self.assert_same()
        self.assertRegex(self.d.logtext(), r"zone example\.com: (AXFR|IXFR "
                         r"answered in full) from 127\.0\.0\.1#%d"
                         % self.p.port)

    def test_2_twenty_increments(self):
        self.assert_same()
        mark = len(self.d.logtext())
        for i in range(20):
            self.p.change(add=[("inc%02d" % i, 300, "A", "192.0.2.%d"
                                % (i + 1))],
                          delete=[("h%04d" % (i + 10), 300, "A",
                                   "10.0.0.%d" % (i + 10))])
        self.assert_same()
        log = self.log_since(mark)
        if self.p.supports_ixfr:
            self.assertRegex(log, r"IXFR from 127\.0\.0\.1#\d+: serial")
            self.assertNotIn("AXFR from", log)

    def test_3_increment_of_2500_records(self):
        self.assert_same()
        old = self.p.serial()
        mark = len(self.d.logtext())
        adds = [("big%04d" % i, 300, "A", "198.51.100.%d" % (i % 250 + 1))
                for i in range(2500)]
        new = self.p.change(add=adds)
        self.assert_same(timeout=120)
        # Split over batches; only the last moves the serial.
        sent = re.findall(r"sending (\d+) changes for \d+ units?, serial "
                          r"(\d+)", self.log_since(mark))
        self.assertGreaterEqual(len(sent), 3, sent)
        self.assertTrue(all(int(s) == old for _, s in sent[:-1]), sent)
        self.assertEqual(int(sent[-1][1]), new)

    def test_4_notify_storm(self):
        self.assert_same()
        mark = len(self.d.logtext())
        for _ in range(50):
            r = P.send_notify("127.0.0.1", self.port, ZONE,
                              serial=self.p.serial())
            self.assertIsNotNone(r)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertTrue(r.flags & dns.flags.AA)
        time.sleep(2)
        log = self.log_since(mark)
        self.assertEqual(log.count("notify 127.0.0.1"), 50)
        # The burst is one or two refreshes, not fifty.
        self.assertLessEqual(log.count("up to date"), 3, log)
        self.assert_same()


class BindPrimary(Increments, unittest.TestCase):
    server = P.Bind

    def test_5_kill_while_syncing_then_restart(self):
        cls = type(self)
        self.assert_same()
        mark = len(self.d.logtext())
        adds = [("kill%04d" % i, 300, "A", "203.0.113.%d" % (i % 250 + 1))
                for i in range(2600)]
        self.p.change(add=adds)
        # Killed once the first part of the increment was sent.
        self.assertTrue(self.d.wait_log("sending", 30))
        end = time.time() + 30
        while time.time() < end and "sending" not in self.log_since(mark):
            time.sleep(0.01)
        self.d.proc.kill()
        self.d.proc.wait(10)
        self.d.close()
        cls.d = T.Daemon(cls.conf, port=cls.port, args=("-v",))
        self.d = cls.d
        self.assert_same(timeout=120)

    def test_6_primary_down_then_up(self):
        self.assert_same()
        self.p.stop()
        mark = len(self.d.logtext())
        try:
            P.send_notify("127.0.0.1", self.port, ZONE, with_soa=False)
            self.assertTrue(self.d.wait_log("no primary answered", 20),
                            self.log_since(mark))
        finally:
            self.p.start()
        self.assertTrue(self.d.alive())
        self.p.change(add=[("after-down", 300, "A", "192.0.2.99")])
        self.assert_same()

    def test_7_update_refused(self):
        ring, kn, alg = P.keyring(KEY)
        u = dns.update.UpdateMessage(ZONE, keyring=ring, keyname=kn,
                                     keyalgorithm=alg)
        u.add("upd", 300, "A", "192.0.2.1")
        r = dns.query.udp(u, "127.0.0.1", port=self.port, timeout=3)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertIn("REFUSED: the zone is a secondary", self.d.logtext())

    def test_8_soa_query_shows_serial(self):
        self.assert_same()
        r = P.query(self.port, ZONE, "SOA")
        self.assertEqual(r.answer[0][0].serial, self.p.serial())

    def test_9_dhcid_held_as_shadow_txt(self):
        """A DHCID RRset in the primary's zone is held in Route 53 as
        the TXT RRset at _r53d-dhcid.NAME (r53d.conf(5), dhcid) and
        answered by r53d as DHCID; deleting it deletes the shadow."""
        self.assert_same()
        v = "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="
        shadow = ("_r53d-dhcid.lease.example.com.", "TXT")
        self.p.change(add=[("lease", 300, "A", "192.0.2.80"),
                           ("lease", 600, "DHCID", v)])
        self.assertTrue(self.wait_serial(self.p.serial()),
                        self.d.logtext()[-3000:])
        self.assertEqual(self.emu.rrsets(ZONE).get(shadow),
                         (600, ['"r53d-dhcid:%s"' % v]))
        r = P.query(self.port, "lease.example.com.", "DHCID")
        self.assertEqual([rd.to_text().replace(" ", "")
                          for rd in r.answer[0]], [v])
        have, _ = emulator_zone(self.emu)
        diff = P.compare_zone(
            self.p.axfr(), have,
            ignore=lambda r: policy(r) or r[2] == "DHCID" or
            r[0].startswith("_r53d-dhcid."))
        self.assertIsNone(diff, diff)
        self.assertNotIn("DHCID record", self.d.logtext())
        self.p.change(delete=[("lease", 600, "DHCID", v)])
        self.assert_same()
        self.assertIsNone(self.emu.rrsets(ZONE).get(shadow))


class KnotPrimary(Increments, unittest.TestCase):
    """Knot sends NOTIFY over TCP only."""
    server = P.Knot


class NsdPrimary(Increments, unittest.TestCase):
    """NSD 4.6 answers IXFR with the whole zone."""
    server = P.Nsd
    records = 300


class PowerDNSPrimary(Increments, unittest.TestCase):
    """PowerDNS answers IXFR with the whole zone; its NOTIFY has no SOA
    and is signed."""
    server = P.PowerDNS
    records = 300


class Misbehaving(Secondary, unittest.TestCase):
    """A scripted primary: refusals, cut transfers, garbage, bad MACs,
    records Route 53 cannot hold; NOTIFY from those not allowed."""
    server = P.Garbage
    records = 200
    zone_extra = '\tallow-notify { 127.0.0.1; key "xfr-key"; };\n'

    def refresh(self):
        r = P.send_notify("127.0.0.1", self.port, ZONE,
                          serial=self.p.serial())
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)

    def transfers(self):
        """The transfer counters, as CH TXT stats.r53d gives them."""
        out = T.run(["dig", "@127.0.0.1", "-p", str(self.port), "+tcp",
                     "CH", "TXT", "stats.r53d"]).stdout
        return {k: int(v) for k, v in S.parse_stats(out)["transfers"].items()}

    def test_1_ixfr_refused_falls_back_to_axfr(self):
        self.assert_same()
        self.p.script("refused")
        mark = len(self.d.logtext())
        before = self.transfers()
        self.p.change(add=[("fallback", 300, "A", "192.0.2.7")])
        self.refresh()
        self.assert_same()
        log = self.log_since(mark)
        self.assertIn("IXFR: ", log)
        self.assertIn("asking for AXFR", log)
        self.assertRegex(log, r"AXFR from 127\.0\.0\.1#\d+")
        # The counters say the same: one IXFR refused, one AXFR whole.
        after = self.transfers()
        d = {k: after[k] - before[k] for k in after}
        self.assertEqual((d["ixfr"], d["axfr-fallbacks"], d["axfr"],
                          d["done"], d["failures"]), (1, 1, 1, 1, 0), d)
        self.assertGreaterEqual(d["soa-queries"], 1, d)
        self.assertGreaterEqual(d["rrsets-applied"], 1, d)
        self.assertEqual(d["rrsets-failed"], 0, d)
        self.assertGreater(d["rrs"], 200, d)

    def test_2_cut_off_transfer_applies_nothing_incomplete(self):
        self.assert_same()
        self.p.rrs_per_message = 2
        self.p.script(("cut", 3), ("cut-bytes", 700))
        mark = len(self.d.logtext())
        adds = [("cut%03d" % i, 300, "A", "192.0.2.%d" % (i + 1))
                for i in range(40)]
        self.p.change(add=adds)
        self.refresh()
        self.assert_same()
        log = self.log_since(mark)
        self.assertRegex(log, r"IXFR from 127\.0\.0\.1#\d+ failed")
        self.p.rrs_per_message = 100

    def test_3_garbage_and_bad_macs(self):
        self.assert_same()
        for b in (("garbage", 300), ("garbage-msg", 200), ("badmac", 0),
                  "unsigned", "wrong-id", ("wrong-serial", 7)):
            self.p.script(b)
            mark = len(self.d.logtext())
            self.p.change(add=[("g%d" % len(self.d.logtext()), 300, "A",
                                "192.0.2.8")])
            self.refresh()
            self.assert_same()
            self.assertRegex(self.log_since(mark), r"(failed|SOA answer)",
                             b)
            self.assertTrue(self.d.alive())

    def test_4_types_route53_cannot_hold_left_out(self):
        self.assert_same()
        mark = len(self.d.logtext())
        self.p.change(add=[
            ("signed", 300, "A", "192.0.2.9"),
            ("signed", 300, "RRSIG", "A 13 3 300 20300101000000 "
             "20200101000000 12345 example.com. "
             "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ=="),
            ("signed", 300, "NSEC", "zz.example.com. A RRSIG NSEC"),
            ("priv", 300, "TYPE65534", r"\# 4 01020304"),
            ("ds", 300, "DS", "54321 13 2 " + "cd" * 32)])
        self.refresh()
        want = self.p.serial()
        self.assertTrue(self.wait_serial(want), self.log_since(mark))
        have, _ = emulator_zone(self.emu)
        diff = P.compare_zone(
            self.p.axfr(), have,
            ignore=lambda r: policy(r) or r[2] in ("RRSIG", "NSEC",
                                                   "TYPE65534"))
        self.assertIsNone(diff, diff)
        log = self.log_since(mark)
        for t in ("RRSIG", "NSEC", "TYPE65534"):
            self.assertRegex(log, r"1 %s record from the primary left out"
                             % t)
        self.assertIn(("ds.example.com.", "DS"),
                      {(r[0], r[2]) for r in have})

    def test_5_notify_not_allowed(self):
        # From an address allow-notify does not name.
        m = dns.message.make_query(ZONE, "SOA")
        m.flags = dns.flags.AA
        m.set_opcode(dns.opcode.NOTIFY)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.2", 0))
        s.settimeout(3)
        s.sendto(m.to_wire(), ("127.0.0.1", self.port))
        r = dns.message.from_wire(s.recv(65535))
        s.close()
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertRegex(self.d.logtext(), r"notify 127\.0\.0\.2#\d+ key - "
                         r"zone example\.com: REFUSED")
        # Signed with a key the zone does not allow, from an address
        # that is not a primary's either.
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.2", 0))
        s.settimeout(3)
        ring, kn, alg = P.keyring(OTHER)
        m = dns.message.make_query(ZONE, "SOA")
        m.set_opcode(dns.opcode.NOTIFY)
        m.use_tsig(ring, kn, algorithm=alg)
        s.sendto(m.to_wire(), ("127.0.0.1", self.port))
        r = dns.message.from_wire(s.recv(65535), keyring=ring,
                                  request_mac=m.mac)
        s.close()
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        # For a zone that is not a secondary here.
        r = P.send_notify("127.0.0.1", self.port, "example.org.")
        self.assertEqual(r.rcode(), dns.rcode.NOTAUTH)
        # Without an SOA in the answer section: accepted.
        r = P.send_notify("127.0.0.1", self.port, ZONE, with_soa=False)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)


class TwoPrimaries(Secondary, unittest.TestCase):
    """Two primaries, the first silent (a socket that never answers, as
    a host that is down drops queries): r53d gives up on it and
    transfers from the second, every round."""
    server = P.Garbage
    records = 100

    @classmethod
    def setUpClass(cls):
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cls.silent.bind(("127.0.0.1", 0))
        cls.silent_port = cls.silent.getsockname()[1]
        cls.emu = T.Emulator([ZONE.rstrip(".")])
        cls.port = T.free_port()
        try:
            cls.p = cls.server(zone=ZONE, records=zone_records(cls.records),
                               key=KEY, notify=[("127.0.0.1", cls.port)],
                               soa_timers=TIMERS)
        except Exception:
            cls.emu.close()
            cls.silent.close()
            raise
        conf = daemon_conf(cls.port, cls.emu, cls.p.port)
        conf = conf.replace("\tprimaries { ", '\tprimaries { 127.0.0.1 port '
                            '%d key "xfr-key"; ' % cls.silent_port)
        cls.d = T.Daemon(conf, port=cls.port, args=("-v",))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.silent.close()

    def test_1_second_primary_serves_when_first_is_silent(self):
        self.assert_same(timeout=40)
        log = self.d.logtext()
        first = "127.0.0.1#%d" % self.silent_port
        self.assertRegex(log, r"primary %s: no answer over UDP" % re.escape(first))
        self.assertRegex(log, r"(IXFR answered in full|AXFR) from "
                         r"127\.0\.0\.1#%d" % self.p.port)
        # The silent one was asked, over UDP, more than once.
        self.silent.settimeout(0)
        n = 0
        while True:
            try:
                self.silent.recv(512)
            except BlockingIOError:
                break
            n += 1
        self.assertGreaterEqual(n, 2)

    def test_2_increment_from_the_second(self):
        self.assert_same(timeout=40)
        mark = len(self.d.logtext())
        self.p.change(add=[("two", 300, "A", "192.0.2.22")])
        r = P.send_notify("127.0.0.1", self.port, ZONE,
                          serial=self.p.serial(), key=KEY)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assert_same(timeout=40)
        self.assertRegex(self.log_since(mark),
                         r"IXFR from 127\.0\.0\.1#%d" % self.p.port)


if __name__ == "__main__":
    T.Results.main()
