#!/usr/bin/python3
"""Black-box tests of r53d's TCP listener under load: the real ./r53d on
loopback, with clients that hold many connections or trickle their
messages a byte at a time.

What a user checks: tcp-clients up to 1024 is honoured; slow and idle
clients cannot keep a new query from being answered.
"""
import os
import resource
import select
import socket
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
    return len(os.listdir("/proc/%d/fd" % d.proc.pid))


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


if __name__ == "__main__":
    T.Results.main()
