#!/usr/bin/python3
"""End-to-end tests of the rules around the clients' UPDATEs, with real
clients, r53d and the Route 53 emulator (tests/clientpair.py): who may
change what (grants, address and key lists), replayed signed messages,
the answer after INSYNC, an idle clock, Route 53 failing past
update-timeout, zones that are not there yet, and one name in a public
and a private zone.

Everything runs on loopback: the emulator over TLS with a throwaway CA,
r53d on a free port.
"""
import os
import re
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
from clientpair import (  # noqa: E402
    PairTest, ZONE, allow_all_keys, dig, keyring, make_pair, nsupdate,
    values, yarg)

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.update  # noqa: E402


# ---- who may change what ------------------------------------------------

OTHER_SECRET = "b3RoZXIta2V5LW5vdC1pbi1hbGxvdy11cGRhdGUtMDE="


class GrantTest(PairTest):
    zones = {
        "example.com": allow_all_keys() +
        '\tgrant "k-sha256" subdomain "_acme-challenge.example.com" TXT;\n',
        "example.net": "\tallow-update { 127.0.0.1; };\n",
    }
    conf_extra = ('key "k-other" {\n\talgorithm hmac-sha256;\n'
                  '\tsecret "%s";\n};\n' % OTHER_SECRET)

    def test_grant_allows_its_txt(self):
        args = yarg("hmac-sha256")
        for n in ("_acme-challenge.example.com.",
                  "www._acme-challenge.example.com."):
            with self.subTest(name=n):
                self.ok(self.nsu('update add %s 60 TXT "granted"\n' % n,
                                 args))
                self.assert_both(n, "TXT", ['"granted"'])
                self.ok(self.nsu("update delete %s TXT\n" % n, args))
                self.assert_both(n, "TXT", [])

    def test_grant_refuses_other_types_and_names(self):
        args = yarg("hmac-sha256")
        # something that exists, put there by a key without grants
        self.ok(self.nsu("update add keep.example.com. 60 A 192.0.2.1\n",
                         yarg("hmac-sha512")))
        before = self.emu.rrsets()
        for body in ("check-names off\n"
                     "update add _acme-challenge.example.com. 60 A "
                     "192.0.2.1\n",
                     'update add www.example.com. 60 TXT "nope"\n',
                     'update add _acme-challenge.www.example.com. 60 TXT '
                     '"nope"\n',
                     # one allowed change and one not: all refused
                     'update add _acme-challenge.example.com. 60 TXT "a"\n'
                     "update add www.example.com. 60 A 192.0.2.1\n",
                     "update delete keep.example.com. A\n",
                     "update delete keep.example.com.\n"):
            with self.subTest(body=body):
                r = self.nsu(body, args)
                self.failed(r, "REFUSED")
        self.assertEqual(self.emu.rrsets(), before)
        self.assertIn("k-sha256", self.d.logtext())

    def test_key_without_grant_changes_whole_zone(self):
        args = yarg("hmac-sha512")
        self.ok(self.nsu("update add www.example.com. 60 A 192.0.2.10\n"
                         'update add _acme-challenge.example.com. 60 TXT '
                         '"any"\n', args))
        self.assert_both("www.example.com.", "A", ["192.0.2.10"])
        self.assert_both("_acme-challenge.example.com.", "TXT", ['"any"'])
        self.ok(self.nsu("update delete www.example.com.\n"
                         "update delete _acme-challenge.example.com.\n",
                         args))
        self.assert_both("www.example.com.", "A", [])

    def test_unsigned_refused_when_only_keys_allowed(self):
        before = self.emu.rrsets()
        r = self.nsu("update add www.example.com. 60 A 192.0.2.1\n")
        self.failed(r, "REFUSED")
        self.assertEqual(self.emu.rrsets(), before)
        self.assertTrue(self.d.wait_log("not allowed by allow-update", 3))

    def test_key_not_in_allow_update_refused(self):
        before = self.emu.rrsets()
        r = self.nsu("update add www.example.com. 60 A 192.0.2.1\n",
                     ["-y", "hmac-sha256:k-other:%s" % OTHER_SECRET])
        self.failed(r, "REFUSED")
        self.assertEqual(self.emu.rrsets(), before)
        self.assertTrue(self.d.wait_log("key k-other zone example.com: "
                                        "REFUSED", 3))

    def test_address_acl(self):
        # example.net allows unsigned updates from 127.0.0.1 only.
        n = "host.example.net."
        before = self.emu.rrsets("example.net.")
        r = self.nsu("update add %s 60 A 192.0.2.5\n" % n,
                     zone="example.net.", local="127.0.0.2")
        self.failed(r, "REFUSED")
        self.assertEqual(self.emu.rrsets("example.net."), before)
        self.ok(self.nsu("update add %s 60 A 192.0.2.5\n" % n,
                         zone="example.net.", local="127.0.0.1"))
        self.assertEqual(self.emu.rrsets("example.net.")[(n, "A")][1],
                         ["192.0.2.5"])
        st, _, ans, _ = self.dig(n, "A")
        self.assertEqual(values(ans, n, "A"), ["192.0.2.5"])


# ---- waiting for INSYNC ------------------------------------------------

class ReplayTest(PairTest):
    """A captured signed UPDATE sent again is answered as the first copy
    was and never applied twice (RFC 8945 leaves replay protection to
    the server)."""

    def send_udp_new_port(self, wire):
        return T.udp_exchange(wire, self.port, timeout=3)

    def send_tcp(self, wire):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=3)
        try:
            s.sendall(len(wire).to_bytes(2, "big") + wire)
            n = b""
            while len(n) < 2:
                n += s.recv(2 - len(n))
            want = int.from_bytes(n, "big")
            out = b""
            while len(out) < want:
                b = s.recv(want - len(out))
                if not b:
                    break
                out += b
            return out
        finally:
            s.close()

    def test_replay_after_delete_is_not_applied(self):
        kr, kn, ka = keyring("hmac-sha256")
        name = "replayed.example.com."
        add = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                       keyalgorithm=ka)
        add.add(name, 300, "A", "192.0.2.77")
        wire = add.to_wire()
        r = dns.message.from_wire(self.send_udp_new_port(wire), keyring=kr,
                                  request_mac=add.mac)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assert_both(name, "A", ["192.0.2.77"])
        dele = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                        keyalgorithm=ka)
        dele.delete(name, "A")
        r = dns.query.udp(dele, "127.0.0.1", port=self.port, timeout=5)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assert_both(name, "A", [])
        calls = self.emu.call("GET", "/_emu/stats")
        # The captured add again: from another UDP port, then over TCP.
        for send in (self.send_udp_new_port, self.send_tcp):
            raw = send(wire)
            self.assertIsNotNone(raw, "no answer to a replay")
            # The answer is the first one's, signed for this request.
            r = dns.message.from_wire(raw, keyring=kr, request_mac=add.mac)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertEqual(r.id, add.id)
            self.assert_both(name, "A", [])
        self.assertEqual(self.emu.call("GET", "/_emu/stats"), calls,
                         "a replay reached Route 53")
        self.assertIn("is not applied again", self.d.logtext())

    def test_replay_of_a_refused_update_stays_refused(self):
        kr, kn, ka = keyring("hmac-sha256")
        name = "refused-replay.example.com."
        up = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                      keyalgorithm=ka)
        up.present(name)        # prerequisite fails: NXDOMAIN
        up.add(name, 300, "A", "192.0.2.78")
        wire = up.to_wire()
        r = dns.message.from_wire(self.send_udp_new_port(wire), keyring=kr,
                                  request_mac=up.mac)
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
        # Somebody creates the name; the replay must not add to it now.
        self.ok(self.nsu("update add %s 300 TXT \"x\"\n" % name,
                         yarg("hmac-sha256")))
        r = dns.message.from_wire(self.send_tcp(wire), keyring=kr,
                                  request_mac=up.mac)
        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
        self.assert_both(name, "A", [])


class IdleClockTest(unittest.TestCase):
    """After the daemon sat idle, an UPDATE's Route 53 call is timed from
    when it was made, not from the last time the loop woke up."""

    def test_latency_after_idle(self):
        emu = T.Emulator(["example.com"])
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
                + emu.aws_conf()
                + 'zone "example.com" {\n%s};\n' % allow_all_keys())
        d = T.Daemon(conf, port=port, args=("-v",))
        try:
            self.assertTrue(d.wait_log("zone example.com: loaded", 20))
            for i in range(2):
                time.sleep(3)
                r = nsupdate(port, "update add idle%d.example.com. 60 A "
                             "192.0.2.%d\n" % (i, i + 1),
                             yarg("hmac-sha256"))
                self.assertEqual(r.returncode, 0, r.stdout)
            took = [int(x) for x in re.findall(
                r"accepted \(PENDING\) in (\d+) ms", d.logtext())]
            self.assertEqual(len(took), 2, d.logtext())
            # Each call took a few ms; the idle 3 s must not count.
            self.assertTrue(all(t < 1500 for t in took), took)
            # The deadline starts then too: nothing timed out queued.
            self.assertNotIn("deadline passed", d.logtext())
        finally:
            rc = d.close()
            emu.close()
        self.assertEqual(rc, 0)


class InsyncTest(PairTest):
    zones = {"example.com": allow_all_keys() + "\twait-insync yes;\n"}
    emu_args = ("--insync-delay", "2")

    def test_answer_after_insync(self):
        n = "insync.example.com."
        t0 = time.monotonic()
        self.ok(self.nsu("update add %s 60 A 192.0.2.8\n" % n,
                         yarg("hmac-sha256"), tcp=True))
        took = time.monotonic() - t0
        self.assertGreaterEqual(took, 1.8, "answered before INSYNC")
        self.assertLess(took, 10)
        self.assertTrue(self.d.wait_log("INSYNC", 2), self.d.logtext())
        st = self.emu.call("GET", "/_emu/state")
        self.assertTrue(st["changes"])
        self.assertTrue(all(v == "INSYNC" for v in st["changes"].values()),
                        st["changes"])
        self.assert_both(n, "A", ["192.0.2.8"])

    def test_no_change_answers_at_once(self):
        # an UPDATE that changes nothing has nothing to wait for
        t0 = time.monotonic()
        self.ok(self.nsu("update delete nothing-here.example.com. A\n",
                         yarg("hmac-sha256")))
        self.assertLess(time.monotonic() - t0, 1.5)


# ---- Route 53 failing for longer than update-timeout -------------------

class TimeoutTest(PairTest):
    zones = {"example.com": allow_all_keys() + "\tupdate-timeout 2;\n"}

    def test_servfail_after_update_timeout(self):
        self.emu.call("POST", "/_emu/faults", {
            "type": "503", "count": 1000, "op": "ChangeResourceRecordSets"})
        before = self.emu.rrsets()
        t0 = time.monotonic()
        r = self.nsu("update add late.example.com. 60 A 192.0.2.1\n",
                     yarg("hmac-sha256"), tcp=True)
        took = time.monotonic() - t0
        self.failed(r, "SERVFAIL")
        self.assertGreaterEqual(took, 1.8)
        self.assertLess(took, 4.5, "update-timeout 2 not honoured")
        self.assertTrue(self.d.wait_log("update-timeout", 3))
        self.assertEqual(self.emu.rrsets(), before)
        self.assertTrue(self.d.alive())
        # Route 53 is back: the batch still going on may land by itself;
        # either way the client's next try succeeds.
        self.emu.call("POST", "/_emu/faults", {"clear": True})
        end = time.time() + 20
        while True:
            r = self.nsu("update add late.example.com. 60 A 192.0.2.1\n",
                         yarg("hmac-sha256"), tcp=True)
            if r.returncode == 0 or time.time() > end:
                break
            time.sleep(0.5)
        self.ok(r)
        self.assert_both("late.example.com.", "A", ["192.0.2.1"])


# ---- zones that are not (yet) there ------------------------------------

class NotLoadedTest(unittest.TestCase):

    def test_emulator_comes_up_later(self):
        tmp = tempfile.mkdtemp(prefix="r53d-late-")
        os.chmod(tmp, 0o755)
        pki = T.make_ca(tmp)
        eport = T.free_port()
        port = T.free_port()
        endpoint = "https://localhost:%d" % eport
        conf = ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
                + T.aws_conf(endpoint, 'ca-file "%s";\n' % pki[0])
                + 'zone "example.com" {\n%s};\n' % allow_all_keys())
        d = T.Daemon(conf, port=port)
        emu = None
        try:
            self.assertTrue(T.wait_udp(port))
            st, _, _, _ = dig(port, "example.com.", "SOA")
            self.assertEqual(st, "SERVFAIL")
            r = nsupdate(port, "update add www.example.com. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("SERVFAIL", r.stdout)
            # Logged once, without -v, as every UPDATE is.
            self.assertRegex(d.logtext(), r"update 127\.0\.0\.1#\d+ key "
                             r"k-sha256 zone example\.com: SERVFAIL: the "
                             r"zone is not loaded")
            time.sleep(1.5)
            self.assertTrue(d.alive())
            emu = T.Emulator(port=eport, pki=pki, tmpdir=tmp)
            self.assertTrue(d.wait_log("zone example.com: loaded", 30),
                            d.logtext())
            st, flags, ans, _ = dig(port, "example.com.", "SOA")
            self.assertEqual(st, "NOERROR")
            self.assertIn("aa", flags)
            r = nsupdate(port, "update add www.example.com. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"))
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertEqual(emu.rrsets()[("www.example.com.", "A")][1],
                             ["192.0.2.1"])
            self.assertTrue(d.alive())
        finally:
            rc = d.close()
            if emu:
                emu.close()
        self.assertEqual(rc, 0)

    def test_zone_unknown_then_created(self):
        # r53d is configured for example.org, which the account lacks
        # until somebody creates it.
        emu, d, port = make_pair({"example.com": allow_all_keys(),
                                  "example.org": allow_all_keys()},
                                 emu_zones=["example.com"], wait=False)
        try:
            self.assertTrue(d.wait_log("zone example.com: loaded", 20))
            self.assertTrue(d.wait_log("zone example.org: no hosted zone",
                                       20), d.logtext())
            st, _, _, _ = dig(port, "example.org.", "SOA")
            self.assertEqual(st, "SERVFAIL")
            r = nsupdate(port, "update add www.example.org. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"),
                         zone="example.org.")
            self.assertIn("SERVFAIL", r.stdout)
            # the other zone works meanwhile
            r = nsupdate(port, "update add www.example.com. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"))
            self.assertEqual(r.returncode, 0, r.stdout)
            import boto3
            c = boto3.client("route53", endpoint_url=emu.endpoint,
                             verify=emu.ca, region_name="us-east-1",
                             aws_access_key_id=T.AWS_KEY_ID,
                             aws_secret_access_key=T.AWS_SECRET)
            c.create_hosted_zone(Name="example.org.",
                                 CallerReference="late-%f" % time.time())
            self.assertTrue(d.wait_log("zone example.org: loaded", 30),
                            d.logtext())
            r = nsupdate(port, "update add www.example.org. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"),
                         zone="example.org.")
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertEqual(emu.rrsets("example.org.")
                             [("www.example.org.", "A")][1], ["192.0.2.1"])
            self.assertTrue(d.alive())
        finally:
            rc = d.close()
            emu.close()
        self.assertEqual(rc, 0)


class SameNameTest(unittest.TestCase):

    def test_public_and_private_same_name(self):
        emu, d, port = make_pair({"example.com": allow_all_keys()},
                                 private=["example.com"], wait=False)
        d2 = None
        try:
            self.assertTrue(d.wait_log("2 hosted zones have this name", 20),
                            d.logtext())
            st = emu.call("GET", "/_emu/state")
            ids = {z["PrivateZone"]: z["Id"].split("/")[-1]
                   for z in st["zones"]}
            self.assertEqual(len(ids), 2)
            time.sleep(0.2)
            log = d.logtext()
            for i in ids.values():
                self.assertIn(i, log)
            r = nsupdate(port, "update add www.example.com. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"))
            self.assertIn("SERVFAIL", r.stdout)
            sdig, _, _, _ = dig(port, "example.com.", "SOA")
            self.assertEqual(sdig, "SERVFAIL")
            self.assertTrue(d.alive())
            d.close()

            # With the ID set, it works, and only in that zone.
            port2 = T.free_port()
            conf = ("listen 127.0.0.1 port %d;\n" % port2 + T.keys_conf()
                    + emu.aws_conf()
                    + 'zone "example.com" {\n\thosted-zone "%s";\n%s};\n'
                    % (ids[True], allow_all_keys()))
            d2 = T.Daemon(conf, port=port2)
            self.assertTrue(d2.wait_log("zone example.com: loaded", 20),
                            d2.logtext())
            r = nsupdate(port2, "update add www.example.com. 60 A "
                         "192.0.2.1\n", yarg("hmac-sha256"))
            self.assertEqual(r.returncode, 0, r.stdout)
            st = emu.call("GET", "/_emu/state")
            for z in st["zones"]:
                names = [(rs["Name"], rs["Type"])
                         for rs in z["ResourceRecordSets"]]
                self.assertEqual(("www.example.com.", "A") in names,
                                 z["PrivateZone"], z["Id"])
        finally:
            d.close()
            if d2:
                self.assertEqual(d2.close(), 0)
            emu.close()

if __name__ == "__main__":
    T.Results.main()
