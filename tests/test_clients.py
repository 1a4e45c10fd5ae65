#!/usr/bin/python3
"""End-to-end tests of r53d's main job: standard RFC 2136 clients
(nsupdate, knsupdate, dnspython, certbot's RFC 2136 client, acme.sh's
way of cleaning up) change a hosted zone in the Route 53 emulator through
r53d, and every result is checked twice: with dig against r53d, and in
the emulator's own state.

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

import dns.message  # noqa: E402
import dns.name  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."
ALGS = list(T.KEYS)


# ---- helpers shared by every test class --------------------------------

def keyfile_bind(tmp, alg):
    """A key file in BIND's format, as nsupdate -k reads it."""
    name, secret = T.KEYS[alg]
    p = os.path.join(tmp, "%s.key" % name)
    with open(p, "w") as f:
        f.write('key "%s" {\n\talgorithm %s;\n\tsecret "%s";\n};\n'
                % (name, alg, secret))
    return p


def keyfile_knot(tmp, alg):
    """A key file as knsupdate -k reads it: alg:name:secret."""
    name, secret = T.KEYS[alg]
    p = os.path.join(tmp, "%s.knot" % name)
    with open(p, "w") as f:
        f.write("%s:%s:%s\n" % (alg, name, secret))
    return p


def yarg(alg, secret=None):
    name, s = T.KEYS[alg]
    return ["-y", "%s:%s:%s" % (alg, name, secret or s)]


def nsupdate(port, body, args=(), tcp=False, zone=ZONE, tool="nsupdate",
             local=None):
    """Run nsupdate (or knsupdate) with body between the server/zone
    lines and send.  Returns the CompletedProcess."""
    script = "server 127.0.0.1 %d\n" % port
    if local:
        script += "local %s\n" % local
    script += "zone %s\n%ssend\n" % (zone, body)
    cmd = [tool] + list(args)
    if tcp:
        cmd.append("-v")
    if tool == "nsupdate":
        cmd += ["-t", "10"]
    else:
        cmd += ["-t", "10", "-r", "1"]
    return T.run(cmd, input=script, timeout=30)


def dig(port, name, rtype, *opts):
    """dig at r53d: (status, flags, [(owner, ttl, type, rdata)] of the
    answer section, authority section likewise)."""
    out = T.run(["dig", "@127.0.0.1", "-p", str(port), "+norec",
                 "+tries=1", "+time=3"] + list(opts) + [name, rtype]).stdout
    m = re.search(r"status: (\w+)", out)
    status = m.group(1) if m else None
    m = re.search(r";; flags: ([a-z ]*);", out)
    flags = m.group(1).split() if m else []
    return status, flags, section(out, "ANSWER"), section(out, "AUTHORITY")


def section(out, which):
    rows = []
    on = False
    for line in out.splitlines():
        if line.startswith(";; %s SECTION:" % which):
            on = True
            continue
        if on:
            if not line.strip():
                break
            f = line.split(None, 4)
            rows.append((f[0].lower(), int(f[1]), f[3], f[4]))
    return rows


def values(rows, owner=None, rtype=None):
    return sorted(r[3] for r in rows
                  if (owner is None or r[0] == owner.lower())
                  and (rtype is None or r[2] == rtype))


def serial_of(emu, zone=ZONE):
    return int(emu.rrsets(zone)[(zone, "SOA")][1][0].split()[2])


def make_pair(zones, conf_extra="", emu_args=(), emu_zones=None,
              private=(), wait=True, keys=True):
    """An emulator and an r53d with a zone block per entry of zones
    ({name: body}).  emu_zones: the emulator's public zones (default the
    names of zones); private: its private zones."""
    args = list(emu_args)
    for z in private:
        args += ["--private-zone", z]
    emu = T.Emulator(emu_zones if emu_zones is not None else list(zones),
                     args=args)
    port = T.free_port()
    conf = ("listen 127.0.0.1 port %d;\n" % port
            + (T.keys_conf() if keys else "") + emu.aws_conf() + conf_extra)
    for z, body in zones.items():
        conf += 'zone "%s" {\n%s};\n' % (z, body)
    try:
        d = T.Daemon(conf, port=port)
    except Exception:
        emu.close()
        raise
    if wait:
        for z in zones:
            if not d.wait_log("zone %s: loaded" % z, timeout=20):
                d.close()
                emu.close()
                raise RuntimeError("zone %s did not load:\n%s"
                                   % (z, d.logtext()))
    return emu, d, port


def allow_all_keys():
    return ("\tallow-update { %s };\n"
            % " ".join('key "%s";' % n for n, _ in T.KEYS.values()))


def keyring(alg, secret=None):
    name, s = T.KEYS[alg]
    return dns.tsigkeyring.from_text({name: secret or s}), \
        dns.name.from_text(name), T.DNSPY_ALG[alg]


def dnspy_update(alg, secret=None):
    kr, kn, ka = keyring(alg, secret)
    return dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                    keyalgorithm=ka)


class PairTest(unittest.TestCase):
    """Base: one emulator and one r53d for the whole class."""

    zones = {"example.com": allow_all_keys()}
    conf_extra = ""
    emu_args = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="r53d-clients-")
        cls.emu, cls.d, cls.port = make_pair(cls.zones, cls.conf_extra,
                                             cls.emu_args)

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.close()
        cls.emu.close()
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def dig(self, name, rtype, *opts):
        return dig(self.port, name, rtype, *opts)

    def nsu(self, body, args=(), tcp=False, **kw):
        return nsupdate(self.port, body, args, tcp, **kw)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, "update failed: %s\nlog:\n%s"
                         % (r.stdout, self.d.logtext()[-3000:]))

    def failed(self, r, rcode):
        self.assertNotEqual(r.returncode, 0, "update succeeded")
        self.assertIn(rcode, r.stdout)

    def emu_values(self, owner, rtype):
        got = self.emu.rrsets().get((owner, rtype))
        return got[1] if got else []

    def assert_both(self, owner, rtype, want, ttl=None):
        """dig at r53d and the emulator's state both show exactly want
        (a list of presentation values) for owner/rtype."""
        want = sorted(want)
        st, flags, ans, _ = self.dig(owner, rtype)
        if want:
            self.assertEqual(st, "NOERROR")
            self.assertIn("aa", flags)
        else:
            self.assertIn(st, ("NOERROR", "NXDOMAIN"))
        self.assertEqual(values(ans, owner, rtype), want,
                         "dig %s %s" % (owner, rtype))
        if ttl is not None and want:
            self.assertTrue(all(r[1] == ttl for r in ans if r[2] == rtype))
        emu = self.emu.rrsets().get((owner, rtype))
        if not want:
            self.assertIsNone(emu, "emulator still holds %s %s"
                              % (owner, rtype))
        else:
            self.assertIsNotNone(emu, "emulator lacks %s %s"
                                 % (owner, rtype))
            self.assertEqual(sorted(emu[1]), want)
            if ttl is not None:
                self.assertEqual(emu[0], ttl)


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
