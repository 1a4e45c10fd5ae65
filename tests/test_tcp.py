#!/usr/bin/python3
"""Black-box tests of r53d's TCP listener under load: the real ./r53d on
loopback, with clients that hold many connections, trickle their
messages a byte at a time, or pipeline queries and never read the
answers.

What a user checks: tcp-clients up to 1024 is honoured; slow and idle
clients cannot keep a new query from being answered; the memory a client
can make r53d hold by not reading its answers stays within the bounds
r53d(8) states; pipelining keeps working for a client that reads late.
"""
import os
import resource
import select
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402

ZONE = "example.com."
KIB = 1024

# The bounds r53d(8) states for answers not yet written.
CONN_OUT_MAX = 128 * KIB
TOTAL_OUT_MAX = 16 * 1024 * KIB
# What RSS may grow by while one client floods: the stated bound for one
# connection (answers plus the request being read) and room for the
# allocator, far below what an unbounded queue reaches.
RSS_SLACK = 4 * 1024 * KIB

# A TXT RRset of about 25 kilobytes on the wire.
BIG_TXT = ['"%03d-%s"' % (i, "x" * 244) for i in range(100)]


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (min(n, hard) if hard != resource.RLIM_INFINITY
                            else n, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= n


def nofile_conf(port, extra=""):
    """A daemon with no hosted zone: names outside it are REFUSED."""
    return ("listen 127.0.0.1 port %d;\n" % port + T.aws_conf()
            + 'zone "example.com" { };\n' + extra)


def daemon_fds(d):
    return len(os.listdir("/proc/%d/fd" % d.worker_pid()))


def status_kib(d, field):
    with open("/proc/%d/status" % d.worker_pid()) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s" % field)


def reset_peak(d):
    """Reset VmHWM so that it shows the peak from now on; False if this
    kernel cannot."""
    try:
        with open("/proc/%d/clear_refs" % d.worker_pid(), "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def server_conns(port):
    """Established TCP connections whose local end is port (the daemon's
    ends, accepted or waiting to be)."""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fl = line.split()
            if int(fl[1].split(":")[1], 16) == port and fl[3] == "01":
                n += 1
    return n


def frame(q):
    w = q.to_wire()
    return struct.pack("!H", len(w)) + w


def ask_tcp(port, name="example.org.", rtype="A", timeout=2.0):
    """A query on a new connection: the answer, or None if the connection
    was closed or nothing came in time."""
    q = dns.message.make_query(name, rtype)
    try:
        return dns.query.tcp(q, "127.0.0.1", port=port, timeout=timeout)
    except (EOFError, ConnectionError, socket.timeout, dns.exception.Timeout):
        return None


def closed_by_peer(s, wait=0.0):
    """True if the daemon closed s (EOF or reset) within wait seconds.
    Data waiting on s is read and dropped."""
    end = time.time() + wait
    while True:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            return False
        try:
            if s.recv(65536) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        if time.time() >= end:
            return False


def connect_many(port, n):
    out = []
    for _ in range(n):
        out.append(socket.create_connection(("127.0.0.1", port), 5))
    return out


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


class Trickler:
    """Send each socket one byte of a DNS message every period seconds,
    in a thread, until stop()."""

    def __init__(self, socks, period=1.0):
        self.socks = list(socks)
        self.period = period
        self.done = threading.Event()
        # A length prefix of 256 bytes, then the body a byte at a time.
        self.data = b"\x01\x00" + bytes(256)
        self.pos = 0
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.done.is_set() and self.pos < len(self.data):
            b = self.data[self.pos:self.pos + 1]
            for s in self.socks:
                try:
                    s.send(b)
                except OSError:
                    pass
            self.pos += 1
            self.done.wait(self.period)

    def stop(self):
        self.done.set()
        self.t.join()


def flood(port, queries, rcvbuf=None, stuck=2.0, limit=30.0):
    """Open a connection and pipeline the framed queries without reading
    any answer, until every one is sent or nothing is taken for stuck
    seconds.  Returns (socket, bytes sent)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    data = b"".join(queries)
    off = 0
    end = time.time() + limit
    last = time.time()
    while off < len(data) and time.time() < end:
        _, w, _ = select.select([], [s], [], 0.2)
        if w:
            try:
                n = s.send(data[off:off + 65536])
            except BlockingIOError:
                n = 0
            except (ConnectionResetError, BrokenPipeError):
                break
            if n > 0:
                off += n
                last = time.time()
                continue
        if time.time() - last > stuck:
            break
    return s, off


class ListenerLimitsTest(unittest.TestCase):
    """Connection counts and deadlines; no hosted zone is needed."""

    def start(self, extra=""):
        port = T.free_port()
        d = T.Daemon(nofile_conf(port, extra), port=port)
        self.addCleanup(d.close)
        if not T.wait_udp(port):
            self.fail("r53d did not start:\n" + d.logtext())
        return d, port

    def test_tcp_clients_1024(self):
        # r53d(8) and r53d.conf(5) allow tcp-clients up to 1024.
        if not raise_nofile(1200):
            self.skipTest("cannot open 1000 descriptors here")
        d, port = self.start("tcp-clients 1024;\ntcp-idle-timeout 60;\n")
        base = daemon_fds(d)
        conns = []
        self.addCleanup(close_all, conns)
        conns.extend(connect_many(port, 1000))
        end = time.time() + 10
        while time.time() < end and daemon_fds(d) < base + 1000:
            time.sleep(0.1)
        self.assertGreaterEqual(daemon_fds(d), base + 1000,
                                "r53d does not hold 1000 connections")
        self.assertNotIn("connections open", d.logtext())
        # The first and the last connection are both served.
        for s in (conns[0], conns[-1]):
            q = dns.message.make_query("example.org.", "A")
            dns.query.send_tcp(s, q, time.time() + 2)
            r, _ = dns.query.receive_tcp(s, time.time() + 2)
            self.assertEqual(r.id, q.id)
            self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        out = T.run([T.R53D, "-nv", "-c", d.conf])
        self.assertIn("tcp-clients 1024;", out.stdout)

    def test_slowloris_does_not_block_new_queries(self):
        # tcp-clients at its default (64), every slot taken by a client
        # that trickles its message a byte a second.
        d, port = self.start()
        slow = connect_many(port, 64)
        self.addCleanup(close_all, slow)
        tr = Trickler(slow, 1.0)
        self.addCleanup(tr.stop)
        time.sleep(1.5)
        t0 = time.time()
        r = ask_tcp(port, timeout=2.0)
        self.assertIsNotNone(r, "no answer while 64 slow clients trickle")
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertLess(time.time() - t0, 2.0)
        # Several more in a row, each on a new connection.
        for _ in range(5):
            self.assertIsNotNone(ask_tcp(port, timeout=2.0))
        self.assertTrue(d.alive())

    def test_trickled_message_has_a_deadline(self):
        # Bytes that keep coming do not keep a message from timing out:
        # it must arrive whole within tcp-idle-timeout.
        d, port = self.start("tcp-idle-timeout 2;\n")
        slow = connect_many(port, 2)
        self.addCleanup(close_all, slow)
        tr = Trickler(slow, 0.25)
        self.addCleanup(tr.stop)
        t0 = time.time()
        for s in slow:
            self.assertTrue(closed_by_peer(s, 5.0 - (time.time() - t0)),
                            "a trickling client is never closed")
        self.assertLess(time.time() - t0, 4.0)
        self.assertIsNotNone(ask_tcp(port))

    def test_600_idle_connections(self):
        # Far more idle connections than tcp-clients (default 64): the
        # oldest idle ones make room, a new query is answered.
        if not raise_nofile(800):
            self.skipTest("cannot open 600 descriptors here")
        d, port = self.start()
        conns = []
        self.addCleanup(close_all, conns)
        conns.extend(connect_many(port, 600))
        time.sleep(0.5)
        t0 = time.time()
        r = ask_tcp(port, timeout=2.0)
        self.assertIsNotNone(r, "no answer with 600 idle connections open")
        self.assertEqual(r.rcode(), dns.rcode.REFUSED)
        self.assertLess(time.time() - t0, 2.0)
        # The oldest were the ones closed.
        self.assertTrue(closed_by_peer(conns[0], 1.0))
        self.assertLessEqual(daemon_fds(d), 64 + 16)
        self.assertTrue(d.alive())

    def test_idle_timeout_shorter_when_nearly_full(self):
        # tcp-clients 8, tcp-idle-timeout 8: an idle connection is kept
        # past 3 seconds while few are open; with more than three
        # quarters of the slots taken, idle ones go after a quarter of
        # the timeout, 2 seconds.
        d, port = self.start("tcp-clients 8;\ntcp-idle-timeout 8;\n")
        first = socket.create_connection(("127.0.0.1", port), 2)
        self.addCleanup(first.close)
        self.assertFalse(closed_by_peer(first, 3.0),
                         "closed before tcp-idle-timeout")
        more = connect_many(port, 7)
        self.addCleanup(close_all, more)
        t0 = time.time()
        self.assertTrue(closed_by_peer(first, 1.0),
                        "idle for 3 s and kept when nearly full")
        self.assertTrue(closed_by_peer(more[0], 3.5 - (time.time() - t0)),
                        "idle for 3.5 s and kept when nearly full")
        self.assertGreater(time.time() - t0, 1.5)
        self.assertIsNotNone(ask_tcp(port))


class ListenerMemoryTest(unittest.TestCase):
    """Clients that do not read their answers, against a loaded zone
    with a TXT RRset of about 25 kilobytes."""

    @classmethod
    def setUpClass(cls):
        cls.emu = T.Emulator(["example.com"])
        try:
            out = cls.emu.call("POST", "/_emu/write", {
                "HostedZoneId": "example.com", "ChangeBatch": {"Changes": [
                    {"Action": "CREATE", "ResourceRecordSet": {
                        "Name": "big.example.com.", "Type": "TXT",
                        "TTL": 300, "ResourceRecords":
                        [{"Value": v} for v in BIG_TXT]}}]}})
            if "ChangeInfo" not in out:
                raise RuntimeError("cannot write the zone: %r" % out)
            cls.port = T.free_port()
            conf = ("listen 127.0.0.1 port %d;\n" % cls.port
                    + cls.emu.aws_conf() + 'zone "example.com" { };\n'
                    + "tcp-idle-timeout 3;\n")
            cls.d = T.Daemon(conf, port=cls.port)
        except Exception:
            cls.emu.close()
            raise
        if not cls.d.wait_log("zone example.com: loaded", 20):
            cls.d.close()
            cls.emu.close()
            raise RuntimeError("zone did not load:\n" + cls.d.logtext())

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.close()
        cls.emu.close()
        assert rc == 0, "r53d exited %r on SIGTERM" % rc

    def tearDown(self):
        self.assertTrue(self.d.alive(), "r53d died:\n" + self.d.logtext())

    def big_query(self):
        return dns.message.make_query("big.example.com.", "TXT")

    def assert_serves(self):
        r = ask_tcp(self.port, "big.example.com.", "TXT", timeout=3.0)
        self.assertIsNotNone(r, "no TCP answer after the flood")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertEqual(len(r.answer[0]), len(BIG_TXT))
        q = dns.message.make_query(ZONE, "SOA")
        r = dns.query.udp(q, "127.0.0.1", port=self.port, timeout=2)
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)

    def rss_growth(self, run):
        """Run run() and return the daemon's peak RSS growth in bytes."""
        self.assert_serves()
        base = status_kib(self.d, "VmRSS")
        peak = reset_peak(self.d)
        top = base
        done = threading.Event()

        def sample():
            nonlocal top
            while not done.is_set():
                top = max(top, status_kib(self.d, "VmRSS"))
                done.wait(0.05)
        th = threading.Thread(target=sample, daemon=True)
        th.start()
        try:
            run()
        finally:
            done.set()
            th.join()
        if peak:
            top = max(top, status_kib(self.d, "VmHWM"))
        return (top - base) * KIB

    def wait_conns(self, n, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if server_conns(self.port) <= n:
                return True
            time.sleep(0.1)
        return False

    def test_big_answers_never_read(self):
        # 4,000 pipelined queries for 25 KB each: 100 MB of answers.
        msgs = [frame(self.big_query()) for _ in range(4000)]
        socks = []

        def run():
            s, sent = flood(self.port, msgs, rcvbuf=4096)
            socks.append(s)
            time.sleep(1.0)
        growth = self.rss_growth(run)
        s = socks[0]
        self.addCleanup(s.close)
        self.assertLess(growth, CONN_OUT_MAX + 64 * KIB + RSS_SLACK,
                        "RSS grew by %d KiB" % (growth // KIB))
        # Answers not taken for tcp-idle-timeout (3 s): closed.
        self.assertTrue(self.wait_conns(0, 6.0),
                        "a client that does not read is never closed")
        self.assert_serves()

    def test_soa_flood_never_read(self):
        # 100,000 pipelined small queries, answers never read.
        w = frame(dns.message.make_query(ZONE, "SOA"))
        msgs = [w] * 100000
        socks = []

        def run():
            s, sent = flood(self.port, msgs, rcvbuf=4096)
            socks.append(s)
            time.sleep(1.0)
        growth = self.rss_growth(run)
        self.addCleanup(socks[0].close)
        self.assertLess(growth, CONN_OUT_MAX + 64 * KIB + RSS_SLACK,
                        "RSS grew by %d KiB" % (growth // KIB))
        self.assertTrue(self.wait_conns(0, 6.0))
        self.assert_serves()

    def test_many_clients_never_read(self):
        # Eight connections at once, none read: each within its bound.
        msgs = [frame(self.big_query()) for _ in range(500)]
        socks = []

        def run():
            ths = []
            for _ in range(8):
                def one():
                    s, _ = flood(self.port, msgs, rcvbuf=4096, stuck=1.5)
                    socks.append(s)
                ths.append(threading.Thread(target=one))
                ths[-1].start()
            for th in ths:
                th.join()
            time.sleep(0.5)
        growth = self.rss_growth(run)
        self.addCleanup(close_all, socks)
        self.assertLess(growth, 8 * (CONN_OUT_MAX + 64 * KIB) + RSS_SLACK,
                        "RSS grew by %d KiB" % (growth // KIB))
        self.assert_serves()

    def test_late_reader_gets_every_answer(self):
        # Pipelining with flow control: 40 queries sent at once, the
        # answers read only after a pause shorter than the idle timeout.
        # Each query has its own ID: with random ones, two of 40 share
        # one about once in 80 runs, and the answers cannot be told apart.
        s = socket.create_connection(("127.0.0.1", self.port), 5)
        self.addCleanup(s.close)
        qs = [self.big_query() for _ in range(40)]
        for i, q in enumerate(qs):
            q.id = 0x5000 + i
        s.sendall(b"".join(frame(q) for q in qs))
        time.sleep(1.5)
        ids = set()
        end = time.time() + 10
        while len(ids) < len(qs) and time.time() < end:
            try:
                r, _ = dns.query.receive_tcp(s, end)
            except EOFError:
                self.fail("r53d closed the connection after %d of %d "
                          "answers; its log ends:\n%s" % (
                              len(ids), len(qs), self.d.logtext()[-4000:]))
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertEqual(len(r.answer[0]), len(BIG_TXT))
            self.assertNotIn(r.id, ids, "an answer came twice")
            ids.add(r.id)
        self.assertEqual(ids, set(q.id for q in qs))

    def test_full_of_stalled_clients_refuses_then_recovers(self):
        # tcp-clients 2, both held by clients that read no answers: no
        # connection is idle, so a new one is refused; once the stalled
        # ones time out (tcp-idle-timeout 4), queries are answered again.
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % port + self.emu.aws_conf()
                + 'zone "example.com" { };\n'
                + "tcp-clients 2;\ntcp-idle-timeout 4;\n")
        d = T.Daemon(conf, port=port)
        self.addCleanup(d.close)
        self.assertTrue(d.wait_log("zone example.com: loaded", 20),
                        d.logtext())
        msgs = [frame(self.big_query()) for _ in range(500)]
        socks = []
        self.addCleanup(close_all, socks)
        ths = [threading.Thread(target=lambda: socks.append(
            flood(port, msgs, rcvbuf=4096, stuck=1.0)[0]))
            for _ in range(2)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        time.sleep(0.5)     # until r53d has stalled on both
        t0 = time.time()
        self.assertIsNone(ask_tcp(port, ZONE, "SOA", timeout=1.0))
        self.assertIn("connections open, none idle", d.logtext())
        r = None
        while r is None and time.time() - t0 < 8:
            r = ask_tcp(port, ZONE, "SOA", timeout=1.0)
        self.assertIsNotNone(r, "never served after the stalled clients")
        self.assertEqual(r.rcode(), dns.rcode.NOERROR)
        self.assertTrue(d.alive())


if __name__ == "__main__":
    T.Results.main()
