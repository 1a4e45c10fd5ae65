"""UPDATE clients for r53d's fault tests: TSIG-signed UPDATEs over UDP
(the same bytes sent again on time-out, as nsupdate does) or TCP (a new
message when the connection fails), and the compare-and-swap chain that
makes double application visible.

The chain of client C is the TXT RRset cC.example.com holding one value
"n=K".  Its K-th UPDATE, attempt A, is

    prereq  cC TXT "n=K-1"           (RRset exists, value dependent)
    update  delete cC TXT "n=K-1"
            add    cC TXT "n=K"
            add    cC-uK-aA A 10.C.K.A   (unique to this attempt)
            add    sK TXT "cCaA"          (shared by every client)

so at most one attempt of each K can ever be applied, and an attempt is
applied exactly when its unique name exists.  A new attempt is a new
UPDATE (new ID, new MAC) with a new A value.
"""
import random
import socket
import struct
import threading
import time

import dns.message
import dns.rcode
import dns.tsigkeyring
import dns.update

ZONE = "example.com."

# What an attempt came to, as the client saw it.
TIMEOUT = "TIMEOUT"     # no answer at all (UDP after resends, TCP failed)


def keyring(alg, name, secret, dnspy_alg):
    return dns.tsigkeyring.from_text({name: (dnspy_alg, secret)})


def new_update(key):
    kr, name, alg = key
    return dns.update.UpdateMessage(ZONE, keyring=kr, keyname=name,
                                    keyalgorithm=alg)


def rcode_text(r):
    return r if isinstance(r, str) else dns.rcode.to_text(r)


def send_udp(u, port, tries=4, timeout=3.0, host="127.0.0.1"):
    """Send u; on time-out send the very same bytes again (nsupdate's
    behaviour).  Returns the rcode or TIMEOUT, and how many sends."""
    wire = u.to_wire()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for i in range(tries):
            s.sendto(wire, (host, port))
            end = time.monotonic() + timeout
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    data = s.recv(65535)
                except socket.timeout:
                    break
                if data[:2] != wire[:2]:
                    continue
                r = dns.message.from_wire(data, keyring=u.keyring,
                                          request_mac=u.mac)
                return r.rcode(), i + 1
        return TIMEOUT, tries
    finally:
        s.close()


def send_tcp(u, port, timeout=20.0, host="127.0.0.1"):
    """One try over a new TCP connection: the rcode or TIMEOUT."""
    import dns.query
    try:
        r = dns.query.tcp(u, host, port=port, timeout=timeout)
        return r.rcode()
    except (OSError, EOFError, dns.exception.Timeout):
        return TIMEOUT


def send(u, port, tcp, **kw):
    if tcp:
        return send_tcp(u, port, **kw)
    return send_udp(u, port, **kw)[0]


class ChainClient(threading.Thread):
    """One client of the concurrency test; see the module docstring.

    Every attempt's outcome is kept in self.outcomes[(k, a)]; self.applied
    maps K to the attempt known applied (an int) or to the tuple of the
    attempts one of which must be (answered NXRRSET after attempts whose
    outcome it never learnt).  self.bad[k] is the rcode of a deliberately
    failing UPDATE (a prerequisite that can never hold) sent before K.
    """

    def __init__(self, c, port, key, nupd, deadline, seed, bad_every=20,
                 patience=1.0):
        threading.Thread.__init__(self, name="client-%02d" % c, daemon=True)
        self.c = c
        self.port = port
        self.key = key
        self.nupd = nupd
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.bad_every = bad_every
        self.outcomes = {}
        self.applied = {}
        self.bad = {}
        self.errors = []
        self.pending = None     # (k, attempts) unresolved at the deadline
        self.sends = {"udp": 0, "tcp": 0}
        # nsupdate's defaults (UDP: 3 s, 3 resends) times patience.
        self.udp_kw = {"tries": 4 if patience >= 1 else 2,
                       "timeout": 3.0 * patience}
        self.tcp_kw = {"timeout": 20.0 * patience}

    def owner(self):
        return "c%02d.%s" % (self.c, ZONE)

    def attempt_name(self, k, a):
        return "c%02d-u%d-a%d.%s" % (self.c, k, a, ZONE)

    def attempt_addr(self, k, a):
        return "10.%d.%d.%d" % (self.c, k, a)

    def shared_value(self, a):
        return '"c%02da%d"' % (self.c, a)

    def build(self, k, a):
        u = new_update(self.key)
        u.present(self.owner(), "TXT", '"n=%d"' % (k - 1))
        u.delete(self.owner(), "TXT", '"n=%d"' % (k - 1))
        u.add(self.owner(), 60, "TXT", '"n=%d"' % k)
        u.add(self.attempt_name(k, a), 60, "A", self.attempt_addr(k, a))
        u.add("s%d.%s" % (k, ZONE), 60, "TXT", self.shared_value(a))
        return u

    def build_bad(self, k):
        u = new_update(self.key)
        u.present(self.owner(), "TXT", '"n=never"')
        u.add("c%02d-bad%d.%s" % (self.c, k, ZONE), 60, "A",
              "10.%d.%d.250" % (self.c, k))
        return u

    def send(self, u):
        tcp = self.rng.random() < 0.4
        self.sends["tcp" if tcp else "udp"] += 1
        return send(u, self.port, tcp, **(self.tcp_kw if tcp else
                                             self.udp_kw))

    def run(self):
        try:
            self.loop()
        except Exception as e:  # reported by the test
            self.errors.append("client %d: %r" % (self.c, e))

    def loop(self):
        for k in range(1, self.nupd + 1):
            if self.bad_every and k % self.bad_every == 0:
                self.bad[k] = self.send(self.build_bad(k))
            unknown = []
            a = 0
            while True:
                if time.monotonic() > self.deadline:
                    self.pending = (k, tuple(unknown))
                    return
                a += 1
                if a > 250:
                    self.errors.append("client %d: %d attempts at %d"
                                       % (self.c, a, k))
                    return
                rc = self.send(self.build(k, a))
                self.outcomes[(k, a)] = rc
                if rc == dns.rcode.NOERROR:
                    self.applied[k] = a
                    break
                if rc == dns.rcode.NXRRSET:
                    if not unknown:
                        self.errors.append(
                            "client %d: update %d attempt %d answered "
                            "NXRRSET, but no earlier attempt can have "
                            "moved the counter" % (self.c, k, a))
                        return
                    self.applied[k] = tuple(unknown)
                    break
                if rc == dns.rcode.REFUSED:
                    continue            # not applied; try again
                if rc in (dns.rcode.SERVFAIL, TIMEOUT):
                    unknown.append(a)
                    time.sleep(self.rng.uniform(0.05, 0.3))
                    continue
                self.errors.append("client %d: update %d attempt %d: %s"
                                   % (self.c, k, a, rcode_text(rc)))
                return
