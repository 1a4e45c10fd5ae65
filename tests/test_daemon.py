#!/usr/bin/python3
"""Black-box tests of the daemon's DNS front end: the real ./r53d on
loopback, asked by dig, kdig and dnspython.

No hosted zone is loaded here (the Route 53 endpoint points at a closed
loopback port), so queries inside a configured zone get SERVFAIL.
"""
import os
import random
import re
import signal
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.opcode  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402


def config(port, extra=""):
    listen = "listen 127.0.0.1 port %d;\n" % port
    if T.have_ipv6():
        listen += "listen ::1 port %d;\n" % port
    # A key whose MAC the configuration truncates to 128 bits.
    trunc = ('key "k-t128" {\n\talgorithm hmac-sha256-128;\n'
             '\tsecret "%s";\n};\n' % T.KEYS["hmac-sha256"][1])
    return (listen + T.keys_conf() + trunc +
            'aws {\n\tendpoint "http://127.0.0.1:9";\n'
            '\taccess-key-id "AKIDEXAMPLE";\n'
            '\tsecret-access-key-file "secret";\n};\n'
            'zone "example.com" {\n\tallow-update { key "k-sha256"; };\n};\n'
            "tcp-clients 8;\ntcp-idle-timeout 2;\n" + extra)


class DaemonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = T.free_port()
        import tempfile
        tmp = tempfile.mkdtemp(prefix="r53d-test-")
        with open(os.path.join(tmp, "secret"), "w") as f:
            f.write("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n")
        cls.d = T.Daemon(config(cls.port), tmpdir=tmp)
        if not T.wait_udp(cls.port):
            raise RuntimeError("r53d did not start:\n" + cls.d.logtext())

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.close()
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    def ask(self, q, tcp=False, timeout=2.0, host="127.0.0.1"):
        if tcp:
            return dns.query.tcp(q, host, port=self.port, timeout=timeout)
        return dns.query.udp(q, host, port=self.port, timeout=timeout)

    def dig(self, *args):
        return T.run(["dig", "@127.0.0.1", "-p", str(self.port),
                      "+tries=1", "+time=2"] + list(args))

    def kdig(self, *args):
        return T.run(["kdig", "@127.0.0.1", "-p", str(self.port),
                      "+retry=0", "+time=2"] + list(args))

    # --- rcodes ---------------------------------------------------------

    def test_query_outside_zones_refused(self):
        out = self.dig("www.example.org", "A")
        self.assertIn("status: REFUSED", out.stdout)
        out = self.kdig("www.example.org", "A")
        self.assertIn("status: REFUSED", out.stdout)

    def test_query_inside_unloaded_zone_servfail(self):
        out = self.dig("example.com", "SOA")
        self.assertIn("status: SERVFAIL", out.stdout)
        out = self.dig("+tcp", "WWW.Example.COM.", "A")
        self.assertIn("status: SERVFAIL", out.stdout)

    def test_unknown_opcodes_notimp(self):
        q = dns.message.make_query("example.com.", "SOA")
        for op in (1, 2, 3, 6, 7, 15):
            w = bytearray(q.to_wire())
            w[2] = (w[2] & 0x87) | (op << 3)
            r = T.udp_exchange(bytes(w), self.port)
            self.assertIsNotNone(r, "no answer to opcode %d" % op)
            self.assertEqual(r[:2], w[:2])
            self.assertEqual((r[2] >> 3) & 0x0f, op)
            self.assertEqual(r[3] & 0x0f, dns.rcode.NOTIMP, "opcode %d" % op)

    def test_body_does_not_parse_formerr(self):
        # Header claims one question, body is cut inside the name.
        q = dns.message.make_query("example.com.", "SOA").to_wire()
        for bad in (q[:12] + b"\x07exam", q[:-2], q + b"\x00",
                    q[:4] + b"\x00\x05" + q[6:]):
            r = T.udp_exchange(bad, self.port)
            self.assertIsNotNone(r, "no answer to %r" % bad)
            self.assertEqual(r[:2], bad[:2])
            self.assertEqual(r[3] & 0x0f, dns.rcode.FORMERR)
            self.assertTrue(r[2] & 0x80)

    def test_too_short_dropped(self):
        for n in range(0, 12):
            self.assertIsNone(T.udp_exchange(b"\x12" * n, self.port,
                                              timeout=0.3))

    def test_responses_not_answered(self):
        q = dns.message.make_query("example.com.", "SOA")
        q.flags |= dns.flags.QR
        self.assertIsNone(T.udp_exchange(q.to_wire(), self.port, timeout=0.3))

    def test_qdcount_two_formerr(self):
        q = dns.message.make_query("example.com.", "SOA")
        q.question.append(q.question[0])
        r = self.ask(q)
        self.assertEqual(r.rcode(), dns.rcode.FORMERR)

    def test_transfer_refused(self):
        out = self.dig("example.com", "AXFR")
        self.assertIn("Transfer failed", out.stdout)

    # --- EDNS -----------------------------------------------------------

    def test_edns_echoed(self):
        q = dns.message.make_query("example.com.", "SOA", use_edns=0,
                                   payload=4096)
        r = self.ask(q)
        self.assertEqual(r.edns, 0)
        self.assertLessEqual(r.payload, 4096)
        q = dns.message.make_query("example.com.", "SOA")
        r = self.ask(q)
        self.assertEqual(r.edns, -1, "OPT added to a non-EDNS query")

    def test_edns_badvers(self):
        q = dns.message.make_query("example.com.", "SOA")
        q.use_edns(edns=1)
        r = self.ask(q)
        self.assertEqual(r.rcode(), dns.rcode.BADVERS)
        self.assertEqual(r.edns, 0)
        out = self.dig("+edns=1", "+noednsnegotiation", "example.com", "SOA")
        self.assertIn("BADVERS", out.stdout)

    def test_two_opt_formerr(self):
        q = dns.message.make_query("example.com.", "SOA", use_edns=0)
        w = bytearray(q.to_wire())
        opt = bytes(w[-11:])
        w += opt
        w[11] = 2
        r = T.udp_exchange(bytes(w), self.port)
        self.assertEqual(r[3] & 0x0f, dns.rcode.FORMERR)

    # --- TSIG -----------------------------------------------------------

    def test_tsig_all_algorithms_dig(self):
        for alg, (name, secret) in T.KEYS.items():
            for tcp in ([], ["+tcp"]):
                out = self.dig("-y", "%s:%s:%s" % (alg, name, secret),
                               *tcp, "example.com", "SOA")
                self.assertIn("status: SERVFAIL", out.stdout, out.stdout)
                self.assertIn("TSIG", out.stdout.upper())
                self.assertNotIn("failure", out.stdout.lower(), out.stdout)
                self.assertNotIn("tsig verify", out.stdout.lower())
                # dig shows the response's TSIG RR; it verified it.
                self.assertRegex(out.stdout, r"%s\.\s+0\s+ANY\s+TSIG\s+%s\."
                                 % (name, alg if alg != "hmac-md5" else
                                    "hmac-md5.sig-alg.reg.int"))

    def test_tsig_all_algorithms_kdig(self):
        for alg, (name, secret) in T.KEYS.items():
            out = self.kdig("-y", "%s:%s:%s" % (alg, name, secret),
                            "www.example.org", "A")
            self.assertIn("status: REFUSED", out.stdout, out.stdout)
            self.assertNotIn("WARNING", out.stdout, out.stdout)

    def test_tsig_dnspython_verifies(self):
        for alg, (name, secret) in T.KEYS.items():
            kr = dns.tsigkeyring.from_text({name: (T.DNSPY_ALG[alg], secret)})
            q = dns.message.make_query("example.com.", "SOA")
            q.use_tsig(kr, keyname=name, algorithm=alg)
            r = self.ask(q)  # dnspython raises if the MAC is wrong
            self.assertTrue(r.had_tsig)
            self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)

    def test_tsig_wrong_secret_badsig(self):
        name = T.KEYS["hmac-sha256"][0]
        out = self.dig("-y", "hmac-sha256:%s:%s" % (name, "d3Jvbmc="),
                       "example.com", "SOA")
        self.assertIn("NOTAUTH", out.stdout)
        self.assertIn("BADSIG", out.stdout.upper())
        kr = dns.tsigkeyring.from_text({name: ("hmac-sha256", "d3Jvbmc=")})
        q = dns.message.make_query("example.com.", "SOA")
        q.use_tsig(kr, keyname=name, algorithm="hmac-sha256")
        with self.assertRaises(dns.tsig.PeerBadSignature):
            self.ask(q)

    def test_tsig_unknown_key_badkey(self):
        out = self.dig("-y", "hmac-sha256:nosuchkey:%s"
                       % T.KEYS["hmac-sha256"][1], "example.com", "SOA")
        self.assertIn("NOTAUTH", out.stdout)
        self.assertIn("BADKEY", out.stdout.upper())
        # Right name, wrong algorithm is BADKEY too.
        name, secret = T.KEYS["hmac-sha256"]
        kr = dns.tsigkeyring.from_text({name: ("hmac-sha512", secret)})
        q = dns.message.make_query("example.com.", "SOA")
        q.use_tsig(kr, keyname=name, algorithm="hmac-sha512")
        with self.assertRaises(dns.tsig.PeerBadKey):
            self.ask(q)

    def test_tsig_skewed_clock_badtime(self):
        name, secret = T.KEYS["hmac-sha256"]
        kr = dns.tsigkeyring.from_text({name: ("hmac-sha256", secret)})
        # -302, not -301: time(2) reads a clock that may lag the client's
        # by a few ms, so across a second boundary 301 s can look like
        # 300, which the 300 s fudge accepts.
        for skew in (-3600, 3600, -302, 86400 * 365):
            q = dns.message.make_query("example.com.", "SOA")
            q.use_tsig(kr, keyname=name, algorithm="hmac-sha256")
            real = time.time
            try:
                # dnspython signs with time.time(): make it skew off.
                time.time = lambda: real() + skew
                w = q.to_wire()
            finally:
                time.time = real
            r = T.udp_exchange(w, self.port)
            self.assertIsNotNone(r)
            self.assertEqual(r[3] & 0x0f, dns.rcode.NOTAUTH)
            with self.assertRaises(dns.tsig.PeerBadTime):
                dns.message.from_wire(r, keyring=kr, request_mac=q.mac)
            # Other Data holds the server's time (6 octets): it is now.
            idx = r.rfind(b"\x00\x06")
            srv = int.from_bytes(r[idx + 2:idx + 8], "big")
            self.assertLess(abs(srv - time.time()), 5)

    def test_tsig_dig_truncated_mac(self):
        # BIND's "hmac-sha256-128" syntax: a 16-octet MAC is within the
        # RFC 8945 bounds and the key has no truncation policy.
        name, secret = T.KEYS["hmac-sha256"]
        out = self.dig("-y", "hmac-sha256-128:%s:%s" % (name, secret),
                       "example.com", "SOA")
        self.assertIn("status: SERVFAIL", out.stdout, out.stdout)
        self.assertNotIn("failure", out.stdout.lower())

    def test_tsig_answer_mac_not_shorter_than_request(self):
        # The key is configured truncated to 128 bits; a client signing
        # with the full 256-bit MAC must get a full MAC back (RFC 8945
        # 5.2.2.1, and what BIND does), or it rejects the answer.
        secret = T.KEYS["hmac-sha256"][1]
        out = self.dig("-y", "hmac-sha256:k-t128:%s" % secret,
                       "example.com", "SOA")
        self.assertIn("status: SERVFAIL", out.stdout, out.stdout)
        self.assertNotIn("failure", out.stdout.lower(), out.stdout)
        kr = dns.tsigkeyring.from_text({"k-t128": ("hmac-sha256.", secret)})
        q = dns.message.make_query("example.com.", "SOA")
        q.use_tsig(kr, keyname="k-t128")
        r = self.ask(q)     # dnspython raises if the MAC does not verify
        self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
        self.assertEqual(len(r.mac), 32)
        # A client that truncates as the key does gets 16 octets.
        out = self.dig("-y", "hmac-sha256-128:k-t128:%s" % secret,
                       "example.com", "SOA")
        self.assertIn("status: SERVFAIL", out.stdout, out.stdout)
        self.assertNotIn("failure", out.stdout.lower(), out.stdout)

    # --- robustness -----------------------------------------------------

    def test_random_packets(self):
        rnd = random.Random(2136)
        good = dns.message.make_query("example.com.", "SOA").to_wire()
        name, secret = T.KEYS["hmac-sha512"]
        kr = dns.tsigkeyring.from_text({name: ("hmac-sha512", secret)})
        sq = dns.message.make_query("example.com.", "SOA")
        sq.use_tsig(kr, keyname=name, algorithm="hmac-sha512")
        signed = sq.to_wire()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(1000):
            kind = i % 4
            if kind == 0:
                p = bytes(rnd.getrandbits(8)
                          for _ in range(rnd.randrange(0, 600)))
            elif kind == 1:
                p = bytearray(good)
                for _ in range(rnd.randrange(1, 6)):
                    p[rnd.randrange(len(p))] = rnd.getrandbits(8)
                p = bytes(p)
            elif kind == 2:
                p = bytearray(signed)
                for _ in range(rnd.randrange(1, 4)):
                    p[rnd.randrange(len(p))] = rnd.getrandbits(8)
                p = bytes(p[:rnd.randrange(12, len(p) + 1)])
            else:
                # compression pointer games in the question
                p = (good[:12] + bytes([0xc0 | rnd.randrange(64),
                                        rnd.getrandbits(8)]) + b"\x00\x06\x00\x01")
            p = p[:2] + bytes([p[2] & 0x7f]) + p[3:] if len(p) > 2 else p
            s.sendto(p, ("127.0.0.1", self.port))
        s.close()
        # Also a few over TCP, with random length prefixes.
        for i in range(20):
            t = socket.create_connection(("127.0.0.1", self.port), 2)
            body = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 300)))
            t.sendall(struct.pack("!H", rnd.randrange(0, 65536)) + body)
            t.close()
        time.sleep(0.3)
        self.assertTrue(self.d.alive())
        r = self.ask(dns.message.make_query("example.com.", "SOA"))
        self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
        r = self.ask(dns.message.make_query("example.net.", "SOA"), tcp=True)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)

    # --- TCP ------------------------------------------------------------

    def test_tcp_several_messages_per_connection(self):
        t = socket.create_connection(("127.0.0.1", self.port), 2)
        ids = []
        data = b""
        for i in range(5):
            q = dns.message.make_query("host%d.example.org." % i, "A")
            ids.append(q.id)
            w = q.to_wire()
            data += struct.pack("!H", len(w)) + w
        t.sendall(data)  # all five in one segment
        got = []
        buf = b""
        t.settimeout(3)
        while len(got) < 5:
            chunk = t.recv(4096)
            self.assertTrue(chunk, "connection closed early")
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                n = struct.unpack("!H", buf[:2])[0]
                m = dns.message.from_wire(buf[2:2 + n])
                got.append(m.id)
                self.assertEqual(m.rcode(), dns.rcode.REFUSED)
                buf = buf[2 + n:]
        self.assertEqual(sorted(got), sorted(ids))
        t.close()

    def test_tcp_idle_timeout_closes(self):
        t = socket.create_connection(("127.0.0.1", self.port), 2)
        t.settimeout(6)
        start = time.time()
        self.assertEqual(t.recv(10), b"")  # closed by the daemon
        self.assertLess(time.time() - start, 5.5)
        t.close()

    def test_tcp_slow_client_does_not_stall_others(self):
        # A client that sends half a message and stops.
        slow = [socket.create_connection(("127.0.0.1", self.port), 2)
                for _ in range(3)]
        for s in slow:
            s.sendall(b"\x00\x40\x12\x34")
        # Others are still served at once, over UDP and TCP.
        t0 = time.time()
        r = self.ask(dns.message.make_query("example.org.", "A"), tcp=True)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        r = self.ask(dns.message.make_query("example.org.", "A"))
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertLess(time.time() - t0, 1.0)
        for s in slow:
            s.close()

    def test_tcp_connection_cap(self):
        # tcp-clients is 8: each connection beyond it closes the least
        # recently active idle one, so the oldest of twelve go and the
        # eight newest stay open and are served.
        conns = []
        try:
            for _ in range(12):
                conns.append(socket.create_connection(("127.0.0.1", self.port), 2))
            time.sleep(0.3)
            closed = []
            for i, c in enumerate(conns):
                c.setblocking(False)
                try:
                    if c.recv(1) == b"":
                        closed.append(i)
                except BlockingIOError:
                    pass
                except ConnectionResetError:
                    closed.append(i)
            self.assertIn(0, closed)
            self.assertEqual([i for i in closed if i >= 4], [])
            c = conns[-1]
            c.setblocking(True)
            q = dns.message.make_query("example.org.", "A")
            dns.query.send_tcp(c, q, time.time() + 2)
            r, _ = dns.query.receive_tcp(c, time.time() + 2)
            self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        finally:
            for c in conns:
                c.close()
        # Slots come back once those connections are gone.
        time.sleep(0.3)
        r = self.ask(dns.message.make_query("example.org.", "A"), tcp=True)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)

    @unittest.skipUnless(T.have_ipv6(), "no IPv6 loopback on this machine")
    def test_ipv6_listener(self):
        r = self.ask(dns.message.make_query("example.org.", "A"), host="::1")
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        r = self.ask(dns.message.make_query("example.org.", "A"), host="::1",
                     tcp=True)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)

    # --- the log --------------------------------------------------------

    def log_line(self, pattern, timeout=5.0):
        """The first line of r53d's log that matches the regular
        expression pattern, waiting for it a while."""
        end = time.time() + timeout
        while True:
            for line in self.d.logtext().splitlines():
                if re.search(pattern, line):
                    return line
            if time.time() > end:
                self.fail("no log line matches %r in:\n%s"
                          % (pattern, self.d.logtext()[-3000:]))
            time.sleep(0.05)

    def test_log_listening_addresses(self):
        self.log_line(r"^r53d: listening on 127\.0\.0\.1#%d \(udp, tcp\)$"
                      % self.port)
        if T.have_ipv6():
            self.log_line(r"^r53d: listening on ::1#%d \(udp, tcp\)$"
                          % self.port)

    def test_log_request_lines(self):
        # One line per request: opcode, client, key, transport, question
        # with type (and class, when not IN) by name, rcode by name.
        cl = r"127\.0\.0\.1#\d+"
        self.ask(dns.message.make_query("log-udp.example.org.", "A"))
        self.log_line(r"^r53d: query %s key - udp log-udp\.example\.org\. "
                      r"A: REFUSED$" % cl)
        self.ask(dns.message.make_query("log-tcp.example.com.", "MX"),
                 tcp=True)
        self.log_line(r"^r53d: query %s key - tcp log-tcp\.example\.com\. "
                      r"MX: SERVFAIL$" % cl)
        self.ask(dns.message.make_query("version.bind.", "TXT", "CH"))
        self.log_line(r"^r53d: query %s key - udp version\.bind\. CH TXT: "
                      r"NOERROR$" % cl)
        self.ask(dns.message.make_query("authors.bind.", "TXT", "CH"))
        self.log_line(r"^r53d: query %s key - udp authors\.bind\. CH TXT: "
                      r"REFUSED$" % cl)
        self.ask(dns.message.make_query("log-t.example.com.", "TYPE65280"))
        self.log_line(r"^r53d: query %s key - udp log-t\.example\.com\. "
                      r"TYPE65280: SERVFAIL$" % cl)
        # The key, right after the client: verified, or the one the
        # client named when it does not verify.
        name, secret = T.KEYS["hmac-sha256"]
        kr = dns.tsigkeyring.from_text({name: ("hmac-sha256", secret)})
        q = dns.message.make_query("log-key.example.com.", "TXT")
        q.use_tsig(kr, keyname=name, algorithm="hmac-sha256")
        self.ask(q)
        self.log_line(r"^r53d: query %s key %s udp log-key\.example\.com\. "
                      r"TXT: SERVFAIL$" % (cl, name))
        kr = dns.tsigkeyring.from_text({"log-nokey": ("hmac-sha256",
                                                      secret)})
        q = dns.message.make_query("log-badkey.example.com.", "SOA")
        q.use_tsig(kr, keyname="log-nokey", algorithm="hmac-sha256")
        with self.assertRaises(dns.tsig.PeerBadKey):
            self.ask(q)
        self.log_line(r"^r53d: query %s key log-nokey udp "
                      r"log-badkey\.example\.com\. SOA: NOTAUTH: BADKEY$"
                      % cl)
        # Other opcodes by name, or by number when they have none.
        for op, text in ((1, "iquery"), (2, "status"), (3, "opcode 3"),
                         (6, "dso")):
            w = bytearray(dns.message.make_query(
                "log-op%d.example.com." % op, "SOA").to_wire())
            w[2] = (w[2] & 0x87) | (op << 3)
            self.assertIsNotNone(T.udp_exchange(bytes(w), self.port))
            self.log_line(r"^r53d: %s %s key - udp log-op%d\.example\.com\. "
                          r"SOA: NOTIMP$" % (text, cl, op))
        u = dns.message.make_query("example.net.", "SOA")
        u.set_opcode(dns.opcode.UPDATE)
        self.ask(u)
        self.log_line(r"^r53d: update %s key - udp example\.net\. SOA: "
                      r"NOTAUTH$" % cl)
        # A message without a readable question.
        bad = dns.message.make_query("example.com.", "SOA").to_wire()
        bad = bad[:12] + b"\x07exam"
        self.assertIsNotNone(T.udp_exchange(bad, self.port))
        self.log_line(r"^r53d: query %s key - udp -: FORMERR: malformed$"
                      % cl)
        self.assertNotRegex(self.d.logtext(), r" op \d| type \d")


class LifecycleTest(unittest.TestCase):
    """Options, -n, reload on SIGHUP, exit on SIGTERM/SIGINT."""

    def test_version_and_usage(self):
        out = T.run([T.R53D, "-v"])
        self.assertEqual(out.returncode, 0)
        self.assertRegex(out.stdout, r"^r53d \d+\.\d+")
        out = T.run([T.R53D, "-x"])
        self.assertEqual(out.returncode, 1)
        self.assertIn("usage:", out.stdout)
        # -h: every option, one line each, on standard output.
        import subprocess
        h = subprocess.run([T.R53D, "-h"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(h.returncode, 0, h.stderr)
        self.assertEqual(h.stderr, "")
        self.assertRegex(h.stdout, r"^usage: r53d ")
        for opt in ("-c file", "-d", "-e zone", "-h", "-i", "-n", "-v"):
            self.assertRegex(h.stdout, r"\n  %s +\S" % re.escape(opt),
                             opt)
        for line in h.stdout.splitlines():
            self.assertLess(len(line), 80, line)
        # A bad option: the short usage on standard error only.
        b = subprocess.run([T.R53D, "-x"], capture_output=True, text=True,
                           timeout=10)
        self.assertEqual(b.returncode, 1)
        self.assertEqual(b.stdout, "")
        self.assertRegex(b.stderr, r"usage: r53d \[")
        self.assertNotIn("  -c file", b.stderr)
        out = T.run([T.R53D, "extra-arg"])
        self.assertEqual(out.returncode, 1)

    def test_secret_file_permissions(self):
        # As ssh and BIND do: a file holding a secret that others can
        # read is named in a warning; one that others can write (or any
        # configuration file others can write) is refused, at file:line.
        import tempfile
        tmp = tempfile.mkdtemp(prefix="r53d-perm-")
        conf = os.path.join(tmp, "r53d.conf")
        keys = os.path.join(tmp, "keys.conf")
        secret = os.path.join(tmp, "aws-secret")
        with open(keys, "w") as f:
            f.write(T.keys_conf())
        with open(secret, "w") as f:
            f.write(T.AWS_SECRET + "\n")
        with open(conf, "w") as f:
            f.write('listen 127.0.0.1 port 5353;\ninclude "keys.conf";\n'
                    'aws {\n\taccess-key-id "AKIDEXAMPLE";\n'
                    '\tsecret-access-key-file "aws-secret";\n};\n'
                    'zone "example.com" { allow-update { key "k-md5"; }; };\n')
        for p in (conf, keys, secret):
            os.chmod(p, 0o600)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertNotIn("warning", out.stdout)
        # Readable by others: OK, with a warning naming each file.
        for p in (conf, keys, secret):
            os.chmod(p, 0o644)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn("configuration OK", out.stdout)
        self.assertRegex(out.stdout, re.escape(keys) + r":\d+: warning: key "
                         r'"k-md5": secret: this file is readable by others '
                         r"\(mode 0644\)")
        self.assertRegex(out.stdout, re.escape(conf) + r":5: warning: "
                         r'secret-access-key-file ".*aws-secret" is '
                         r"readable by others \(mode 0644\)")
        self.assertNotIn(T.AWS_SECRET, out.stdout)
        # Writable by others: refused, every such file reported.
        for p in (conf, keys, secret):
            os.chmod(p, 0o666)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn(conf + ": the configuration is writable by others "
                      "(mode 0666)", out.stdout)
        os.chmod(conf, 0o644)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertRegex(out.stdout, re.escape(conf) + r":2: include "
                         r'".*keys.conf" is writable by others')
        self.assertRegex(out.stdout, re.escape(conf) + r":5: "
                         r'secret-access-key-file ".*aws-secret" is '
                         r"writable by others \(mode 0666\)")
        self.assertNotIn("configuration OK", out.stdout)
        # The daemon refuses to start with them too.
        d = T.Daemon(open(conf).read(), tmpdir=tmp)
        try:
            d.proc.wait(10)
        except Exception:
            pass
        text = d.logtext()
        rc = d.close()
        self.assertNotEqual(rc, 0)
        self.assertIn("writable by others", text)

    @unittest.skipUnless(os.geteuid() == 0, "the worker's user applies "
                         "only to r53d started as root")
    def test_check_worker_user(self):
        # As root, -n looks the user up, and names the files read as
        # root that the worker's user could change; files it cannot
        # read are fine: the worker reads none.
        import pwd
        import tempfile
        nobody = pwd.getpwnam("nobody")
        tmp = tempfile.mkdtemp(prefix="r53d-worker-")
        os.chmod(tmp, 0o755)
        conf = os.path.join(tmp, "r53d.conf")
        keys = os.path.join(tmp, "keys.conf")
        with open(keys, "w") as f:
            f.write(T.keys_conf())
        with open(conf, "w") as f:
            f.write('user "nobody";\ninclude "keys.conf";\n'
                    'aws { access-key-id "AKIDEXAMPLE"; '
                    'secret-access-key-file "keys.conf"; };\n')
        os.chmod(conf, 0o600)
        os.chmod(keys, 0o600)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertEqual(out.stdout, conf + ": configuration OK\n")
        os.chown(keys, nobody.pw_uid, 0)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn(keys + ": warning: user nobody may write this file, "
                      "which r53d reads as root (owner uid %d, group 0, "
                      "mode 0600)\n" % nobody.pw_uid, out.stdout)
        os.chown(keys, 0, 0)
        os.chown(tmp, nobody.pw_uid, 0)
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 0, out.stdout)
        self.assertIn(conf + ": warning: user nobody may replace this file, "
                      "which r53d reads as root: it may write the "
                      "directory " + tmp, out.stdout)
        os.chown(tmp, 0, 0)
        with open(conf, "w") as f:
            f.write('user "no-such-user-r53d";\n')
        out = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertEqual(out.stdout, conf + ": user no-such-user-r53d: no "
                         "such user\n")

    def test_check_only(self):
        import tempfile
        tmp = tempfile.mkdtemp(prefix="r53d-test-")
        good = os.path.join(tmp, "good.conf")
        with open(good, "w") as f:
            f.write("listen 127.0.0.1 port 5353;\n" + T.keys_conf() +
                    'zone "example.com" { allow-update { key "k-md5"; }; };\n')
        out = T.run([T.R53D, "-n", "-c", good])
        self.assertEqual(out.returncode, 0, out.stdout)
        bad = os.path.join(tmp, "bad.conf")
        with open(bad, "w") as f:
            f.write("listen 127.0.0.1 port 5353;\nbogus 1;\n"
                    'zone "example.com" { allow-update { key "nokey"; }; };\n'
                    'key "x" { algorithm hmac-sha256; secret "c2VjcmV0"; };\n')
        out = T.run([T.R53D, "-n", "-c", bad])
        self.assertEqual(out.returncode, 1)
        self.assertIn(bad + ":2:", out.stdout)
        self.assertIn(bad + ":3:", out.stdout)
        self.assertNotIn("c2VjcmV0", out.stdout)
        out = T.run([T.R53D, "-nv", "-c", good])
        self.assertEqual(out.returncode, 0)
        self.assertIn('zone "example.com"', out.stdout)
        for alg, (name, secret) in T.KEYS.items():
            self.assertNotIn(secret, out.stdout)
        out = T.run([T.R53D, "-n", "-c", os.path.join(tmp, "missing.conf")])
        self.assertEqual(out.returncode, 1)
        self.assertIn("missing.conf", out.stdout)

    def test_sighup_reload_and_keep_old(self):
        port = T.free_port()
        base = "listen 127.0.0.1 port %d;\n" % port + T.aws_conf()
        d = T.Daemon(base + 'zone "example.com" { };\n')
        try:
            self.assertTrue(T.wait_udp(port), d.logtext())
            q = dns.message.make_query("example.net.", "SOA")
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
            self.assertEqual(r.rcode(), dns.rcode.REFUSED)
            # A good new configuration adds example.net.
            d.rewrite(base + 'zone "example.com" { };\nzone "example.net" { };\n')
            d.signal(signal.SIGHUP)
            self.assertTrue(d.wait_log("configuration reloaded"), d.logtext())
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
            self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
            # A bad one is refused and the old one stays.
            d.rewrite(base + "zone {\n")
            d.signal(signal.SIGHUP)
            self.assertTrue(d.wait_log("keeping the old one"), d.logtext())
            self.assertRegex(d.logtext(), r"r53d\.conf:%d: expected zone name"
                             % (base.count("\n") + 1))
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
            self.assertEqual(r.rcode(), dns.rcode.SERVFAIL)
            self.assertTrue(d.alive())
        finally:
            self.assertEqual(d.close(), 0)

    def test_sigusr2_ignored(self):
        # No meaning is given to SIGUSR2: it must not end the daemon,
        # whether it reaches the privileged parent or the worker.
        port = T.free_port()
        d = T.Daemon("listen 127.0.0.1 port %d;\n" % port)
        try:
            self.assertTrue(T.wait_udp(port), d.logtext())
            d.signal(signal.SIGUSR2)
            time.sleep(0.3)
            q = dns.message.make_query("version.bind.", "TXT", "CH")
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=2)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertTrue(d.alive(), d.logtext())
        finally:
            self.assertEqual(d.close(), 0)

    def test_sigint_exits_cleanly(self):
        port = T.free_port()
        d = T.Daemon("listen 127.0.0.1 port %d;\n" % port)
        self.assertTrue(T.wait_udp(port), d.logtext())
        d.signal(signal.SIGINT)
        d.proc.wait(5)
        self.assertEqual(d.proc.returncode, 0)
        d.close()

    def test_pid_file_removed_after_privilege_drop(self):
        # The pid file's directory is root's (0755): the worker, running
        # as nobody, cannot remove it; the privileged parent does.
        if os.geteuid() != 0:
            self.skipTest("needs root to drop privileges")
        port = T.free_port()
        d = T.Daemon("listen 127.0.0.1 port %d;\npid-file \"r53d.pid\";\n"
                     % port)
        pidfile = os.path.join(d.tmp, "r53d.pid")
        self.assertTrue(T.wait_udp(port), d.logtext())
        with open(pidfile) as f:
            self.assertEqual(int(f.read()), d.proc.pid)
        worker = d.worker_pid()
        self.assertNotEqual(worker, d.proc.pid)
        with open("/proc/%d/status" % worker) as f:
            uid = [ln.split()[1] for ln in f if ln.startswith("Uid:")][0]
        self.assertNotEqual(uid, "0", "the worker kept root")
        # Signals to the pid in the file reach the worker.
        with open(pidfile) as f:
            os.kill(int(f.read()), signal.SIGTERM)
        d.proc.wait(5)
        self.assertEqual(d.proc.returncode, 0)
        self.assertFalse(os.path.exists(pidfile), "stale pid file")
        d.close()
        # SIGKILL to the parent takes the worker with it: the port is
        # free again for the next start.
        d = T.Daemon("listen 127.0.0.1 port %d;\n" % port)
        self.assertTrue(T.wait_udp(port), d.logtext())
        worker = d.worker_pid()
        d.proc.kill()
        d.proc.wait(5)
        def running(pid):
            try:
                with open("/proc/%d/stat" % pid) as f:
                    st = f.read()
            except OSError:
                return False
            return st[st.rindex(")") + 2] != "Z"
        end = time.time() + 5
        while time.time() < end and running(worker):
            time.sleep(0.05)
        self.assertFalse(running(worker), "the worker outlived its parent")
        d.close()

    def test_bind_failure_is_fatal(self):
        port = T.free_port()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", port))
        try:
            d = T.Daemon("listen 127.0.0.1 port %d;\n" % port)
            d.proc.wait(5)
            self.assertEqual(d.proc.returncode, 1)
            self.assertIn("bind", d.logtext())
            d.close()
        finally:
            s.close()


if __name__ == "__main__":
    T.Results.main()
