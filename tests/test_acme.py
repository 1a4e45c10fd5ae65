#!/usr/bin/python3
"""ACME DNS-01 end to end: Debian's pebble (an ACME test CA) validates
challenges by asking r53d, which answers from its copy of the hosted zone
in the Route 53 emulator; lego (rfc2136 provider) and certbot (its RFC 2136
plugin) obtain certificates for a host name and a wildcard, with keys
limited by "grant KEY acme-challenge", and leave no challenge record
behind.  Before that, the grant itself with nsupdate: TXT at
_acme-challenge.<any name in the zone> and nothing else.

Every server listens on loopback ports picked here.  When it can (as
root), the test runs itself in a network namespace of its own that has
only the loopback interface, so that nothing it starts can reach any
other address: a client that asked Route 53's real name servers, or a
resolver of the system, would fail.
"""
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

ZONE = "example.com."
NETNS_ENV = "R53D_ACME_NETNS"
PEBBLE = "/usr/bin/pebble"
RUN_CAP = 180           # seconds for one lego or certbot run


def own_netns():
    """Run this file again in a new network namespace with only "lo" up,
    if unshare(1) can make one; returns only when it cannot."""
    if os.environ.get(NETNS_ENV) or os.geteuid() != 0 or \
            shutil.which("unshare") is None or shutil.which("ip") is None:
        return
    probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo",
                            "up"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        return
    os.environ[NETNS_ENV] = "1"
    sys.stdout.flush()
    os.execvp("unshare", ["unshare", "-n", "sh", "-c",
                          'ip link set lo up && exec "$@"', "sh", T.PY,
                          os.path.abspath(__file__)] + sys.argv[1:])


# Keys (from T.KEYS) and what the zone grants them.
GRANTED = ("hmac-sha256", "hmac-sha512")   # grant KEY acme-challenge
OLD_STYLE = "hmac-sha384"                  # subdomain _acme-challenge.ZONE
ADMIN = "hmac-sha1"                        # no grant: the whole zone

ZONE_EXTRA = (
    '\tgrant "%s" acme-challenge;\n' % T.KEYS["hmac-sha256"][0]
    + '\tgrant "%s" acme-challenge TXT;\n' % T.KEYS["hmac-sha512"][0]
    + '\tgrant "%s" subdomain "_acme-challenge.example.com" TXT;\n'
    % T.KEYS[OLD_STYLE][0]
    # Answer an UPDATE once Route 53 has the record on all its servers:
    # what the README asks for with lego's --dns.disable-cp.
    + "\twait-insync yes;\n")

ENV = {}


def setUpModule():
    ENV["tmp"] = tempfile.mkdtemp(prefix="r53d-acme-")
    os.chmod(ENV["tmp"], 0o755)
    ENV["emu"], ENV["d"], ENV["port"] = T.start_pair(zone_extra=ZONE_EXTRA)


def tearDownModule():
    rc = ENV["d"].close()
    ENV["emu"].close()
    assert rc == 0, "r53d exited %r on SIGTERM" % rc


def challenge_txt(emu):
    """The _acme-challenge TXT RRsets the emulator holds."""
    return {k: v for k, v in emu.rrsets(ZONE).items()
            if k[1] == "TXT" and "_acme-challenge" in k[0]}


def nsupdate(port, alg, body):
    name, secret = T.KEYS[alg]
    script = ("server 127.0.0.1 %d\nzone %s\n%ssend\n" % (port, ZONE, body))
    return T.run(["nsupdate", "-t", "10", "-y",
                  "%s:%s:%s" % (alg, name, secret)], input=script,
                 timeout=30)


def dig(port, name, rtype):
    """(status, flags, answer values) of dig at r53d."""
    out = T.run(["dig", "@127.0.0.1", "-p", str(port), "+norec",
                 "+tries=1", "+time=3", name, rtype]).stdout
    m = re.search(r"status: (\w+)", out)
    f = re.search(r";; flags: ([a-z ]*);", out)
    ans = re.findall(r"^(\S+)\s+\d+\s+IN\s+(\S+)\s+(.*)$", out, re.M)
    return (m.group(1) if m else None, f.group(1).split() if f else [],
            sorted(v for o, t, v in ans
                   if o.lower() == name.lower() and t == rtype))


class GrantTest(unittest.TestCase):
    """grant KEY acme-challenge with real nsupdate."""

    def setUp(self):
        self.emu, self.d, self.port = ENV["emu"], ENV["d"], ENV["port"]

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def ok(self, r):
        self.assertEqual(r.returncode, 0, "update failed: %s\nlog:\n%s"
                         % (r.stdout, self.d.logtext()[-2000:]))

    def test_txt_at_challenge_of_any_name(self):
        for alg in GRANTED:
            for n in ("_acme-challenge.host.example.com.",
                      "_acme-challenge.example.com.",
                      "_acme-challenge.a.b.c.example.com.",
                      "_ACME-Challenge.Mixed.Example.COM."):
                with self.subTest(alg=alg, name=n):
                    self.ok(nsupdate(self.port, alg,
                                     'update add %s 60 TXT "tok-%s"\n'
                                     % (n, alg)))
                    # r53d answers it with authority, as pebble asks
                    st, flags, vals = dig(self.port, n, "TXT")
                    self.assertEqual(st, "NOERROR")
                    self.assertIn("aa", flags)
                    self.assertEqual(vals, ['"tok-%s"' % alg])
                    self.assertEqual(
                        self.emu.rrsets().get((n.lower(), "TXT")),
                        (60, ['"tok-%s"' % alg]))
                    self.ok(nsupdate(self.port, alg,
                                     "update delete %s TXT\n" % n))
                    self.assertEqual(challenge_txt(self.emu), {})

    def test_everything_else_refused(self):
        # records that exist, put there by a key without grants
        self.ok(nsupdate(self.port, ADMIN,
                         "update add host.example.com. 60 A 192.0.2.1\n"
                         'update add host.example.com. 60 TXT "keep"\n'))
        before = self.emu.rrsets()
        for body in (
                "check-names off\n"
                "update add _acme-challenge.host.example.com. 60 A "
                "192.0.2.1\n",
                'update add _acme-challenge.host.example.com. 60 CNAME '
                'elsewhere.example.net.\n',
                'update add host.example.com. 60 TXT "nope"\n',
                'update add example.com. 60 TXT "nope"\n',
                'update add x._acme-challenge.host.example.com. 60 TXT '
                '"nope"\n',
                'update add _acme-challenge.x._acme-challenge.example.com. '
                '60 TXT "ok"\n'
                'update add y._acme-challenge.example.com. 60 TXT "no"\n',
                'update add _acme-challengex.host.example.com. 60 TXT '
                '"nope"\n',
                "update delete host.example.com. TXT\n",
                "update delete host.example.com.\n",
                # one allowed change and one not: all refused
                'update add _acme-challenge.host.example.com. 60 TXT "a"\n'
                "update add host.example.com. 60 A 192.0.2.2\n"):
            for alg in GRANTED:
                with self.subTest(alg=alg, body=body):
                    r = nsupdate(self.port, alg, body)
                    self.assertNotEqual(r.returncode, 0, "update succeeded")
                    self.assertIn("REFUSED", r.stdout)
        self.assertEqual(self.emu.rrsets(), before)
        self.ok(nsupdate(self.port, ADMIN,
                         "update delete host.example.com.\n"))

    def test_subdomain_grant_covers_apex_only(self):
        # What the README showed before: no certificate for a host name.
        r = nsupdate(self.port, OLD_STYLE,
                     'update add _acme-challenge.host.example.com. 60 TXT '
                     '"x"\n')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("REFUSED", r.stdout)
        self.assertEqual(challenge_txt(self.emu), {})


class Pebble:
    """pebble on loopback, validating DNS-01 by asking dnsserver only.
    It stops by itself after max_runtime seconds."""

    def __init__(self, tmp, dnsserver, max_runtime=900):
        self.ca, cert, key = T.make_ca(tmp)
        self.port = T.free_port()
        self.mport = T.free_port()
        cfg = {"pebble": {
            "listenAddress": "127.0.0.1:%d" % self.port,
            "managementListenAddress": "127.0.0.1:%d" % self.mport,
            "certificate": cert, "privateKey": key,
            # where HTTP-01 and TLS-ALPN-01 would be checked: closed
            # loopback ports; the clients here solve DNS-01 only
            "httpPort": T.free_port(), "tlsPort": T.free_port(),
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False}}
        path = os.path.join(tmp, "pebble-config.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1",
                   PEBBLE_WFE_NONCEREJECT="0",
                   # validate every authorization, never reuse one
                   PEBBLE_AUTHZREUSE="0")
        self.logpath = os.path.join(tmp, "pebble.log")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(
            ["timeout", str(max_runtime), PEBBLE, "-config", path,
             "-dnsserver", dnsserver],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=T.die_with_parent)
        self.url = "https://127.0.0.1:%d/dir" % self.port
        end = time.time() + 20
        while time.time() < end:
            if "ACME directory available" in self.logtext():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("pebble did not start:\n" + self.logtext())

    def logtext(self):
        self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def roots(self):
        """The root of the certificates pebble issues, PEM."""
        ctx = ssl.create_default_context(cafile=self.ca)
        with urllib.request.urlopen("https://127.0.0.1:%d/roots/0"
                                    % self.mport, context=ctx,
                                    timeout=10) as r:
            return r.read().decode()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def sans(pem_path):
    out = subprocess.run(["openssl", "x509", "-noout", "-ext",
                          "subjectAltName", "-in", pem_path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=True).stdout
    return sorted(re.findall(r"DNS:([^,\s]+)", out))


class EndToEndTest(unittest.TestCase):
    """lego and certbot against pebble, which validates through r53d."""

    @classmethod
    def setUpClass(cls):
        cls.emu, cls.d, cls.port = ENV["emu"], ENV["d"], ENV["port"]
        cls.tmp = tempfile.mkdtemp(prefix="r53d-acme-pebble-")
        os.chmod(cls.tmp, 0o755)
        cls.pebble = Pebble(cls.tmp, "127.0.0.1:%d" % cls.port)
        cls.root = os.path.join(cls.tmp, "pebble-root.pem")
        with open(cls.root, "w") as f:
            f.write(cls.pebble.roots())

    @classmethod
    def tearDownClass(cls):
        cls.pebble.close()

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def check_cert(self, leaf, chain, domains, out):
        self.assertTrue(os.path.exists(leaf), "no certificate:\n%s\n%s"
                        % (out, self.d.logtext()[-3000:]))
        self.assertEqual(sans(leaf), sorted(domains))
        r = T.run(["openssl", "verify", "-CAfile", self.root, "-untrusted",
                   chain, leaf])
        self.assertEqual(r.returncode, 0, r.stdout)
        # pebble asked r53d for each challenge and r53d had it
        for dom in domains:
            q = "_acme-challenge.%s." % dom.replace("*.", "")
            self.assertRegex(self.d.logtext(),
                             r"query \S+ key - udp %s TXT: NOERROR"
                             % re.escape(q))
        self.assertEqual(challenge_txt(self.emu), {},
                         "challenge records left behind")

    def lego(self, alg, domains, path, resolvers=True, disable_cp=True,
             env=None):
        name, secret = T.KEYS[alg]
        extra = env or {}
        env = dict(os.environ,
                   RFC2136_NAMESERVER="127.0.0.1:%d" % self.port,
                   RFC2136_TSIG_KEY=name, RFC2136_TSIG_SECRET=secret,
                   RFC2136_TSIG_ALGORITHM=alg + ".",
                   # the defaults wait a minute between challenges
                   RFC2136_SEQUENCE_INTERVAL="1",
                   RFC2136_POLLING_INTERVAL="1",
                   RFC2136_PROPAGATION_TIMEOUT="30",
                   LEGO_CA_CERTIFICATES=self.pebble.ca)
        env.update(extra)
        cmd = ["lego", "--server", self.pebble.url, "--email",
               "acme@example.com", "--accept-tos", "--path", path,
               "--dns", "rfc2136"]
        if disable_cp:
            cmd.append("--dns.disable-cp")
        if resolvers:
            cmd += ["--dns.resolvers", "127.0.0.1:%d" % self.port]
        for dom in domains:
            cmd += ["--domains", dom]
        return T.run(cmd + ["run"], env=env, timeout=RUN_CAP)

    def test_lego(self):
        for alg, host in (("hmac-sha256", "host.example.com"),
                          ("hmac-sha512", "www.sub.example.com")):
            with self.subTest(alg=alg):
                domains = [host, "*.example.com"]
                path = os.path.join(self.tmp, "lego-" + alg)
                t0 = time.time()
                r = self.lego(alg, domains, path)
                took = time.time() - t0
                self.assertEqual(r.returncode, 0, r.stdout)
                crt = os.path.join(path, "certificates", host + ".crt")
                leaf = os.path.join(path, "leaf.pem")
                with open(crt) as f:
                    pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?"
                                      r"-----END CERTIFICATE-----\n",
                                      f.read(), re.S)
                with open(leaf, "w") as f:
                    f.write(pems[0])
                self.check_cert(leaf, crt, domains, r.stdout)
                print("lego %s: certificate in %.1f s" % (alg, took))

    def test_lego_outside_grant_fails(self):
        # The key allowed only _acme-challenge.example.com gets no
        # certificate for a host name, and lego says why.
        path = os.path.join(self.tmp, "lego-old")
        r = self.lego(OLD_STYLE, ["old.example.com"], path)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("REFUSED", r.stdout)
        self.assertFalse(os.path.exists(os.path.join(
            path, "certificates", "old.example.com.crt")))
        self.assertEqual(challenge_txt(self.emu), {})

    def test_lego_needs_both_flags(self):
        # Without --dns.resolvers lego asks the system's resolver (or
        # Google's) for the zone; without --dns.disable-cp it asks the
        # zone's name servers, Route 53's, for the challenge record.  In
        # a namespace with nothing but loopback, both fail, and show that
        # the runs above asked r53d and nothing else.
        if not os.environ.get(NETNS_ENV):
            self.skipTest("needs a network namespace of its own")
        quick = {"RFC2136_PROPAGATION_TIMEOUT": "3"}
        for what, kw in (("resolvers", {"resolvers": False}),
                         ("disable-cp", {"disable_cp": False})):
            with self.subTest(without=what):
                path = os.path.join(self.tmp, "lego-no-" + what)
                r = self.lego("hmac-sha256", ["flags.example.com"], path,
                              env=quick, **kw)
                self.assertNotEqual(r.returncode, 0, r.stdout)
                # it tried a server that is not on loopback, or not there
                self.assertRegex(r.stdout, r"dial udp.*(unreachable|refused)")
                self.assertFalse(os.path.exists(os.path.join(
                    path, "certificates", "flags.example.com.crt")))
                self.assertEqual(challenge_txt(self.emu), {})

    def test_certbot(self):
        alg = "hmac-sha512"
        name, secret = T.KEYS[alg]
        top = os.path.join(self.tmp, "certbot")
        os.makedirs(top)
        cred = os.path.join(top, "rfc2136.ini")
        with open(cred, "w") as f:
            f.write("dns_rfc2136_server = 127.0.0.1\n"
                    "dns_rfc2136_port = %d\n"
                    "dns_rfc2136_name = %s\n"
                    "dns_rfc2136_secret = %s\n"
                    "dns_rfc2136_algorithm = %s\n"
                    % (self.port, name, secret, alg.upper()))
        os.chmod(cred, 0o600)
        domains = ["cb.example.com", "*.example.com"]
        cmd = ["certbot", "certonly", "--non-interactive", "--agree-tos",
               "-m", "acme@example.com", "--server", self.pebble.url,
               "--config-dir", os.path.join(top, "config"),
               "--work-dir", os.path.join(top, "work"),
               "--logs-dir", os.path.join(top, "logs"),
               "--dns-rfc2136", "--dns-rfc2136-credentials", cred,
               "--dns-rfc2136-propagation-seconds", "1"]
        for dom in domains:
            cmd += ["-d", dom]
        t0 = time.time()
        r = T.run(cmd, env=dict(os.environ,
                                REQUESTS_CA_BUNDLE=self.pebble.ca),
                  timeout=RUN_CAP)
        took = time.time() - t0
        self.assertEqual(r.returncode, 0, r.stdout)
        live = os.path.join(top, "config", "live", "cb.example.com")
        self.check_cert(os.path.join(live, "cert.pem"),
                        os.path.join(live, "chain.pem"), domains, r.stdout)
        print("certbot %s: certificate in %.1f s" % (alg, took))


if __name__ == "__main__":
    own_netns()
    if not os.environ.get(NETNS_ENV):
        print("note: no network namespace of its own (needs root and "
              "unshare); clients are pointed at r53d only")
    T.Results.main()
