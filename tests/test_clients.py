#!/usr/bin/python3
"""End-to-end tests of r53d's main job: standard RFC 2136 clients
(nsupdate, knsupdate, dnspython, certbot's RFC 2136 client, acme.sh's
way of cleaning up) change a hosted zone in the Route 53 emulator through
r53d, and every result is checked twice: with dig against r53d, and in
the emulator's own state.  The rules around those UPDATEs (grants,
replays, INSYNC, time-outs, zones not there) are tests/test_clients_policy.py;
what both share, tests/clientpair.py.

Everything runs on loopback: the emulator over TLS with a throwaway CA,
r53d on a free port.
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
from clientpair import (  # noqa: E402
    ALGS, PairTest, ZONE, dnspy_update, keyfile_bind, keyfile_knot,
    serial_of, yarg)

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402


# ---- nsupdate, knsupdate, dnspython, certbot ----------------------------

class ClientTest(PairTest):

    def nsupdate_sequence(self, alg, tcp, keyargs):
        """The usual operations with one key over one transport."""
        n = "ns-%s-%s.example.com." % (alg, "tcp" if tcp else "udp")
        s0 = serial_of(self.emu)

        # add: two A and a TXT in one message
        self.ok(self.nsu("update add %s 300 A 192.0.2.1\n"
                         "update add %s 300 A 192.0.2.2\n"
                         'update add %s 300 TXT "hello world"\n' % (n, n, n),
                         keyargs, tcp))
        self.assert_both(n, "A", ["192.0.2.1", "192.0.2.2"], ttl=300)
        self.assert_both(n, "TXT", ['"hello world"'])
        self.assertEqual(serial_of(self.emu), s0 + 1)
        st, _, ans, _ = self.dig(ZONE, "SOA")
        self.assertEqual(int(ans[0][3].split()[2]), s0 + 1,
                         "dig SOA does not show the new serial")

        # delete one RR
        self.ok(self.nsu("update delete %s A 192.0.2.1\n" % n, keyargs, tcp))
        self.assert_both(n, "A", ["192.0.2.2"])
        self.assertEqual(serial_of(self.emu), s0 + 2)

        # delete an RRset
        self.ok(self.nsu("update delete %s TXT\n" % n, keyargs, tcp))
        self.assert_both(n, "TXT", [])
        self.assert_both(n, "A", ["192.0.2.2"])
        self.assertEqual(serial_of(self.emu), s0 + 3)

        # prereq nxdomain fails: the name exists; nothing changes
        before = self.emu.rrsets()
        r = self.nsu("prereq nxdomain %s\nupdate add %s 300 A 192.0.2.9\n"
                     % (n, n), keyargs, tcp)
        self.failed(r, "YXDOMAIN")
        self.assertEqual(self.emu.rrsets(), before)
        self.assert_both(n, "A", ["192.0.2.2"])

        # prereq yxrrset (value-independent), then value-dependent
        self.ok(self.nsu("prereq yxrrset %s A\n"
                         "update add %s 300 AAAA 2001:db8::1\n" % (n, n),
                         keyargs, tcp))
        self.assert_both(n, "AAAA", ["2001:db8::1"])
        r = self.nsu("prereq yxrrset %s A 192.0.2.1\n"
                     "update delete %s\n" % (n, n), keyargs, tcp)
        self.failed(r, "NXRRSET")
        self.assert_both(n, "AAAA", ["2001:db8::1"])
        self.assertEqual(serial_of(self.emu), s0 + 4)

        # delete the whole name, guarded by its current value
        self.ok(self.nsu("prereq yxrrset %s A 192.0.2.2\n"
                         "update delete %s\n" % (n, n), keyargs, tcp))
        self.assert_both(n, "A", [])
        self.assert_both(n, "AAAA", [])
        st, _, _, auth = self.dig(n, "A")
        self.assertEqual(st, "NXDOMAIN")
        self.assertEqual([r[2] for r in auth], ["SOA"])
        self.assertFalse([k for k in self.emu.rrsets() if k[0] == n])

        # prereq nxdomain now holds
        self.ok(self.nsu("prereq nxdomain %s\nupdate add %s 60 A 192.0.2.3\n"
                         % (n, n), keyargs, tcp))
        self.assert_both(n, "A", ["192.0.2.3"], ttl=60)
        self.assertEqual(serial_of(self.emu), s0 + 6)

    def test_nsupdate_udp_keyfile_each_algorithm(self):
        for alg in ALGS:
            with self.subTest(alg=alg):
                self.nsupdate_sequence(alg, False,
                                       ["-k", keyfile_bind(self.tmp, alg)])

    def test_nsupdate_tcp_y_each_algorithm(self):
        for alg in ALGS:
            with self.subTest(alg=alg):
                self.nsupdate_sequence(alg, True, yarg(alg))

    def test_nsupdate_keyfile_tcp_and_y_udp(self):
        # the other pairing of key form and transport, add + delete
        for alg in ALGS:
            for tcp, args in ((True, ["-k", keyfile_bind(self.tmp, alg)]),
                              (False, yarg(alg))):
                with self.subTest(alg=alg, tcp=tcp):
                    n = "x-%s-%d.example.com." % (alg, tcp)
                    self.ok(self.nsu("update add %s 120 A 198.51.100.7\n" % n,
                                     args, tcp))
                    self.assert_both(n, "A", ["198.51.100.7"])
                    self.ok(self.nsu("update delete %s A\n" % n, args, tcp))
                    self.assert_both(n, "A", [])

    def test_knsupdate(self):
        alg = "hmac-sha256"
        for tcp in (False, True):
            for form, args in (("y", yarg(alg)),
                               ("k", ["-k", keyfile_knot(self.tmp, alg)])):
                with self.subTest(tcp=tcp, key=form):
                    n = "knot-%s-%d.example.com." % (form, tcp)
                    s0 = serial_of(self.emu)
                    r = self.nsu("update add %s 300 A 192.0.2.44\n"
                                 'update add %s 300 TXT "knot"\n' % (n, n),
                                 args, tcp, tool="knsupdate")
                    self.ok(r)
                    self.assert_both(n, "A", ["192.0.2.44"])
                    self.assert_both(n, "TXT", ['"knot"'])
                    self.assertEqual(serial_of(self.emu), s0 + 1)
                    r = self.nsu("prereq nxdomain %s\n"
                                 "update add %s 300 A 192.0.2.45\n" % (n, n),
                                 args, tcp, tool="knsupdate")
                    self.failed(r, "YXDOMAIN")
                    self.ok(self.nsu("update delete %s\n" % n, args, tcp,
                                     tool="knsupdate"))
                    self.assert_both(n, "A", [])
                    self.assert_both(n, "TXT", [])
                    self.assertEqual(serial_of(self.emu), s0 + 2)

    def test_knsupdate_other_algorithms(self):
        for alg in ("hmac-sha1", "hmac-sha512"):
            with self.subTest(alg=alg):
                n = "knot-%s.example.com." % alg
                self.ok(self.nsu("update add %s 300 AAAA 2001:db8::44\n" % n,
                                 yarg(alg), tool="knsupdate"))
                self.assert_both(n, "AAAA", ["2001:db8::44"])

    def test_dnspython(self):
        for alg in ALGS:
            for tcp in (False, True):
                with self.subTest(alg=alg, tcp=tcp):
                    ask = dns.query.tcp if tcp else dns.query.udp
                    n = "py-%s-%d.example.com." % (alg, tcp)
                    u = dnspy_update(alg)
                    u.add(n, 300, "A", "203.0.113.5")
                    u.add(n, 300, "MX", "10 mx.example.net.")
                    r = ask(u, "127.0.0.1", port=self.port, timeout=10)
                    self.assertEqual(r.rcode(), dns.rcode.NOERROR)
                    self.assertTrue(r.had_tsig, "answer not signed")
                    self.assert_both(n, "A", ["203.0.113.5"])
                    self.assert_both(n, "MX", ["10 mx.example.net."])

                    # failing prerequisite: zone unchanged
                    before = self.emu.rrsets()
                    u = dnspy_update(alg)
                    u.present(n, "A", "203.0.113.99")
                    u.delete(n)
                    r = ask(u, "127.0.0.1", port=self.port, timeout=10)
                    self.assertEqual(r.rcode(), dns.rcode.NXRRSET)
                    u = dnspy_update(alg)
                    u.absent(n)
                    u.add(n, 300, "TXT", "never")
                    r = ask(u, "127.0.0.1", port=self.port, timeout=10)
                    self.assertEqual(r.rcode(), dns.rcode.YXDOMAIN)
                    u = dnspy_update(alg)
                    u.present("nothere.example.com.")
                    u.add("nothere.example.com.", 300, "A", "192.0.2.1")
                    r = ask(u, "127.0.0.1", port=self.port, timeout=10)
                    self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
                    self.assertEqual(self.emu.rrsets(), before)
                    self.assert_both(n, "A", ["203.0.113.5"])

                    u = dnspy_update(alg)
                    u.present(n, "A", "203.0.113.5")
                    u.delete(n, "MX")
                    r = ask(u, "127.0.0.1", port=self.port, timeout=10)
                    self.assertEqual(r.rcode(), dns.rcode.NOERROR)
                    self.assert_both(n, "MX", [])
                    self.assert_both(n, "A", ["203.0.113.5"])

    def test_certbot_rfc2136_client(self):
        from certbot_dns_rfc2136._internal import dns_rfc2136 as C
        name, secret = T.KEYS["hmac-sha512"]
        cl = C._RFC2136Client("127.0.0.1", self.port, name, secret,
                              dns.tsig.HMAC_SHA512, 10)
        rec = "_acme-challenge.www.example.com"
        # The SOA probe walks up from the record name and insists on AA.
        self.assertFalse(cl._query_soa(rec))
        self.assertFalse(cl._query_soa("www.example.com"))
        self.assertTrue(cl._query_soa("example.com"))
        self.assertEqual(cl._find_domain(rec), "example.com")
        token = "Zm9vYmFyLWNoYWxsZW5nZS10b2tlbi0xMjM0NTY3ODkw"
        token2 = "c2Vjb25kLWNoYWxsZW5nZS10b2tlbi1mb3Itd2lsZGNhcmQ"
        cl.add_txt_record(rec, token, 120)
        self.assert_both(rec + ".", "TXT", ['"%s"' % token], ttl=120)
        # a second validation for the same name (wildcard + base name)
        cl.add_txt_record(rec, token2, 120)
        self.assert_both(rec + ".", "TXT",
                         ['"%s"' % token, '"%s"' % token2])
        cl.del_txt_record(rec, token)
        self.assert_both(rec + ".", "TXT", ['"%s"' % token2])
        cl.del_txt_record(rec, token2)
        self.assert_both(rec + ".", "TXT", [])
        # deleting what is gone is not an error (RFC 2136 3.4.2.4)
        cl.del_txt_record(rec, token2)

    def test_certbot_client_wrong_secret(self):
        from certbot import errors
        from certbot_dns_rfc2136._internal import dns_rfc2136 as C
        name, _ = T.KEYS["hmac-sha256"]
        cl = C._RFC2136Client("127.0.0.1", self.port, name,
                              "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==",
                              dns.tsig.HMAC_SHA256, 5)
        before = self.emu.rrsets()
        with self.assertRaises(errors.PluginError):
            cl.add_txt_record("_acme-challenge.bad.example.com", "x", 120)
        self.assertEqual(self.emu.rrsets(), before)

    def test_acme_sh_cleanup_rrset_delete(self):
        # acme.sh's nsupdate hook adds each value, then removes the whole
        # RRset with "update delete NAME TXT".
        n = "_acme-challenge.acmesh.example.com."
        args = ["-k", keyfile_bind(self.tmp, "hmac-sha256")]
        self.ok(self.nsu('update add %s 120 TXT "one"\n' % n, args))
        self.ok(self.nsu('update add %s 120 TXT "two"\n' % n, args))
        self.assert_both(n, "TXT", ['"one"', '"two"'])
        self.ok(self.nsu("update delete %s TXT\n" % n, args))
        self.assert_both(n, "TXT", [])
        st, _, _, auth = self.dig(n, "TXT")
        self.assertEqual(st, "NXDOMAIN")

    def test_unsupported_types_refused(self):
        args = yarg("hmac-sha256")
        before = self.emu.rrsets()
        for rtype, rdata in (
                ("LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m"),
                ("HINFO", '"PC" "Linux"')):
            with self.subTest(rtype=rtype):
                n = "%s.example.com." % rtype.lower()
                r = self.nsu("update add %s 300 %s %s\n" % (n, rtype, rdata),
                             args)
                self.failed(r, "REFUSED")
                self.assertTrue(self.d.wait_log("type %s" % rtype, 3),
                                "log does not name %s" % rtype)
        # nothing was sent, not even the part that Route 53 could hold
        r = self.nsu("update add ok-then-loc.example.com. 300 A 192.0.2.1\n"
                     "update add ok-then-loc.example.com. 300 LOC "
                     "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m\n",
                     args)
        self.failed(r, "REFUSED")
        self.assertEqual(self.emu.rrsets(), before)

    def test_wrong_secret_badsig(self):
        before = self.emu.rrsets()
        r = self.nsu("update add badsig.example.com. 300 A 192.0.2.1\n",
                     yarg("hmac-sha256",
                          "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="))
        self.failed(r, "NOTAUTH")
        self.assertIn("BADSIG", r.stdout)
        # the same with dnspython: rcode NOTAUTH, TSIG error BADSIG
        u = dnspy_update("hmac-sha1", "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==")
        u.add("badsig.example.com.", 300, "A", "192.0.2.1")
        wire = T.udp_exchange(u.to_wire(), self.port, timeout=3)
        self.assertIsNotNone(wire)
        self.assertEqual(wire[3] & 0x0f, dns.rcode.NOTAUTH)
        # last RR is the TSIG: ... error(2) other-len(2) with empty other
        self.assertEqual(int.from_bytes(wire[-4:-2], "big"), 16)  # BADSIG
        self.assertEqual(self.emu.rrsets(), before)
        self.assert_both("badsig.example.com.", "A", [])

    def test_retransmitted_udp_update_applied_once(self):
        n = "retrans.example.com."
        u = dnspy_update("hmac-sha256")
        u.add(n, 300, "TXT", "once")
        u.add(n, 300, "A", "192.0.2.77")
        wire = u.to_wire()
        s0 = serial_of(self.emu)
        self.emu.call("POST", "/_emu/stats/reset")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        try:
            s.sendto(wire, ("127.0.0.1", self.port))
            s.sendto(wire, ("127.0.0.1", self.port))
            answers = [s.recv(65535)]
            s.settimeout(1)
            try:
                answers.append(s.recv(65535))
            except socket.timeout:
                pass
            # a third copy after the answer: answered again, not applied
            s.settimeout(5)
            s.sendto(wire, ("127.0.0.1", self.port))
            answers.append(s.recv(65535))
        finally:
            s.close()
        self.assertTrue(self.d.wait_log("a copy of an update already "
                                        "taken is not applied again", 3),
                        "third copy not answered as the first was")
        for a in answers:
            self.assertEqual(a[:2], wire[:2], "answer to another id")
            self.assertEqual(a[3] & 0x0f, dns.rcode.NOERROR)
            m = dns.message.from_wire(a, keyring=u.keyring,
                                      request_mac=u.mac)
            self.assertTrue(m.had_tsig)
        st = self.emu.call("GET", "/_emu/stats")
        self.assertEqual(st["operations"].get("ChangeResourceRecordSets"), 1,
                         "changes sent: %r" % st)
        self.assertEqual(serial_of(self.emu), s0 + 1)
        self.assert_both(n, "TXT", ['"once"'])

    def test_concurrent_clients_all_applied(self):
        # Twenty clients at once: every UPDATE is answered NOERROR and
        # applied, in fewer Route 53 calls than UPDATEs (coalescing).
        import concurrent.futures
        self.emu.call("POST", "/_emu/stats/reset")
        s0 = serial_of(self.emu)
        names = ["par%02d.example.com." % i for i in range(20)]

        def one(i):
            u = dnspy_update(ALGS[i % len(ALGS)])
            u.add(names[i], 60, "A", "198.51.100.%d" % (i + 1))
            u.add("parallel.example.com.", 60, "TXT", '"client %d"' % i)
            ask = dns.query.tcp if i % 2 else dns.query.udp
            return ask(u, "127.0.0.1", port=self.port, timeout=20).rcode()

        with concurrent.futures.ThreadPoolExecutor(20) as ex:
            rcodes = list(ex.map(one, range(20)))
        self.assertEqual(rcodes, [dns.rcode.NOERROR] * 20)
        got = self.emu.rrsets()
        for i, n in enumerate(names):
            self.assertEqual(got[(n, "A")][1], ["198.51.100.%d" % (i + 1)])
        self.assert_both("parallel.example.com.", "TXT",
                         ['"client %d"' % i for i in range(20)])
        calls = self.emu.call("GET", "/_emu/stats")["operations"][
            "ChangeResourceRecordSets"]
        self.assertLess(calls, 20)
        self.assertEqual(serial_of(self.emu), s0 + calls)

    def test_change_behind_our_back_not_lost(self):
        # Somebody adds a value in the console; r53d's mirror does not
        # know it.  An UPDATE adding another value must keep both.
        n = "console.example.com."
        self.ok(self.nsu('update add %s 300 TXT "ours"\n' % n,
                         yarg("hmac-sha1")))
        out = self.emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "ChangeBatch": {"Changes": [
                {"Action": "UPSERT", "ResourceRecordSet": {
                    "Name": n, "Type": "TXT", "TTL": 300,
                    "ResourceRecords": [{"Value": '"ours"'},
                                        {"Value": '"theirs"'}]}}]}})
        self.assertIn("ChangeInfo", out, out)
        self.ok(self.nsu('update add %s 300 TXT "more"\n' % n,
                         yarg("hmac-sha1")))
        self.assert_both(n, "TXT", ['"more"', '"ours"', '"theirs"'])
        # and a prerequisite sees the console's value
        r = self.nsu('prereq yxrrset %s TXT "ours" "more"\n'
                     "update delete %s\n" % (n, n), yarg("hmac-sha1"))
        self.assertNotEqual(r.returncode, 0)
        self.ok(self.nsu("update delete %s TXT\n" % n, yarg("hmac-sha1")))
        self.assert_both(n, "TXT", [])

    def test_unknown_outcome_applied_once(self):
        # The connection drops after Route 53 applied the batch: r53d
        # must find out, answer NOERROR, and not apply it twice.
        n = "dropped.example.com."
        s0 = serial_of(self.emu)
        self.emu.call("POST", "/_emu/stats/reset")
        faults = ("close_after", "truncate", "close_before", "500",
                  "throttle")
        for fault in faults:
            with self.subTest(fault=fault):
                self.emu.call("POST", "/_emu/faults", {
                    "type": fault, "op": "ChangeResourceRecordSets"})
                r = self.nsu('update add %s 300 TXT "%s"\n' % (n, fault),
                             yarg("hmac-sha224"), tcp=True)
                self.ok(r)
                self.assertEqual(self.emu.call("GET", "/_emu/faults"),
                                 {"faults": []}, "fault not used")
                s0 += 1
                self.assertEqual(serial_of(self.emu), s0)
        self.assert_both(n, "TXT", ['"%s"' % f for f in faults])
        self.assertEqual(self.emu.call("GET", "/_emu/stats")["faults"],
                         len(faults))
        log = self.d.logtext()
        self.assertIn("was applied", log)
        self.assertIn("was not applied", log)

    def test_several_sends_in_one_session(self):
        for tool in ("nsupdate", "knsupdate"):
            for tcp in (False, True):
                with self.subTest(tool=tool, tcp=tcp):
                    s0 = serial_of(self.emu)
                    body = ""
                    names = ["s%d.%s-%d.example.com." % (i, tool, tcp)
                             for i in range(3)]
                    for i, n in enumerate(names):
                        body += ("update add %s 60 A 192.0.2.%d\nsend\n"
                                 % (n, i + 1))
                    self.ok(self.nsu(body, yarg("hmac-sha256"), tcp,
                                     tool=tool))
                    for i, n in enumerate(names):
                        self.assert_both(n, "A", ["192.0.2.%d" % (i + 1)])
                    self.assertEqual(serial_of(self.emu), s0 + 3)

    def test_soa_serial_set_by_client(self):
        # An UPDATE may raise the serial itself (RFC 2136 3.4.2.2); the
        # next batch continues from there.
        soa = self.emu_values(ZONE, "SOA")[0].split()
        new = int(soa[2]) + 1000
        soa[2] = str(new)
        self.ok(self.nsu("update add %s 900 SOA %s\n" % (ZONE, " ".join(soa)),
                         yarg("hmac-sha256")))
        self.assertEqual(serial_of(self.emu), new)
        st, _, ans, _ = self.dig(ZONE, "SOA")
        self.assertEqual(int(ans[0][3].split()[2]), new)
        # a lower serial is ignored quietly, as BIND does
        soa[2] = str(new - 10)
        self.ok(self.nsu("update add %s 900 SOA %s\n" % (ZONE, " ".join(soa)),
                         yarg("hmac-sha256")))
        self.assertEqual(serial_of(self.emu), new)
        self.ok(self.nsu("update add soa-next.example.com. 60 A 192.0.2.1\n",
                         yarg("hmac-sha256")))
        self.assertEqual(serial_of(self.emu), new + 1)

    def test_tcp_pipelined_updates_in_order(self):
        # Three UPDATEs written at once on one TCP connection: answered
        # each, evaluated in arrival order (the second's prerequisite
        # sees the first's change).
        import struct
        msgs = []
        for i in range(3):
            u = dnspy_update("hmac-sha256")
            u.id = 4000 + i
            u.add("pipe%d.example.com." % i, 60, "A", "192.0.2.%d" % (i + 1))
            if i == 1:
                u.absent("pipe0.example.com.")
            msgs.append(u)
        s = socket.create_connection(("127.0.0.1", self.port), 5)
        s.settimeout(10)
        got = []
        try:
            s.sendall(b"".join(struct.pack("!H", len(w)) + w
                               for w in (u.to_wire() for u in msgs)))
            buf = b""
            while len(got) < 3:
                b = s.recv(65535)
                if not b:
                    break
                buf += b
                while len(buf) >= 2 and \
                        len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                    n = struct.unpack("!H", buf[:2])[0]
                    got.append(buf[2:2 + n])
                    buf = buf[2 + n:]
        finally:
            s.close()
        self.assertEqual(len(got), 3)
        rcodes = {}
        for g in got:
            u = [m for m in msgs if m.id == int.from_bytes(g[:2], "big")][0]
            m = dns.message.from_wire(g, keyring=u.keyring,
                                      request_mac=u.mac)
            rcodes[msgs.index(u)] = m.rcode()
        self.assertEqual(rcodes, {0: dns.rcode.NOERROR,
                                  1: dns.rcode.YXDOMAIN,
                                  2: dns.rcode.NOERROR})
        self.assert_both("pipe0.example.com.", "A", ["192.0.2.1"])
        self.assert_both("pipe1.example.com.", "A", [])
        self.assert_both("pipe2.example.com.", "A", ["192.0.2.3"])

    def test_update_outside_zone_notauth_or_notzone(self):
        # The zone section names a zone r53d does not serve.
        r = self.nsu("update add www.example.org. 300 A 192.0.2.1\n",
                     yarg("hmac-sha256"), zone="example.org.")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stdout, "NOTAUTH|REFUSED")
        # A record outside the zone named in the zone section: NOTZONE.
        r = self.nsu("update add www.example.org. 300 A 192.0.2.1\n",
                     yarg("hmac-sha256"))
        self.failed(r, "NOTZONE")

    def test_cname_exclusivity_and_apex(self):
        args = yarg("hmac-sha384")
        n = "cn.example.com."
        self.ok(self.nsu("update add %s 300 CNAME www.example.com.\n" % n,
                         args))
        self.assert_both(n, "CNAME", ["www.example.com."])
        # RFC 2136 3.4.2.2: other data at a CNAME is ignored, quietly
        self.ok(self.nsu("update add %s 300 A 192.0.2.1\n" % n, args))
        self.assert_both(n, "CNAME", ["www.example.com."])
        self.assertIsNone(self.emu.rrsets().get((n, "A")))
        # the apex SOA cannot be deleted; NS at the apex cannot be emptied
        before = serial_of(self.emu)
        self.nsu("update delete example.com. SOA\n", args)
        self.assertIn((ZONE, "SOA"), self.emu.rrsets())
        self.assertGreaterEqual(serial_of(self.emu), before)
        self.nsu("update delete example.com. NS\n", args)
        self.assertTrue(self.emu_values(ZONE, "NS"))

if __name__ == "__main__":
    T.Results.main()
