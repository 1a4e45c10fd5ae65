#!/usr/bin/python3
"""Kea DHCP-DDNS (kea-dhcp-ddns from Debian) registers leases through r53d
with its defaults, DHCID records included.

The test starts its own kea-dhcp-ddns with a JSON configuration in a
temporary directory (its pid and lock files there too), its NCR
listener on a loopback port, forward domain example.com and reverse
domain 2.0.192.in-addr.arpa both pointing at r53d on loopback with a
TSIG key.  It sends NameChangeRequests to Kea's UDP listener in Kea's
JSON format (2-octet length, then the JSON text), as kea-dhcp4 and
kea-dhcp6 do, and checks what Route 53 (the emulator) then holds and
what dig at r53d answers: A, AAAA, PTR and DHCID appear on add, stay on
renew, go on remove.  With conflict resolution (RFC 4703) a second
client claiming a name that the first one holds is refused: Kea logs the
refusal and the name stays the first client's.  Without it, the last
client wins.

The DHCID RRset at NAME is held in Route 53 as the TXT RRset at
_r53d-dhcid.NAME whose value is "r53d-dhcid:" and the DHCID RDATA in
base64; the test checks that form in the emulator, that r53d shows it as
DHCID (dig, r53d -e read by named-checkzone) and never as TXT, that a
TXT of somebody's own at such a name is left alone, and that with
"dhcid no;" DHCID is refused as before.

Everything listens on loopback; Kea, r53d and the emulator are stopped
at the end (and stop by themselves after a cap).
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

KEA = "/usr/sbin/kea-dhcp-ddns"
KEY = "kea-key"
SECRET = "a2VhLWRkbnMta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm"
FWD = "example.com"
REV = "2.0.192.in-addr.arpa"
KEA_MAX_RUNTIME = 600          # seconds: the watchdog's cap


def dhcid_hex(client):
    """A DHCID RDATA as RFC 4701 builds it for a client identifier
    (type 2, SHA-256): 2 octets type, 1 octet digest type, digest."""
    import hashlib
    d = hashlib.sha256(client.encode() + b"\x07example\x03com\x00").digest()
    return "000201" + d.hex()


def b64(hexstr):
    return base64.b64encode(bytes.fromhex(hexstr)).decode()


def ncr(add, fqdn, ip, dhcid, fwd=True, rev=True, conflict=True):
    """One NameChangeRequest in Kea's JSON wire form."""
    body = json.dumps({
        "change-type": 0 if add else 1,
        "forward-change": fwd,
        "reverse-change": rev,
        "fqdn": fqdn,
        "ip-address": ip,
        "dhcid": dhcid,
        "lease-expires-on": "20301231235959",
        "lease-length": 3600,
        "use-conflict-resolution": conflict,
    }).encode()
    return len(body).to_bytes(2, "big") + body


def rev_name(ip):
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa."


class Kea:
    """kea-dhcp-ddns in tmp with its own configuration, stopped by
    close()."""

    def __init__(self, tmp, r53d_port):
        self.tmp = tmp
        self.port = T.free_port(socket.AF_INET)
        self.logpath = os.path.join(tmp, "kea.log")
        server = [{"ip-address": "127.0.0.1", "port": r53d_port}]
        conf = {"DhcpDdns": {
            "ip-address": "127.0.0.1",
            "port": self.port,
            "dns-server-timeout": 5000,
            "ncr-protocol": "UDP",
            "ncr-format": "JSON",
            "tsig-keys": [{"name": KEY, "algorithm": "HMAC-SHA256",
                           "secret": SECRET}],
            "forward-ddns": {"ddns-domains": [
                {"name": FWD + ".", "key-name": KEY,
                 "dns-servers": server}]},
            "reverse-ddns": {"ddns-domains": [
                {"name": REV + ".", "key-name": KEY,
                 "dns-servers": server}]},
            "loggers": [{
                "name": "kea-dhcp-ddns",
                "output_options": [{"output": self.logpath,
                                    "flush": True}],
                "severity": "INFO", "debuglevel": 0}],
        }}
        self.conf = os.path.join(tmp, "kea-dhcp-ddns.conf")
        with open(self.conf, "w") as f:
            json.dump(conf, f, indent=1)
        env = dict(os.environ)
        env["KEA_PIDFILE_DIR"] = tmp
        env["KEA_LOCKFILE_DIR"] = tmp
        env["KEA_LOGGER_DESTINATION"] = self.logpath
        self.out = open(os.path.join(tmp, "kea.out"), "w")
        self.proc = subprocess.Popen([KEA, "-c", self.conf], env=env,
                                     stdout=self.out,
                                     stderr=subprocess.STDOUT,
                                     preexec_fn=T.die_with_parent)
        self.watch = subprocess.Popen(
            ["sh", "-c", "n=0; while kill -0 %d && kill -0 %d && "
             "[ $n -lt %d ]; do sleep 1; n=$((n+1)); done 2>/dev/null; "
             "kill %d 2>/dev/null" % (os.getpid(), self.proc.pid,
                                      KEA_MAX_RUNTIME, self.proc.pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not self.wait_log("DHCP_DDNS_STARTED", 15):
            self.close()
            raise RuntimeError("kea-dhcp-ddns did not start:\n"
                               + self.logtext())

    def logtext(self):
        text = ""
        for p in (self.logpath, os.path.join(self.tmp, "kea.out")):
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text += f.read()
        return text

    def count(self, what):
        return self.logtext().count(what)

    def wait_log(self, what, timeout=10.0, n=1):
        end = time.time() + timeout
        while time.time() < end:
            if self.count(what) >= n:
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def send(self, msg):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(msg, ("127.0.0.1", self.port))

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.watch.kill()
        self.watch.wait()
        self.out.close()


def dig(port, name, rtype):
    r = T.run(["dig", "@127.0.0.1", "-p", str(port), "+norec", "+noall",
               "+answer", "+comments", name, rtype], timeout=15)
    status = ""
    for line in r.stdout.splitlines():
        if "status:" in line:
            status = line.split("status:")[1].split(",")[0].strip()
    ans = []
    for line in r.stdout.splitlines():
        if line and not line.startswith(";"):
            f = line.split(None, 4)
            if len(f) == 5 and f[3] == rtype:
                ans.append(f[4])
    return status, sorted(ans)


class KeaBase(unittest.TestCase):
    zone_extra = ""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="r53d-kea-")
        os.chmod(cls.tmp, 0o755)
        cls.emu = T.Emulator([FWD, REV])
        cls.port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % cls.port
                + 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n'
                % (KEY, SECRET) + cls.emu.aws_conf())
        for z in (FWD, REV):
            conf += ('zone "%s" {\n\tallow-update { key "%s"; };\n%s};\n'
                     % (z, KEY, cls.zone_extra))
        cls.d = T.Daemon(conf, port=cls.port)
        for z in (FWD, REV):
            if not cls.d.wait_log("zone %s: loaded" % z, timeout=20):
                cls.d.close()
                cls.emu.close()
                raise RuntimeError("zone did not load:\n" + cls.d.logtext())
        cls.kea = Kea(cls.tmp, cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.kea.close()
        rc = cls.d.close()
        cls.emu.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())
        self.assertIsNone(self.kea.proc.poll(), "kea died:\n"
                          + self.kea.logtext())

    def stored(self, owner, rtype):
        zone = REV + "." if owner.endswith(REV + ".") else FWD + "."
        got = self.emu.rrsets(zone).get((owner, rtype))
        return got[1] if got else []

    def dhcid_txt(self, hexstr):
        return ['"r53d-dhcid:%s"' % b64(hexstr)]

    def wait_stored(self, owner, rtype, want, timeout=15.0):
        """Kea works asynchronously: poll the emulator until owner/rtype
        holds exactly want (a list of values) or the deadline."""
        want = sorted(want)
        end = time.time() + timeout
        while time.time() < end:
            if sorted(self.stored(owner, rtype)) == want:
                return
            time.sleep(0.1)
        self.assertEqual(sorted(self.stored(owner, rtype)), want,
                         "%s %s in Route 53\nkea:\n%s\nr53d:\n%s"
                         % (owner, rtype, self.kea.logtext()[-3000:],
                            self.d.logtext()[-3000:]))

    def assert_dig(self, owner, rtype, want):
        st, ans = dig(self.port, owner, rtype)
        if want:
            self.assertEqual(st, "NOERROR")
        self.assertEqual(ans, sorted(want), "dig %s %s" % (owner, rtype))

    def assert_lease(self, fqdn, ip, hexid, rtype="A", rev=True):
        """Route 53 holds the lease as Kea registered it, and r53d shows
        it, DHCID included, never the shadow TXT."""
        shadow = "_r53d-dhcid." + fqdn
        self.wait_stored(fqdn, rtype, [ip])
        self.wait_stored(shadow, "TXT", self.dhcid_txt(hexid))
        self.assert_dig(fqdn, rtype, [ip])
        self.assert_dig(fqdn, "DHCID", [b64(hexid)])
        st, ans = dig(self.port, shadow, "TXT")
        self.assertEqual((st, ans), ("NXDOMAIN", []))
        if rev:
            rn = rev_name(ip)
            self.wait_stored(rn, "PTR", [fqdn])
            self.wait_stored("_r53d-dhcid." + rn, "TXT",
                             self.dhcid_txt(hexid))
            self.assert_dig(rn, "PTR", [fqdn])
            self.assert_dig(rn, "DHCID", [b64(hexid)])

    def assert_gone(self, fqdn, ip, rtype="A", rev=True):
        self.wait_stored(fqdn, rtype, [])
        self.wait_stored("_r53d-dhcid." + fqdn, "TXT", [])
        st, ans = dig(self.port, fqdn, rtype)
        self.assertEqual((st, ans), ("NXDOMAIN", []))
        if rev:
            rn = rev_name(ip)
            self.wait_stored(rn, "PTR", [])
            self.wait_stored("_r53d-dhcid." + rn, "TXT", [])
            self.assertEqual(dig(self.port, rn, "DHCID"), ("NXDOMAIN", []))


class KeaDefaults(KeaBase):
    """r53d's defaults (dhcid yes) and Kea's."""

    def test_add_renew_remove_v4(self):
        fqdn, ip, h = "host1.example.com.", "192.0.2.10", dhcid_hex("c1")
        ok = self.kea.count("DHCP_DDNS_ADD_SUCCEEDED")
        self.kea.send(ncr(True, fqdn, ip, h))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 1), self.kea.logtext())
        self.assert_lease(fqdn, ip, h)
        # renew: the same client, the same lease
        self.kea.send(ncr(True, fqdn, ip, h))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 2), self.kea.logtext())
        self.assert_lease(fqdn, ip, h)
        # renew with a new address: the client's own name follows it
        ip2 = "192.0.2.11"
        self.kea.send(ncr(True, fqdn, ip2, h))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 3), self.kea.logtext())
        self.assert_lease(fqdn, ip2, h)
        rm = self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED")
        self.kea.send(ncr(False, fqdn, ip2, h))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 1), self.kea.logtext())
        self.assert_gone(fqdn, ip2)
        # the first address's PTR went with that lease's own remove
        self.kea.send(ncr(False, fqdn, ip, h, fwd=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 2), self.kea.logtext())
        self.wait_stored(rev_name(ip), "PTR", [])
        self.wait_stored("_r53d-dhcid." + rev_name(ip), "TXT", [])

    def test_aaaa_forward(self):
        fqdn, ip, h = "host6.example.com.", "2001:db8::10", dhcid_hex("c6")
        ok = self.kea.count("DHCP_DDNS_ADD_SUCCEEDED")
        self.kea.send(ncr(True, fqdn, ip, h, rev=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 1), self.kea.logtext())
        self.assert_lease(fqdn, ip, h, rtype="AAAA", rev=False)
        rm = self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED")
        self.kea.send(ncr(False, fqdn, ip, h, rev=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 1), self.kea.logtext())
        self.assert_gone(fqdn, ip, rtype="AAAA", rev=False)

    def test_conflict_second_client_refused(self):
        fqdn = "shared.example.com."
        ip1, h1 = "192.0.2.20", dhcid_hex("first")
        ip2, h2 = "192.0.2.21", dhcid_hex("second")
        ok = self.kea.count("DHCP_DDNS_ADD_SUCCEEDED")
        self.kea.send(ncr(True, fqdn, ip1, h1))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 1), self.kea.logtext())
        self.assert_lease(fqdn, ip1, h1)
        # RFC 4703: the add finds the name in use (YXDOMAIN), the
        # replace finds another client's DHCID (NXRRSET): Kea gives up.
        rej = self.kea.count("DHCP_DDNS_FORWARD_REPLACE_REJECTED")
        failed = self.kea.count("DHCP_DDNS_ADD_FAILED")
        self.kea.send(ncr(True, fqdn, ip2, h2))
        self.assertTrue(self.kea.wait_log(
            "DHCP_DDNS_FORWARD_REPLACE_REJECTED", 15, rej + 1),
            self.kea.logtext())
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_FAILED", 15,
                                          failed + 1), self.kea.logtext())
        # RCODE 8: NXRRSET, the other client's DHCID is not there
        self.assertIn("shared.example.com., with an RCODE: 8",
                      self.kea.logtext())
        self.assert_lease(fqdn, ip1, h1)
        self.assertEqual(self.stored(rev_name(ip2), "PTR"), [])
        # the second client's remove must not take the first one's name
        rm = self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED")
        rmf = self.kea.count("DHCP_DDNS_REMOVE_FAILED")
        self.kea.send(ncr(False, fqdn, ip2, h2, rev=False))
        end = time.time() + 15
        while (time.time() < end and
               self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED") == rm and
               self.kea.count("DHCP_DDNS_REMOVE_FAILED") == rmf):
            time.sleep(0.1)
        self.assert_lease(fqdn, ip1, h1)
        # the first client's remove does
        rm = self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED")
        self.kea.send(ncr(False, fqdn, ip1, h1))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 1), self.kea.logtext())
        self.assert_gone(fqdn, ip1)

    def test_no_conflict_resolution(self):
        fqdn = "simple.example.com."
        ip1, h1 = "192.0.2.30", dhcid_hex("s1")
        ip2, h2 = "192.0.2.31", dhcid_hex("s2")
        ok = self.kea.count("DHCP_DDNS_ADD_SUCCEEDED")
        self.kea.send(ncr(True, fqdn, ip1, h1, conflict=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 1), self.kea.logtext())
        self.assert_lease(fqdn, ip1, h1)
        # without conflict resolution the last client wins
        self.kea.send(ncr(True, fqdn, ip2, h2, conflict=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 2), self.kea.logtext())
        self.assert_lease(fqdn, ip2, h2)
        rm = self.kea.count("DHCP_DDNS_REMOVE_SUCCEEDED")
        self.kea.send(ncr(False, fqdn, ip2, h2, conflict=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 1), self.kea.logtext())
        self.assert_gone(fqdn, ip2)
        self.kea.send(ncr(False, fqdn, ip1, h1, fwd=False, conflict=False))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_REMOVE_SUCCEEDED",
                                          15, rm + 2), self.kea.logtext())
        self.wait_stored(rev_name(ip1), "PTR", [])

    def test_export_and_reload(self):
        """r53d -e writes the DHCID at its owner, which named-checkzone
        accepts; a restarted r53d reads the shadow back as DHCID."""
        fqdn, ip, h = "exp.example.com.", "192.0.2.40", dhcid_hex("e1")
        ok = self.kea.count("DHCP_DDNS_ADD_SUCCEEDED")
        self.kea.send(ncr(True, fqdn, ip, h))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_ADD_SUCCEEDED", 15,
                                          ok + 1), self.kea.logtext())
        self.assert_lease(fqdn, ip, h)
        r = subprocess.run([T.R53D, "-c", self.d.conf, "-e", FWD],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [ln for ln in r.stdout.splitlines()
                 if ln and not ln.startswith(";")]
        self.assertIn("%s\t3600\tIN\tDHCID\t%s" % (fqdn, b64(h)), lines)
        self.assertNotIn("_r53d-dhcid", r.stdout)
        zf = os.path.join(self.tmp, "export.zone")
        with open(zf, "w") as f:
            f.write(r.stdout)
        c = T.run(["named-checkzone", "-i", "none", "-D", "-o", "-",
                   FWD, zf], timeout=30)
        self.assertEqual(c.returncode, 0, c.stdout)
        self.assertIn([fqdn, "3600", "IN", "DHCID", b64(h)],
                      [ln.split() for ln in c.stdout.splitlines()])

        # A second r53d on the same hosted zones loads the shadow as
        # DHCID: prerequisites and queries see it.
        port = T.free_port()
        conf = open(self.d.conf).read().replace(
            "port %d;" % self.port, "port %d;" % port)
        d2 = T.Daemon(conf, port=port)
        try:
            self.assertTrue(d2.wait_log("zone %s: loaded" % FWD, 20))
            st, ans = dig(port, fqdn, "DHCID")
            self.assertEqual((st, ans), ("NOERROR", [b64(h)]))
            st, ans = dig(port, "_r53d-dhcid." + fqdn, "TXT")
            self.assertEqual(st, "NXDOMAIN")
            # RFC 4703 remove on that r53d: prerequisite on the DHCID
            nsu = T.run(["nsupdate", "-y", "hmac-sha256:%s:%s"
                         % (KEY, SECRET)], timeout=30,
                        input="server 127.0.0.1 %d\nzone %s\n"
                        "prereq yxrrset %s DHCID %s\n"
                        "update delete %s A\nupdate delete %s DHCID\n"
                        "send\n" % (port, FWD, fqdn, b64(h), fqdn, fqdn))
            self.assertEqual(nsu.returncode, 0, nsu.stdout + d2.logtext())
        finally:
            self.assertEqual(d2.close(), 0)
        self.wait_stored(fqdn, "A", [])
        self.wait_stored("_r53d-dhcid." + fqdn, "TXT", [])

    def nsu(self, body):
        return T.run(["nsupdate", "-y", "hmac-sha256:%s:%s" % (KEY, SECRET)],
                     timeout=30, input="server 127.0.0.1 %d\nzone %s\n%s"
                     "send\n" % (self.port, FWD, body))

    def test_own_txt_at_shadow_name_left_alone(self):
        """A TXT of somebody's own at _r53d-dhcid.NAME, written behind
        r53d's back, is never taken for a DHCID nor overwritten: the
        DHCID update is refused once r53d has read the name again."""
        own = "_r53d-dhcid.own.example.com."
        r = self.emu.call("POST", "/_emu/write", {
            "HostedZoneId": FWD + ".",
            "ChangeBatch": {"Changes": [{"Action": "CREATE",
                                         "ResourceRecordSet": {
                                             "Name": own, "Type": "TXT",
                                             "TTL": 60,
                                             "ResourceRecords": [
                                                 {"Value": '"mine"'}]}}]}})
        self.assertNotIn("Error", json.dumps(r))
        res = self.nsu("update add own.example.com 300 A 192.0.2.50\n"
                       "update add own.example.com 300 DHCID %s\n"
                       % b64(dhcid_hex("own")))
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("REFUSED", res.stdout)
        self.assertTrue(self.d.wait_log("holds TXT records of its own", 5))
        self.assertEqual(self.stored(own, "TXT"), ['"mine"'])
        self.assertEqual(self.stored("own.example.com.", "A"), [])
        self.assert_dig(own, "TXT", ['"mine"'])
        # and the shadow owners are not for UPDATEs
        res = self.nsu("update delete %s TXT\n" % own)
        self.assertIn("REFUSED", res.stdout)
        self.assertEqual(self.stored(own, "TXT"), ['"mine"'])

    def test_dhcid_limits(self):
        """DHCID at a wildcard owner, or too long for its shadow, is
        refused with nothing written."""
        before = self.emu.rrsets(FWD + ".")
        for body in ("update add *.w.example.com 300 DHCID %s\n"
                     % b64(dhcid_hex("w")),
                     "update add big.example.com 300 DHCID %s\n"
                     % base64.b64encode(b"\x00\x02\x01" + b"x" * 190)
                     .decode()):
            res = self.nsu(body)
            self.assertIn("REFUSED", res.stdout, body)
        self.assertEqual(self.emu.rrsets(FWD + "."), before)


class KeaDhcidOff(KeaBase):
    """dhcid no: DHCID is refused as Route 53 would, Kea's adds fail,
    nothing is written."""

    zone_extra = "\tdhcid no;\n"

    def test_refused(self):
        before = self.emu.rrsets(FWD + ".")
        rej = self.kea.count("DHCP_DDNS_FORWARD_ADD_REJECTED")
        self.kea.send(ncr(True, "off.example.com.", "192.0.2.60",
                          dhcid_hex("off")))
        self.assertTrue(self.kea.wait_log("DHCP_DDNS_FORWARD_ADD_REJECTED",
                                          15, rej + 1), self.kea.logtext())
        self.assertIn("off.example.com., with an RCODE: 5",  # REFUSED
                      self.kea.logtext())
        self.assertTrue(self.d.wait_log("type DHCID is not supported", 5))
        self.assertEqual(self.emu.rrsets(FWD + "."), before)
        # a TXT at a would-be shadow name is just a TXT then
        r = T.run(["nsupdate", "-y", "hmac-sha256:%s:%s" % (KEY, SECRET)],
                  timeout=30, input="server 127.0.0.1 %d\nzone %s\n"
                  "update add _r53d-dhcid.off.example.com 60 TXT "
                  "\"r53d-dhcid:%s\"\nsend\n"
                  % (self.port, FWD, b64(dhcid_hex("off"))))
        self.assertEqual(r.returncode, 0, r.stdout)
        st, ans = dig(self.port, "_r53d-dhcid.off.example.com.", "TXT")
        self.assertEqual(ans, ['"r53d-dhcid:%s"' % b64(dhcid_hex("off"))])
        # (off.example.com. is an empty non-terminal above it)
        self.assertEqual(dig(self.port, "off.example.com.", "DHCID"),
                         ("NOERROR", []))


if __name__ == "__main__":
    T.Results.main()
