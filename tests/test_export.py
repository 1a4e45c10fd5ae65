#!/usr/bin/python3
""""r53d -e ZONE" writes a zone file that BIND and dnspython read back to
exactly what Route 53 holds.

The bundled emulator is filled (through its control API) with record sets
of every type Route 53 stores, written the way Route 53 keeps them:
owner names with octal escapes (space, non-ASCII bytes, zone-file
specials, a wildcard), TXT/SPF/CAA/NAPTR strings with octal escapes,
quotes, backslashes and empty strings, SVCB/HTTPS parameters with
escapes, and CNAME, NS, MX, SRV, PTR, SOA, NAPTR and SVCB targets
without their final dot, in mixed case.  Then ./r53d -c CONF -e
example.com runs against it, and its output must be:

  (a) accepted by named-checkzone -i none -k warn example.com FILE
      (-i none: no integrity checks, the test's targets lie outside the
      zone and have no addresses; -k warn, BIND's default, spelt out:
      the owner names with a space or a non-ASCII byte are deliberate
      and only warned about), and what BIND read (its -D dump) is what
      Route 53 holds, as in (b);
  (b) read by dnspython (dns.zone.from_text(..., relativize=False)) into
      exactly the stored RRsets: the same owners, TTLs and RDATA, the
      RDATA compared as uncompressed wire bytes (so letter case in names
      counts too).  The expected RDATA are written here by hand in
      presentation form, independently of r53d.  (dnspython 2.3 reads
      escaped bytes above 127 in CAA and NAPTR strings as UTF-8; see
      r53dtest.dnspython_bytes(), applied to both sides.)

A Value r53d cannot read is written as a comment, with a warning, and
alias and routing-policy record sets stay comments.

Everything runs on loopback; the emulator stops by itself.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest  # noqa: E402

import dns.name  # noqa: E402
import dns.rdata  # noqa: E402
import dns.rdataclass  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.zone  # noqa: E402

ORIGIN = "example.com."
ECH = ("AEn+DQBFKwAgACABWIHUGj4u+PIggYXcR5JF0gYk3dCRioBW8uJq9H4mKAAIAAEAAQABAAN"
       "AEnB1YmxpYy50bHMtZWNoLmRldgAA")
DIGEST = "2bb183af5f22588179a53b0a98631fad1a292118"
SHA256 = "e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d"

# (Route 53 owner, type, TTL, [(Route 53 Value, expected presentation)],
#  expected owner).  Expected text is RFC 1035 master-file form with
# DECIMAL escapes and absolute names.
RRSETS = [
    ("example.com.", "SOA", 900, [
        ("ns-1.awsdns-01.com awsdns-hostmaster.Amazon.com 7 7200 900 "
         "1209600 86400",
         "ns-1.awsdns-01.com. awsdns-hostmaster.Amazon.com. 7 7200 900 "
         "1209600 86400")], "example.com."),
    ("txt.example.com.", "TXT", 300, [
        ('"caf\\303\\251"', '"caf\\195\\169"'),
        ('"quote\\"d" "back\\\\slash"', '"quote\\"d" "back\\\\slash"'),
        ('""', '""'),
        ('"semi;colon (paren) $x @" "tab\\011x"',
         '"semi;colon (paren) $x @" "tab\\009x"'),
        ('"a b" "" "\\177\\000\\377"', '"a b" "" "\\127\\000\\255"'),
        ('"x" ""', '"x" ""'),
    ], "txt.example.com."),
    ("spf.example.com.", "SPF", 300, [
        ('"v=spf1 -all"', '"v=spf1 -all"'),
        ('"\\344\\\\"', '"\\228\\\\"'),
    ], "spf.example.com."),
    ("sp\\040ace.example.com.", "A", 60, [
        ("192.0.2.1", "192.0.2.1"),
        ("192.0.2.2", "192.0.2.2"),
    ], "sp\\032ace.example.com."),
    ("caf\\303\\251.example.com.", "AAAA", 60, [
        ("2001:0db8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ], "caf\\195\\169.example.com."),
    ("\\052.example.com.", "A", 0, [
        ("192.0.2.30", "192.0.2.30")], "*.example.com."),
    ("a\\050b\\051\\073c\\100\\044\\042\\134.example.com.", "TXT", 60, [
        ('"specials"', '"specials"')],
     'a\\(b\\)\\;c\\@\\$\\"\\\\.example.com.'),
    ("dot\\056ted.example.com.", "TXT", 60, [
        ('"dot"', '"dot"')], "dot\\.ted.example.com."),
    ("cname.example.com.", "CNAME", 60, [
        ("Target.example.NET", "Target.example.NET.")], "cname.example.com."),
    ("odd.example.com.", "CNAME", 60, [
        ("we\\050ird\\051\\040name\\073.example.net",
         "we\\(ird\\)\\032name\\;.example.net.")], "odd.example.com."),
    ("sub.example.com.", "NS", 3600, [
        ("ns1.example.net", "ns1.example.net."),
        ("ns2.example.net.", "ns2.example.net."),
    ], "sub.example.com."),
    ("sub.example.com.", "DS", 3600, [
        ("12345 13 2 " + SHA256.upper(), "12345 13 2 " + SHA256)],
     "sub.example.com."),
    ("mx.example.com.", "MX", 60, [
        ("10 mail.example.net", "10 mail.example.net."),
        ("20 Mail2.Example.NET.", "20 Mail2.Example.NET."),
        ("0 .", "0 ."),
    ], "mx.example.com."),
    ("_sip._tcp.example.com.", "SRV", 60, [
        ("10 5 5060 sip.example.net", "10 5 5060 sip.example.net."),
        ("0 0 0 .", "0 0 0 ."),
    ], "_sip._tcp.example.com."),
    ("ptr.example.com.", "PTR", 60, [
        ("host.example.net", "host.example.net.")], "ptr.example.com."),
    ("caa.example.com.", "CAA", 60, [
        ('0 issue "ca.example.net; account=1"',
         '0 issue "ca.example.net; account=1"'),
        ('128 tbs "caf\\303\\251 \\"q\\" \\\\"',
         '128 tbs "caf\\195\\169 \\"q\\" \\\\"'),
        ('0 iodef ""', '0 iodef ""'),
    ], "caa.example.com."),
    ("naptr.example.com.", "NAPTR", 60, [
        ('100 50 "u" "E2U+sip" "!^(\\\\+441632960083)$!sip:\\\\1@example.com!"'
         ' .',
         '100 50 "u" "E2U+sip" "!^(\\\\+441632960083)$!sip:\\\\1@example.com!"'
         ' .'),
        ('10 0 "s" "SIP+D2U" "" _sip._udp.example.net',
         '10 0 "s" "SIP+D2U" "" _sip._udp.example.net.'),
        ('1 1 "S" "caf\\303\\251\\011" "" X.example.net',
         '1 1 "S" "caf\\195\\169\\009" "" X.example.net.'),
    ], "naptr.example.com."),
    ("sshfp.example.com.", "SSHFP", 60, [
        ("1 1 " + DIGEST.upper(), "1 1 " + DIGEST)], "sshfp.example.com."),
    ("_443._tcp.example.com.", "TLSA", 60, [
        ("3 1 1 " + SHA256, "3 1 1 " + SHA256)], "_443._tcp.example.com."),
    ("svc.example.com.", "SVCB", 60, [
        ("1 svc.Example.net alpn=h3,h2 port=8443 "
         "ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1",
         '1 svc.Example.net. alpn="h3,h2" port="8443" '
         'ipv4hint="192.0.2.1,192.0.2.2" ipv6hint="2001:db8::1"'),
        ("2 . key65000=caf\\303\\251\\040;(x)\\\"",
         '2 . key65000="caf\\195\\169 ;(x)\\""'),
        ("3 . alpn=a\\\\,b,c mandatory=alpn",
         '3 . mandatory="alpn" alpn="a\\\\,b,c"'),
    ], "svc.example.com."),
    ("https.example.com.", "HTTPS", 60, [
        ("1 . alpn=h2 no-default-alpn ech=" + ECH,
         '1 . alpn="h2" no-default-alpn ech="%s"' % ECH),
    ], "https.example.com."),
    ("alias.example.com.", "HTTPS", 60, [
        ("0 target.example.net", "0 target.example.net.")],
     "alias.example.com."),
]

# Stored by Route 53 (here: the emulator) but not RDATA r53d can read:
# a SHA-256 DS digest of the wrong length.
UNREADABLE = ("bad.example.com.", "DS", 60, "1 13 2 abcd")


def rdata(rtype, text):
    return r53dtest.dnspython_bytes(dns.rdata.from_text(
        dns.rdataclass.IN, dns.rdatatype.from_text(rtype), text))


def changes():
    out = []
    for owner, rtype, ttl, values, _ in RRSETS:
        out.append({"Action": "UPSERT" if rtype == "SOA" else "CREATE",
                    "ResourceRecordSet": {
                        "Name": owner, "Type": rtype, "TTL": ttl,
                        "ResourceRecords": [{"Value": v}
                                            for v, _ in values]}})
    out.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "bad.example.com.", "Type": "NS", "TTL": 60,
        "ResourceRecords": [{"Value": "ns.example.net."}]}})
    owner, rtype, ttl, value = UNREADABLE
    out.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": owner, "Type": rtype, "TTL": ttl,
        "ResourceRecords": [{"Value": value}]}})
    out.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "lb.example.com.", "Type": "A",
        "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K",
                        "DNSName": "dualstack.x.elb.amazonaws.com.",
                        "EvaluateTargetHealth": False}}})
    out.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": "w.example.com.", "Type": "TXT", "TTL": 60,
        "SetIdentifier": "blue\nline", "Weight": 10,
        "ResourceRecords": [{"Value": '"weighted\\012"'}]}})
    return out


class TestExportZoneFile(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        os.makedirs(os.path.join(r53dtest.ROOT, "tests", "tmp"),
                    exist_ok=True)
        cls.tmp = tempfile.mkdtemp(prefix="export-", dir=os.path.join(
            r53dtest.ROOT, "tests", "tmp"))
        cls.emu = r53dtest.Emulator(tmpdir=cls.tmp, max_runtime=300)
        r = cls.emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com",
            "ChangeBatch": {"Changes": changes()}})
        if "ChangeInfo" not in r:
            cls.emu.close()
            raise RuntimeError("emulator refused the records: %r" % r)
        conf = os.path.join(cls.tmp, "r53d.conf")
        with open(conf, "w") as f:
            f.write(cls.emu.aws_conf() + 'zone "example.com" { };\n')
        with open(os.path.join(cls.tmp, "secret"), "w") as f:
            f.write(r53dtest.AWS_SECRET + "\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_")}
        env["HOME"] = cls.tmp
        p = subprocess.run([r53dtest.R53D, "-c", conf, "-e", "example.com"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=60)
        cls.rc = p.returncode
        cls.out = p.stdout.decode("ascii", errors="replace")
        cls.err = p.stderr.decode(errors="replace")
        cls.file = os.path.join(cls.tmp, "example.com.zone")
        with open(cls.file, "wb") as f:
            f.write(p.stdout)
        cls.apex_ns = [v["Value"] for rs in cls.emu.call(
            "GET", "/_emu/state")["zones"][0]["ResourceRecordSets"]
            if rs["Name"] == ORIGIN and rs["Type"] == "NS"
            for v in rs["ResourceRecords"]]

    @classmethod
    def tearDownClass(cls):
        cls.emu.close()
        if os.environ.get("R53D_KEEP_TMP") is None:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_exit_status(self):
        self.assertEqual(self.rc, 0, self.err)

    def test_ascii_lines(self):
        # Every line a comment or one five-field record, all printable.
        for ln in self.out.splitlines():
            self.assertTrue(all(0x20 <= ord(c) < 0x7f or c == "\t"
                                for c in ln), repr(ln))
            self.assertTrue(ln.startswith(";") or len(ln.split("\t")) == 5,
                            repr(ln))

    def want(self):
        out = {}
        for _, rtype, ttl, values, owner in RRSETS:
            out[(dns.name.from_text(owner), dns.rdatatype.from_text(
                rtype))] = (ttl, sorted(rdata(rtype, t).to_wire()
                                        for _, t in values))
        out[(dns.name.from_text(ORIGIN), dns.rdatatype.NS)] = (
            172800, sorted(rdata("NS", v).to_wire() for v in self.apex_ns))
        out[(dns.name.from_text("bad.example.com."), dns.rdatatype.NS)] = (
            60, [rdata("NS", "ns.example.net.").to_wire()])
        return out

    def check_zone(self, text):
        """text holds exactly the RRsets of want(), RDATA compared as
        uncompressed wire bytes."""
        z = dns.zone.from_text(text, origin=ORIGIN, relativize=False)
        want = self.want()
        got = {}
        for name, rds in z.iterate_rdatasets():
            got[(name, rds.rdtype)] = (rds.ttl, sorted(
                r53dtest.dnspython_bytes(r).to_wire() for r in rds))
        for k in sorted(set(want) | set(got)):
            self.assertEqual(got.get(k), want.get(k),
                             "%s %s" % (k[0], dns.rdatatype.to_text(k[1])))

    def test_named_checkzone_accepts(self):
        # BIND reads the file, and what it read (dumped in its own
        # form) is what Route 53 holds.
        dump = os.path.join(self.tmp, "named.dump")
        p = subprocess.run(["named-checkzone", "-i", "none", "-k", "warn",
                            "-D", "-o", dump, "example.com", self.file],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout.decode(errors="replace")
                         + "\n" + self.out)
        with open(dump) as f:
            self.check_zone(f.read())

    def test_dnspython_reads_what_route53_holds(self):
        self.check_zone(self.out)

    def test_unreadable_value_is_a_comment_with_a_warning(self):
        lines = [ln for ln in self.out.splitlines()
                 if "bad.example.com." in ln and "\tDS\t" in ln]
        self.assertEqual(len(lines), 1, self.out)
        self.assertTrue(lines[0].startswith(";"), lines[0])
        self.assertIn("1 13 2 abcd", lines[0])
        self.assertIn("bad.example.com. DS", self.err)

    def test_alias_and_routing_are_comments(self):
        self.assertIn("; lb.example.com. alias A -> "
                      "dualstack.x.elb.amazonaws.com. (zone Z35SXDOTRQ7X7K, "
                      "evaluate-target-health false)",
                      self.out.splitlines())
        w = [ln for ln in self.out.splitlines() if "w.example.com." in ln]
        self.assertEqual(len(w), 1, self.out)
        self.assertTrue(w[0].startswith("; routing id=blue\\010line "), w[0])
        self.assertIn('w.example.com.\t60\tIN\tTXT\t"weighted\\010"', w[0])


class TestExportAfterMalformedPage(unittest.TestCase):
    """A listing page that does not parse is fetched again; the record
    sets it held before the fault must not be printed twice."""

    def test_each_record_once(self):
        os.makedirs(os.path.join(r53dtest.ROOT, "tests", "tmp"),
                    exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="export-", dir=os.path.join(
            r53dtest.ROOT, "tests", "tmp"))
        emu = r53dtest.Emulator(tmpdir=tmp, max_runtime=120)
        try:
            r = emu.call("POST", "/_emu/faults", {
                "type": "malformed", "op": "ListResourceRecordSets",
                "element": "IsTruncated"})
            self.assertIn("faults", r, r)
            conf = os.path.join(tmp, "r53d.conf")
            with open(conf, "w") as f:
                f.write(emu.aws_conf() + 'zone "example.com" { };\n')
            with open(os.path.join(tmp, "secret"), "w") as f:
                f.write(r53dtest.AWS_SECRET + "\n")
            p = subprocess.run([r53dtest.R53D, "-c", conf, "-e",
                                "example.com"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60,
                               env={"HOME": tmp, "PATH": os.defpath})
            out = p.stdout.decode()
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            self.assertIn("IsTruncated missing", p.stderr.decode())
            records = [ln for ln in out.splitlines()
                       if not ln.startswith(";")]
            self.assertEqual(len(records), 5, out)     # 4 NS, 1 SOA
            self.assertEqual(len(set(records)), 5, out)
            self.assertIn("; 2 record sets", out.splitlines())
        finally:
            emu.close()
            if os.environ.get("R53D_KEEP_TMP") is None:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    r53dtest.Results.main()
