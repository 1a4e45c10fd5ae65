#!/usr/bin/python3
"""r53d -i, driven the way inetd drives it: the harness binds the socket
(UDP "wait": the bound socket; TCP "nowait": one accepted connection;
TCP "wait": the listening socket), starts r53d with it as standard input
and closes its own copy.  Queries and UPDATEs over each; r53d exits by
itself when the connection ends or nothing more comes; it reads from
Route 53 only the names the requests touch, never the whole zone.

Real clients: dig, kdig and nsupdate from Debian, and dnspython.  The
Route 53 emulator runs over TLS on loopback.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

SECRET = "aW5ldGQtbW9kZS1rZXktc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY="
KEY = "inetd-key"
FILLER = 1500          # records in the hosted zone besides the test's


def ring():
    return dns.tsigkeyring.from_text({KEY: SECRET})


def upd(zone="example.com"):
    return dns.update.UpdateMessage(zone, keyring=ring(), keyname=KEY,
                                    keyalgorithm=dns.tsig.HMAC_SHA256)


class Inetd(unittest.TestCase):
    """One emulator for the class; one r53d -i per test."""

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator(["example.com"])
        # A zone of some size: a run must not read it all.
        for start in range(0, FILLER, 500):
            changes = [{"Action": "CREATE", "ResourceRecordSet": {
                "Name": "f%05d.example.com." % i, "Type": "A", "TTL": 300,
                "ResourceRecords": [{"Value": "10.0.%d.%d" % (i >> 8,
                                                              i & 255)}]}}
                for i in range(start, min(start + 500, FILLER))]
            r = cls.emu.call("POST", "/_emu/write", {
                "HostedZoneId": "example.com.",
                "ChangeBatch": {"Changes": changes}})
            assert "ChangeInfo" in r, r
        cls.emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com.", "ChangeBatch": {"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "www.example.com.", "Type": "A", "TTL": 300,
                    "ResourceRecords": [{"Value": "192.0.2.80"}]}},
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "host.sub.example.com.", "Type": "A",
                    "TTL": 300,
                    "ResourceRecords": [{"Value": "192.0.2.81"}]}},
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "*.wild.example.com.", "Type": "TXT",
                    "TTL": 300,
                    "ResourceRecords": [{"Value": '"wild"'}]}}]}})
        cls.tmp = tempfile.mkdtemp(prefix="r53d-inetd-")
        os.chmod(cls.tmp, 0o755)
        cls.conf = os.path.join(cls.tmp, "r53d.conf")
        with open(cls.conf, "w") as f:
            f.write('key "%s" { algorithm hmac-sha256; secret "%s"; };\n'
                    % (KEY, SECRET) + "tcp-idle-timeout 2;\n"
                    + cls.emu.aws_conf()
                    + 'zone "example.com" {\n\tallow-update { key "%s"; };\n'
                    "};\n" % KEY)
        os.chmod(cls.conf, 0o644)
        with open(os.path.join(cls.tmp, "secret"), "w") as f:
            f.write(T.AWS_SECRET + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.emu.close()

    def setUp(self):
        self.emu.call("POST", "/_emu/stats/reset")
        self.logpath = os.path.join(self.tmp, "r53d-%s.log" % self.id())
        self.proc = None

    def tearDown(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            self.log.close()

    def start(self, sock):
        """r53d -i with sock as standard input, as inetd starts it."""
        self.log = open(self.logpath, "w")
        e = dict(os.environ)
        e["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self.tmp, "none")
        e["AWS_CONFIG_FILE"] = os.path.join(self.tmp, "none")
        self.proc = subprocess.Popen([T.R53D, "-i", "-c", self.conf],
                                     stdin=sock.fileno(), stdout=self.log,
                                     stderr=subprocess.STDOUT, env=e,
                                     preexec_fn=T.die_with_parent)
        sock.close()

    def logtext(self):
        with open(self.logpath) as f:
            return f.read()

    def exits(self, within):
        """r53d ends by itself, status 0, within some seconds."""
        try:
            rc = self.proc.wait(within)
        except subprocess.TimeoutExpired:
            self.fail("r53d -i did not exit:\n" + self.logtext())
        self.assertEqual(rc, 0, self.logtext())

    def reads(self):
        """ListResourceRecordSets calls, and whether r53d loaded all."""
        st = self.emu.call("GET", "/_emu/stats")
        n = st["operations"].get("ListResourceRecordSets", 0)
        return n

    def assert_partial(self, most):
        log = self.logtext()
        self.assertIn("read the apex of hosted zone", log)
        self.assertNotRegex(log, r"loaded \d+ record sets")
        self.assertLessEqual(self.reads(), most, log)

    def test_udp_wait_queries_and_updates(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        # The datagram that made inetd start r53d is waiting already.
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.settimeout(10)
        q = dns.message.make_query("www.example.com.", "A")
        c.sendto(q.to_wire(), ("127.0.0.1", port))
        self.start(s)
        r = dns.message.from_wire(c.recv(65535))
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(r.answer[0][0].address, "192.0.2.80")
        self.assertTrue(r.flags & dns.flags.AA)
        # dig and kdig as clients; NXDOMAIN, an empty non-terminal, a
        # wildcard, an SOA query for a name (what nsupdate asks).
        out = T.run(["dig", "@127.0.0.1", "-p", str(port), "+short",
                     "+tries=1", "+time=10", "host.sub.example.com", "A"])
        self.assertEqual(out.stdout.strip(), "192.0.2.81", out.stdout)
        for name, rcode in (("nope.example.com.", dns.rcode.NXDOMAIN),
                            ("sub.example.com.", dns.rcode.NOERROR)):
            r = dns.query.udp(dns.message.make_query(name, "A"),
                              "127.0.0.1", port=port, timeout=10)
            self.assertEqual(r.rcode(), rcode, name)
            self.assertEqual(r.answer, [], name)
            self.assertEqual(r.authority[0].rdtype, dns.rdatatype.SOA)
        out = T.run(["kdig", "@127.0.0.1", "-p", str(port), "+short",
                     "+timeout=10", "x.wild.example.com", "TXT"])
        self.assertEqual(out.stdout.strip(), '"wild"', out.stdout)
        # nsupdate, as a DHCP hook would run it.
        script = ("server 127.0.0.1 %d\nkey hmac-sha256:%s %s\n"
                  "update add dhcp1.example.com 300 A 192.0.2.91\nsend\n"
                  % (port, KEY, SECRET))
        out = T.run(["nsupdate", "-t", "10"], input=script)
        self.assertEqual(out.returncode, 0, out.stdout + self.logtext())
        self.assertEqual(self.emu.rrsets().get(("dhcp1.example.com.", "A")),
                         (300, ["192.0.2.91"]))
        # A prerequisite on a name Route 53 has: read, not guessed.
        u = upd()
        u.present("www", "A")
        u.add("dhcp2", 300, "A", "192.0.2.92")
        r = dns.query.udp(u, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        u = upd()
        u.absent("www")
        u.add("dhcp3", 300, "A", "192.0.2.93")
        r = dns.query.udp(u, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.YXDOMAIN)
        c.close()
        s.close()
        # Nothing more comes: it exits by itself.
        self.exits(15)
        # Proportional to the requests: the apex, a few names each,
        # not the 1,500 records of the zone.
        self.assert_partial(20)

    def test_udp_wait_dhcid(self):
        """A lease registered earlier (A, and its DHCID as the shadow
        TXT of r53d.conf(5) dhcid): read with the name as requests need
        it, so that RFC 4703's prerequisites on the DHCID hold."""
        mine = "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="
        other = "AAIBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        r = self.emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com.", "ChangeBatch": {"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "lease.example.com.", "Type": "A", "TTL": 300,
                    "ResourceRecords": [{"Value": "192.0.2.70"}]}},
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "_r53d-dhcid.lease.example.com.", "Type": "TXT",
                    "TTL": 300, "ResourceRecords": [
                        {"Value": '"r53d-dhcid:%s"' % mine}]}}]}})
        self.assertIn("ChangeInfo", r)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        self.start(s)
        q = dns.message.make_query("lease.example.com.", "DHCID")
        r = dns.query.udp(q, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual([rd.to_text().replace(" ", "")
                          for rd in r.answer[0]], [mine])
        # Another client: the name is in use, the DHCID is not its own.
        u = upd()
        u.absent("lease")
        u.add("lease", 300, "A", "192.0.2.71")
        u.add("lease", 300, "DHCID", other)
        r = dns.query.udp(u, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.YXDOMAIN)
        u = upd()
        u.present("lease", "DHCID", other)
        u.replace("lease", 300, "A", "192.0.2.71")
        r = dns.query.udp(u, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NXRRSET)
        # The owner removes its lease.
        u = upd()
        u.present("lease", "DHCID", mine)
        u.delete("lease", "A")
        u.delete("lease", "DHCID")
        r = dns.query.udp(u, "127.0.0.1", port=port, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR, self.logtext())
        rr = self.emu.rrsets()
        self.assertNotIn(("lease.example.com.", "A"), rr)
        self.assertNotIn(("_r53d-dhcid.lease.example.com.", "TXT"), rr)
        s.close()
        self.exits(15)
        self.assert_partial(12)

    def test_tcp_nowait_one_connection(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        port = ls.getsockname()[1]
        c = socket.create_connection(("127.0.0.1", port))
        conn, _ = ls.accept()
        ls.close()
        self.start(conn)
        q = dns.message.make_query("example.com.", "SOA")
        r = dns.query.tcp(q, "127.0.0.1", sock=c, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(r.answer[0].rdtype, dns.rdatatype.SOA)
        u = upd()
        u.replace("nowait", 300, "A", "192.0.2.99")
        r = dns.query.tcp(u, "127.0.0.1", sock=c, timeout=10)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(self.emu.rrsets().get(("nowait.example.com.", "A")),
                         (300, ["192.0.2.99"]))
        # Signed wrongly: answered, and nothing changes.
        bad = dns.update.UpdateMessage(
            "example.com", keyring=dns.tsigkeyring.from_text(
                {KEY: "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="}),
            keyname=KEY, keyalgorithm=dns.tsig.HMAC_SHA256)
        bad.delete("nowait")
        try:
            dns.query.tcp(bad, "127.0.0.1", sock=c, timeout=10)
            self.fail("a bad signature was accepted")
        except dns.tsig.PeerBadSignature:
            pass
        c.close()
        # The connection is over: so is r53d.
        self.exits(10)
        self.assertEqual(self.emu.rrsets().get(("nowait.example.com.", "A")),
                         (300, ["192.0.2.99"]))
        self.assert_partial(6)

    def test_tcp_wait_listening_socket(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        ls.listen(8)
        port = ls.getsockname()[1]
        self.start(ls)
        for i in range(3):
            u = upd()
            u.add("tw%d" % i, 300, "A", "192.0.2.%d" % (120 + i))
            r = dns.query.tcp(u, "127.0.0.1", port=port, timeout=10)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.exits(15)
        for i in range(3):
            self.assertIn(("tw%d.example.com." % i, "A"), self.emu.rrsets())
        self.assert_partial(8)

    def test_not_a_socket(self):
        with open(os.devnull) as f:
            out = subprocess.run([T.R53D, "-i", "-d", "-c", self.conf],
                                 stdin=f, capture_output=True, text=True,
                                 timeout=10)
        self.assertEqual(out.returncode, 1)
        self.assertIn("standard input is not a UDP or TCP socket",
                      out.stderr)


if __name__ == "__main__":
    T.Results.main()
