#!/usr/bin/python3
"""The demo (tests/demo.sh -b, what "make demo" runs, without its log on
the terminal): it starts the Route 53 emulator and r53d on free loopback
ports, prints the commands to try, and stops both when told to.

The commands it prints are run exactly as printed (dig, nsupdate and
r53d -e, from another directory), and their output checked, as well as
the emulator's own state.  Ports: never 5353; the usual ports taken, it
picks others; a port asked for and taken, it says so and stops without
claiming to run.  Nothing it started is left behind.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

DEMO = os.path.join(T.ROOT, "tests", "demo.sh")


def marked_pids(mark):
    """The processes whose environment holds R53D_DEMO_TEST=mark: the
    demo and everything it started (the worker of r53d included)."""
    want = ("R53D_DEMO_TEST=%s" % mark).encode()
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                env = f.read().split(b"\0")
            with open("/proc/%s/stat" % d) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if want in env and state != "Z":
            pids.append(int(d))
    return pids


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Demo:
    """sh tests/demo.sh -b with env added; its output read as it comes."""

    def __init__(self, env=None):
        self.mark = uuid.uuid4().hex
        e = dict(os.environ)
        for k in ("R53D_DEMO_PORT", "R53D_DEMO_EMU_PORT", "R53D_DEMO_BATCH"):
            e.pop(k, None)
        e["R53D_DEMO_SECONDS"] = "180"      # stops by itself
        e["R53D_DEMO_TEST"] = self.mark
        e.update(env or {})
        # As from a terminal: SIGINT at its default even when this test
        # was started in the background (where it is ignored, and a shell
        # may not trap a signal ignored when it starts).
        self.proc = subprocess.Popen(["sh", DEMO, "-b"], cwd=T.ROOT,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     env=e, preexec_fn=_default_sigint)
        self.out = []
        self.err = []
        self.t = [threading.Thread(target=self._read, args=(s, b))
                  for s, b in ((self.proc.stdout, self.out),
                               (self.proc.stderr, self.err))]
        for t in self.t:
            t.start()

    @staticmethod
    def _read(stream, buf):
        for line in stream:
            buf.append(line)

    def stdout(self):
        return "".join(self.out)

    def stderr(self):
        return "".join(self.err)

    def wait_ready(self, timeout=60):
        """True once the commands are printed; False if it ended first."""
        end = time.time() + timeout
        while time.time() < end:
            if "Stop with SIGTERM" in self.stdout():
                return True
            if self.proc.poll() is not None:
                for t in self.t:
                    t.join(5)
                return "Stop with SIGTERM" in self.stdout()
            time.sleep(0.1)
        return False

    def wait_exit(self, timeout=30):
        rc = self.proc.wait(timeout)
        for t in self.t:
            t.join(5)
        return rc

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.wait_exit(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.wait_exit(10)

    def parse(self):
        """(emulator port, r53d port, [commands]) from what it printed."""
        text = self.stdout()
        m = re.search(r"^Route 53 emulator on http://127\.0\.0\.1:(\d+) ",
                      text, re.M)
        n = re.search(r"^r53d on .* port (\d+) ", text, re.M)
        if not m or not n:
            raise AssertionError("no ports in:\n" + text)
        block = text.split("Try, in another terminal:\n\n", 1)[1]
        block = block.split("\n\n", 1)[0]
        cmds = []
        lines = [ln[2:] if ln.startswith("  ") else ln
                 for ln in block.split("\n")]
        i = 0
        while i < len(lines):
            cmd = lines[i]
            h = re.search(r"<<(\w+)$", cmd)
            if h:
                while i + 1 < len(lines):
                    i += 1
                    cmd += "\n" + lines[i]
                    if lines[i] == h.group(1):
                        break
            cmds.append(cmd)
            i += 1
        return int(m.group(1)), int(n.group(1)), cmds


def sh(cmd, cwd):
    """A printed command, run as a user would paste it into a shell."""
    return subprocess.run(["sh", "-c", cmd], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60)


def answer(dig_out):
    """The ANSWER section of dig's output, as lines split into fields."""
    sec = dig_out.split(";; ANSWER SECTION:\n", 1)
    if len(sec) < 2:
        return []
    return [ln.split() for ln in sec[1].split("\n\n", 1)[0].splitlines()]


def hold(port, udp=False):
    """Sockets that take port on 127.0.0.1 (a TCP listener, and UDP);
    a port already taken by someone else is just as taken."""
    held = []
    kinds = [socket.SOCK_STREAM] + ([socket.SOCK_DGRAM] if udp else [])
    for k in kinds:
        s = socket.socket(socket.AF_INET, k)
        if k == socket.SOCK_STREAM:
            # Taken even if the last test's connections are closing.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            if k == socket.SOCK_STREAM:
                s.listen(1)
            held.append(s)
        except OSError:
            s.close()
    return held


class TestDemo(unittest.TestCase):

    def setUp(self):
        self.demos = []
        self.held = []
        self.cwd = tempfile.mkdtemp(prefix="r53d-demo-test-")

    def tearDown(self):
        for d in self.demos:
            d.stop()
            d.proc.stdout.close()
            d.proc.stderr.close()
        for s in self.held:
            s.close()
        os.rmdir(self.cwd)

    def start(self, env=None):
        d = Demo(env)
        self.demos.append(d)
        return d

    def assert_all_gone(self, d):
        end = time.time() + 10
        while marked_pids(d.mark) and time.time() < end:
            time.sleep(0.2)
        self.assertEqual(marked_pids(d.mark), [],
                         "processes left behind by the demo")

    def run_printed(self, d, check_emu=True):
        """Run every printed command in order, as printed; check each."""
        emuport, port, cmds = d.parse()
        self.assertNotEqual(port, 5353)
        self.assertEqual([c.split()[0] for c in cmds],
                         ["dig", "nsupdate", "dig", os.path.join(T.ROOT,
                                                                 "r53d")])
        r = sh(cmds[0], self.cwd)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("status: NOERROR", r.stdout)
        soa = [a for a in answer(r.stdout) if a[3] == "SOA"]
        self.assertEqual(len(soa), 1, r.stdout)
        self.assertEqual(soa[0][0], "example.com.")

        r = sh(cmds[1], self.cwd)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(r.stdout, "")

        r = sh(cmds[2], self.cwd)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("status: NOERROR", r.stdout)
        self.assertEqual(answer(r.stdout),
                         [["www.example.com.", "300", "IN", "A",
                           "192.0.2.1"]])

        r = sh(cmds[3], self.cwd)
        self.assertEqual(r.returncode, 0, r.stdout)
        recs = [ln.split() for ln in r.stdout.splitlines()
                if not ln.startswith(";")]
        self.assertIn(["www.example.com.", "300", "IN", "A", "192.0.2.1"],
                      recs)
        self.assertIn("SOA", [x[3] for x in recs])

        if check_emu:
            # The change is in "Route 53", not only in r53d's copy.
            with urllib.request.urlopen("http://127.0.0.1:%d/_emu/state"
                                        % emuport, timeout=10) as f:
                st = json.loads(f.read())
            rrs = [rs for z in st["zones"] for rs in z["ResourceRecordSets"]
                   if rs["Name"] == "www.example.com." and rs["Type"] == "A"]
            self.assertEqual(rrs, [{"Name": "www.example.com.", "Type": "A",
                                    "TTL": 300, "ResourceRecords": [
                                        {"Value": "192.0.2.1"}]}])
        return emuport, port

    def test_printed_commands_work(self):
        d = self.start()
        self.assertTrue(d.wait_ready(), d.stdout() + d.stderr())
        self.run_printed(d)
        # Told to stop, it stops everything, removes its files, exits 0.
        m = re.search(r"configuration (/\S+)/r53d\.conf\.", d.stdout())
        self.assertIsNotNone(m)
        self.assertTrue(os.path.isdir(m.group(1)))
        self.assertEqual(d.stop(), 0, d.stderr())
        self.assert_all_gone(d)
        self.assertFalse(os.path.exists(m.group(1)))

    def test_sigint_stops_it(self):
        d = self.start()
        self.assertTrue(d.wait_ready(), d.stdout() + d.stderr())
        self.assertEqual(d.stop(signal.SIGINT), 0, d.stderr())
        self.assert_all_gone(d)

    def test_usual_ports_taken(self):
        self.held += hold(8053)
        self.held += hold(5300, udp=True)
        d = self.start()
        self.assertTrue(d.wait_ready(), d.stdout() + d.stderr())
        emuport, port = self.run_printed(d)
        self.assertNotEqual(emuport, 8053)
        self.assertNotIn(port, (5300, 5353))
        self.assertEqual(d.stop(), 0, d.stderr())
        self.assert_all_gone(d)

    def test_emulator_port_asked_for_and_taken(self):
        p = T.free_port()
        self.held += hold(p)
        d = self.start({"R53D_DEMO_EMU_PORT": str(p)})
        self.assertEqual(d.wait_exit(60), 1, d.stdout() + d.stderr())
        self.assertIn("demo: port %d on 127.0.0.1 is taken: the Route 53 "
                      "emulator cannot listen there" % p, d.stderr())
        self.assertNotIn("Route 53 emulator on", d.stdout())
        self.assertNotIn("Try", d.stdout())
        self.assert_all_gone(d)

    def test_dns_port_asked_for_and_taken(self):
        p = T.free_port()
        self.held += hold(p, udp=True)
        d = self.start({"R53D_DEMO_PORT": str(p)})
        self.assertEqual(d.wait_exit(60), 1, d.stdout() + d.stderr())
        self.assertIn("demo: port %d is taken on 127.0.0.1" % p, d.stderr())
        self.assertIn("r53d cannot listen there", d.stderr())
        self.assertNotIn("r53d on", d.stdout())
        self.assertNotIn("Try", d.stdout())
        self.assert_all_gone(d)

    def test_ports_asked_for(self):
        p, q = T.free_port(), T.free_port()
        d = self.start({"R53D_DEMO_PORT": str(p),
                        "R53D_DEMO_EMU_PORT": str(q)})
        self.assertTrue(d.wait_ready(), d.stdout() + d.stderr())
        self.assertEqual(self.run_printed(d, check_emu=False), (q, p))
        self.assertEqual(d.stop(), 0, d.stderr())
        self.assert_all_gone(d)

    def test_mdns_port_refused(self):
        d = self.start({"R53D_DEMO_PORT": "5353"})
        self.assertEqual(d.wait_exit(30), 1)
        self.assertEqual(d.stderr(), "demo: R53D_DEMO_PORT=5353: that is "
                         "the port of mDNS; choose another\n")
        self.assert_all_gone(d)


if __name__ == "__main__":
    T.Results.main()
