#!/usr/bin/python3
"""r53d's life on a real box: reloads with key files only root can read
while the worker runs as nobody, a bad file on reload, chroot, draining
on SIGTERM, change tracking, dry-run.

Everything runs on loopback: the Route 53 emulator over TLS with a
throwaway CA, r53d on a free port.  Tests that need root to drop
privileges say so and are counted as skipped, not passed.
"""
import os
import re
import signal
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

SECRET_A = "c2VjcmV0LWEtZm9yLXRoZS1yZWxvYWQtdGVzdC0wMTIzNDU2Nzg5"
SECRET_B = "c2VjcmV0LWItZm9yLXRoZS1yZWxvYWQtdGVzdC05ODc2NTQzMjEw"
SECRET_C = "c2VjcmV0LWMtZm9yLXRoZS1uZXctem9uZS1hYmNkZWZnaGlqa2xt"


def update(port, zone, name, addr, key, secret, timeout=10):
    """Add name A addr to zone, signed with key/secret; the rcode."""
    ring = dns.tsigkeyring.from_text({key: secret})
    u = dns.update.UpdateMessage(zone, keyring=ring, keyname=key,
                                 keyalgorithm=dns.tsig.HMAC_SHA256)
    u.add(name, 300, "A", addr)
    try:
        r = dns.query.tcp(u, "127.0.0.1", port=port, timeout=timeout)
    except dns.tsig.PeerBadSignature:
        return "BADSIG"
    except dns.tsig.PeerBadKey:
        return "BADKEY"
    return dns.rcode.to_text(r.rcode())


def uid_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("Uid:"):
                return int(ln.split()[1])
    return None


def keyfile(name, secret, extra=""):
    return ('key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n'
            % (name, secret)) + extra


class ReloadAsRoot(unittest.TestCase):
    """The key file is 0600 root, the worker nobody: SIGHUP reads it in
    the privileged parent and the worker takes the new key and zone."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root to drop privileges")
        cls.emu = T.Emulator(["example.com", "example.net"])
        cls.port = T.free_port()
        cls.tmp = tempfile.mkdtemp(prefix="r53d-reload-")
        os.chmod(cls.tmp, 0o755)
        cls.keys = os.path.join(cls.tmp, "keys.conf")
        cls.write_keys(keyfile("k1", SECRET_A))
        cls.base = ("listen 127.0.0.1 port %d;\n" % cls.port
                    + 'include "keys.conf";\n' + cls.emu.aws_conf()
                    + 'zone "example.com" { allow-update { key "k1"; }; };\n')
        cls.d = T.Daemon(cls.base, tmpdir=cls.tmp, port=cls.port)
        if not cls.d.wait_log("zone example.com: loaded", timeout=20):
            cls.d.close()
            cls.emu.close()
            raise RuntimeError(cls.d.logtext())

    @classmethod
    def write_keys(cls, text):
        with open(cls.keys, "w") as f:
            f.write(text)
        os.chown(cls.keys, 0, 0)
        os.chmod(cls.keys, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.d.close()
        cls.emu.close()

    def reload(self, via_worker=False):
        mark = len(self.d.logtext())
        if via_worker:
            os.kill(self.d.worker_pid(), signal.SIGHUP)
        else:
            self.d.signal(signal.SIGHUP)
        end = time.time() + 10
        while time.time() < end:
            log = self.d.logtext()[mark:]
            if ("configuration reloaded" in log or
                    "keeping the old one" in log):
                return log
            time.sleep(0.05)
        self.fail("no reload:\n" + self.d.logtext()[mark:])

    def test_1_worker_cannot_read_the_key_file(self):
        worker = self.d.worker_pid()
        self.assertNotEqual(uid_of(worker), 0)
        self.assertEqual(os.stat(self.keys).st_mode & 0o777, 0o600)
        # What the worker could do on its own: nothing with that file.
        r = T.run(["setpriv", "--reuid", str(uid_of(worker)),
                   "--regid", "65534", "--clear-groups", "cat", self.keys])
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(update(self.port, "example.com", "a1", "192.0.2.1",
                                "k1", SECRET_A), "NOERROR")

    def test_2_sighup_takes_new_key_and_new_zone(self):
        self.write_keys(keyfile("k1", SECRET_B, keyfile("k2", SECRET_C)))
        T.Daemon.rewrite(self.d, self.base + 'zone "example.net" { '
                         'allow-update { key "k2"; }; };\n')
        log = self.reload()
        self.assertIn("configuration reloaded", log)
        self.assertTrue(self.d.wait_log("zone example.net: loaded", 20))
        self.assertEqual(update(self.port, "example.com", "a2", "192.0.2.2",
                                "k1", SECRET_A), "BADSIG")
        self.assertEqual(update(self.port, "example.com", "a2", "192.0.2.2",
                                "k1", SECRET_B), "NOERROR")
        self.assertEqual(update(self.port, "example.net", "b1", "192.0.2.3",
                                "k2", SECRET_C), "NOERROR")
        self.assertIn(("a2.example.com.", "A"),
                      self.emu.rrsets("example.com."))
        self.assertIn(("b1.example.net.", "A"),
                      self.emu.rrsets("example.net."))

    def test_3_bad_key_file_keeps_the_old_configuration(self):
        self.write_keys(keyfile("k1", SECRET_B) + "key \"k2\" {\n"
                        "\talgorithm hmac-sha999;\n};\nbogus;\n")
        log = self.reload()
        self.assertIn("keeping the old one", log)
        # Every problem, at file:line.
        self.assertRegex(log, re.escape(self.keys) + r":6: ")
        self.assertRegex(log, re.escape(self.keys) + r":8: ")
        self.assertNotIn(SECRET_B, self.d.logtext())
        self.assertEqual(update(self.port, "example.com", "a3", "192.0.2.4",
                                "k1", SECRET_B), "NOERROR")
        self.assertTrue(self.d.alive())

    def test_4_sighup_to_the_worker_reads_as_root_too(self):
        self.write_keys(keyfile("k1", SECRET_A, keyfile("k2", SECRET_C)))
        log = self.reload(via_worker=True)
        self.assertIn("configuration reloaded", log)
        self.assertEqual(update(self.port, "example.com", "a4", "192.0.2.5",
                                "k1", SECRET_A), "NOERROR")


class Chroot(unittest.TestCase):
    """chroot: the worker runs inside an empty directory and still
    serves, updates and reloads."""

    def test_chroot(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to chroot")
        emu = T.Emulator(["example.com"])
        port = T.free_port()
        tmp = tempfile.mkdtemp(prefix="r53d-chroot-")
        os.chmod(tmp, 0o755)
        root = os.path.join(tmp, "empty")
        os.makedirs(os.path.join(root, "etc"))
        # The resolver reads etc/hosts at each lookup, inside the chroot.
        with open(os.path.join(root, "etc", "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
        conf = ("listen 127.0.0.1 port %d;\nchroot \"%s\";\n" % (port, root)
                + keyfile("k1", SECRET_A) + emu.aws_conf()
                + 'zone "example.com" { allow-update { key "k1"; }; };\n')
        d = T.Daemon(conf, tmpdir=tmp, port=port)
        try:
            self.assertTrue(d.wait_log("zone example.com: loaded", 20),
                            d.logtext())
            self.assertEqual(os.readlink("/proc/%d/root" % d.worker_pid()),
                             root)
            self.assertEqual(update(port, "example.com", "c1", "192.0.2.9",
                                    "k1", SECRET_A), "NOERROR")
            d.rewrite(conf.replace(SECRET_A, SECRET_B))
            mark = len(d.logtext())
            d.signal(signal.SIGHUP)
            self.assertTrue(d.wait_log("configuration reloaded"), d.logtext())
            self.assertNotIn("keeping the old one", d.logtext()[mark:])
            self.assertEqual(update(port, "example.com", "c2", "192.0.2.10",
                                    "k1", SECRET_B), "NOERROR")
        finally:
            self.assertEqual(d.close(), 0)
            emu.close()

    def test_chroot_must_be_absolute(self):
        tmp = tempfile.mkdtemp(prefix="r53d-chroot-")
        conf = os.path.join(tmp, "r53d.conf")
        with open(conf, "w") as f:
            f.write("listen 127.0.0.1 port 5353;\nchroot \"var/empty\";\n")
        r = T.run([T.R53D, "-n", "-c", conf])
        self.assertEqual(r.returncode, 1)
        self.assertIn(conf + ":2: chroot: not an absolute path", r.stdout)


class ChangeTracking(unittest.TestCase):
    """wait-insync no (the default): the answer comes at PENDING, and the
    log still tells when each change became INSYNC and how long it
    took, GetChange being polled when nothing else waits."""

    def test_insync_logged_without_waiting(self):
        emu = T.Emulator(["example.com"], args=["--insync-delay", "2"])
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % port
                + keyfile("k1", SECRET_A) + emu.aws_conf()
                + 'zone "example.com" { allow-update { key "k1"; }; };\n')
        d = T.Daemon(conf, port=port)
        try:
            self.assertTrue(d.wait_log("zone example.com: loaded", 20),
                            d.logtext())
            ids = []
            for i in range(3):
                t0 = time.time()
                self.assertEqual(update(port, "example.com", "t%d" % i,
                                        "192.0.2.%d" % (i + 1), "k1",
                                        SECRET_A), "NOERROR")
                # Answered at PENDING, well before INSYNC.
                self.assertLess(time.time() - t0, 1.5)
                m = re.findall(r"change (\S+) accepted \(PENDING\)",
                               d.logtext())
                ids.append(m[-1])
            self.assertEqual(len(set(ids)), 3)
            end = time.time() + 20
            while time.time() < end:
                log = d.logtext()
                if all("change %s INSYNC after" % c in log for c in ids):
                    break
                time.sleep(0.1)
            log = d.logtext()
            for c in ids:
                m = re.search(r"change %s INSYNC after (\d+) ms"
                              % re.escape(c), log)
                self.assertIsNotNone(m, log)
                self.assertGreaterEqual(int(m.group(1)), 1500)
            st = emu.call("GET", "/_emu/stats")
            # The newest is polled; older ones are INSYNC with it.
            self.assertGreaterEqual(st["operations"].get("GetChange", 0), 1)
            self.assertEqual(
                st["operations"].get("ChangeResourceRecordSets", 0), 3)
        finally:
            self.assertEqual(d.close(), 0)
            emu.close()


def update_result(port, zone, name, addr, key, secret, tcp, timeout=8):
    """Like update(), but any failure to get an answer is a string."""
    ring = dns.tsigkeyring.from_text({key: secret})
    u = dns.update.UpdateMessage(zone, keyring=ring, keyname=key,
                                 keyalgorithm=dns.tsig.HMAC_SHA256)
    u.add(name, 300, "A", addr)
    try:
        if tcp:
            r = dns.query.tcp(u, "127.0.0.1", port=port, timeout=timeout)
        else:
            r = dns.query.udp(u, "127.0.0.1", port=port, timeout=timeout)
    except dns.exception.Timeout:
        return "timeout"
    except OSError as e:
        return "error %s" % e.__class__.__name__
    except EOFError:
        return "closed"
    return dns.rcode.to_text(r.rcode())


class Drain(unittest.TestCase):
    """SIGTERM with 40 UPDATEs in flight: no new work, the work in
    progress finished or answered within shutdown-timeout, every UPDATE
    answered NOERROR in Route 53."""

    def run_drain(self, emu_args, timeout, faults=()):
        emu = T.Emulator(["example.com"], args=emu_args)
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\nshutdown-timeout %d;\n"
                % (port, timeout) + keyfile("k1", SECRET_A)
                + emu.aws_conf()
                + 'zone "example.com" { allow-update { key "k1"; }; };\n')
        d = T.Daemon(conf, port=port)
        try:
            self.assertTrue(d.wait_log("zone example.com: loaded", 20),
                            d.logtext())
            if faults:
                emu.call("POST", "/_emu/faults", {"faults": list(faults)})
            results = {}
            lock = threading.Lock()

            def one(i):
                r = update_result(port, "example.com", "d%02d" % i,
                                  "192.0.2.%d" % (i + 1), "k1", SECRET_A,
                                  tcp=i % 2 == 0)
                with lock:
                    results[i] = r

            threads = [threading.Thread(target=one, args=(i,))
                       for i in range(40)]
            for t in threads:
                t.start()
            # The first change batch is out, the others queued.
            end = time.time() + 10
            while time.time() < end and "sending" not in d.logtext():
                time.sleep(0.01)
            time.sleep(0.05)
            t0 = time.time()
            d.signal(signal.SIGTERM)
            # New work after the signal is not taken.
            late = [threading.Thread(target=one, args=(i,))
                    for i in range(40, 45)]
            for t in late:
                t.start()
            d.proc.wait(timeout + 10)
            took = time.time() - t0
            for t in threads + late:
                t.join(15)
            rc = d.proc.returncode
            log = d.logtext()
            have = emu.rrsets("example.com.")
            return results, took, rc, log, have
        finally:
            d.close()
            emu.close()

    def check_acknowledged(self, results, have, log):
        ok = [i for i, r in results.items() if r == "NOERROR"]
        for i in ok:
            self.assertIn(("d%02d.example.com." % i, "A"), have,
                          "acknowledged d%02d missing\n%s" % (i, log))
        for r in results.values():
            self.assertIn(r, ("NOERROR", "SERVFAIL", "timeout", "closed",
                              "error ConnectionRefusedError",
                              "error ConnectionResetError"))
        return ok

    def test_drain_finishes_work_in_progress(self):
        # Slow Route 53: the UPDATEs queue behind the rate limit.
        results, took, rc, log, have = self.run_drain(
            ["--latency", "300", "--rate", "1"], 10)
        self.assertEqual(rc, 0, log)
        self.assertEqual(len(results), 45)
        self.assertIn("shutting down: finishing the work in progress", log)
        ok = self.check_acknowledged(results, have, log)
        # Those queued at the signal were sent and answered, not
        # dropped: all of the first 40.
        self.assertEqual(sorted(ok), list(range(40)), results)
        late = [results[i] for i in range(40, 45)]
        self.assertNotIn("NOERROR", late)
        self.assertIn("SERVFAIL: shutting down", log)
        # Well within the bound: the queued UPDATEs went in a batch or
        # two, not one by one.
        self.assertLess(took, 10 + 2, log)
        self.assertNotIn("shutdown-timeout passed", log)

    def test_drain_gives_up_at_the_bound(self):
        # Route 53 stops answering change batches: the process still
        # exits at shutdown-timeout, and nothing unanswered is lost.
        results, took, rc, log, have = self.run_drain(
            [], 2, faults=({"type": "slow", "delay": 30,
                            "op": "ChangeResourceRecordSets",
                            "count": 100},))
        self.assertEqual(rc, 0, log)
        self.assertIn("shutdown-timeout passed with work in progress", log)
        self.assertLess(took, 2 + 2, log)
        self.check_acknowledged(results, have, log)
        self.assertNotIn("NOERROR", results.values())
        # Those held at the bound are answered SERVFAIL, over UDP at
        # least (the TCP connections may close first).
        udp = [results[i] for i in range(0, 40) if i % 2 == 1]
        self.assertIn("SERVFAIL", udp, results)


class DryRun(unittest.TestCase):
    """dry-run: UPDATEs are evaluated and answered as if sent, the
    batch is logged, and nothing changes in Route 53 or in what r53d
    answers; a zone may turn it off for itself."""

    def test_dry_run(self):
        emu = T.Emulator(["example.com", "example.net"])
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\ndry-run yes;\n" % port
                + keyfile("k1", SECRET_A) + emu.aws_conf()
                + 'zone "example.com" { allow-update { key "k1"; }; };\n'
                + 'zone "example.net" { allow-update { key "k1"; };\n'
                '\tdry-run no;\n};\n')
        d = T.Daemon(conf, port=port)
        try:
            for z in ("example.com", "example.net"):
                self.assertTrue(d.wait_log("zone %s: loaded" % z, 20),
                                d.logtext())
            before = emu.rrsets("example.com.")
            emu.call("POST", "/_emu/stats/reset")
            self.assertEqual(update(port, "example.com", "dry", "192.0.2.7",
                                    "k1", SECRET_A), "NOERROR")
            # Prerequisites are still checked against what Route 53 has.
            ring = dns.tsigkeyring.from_text({"k1": SECRET_A})
            u = dns.update.UpdateMessage("example.com", keyring=ring,
                                         keyname="k1",
                                         keyalgorithm=dns.tsig.HMAC_SHA256)
            u.present("dry", "A")
            u.add("dry2", 300, "A", "192.0.2.8")
            r = dns.query.tcp(u, "127.0.0.1", port=port, timeout=5)
            self.assertEqual(r.rcode(), dns.rcode.NXRRSET)
            log = d.logtext()
            self.assertRegex(log, r"zone example\.com: dry run: a change "
                             r"batch of \d+ changes for 1 units, serial \d+, "
                             r"not sent")
            self.assertIn("zone example.com: dry run: CREATE "
                          "dry.example.com. 300 A 192.0.2.7", log)
            self.assertRegex(log, r"zone example\.com: dry run: DELETE "
                             r"example\.com\. 900 SOA ")
            self.assertEqual(emu.rrsets("example.com."), before)
            st = emu.call("GET", "/_emu/stats")
            self.assertEqual(
                st["operations"].get("ChangeResourceRecordSets", 0), 0)
            q = dns.message.make_query("dry.example.com.", "A")
            r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
            self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
            # The zone that said no is changed for real.
            self.assertEqual(update(port, "example.net", "real",
                                    "192.0.2.9", "k1", SECRET_A), "NOERROR")
            self.assertIn(("real.example.net.", "A"),
                          emu.rrsets("example.net."))
            r = T.run([T.R53D, "-nv", "-c", os.path.join(d.tmp,
                                                         "r53d.conf")])
            self.assertIn("dry-run yes;", r.stdout)
            self.assertIn("\tdry-run no;", r.stdout)
        finally:
            self.assertEqual(d.close(), 0)
            emu.close()


if __name__ == "__main__":
    T.Results.main()
