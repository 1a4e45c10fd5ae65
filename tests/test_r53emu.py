#!/usr/bin/python3
"""Fidelity tests for the Route 53 emulator (tests/r53emu.py).

The emulator is started on 127.0.0.1 with an ephemeral port (--port-file),
over plain HTTP and over TLS with a throw-away CA, and driven with the
official AWS SDK for Python (Debian's python3-boto3) plus raw SigV4-signed
requests where boto3 cannot express the request.  Nothing here talks to
any address but 127.0.0.1.

Run: /usr/bin/python3 tests/test_r53emu.py [-v] [TestClass[.test]]
"""

import datetime
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import types
import unittest
import urllib.request
import xml.etree.ElementTree as ET
from unittest import mock
from urllib.parse import quote

# Keep boto3 away from every configuration source and from the network.
for _v in list(os.environ):
    if _v.startswith("AWS_") or _v.lower() in ("http_proxy", "https_proxy",
                                                "all_proxy"):
        del os.environ[_v]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/r53emu-test-config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/r53emu-test-creds"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError, ReadTimeoutError  # noqa

HERE = os.path.dirname(os.path.abspath(__file__))
EMU = os.path.join(HERE, "r53emu.py")
PY = "/usr/bin/python3"
NS = "https://route53.amazonaws.com/doc/2013-04-01/"
AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SIG_TEXT = ("The request signature we calculated does not match the "
            "signature you provided. Check your AWS Secret Access Key and "
            "signing method. Consult the service documentation for details.")


class Emu(object):
    """One emulator process; stops in stop() and, at worst, by itself
    through --max-runtime."""

    def __init__(self, *extra, tls=None):
        self.dir = tempfile.mkdtemp(prefix="r53emu-test-")
        pf = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        cmd = [PY, EMU, "--listen", "127.0.0.1:0", "--port-file", pf,
               "--max-runtime", "600"] + list(extra)
        self.tls = tls
        if tls:
            cmd += ["--cert", tls.cert, "--key", tls.key]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 15
        while not os.path.exists(pf):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                text = self.logtext()
                self.stop()
                raise RuntimeError("emulator did not start: " + text)
            time.sleep(0.02)
        self.port = int(open(pf).read())
        scheme = "https" if tls else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def sslctx(self):
        return ssl.create_default_context(cafile=self.tls.ca) \
            if self.tls else None

    def ctl(self, method, path, data=None):
        body = json.dumps(data).encode() if data is not None else None
        req = urllib.request.Request(self.url + path, data=body,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=10,
                                        context=self.sslctx()) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def client(self, attempts=1, ak=AK, sk=SK, token=None, **cfg):
        return boto3.client(
            "route53", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id=ak, aws_secret_access_key=sk,
            aws_session_token=token,
            verify=self.tls.ca if self.tls else None,
            config=Config(retries={"mode": "standard",
                                   "total_max_attempts": attempts},
                          connect_timeout=5, read_timeout=cfg.pop(
                              "read_timeout", 10), **cfg))

    def raw(self, method, path, body=b"", headers=None, sign=True,
            creds=(AK, SK, None), conn=None):
        """A SigV4-signed request built with botocore's own signer, sent
        with http.client.  Returns (status, headers dict, body bytes)."""
        url = self.url + path
        req = AWSRequest(method=method, url=url, data=body,
                         headers=dict(headers or {}))
        if sign:
            SigV4Auth(Credentials(*creds), "route53",
                      "us-east-1").add_auth(req)
        p = req.prepare()
        own = conn is None
        if own:
            conn = self.connection()
        conn.request(method, path, body=body, headers=dict(p.headers))
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if own:
            conn.close()
        return r.status, hdrs, data

    def connection(self):
        if self.tls:
            return http.client.HTTPSConnection("127.0.0.1", self.port,
                                               timeout=10,
                                               context=self.sslctx())
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)


class TLSFiles(object):
    """Throw-away CA and a server certificate for 127.0.0.1/localhost."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="r53emu-tls-")
        d = self.dir
        self.ca = os.path.join(d, "ca.pem")
        self.cert = os.path.join(d, "srv.pem")
        self.key = os.path.join(d, "srv.key")
        ext = os.path.join(d, "ext.cnf")
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    "basicConstraints=CA:FALSE\n"
                    "extendedKeyUsage=serverAuth\n")
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes"]
        run = lambda *a: subprocess.run(  # noqa: E731
            ["openssl"] + list(a), check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, cwd=d)
        run("req", "-x509", *ec, "-keyout", "ca.key", "-out", self.ca,
            "-days", "2", "-subj", "/CN=r53emu test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        run("req", *ec, "-keyout", self.key, "-out", "srv.csr",
            "-subj", "/CN=localhost")
        run("x509", "-req", "-in", "srv.csr", "-CA", self.ca, "-CAkey",
            "ca.key", "-CAcreateserial", "-out", self.cert, "-days", "2",
            "-extfile", ext)

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def err(ctx):
    e = ctx.exception.response
    return (e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Code"],
            e["Error"]["Message"])


def xml_error(body):
    root = ET.fromstring(body)
    assert root.tag == "{%s}ErrorResponse" % NS, body
    e = root.find("{%s}Error" % NS)
    return (e.find("{%s}Type" % NS).text, e.find("{%s}Code" % NS).text,
            e.find("{%s}Message" % NS).text,
            root.find("{%s}RequestId" % NS).text)


def rr(name, rtype, values, ttl=300, **kw):
    d = {"Name": name, "Type": rtype, "TTL": ttl,
         "ResourceRecords": [{"Value": v} for v in values]}
    d.update(kw)
    return d


def ch(action, rrset):
    return {"Action": action, "ResourceRecordSet": rrset}


def sort_key(rrset):
    """Independent statement of the documented order: labels reversed with
    a trailing dot, ASCII, then type, then set identifier."""
    labels = rrset["Name"].rstrip(".").split(".")
    return (".".join(reversed(labels)) + ".", rrset["Type"],
            rrset.get("SetIdentifier", ""))


def skewed(seconds):
    """Make botocore's signer believe the clock is off by seconds."""
    real = datetime.datetime

    class Skewed(real):
        @classmethod
        def utcnow(cls):
            return real.utcnow() + datetime.timedelta(seconds=seconds)

    return mock.patch.object(botocore.auth, "datetime",
                             types.SimpleNamespace(datetime=Skewed))


_counter = [0]


class Base(unittest.TestCase):
    """Shared emulator in strict-signature mode; every test makes its own
    hosted zone so tests do not depend on each other."""

    emu = None

    @classmethod
    def setUpClass(cls):
        cls.emu = Emu("--zone", "example.com", "--private-zone",
                      "example.com", "--access-key-id", AK,
                      "--secret-access-key", SK, "--quiet")
        cls.c = cls.emu.client()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def zone(self, name=None):
        _counter[0] += 1
        name = name or "z%d.example.net" % _counter[0]
        r = self.c.create_hosted_zone(Name=name, CallerReference="t-%d-%f" % (
            _counter[0], time.time()))
        return r["HostedZone"]["Id"].split("/")[-1]

    def change(self, zid, *changes, client=None):
        return (client or self.c).change_resource_record_sets(
            HostedZoneId=zid, ChangeBatch={"Changes": list(changes)})

    def batch_error(self, zid, *changes):
        with self.assertRaises(ClientError) as cm:
            self.change(zid, *changes)
        return err(cm)

    def rrsets(self, zid):
        p = self.c.get_paginator("list_resource_record_sets")
        out = []
        for page in p.paginate(HostedZoneId=zid):
            out.extend(page["ResourceRecordSets"])
        return out

    def find(self, zid, name, rtype):
        return [x for x in self.rrsets(zid)
                if x["Name"] == name and x["Type"] == rtype]


class TestOperations(Base):

    def test_zone_ids_and_defaults(self):
        zs = self.c.list_hosted_zones()["HostedZones"]
        pub = [z for z in zs if z["Name"] == "example.com."
               and not z["Config"]["PrivateZone"]]
        priv = [z for z in zs if z["Name"] == "example.com."
                and z["Config"]["PrivateZone"]]
        self.assertEqual((len(pub), len(priv)), (1, 1))
        zid = pub[0]["Id"]
        self.assertRegex(zid, r"^/hostedzone/Z[A-Z0-9]{18,22}$")
        self.assertEqual(pub[0]["ResourceRecordSetCount"], 2)
        sets = self.rrsets(zid)
        self.assertEqual([(x["Name"], x["Type"]) for x in sets],
                         [("example.com.", "NS"), ("example.com.", "SOA")])
        ns, soa = sets
        self.assertEqual(ns["TTL"], 172800)
        self.assertEqual(len(ns["ResourceRecords"]), 4)
        for v in ns["ResourceRecords"]:
            self.assertRegex(v["Value"],
                             r"^ns-\d+\.awsdns-\d\d\.(com|net|org|co\.uk)\.$")
        self.assertEqual(soa["TTL"], 900)
        self.assertEqual(soa["ResourceRecords"], [{
            "Value": "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. "
                     "1 7200 900 1209600 86400"}])
        g = self.c.get_hosted_zone(Id=zid)
        names = g["DelegationSet"]["NameServers"]
        self.assertEqual(sorted(n + "." for n in names),
                         sorted(v["Value"] for v in ns["ResourceRecords"]))
        self.assertNotIn("VPCs", g)
        gp = self.c.get_hosted_zone(Id=priv[0]["Id"])
        self.assertNotIn("DelegationSet", gp)
        self.assertEqual(gp["VPCs"][0]["VPCRegion"], "us-east-1")
        self.assertTrue(gp["VPCs"][0]["VPCId"].startswith("vpc-"))
        self.assertTrue(gp["HostedZone"]["Config"]["PrivateZone"])

    def test_create_get_delete_zone(self):
        r = self.c.create_hosted_zone(
            Name="Created.Example.ORG", CallerReference="create-1",
            HostedZoneConfig={"Comment": "made by test"})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        zid = r["HostedZone"]["Id"]
        self.assertEqual(r["Location"],
                         "https://route53.amazonaws.com/2013-04-01"
                         + zid)
        self.assertEqual(r["HostedZone"]["Name"], "created.example.org.")
        self.assertEqual(r["ChangeInfo"]["Status"], "PENDING")
        self.assertEqual(len(r["DelegationSet"]["NameServers"]), 4)
        g = self.c.get_change(Id=r["ChangeInfo"]["Id"])
        self.assertEqual(g["ChangeInfo"]["Status"], "INSYNC")
        g = self.c.get_hosted_zone(Id=zid)
        self.assertEqual(g["HostedZone"]["Config"]["Comment"], "made by test")
        with self.assertRaises(ClientError) as cm:
            self.c.create_hosted_zone(Name="other.example.org",
                                      CallerReference="create-1")
        self.assertEqual(err(cm)[:2], (409, "HostedZoneAlreadyExists"))
        self.change(zid, ch("CREATE", rr("a.created.example.org", "A",
                                         ["192.0.2.1"])))
        with self.assertRaises(ClientError) as cm:
            self.c.delete_hosted_zone(Id=zid)
        self.assertEqual(err(cm)[:2], (400, "HostedZoneNotEmpty"))
        self.change(zid, ch("DELETE", rr("a.created.example.org", "A",
                                         ["192.0.2.1"])))
        d = self.c.delete_hosted_zone(Id=zid)
        self.assertEqual(d["ChangeInfo"]["Status"], "PENDING")
        with self.assertRaises(ClientError) as cm:
            self.c.get_hosted_zone(Id=zid)
        self.assertEqual(err(cm), (404, "NoSuchHostedZone",
                                   "No hosted zone found with ID: %s"
                                   % zid.split("/")[-1]))

    def test_private_zone_create(self):
        r = self.c.create_hosted_zone(
            Name="corp.example", CallerReference="priv-1",
            VPC={"VPCRegion": "eu-west-1", "VPCId": "vpc-0abc"})
        self.assertTrue(r["HostedZone"]["Config"]["PrivateZone"])
        self.assertEqual(r["VPC"], {"VPCRegion": "eu-west-1",
                                    "VPCId": "vpc-0abc"})
        self.assertNotIn("DelegationSet", r)

    def test_list_zones_paging_and_by_name(self):
        for n in ("b.paging.test", "a.paging.test", "c.paging.test"):
            self.zone(n)
        all_ids = [z["Id"] for z in self.c.list_hosted_zones()["HostedZones"]]
        seen = []
        for page in self.c.get_paginator("list_hosted_zones").paginate(
                PaginationConfig={"PageSize": 2}):
            if page["IsTruncated"]:
                self.assertNotIn("/", page["NextMarker"])
            seen.extend(z["Id"] for z in page["HostedZones"])
        self.assertEqual(seen, all_ids)
        r = self.c.list_hosted_zones_by_name(DNSName="a.paging.test",
                                             MaxItems="2")
        self.assertEqual([z["Name"] for z in r["HostedZones"]],
                         ["a.paging.test.", "b.paging.test."])
        self.assertTrue(r["IsTruncated"])
        self.assertEqual(r["NextDNSName"], "c.paging.test.")
        self.assertNotIn("/", r["NextHostedZoneId"])
        r2 = self.c.list_hosted_zones_by_name(
            DNSName=r["NextDNSName"], HostedZoneId=r["NextHostedZoneId"],
            MaxItems="2")
        self.assertEqual(r2["HostedZones"][0]["Name"], "c.paging.test.")
        # Same-name public and private zones sit side by side.
        r = self.c.list_hosted_zones_by_name(DNSName="example.com")
        same = [z for z in r["HostedZones"] if z["Name"] == "example.com."]
        self.assertEqual(sorted(z["Config"]["PrivateZone"] for z in same),
                         [False, True])
        # Ordered by reversed labels: ...com. before ...net.
        names = [z["Name"] for z in self.c.list_hosted_zones_by_name()[
            "HostedZones"]]
        keys = [".".join(reversed(n.rstrip(".").split("."))) + "."
                for n in names]
        self.assertEqual(keys, sorted(keys))

    def test_count_and_limit(self):
        zid = self.zone()
        n = self.c.get_hosted_zone_count()["HostedZoneCount"]
        self.assertEqual(n, len(self.c.list_hosted_zones(
            MaxItems="100")["HostedZones"]))
        lim = self.c.get_hosted_zone_limit(Type="MAX_RRSETS_BY_ZONE",
                                           HostedZoneId=zid)
        self.assertEqual((lim["Limit"]["Value"], lim["Count"]), (10000, 2))

    def test_no_such_things(self):
        with self.assertRaises(ClientError) as cm:
            self.c.list_resource_record_sets(HostedZoneId="ZNOSUCHZONE1234")
        self.assertEqual(err(cm), (404, "NoSuchHostedZone",
                                   "No hosted zone found with ID: "
                                   "ZNOSUCHZONE1234"))
        with self.assertRaises(ClientError) as cm:
            self.c.get_change(Id="/change/CNOSUCHCHANGE")
        self.assertEqual(err(cm)[:2], (404, "NoSuchChange"))

    def test_change_status_and_comment(self):
        zid = self.zone()
        r = self.c.change_resource_record_sets(
            HostedZoneId=zid, ChangeBatch={
                "Comment": "rfc2136 update id 4711",
                "Changes": [ch("CREATE", rr("w.%s" % self.zname(zid), "A",
                                            ["192.0.2.1"]))]})
        info = r["ChangeInfo"]
        self.assertEqual(info["Status"], "PENDING")
        self.assertRegex(info["Id"], r"^/change/C[A-Z0-9]{10,30}$")
        self.assertEqual(info["Comment"], "rfc2136 update id 4711")
        self.assertLess(abs(info["SubmittedAt"].timestamp() - time.time()), 60)
        g = self.c.get_change(Id=info["Id"])["ChangeInfo"]
        self.assertEqual((g["Status"], g["Comment"]),
                         ("INSYNC", "rfc2136 update id 4711"))
        self.assertEqual(g["SubmittedAt"], info["SubmittedAt"])

    def test_pending_then_insync(self):
        zid = self.zone()
        self.emu.ctl("POST", "/_emu/config", {"insync_delay": 1.0})
        try:
            r = self.change(zid, ch("CREATE", rr("p." + self.zname(zid), "A",
                                                 ["192.0.2.9"])))
            cid = r["ChangeInfo"]["Id"]
            self.assertEqual(self.c.get_change(Id=cid)["ChangeInfo"][
                "Status"], "PENDING")
            # Read-your-writes while PENDING.
            self.assertEqual(len(self.find(zid, "p." + self.zname(zid),
                                           "A")), 1)
            time.sleep(1.2)
            self.assertEqual(self.c.get_change(Id=cid)["ChangeInfo"][
                "Status"], "INSYNC")
            # The waiter used by tools works against it too.
            self.c.get_waiter("resource_record_sets_changed").wait(
                Id=cid, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        finally:
            self.emu.ctl("POST", "/_emu/config", {"insync_delay": 0})

    def zname(self, zid):
        return self.c.get_hosted_zone(Id=zid)["HostedZone"]["Name"]


class TestListing(Base):

    def test_paging_1200_in_order(self):
        zid = self.zone("paging.example")
        subs = ["a", "b-c", "d.e", "_tcp", "x"]
        want = []
        for half in (0, 1):
            changes = []
            for i in range(half * 600, half * 600 + 600):
                name = "h%d.%s.paging.example." % (i, subs[i % len(subs)])
                changes.append(ch("CREATE", rr(name, "A", ["10.0.%d.%d" % (
                    i // 256, i % 256)])))
                want.append((name, "A"))
            self.change(zid, *changes)
        for extra, t in (("paging.example.", "MX"),
                         ("paging.example.", "TXT"),
                         ("paging.example.", "A")):
            v = {"MX": "10 mail.paging.example.", "TXT": '"hello"',
                 "A": "192.0.2.1"}[t]
            self.change(zid, ch("CREATE", rr(extra, t, [v])))
            want.append((extra, t))
        want += [("paging.example.", "NS"), ("paging.example.", "SOA")]
        want.sort(key=lambda x: sort_key({"Name": x[0], "Type": x[1]}))
        for size in (100, 300, 7):
            got = []
            pages = 0
            for page in self.c.get_paginator(
                    "list_resource_record_sets").paginate(
                    HostedZoneId=zid, PaginationConfig={"PageSize": size}):
                pages += 1
                self.assertLessEqual(len(page["ResourceRecordSets"]), size)
                got.extend((x["Name"], x["Type"])
                           for x in page["ResourceRecordSets"])
            self.assertEqual(len(got), 1205)
            self.assertEqual(got, want)
            self.assertEqual(pages, -(-1205 // size))
        # Apex types in type order: A, MX, NS, SOA, TXT.
        self.assertEqual([t for n, t in got if n == "paging.example."],
                         ["A", "MX", "NS", "SOA", "TXT"])

    def test_page_size_default_and_cap(self):
        zid = self.zone("cap.example")
        self.change(zid, *[ch("CREATE", rr("n%d.cap.example" % i, "A",
                                           ["192.0.2.1"])) for i in range(400)])
        r = self.c.list_resource_record_sets(HostedZoneId=zid)
        self.assertEqual((len(r["ResourceRecordSets"]), r["MaxItems"],
                          r["IsTruncated"]), (100, "100", True))
        r = self.c.list_resource_record_sets(HostedZoneId=zid,
                                             MaxItems="5000")
        self.assertEqual((len(r["ResourceRecordSets"]), r["MaxItems"]),
                         (300, "300"))

    def test_sort_order_details(self):
        zid = self.zone("order.example")
        names = ["a.order.example", "a-b.order.example", "b.a.order.example",
                 "*.order.example", "_x.order.example", "order.example"]
        self.change(zid, *[ch("CREATE", rr(n, "TXT", ['"x"']))
                           for n in names])
        got = [(x["Name"], x["Type"]) for x in self.rrsets(zid)]
        # '*' is stored as \052; '-' (0x2d) sorts before '.' (0x2e), so
        # a-b.order.example. comes before a.order.example.
        self.assertEqual(got, [
            ("order.example.", "NS"), ("order.example.", "SOA"),
            ("order.example.", "TXT"), ("\\052.order.example.", "TXT"),
            ("_x.order.example.", "TXT"), ("a-b.order.example.", "TXT"),
            ("a.order.example.", "TXT"), ("b.a.order.example.", "TXT")])

    def test_start_points(self):
        zid = self.zone("start.example")
        self.change(zid, *[ch("CREATE", rr(n + ".start.example", "A",
                                           ["192.0.2.1"]))
                           for n in ("a", "m", "z")])
        self.change(zid, ch("CREATE", rr("m.start.example", "TXT", ['"t"'])))
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="m.start.example")
        self.assertEqual([(x["Name"], x["Type"])
                          for x in r["ResourceRecordSets"]],
                         [("m.start.example.", "A"),
                          ("m.start.example.", "TXT"),
                          ("z.start.example.", "A")])
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="M.Start.Example.",
            StartRecordType="CNAME")
        self.assertEqual(r["ResourceRecordSets"][0]["Type"], "TXT")
        # No filtering: a name that does not exist starts at the next one.
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="n.start.example",
            MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["Name"],
                         "z.start.example.")
        self.assertFalse(r["IsTruncated"])
        with self.assertRaises(ClientError) as cm:
            self.c.list_resource_record_sets(HostedZoneId=zid,
                                             StartRecordType="A")
        self.assertEqual(err(cm)[:2], (400, "InvalidInput"))

    def test_wildcard_start_name(self):
        zid = self.zone("wild.example")
        self.change(zid, ch("CREATE", rr("*.wild.example", "A",
                                         ["192.0.2.1"])))
        for start in ("*.wild.example.", "\\052.wild.example."):
            r = self.c.list_resource_record_sets(
                HostedZoneId=zid, StartRecordName=start, StartRecordType="A",
                MaxItems="1")
            self.assertEqual(r["ResourceRecordSets"][0]["Name"],
                             "\\052.wild.example.")


class TestBatchSemantics(Base):

    def setUp(self):
        # Hosted zones may share a name; each test gets a fresh one.
        self.zid = self.zone("sem.example")

    def test_create_exists_and_delete_not_found(self):
        a = rr("x.sem.example", "TXT", ['"v"'])
        self.change(self.zid, ch("CREATE", a))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", a)), (
            400, "InvalidChangeBatch",
            "[Tried to create resource record set [name='x.sem.example.', "
            "type='TXT'] but it already exists]"))
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", rr(
            "k.sem.example", "A", ["192.0.2.1"]))), (
            400, "InvalidChangeBatch",
            "[Tried to delete resource record set [name='k.sem.example.', "
            "type='A'] but it was not found]"))

    def test_delete_exact_match(self):
        self.change(self.zid, ch("CREATE", rr("d.sem.example", "A",
                                              ["192.0.2.1", "192.0.2.2"])))
        want = ("[Tried to delete resource record set [name='d.sem.example.',"
                " type='A'] but the values provided do not match the current "
                "values]")
        for bad in (rr("d.sem.example", "A", ["192.0.2.1"]),
                    rr("d.sem.example", "A", ["192.0.2.1", "192.0.2.2"],
                       ttl=301),
                    rr("d.sem.example", "A", ["192.0.2.1", "192.0.2.3"])):
            self.assertEqual(self.batch_error(self.zid, ch("DELETE", bad)),
                             (400, "InvalidChangeBatch", want))
        # Values are a set: order does not matter.
        self.change(self.zid, ch("DELETE", rr("d.sem.example", "A",
                                              ["192.0.2.2", "192.0.2.1"])))
        self.assertEqual(self.find(self.zid, "d.sem.example.", "A"), [])

    def test_delete_twice_and_delete_create(self):
        a = rr("t.sem.example", "A", ["192.0.2.1"])
        self.change(self.zid, ch("CREATE", a))
        code = self.batch_error(self.zid, ch("DELETE", a), ch("DELETE", a))
        self.assertEqual(code[:2], (400, "InvalidChangeBatch"))
        self.assertEqual(len(self.find(self.zid, "t.sem.example.", "A")), 1)
        b = rr("t.sem.example", "A", ["192.0.2.1", "192.0.2.7"], ttl=60)
        self.change(self.zid, ch("DELETE", a), ch("CREATE", b))
        got = self.find(self.zid, "t.sem.example.", "A")[0]
        self.assertEqual((got["TTL"], [v["Value"] for v in
                                       got["ResourceRecords"]]),
                         (60, ["192.0.2.1", "192.0.2.7"]))
        # UPSERT twice for one RRset in one batch is refused.
        code = self.batch_error(self.zid, ch("UPSERT", a), ch("UPSERT", b))
        self.assertEqual(code[2], "[The request contains an invalid set of "
                         "changes for a resource record set "
                         "'A t.sem.example.']")

    def test_upsert(self):
        a = rr("u.sem.example", "MX", ["10 mx1.sem.example."])
        self.change(self.zid, ch("UPSERT", a))
        self.change(self.zid, ch("UPSERT", a))  # identical again: no-op
        b = rr("u.sem.example", "MX", ["20 mx2.sem.example.",
                                       "30 mx3.sem.example"], ttl=30)
        self.change(self.zid, ch("UPSERT", b))
        got = self.find(self.zid, "u.sem.example.", "MX")
        self.assertEqual(len(got), 1)
        # Values come back as written (no trailing dot added).
        self.assertEqual(got[0]["ResourceRecords"],
                         [{"Value": "20 mx2.sem.example."},
                          {"Value": "30 mx3.sem.example"}])
        self.assertEqual(got[0]["TTL"], 30)

    def test_cname_exclusivity(self):
        self.change(self.zid, ch("CREATE", rr("www.sem.example", "CNAME",
                                              ["host.sem.example."])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "www.sem.example", "A", ["192.0.2.1"])))[2],
            "[RRSet of type A with DNS name www.sem.example. is not "
            "permitted because a conflicting RRSet of type  CNAME with the "
            "same DNS name already exists in zone sem.example.]")
        self.change(self.zid, ch("CREATE", rr("h.sem.example", "A",
                                              ["192.0.2.1"])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "h.sem.example", "CNAME", ["x.sem.example."])))[2],
            "[RRSet of type CNAME with DNS name h.sem.example. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone sem.example.]")
        # At the apex SOA and NS are always there.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "sem.example", "CNAME", ["x.sem.example."])))[2],
            "[RRSet of type CNAME with DNS name sem.example. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone sem.example.]")
        # Replacing a CNAME by an A in one batch is fine.
        self.change(self.zid, ch("DELETE", rr("www.sem.example", "CNAME",
                                              ["host.sem.example."])),
                    ch("CREATE", rr("www.sem.example", "A", ["192.0.2.5"])))
        # CNAME is single-valued.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "c2.sem.example", "CNAME", ["a.sem.example.", "b.sem.example."]
        )))[1], "InvalidChangeBatch")

    def test_apex_soa_ns(self):
        sets = self.rrsets(self.zid)
        soa = [x for x in sets if x["Type"] == "SOA"][0]
        ns = [x for x in sets if x["Type"] == "NS"][0]
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", soa))[2],
                         "[A HostedZone must contain exactly one SOA "
                         "record.]")
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", ns))[2],
                         "[A HostedZone must contain at least one NS record "
                         "for the zone itself.]")
        new = dict(soa)
        new["ResourceRecords"] = [{"Value": soa["ResourceRecords"][0][
            "Value"].replace(" 1 7200 ", " 2025010101 7200 ")}]
        new["TTL"] = 60
        self.change(self.zid, ch("UPSERT", new))
        got = self.find(self.zid, "sem.example.", "SOA")[0]
        self.assertIn(" 2025010101 ", got["ResourceRecords"][0]["Value"])
        bad = dict(soa)
        bad["ResourceRecords"] = soa["ResourceRecords"] * 2
        self.assertEqual(self.batch_error(self.zid, ch("UPSERT", bad))[1],
                         "InvalidChangeBatch")
        # Subdomain NS (delegation) is fine; wildcard NS is not.
        self.change(self.zid, ch("CREATE", rr("sub.sem.example", "NS",
                                              ["ns1.elsewhere.example."])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "*.sem.example", "NS", ["ns1.elsewhere.example."])))[1],
            "InvalidChangeBatch")

    def test_values_checked(self):
        cases = [
            ("A", "192.0.2", "[Invalid Resource Record: FATAL problem: "
             "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) "
             "encountered with '192.0.2']"),
            ("A", "1.2.3.4, 1.2.3.5", "[Invalid Resource Record: FATAL "
             "problem: ARRDATANotSingleField (Value contains spaces) "
             "encountered with '1.2.3.4, 1.2.3.5']"),
            ("TXT", "unquoted", "[Invalid Resource Record: FATAL problem: "
             "InvalidCharacterString (Value should be enclosed in quotation "
             "marks) encountered with 'unquoted']"),
            ("TXT", '"%s"' % ("x" * 256), "[Invalid Resource Record: FATAL "
             "problem: CharacterStringTooLong (Value is too long) "
             "encountered with '\"%s\"']" % ("x" * 256)),
        ]
        for t, v, msg in cases:
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "v.sem.example", t, [v]))), (400, "InvalidChangeBatch", msg))
        for t, v in (("AAAA", "2001:db8::g"), ("MX", "mail.sem.example"),
                     ("SRV", "1 2 70000 t.sem.example"),
                     ("CAA", "0 issue ca.example"), ("DS", "1 2 3 abc"),
                     ("SPF", "v=spf1 -all")):
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "v.sem.example", t, [v])))[1], "InvalidChangeBatch", (t, v))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "v.sem.example", "A", ["192.0.2.1", "192.0.2.1"])))[2],
            "[Duplicate Resource Record: '192.0.2.1']")
        good = [("TXT", ['"%s"' % ("y" * 255), '"a" "b c" "q\\"uote"',
                         '"ex\\344mple"']),
                ("AAAA", ["2001:0db8:85a3:0:0:8a2e:0370:7334"]),
                ("CAA", ['0 issue "ca.example.net"']),
                ("SRV", ["10 5 80 hostname.sem.example"]),
                ("NAPTR", ['100 50 "u" "E2U+sip" "!^.*$!sip:x@ex.com!" .']),
                ("DS", ["123 13 2 " + "ab" * 32]),
                ("PTR", ["host.sem.example."]),
                ("SPF", ['"v=spf1 -all"'])]
        for t, vals in good:
            self.change(self.zid, ch("CREATE", rr("ok.sem.example", t, vals)))
            self.assertEqual(
                [v["Value"] for v in self.find(self.zid, "ok.sem.example.",
                                               t)[0]["ResourceRecords"]],
                vals)

    def test_name_outside_zone_and_all_errors(self):
        msg = self.batch_error(
            self.zid,
            ch("CREATE", rr("a.other.org", "A", ["192.0.2.1"])),
            ch("DELETE", rr("missing.sem.example", "A", ["192.0.2.1"])),
            ch("CREATE", rr("b.sem.example", "A", ["300.1.1.1"])))[2]
        self.assertEqual(msg, "[RRSet with DNS name a.other.org. is not "
                         "permitted in zone sem.example., Tried to delete "
                         "resource record set [name='missing.sem.example.', "
                         "type='A'] but it was not found, Invalid Resource "
                         "Record: FATAL problem: ARRDATAIllegalIPv4Address "
                         "(Value is not a valid IPv4 address) encountered "
                         "with '300.1.1.1']")
        # A name that merely ends with the zone's text is outside it.
        self.assertIn("is not permitted in zone", self.batch_error(
            self.zid, ch("CREATE", rr("xsem.example", "A",
                                      ["192.0.2.1"])))[2])

    def test_atomicity(self):
        before = self.emu.ctl("GET", "/_emu/state?zone=" + self.zid)[1]
        code = self.batch_error(
            self.zid,
            ch("CREATE", rr("good1.sem.example", "A", ["192.0.2.1"])),
            ch("UPSERT", rr("good2.sem.example", "TXT", ['"ok"'])),
            ch("DELETE", rr("nothere.sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(code[1], "InvalidChangeBatch")
        after = self.emu.ctl("GET", "/_emu/state?zone=" + self.zid)[1]
        self.assertEqual(before["zones"], after["zones"])
        self.assertEqual(len(self.rrsets(self.zid)), 2)

    def test_name_canonicalisation(self):
        self.change(self.zid, ch("CREATE", rr("MiXeD.Sem.Example", "A",
                                              ["192.0.2.1"])))
        self.assertEqual(len(self.find(self.zid, "mixed.sem.example.", "A")),
                         1)
        self.change(self.zid, ch("CREATE", rr("*.sem.example", "A",
                                              ["192.0.2.1"])))
        # The escaped spelling names the same RRset.
        self.assertIn("already exists", self.batch_error(
            self.zid, ch("CREATE", rr("\\052.sem.example.", "A",
                                      ["192.0.2.1"])))[2])
        self.change(self.zid, ch("CREATE", rr("a\\040b@c.sem.example", "TXT",
                                              ['"s"'])))
        self.assertEqual(len(self.find(self.zid, "a\\040b\\100c.sem.example.",
                                       "TXT")), 1)
        # '*' inside a label is a literal, still written \052.
        self.change(self.zid, ch("CREATE", rr("a*b.sem.example", "TXT",
                                              ['"s"'])))
        self.assertEqual(len(self.find(self.zid, "a\\052b.sem.example.",
                                       "TXT")), 1)
        code = self.batch_error(self.zid, ch("CREATE", rr(
            "x" * 64 + ".sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(code[1], "InvalidChangeBatch")
        self.assertIn("DomainLabelTooLong", code[2])

    def test_exactly_one_of(self):
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", {
                "Name": "portal.sem.example", "Type": "A"}))
        self.assertEqual(err(cm), (
            400, "InvalidInput",
            "Invalid request: Expected exactly one of [AliasTarget, all of "
            "[TTL, and ResourceRecords], or TrafficPolicyInstanceId], but "
            "found none in Change with [Action=CREATE, "
            "Name=portal.sem.example, Type=A, SetIdentifier=null]"))
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("UPSERT", {
                "Name": "portal.sem.example.", "Type": "A", "TTL": 60,
                "ResourceRecords": [{"Value": "192.0.2.1"}],
                "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2",
                                "DNSName": "d1.cloudfront.net",
                                "EvaluateTargetHealth": False}}))
        self.assertIn("but found more than one in Change with [Action=UPSERT,"
                      " Name=portal.sem.example., Type=A, "
                      "SetIdentifier=null]", err(cm)[2])

    def test_schema_errors(self):
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("INVALID_ACTION", rr(
                "e.sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(err(cm), (
            400, "InvalidInput",
            "Invalid XML ; cvc-enumeration-valid: Value 'INVALID_ACTION' is "
            "not facet-valid with respect to enumeration '[CREATE, DELETE, "
            "UPSERT]'. It must be a value from the enumeration."))
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", rr(
                "e.sem.example", "TXT", ['"' + "z" * 3999 + '"'])))
        self.assertEqual(err(cm)[1], "InvalidInput")
        self.assertIn("maxLength '4000'", err(cm)[2])
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", rr("e.sem.example", "A",
                                                  ["192.0.2.1"],
                                                  ttl=2147483648)))
        self.assertEqual(err(cm)[1], "InvalidInput")

    def test_request_limits(self):
        many = [ch("CREATE", rr("l%d.sem.example" % i, "A",
                                ["10.1.%d.%d" % (i // 250, i % 250 + 1)]))
                for i in range(1001)]
        self.assertEqual(self.batch_error(self.zid, *many),
                         (400, "InvalidChangeBatch",
                          "[Number of records limit of 1000 exceeded.]"))
        ups = [ch("UPSERT", c["ResourceRecordSet"]) for c in many[:501]]
        self.assertIn("Number of records limit of 1000 exceeded.",
                      self.batch_error(self.zid, *ups)[2])
        self.change(self.zid, *ups[:500])
        self.assertEqual(len(self.rrsets(self.zid)), 502)
        # 32,000 characters of Value text per request, UPSERT twice.
        s = " ".join(['"' + "c" * 255 + '"'] * 15)     # 3869 characters
        big = [ch("CREATE", rr("t%d.sem.example" % i, "TXT", [s]))
               for i in range(9)]
        self.assertEqual(self.batch_error(self.zid, *big)[2],
                         "[RDATA character limit of 32000 exceeded.]")
        self.assertIn("RDATA character limit", self.batch_error(
            self.zid, *[ch("UPSERT", c["ResourceRecordSet"])
                        for c in big[:5]])[2])
        self.change(self.zid, *big[:8])

    def test_values_per_rrset(self):
        vals = ["10.2.%d.%d" % (i // 200, i % 200) for i in range(401)]
        msg = self.batch_error(self.zid, ch("CREATE", rr(
            "many.sem.example", "A", vals)))
        self.assertEqual(msg[1], "InvalidChangeBatch")
        self.assertIn("400", msg[2])
        self.change(self.zid, ch("CREATE", rr("many.sem.example", "A",
                                              vals[:400])))

    def test_zone_quota(self):
        self.emu.ctl("POST", "/_emu/config", {"max_rrsets": 4})
        try:
            self.change(self.zid, ch("CREATE", rr("q1.sem.example", "A",
                                                  ["192.0.2.1"])),
                        ch("CREATE", rr("q2.sem.example", "A",
                                        ["192.0.2.1"])))
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "q3.sem.example", "A", ["192.0.2.1"]))), (
                400, "InvalidChangeBatch",
                "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: %s]"
                % self.zid))
            # Replacing within the quota still works.
            self.change(self.zid, ch("UPSERT", rr("q2.sem.example", "A",
                                                  ["192.0.2.2"])))
        finally:
            self.emu.ctl("POST", "/_emu/config", {"max_rrsets": 10000})

    def test_alias_and_routing_policies(self):
        z = "sem.example."
        alias = {"Name": "www." + z, "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z2FDTNDATAQYW2",
            "DNSName": "D111111abcdef8.CloudFront.net",
            "EvaluateTargetHealth": False}}
        weighted = [{"Name": "w." + z, "Type": "A", "SetIdentifier": s,
                     "Weight": wt, "TTL": 60,
                     "ResourceRecords": [{"Value": ip}]}
                    for s, wt, ip in (("blue", 10, "192.0.2.1"),
                                      ("green", 0, "192.0.2.2"))]
        latency = {"Name": "lat." + z, "Type": "AAAA", "SetIdentifier": "eu",
                   "Region": "eu-west-1", "TTL": 60,
                   "ResourceRecords": [{"Value": "2001:db8::1"}],
                   "HealthCheckId": "abcdef01-2345-6789-abcd-ef0123456789"}
        geo = {"Name": "geo." + z, "Type": "A", "SetIdentifier": "Default",
               "GeoLocation": {"CountryCode": "*"}, "TTL": 60,
               "ResourceRecords": [{"Value": "192.0.2.3"}]}
        fail = {"Name": "f." + z, "Type": "CNAME", "SetIdentifier": "p",
                "Failover": "PRIMARY", "TTL": 60,
                "ResourceRecords": [{"Value": "primary.example.net"}]}
        multi = {"Name": "m." + z, "Type": "A", "SetIdentifier": "m1",
                 "MultiValueAnswer": True, "TTL": 60,
                 "ResourceRecords": [{"Value": "192.0.2.4"}]}
        self.change(self.zid, *[ch("CREATE", x) for x in
                                [alias, latency, geo, fail, multi]
                                + weighted])
        got = {(x["Name"], x.get("SetIdentifier")): x
               for x in self.rrsets(self.zid)}
        a = got[("www." + z, None)]
        self.assertNotIn("TTL", a)
        self.assertNotIn("ResourceRecords", a)
        self.assertEqual(a["AliasTarget"], {
            "HostedZoneId": "Z2FDTNDATAQYW2",
            "DNSName": "d111111abcdef8.cloudfront.net.",
            "EvaluateTargetHealth": False})
        for x in [latency, geo, fail, multi] + weighted:
            self.assertEqual(got[(x["Name"], x["SetIdentifier"])], x)
        # Paging inside a weighted group uses NextRecordIdentifier.
        r = self.c.list_resource_record_sets(
            HostedZoneId=self.zid, StartRecordName="w." + z,
            StartRecordType="A", MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["SetIdentifier"], "blue")
        self.assertEqual((r["NextRecordName"], r["NextRecordType"],
                          r["NextRecordIdentifier"]), ("w." + z, "A", "green"))
        r = self.c.list_resource_record_sets(
            HostedZoneId=self.zid, StartRecordName=r["NextRecordName"],
            StartRecordType="A", StartRecordIdentifier="green", MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["SetIdentifier"], "green")
        # Weighted DELETE must match the whole RRset, weight included.
        bad = dict(weighted[0], Weight=11)
        self.assertIn("do not match", self.batch_error(
            self.zid, ch("DELETE", bad))[2])
        self.assertIn("set-identifier='blue'", self.batch_error(
            self.zid, ch("CREATE", weighted[0]))[2])
        # Policy mixing.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "w." + z, "A", ["192.0.2.9"])))[2],
            "[RRSet with DNS name w.sem.example., type A cannot be created "
            "as other RRSets exist with the same name and type.]")
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", {
            "Name": "w." + z, "Type": "A", "SetIdentifier": "x",
            "Region": "us-east-1", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.8"}]}))[2],
            "[RRSet with DNS name w.sem.example., type A, SetIdentifier x "
            "cannot be created as a non-latency set exists with the same "
            "name and type.]")
        # Alias to a name in the same zone must exist.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "nothing." + z,
                "EvaluateTargetHealth": False}}))[2],
            "[Tried to create an alias that targets nothing.sem.example., "
            "type A in zone %s, but that target was not found]" % self.zid)
        self.change(self.zid, ch("CREATE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "geo." + z,
                "EvaluateTargetHealth": True}}))
        self.change(self.zid, ch("DELETE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "GEO." + z,
                "EvaluateTargetHealth": True}}))


class TestRawRequests(Base):
    """Requests boto3 cannot make: bad XML, other paths, new RR types."""

    def body(self, inner, root="ChangeResourceRecordSetsRequest", ns=NS):
        x = '<?xml version="1.0" encoding="UTF-8"?>\n<%s%s>%s</%s>' % (
            root, ' xmlns="%s"' % ns if ns else "", inner, root)
        return x.encode()

    def change_xml(self, name, rtype, value, action="CREATE"):
        return self.body(
            "<ChangeBatch><Changes><Change><Action>%s</Action>"
            "<ResourceRecordSet><Name>%s</Name><Type>%s</Type><TTL>300</TTL>"
            "<ResourceRecords><ResourceRecord><Value>%s</Value>"
            "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
            "</Changes></ChangeBatch>" % (action, name, rtype, value))

    def test_new_types_and_trailing_slash(self):
        zid = self.zone("types.example")
        vals = {"TLSA": "3 1 1 " + "0a" * 32, "SSHFP": "4 2 " + "bc" * 32,
                "SVCB": "1 svc.types.example. alpn=h2,h3 port=8443",
                "HTTPS": "1 . alpn=h3,h2"}
        for i, (t, v) in enumerate(sorted(vals.items())):
            path = "/2013-04-01/hostedzone/%s/rrset%s" % (zid,
                                                          "/" if i % 2 else "")
            st, h, b = self.emu.raw("POST", path, self.change_xml(
                "n.types.example", t, v))
            self.assertEqual(st, 200, b)
            self.assertEqual(h["content-type"], "text/xml")
            self.assertIn("x-amzn-requestid", h)
            self.assertIn("date", h)
            root = ET.fromstring(b)
            self.assertEqual(root.tag,
                             "{%s}ChangeResourceRecordSetsResponse" % NS)
        st, h, b = self.emu.raw("POST", "/2013-04-01/hostedzone/%s/rrset/"
                                % zid, self.change_xml("m.types.example",
                                                       "TLSA", "3 1 1 0g"))
        self.assertEqual(st, 400)
        self.assertEqual(xml_error(b)[1], "InvalidChangeBatch")
        # Listing parses in Debian's botocore even without these types in
        # its model (enum values are not checked by the parser).
        got = {x["Type"]: x["ResourceRecords"][0]["Value"]
               for x in self.rrsets(zid) if x["Name"] == "n.types.example."}
        self.assertEqual(got, vals)
        st, h, b = self.emu.raw(
            "GET", "/2013-04-01/hostedzone/%s/rrset?maxitems=2&name=%s"
            "&type=SSHFP" % (zid, quote("n.types.example.", safe="")))
        self.assertEqual(st, 200)
        types_ = [e.text for e in ET.fromstring(b).iter("{%s}Type" % NS)]
        self.assertEqual(types_, ["SSHFP", "SVCB"])

    def test_xml_errors(self):
        zid = self.zone("xml.example")
        path = "/2013-04-01/hostedzone/%s/rrset/" % zid
        st, h, b = self.emu.raw("POST", path, self.body(
            "<ChangeBatch/>", root="ChangeBatch"))
        self.assertEqual((st, xml_error(b)[1:3]), (400, (
            "MalformedInput",
            "ChangeBatch is not valid, expected "
            "ChangeResourceRecordSetsRequest")))
        st, h, b = self.emu.raw("POST", path, self.body("<ChangeBatch/>",
                                                        ns=None))
        self.assertEqual((st, xml_error(b)[1:3]), (400, (
            "InvalidInput",
            "Invalid XML ; cvc-elt.1: Cannot find the declaration of element "
            "'ChangeResourceRecordSetsRequest'.")))
        st, h, b = self.emu.raw("POST", path, b"<ChangeResourceRecordSets")
        self.assertEqual(st, 400)
        self.assertTrue(xml_error(b)[2].startswith("Invalid XML ; "))
        # Element order: free by default (botocore sends dict order), the
        # model's order with strict_element_order.
        out_of_order = self.body(
            "<ChangeBatch><Changes><Change><Action>CREATE</Action>"
            "<ResourceRecordSet><Name>a.xml.example</Name><TTL>1</TTL>"
            "<Type>A</Type><ResourceRecords><ResourceRecord><Value>192.0.2.1"
            "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
            "</Change></Changes></ChangeBatch>")
        self.emu.ctl("POST", "/_emu/config", {"strict_element_order": True})
        try:
            st, h, b = self.emu.raw("POST", path, out_of_order)
        finally:
            self.emu.ctl("POST", "/_emu/config",
                         {"strict_element_order": False})
        self.assertEqual(st, 400)
        typ, code, msg, rid = xml_error(b)
        self.assertEqual((typ, code), ("Sender", "InvalidInput"))
        self.assertEqual(msg, "Invalid XML ; cvc-complex-type.2.4.a: Invalid "
                         "content was found starting with element 'TTL'. One "
                         "of '{\"%s\":Type}' is expected." % NS)
        self.assertEqual(h["x-amzn-requestid"], rid)
        self.assertRegex(rid, r"^[0-9a-f-]{36}$")
        st, h, b = self.emu.raw("POST", path, out_of_order)
        self.assertEqual(st, 200, b)
        # Unknown, repeated and missing elements are refused in any mode.
        for inner, frag in (
                ("<Name>b.xml.example</Name><Type>A</Type><Bogus>1</Bogus>",
                 "cvc-complex-type.2.4.a: Invalid content was found starting "
                 "with element 'Bogus'"),
                ("<Name>b.xml.example</Name><Type>A</Type><Type>A</Type>",
                 "starting with element 'Type'"),
                ("<Name>b.xml.example</Name><TTL>1</TTL>",
                 "cvc-complex-type.2.4.b: The content of element "
                 "'ResourceRecordSet' is not complete.")):
            st, h, b = self.emu.raw("POST", path, self.body(
                "<ChangeBatch><Changes><Change><Action>CREATE</Action>"
                "<ResourceRecordSet>%s</ResourceRecordSet></Change></Changes>"
                "</ChangeBatch>" % inner))
            self.assertEqual(st, 400)
            self.assertIn(frag, xml_error(b)[2])
        # Empty Changes.
        st, h, b = self.emu.raw("POST", path, self.body(
            "<ChangeBatch><Changes></Changes></ChangeBatch>"))
        self.assertIn("cvc-complex-type.2.4.b", xml_error(b)[2])
        # Body size cap.
        st, h, b = self.emu.raw("POST", path, b"x" * (1 << 20 + 1))
        self.assertEqual((st, xml_error(b)[1]), (400, "InvalidInput"))

    def test_unsigned_and_keepalive(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone", sign=False)
        self.assertEqual((st, xml_error(b)[1]),
                         (403, "MissingAuthenticationToken"))
        conn = self.emu.connection()
        for _ in range(5):
            st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                    conn=conn)
            self.assertEqual(st, 200)
            self.assertNotEqual(h.get("connection"), "close")
        sock = conn.sock
        self.assertIsNotNone(sock)
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                conn=conn)
        self.assertIs(conn.sock, sock)      # same connection reused
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                headers={"Connection": "close"}, conn=conn)
        self.assertEqual((st, h.get("connection")), (200, "close"))
        conn.close()

    def test_garbage_does_not_stop_it(self):
        import socket
        for junk in (b"\x00\xff" * 500 + b"\r\n\r\n",
                     b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                     b"POST /_emu/write HTTP/1.1\r\nContent-Length: 5\r\n"
                     b"\r\n{bad}",
                     b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                     b"\r\nzz\r\n"):
            s = socket.create_connection(("127.0.0.1", self.emu.port), 5)
            s.sendall(junk)
            try:
                s.recv(4096)
            except OSError:
                pass
            s.close()
        self.assertEqual(self.c.get_hosted_zone_count()[
            "ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_unknown_path_and_long_id(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/nothing")
        self.assertEqual(st, 404)
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone/" + "Z" * 33)
        self.assertEqual((st, xml_error(b)[1]), (400, "InvalidInput"))


class TestSignatures(Base):

    def test_wrong_secret(self):
        c = self.emu.client(sk="not-the-secret")
        with self.assertRaises(ClientError) as cm:
            c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertTrue(msg.startswith(SIG_TEXT), msg)

    def test_wrong_key_id(self):
        with self.assertRaises(ClientError) as cm:
            self.emu.client(ak="AKIDOTHER").list_hosted_zones()
        self.assertEqual(err(cm), (403, "InvalidClientTokenId",
                                   "The security token included in the "
                                   "request is invalid."))

    def test_signed_query_with_escapes(self):
        # name= with '*' and '\' must be canonicalised like botocore does.
        zid = self.zone("q.example")
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="\\052.q.example.",
            StartRecordType="A", MaxItems="2")
        self.assertEqual(r["MaxItems"], "2")

    def test_clock_skew(self):
        with skewed(-400):
            with self.assertRaises(ClientError) as cm:
                self.c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertRegex(msg, r"^Signature expired: \d{8}T\d{6}Z is now "
                         r"earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 "
                         r"min\.\)$")
        with skewed(400):
            with self.assertRaises(ClientError) as cm:
                self.c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertTrue(msg.startswith("Signature not yet current: "), msg)
        with skewed(-240):
            self.c.list_hosted_zones()
        with skewed(240):
            self.c.list_hosted_zones()


class TestThrottleAndFaults(Base):

    def setUp(self):
        self.emu.ctl("POST", "/_emu/faults", {"clear": True})

    def tearDown(self):
        self.emu.ctl("POST", "/_emu/faults", {"clear": True})
        self.emu.ctl("POST", "/_emu/config", {
            "rate": None, "prior_request_check": False,
            "processing_delay": 0, "latency_ms": 0, "throttle": False,
            "account_bucket": [50, 10], "op_buckets": {},
            "change_bucket": [5000, 1000]})

    def outcome(self, call):
        """"ok", or (status, code, message) of the error."""
        try:
            call()
            return "ok"
        except ClientError as e:
            return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                    e.response["Error"]["Code"],
                    e.response["Error"]["Message"])

    def test_buckets_have_route53_defaults(self):
        cfg = self.emu.ctl("POST", "/_emu/config", {"throttle": True})[1]
        self.assertEqual(cfg["account_bucket"], [50, 10])
        self.assertEqual(cfg["op_buckets"]["CreateHostedZone"], [40, 2])
        self.assertEqual(cfg["op_buckets"]["DeleteHostedZone"], [40, 5])
        self.assertEqual(cfg["change_bucket"], [5000, 1000])
        # A burst of 50, then 10 a second: calls as fast as boto3 goes
        # are throttled once the burst and the refill are spent.
        self.emu.ctl("POST", "/_emu/stats/reset")
        t0 = time.monotonic()
        oks, first = 0, None
        for _ in range(300):
            o = self.outcome(self.c.get_hosted_zone_count)
            if o != "ok":
                first = o
                break
            oks += 1
        dt = time.monotonic() - t0
        self.assertEqual(first, (400, "Throttling", "Rate exceeded"))
        self.assertGreaterEqual(oks, 50)
        self.assertLessEqual(oks, 50 + 10 * dt + 1)
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["throttled"]["account"], 1)
        self.assertEqual(st["errors"]["Throttling"], 1)
        # Refilled at 10/s: after 0.5 s a few calls go again.
        time.sleep(0.5)
        self.assertEqual(self.outcome(self.c.get_hosted_zone_count), "ok")

    def test_account_and_operation_buckets(self):
        self.emu.ctl("POST", "/_emu/config", {
            "throttle": True, "account_bucket": [6, 0.01],
            "op_buckets": {"GetHostedZoneCount": [2, 0.01]}})
        self.emu.ctl("POST", "/_emu/stats/reset")
        got = [self.outcome(self.c.get_hosted_zone_count)
               for _ in range(3)]
        self.assertEqual(got[:2], ["ok", "ok"])
        self.assertEqual(got[2], (400, "Throttling", "Rate exceeded"))
        # Another operation has its own bucket, the account's is shared:
        # 4 tokens are left in it.
        got = [self.outcome(self.c.list_hosted_zones) for _ in range(5)]
        self.assertEqual(got[:4], ["ok"] * 4)
        self.assertEqual(got[4], (400, "Throttling", "Rate exceeded"))
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["throttled"], {"account": 1, "operation": 1,
                                           "change": 0})

    def test_change_bucket_counts_changes(self):
        zid = self.zone()
        zn = self.zone_name(zid)

        def batch(tag, n):
            return lambda: self.change(zid, *[ch("UPSERT", rr(
                "%s%d.%s" % (tag, i, zn), "A", ["192.0.2.1"]))
                for i in range(n)])

        self.emu.ctl("POST", "/_emu/config", {
            "throttle": True, "change_bucket": [10, 5]})
        self.emu.ctl("POST", "/_emu/stats/reset")
        self.assertEqual(self.outcome(batch("a", 4)), "ok")
        self.assertEqual(self.outcome(batch("b", 4)), "ok")
        # 2 left (and a little refill): 4 more are too many, nothing
        # applied; other operations are not affected.
        self.assertEqual(self.outcome(batch("c", 4)),
                         (400, "Throttling", "Rate exceeded"))
        self.assertEqual(self.find(zid, "c0." + zn, "A"), [])
        self.assertEqual(self.outcome(batch("d", 1)), "ok")
        # A batch larger than the bucket goes once it is full (2 s at 5
        # a second), and leaves it in debt.
        self.assertEqual(self.outcome(batch("e", 20)),
                         (400, "Throttling", "Rate exceeded"))
        time.sleep(2.2)
        self.assertEqual(self.outcome(batch("e", 20)), "ok")
        self.assertEqual(self.outcome(batch("f", 1)),
                         (400, "Throttling", "Rate exceeded"))
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["changes"], 4 + 4 + 1 + 20)
        self.assertEqual(st["throttled"]["change"], 3)
        self.assertEqual(st["throttled"]["account"], 0)

    def test_throttling(self):
        self.emu.ctl("POST", "/_emu/config", {"rate": 3})
        codes = []
        for _ in range(10):
            try:
                self.c.get_hosted_zone_count()
                codes.append("ok")
            except ClientError as e:
                codes.append((e.response["Error"]["Code"],
                              e.response["Error"]["Message"],
                              e.response["ResponseMetadata"][
                                  "HTTPStatusCode"]))
        self.assertIn(("Throttling", "Rate exceeded", 400), codes)
        self.assertIn("ok", codes)
        # With retries, boto3 backs off and gets through.
        c = self.emu.client(attempts=10)
        for _ in range(6):
            c.get_hosted_zone_count()
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertGreater(st["errors"].get("Throttling", 0), 0)

    def test_503_retried(self):
        zid = self.zone()
        self.emu.ctl("POST", "/_emu/faults", {
            "type": "503", "count": 2, "op": "ChangeResourceRecordSets"})
        self.emu.ctl("POST", "/_emu/stats/reset")
        r = self.change(zid, ch("CREATE", rr("r." + self.zone_name(zid), "A",
                                             ["192.0.2.1"])),
                        client=self.emu.client(attempts=5))
        self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 2)
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["operations"]["ChangeResourceRecordSets"], 3)
        self.assertEqual(st["errors"].get("ServiceUnavailable"), 2)
        # The op filter: other operations are not hit.
        self.emu.ctl("POST", "/_emu/faults", {"type": "500", "op":
                                              "GetChange"})
        self.c.get_hosted_zone_count()
        with self.assertRaises(ClientError) as cm:
            self.c.get_change(Id=r["ChangeInfo"]["Id"])
        self.assertEqual(err(cm)[:2], (500, "InternalFailure"))

    def test_throttle_and_prior_faults(self):
        zid = self.zone()
        name = "t." + self.zone_name(zid)
        for f, code in (("throttle", "Throttling"),
                        ("prior", "PriorRequestNotComplete")):
            self.emu.ctl("POST", "/_emu/faults", {"type": f})
            with self.assertRaises(ClientError) as cm:
                self.c.get_hosted_zone_count()
            self.assertEqual(err(cm)[:2], (400, code))
            self.emu.ctl("POST", "/_emu/faults", {"type": f})
            r = self.emu.client(attempts=3).get_hosted_zone_count()
            self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 1)
        self.emu.ctl("POST", "/_emu/faults", {
            "type": "error", "status": 403, "code": "AccessDenied",
            "message": "User: arn:aws:iam::123456789012:user/x is not "
                       "authorized"})
        with self.assertRaises(ClientError) as cm:
            self.change(zid, ch("CREATE", rr(name, "A", ["192.0.2.1"])))
        self.assertEqual(err(cm)[:2], (403, "AccessDenied"))
        self.assertEqual(self.find(zid, name, "A"), [])

    def state_names(self, zid):
        z = self.emu.ctl("GET", "/_emu/state?zone=" + zid)[1]["zones"][0]
        return [x["Name"] for x in z["ResourceRecordSets"]]

    def test_close_before_and_after(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_before"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("b." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertNotIn("b." + zn, self.state_names(zid))
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_after"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("a." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertIn("a." + zn, self.state_names(zid))
        # A client that retries the lost CREATE learns it already exists.
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_after"})
        with self.assertRaises(ClientError) as cm:
            self.change(zid, ch("CREATE", rr("c." + zn, "A", ["192.0.2.1"])),
                        client=self.emu.client(attempts=2))
        self.assertIn("but it already exists", err(cm)[2])

    def test_slow_and_truncated(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        self.emu.ctl("POST", "/_emu/faults", {"type": "slow", "delay": 1.5})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("s." + zn, "A", ["192.0.2.1"])),
                        client=self.emu.client(read_timeout=0.5))
        self.assertIsInstance(cm.exception, ReadTimeoutError)
        self.assertIn("s." + zn, self.state_names(zid))
        self.emu.ctl("POST", "/_emu/faults", {"type": "slow", "delay": 0.3})
        t0 = time.monotonic()
        self.c.get_hosted_zone_count()
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        self.emu.ctl("POST", "/_emu/faults", {"type": "truncate"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("t." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertIn("t." + zn, self.state_names(zid))
        # Raw check that the announced length exceeds what was sent.
        self.emu.ctl("POST", "/_emu/faults", {"type": "truncate"})
        conn = self.emu.connection()
        with self.assertRaises(http.client.IncompleteRead):
            self.emu.raw("GET", "/2013-04-01/hostedzonecount", conn=conn)
        conn.close()

    def test_latency(self):
        self.emu.ctl("POST", "/_emu/config", {"latency_ms": 200})
        t0 = time.monotonic()
        self.c.get_hosted_zone_count()
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)

    def test_prior_request_not_complete(self):
        z1 = self.zone()
        z2 = self.zone()
        self.emu.ctl("POST", "/_emu/config", {"prior_request_check": True,
                                              "processing_delay": 1.0})
        n1 = self.zone_name(z1)
        self.change(z1, ch("CREATE", rr("a." + n1, "A", ["192.0.2.1"])))
        with self.assertRaises(ClientError) as cm:
            self.change(z1, ch("CREATE", rr("b." + n1, "A", ["192.0.2.1"])))
        self.assertEqual(err(cm), (400, "PriorRequestNotComplete",
                                   "The request was rejected because Route "
                                   "53 was still processing a prior "
                                   "request."))
        # Another zone is not affected; reads are not affected.
        self.change(z2, ch("CREATE", rr("a." + self.zone_name(z2), "A",
                                        ["192.0.2.1"])))
        self.c.list_resource_record_sets(HostedZoneId=z1)
        time.sleep(1.1)
        self.change(z1, ch("CREATE", rr("b." + n1, "A", ["192.0.2.1"])))
        # Without a processing delay the window is the PENDING time.
        self.emu.ctl("POST", "/_emu/config", {"processing_delay": 0,
                                              "insync_delay": 0.6})
        try:
            time.sleep(0.7)     # let the change to b. leave the window
            self.change(z1, ch("CREATE", rr("c." + n1, "A", ["192.0.2.1"])))
            with self.assertRaises(ClientError) as cm:
                self.change(z1, ch("CREATE", rr("d." + n1, "A",
                                                ["192.0.2.1"])))
            self.assertEqual(err(cm)[1], "PriorRequestNotComplete")
            # botocore retries it with backoff until the window closes.
            self.change(z1, ch("CREATE", rr("d." + n1, "A", ["192.0.2.1"])),
                        client=self.emu.client(attempts=6))
        finally:
            self.emu.ctl("POST", "/_emu/config", {"insync_delay": 0})

    def test_console_write(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": zid, "ChangeBatch": {"Changes": [
                ch("CREATE", rr("console." + zn, "TXT", ['"by hand"']))]}})
        self.assertEqual(st, 200)
        self.assertTrue(out["ChangeInfo"]["Id"].startswith("/change/C"))
        self.assertEqual(len(self.find(zid, "console." + zn, "TXT")), 1)
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": zn, "ChangeBatch": {"Changes": [
                ch("CREATE", rr("console." + zn, "TXT", ['"by hand"']))]}})
        self.assertEqual((st, out["Code"]), (400, "InvalidChangeBatch"))
        # By name, choosing the private example.com zone.
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "PrivateZone": True,
            "ChangeBatch": {"Changes": [ch("UPSERT", rr(
                "split.example.com", "A", ["10.0.0.1"]))]}})
        self.assertEqual(st, 200, out)
        zones = self.emu.ctl("GET", "/_emu/state")[1]["zones"]
        priv = [z for z in zones if z["Name"] == "example.com."
                and z["PrivateZone"]][0]
        pub = [z for z in zones if z["Name"] == "example.com."
               and not z["PrivateZone"]][0]
        self.assertIn("split.example.com.", [x["Name"] for x in
                                             priv["ResourceRecordSets"]])
        self.assertNotIn("split.example.com.", [x["Name"] for x in
                                                pub["ResourceRecordSets"]])

    def zone_name(self, zid):
        return self.c.get_hosted_zone(Id=zid)["HostedZone"]["Name"]


class TestPrivateZones(unittest.TestCase):
    """--private-zone NAME:VPC,...: same-name zones told apart by their
    Config/PrivateZone and their VPCs, as boto3 reads them; and
    --signing-region, as for the China partition."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emu("--zone", "split.example",
                      "--private-zone", "split.example:vpc-0a1b2c3d,vpc-77",
                      "--private-zone", "split.example:vpc-0e0e0e0e",
                      "--access-key-id", AK, "--secret-access-key", SK,
                      "--signing-region", "cn-northwest-1", "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def client(self, region):
        return boto3.client(
            "route53", endpoint_url=self.emu.url, region_name=region,
            aws_access_key_id=AK, aws_secret_access_key=SK,
            config=Config(retries={"mode": "standard",
                                   "total_max_attempts": 1}))

    def test_same_name_zones_and_vpcs(self):
        c = self.client("cn-northwest-1")
        r = c.list_hosted_zones_by_name(DNSName="split.example")
        same = [z for z in r["HostedZones"] if z["Name"] == "split.example."]
        self.assertEqual(sorted(z["Config"]["PrivateZone"] for z in same),
                         [False, True, True])
        vpcs = {}
        for z in same:
            g = c.get_hosted_zone(Id=z["Id"])
            self.assertEqual(g["HostedZone"]["Config"]["PrivateZone"],
                             z["Config"]["PrivateZone"])
            if z["Config"]["PrivateZone"]:
                self.assertNotIn("DelegationSet", g)
                vpcs[z["Id"]] = sorted(v["VPCId"] for v in g["VPCs"])
                self.assertEqual({v["VPCRegion"] for v in g["VPCs"]},
                                 {"us-east-1"})
            else:
                self.assertNotIn("VPCs", g)
                self.assertEqual(len(g["DelegationSet"]["NameServers"]), 4)
        self.assertEqual(sorted(vpcs.values()),
                         [["vpc-0a1b2c3d", "vpc-77"], ["vpc-0e0e0e0e"]])

    def test_signing_region_required(self):
        with self.assertRaises(ClientError) as cm:
            self.client("us-east-1").list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertIn("'us-east-1'", msg)

    def test_bad_vpc_refused_at_start(self):
        with self.assertRaises(RuntimeError) as cm:
            Emu("--private-zone", "x.example:subnet-1").stop()
        self.assertIn("not a VPC ID", str(cm.exception))


class TestTLS(unittest.TestCase):
    """HTTPS with a throw-away CA; lenient signatures (any key, checked
    structure and skew) and a session token in strict mode."""

    @classmethod
    def setUpClass(cls):
        cls.tls = TLSFiles()
        cls.emu = Emu("--zone", "tls.example", "--quiet", tls=cls.tls)
        cls.strict = Emu("--zone", "tok.example", "--quiet",
                         "--access-key-id", "ASIATEST", "--secret-access-key",
                         SK, "--session-token", "TOKEN/x+y=", tls=cls.tls)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        cls.strict.stop()
        cls.tls.remove()

    def test_boto3_over_tls(self):
        c = self.emu.client(ak="ANYKEY", sk="anysecret")
        zid = c.list_hosted_zones_by_name(DNSName="tls.example")[
            "HostedZones"][0]["Id"]
        r = c.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={
            "Changes": [ch("UPSERT", rr("a.tls.example", "A",
                                        ["192.0.2.1"]))]})
        self.assertEqual(c.get_change(Id=r["ChangeInfo"]["Id"])[
            "ChangeInfo"]["Status"], "INSYNC")
        st, out = self.emu.ctl("GET", "/_emu/stats")
        self.assertEqual(out["operations"]["ChangeResourceRecordSets"], 1)

    def test_certificate_checked_by_client(self):
        ctx = ssl.create_default_context()    # system CAs only
        conn = http.client.HTTPSConnection("127.0.0.1", self.emu.port,
                                           timeout=5, context=ctx)
        with self.assertRaises(ssl.SSLError):
            conn.request("GET", "/_emu/stats")
        conn.close()

    def test_lenient_still_checks_structure_and_skew(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                headers={"Authorization": "AWS4-HMAC-SHA256 "
                                         "Credential=x/20250101/us-east-1/"
                                         "route53/aws4_request",
                                         "X-Amz-Date": "20250101T000000Z"},
                                sign=False)
        self.assertEqual((st, xml_error(b)[1]), (400, "IncompleteSignature"))
        with skewed(-600):
            st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                    creds=("ANY", "thing", None))
        self.assertEqual(st, 403)
        self.assertTrue(xml_error(b)[2].startswith("Signature expired: "))
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                creds=("ANY", "thing", None))
        self.assertEqual(st, 200)

    def test_plain_http_to_tls_port(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port,
                                          timeout=5)
        try:
            conn.request("GET", "/_emu/stats")
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        conn.close()
        self.assertEqual(self.emu.ctl("GET", "/_emu/stats")[0], 200)

    def test_session_token(self):
        ok = self.strict.client(ak="ASIATEST", token="TOKEN/x+y=")
        self.assertEqual(len(ok.list_hosted_zones()["HostedZones"]), 1)
        for bad in (None, "OTHER"):
            with self.assertRaises(ClientError) as cm:
                self.strict.client(ak="ASIATEST",
                                   token=bad).list_hosted_zones()
            self.assertEqual(err(cm)[:2], (403, "InvalidClientTokenId"))


class TestProcess(unittest.TestCase):

    def test_sigterm_and_max_runtime(self):
        e = Emu("--zone", "p.example")
        e.proc.send_signal(signal.SIGTERM)
        self.assertEqual(e.proc.wait(10), 0)
        self.assertIn("stopped", e.logtext())
        e.stop()
        e = Emu("--max-runtime", "0.5")
        self.assertEqual(e.proc.wait(10), 0)
        e.stop()

    def test_one_log_line_per_request(self):
        e = Emu("--zone", "log.example")
        try:
            c = e.client()
            c.list_hosted_zones()
            c.get_hosted_zone_count()
            # The line is written after the answer is sent: wait for it.
            end = time.time() + 5
            while True:
                lines = [x for x in e.logtext().splitlines()
                         if "ListHostedZones" in x or
                         "GetHostedZoneCount" in x]
                if len(lines) >= 2 or time.time() > end:
                    break
                time.sleep(0.05)
            time.sleep(0.2)
            lines = [x for x in e.logtext().splitlines()
                     if "ListHostedZones" in x or "GetHostedZoneCount" in x]
            self.assertEqual(len(lines), 2)
        finally:
            e.stop()


def main():
    argv = [a for a in sys.argv[1:] if a != "-v"]
    verbosity = 2 if "-v" in sys.argv[1:] else 1
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv, sys.modules[__name__])
    else:
        suite = loader.loadTestsFromModule(sys.modules[__name__])
    res = unittest.TextTestRunner(verbosity=verbosity,
                                  ).run(suite)
    failed = len(res.failures) + len(res.errors) + \
        len(res.unexpectedSuccesses)
    passed = res.testsRun - failed - len(res.skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or res.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
