"""What the end-to-end client tests (tests/test_clients.py,
tests/test_clients_policy.py) share: key files for BIND's and Knot's
tools, the clients (nsupdate and knsupdate, dig, dnspython), the reading
of dig's output, and r53d paired with the Route 53 emulator (make_pair(),
PairTest: one pair for a whole test class).
"""
import os
import re
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.name  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."
ALGS = list(T.KEYS)



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
