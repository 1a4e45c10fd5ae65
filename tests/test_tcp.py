#!/usr/bin/python3
"""Black-box tests of r53d's TCP listener under load: the real ./r53d on
loopback, with clients that hold many connections.

What a user checks: tcp-clients up to 1024 is honoured.
"""
import os
import resource
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

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


if __name__ == "__main__":
    T.Results.main()
