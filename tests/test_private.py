#!/usr/bin/python3
"""Same-name hosted zones and AWS partitions, as a user meets them.

Same-name zones: the emulator holds public and private hosted zones of
one name, the private ones associated with VPCs of their own; r53d
picks the one that "private yes|no" or "vpc" names, refuses (SERVFAIL,
a log naming every ID and the keyword to add) when nothing or too
little says which, and says so when no zone has the VPC.  nsupdate's
change must land in the chosen zone and only there, as the emulator's
own state shows; r53d -e exports the chosen zone.

Partitions: r53d -nv shows the endpoint host and signing region the
partition gives; against an emulator that accepts only signatures for
cn-northwest-1, r53d with "partition aws-cn" (the endpoint pointed at
the emulator on loopback) loads its zone, and r53d without it is
refused.

Everything runs on loopback: the emulator over TLS, r53d on a free port.
"""
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

KEYNAME, SECRET = T.KEYS["hmac-sha256"]
ALLOW = '\tallow-update { key "%s"; };\n' % KEYNAME


def nsupdate(port, zone, name):
    script = ("server 127.0.0.1 %d\nzone %s\nupdate add %s 60 A "
              "192.0.2.7\nsend\n" % (port, zone, name))
    return T.run(["nsupdate", "-t", "10", "-y", "hmac-sha256:%s:%s"
                  % (KEYNAME, SECRET)], input=script, timeout=30)


def dig_status(port, name, rtype="SOA"):
    out = T.run(["dig", "@127.0.0.1", "-p", str(port), "+norec",
                 "+tries=1", "+time=3", name, rtype]).stdout
    m = re.search(r"status: (\w+)", out)
    return m.group(1) if m else None


class SameNameZones(unittest.TestCase):
    """One emulator, one r53d with a zone per case."""

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator(
            ["pick.example", "one.example", "vpc.example", "ask.example",
             "none.example"],
            args=["--private-zone", "pick.example:vpc-0aa",
                  "--private-zone", "one.example:vpc-0bb",
                  "--private-zone", "vpc.example:vpc-0c1",
                  "--private-zone", "vpc.example:vpc-0c2,vpc-0c3",
                  "--private-zone", "two.example:vpc-0d1",
                  "--private-zone", "two.example:vpc-0d2",
                  "--private-zone", "ask.example:vpc-0e1",
                  "--private-zone", "none.example:vpc-0f1"])
        cls.zones = {}
        for z in cls.emu.call("GET", "/_emu/state")["zones"]:
            cls.zones.setdefault(z["Name"].rstrip("."), []).append(z)
        cls.port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % cls.port + T.keys_conf()
                + cls.emu.aws_conf()
                + 'zone "pick.example" {\n\tprivate no;\n%s};\n' % ALLOW
                + 'zone "one.example" {\n\tprivate yes;\n%s};\n' % ALLOW
                + 'zone "vpc.example" {\n\tvpc vpc-0c3;\n%s};\n' % ALLOW
                + 'zone "two.example" {\n\tprivate yes;\n%s};\n' % ALLOW
                + 'zone "ask.example" {\n%s};\n' % ALLOW
                + 'zone "none.example" {\n\tvpc vpc-0ff;\n%s};\n' % ALLOW)
        cls.d = T.Daemon(conf, port=cls.port)
        for z in ("pick.example", "one.example", "vpc.example"):
            if not cls.d.wait_log("zone %s: loaded" % z, 20):
                cls.tearDownClass()
                raise RuntimeError(z + " did not load")
        for text in ("zone two.example: 2 private hosted zones",
                     "zone ask.example: 2 hosted zones",
                     "zone none.example: no private hosted zone"):
            cls.d.wait_log(text, 20)

    @classmethod
    def tearDownClass(cls):
        cls.d.close()
        cls.emu.close()

    def zid(self, name, private, vpc=None):
        ids = [z["Id"].split("/")[-1] for z in self.zones[name]
               if z["PrivateZone"] == private
               and (vpc is None or vpc in z["VPCs"])]
        self.assertEqual(len(ids), 1, (name, private, vpc))
        return ids[0]

    def landed(self, name, owner):
        """The IDs of the zones of this name holding owner A."""
        out = []
        for z in self.emu.call("GET", "/_emu/state")["zones"]:
            if z["Name"] != name + ".":
                continue
            if any(rs["Name"] == owner + "." and rs["Type"] == "A"
                   for rs in z["ResourceRecordSets"]):
                out.append(z["Id"].split("/")[-1])
        return out

    def check_chosen(self, name, zid):
        self.assertIn("zone %s: hosted zone %s" % (name, zid),
                      self.d.logtext())
        self.assertEqual(dig_status(self.port, name), "NOERROR")
        owner = "h.%s" % name
        r = nsupdate(self.port, name, owner)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.landed(name, owner), [zid])

    def test_private_no_takes_the_public_zone(self):
        self.check_chosen("pick.example", self.zid("pick.example", False))

    def test_private_yes_takes_the_private_zone(self):
        self.check_chosen("one.example", self.zid("one.example", True))

    def test_vpc_takes_the_zone_associated_with_it(self):
        # The VPC is the second of its zone's two; the other private
        # zone of the name has another VPC.
        zid = self.zid("vpc.example", True, "vpc-0c3")
        self.check_chosen("vpc.example", zid)
        self.assertIn("(private, associated with vpc-0c3)",
                      self.d.logtext())

    def refused(self, name, first, ids, hint):
        log = self.d.logtext()
        lines = [ln for ln in log.splitlines() if "zone %s:" % name in ln]
        self.assertTrue(any(first in ln for ln in lines), log)
        self.assertTrue(any(hint in ln for ln in lines), lines)
        for i in ids:
            self.assertTrue(any(i in ln for ln in lines), (i, lines))
        self.assertNotIn("zone %s: loaded" % name, log)
        self.assertEqual(dig_status(self.port, name), "SERVFAIL")
        r = nsupdate(self.port, name, "x." + name)
        self.assertIn("SERVFAIL", r.stdout)
        self.assertEqual(self.landed(name, "x." + name), [])

    def test_no_keyword_refuses_and_says_which_to_add(self):
        ids = [z["Id"].split("/")[-1] for z in self.zones["ask.example"]]
        self.assertEqual(len(ids), 2)
        self.refused("ask.example", "2 hosted zones have this name", ids,
                     '"private yes;" or "private no;"')

    def test_two_private_refused_without_vpc(self):
        ids = [z["Id"].split("/")[-1] for z in self.zones["two.example"]]
        self.refused("two.example", "2 private hosted zones have this name",
                     ids, "add vpc")

    def test_vpc_that_no_zone_has(self):
        ids = [z["Id"].split("/")[-1] for z in self.zones["none.example"]]
        self.refused("none.example", "no private hosted zone of this name "
                     "is associated with vpc-0ff", ids, "(private)")

    def test_export_follows_the_choice(self):
        for name, zid in (("vpc.example",
                           self.zid("vpc.example", True, "vpc-0c3")),
                          ("pick.example", self.zid("pick.example", False))):
            r = T.run([T.R53D, "-c", self.d.conf, "-e", name])
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn("; zone %s., hosted zone %s, exported by r53d"
                          % (name, zid), r.stdout)
        r = T.run([T.R53D, "-c", self.d.conf, "-e", "two.example"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("2 hosted zones have this name", r.stdout)
        r = T.run([T.R53D, "-c", self.d.conf, "-e", "none.example"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no private hosted zone of this name is associated "
                      "with vpc-0ff", r.stdout)


def check_conf(text):
    """r53d -nv on a configuration: (exit status, output)."""
    tmp = tempfile.mkdtemp(prefix="r53d-part-")
    path = os.path.join(tmp, "r53d.conf")
    with open(path, "w") as f:
        f.write(text)
    r = T.run([T.R53D, "-nv", "-c", path])
    return r.returncode, r.stdout, path


class Partitions(unittest.TestCase):

    def test_nv_shows_endpoint_and_region(self):
        for aws, url, region in (
                ("", "https://route53.amazonaws.com", "us-east-1"),
                ("fips yes;", "https://route53-fips.amazonaws.com",
                 "us-east-1"),
                ("dual-stack yes;", "https://route53.global.api.aws",
                 "us-east-1"),
                ("partition aws-cn;", "https://route53.amazonaws.com.cn",
                 "cn-northwest-1"),
                ("partition aws-us-gov; fips yes;",
                 "https://route53.us-gov.amazonaws.com", "us-gov-west-1")):
            rc, out, _ = check_conf("aws { %s };\n" % aws)
            self.assertEqual(rc, 0, out)
            self.assertIn('\tendpoint "%s";\n\tregion "%s";\n'
                          % (url, region), out)

    def test_no_such_endpoint_is_a_config_error(self):
        rc, out, path = check_conf("aws {\n\tpartition aws-cn;\n"
                                   "\tfips yes;\n};\n")
        self.assertNotEqual(rc, 0)
        self.assertIn("%s:3: fips: partition aws-cn has no FIPS endpoint "
                      "for Route 53" % path, out)

    def test_signed_for_the_partitions_region(self):
        emu = T.Emulator(["example.com"],
                         args=["--signing-region", "cn-northwest-1"])
        d = d2 = None
        try:
            port = T.free_port()
            conf = ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
                    + emu.aws_conf("\tpartition aws-cn;\n")
                    + 'zone "example.com" {\n%s};\n' % ALLOW)
            d = T.Daemon(conf, port=port)
            self.assertTrue(d.wait_log("zone example.com: loaded", 20),
                            d.logtext())
            r = nsupdate(port, "example.com", "cn.example.com")
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn(("cn.example.com.", "A"), emu.rrsets())
            self.assertEqual(d.close(), 0)
            d = None

            # The same without the partition signs for us-east-1.
            port2 = T.free_port()
            d2 = T.Daemon(conf.replace("\tpartition aws-cn;\n", "")
                          .replace("port %d;" % port, "port %d;" % port2),
                          port=port2)
            self.assertTrue(d2.wait_log("SignatureDoesNotMatch", 20),
                            d2.logtext())
            self.assertNotIn("zone example.com: loaded", d2.logtext())
        finally:
            if d:
                d.close()
            if d2:
                d2.close()
            emu.close()


if __name__ == "__main__":
    T.Results.main()
