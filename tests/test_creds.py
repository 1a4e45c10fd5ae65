#!/usr/bin/python3
"""AWS credentials: each source of the chain with the real daemon, the
order between them, the refresh of temporary keys while UPDATEs flow,
and an expired token.

STS (AssumeRole, AssumeRoleWithWebIdentity) is the emulator's
(r53emu_sts.py); the container endpoint and IMDS are small stand-ins on
loopback here.  Every key r53d signs Route 53 requests with is checked
by the emulator, so an UPDATE that succeeds proves which keys it used.
"""
import hashlib
import http.server
import json
import os
import stat
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

KEY = "creds-key"
SECRET = "Y3JlZHMtdGVzdC1rZXktc2VjcmV0LTAxMjM0NTY3ODlhYg=="
ROLE = "arn:aws:iam::222222222222:role/r53d-dns"
IRSA = "arn:aws:iam::333333333333:role/r53d-irsa"


def upd():
    return dns.update.UpdateMessage(
        "example.com", keyring=dns.tsigkeyring.from_text({KEY: SECRET}),
        keyname=KEY, keyalgorithm=dns.tsig.HMAC_SHA256)


def thash(tok):
    return hashlib.sha256(tok.encode()).hexdigest()[:16]


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


class Container:
    """A container credentials endpoint on 127.0.0.1 (ECS and EKS Pod
    Identity): checks the Authorization header when token is set, and
    hands out keys it registers with the emulator, expiring after
    lifetime seconds (emu_lifetime: what the emulator is told)."""

    def __init__(self, emu, path, token=None, lifetime=3600,
                 emu_lifetime=None):
        self.hits = []
        self.issued = 0
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, code, body):
                b = body.encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)

            def do_GET(self):
                auth = self.headers.get("Authorization")
                outer.hits.append((self.path, auth))
                if self.path != path:
                    return self.send(404, "{}")
                if token is not None and auth != token:
                    return self.send(401, '{"message": "bad token"}')
                outer.issued += 1
                akid = "ASIACONTAINER%07d" % outer.issued
                now = time.time()
                keys = {"AccessKeyId": akid,
                        "SecretAccessKey": "c0nt/ainer+%d" % outer.issued,
                        "SessionToken": "container-token-%d" % outer.issued}
                emu.call("POST", "/_emu/credentials", dict(
                    keys, Expiration=now + (emu_lifetime or lifetime)))
                doc = {"RoleArn": ROLE, "Token": keys["SessionToken"],
                       "AccessKeyId": akid,
                       "SecretAccessKey": keys["SecretAccessKey"],
                       "Expiration": time.strftime(
                           "%Y-%m-%dT%H:%M:%SZ",
                           time.gmtime(now + lifetime))}
                self.send(200, json.dumps(doc))

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


class IMDS:
    """IMDSv2 on 127.0.0.1 handing out the emulator's long-term keys."""

    def __init__(self):
        self.hits = []
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
                outer.hits.append(self.path)
                self.send(200, "imds-token")

            def do_GET(self):
                outer.hits.append(self.path)
                if self.headers.get("X-aws-ec2-metadata-token") != \
                        "imds-token":
                    return self.send(401, "")
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == base:
                    return self.send(200, "r53d")
                self.send(200, json.dumps({
                    "Code": "Success", "AccessKeyId": T.AWS_KEY_ID,
                    "SecretAccessKey": T.AWS_SECRET}))

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


class Creds(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator()
        cls.emu.call("POST", "/_emu/sts", {"roles": {
            ROLE: {"ExternalId": "r53d-ext-7"}}})

    @classmethod
    def tearDownClass(cls):
        cls.emu.close()

    def setUp(self):
        self.d = None
        self.stop = []
        self.tmp = os.path.join(self.emu.tmp, self._testMethodName)
        os.makedirs(self.tmp)
        os.chmod(self.tmp, 0o755)
        self.emu.call("POST", "/_emu/sts", {"lifetime": None})

    def tearDown(self):
        if self.d is not None:
            self.d.close()
        for s in self.stop:
            s.stop()

    def sts_calls(self, since=0):
        return self.emu.call("GET", "/_emu/sts")["calls"][since:]

    def start(self, env, aws_extra="", conf_keys=False, wait=True):
        """r53d with no credentials in its aws block unless conf_keys,
        the given environment (AWS_* of the test process removed)."""
        self.port = T.free_port()
        aws = ('aws {\n\tendpoint "%s";\n\tca-file "%s";\n'
               '\tsts-endpoint "%s";\n%s%s\trate 50;\n};\n'
               % (self.emu.endpoint, self.emu.ca, self.emu.endpoint,
                  '\taccess-key-id "%s";\n\tsecret-access-key-file '
                  '"secret";\n' % T.AWS_KEY_ID if conf_keys else "",
                  aws_extra))
        conf = ("listen 127.0.0.1 port %d;\n" % self.port +
                'key "%s" { algorithm hmac-sha256; secret "%s"; };\n'
                % (KEY, SECRET) + aws +
                'zone "example.com" { allow-update { key "%s"; }; };\n'
                % KEY)
        e = {k: "" for k in os.environ if k.startswith("AWS_")}
        e.update({"AWS_SHARED_CREDENTIALS_FILE": "", "AWS_CONFIG_FILE": "",
                  "HOME": self.tmp})
        e.update(env)
        self.d = T.Daemon(conf, tmpdir=self.tmp, port=self.port,
                          args=("-v",), env=e)
        if wait:
            self.assertTrue(self.d.wait_log("zone example.com: loaded", 20),
                            self.d.logtext())

    def update(self, name, addr="192.0.2.1", timeout=10):
        u = upd()
        u.replace(name, 60, "A", addr)
        r = dns.query.tcp(u, "127.0.0.1", port=self.port, timeout=timeout)
        return r.rcode()

    def assert_update(self, name):
        self.assertEqual(self.update(name), dns.rcode.NOERROR,
                         self.d.logtext())
        self.assertIn(("%s.example.com." % name, "A"), self.emu.rrsets())

    def restart(self):
        self.d.close()
        self.d = None

    # -- one test per source --------------------------------------------------

    def test_1_configuration(self):
        self.start({"AWS_ACCESS_KEY_ID": "AKIDWRONG",
                    "AWS_SECRET_ACCESS_KEY": "wrong"}, conf_keys=True)
        self.assert_update("conf")
        self.assertIn("credentials from configuration", self.d.logtext())

    def test_2_environment(self):
        self.start({"AWS_ACCESS_KEY_ID": T.AWS_KEY_ID,
                    "AWS_SECRET_ACCESS_KEY": T.AWS_SECRET})
        self.assert_update("env")
        self.assertIn("credentials from environment", self.d.logtext())

    def test_3_web_identity(self):
        tok1, tok2 = "eyJhbGciOi.irsa-one.sig", "eyJhbGciOi.irsa-two.sig"
        self.emu.call("POST", "/_emu/sts", {"lifetime": 303, "web_tokens": {
            tok1: None, tok2: None}})
        tf = write(os.path.join(self.tmp, "token"), tok1 + "\n")
        n0 = len(self.sts_calls())
        self.start({"AWS_ROLE_ARN": IRSA, "AWS_WEB_IDENTITY_TOKEN_FILE": tf,
                    "AWS_ROLE_SESSION_NAME": "irsa-pod"})
        self.assert_update("irsa")
        calls = self.sts_calls(n0)
        self.assertEqual(calls[0]["Action"], "AssumeRoleWithWebIdentity")
        self.assertEqual(calls[0]["RoleArn"], IRSA)
        self.assertEqual(calls[0]["RoleSessionName"], "irsa-pod")
        self.assertFalse(calls[0]["Signed"])
        self.assertEqual(calls[0]["WebIdentityToken"], thash(tok1))
        # Kubernetes rotates the token: the next refresh sends the new one.
        write(tf, tok2 + "\n")
        end = time.time() + 15
        while time.time() < end and not any(
                c["WebIdentityToken"] == thash(tok2)
                for c in self.sts_calls(n0)):
            time.sleep(0.2)
        self.assertTrue(any(c["WebIdentityToken"] == thash(tok2)
                            for c in self.sts_calls(n0)), self.d.logtext())
        self.assert_update("irsa2")

    def test_4_profile_role_with_external_id(self):
        cred = write(os.path.join(self.tmp, "credentials"),
                     "[base]\naws_access_key_id = %s\n"
                     "aws_secret_access_key = %s\n"
                     % (T.AWS_KEY_ID, T.AWS_SECRET), 0o600)
        conf = write(os.path.join(self.tmp, "config"),
                     "[default]\nregion = us-east-1\n"
                     "[profile cross]\nrole_arn = %s\nsource_profile = base\n"
                     "external_id = r53d-ext-7\nrole_session_name = dns\n"
                     "duration_seconds = 1800\n"
                     "[profile wrongext]\nrole_arn = %s\n"
                     "source_profile = base\nexternal_id = guess\n"
                     % (ROLE, ROLE), 0o600)
        env = {"AWS_SHARED_CREDENTIALS_FILE": cred, "AWS_CONFIG_FILE": conf}
        n0 = len(self.sts_calls())
        self.start(env, aws_extra='\tprofile "cross";\n')
        self.assert_update("role")
        c = self.sts_calls(n0)[0]
        self.assertEqual((c["Action"], c["RoleArn"], c["ExternalId"],
                          c["RoleSessionName"], c["DurationSeconds"],
                          c["AccessKeyId"], c["Signed"]),
                         ("AssumeRole", ROLE, "r53d-ext-7", "dns", "1800",
                          T.AWS_KEY_ID, True))
        self.assertIn("credentials from file %s [cross]" % cred,
                      self.d.logtext())
        self.restart()
        # AWS_PROFILE names it too; a wrong external ID is refused by STS
        # and said so, and nothing reaches Route 53.
        env["AWS_PROFILE"] = "wrongext"
        self.start(env, wait=False)
        self.assertTrue(self.d.wait_log("AccessDenied", 10),
                        self.d.logtext())
        self.assertNotIn("zone example.com: loaded", self.d.logtext())

    def test_5_credential_process(self):
        script = write(os.path.join(self.tmp, "helper.sh"),
                       "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": "
                       "\"%s\", \"SecretAccessKey\": \"%s\"}'\n"
                       % (T.AWS_KEY_ID, T.AWS_SECRET), 0o755)
        bad = write(os.path.join(self.tmp, "bad.sh"),
                    "#!/bin/sh\necho '{\"AccessKeyId\": \"A\"}'\n", 0o755)
        conf = write(os.path.join(self.tmp, "config"),
                     "[profile proc]\ncredential_process = %s --flag\n"
                     "[profile bad]\ncredential_process = %s\n"
                     % (script, bad))
        self.start({"AWS_CONFIG_FILE": conf, "AWS_PROFILE": "proc"})
        self.assert_update("proc")
        self.assertIn("credentials from credential_process (no expiration)",
                      self.d.logtext())
        self.restart()
        self.start({"AWS_CONFIG_FILE": conf, "AWS_PROFILE": "bad"},
                   wait=False)
        self.assertTrue(self.d.wait_log("credential_process: output: "
                                        "Version 1 missing", 10),
                        self.d.logtext())

    def test_6_container_full_uri(self):
        tf = write(os.path.join(self.tmp, "eks-token"), "pod-identity-tok\n")
        c = Container(self.emu, "/v1/credentials", token="pod-identity-tok")
        self.stop.append(c)
        self.start({"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                    "http://127.0.0.1:%d/v1/credentials" % c.port,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tf})
        self.assert_update("eks")
        self.assertEqual(c.hits[0], ("/v1/credentials", "pod-identity-tok"))

    def test_7_container_relative_uri(self):
        c = Container(self.emu, "/v2/credentials/task-1")
        self.stop.append(c)
        self.start({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI":
                    "/v2/credentials/task-1"},
                   aws_extra='\tcontainer-endpoint "http://127.0.0.1:%d";\n'
                   % c.port)
        self.assert_update("ecs")
        self.assertEqual(c.hits, [("/v2/credentials/task-1", None)])

    def test_8_imds(self):
        m = IMDS()
        self.stop.append(m)
        self.start({}, aws_extra='\timds yes;\n\timds-endpoint '
                   '"http://127.0.0.1:%d";\n' % m.port)
        self.assert_update("imds")
        self.assertEqual(m.hits[0], "/latest/api/token")

    # -- the order -------------------------------------------------------------

    def test_9_order(self):
        tok = "eyJ.order.tok"
        self.emu.call("POST", "/_emu/sts", {"web_tokens": {tok: None}})
        tf = write(os.path.join(self.tmp, "token"), tok)
        cred = write(os.path.join(self.tmp, "credentials"),
                     "[default]\naws_access_key_id = %s\n"
                     "aws_secret_access_key = %s\n"
                     % (T.AWS_KEY_ID, T.AWS_SECRET))
        c = Container(self.emu, "/creds")
        m = IMDS()
        self.stop += [c, m]
        env = {"AWS_ACCESS_KEY_ID": T.AWS_KEY_ID,
               "AWS_SECRET_ACCESS_KEY": T.AWS_SECRET,
               "AWS_ROLE_ARN": IRSA, "AWS_WEB_IDENTITY_TOKEN_FILE": tf,
               "AWS_SHARED_CREDENTIALS_FILE": cred,
               "AWS_CONTAINER_CREDENTIALS_FULL_URI":
               "http://127.0.0.1:%d/creds" % c.port}
        imds = '\timds yes;\n\timds-endpoint "http://127.0.0.1:%d";\n' % m.port
        want = ["environment", "web identity " + IRSA,
                "file %s [default]" % cred,
                "container endpoint http://127.0.0.1:%d/creds" % c.port,
                "instance metadata http://127.0.0.1:%d" % m.port]
        drop = [("AWS_ACCESS_KEY_ID",), ("AWS_ROLE_ARN",),
                ("AWS_SHARED_CREDENTIALS_FILE",),
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI",), ()]
        for i, source in enumerate(want):
            n0 = len(self.sts_calls())
            self.start(env, aws_extra=imds)
            self.assert_update("order%d" % i)
            self.assertIn("credentials from %s" % source, self.d.logtext())
            # Only the source chosen was asked.
            self.assertEqual(len(self.sts_calls(n0)), 1 if i == 1 else 0)
            self.assertEqual(len(c.hits), 1 if i >= 3 else 0)
            self.assertEqual(len(m.hits) > 0, i == 4)
            self.restart()
            for k in drop[i]:
                env[k] = ""
        # The credentials keyword pins one source, even when an earlier
        # one has keys.
        env["AWS_ACCESS_KEY_ID"] = T.AWS_KEY_ID
        self.start(env, aws_extra=imds + "\tcredentials imds;\n")
        self.assert_update("pinned")
        self.assertIn("credentials from instance metadata", self.d.logtext())

    # -- refresh and expiry -----------------------------------------------------

    def test_refresh_while_updates_flow(self):
        # Keys that live 5 min 3 s are fetched again about every 3 s; a
        # stream of UPDATEs goes on meanwhile and none fails.
        cred = write(os.path.join(self.tmp, "credentials"),
                     "[base]\naws_access_key_id = %s\n"
                     "aws_secret_access_key = %s\n"
                     "[cross]\nrole_arn = %s\nsource_profile = base\n"
                     "external_id = r53d-ext-7\n"
                     % (T.AWS_KEY_ID, T.AWS_SECRET, ROLE))
        self.emu.call("POST", "/_emu/sts", {"lifetime": 303})
        n0 = len(self.sts_calls())
        self.start({"AWS_SHARED_CREDENTIALS_FILE": cred,
                    "AWS_PROFILE": "cross"})
        t0 = time.time()
        codes = []
        i = 0
        while time.time() - t0 < 10:
            codes.append(self.update("flow%d" % (i % 20),
                                     "192.0.2.%d" % (i % 250 + 1)))
            i += 1
            time.sleep(0.05)
        calls = self.sts_calls(n0)
        self.assertGreaterEqual(len(calls), 3, calls)
        self.assertLessEqual(len(calls), 8, calls)
        issued = set(c["Issued"] for c in calls)
        self.assertEqual(len(issued), len(calls))
        self.assertEqual(set(codes), {dns.rcode.NOERROR}, self.d.logtext())
        self.assertGreater(len(codes), 50)
        log = self.d.logtext()
        # Waiting only at start, before the first keys came.
        self.assertEqual(log.count("waiting for credentials"), 1)
        self.assertLess(log.index("waiting for credentials"),
                        log.index("credentials from STS"))
        self.assertNotIn("ExpiredToken", log)
        self.assertIn("refresh in 3 s", log)

    def test_expired_web_identity_token(self):
        old, new = "eyJ.expired.tok", "eyJ.fresh.tok"
        self.emu.call("POST", "/_emu/sts", {"web_tokens": {
            old: time.time() - 60, new: None}})
        tf = write(os.path.join(self.tmp, "token"), old)
        n0 = len(self.sts_calls())
        self.start({"AWS_ROLE_ARN": IRSA, "AWS_WEB_IDENTITY_TOKEN_FILE": tf},
                   wait=False)
        time.sleep(6)
        calls = self.sts_calls(n0)
        log = self.d.logtext()
        # One clear line, a few spaced retries, no storm.
        self.assertEqual(log.count("the token has expired or is refused"),
                         1, log)
        self.assertIn("ExpiredTokenException: Token expired", log)
        self.assertGreaterEqual(len(calls), 2, calls)
        self.assertLessEqual(len(calls), 5, calls)
        gaps = [b["time"] - a["time"] for a, b in zip(calls, calls[1:])]
        self.assertEqual(gaps, sorted(gaps))
        self.assertNotIn("zone example.com: loaded", log)
        # A rotated token is read again at the next try.
        write(tf, new)
        self.assertTrue(self.d.wait_log("zone example.com: loaded", 20),
                        self.d.logtext())
        self.assert_update("fresh")
        self.assertIn("works again", self.d.logtext())

    def test_route53_says_expired(self):
        # The container's keys look valid for an hour, but Route 53
        # refuses them as expired after 3 s: one line, new keys, and the
        # UPDATE still succeeds.
        c = Container(self.emu, "/creds", emu_lifetime=3)
        self.stop.append(c)
        self.start({"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                    "http://127.0.0.1:%d/creds" % c.port})
        self.assert_update("before")
        time.sleep(3.5)
        self.assert_update("after")
        log = self.d.logtext()
        self.assertEqual(log.count("AWS says the token has expired"), 1, log)
        self.assertEqual(len(c.hits), 2)


if __name__ == "__main__":
    T.Results.main()
