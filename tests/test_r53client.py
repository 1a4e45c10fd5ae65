#!/usr/bin/python3
"""Integration tests of r53d's Route 53 client (aws/r53, aws/creds,
aws/rate) and of the zone export, against the bundled emulator over TLS
with signature checking.

The client is driven through tests/r53cli.c, built here against
obj/libr53d.a.  Everything runs on 127.0.0.1 with ports picked by the kernel;
every server started here has a run-time cap and is stopped at the end.
Credentials never come from the machine: each run gets a clean
environment and an empty HOME.
"""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMU = os.path.join(ROOT, "tests", "r53emu.py")
R53D = os.environ.get("R53D_BIN", os.path.join(ROOT, "r53d"))
PY = "/usr/bin/python3"
TMPROOT = os.path.join(ROOT, "tests", "tmp")

AKID = "AKIDR53DTEST"
SECRET = "r53d/test+secret=key"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEtokenForR53dTests=="

T = {}			# tmp dir, cli path, certificates


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, **kw)


def make_cert(tmp, name, ca, sans, cn):
    key = os.path.join(tmp, name + ".key")
    csr = os.path.join(tmp, name + ".csr")
    pem = os.path.join(tmp, name + ".pem")
    ext = os.path.join(tmp, name + ".ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                "extendedKeyUsage=serverAuth\n" % sans)
    sh(["openssl", "req", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=" + cn])
    sh(["openssl", "x509", "-req", "-in", csr, "-CA", ca + ".pem",
        "-CAkey", ca + ".key", "-CAcreateserial", "-out", pem, "-days", "2",
        "-extfile", ext])
    return pem, key


def make_ca(tmp, name):
    base = os.path.join(tmp, name)
    sh(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", base + ".key",
        "-out", base + ".pem", "-days", "2", "-subj", "/CN=" + name])
    return base


def setUpModule():
    os.makedirs(TMPROOT, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="r53client-", dir=TMPROOT)
    T["tmp"] = tmp
    r = subprocess.run(["make", "-s", "lib"], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise RuntimeError("make lib failed:\n" + r.stdout.decode())
    cli = os.path.join(tmp, "r53cli")
    bear = ["-I/usr/include/bearssl"] if os.path.exists(
        "/usr/include/bearssl/bearssl.h") else []
    cc = os.environ.get("CC", "cc")
    r = subprocess.run([cc, "-std=c11", "-g", "-O2", "-I.", "-D_DEFAULT_SOURCE",
                        "-DR53D_VERSION=\"test\""] + bear +
                       ["-o", cli, "tests/r53cli.c", "obj/libr53d.a", "-lcares",
                        "-lbearssl"], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise RuntimeError("building r53cli failed:\n" + r.stdout.decode())
    T["cli"] = cli
    ca = make_ca(tmp, "ca")
    T["ca"] = ca + ".pem"
    T["cert"], T["key"] = make_cert(tmp, "srv", ca,
                                    "DNS:localhost,IP:127.0.0.1", "localhost")
    T["wrongcert"], T["wrongkey"] = make_cert(tmp, "wrong", ca,
                                              "DNS:wrong.example",
                                              "wrong.example")
    T["otherca"] = make_ca(tmp, "otherca") + ".pem"
    T["home"] = os.path.join(tmp, "home")
    os.makedirs(T["home"])


def tearDownModule():
    if "tmp" in T and os.environ.get("R53D_KEEP_TMP") is None:
        shutil.rmtree(T["tmp"], ignore_errors=True)


class Emulator:
    """tests/r53emu.py over TLS on an ephemeral loopback port."""

    def __init__(self, zones=("example.com",), private=(), akid=AKID,
                 secret=SECRET, token=None, cert=None, key=None, extra=()):
        fd, self.portfile = tempfile.mkstemp(dir=T["tmp"], suffix=".port")
        os.close(fd)
        os.unlink(self.portfile)
        args = [PY, EMU, "--listen", "127.0.0.1:0", "--port-file",
                self.portfile, "--cert", cert or T["cert"],
                "--key", key or T["key"], "--max-runtime", "600", "--quiet"]
        for z in zones:
            args += ["--zone", z]
        for z in private:
            args += ["--private-zone", z]
        if akid is not None:
            args += ["--access-key-id", akid, "--secret-access-key", secret]
            if token is not None:
                args += ["--session-token", token]
        args += list(extra)
        self.log = open(os.path.join(T["tmp"], "emu-%d.log" % id(self)), "w")
        self.proc = subprocess.Popen(args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if os.path.exists(self.portfile):
                with open(self.portfile) as f:
                    s = f.read().strip()
                if s:
                    self.port = int(s)
                    break
            if self.proc.poll() is not None:
                raise RuntimeError("emulator exited")
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("emulator did not start")
        self.ctx = ssl.create_default_context(cafile=T["ca"])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def ctl(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            "https://localhost:%d/_emu/%s" % (self.port, path), data=data,
            method="GET" if body is None else "POST")
        try:
            with urllib.request.urlopen(req, context=self.ctx,
                                        timeout=20) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            return json.loads(e.read())

    def zone_id(self, name, private=False):
        for z in self.ctl("state")["zones"]:
            if z["Name"] == name + "." and z["PrivateZone"] == private:
                return z["Id"].split("/")[-1]
        raise KeyError(name)

    def rrsets(self, zid):
        return self.ctl("state?zone=" + zid)["zones"][0]["ResourceRecordSets"]

    def write(self, zid, changes):
        r = self.ctl("write", {"HostedZoneId": zid,
                               "ChangeBatch": {"Changes": changes}})
        assert "ChangeInfo" in r, r
        return r

    def fault(self, **f):
        self.ctl("faults", f)

    def clear(self):
        self.ctl("faults", {"clear": True})
        self.ctl("config", {"rate": None, "clock_offset": 0,
                            "latency_ms": 0})
        self.ctl("stats/reset", {})

    def stats(self):
        return self.ctl("stats")


def conf_text(port, creds=True, extra="", zones="", host="localhost",
              ca=None, imds=None, secret=SECRET):
    secret_file = os.path.join(T["tmp"], "secret-%d" % abs(hash(secret)))
    with open(secret_file, "w") as f:
        f.write(secret + "\n")
    out = ['aws {\n\tendpoint "https://%s:%d";\n\tca-file "%s";\n'
           % (host, port, ca or T["ca"])]
    if creds:
        out.append('\taccess-key-id "%s";\n\tsecret-access-key-file "%s";\n'
                   % (AKID, secret_file))
    if imds is not None:
        out.append('\timds yes;\n\timds-endpoint "http://127.0.0.1:%d";\n'
                   % imds)
    out.append("\trate 100;\n" + extra + "};\n" + zones)
    return "".join(out)


def write_conf(text):
    fd, path = tempfile.mkstemp(dir=T["tmp"], suffix=".conf")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def clean_env(**add):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = T["home"]
    env.update(add)
    return env


class Run:
    def __init__(self, p, elapsed):
        self.rc = p.returncode
        self.out = p.stdout.decode(errors="replace")
        self.err = p.stderr.decode(errors="replace")
        self.elapsed = elapsed
        self.lines = self.out.splitlines()

    def last(self):
        return self.lines[-1] if self.lines else ""

    def field(self, key):
        for w in self.last().split(" "):
            if w.startswith(key + "="):
                return w[len(key) + 1:]
        return None


def cli(conf, *args, opts=(), env=None, timeout=90):
    t0 = time.monotonic()
    p = subprocess.run([T["cli"], "-c", conf] + list(opts) + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env or clean_env(), timeout=timeout)
    return Run(p, time.monotonic() - t0)


def rrset_changes(action, names, rtype="A", ttl=60, values=("192.0.2.1",)):
    return [{"Action": action, "ResourceRecordSet": {
        "Name": n, "Type": rtype, "TTL": ttl,
        "ResourceRecords": [{"Value": v} for v in values]}} for n in names]


class EmuCase(unittest.TestCase):
    """One emulator for the class, faults cleared before each test."""
    emu_args = {}

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(**cls.emu_args)
        cls.zid = cls.emu.zone_id("example.com")
        cls.conf = write_conf(conf_text(cls.emu.port))

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.emu.clear()

    def names(self, zid=None):
        return {(r["Name"], r["Type"]) for r in self.emu.rrsets(zid or
                                                                self.zid)}


class TestOperations(EmuCase):

    def test_getzone(self):
        r = cli(self.conf, "getzone", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.last(), "ok getzone attempts=1")
        z = r.lines[0].split(" ")
        self.assertEqual(z[:3], ["zone", self.zid, "example.com."])
        self.assertIn("ns=ns-", r.lines[0])

    def test_getzone_prefixed_id_and_missing_zone(self):
        r = cli(self.conf, "getzone", "/hostedzone/" + self.zid)
        self.assertEqual(r.rc, 0, r.err)
        r = cli(self.conf, "getzone", "ZNOSUCHZONE")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.field("code"), "NoSuchHostedZone")
        self.assertIn("No hosted zone found with ID: ZNOSUCHZONE", r.out)
        self.assertEqual(r.field("attempts"), "1")

    def test_byname(self):
        r = cli(self.conf, "byname", "example.com")
        self.assertEqual(r.rc, 0, r.err)
        self.assertTrue(r.lines[0].startswith("zone %s example.com. "
                                              "private=0" % self.zid),
                        r.out)

    def test_change_getchange_list(self):
        r = cli(self.conf, "change", self.zid,
                "CREATE a1.example.com. A 300 192.0.2.1|192.0.2.2",
                'CREATE t1.example.com TXT 60 "hello world"|"x"')
        self.assertEqual(r.rc, 0, r.err + r.out)
        kind, cid, status = r.lines[0].split(" ")
        self.assertEqual((kind, status), ("change", "PENDING"))
        self.assertNotIn("/", cid)
        state = {(x["Name"], x["Type"]): x for x in self.emu.rrsets(self.zid)}
        self.assertEqual(sorted(v["Value"] for v in
                                state[("a1.example.com.", "A")]
                                ["ResourceRecords"]),
                         ["192.0.2.1", "192.0.2.2"])
        self.emu.ctl("sync", {})
        r = cli(self.conf, "getchange", cid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.lines[0], "change %s INSYNC" % cid)
        r = cli(self.conf, "list", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("rrset a1.example.com. A 300 192.0.2.1|192.0.2.2",
                      r.lines)
        self.assertIn('rrset t1.example.com. TXT 60 "hello world"|"x"',
                      r.lines)
        self.assertIn("rrset example.com. SOA 900 ", r.out)
        # Every operation went through the signature check.
        st = self.emu.stats()
        self.assertNotIn("SignatureDoesNotMatch", st["errors"])

    def test_change_errors_are_reported_with_code_and_message(self):
        r = cli(self.conf, "change", self.zid,
                "DELETE nothere.example.com. A 300 192.0.2.1")
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.field("code"), "InvalidChangeBatch")
        self.assertIn("but it was not found", r.out)
        self.assertEqual(r.field("attempts"), "1")
        r = cli(self.conf, "getchange", "CNOSUCHCHANGE")
        self.assertEqual(r.field("code"), "NoSuchChange")

    def test_list_from_name_and_only_name(self):
        self.emu.write(self.zid, rrset_changes(
            "CREATE", ["b%d.example.com." % i for i in range(5)]) +
            rrset_changes("CREATE", ["b2.example.com."], "TXT",
                          values=('"t"',)))
        r = cli(self.conf, "list", self.zid, "b2.example.com.")
        self.assertEqual(r.rc, 0, r.err)
        rr = [ln for ln in r.lines if ln.startswith("rrset")]
        self.assertTrue(rr[0].startswith("rrset b2.example.com. A"), rr)
        self.assertIn("rrset b4.example.com. A 60 192.0.2.1", rr)
        r = cli(self.conf, "list", self.zid, "b2.example.com.", "TXT")
        rr = [ln for ln in r.lines if ln.startswith("rrset")]
        self.assertTrue(rr[0].startswith("rrset b2.example.com. TXT"), rr)
        r = cli(self.conf, "listname", self.zid, "b2.example.com.")
        self.assertEqual(r.rc, 0, r.err)
        rr = [ln for ln in r.lines if ln.startswith("rrset")]
        self.assertEqual(rr, ["rrset b2.example.com. A 60 192.0.2.1",
                              'rrset b2.example.com. TXT 60 "t"'])
        self.assertEqual(r.field("stopped"), "1")

    def test_list_stops_early(self):
        r = cli(self.conf, "list", self.zid, opts=["-s", "2"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(len([x for x in r.lines if x.startswith("rrset")]),
                         2)
        self.assertEqual(r.field("stopped"), "1")

    def test_clock_far_off_is_explained(self):
        self.emu.ctl("config", {"clock_offset": 3600})
        r = cli(self.conf, "getzone", self.zid)
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.field("code"), "SignatureDoesNotMatch")
        self.assertIn("Signature expired", r.out)
        self.assertIn("system clock", r.err)
        self.assertEqual(r.field("attempts"), "1")


class TestPagingAndExport(EmuCase):
    N = 1200

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        names = ["h%04d.example.com." % i for i in range(cls.N)]
        for i in range(0, cls.N, 500):
            cls.emu.write(cls.zid, rrset_changes("CREATE", names[i:i + 500],
                                                 values=("192.0.2.7",)))

    def test_list_all_pages(self):
        r = cli(self.conf, "list", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        rr = [ln for ln in r.lines if ln.startswith("rrset")]
        self.assertEqual(len(rr), self.N + 2)
        self.assertEqual(len(set(rr)), len(rr))
        self.assertEqual(int(r.field("count")), self.N + 2)
        pages = int(r.field("pages"))
        self.assertGreaterEqual(pages, (self.N + 2 + 299) // 300)
        self.assertEqual(self.emu.stats()["operations"]
                         ["ListResourceRecordSets"], pages)

    def test_export_prints_every_record(self):
        r = cli(self.conf, "export", "example.com")
        self.assertEqual(r.rc, 0, r.err)
        body = [ln for ln in r.lines if not ln.startswith(";")]
        a = [ln for ln in body if ln.split("\t")[3] == "A"]
        self.assertEqual(len(a), self.N)
        self.assertIn("h0000.example.com.\t60\tIN\tA\t192.0.2.7", a)
        self.assertIn("h1199.example.com.\t60\tIN\tA\t192.0.2.7", a)
        self.assertIn("; %d record sets" % (self.N + 2), r.lines)

    def test_paging_survives_faults_on_later_pages(self):
        self.emu.fault(type="500", count=1, op="ListResourceRecordSets")
        self.emu.fault(type="throttle", count=2, op="ListResourceRecordSets")
        r = cli(self.conf, "list", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(int(r.field("count")), self.N + 2)
        self.assertEqual(int(r.field("attempts")), int(r.field("pages")) + 3)


class TestExportForms(EmuCase):
    emu_args = {"zones": ("example.com", "dup.example"),
                "private": ("dup.example",)}

    def test_names_alias_and_routing_as_comments(self):
        self.emu.write(self.zid, [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "*.example.com.", "Type": "A", "TTL": 30,
                "ResourceRecords": [{"Value": "192.0.2.30"}]}},
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "sp\\040ace.example.com.", "Type": "TXT", "TTL": 30,
                "ResourceRecords": [{"Value": '"a b"'}]}},
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "lb.example.com.", "Type": "A",
                "AliasTarget": {"HostedZoneId": "Z35SXDOTRQ7X7K",
                                "DNSName": "dualstack.x.elb.amazonaws.com.",
                                "EvaluateTargetHealth": False}}},
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "w.example.com.", "Type": "A", "TTL": 60,
                "SetIdentifier": "blue", "Weight": 10,
                "ResourceRecords": [{"Value": "192.0.2.10"}]}},
        ])
        r = cli(self.conf, "export", "example.com.")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("*.example.com.\t30\tIN\tA\t192.0.2.30", r.lines)
        self.assertIn('sp\\032ace.example.com.\t30\tIN\tTXT\t"a b"', r.lines)
        self.assertIn("; lb.example.com. alias A -> "
                      "dualstack.x.elb.amazonaws.com. (zone Z35SXDOTRQ7X7K, "
                      "evaluate-target-health false)", r.lines)
        w = [ln for ln in r.lines if "w.example.com." in ln]
        self.assertEqual(len(w), 1, r.out)
        self.assertTrue(w[0].startswith("; routing id=blue "), w[0])
        self.assertIn("Weight=10", w[0])
        self.assertIn("w.example.com.\t60\tIN\tA\t192.0.2.10", w[0])
        # Nothing but comments and five-field records.
        for ln in r.lines:
            self.assertTrue(ln.startswith(";") or len(ln.split("\t")) == 5,
                            ln)

    def test_same_name_zones_refused(self):
        pub = self.emu.zone_id("dup.example")
        priv = self.emu.zone_id("dup.example", private=True)
        r = cli(self.conf, "export", "dup.example")
        self.assertEqual(r.rc, 1)
        self.assertIn(pub, r.err)
        self.assertIn(priv, r.err)
        self.assertIn("hosted-zone", r.err)
        self.assertEqual(r.out.strip(), "")

    def test_hosted_zone_from_configuration(self):
        priv = self.emu.zone_id("dup.example", private=True)
        conf = write_conf(conf_text(self.emu.port, zones=(
            'zone "dup.example" {\n\thosted-zone "%s";\n};\n' % priv)))
        r = cli(conf, "export", "dup.example")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("hosted zone %s" % priv, r.lines[0])
        self.assertNotIn("ListHostedZonesByName",
                         self.emu.stats()["operations"])

    def test_no_such_zone(self):
        r = cli(self.conf, "export", "nothere.example")
        self.assertEqual(r.rc, 1)
        self.assertIn("no hosted zone", r.err)


class TestFaults(EmuCase):

    def count_rrsets(self):
        return len(self.emu.rrsets(self.zid))

    def test_5xx_retried(self):
        self.emu.fault(type="500", count=2, op="GetHostedZone")
        self.emu.fault(type="503", count=1, op="GetHostedZone")
        r = cli(self.conf, "getzone", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.field("attempts"), "4")
        self.assertIn("retrying in", r.err)

    def test_throttling_and_prior_request_retried_for_change(self):
        self.emu.fault(type="throttle", count=3,
                       op="ChangeResourceRecordSets")
        self.emu.fault(type="prior", count=1, op="ChangeResourceRecordSets")
        r = cli(self.conf, "change", self.zid,
                "CREATE thr.example.com. A 60 192.0.2.3")
        self.assertEqual(r.rc, 0, r.err + r.out)
        self.assertEqual(r.field("attempts"), "5")
        self.assertIn(("thr.example.com.", "A"), self.names())

    def test_persistent_failure_gives_up(self):
        self.emu.fault(type="503", count=100)
        r = cli(self.conf, "getzone", self.zid, opts=["-a", "3"])
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.field("status"), "503")
        self.assertEqual(r.field("attempts"), "3")
        self.assertLess(r.elapsed, 10)
        r = cli(self.conf, "change", self.zid,
                "CREATE gone.example.com. A 60 192.0.2.3", opts=["-a", "2"])
        self.assertEqual(r.rc, 1)
        self.assertEqual(r.field("attempts"), "2")
        self.assertNotIn(("gone.example.com.", "A"), self.names())

    def test_close_before_answer_on_get_is_retried(self):
        self.emu.fault(type="close_before", count=1, op="GetHostedZone")
        r = cli(self.conf, "getzone", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.field("attempts"), "2")

    def test_close_before_apply_on_change_is_unknown(self):
        self.emu.fault(type="close_before", count=1,
                       op="ChangeResourceRecordSets")
        r = cli(self.conf, "change", self.zid,
                "CREATE cb.example.com. A 60 192.0.2.4")
        self.assertEqual(r.rc, 3, r.out)
        self.assertTrue(r.last().startswith("fail unknown "), r.out)
        self.assertEqual(r.field("attempts"), "1")
        # The client did not send it again; here nothing was applied.
        self.assertNotIn(("cb.example.com.", "A"), self.names())
        self.assertEqual(self.emu.stats()["operations"]
                         ["ChangeResourceRecordSets"], 1)

    def test_close_after_apply_on_change_is_unknown(self):
        self.emu.fault(type="close_after", count=1,
                       op="ChangeResourceRecordSets")
        r = cli(self.conf, "change", self.zid,
                "CREATE ca.example.com. A 60 192.0.2.5")
        self.assertEqual(r.rc, 3, r.out)
        self.assertTrue(r.last().startswith("fail unknown "), r.out)
        self.assertEqual(r.field("attempts"), "1")
        self.assertIn(("ca.example.com.", "A"), self.names())

    def test_slow_answer_times_out(self):
        self.emu.fault(type="slow", delay=4, count=1, op="GetHostedZone")
        r = cli(self.conf, "getzone", self.zid, opts=["-T", "1000"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.field("attempts"), "2")
        self.assertIn("no response from localhost within 1000 ms", r.err)
        self.emu.fault(type="slow", delay=4, count=1,
                       op="ChangeResourceRecordSets")
        r = cli(self.conf, "change", self.zid,
                "CREATE slow.example.com. A 60 192.0.2.6",
                opts=["-T", "1000"])
        self.assertEqual(r.rc, 3, r.out)
        self.assertLess(r.elapsed, 4)

    def test_truncated_body(self):
        self.emu.fault(type="truncate", count=1, op="ListResourceRecordSets")
        r = cli(self.conf, "list", self.zid)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.field("attempts"), "2")
        self.emu.fault(type="truncate", count=1,
                       op="ChangeResourceRecordSets")
        r = cli(self.conf, "change", self.zid,
                "CREATE tr.example.com. A 60 192.0.2.8")
        self.assertEqual(r.rc, 3, r.out)
        self.assertIn(("tr.example.com.", "A"), self.names())

    def test_rate_limit_keeps_under_the_throttle(self):
        # The emulator throttles above 5/s; a client at 5/s never trips it.
        self.emu.ctl("config", {"rate": 5})
        conf = write_conf(conf_text(self.emu.port).replace(
            "rate 100;", "rate 5;\n\tburst 5;"))
        r = cli(conf, "getzone", self.zid, opts=["-n", "20", "-q"])
        self.assertEqual(r.rc, 0, r.err)
        st = self.emu.stats()
        self.assertEqual(st["operations"]["GetHostedZone"], 20)
        self.assertNotIn("Throttling", st["errors"])
        # 5 at once, then one every 200 ms.
        self.assertGreater(r.elapsed, 2.8)
        self.assertLess(r.elapsed, 8)
        self.assertIn("handshakes=1", r.err)

    def test_throttle_burst_from_elsewhere(self):
        # The same account is busy elsewhere: the emulator bucket is empty.
        self.emu.ctl("config", {"rate": 2})
        for _ in range(3):
            self.emu.fault(type="throttle", count=1, op="GetHostedZone")
        r = cli(self.conf, "getzone", self.zid, opts=["-n", "4", "-q"])
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("Throttling", r.err)


class TestTLS(unittest.TestCase):

    def test_wrong_ca_refused(self):
        emu = Emulator()
        try:
            conf = write_conf(conf_text(emu.port, ca=T["otherca"]))
            r = cli(conf, "getzone", "Z1")
            self.assertEqual(r.rc, 2, r.out)
            self.assertIn("not trusted", r.out)
            self.assertEqual(r.field("attempts"), "1")
            self.assertEqual(emu.stats()["total"], 0)
        finally:
            emu.stop()

    def test_wrong_host_name_refused(self):
        emu = Emulator(cert=T["wrongcert"], key=T["wrongkey"])
        try:
            conf = write_conf(conf_text(emu.port))
            r = cli(conf, "getzone", "Z1")
            self.assertEqual(r.rc, 2, r.out)
            self.assertIn("TLS: localhost port %d" % emu.port, r.out)
            self.assertRegex(r.out, "(?i)name|certificate")
        finally:
            emu.stop()

    def test_address_endpoint_checked_against_ip_name(self):
        emu = Emulator()
        try:
            zid = emu.zone_id("example.com")
            conf = write_conf(conf_text(emu.port, host="127.0.0.1"))
            r = cli(conf, "getzone", zid)
            self.assertEqual(r.rc, 0, r.err + r.out)
        finally:
            emu.stop()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class TestStoppedEndpoint(unittest.TestCase):

    def test_export_fails_fast_with_clear_message(self):
        port = closed_port()
        conf = write_conf(conf_text(port, host="127.0.0.1"))
        r = cli(conf, "export", "example.com", opts=["-a", "3"], timeout=30)
        self.assertEqual(r.rc, 1)
        self.assertIn("cannot connect to 127.0.0.1 port %d: Connection "
                      "refused" % port, r.err)
        self.assertLess(r.elapsed, 10)


class TestR53dExport(unittest.TestCase):
    """./r53d -e ZONE -c CONF (needs r53d.c to drive export.h)."""

    def test_r53d_export_prints_zone(self):
        emu = Emulator()
        try:
            zid = emu.zone_id("example.com")
            emu.write(zid, rrset_changes("CREATE", ["e1.example.com."],
                                         values=("192.0.2.77",)))
            conf = write_conf(conf_text(emu.port,
                                        zones='zone "example.com" { };\n'))
            p = subprocess.run([R53D, "-c", conf, "-e", "example.com"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=clean_env(),
                               timeout=60)
            out = p.stdout.decode()
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            self.assertIn("e1.example.com.\t60\tIN\tA\t192.0.2.77",
                          out.splitlines())
            self.assertIn("\tIN\tSOA\t", out)
        finally:
            emu.stop()

    def test_r53d_export_stopped_endpoint(self):
        port = closed_port()
        conf = write_conf(conf_text(port, host="127.0.0.1",
                                    zones='zone "example.com" { };\n'))
        t0 = time.monotonic()
        p = subprocess.run([R53D, "-c", conf, "-e", "example.com"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=clean_env(), timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot connect to 127.0.0.1 port %d: Connection "
                      "refused" % port, p.stderr.decode())
        self.assertLess(time.monotonic() - t0, 15)


class FakeIMDS:
    """IMDSv2 on 127.0.0.1: token, role name, role credentials."""

    def __init__(self, akid, secret, token, lifetime=6 * 3600):
        self.hits = []
        self.tokens = set()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, code, body):
                b = body.encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)

            def do_PUT(self):
                outer.hits.append(("PUT", self.path, dict(self.headers)))
                ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
                if self.path != "/latest/api/token" or not ttl or \
                        not ttl.isdigit():
                    return self.send(400, "bad token request")
                tok = "imdstoken-%d" % len(outer.tokens)
                outer.tokens.add(tok)
                self.send(200, tok)

            def do_GET(self):
                outer.hits.append(("GET", self.path, dict(self.headers)))
                if self.headers.get("X-aws-ec2-metadata-token") not in \
                        outer.tokens:
                    return self.send(401, "")
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == base:
                    return self.send(200, "r53d-role")
                if self.path == base + "r53d-role":
                    exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(
                        time.time() + lifetime))
                    return self.send(200, json.dumps({
                        "Code": "Success", "Type": "AWS-HMAC",
                        "LastUpdated": "2024-01-01T00:00:00Z",
                        "AccessKeyId": akid, "SecretAccessKey": secret,
                        "Token": token, "Expiration": exp}, indent=2))
                self.send(404, "")

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()

    def count(self, path_suffix):
        return len([h for h in self.hits if h[1].endswith(path_suffix)])


class TestCredentials(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator()
        cls.zid = cls.emu.zone_id("example.com")
        cls.tok = Emulator(token=TOKEN)
        cls.tzid = cls.tok.zone_id("example.com")

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        cls.tok.stop()

    def ok(self, r):
        self.assertEqual(r.rc, 0, r.err + r.out)
        self.assertEqual(r.last(), "ok getzone attempts=1")

    def test_configuration(self):
        self.ok(cli(write_conf(conf_text(self.emu.port)), "getzone",
                    self.zid))
        r = cli(write_conf(conf_text(self.emu.port, secret="wrong")),
                "getzone", self.zid)
        self.assertEqual(r.field("code"), "SignatureDoesNotMatch")

    def test_configuration_wins_over_environment(self):
        env = clean_env(AWS_ACCESS_KEY_ID="AKIDOTHER",
                        AWS_SECRET_ACCESS_KEY="nope")
        self.ok(cli(write_conf(conf_text(self.emu.port)), "getzone",
                    self.zid, env=env))

    def test_environment(self):
        conf = write_conf(conf_text(self.emu.port, creds=False))
        env = clean_env(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET)
        self.ok(cli(conf, "getzone", self.zid, env=env))
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        r = cli(conf, "getzone", self.zid, env=env)
        self.assertEqual(r.field("code"), "SignatureDoesNotMatch")

    def test_environment_session_token(self):
        conf = write_conf(conf_text(self.tok.port, creds=False))
        env = clean_env(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_SESSION_TOKEN=TOKEN)
        self.ok(cli(conf, "getzone", self.tzid, env=env))
        del env["AWS_SESSION_TOKEN"]
        r = cli(conf, "getzone", self.tzid, env=env)
        self.assertEqual(r.rc, 1, r.out)

    def test_shared_file_profiles(self):
        path = os.path.join(T["tmp"], "shared-credentials")
        with open(path, "w") as f:
            f.write("[default]\naws_access_key_id = AKIDWRONG\n"
                    "aws_secret_access_key = wrong\n\n"
                    "[work]\naws_access_key_id = %s\n"
                    "aws_secret_access_key = %s\n"
                    "[tok]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
                    "aws_session_token=%s\n" % (AKID, SECRET, AKID, SECRET,
                                                TOKEN))
        conf = write_conf(conf_text(self.emu.port, creds=False))
        env = clean_env(AWS_SHARED_CREDENTIALS_FILE=path, AWS_PROFILE="work")
        self.ok(cli(conf, "getzone", self.zid, env=env))
        del env["AWS_PROFILE"]
        r = cli(conf, "getzone", self.zid, env=env)
        self.assertEqual(r.rc, 1, r.out)
        self.assertEqual(r.field("code"), "InvalidClientTokenId"
                         if "InvalidClientTokenId" in r.out else
                         "SignatureDoesNotMatch")
        tconf = write_conf(conf_text(self.tok.port, creds=False))
        env["AWS_PROFILE"] = "tok"
        self.ok(cli(tconf, "getzone", self.tzid, env=env))

    def test_shared_file_in_home(self):
        home = tempfile.mkdtemp(dir=T["tmp"])
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write("[default]\naws_access_key_id=%s\n"
                    "aws_secret_access_key=%s\n" % (AKID, SECRET))
        conf = write_conf(conf_text(self.emu.port, creds=False))
        self.ok(cli(conf, "getzone", self.zid, env=clean_env(HOME=home)))

    def test_no_credentials_anywhere(self):
        conf = write_conf(conf_text(self.emu.port, creds=False))
        r = cli(conf, "getzone", self.zid)
        self.assertEqual(r.rc, 2)
        self.assertIn("no AWS credentials", r.err)

    def test_imds_v2(self):
        imds = FakeIMDS(AKID, SECRET, TOKEN)
        try:
            conf = write_conf(conf_text(self.tok.port, creds=False,
                                        imds=imds.port))
            self.ok(cli(conf, "getzone", self.tzid))
            puts = [h for h in imds.hits if h[0] == "PUT"]
            self.assertEqual(len(puts), 1)
            self.assertEqual(puts[0][2].get(
                "X-aws-ec2-metadata-token-ttl-seconds"), "21600")
            gets = [h for h in imds.hits if h[0] == "GET"]
            self.assertEqual([g[1] for g in gets], [
                "/latest/meta-data/iam/security-credentials/",
                "/latest/meta-data/iam/security-credentials/r53d-role"])
            for g in gets:
                self.assertIn(g[2].get("X-aws-ec2-metadata-token"),
                              imds.tokens)
        finally:
            imds.stop()

    def test_imds_refreshes_before_expiry(self):
        # Keys that expire in 5 min 3 s are refreshed about 3 s later.
        imds = FakeIMDS(AKID, SECRET, TOKEN, lifetime=303)
        try:
            conf = write_conf(conf_text(self.tok.port, creds=False,
                                        imds=imds.port))
            r = cli(conf, "getzone", self.tzid, opts=["-n", "40", "-r", "8",
                                                      "-q"])
            self.assertEqual(r.rc, 0, r.err)
            self.assertGreaterEqual(imds.count("/r53d-role"), 2, imds.hits)
        finally:
            imds.stop()

    def test_imds_failure_is_retried(self):
        imds = FakeIMDS(AKID, SECRET, TOKEN)
        real = imds.srv.RequestHandlerClass.do_PUT
        calls = []

        def flaky(h):
            calls.append(1)
            if len(calls) == 1:
                return h.send(500, "busy")
            return real(h)
        imds.srv.RequestHandlerClass.do_PUT = flaky
        try:
            conf = write_conf(conf_text(self.tok.port, creds=False,
                                        imds=imds.port))
            r = cli(conf, "getzone", self.tzid)
            self.ok(r)
            self.assertIn("HTTP status 500", r.err)
            self.assertEqual(len(calls), 2)
        finally:
            imds.stop()


class Result(unittest.TextTestResult):
    pass


if __name__ == "__main__":
    runner = unittest.TextTestRunner(verbosity=2, resultclass=Result,
                                     stream=sys.stdout)
    prog = unittest.main(exit=False, testRunner=runner)
    res = prog.result
    bad = len(res.failures) + len(res.errors)
    print("%d passed, %d failed" % (res.testsRun - bad - len(res.skipped),
                                    bad))
    sys.exit(1 if bad else 0)
