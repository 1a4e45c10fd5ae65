"""What the fidelity tests of the Route 53 emulator (tests/r53emu.py)
share: the emulator as a process (Emu), a throw-away CA for TLS
(TLSFiles), record set and change builders, the Base test case (one
emulator in strict-signature mode per class, a zone per test) and the
runner.  Importing it strips the environment of every AWS setting and
proxy, so that boto3 reads no configuration and reaches no network.

The tests: tests/test_r53emu.py (operations, listings, batch semantics)
and tests/test_r53emu_wire.py (raw requests, signatures, throttling and
faults, private zones, TLS, the process).
"""

import datetime
import http.client
import json
import os
import shutil
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
from botocore.exceptions import ClientError  # noqa: E402


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


def main(module):
    """Run the tests of module (or those named in argv); print "N passed,
    N failed"; 0 when all passed."""
    argv = [a for a in sys.argv[1:] if a != "-v"]
    verbosity = 2 if "-v" in sys.argv[1:] else 1
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv, module)
    else:
        suite = loader.loadTestsFromModule(module)
    res = unittest.TextTestRunner(verbosity=verbosity).run(suite)
    failed = len(res.failures) + len(res.errors) + \
        len(res.unexpectedSuccesses)
    passed = res.testsRun - failed - len(res.skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or res.testsRun == 0 else 0
