#!/usr/bin/python3
"""End-to-end tests of the answers r53d gives from its mirror of a hosted
zone: a realistic zone is written into the Route 53 emulator "from the
console" (SOA, apex NS, A, AAAA, MX, TXT, CNAME chains, a wildcard, a
delegation with glue, an empty non-terminal, an alias and a weighted
record set), r53d loads it, and dig and kdig ask the questions a user
would ask.

Everything runs on loopback: the emulator over TLS with a throwaway CA,
r53d on a free port.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402

ZONE = "example.com."

BIG_TXT = ['"%02d-this-string-makes-the-answer-too-large-for-512"' % i
           for i in range(12)]


def rrset(name, rtype, vals, ttl=300, **kw):
    rs = {"Name": name, "Type": rtype, "TTL": ttl,
          "ResourceRecords": [{"Value": v} for v in vals]}
    rs.update(kw)
    return rs


def zone_content(zid):
    """The record sets written into the hosted zone before r53d starts."""
    return [
        rrset(ZONE, "MX", ["10 mail.example.com.", "20 mx.example.net."]),
        rrset(ZONE, "TXT", ['"v=spf1 mx -all"']),
        rrset("www.example.com.", "A", ["192.0.2.1", "192.0.2.2"]),
        rrset("www.example.com.", "AAAA", ["2001:db8::1"]),
        rrset("mail.example.com.", "A", ["192.0.2.25"]),
        rrset("ftp.example.com.", "CNAME", ["www.example.com."]),
        rrset("chain.example.com.", "CNAME", ["ftp.example.com."]),
        rrset("out.example.com.", "CNAME", ["target.example.net."]),
        rrset("*.wild.example.com.", "A", ["192.0.2.99"], ttl=120),
        rrset("*.wild.example.com.", "TXT", ['"wild"'], ttl=120),
        rrset("sub.example.com.", "NS", ["ns1.sub.example.com.",
                                         "ns2.sub.example.com."], ttl=3600),
        rrset("ns1.sub.example.com.", "A", ["192.0.2.53"]),
        rrset("ns2.sub.example.com.", "AAAA", ["2001:db8::53"]),
        rrset("a.b.ent.example.com.", "A", ["192.0.2.7"]),
        rrset("big.example.com.", "TXT", BIG_TXT),
        {"Name": "alias.example.com.", "Type": "A",
         "AliasTarget": {"HostedZoneId": zid,
                         "DNSName": "www.example.com.",
                         "EvaluateTargetHealth": False}},
        rrset("lb.example.com.", "A", ["192.0.2.10"], ttl=60,
              SetIdentifier="one", Weight=10),
        rrset("lb.example.com.", "A", ["192.0.2.20"], ttl=60,
              SetIdentifier="two", Weight=20),
    ]


def parse_dig(out):
    m = re.search(r"status: (\w+)", out)
    status = m.group(1) if m else None
    m = re.search(r";; flags: ([a-z ]*);", out)
    flags = m.group(1).split() if m else []
    secs = {}
    for which in ("ANSWER", "AUTHORITY", "ADDITIONAL"):
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
        secs[which] = rows
    return status, flags, secs


class QueryTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator(["example.com", "example.org"])
        try:
            st = cls.emu.call("GET", "/_emu/state")
            zid = [z["Id"] for z in st["zones"]
                   if z["Name"] == ZONE][0].split("/")[-1]
            out = cls.emu.call("POST", "/_emu/write", {
                "HostedZoneId": zid, "ChangeBatch": {"Changes": [
                    {"Action": "CREATE", "ResourceRecordSet": rs}
                    for rs in zone_content(zid)]}})
            if "ChangeInfo" not in out:
                raise RuntimeError("cannot write the zone: %r" % out)
            cls.port = T.free_port()
            allow = " ".join('key "%s";' % n for n, _ in T.KEYS.values())
            # example.org is in the account but not configured: r53d
            # must not answer for it.
            conf = ("listen 127.0.0.1 port %d;\n" % cls.port + T.keys_conf()
                    + cls.emu.aws_conf()
                    + 'zone "example.com" {\n\tallow-update { %s };\n};\n'
                    % allow)
            cls.d = T.Daemon(conf, port=cls.port)
        except Exception:
            cls.emu.close()
            raise
        if not cls.d.wait_log("zone example.com: loaded", 20):
            cls.d.close()
            cls.emu.close()
            raise RuntimeError("zone did not load:\n" + cls.d.logtext())

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.close()
        cls.emu.close()
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def dig(self, name, rtype, *opts):
        out = T.run(["dig", "@127.0.0.1", "-p", str(self.port), "+norec",
                     "+tries=1", "+time=3"] + list(opts)
                    + [name, rtype]).stdout
        return parse_dig(out) + (out,)

    def kdig(self, name, rtype, *opts):
        out = T.run(["kdig", "@127.0.0.1", "-p", str(self.port), "+norec",
                     "+retry=0", "+time=3"] + list(opts)
                    + [name, rtype]).stdout
        return out

    def vals(self, rows, owner=None, rtype=None):
        return sorted(r[3] for r in rows
                      if (owner is None or r[0] == owner.lower())
                      and (rtype is None or r[2] == rtype))

    def assert_negative(self, secs, status_want, status, flags):
        self.assertEqual(status, status_want)
        self.assertIn("aa", flags)
        self.assertEqual(secs["ANSWER"], [])
        auth = secs["AUTHORITY"]
        self.assertEqual([(r[0], r[2]) for r in auth], [(ZONE, "SOA")])
        # RFC 2308: the negative TTL is min(SOA TTL, SOA MINIMUM)
        soa_ttl, soa = self.emu.rrsets()[(ZONE, "SOA")]
        minimum = int(soa[0].split()[6])
        self.assertEqual(auth[0][1], min(soa_ttl, minimum))

    # --- the apex -------------------------------------------------------

    def test_soa_authoritative(self):
        st, flags, secs, _ = self.dig(ZONE, "SOA")
        self.assertEqual(st, "NOERROR")
        self.assertIn("aa", flags)
        ttl, want = self.emu.rrsets()[(ZONE, "SOA")]
        self.assertEqual(self.vals(secs["ANSWER"], ZONE, "SOA"), want)
        self.assertEqual(secs["ANSWER"][0][1], ttl)
        out = self.kdig(ZONE, "SOA", "+tcp")
        self.assertIn("status: NOERROR", out)
        self.assertRegex(out, r"Flags: qr aa")

    def test_do_bit_copied(self):
        # RFC 3225 3: the DO bit of the query is copied into the answer.
        out = T.run(["dig", "@127.0.0.1", "-p", str(self.port), "+norec",
                     "+dnssec", "+tries=1", "+time=3", ZONE, "SOA"]).stdout
        self.assertRegex(out, r"; EDNS: version: 0, flags: do;", out)
        q = dns.message.make_query(ZONE, "SOA", want_dnssec=True)
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3)
        self.assertTrue(r.ednsflags & dns.flags.DO)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        q = dns.message.make_query(ZONE, "SOA", use_edns=0)
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3)
        self.assertFalse(r.ednsflags & dns.flags.DO)
        # A bare error answer copies it too.
        q = dns.message.make_query("example.org.", "SOA", want_dnssec=True)
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3)
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertTrue(r.ednsflags & dns.flags.DO)

    def test_apex_ns_mx_txt(self):
        st, flags, secs, _ = self.dig(ZONE, "NS")
        self.assertEqual(st, "NOERROR")
        self.assertIn("aa", flags)
        self.assertEqual(self.vals(secs["ANSWER"], ZONE, "NS"),
                         self.emu.rrsets()[(ZONE, "NS")][1])
        self.assertEqual(len(secs["ANSWER"]), 4)
        st, _, secs, _ = self.dig(ZONE, "MX")
        self.assertEqual(self.vals(secs["ANSWER"], ZONE, "MX"),
                         ["10 mail.example.com.", "20 mx.example.net."])
        st, _, secs, _ = self.dig(ZONE, "TXT")
        self.assertEqual(self.vals(secs["ANSWER"], ZONE, "TXT"),
                         ['"v=spf1 mx -all"'])

    # --- plain data ------------------------------------------------------

    def test_a_and_aaaa(self):
        st, flags, secs, _ = self.dig("www.example.com", "A")
        self.assertEqual(st, "NOERROR")
        self.assertIn("aa", flags)
        self.assertNotIn("tc", flags)
        self.assertEqual(self.vals(secs["ANSWER"], "www.example.com.", "A"),
                         ["192.0.2.1", "192.0.2.2"])
        self.assertTrue(all(r[1] == 300 for r in secs["ANSWER"]))
        st, _, secs, _ = self.dig("www.example.com", "AAAA")
        self.assertEqual(self.vals(secs["ANSWER"]), ["2001:db8::1"])
        out = self.kdig("www.example.com", "AAAA")
        self.assertIn("2001:db8::1", out)

    def test_case_insensitive(self):
        for q in ("WWW.EXAMPLE.COM", "wWw.ExAmPlE.cOm"):
            st, flags, secs, out = self.dig(q, "A")
            self.assertEqual(st, "NOERROR")
            self.assertIn("aa", flags)
            self.assertEqual(self.vals(secs["ANSWER"]),
                             ["192.0.2.1", "192.0.2.2"])
        st, _, secs, _ = self.dig("ExAmPlE.CoM", "SOA")
        self.assertEqual(st, "NOERROR")
        self.assertEqual(len(secs["ANSWER"]), 1)
        # the question is echoed as asked (dnspython compares case)
        q = dns.message.make_query("WwW.Example.COM.", "A")
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3)
        self.assertEqual(str(r.question[0].name), "WwW.Example.COM.")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)

    # --- CNAME ----------------------------------------------------------

    def test_cname_at_name_and_chain(self):
        st, flags, secs, _ = self.dig("ftp.example.com", "CNAME")
        self.assertEqual(st, "NOERROR")
        self.assertEqual(secs["ANSWER"][0][2:],
                         ("CNAME", "www.example.com."))
        self.assertEqual(len(secs["ANSWER"]), 1)
        # another type: the CNAME and then the target's data
        st, flags, secs, _ = self.dig("ftp.example.com", "A")
        self.assertEqual(st, "NOERROR")
        self.assertIn("aa", flags)
        self.assertEqual([(r[0], r[2]) for r in secs["ANSWER"]],
                         [("ftp.example.com.", "CNAME"),
                          ("www.example.com.", "A"),
                          ("www.example.com.", "A")])
        # two links
        st, _, secs, _ = self.dig("chain.example.com", "AAAA")
        self.assertEqual(st, "NOERROR")
        self.assertEqual([(r[0], r[2], r[3]) for r in secs["ANSWER"]],
                         [("chain.example.com.", "CNAME", "ftp.example.com."),
                          ("ftp.example.com.", "CNAME", "www.example.com."),
                          ("www.example.com.", "AAAA", "2001:db8::1")])
        # the target has no such type: the CNAME, then NODATA's SOA
        st, _, secs, _ = self.dig("ftp.example.com", "MX")
        self.assertEqual(st, "NOERROR")
        self.assertEqual([r[2] for r in secs["ANSWER"]], ["CNAME"])
        self.assertEqual([r[2] for r in secs["AUTHORITY"]], ["SOA"])
        # a target outside the zone: the CNAME alone
        st, _, secs, _ = self.dig("out.example.com", "A")
        self.assertEqual(st, "NOERROR")
        self.assertEqual([(r[2], r[3]) for r in secs["ANSWER"]],
                         [("CNAME", "target.example.net.")])

    # --- wildcards -------------------------------------------------------

    def test_wildcard_synthesis(self):
        for q in ("foo.wild.example.com.", "a.b.wild.example.com."):
            st, flags, secs, _ = self.dig(q, "A")
            self.assertEqual(st, "NOERROR", q)
            self.assertIn("aa", flags)
            self.assertEqual([(r[0], r[1], r[2], r[3])
                              for r in secs["ANSWER"]],
                             [(q, 120, "A", "192.0.2.99")])
        st, _, secs, _ = self.dig("foo.wild.example.com", "TXT")
        self.assertEqual(self.vals(secs["ANSWER"], "foo.wild.example.com.",
                                   "TXT"), ['"wild"'])
        # a type the wildcard lacks: NODATA
        st, flags, secs, _ = self.dig("foo.wild.example.com", "MX")
        self.assert_negative(secs, "NOERROR", st, flags)
        # the wildcard's parent is an empty non-terminal
        st, flags, secs, _ = self.dig("wild.example.com", "A")
        self.assert_negative(secs, "NOERROR", st, flags)
        out = self.kdig("xyz.wild.example.com", "A")
        self.assertIn("xyz.wild.example.com.", out)
        self.assertIn("192.0.2.99", out)

    # --- negative answers ------------------------------------------------

    def test_nxdomain(self):
        st, flags, secs, _ = self.dig("nothere.example.com", "A")
        self.assert_negative(secs, "NXDOMAIN", st, flags)
        st, flags, secs, _ = self.dig("deep.nothere.example.com", "TXT",
                                      "+tcp")
        self.assert_negative(secs, "NXDOMAIN", st, flags)
        out = self.kdig("nothere.example.com", "A")
        self.assertIn("status: NXDOMAIN", out)

    def test_nodata(self):
        st, flags, secs, _ = self.dig("www.example.com", "MX")
        self.assert_negative(secs, "NOERROR", st, flags)
        st, flags, secs, _ = self.dig("mail.example.com", "AAAA")
        self.assert_negative(secs, "NOERROR", st, flags)

    def test_empty_non_terminal(self):
        for q in ("ent.example.com", "b.ent.example.com"):
            st, flags, secs, _ = self.dig(q, "A")
            self.assert_negative(secs, "NOERROR", st, flags)
        st, _, secs, _ = self.dig("a.b.ent.example.com", "A")
        self.assertEqual(self.vals(secs["ANSWER"]), ["192.0.2.7"])
        # below the data: nothing
        st, flags, secs, _ = self.dig("x.a.b.ent.example.com", "A")
        self.assert_negative(secs, "NXDOMAIN", st, flags)

    # --- delegation -----------------------------------------------------

    def test_referral(self):
        for q, t in (("host.sub.example.com", "A"),
                     ("sub.example.com", "A"),
                     ("sub.example.com", "NS"),
                     ("a.b.sub.example.com", "TXT")):
            with self.subTest(q=q, t=t):
                st, flags, secs, _ = self.dig(q, t)
                self.assertEqual(st, "NOERROR")
                self.assertNotIn("aa", flags, "AA set on a referral")
                self.assertEqual(secs["ANSWER"], [])
                self.assertEqual(
                    self.vals(secs["AUTHORITY"], "sub.example.com.", "NS"),
                    ["ns1.sub.example.com.", "ns2.sub.example.com."])
                glue = sorted((r[0], r[2], r[3]) for r in secs["ADDITIONAL"])
                self.assertEqual(glue, [
                    ("ns1.sub.example.com.", "A", "192.0.2.53"),
                    ("ns2.sub.example.com.", "AAAA", "2001:db8::53")])
        out = self.kdig("host.sub.example.com", "A")
        self.assertIn("status: NOERROR", out)
        self.assertIn("AUTHORITY SECTION", out)
        self.assertNotRegex(out, r"Flags: [^;]*\baa\b")

    def test_ds_at_cut_answered_here(self):
        # DS belongs to the parent side of the cut (RFC 4035 3.1.4.1):
        # an authoritative NODATA, not a referral.
        st, flags, secs, _ = self.dig("sub.example.com", "DS")
        self.assert_negative(secs, "NOERROR", st, flags)

    def test_any(self):
        st, flags, secs, _ = self.dig("www.example.com", "ANY")
        self.assertEqual(st, "NOERROR")
        self.assertIn("aa", flags)
        self.assertEqual(sorted((r[2], r[3]) for r in secs["ANSWER"]),
                         [("A", "192.0.2.1"), ("A", "192.0.2.2"),
                          ("AAAA", "2001:db8::1")])

    # --- what r53d does not hold -----------------------------------------

    def test_alias_and_weighted_answer_without_data(self):
        for q in ("alias.example.com", "lb.example.com"):
            with self.subTest(q=q):
                st, flags, secs, _ = self.dig(q, "A")
                self.assertEqual(st, "NOERROR")
                self.assertEqual(secs["ANSWER"], [])
                # no SOA: no resolver may cache "no data" for it
                self.assertEqual(secs["AUTHORITY"], [])
                # the name exists: no NXDOMAIN for other types either
                st, _, _, _ = self.dig(q, "TXT")
                self.assertEqual(st, "NOERROR")
        # the emulator still has them untouched
        rr = self.emu.call("GET", "/_emu/state")
        names = [(rs["Name"], rs.get("SetIdentifier"))
                 for z in rr["zones"] if z["Name"] == ZONE
                 for rs in z["ResourceRecordSets"]]
        self.assertIn(("alias.example.com.", None), names)
        self.assertIn(("lb.example.com.", "one"), names)
        self.assertIn(("lb.example.com.", "two"), names)

    def test_update_refused_on_alias(self):
        k, s = T.KEYS["hmac-sha256"]
        r = T.run(["nsupdate", "-y", "hmac-sha256:%s:%s" % (k, s)],
                  input="server 127.0.0.1 %d\nzone example.com\n"
                  "update add alias.example.com. 60 A 192.0.2.1\nsend\n"
                  % self.port)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("REFUSED", r.stdout)

    # --- size -----------------------------------------------------------

    def test_truncation_without_edns_and_full_over_tcp(self):
        st, flags, secs, out = self.dig("big.example.com", "TXT",
                                        "+noedns", "+ignore")
        self.assertEqual(st, "NOERROR")
        self.assertIn("tc", flags)
        m = re.search(r"MSG SIZE\s+rcvd: (\d+)", out)
        self.assertLessEqual(int(m.group(1)), 512)
        # dig's default: retry over TCP and get everything
        st, flags, secs, out = self.dig("big.example.com", "TXT", "+noedns")
        self.assertNotIn("tc", flags)
        self.assertEqual(self.vals(secs["ANSWER"]), sorted(BIG_TXT))
        self.assertIn("(TCP)", out)
        m = re.search(r"MSG SIZE\s+rcvd: (\d+)", out)
        self.assertGreater(int(m.group(1)), 512, "the answer is too small "
                           "to test truncation")
        st, flags, secs, out = self.dig("big.example.com", "TXT", "+tcp")
        self.assertEqual(self.vals(secs["ANSWER"]), sorted(BIG_TXT))
        # with EDNS and a large buffer it fits in UDP
        st, flags, secs, out = self.dig("big.example.com", "TXT",
                                        "+bufsize=4096", "+ignore")
        self.assertNotIn("tc", flags)
        self.assertEqual(len(secs["ANSWER"]), len(BIG_TXT))
        q = dns.message.make_query("big.example.com.", "TXT")
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=3,
                          ignore_trailing=True, raise_on_truncation=False)
        self.assertTrue(r.flags & dns.flags.TC)

    # --- outside ---------------------------------------------------------

    def test_zone_not_configured_refused(self):
        # example.org exists in the account, but r53d does not serve it
        for q in ("example.org", "www.example.org", "example.net", "com"):
            st, flags, secs, _ = self.dig(q, "SOA")
            self.assertEqual(st, "REFUSED", q)
            self.assertEqual(secs["ANSWER"], [])
        out = self.kdig("example.org", "SOA")
        self.assertIn("status: REFUSED", out)

    # --- changes show at once ----------------------------------------------

    def test_update_visible_immediately(self):
        k, s = T.KEYS["hmac-sha384"]
        st, _, secs, _ = self.dig(ZONE, "SOA")
        serial0 = int(secs["ANSWER"][0][3].split()[2])
        r = T.run(["nsupdate", "-y", "hmac-sha384:%s:%s" % (k, s)],
                  input="server 127.0.0.1 %d\nzone example.com\n"
                  "update add new.example.com. 60 A 192.0.2.123\n"
                  "update add new.example.com. 60 TXT \"fresh\"\n"
                  "update delete www.example.com. AAAA\n"
                  "update add foo.wild.example.com. 60 A 192.0.2.124\n"
                  "send\n" % self.port)
        self.assertEqual(r.returncode, 0, r.stdout)
        # no sleep: the first query after the answer sees the change
        st, flags, secs, _ = self.dig("new.example.com", "A")
        self.assertEqual(st, "NOERROR")
        self.assertEqual(self.vals(secs["ANSWER"]), ["192.0.2.123"])
        st, _, secs, _ = self.dig("new.example.com", "TXT")
        self.assertEqual(self.vals(secs["ANSWER"]), ['"fresh"'])
        st, flags, secs, _ = self.dig("www.example.com", "AAAA")
        self.assert_negative(secs, "NOERROR", st, flags)
        # a real name now shadows the wildcard
        st, _, secs, _ = self.dig("foo.wild.example.com", "A")
        self.assertEqual(self.vals(secs["ANSWER"]), ["192.0.2.124"])
        st, _, secs, _ = self.dig("foo.wild.example.com", "TXT")
        self.assertEqual(secs["ANSWER"], [])
        st, _, secs, _ = self.dig("bar.wild.example.com", "A")
        self.assertEqual(self.vals(secs["ANSWER"]), ["192.0.2.99"])
        st, _, secs, _ = self.dig(ZONE, "SOA")
        self.assertEqual(int(secs["ANSWER"][0][3].split()[2]), serial0 + 1)
        # an UPDATE that makes empty non-terminals, then removes them
        r = T.run(["nsupdate", "-y", "hmac-sha384:%s:%s" % (k, s)],
                  input="server 127.0.0.1 %d\nzone example.com\n"
                  "update add x.y.z.example.com. 60 A 192.0.2.55\n"
                  "send\n" % self.port)
        self.assertEqual(r.returncode, 0, r.stdout)
        for q in ("y.z.example.com", "z.example.com"):
            st, flags, secs, _ = self.dig(q, "A")
            self.assert_negative(secs, "NOERROR", st, flags)
        r = T.run(["nsupdate", "-y", "hmac-sha384:%s:%s" % (k, s)],
                  input="server 127.0.0.1 %d\nzone example.com\n"
                  "update delete x.y.z.example.com.\n"
                  "send\n" % self.port)
        self.assertEqual(r.returncode, 0, r.stdout)
        for q in ("x.y.z.example.com", "y.z.example.com", "z.example.com"):
            st, flags, secs, _ = self.dig(q, "A")
            self.assert_negative(secs, "NXDOMAIN", st, flags)
        # and Route 53 has it too
        got = self.emu.rrsets()
        self.assertEqual(got[("new.example.com.", "A")][1], ["192.0.2.123"])
        self.assertNotIn(("www.example.com.", "AAAA"), got)
        # put things back for the other tests
        r = T.run(["nsupdate", "-y", "hmac-sha384:%s:%s" % (k, s)],
                  input="server 127.0.0.1 %d\nzone example.com\n"
                  "update delete new.example.com.\n"
                  "update delete foo.wild.example.com.\n"
                  "update add www.example.com. 300 AAAA 2001:db8::1\n"
                  "send\n" % self.port)
        self.assertEqual(r.returncode, 0, r.stdout)
        st, flags, secs, _ = self.dig("new.example.com", "A")
        self.assert_negative(secs, "NXDOMAIN", st, flags)


if __name__ == "__main__":
    T.Results.main()
