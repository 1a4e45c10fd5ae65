#!/usr/bin/python3
"""Chaos runs of r53d against the Route 53 emulator: nothing acknowledged
is lost, nothing is applied twice.

  chaos.py [--updates N] [--clients N] [--faults RATE] [--kills N]
           [--servers 1|2] [--throttle] [--secondary bind|knot|none]
           [--records N] [--increment N] [--secondary-kills N]
           [--seed N] [--time-limit S]

UPDATE part.  --clients clients send --updates UPDATEs in all, each a
link of the client's compare-and-swap chain (faults_client.py):

    prereq  cC TXT "n=K-1"
    update  delete cC TXT "n=K-1"; add cC TXT "n=K"
            add cC-uK-aA A 10.C.K.A          (unique to attempt A)
            add sK TXT "cCaA"                (shared by every client)

The counter is the non-idempotent part: a second application of any
attempt of link K needs "n=K-1" again, and would show as a second
attempt of K in the zone or as a counter ahead of the links present.
Meanwhile the emulator gives a fault of a random kind (throttling, 500,
503, PriorRequestNotComplete, connection closed before or after
applying, truncated answer, slow answer) to --faults of all API
requests, and each r53d is killed with SIGKILL --kills times (worker and
privileged parent), at even steps of the acknowledged count, and started
again on the same port.  A client whose attempt timed out or got
SERVFAIL sends a new attempt (with two servers, to the other one); a
UDP attempt is first sent again as the same bytes, as nsupdate does.

With --servers 2, two r53d, each with its own mirror of the same hosted
zone, take the UPDATEs (client C talks to server C mod 2 first).

Counted from the emulator's final state (never through r53d):
  acknowledged-missing   attempts answered NOERROR that are not in the
                         zone, and links resolved by NXRRSET none of
                         whose unanswered attempts is: must be 0
  applied-twice          links with more than one attempt in the zone,
                         counters ahead of or behind the links present,
                         shared values without their attempt: must be 0
  refused-present        attempts answered NXRRSET or REFUSED (sent
                         once) that are in the zone: must be 0
  applied-unacknowledged attempts in the zone whose client saw a
                         time-out, SERVFAIL, or NXRRSET after sending
                         the same bytes again: reported

Secondary part (--secondary): BIND or Knot (tests/primaries/) is the
primary of the zone and r53d its secondary.  With the emulator slowed
down, one large increment (--increment added records, a tenth as many
deleted) is sent by NOTIFY/IXFR, and r53d is killed with SIGKILL
--secondary-kills times while it is applying it, and started again.
Then the hosted zone must equal the primary's zone, and Route 53's SOA
serial the primary's.  With --servers 2, a second r53d (never killed) is
a secondary of the same primary writing the same hosted zone, and both
must answer the primary's serial at the end.

Everything listens on loopback on free ports; every process stops by
itself.  The last line is "N passed, N failed".
"""
import argparse
import os
import random
import re
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
import faults_client as FC  # noqa: E402

import dns.rcode  # noqa: E402

ZONE = "example.com."
CRRS = "ChangeResourceRecordSets"

# Every kind of fault; each is as likely as the others.
FAULT_KINDS = [
    {"type": "throttle"},
    {"type": "500"},
    {"type": "503"},
    {"type": "prior", "op": CRRS},
    {"type": "close_before"},
    {"type": "close_after"},
    {"type": "truncate"},
    {"type": "slow", "delay": 0.5},
]

ALGS = list(T.KEYS)


def key_for(i):
    alg = ALGS[i % len(ALGS)]
    name, secret = T.KEYS[alg]
    return (FC.keyring(alg, name, secret, T.DNSPY_ALG[alg]), name, alg)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# r53d processes

class Server:
    """One r53d on a fixed port, killed with SIGKILL and started again."""

    def __init__(self, conf, port, args=(), what="zone example.com: loaded"):
        self.conf = conf
        self.port = port
        self.args = tuple(args)
        self.what = what
        self.logs = []          # log files of earlier runs
        self.d = None
        self.start()

    def start(self, timeout=120):
        self.d = T.Daemon(self.conf, port=self.port, args=self.args)
        if self.what and not self.d.wait_log(self.what, timeout=timeout):
            raise RuntimeError("r53d did not start:\n"
                               + self.d.logtext()[-3000:])

    def kill9(self):
        """SIGKILL the worker, then its privileged parent."""
        worker = self.d.worker_pid()
        os.kill(worker, signal.SIGKILL)
        if self.d.proc.pid != worker:
            try:
                os.kill(self.d.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.d.proc.wait(10)
        self.d.close()
        self.logs.append(self.d.logpath)

    def alive(self):
        return self.d.alive()

    def logs_paths(self):
        return " ".join(self.logs + [self.d.logpath])

    def logtext(self):
        text = ""
        for p in self.logs:
            with open(p) as f:
                text += f.read()
        return text + self.d.logtext()

    def close(self):
        if self.d is not None:
            self.d.close()


def server_conf(port, emu, zone_extra=""):
    allow = " ".join('key "%s";' % n for n, _ in T.KEYS.values())
    return ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
            + emu.aws_conf()
            + 'zone "example.com" {\n\tallow-update { %s };\n%s};\n'
            % (allow, zone_extra))


def set_faults(emu, rate):
    emu.call("POST", "/_emu/config", {"random_faults": {
        "rate": rate, "kinds": FAULT_KINDS} if rate > 0 else None})


# ---------------------------------------------------------------------------
# UPDATE clients

class Client(FC.ChainClient):
    """A chain client (faults_client.py) that knows how often each
    attempt was sent and, with several servers, sends a new attempt to
    the next server after a time-out or SERVFAIL."""

    def __init__(self, c, ports, nupd, deadline, seed, progress,
                 patience=0.5):
        FC.ChainClient.__init__(self, c, ports[0], key_for(c), nupd,
                                deadline, seed, bad_every=0,
                                patience=patience)
        self.ports = ports
        self.srv = c % len(ports)
        self.nsent = {}         # (k, a) -> copies sent
        self.progress = progress
        self.switches = 0
        self.udp_kw = {"tries": 3, "timeout": 1.5}
        self.tcp_kw = {"timeout": 10.0}

    def attempt_addr(self, k, a):
        # The name is what is unique; the address only has to be valid.
        return "10.%d.%d.%d" % (self.c, k % 256, a % 256)

    def send_attempt(self, u):
        port = self.ports[self.srv]
        tcp = self.rng.random() < 0.3
        self.sends["tcp" if tcp else "udp"] += 1
        try:
            if tcp:
                return FC.send_tcp(u, port, **self.tcp_kw), 1
            return FC.send_udp(u, port, **self.udp_kw)
        except OSError:
            return FC.TIMEOUT, 1

    def loop(self):
        for k in range(1, self.nupd + 1):
            unknown = []
            a = 0
            while True:
                if time.monotonic() > self.deadline:
                    self.pending = (k, tuple(unknown))
                    return
                a += 1
                if a > 400:
                    self.errors.append("client %d: %d attempts at %d"
                                       % (self.c, a, k))
                    return
                rc, n = self.send_attempt(self.build(k, a))
                self.outcomes[(k, a)] = rc
                self.nsent[(k, a)] = n
                if rc == dns.rcode.NOERROR:
                    self.applied[k] = a
                    self.progress.add(1)
                    break
                if rc == dns.rcode.NXRRSET:
                    # The counter moved: an attempt whose answer never
                    # came did it, or this one when an earlier copy of
                    # its bytes reached a server that was then killed.
                    cands = unknown + ([a] if n > 1 else [])
                    self.applied[k] = tuple(cands)
                    if not cands:
                        self.errors.append(
                            "client %d: link %d attempt %d answered "
                            "NXRRSET, but no attempt of it can have "
                            "moved the counter" % (self.c, k, a))
                    self.progress.add(1)
                    break
                if rc == dns.rcode.REFUSED:
                    time.sleep(self.rng.uniform(0.05, 0.2))
                    continue
                if rc in (dns.rcode.SERVFAIL, FC.TIMEOUT):
                    unknown.append(a)
                    if len(self.ports) > 1:
                        self.srv = (self.srv + 1) % len(self.ports)
                        self.switches += 1
                    time.sleep(self.rng.uniform(0.05, 0.3))
                    continue
                self.errors.append("client %d: link %d attempt %d: %s"
                                   % (self.c, k, a, FC.rcode_text(rc)))
                return


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.n = 0

    def add(self, k):
        with self.lock:
            self.n += k

    def get(self):
        with self.lock:
            return self.n


def analyse(clients, state):
    """The figures, from the emulator's final state and the clients'
    own records; problems as text."""
    present = set()
    for (name, rtype) in state:
        m = re.fullmatch(r"c(\d\d)-u(\d+)-a(\d+)\.example\.com\.", name)
        if m and rtype == "A":
            present.add(tuple(int(x) for x in m.groups()))
    f = {"links": 0, "attempts": 0, "acknowledged": 0,
         "acknowledged-missing": 0, "applied-twice": 0,
         "refused-present": 0, "applied-unacknowledged": 0,
         "unresolved": 0}
    rc_counts = {}
    problems = []
    shared = {}
    for c in clients:
        cid = c.c
        links = sorted({k for (k, _) in c.outcomes})
        done = 0
        for k in links:
            tried = sorted(a for (kk, a) in c.outcomes if kk == k)
            here = [a for a in tried if (cid, k, a) in present]
            f["attempts"] += len(tried)
            for a in tried:
                rc = FC.rcode_text(c.outcomes[(k, a)])
                rc_counts[rc] = rc_counts.get(rc, 0) + 1
            if here:
                done += 1
                shared.setdefault("s%d.%s" % (k, ZONE), set()).add(
                    c.shared_value(here[0]))
            if len(here) > 1:
                f["applied-twice"] += 1
                problems.append("client %d link %d: attempts %r all in "
                                "the zone" % (cid, k, here))
            how = c.applied.get(k)
            if isinstance(how, int):
                f["acknowledged"] += 1
                if how not in here:
                    f["acknowledged-missing"] += 1
                    problems.append("client %d link %d: attempt %d "
                                    "acknowledged, not in the zone (%r)"
                                    % (cid, k, how, here))
            elif how is not None:
                f["links"] += 0
                if not set(how) & set(here):
                    f["acknowledged-missing"] += 1
                    problems.append("client %d link %d: NXRRSET, but none "
                                    "of attempts %r is in the zone (%r)"
                                    % (cid, k, how, here))
            else:
                f["unresolved"] += 1
            for a in here:
                rc = c.outcomes[(k, a)]
                if rc in (dns.rcode.SERVFAIL, FC.TIMEOUT) or (
                        rc == dns.rcode.NXRRSET and
                        c.nsent.get((k, a), 1) > 1):
                    f["applied-unacknowledged"] += 1
                elif rc != dns.rcode.NOERROR:
                    f["refused-present"] += 1
                    problems.append("client %d link %d: attempt %d "
                                    "answered %s, but in the zone"
                                    % (cid, k, a, FC.rcode_text(rc)))
        f["links"] += len(links)
        # The counter: one step per link present, no more, no fewer.
        got = state.get((c.owner(), "TXT"))
        want = (60, ['"n=%d"' % done]) if done else None
        if got != want and not (done == 0 and got == (60, ['"n=0"'])):
            f["applied-twice"] += 1
            problems.append("client %d: counter %r, %d links in the zone"
                            % (cid, got, done))
    # Shared RRsets: exactly the values of the attempts present.
    for (name, rtype), (ttl, vals) in state.items():
        if re.fullmatch(r"s\d+\.example\.com\.", name):
            want = shared.pop(name, set())
            if set(vals) != want or len(vals) != len(want):
                f["applied-twice"] += 1
                problems.append("%s TXT %r, expected %r" % (
                    name, sorted(vals), sorted(want)))
    for name, want in shared.items():
        f["applied-twice"] += 1
        problems.append("%s missing, expected %r" % (name, sorted(want)))
    f["rcodes"] = rc_counts
    return f, problems


def wait_quiet(emu, limit=60.0, step=2.0):
    """Until the emulator sees no request for a step (r53d idle)."""
    end = time.monotonic() + limit
    last = None
    while time.monotonic() < end:
        n = emu.call("GET", "/_emu/stats")["total"]
        if n == last:
            return True
        last = n
        time.sleep(step)
    return False


def run_updates(nupd, nclients, fault_rate, kills, nservers=1, seed=2136,
                time_limit=900, zone_extra="", emu_args=()):
    """The UPDATE part.  Returns (figures, problems)."""
    emu = T.Emulator(("example.com",), tls=True, max_runtime=time_limit + 300,
                     args=["--max-rrsets", "200000", "--seed", str(seed)]
                     + list(emu_args))
    servers = []
    try:
        ports = [T.free_port() for _ in range(nservers)]
        # The counters, written "from the console" before r53d starts.
        r = emu.call("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "ChangeBatch": {"Changes": [
                {"Action": "CREATE", "ResourceRecordSet": {
                    "Name": "c%02d.%s" % (c, ZONE), "Type": "TXT",
                    "TTL": 60, "ResourceRecords": [{"Value": '"n=0"'}]}}
                for c in range(nclients)]}})
        assert "ChangeInfo" in r, r
        for p in ports:
            servers.append(Server(server_conf(p, emu, zone_extra), p,
                                  args=("-v",)))
        set_faults(emu, fault_rate)
        emu.call("POST", "/_emu/stats/reset", {})
        progress = Counter()
        deadline = time.monotonic() + time_limit
        per = [nupd // nclients + (1 if c < nupd % nclients else 0)
               for c in range(nclients)]
        clients = [Client(c, ports, per[c], deadline, seed * 100 + c,
                          progress) for c in range(nclients)]
        t0 = time.monotonic()
        for c in clients:
            c.start()
        # Kills at even steps of the links done; with two servers they
        # take turns.
        steps = [nupd * (i + 1) // (kills + 1) for i in range(kills)]
        downtime = []
        kill_log = []
        while any(c.is_alive() for c in clients):
            if steps and progress.get() >= steps[0]:
                steps.pop(0)
                s = servers[len(kill_log) % nservers]
                k0 = time.monotonic()
                s.kill9()
                kill_log.append((round(k0 - t0, 1), progress.get()))
                time.sleep(0.5)
                s.start()
                downtime.append(time.monotonic() - k0)
            time.sleep(0.1)
            if time.monotonic() > deadline + 60:
                break
        elapsed = time.monotonic() - t0
        set_faults(emu, 0)
        quiet = wait_quiet(emu)
        stats = emu.call("GET", "/_emu/stats")
        state = emu.rrsets()
        fig, problems = analyse(clients, state)
        problems += [e for c in clients for e in c.errors]
        unfinished = [(c.c, c.pending) for c in clients if c.pending]
        if unfinished:
            problems.append("clients unfinished at the deadline: %r"
                            % unfinished)
        for i, s in enumerate(servers):
            if not s.alive():
                problems.append("r53d %d died:\n%s" % (
                    i, s.logtext()[-2000:]))
        if not quiet:
            problems.append("r53d still busy after the clients")
        logs = [s.logtext() for s in servers]
        if problems:
            problems.append("r53d logs: %s" % " ".join(
                s.logs_paths() for s in servers))
        fig.update({
            "servers": nservers, "clients": nclients, "kills": kill_log,
            "downtime_s": [round(x, 1) for x in downtime],
            "elapsed_s": round(elapsed, 1),
            "updates_per_s": round(fig["acknowledged"] / elapsed, 1)
            if elapsed else 0,
            "api_requests": stats["total"],
            "api_ops": stats["operations"],
            "faults": stats["faults"], "fault_types": stats["fault_types"],
            "fault_rate": round(stats["faults"] / max(1, stats["total"]), 3),
            "errors": stats["errors"],
            "sends": {"udp": sum(c.sends["udp"] for c in clients),
                      "tcp": sum(c.sends["tcp"] for c in clients)},
            "server_switches": sum(c.switches for c in clients),
            "unknown_outcomes": sum(l.count("outcome of a change batch "
                                            "unknown") for l in logs),
            "refused_batches": sum(l.count("Route 53 refused the batch")
                                   for l in logs),
            "rrsets": len(state),
            "noerror_by_server": [len(re.findall(r"update \S+ key \S+ zone "
                                                 r"\S+: NOERROR", l))
                                  for l in logs],
            "verified_batches": sum(l.count("to see whether") for l in logs),
            "written_over": sum(l.count("may or may not have been applied")
                                for l in logs),
        })
        return fig, problems
    finally:
        for s in servers:
            s.close()
        emu.close()


# ---------------------------------------------------------------------------
# The secondary path

def r53d_serial(port):
    """The SOA serial r53d answers for the zone, or None."""
    import dns.message
    import dns.query
    try:
        a = dns.query.udp(dns.message.make_query(ZONE, "SOA"), "127.0.0.1",
                          port=port, timeout=2)
        return a.answer[0][0].serial if a.answer else None
    except Exception:
        return None


def run_secondary(kind, records, increment, kills, time_limit=300,
                  servers=1):
    """Kill r53d while it applies a large IXFR; returns (figures,
    problems).  With servers=2, a second r53d, never killed, is a
    secondary of the same primary writing the same hosted zone (an HA
    pair), and both must end up answering the primary's serial."""
    import primaries as P
    import test_secondary as S
    cls = {"bind": P.Bind, "knot": P.Knot}[kind]
    emu = T.Emulator([ZONE.rstrip(".")], max_runtime=time_limit + 120)
    ports = [T.free_port() for _ in range(servers)]
    port = ports[0]
    fig = {"primary": kind, "records": records, "increment": increment,
           "servers": servers}
    problems = []
    p = srv = None
    others = []
    try:
        p = cls(zone=ZONE, records=S.zone_records(records), key=S.KEY,
                notify=[("127.0.0.1", n) for n in ports],
                soa_timers=S.TIMERS)
        conf = S.daemon_conf(port, emu, p.port)
        srv = Server(conf, port, args=("-v",), what=None)
        for n in ports[1:]:
            others.append(Server(S.daemon_conf(n, emu, p.port), n,
                                 args=("-v",), what=None))
        t0 = time.monotonic()

        def converged(limit):
            end = time.monotonic() + limit
            want = p.serial()
            while time.monotonic() < end:
                if S.emulator_zone(emu)[1] == want:
                    return True
                time.sleep(0.3)
            return False

        if not converged(120):
            problems.append("initial transfer did not end")
            return fig, problems
        fig["initial_s"] = round(time.monotonic() - t0, 1)
        old = p.serial()
        # Route 53 slowed down: the increment takes several seconds.
        emu.call("POST", "/_emu/config", {"latency_ms": 400})
        adds = [("chaos%05d" % i, 300, "A", "198.51.100.%d" % (i % 250 + 1))
                for i in range(increment)]
        dels = [("h%04d" % i, 300, "A", "10.%d.%d.%d" % (
            i >> 16 & 255, i >> 8 & 255, i & 255))
            for i in range(0, min(records, increment // 10))]
        t1 = time.monotonic()
        mark = len(srv.logtext())
        new = p.change(add=adds, delete=dels)
        fig["serials"] = (old, new)
        kill_at = []
        for i in range(kills):
            # Killed once it has sent a part of the increment.
            end = time.monotonic() + 60
            while time.monotonic() < end and not re.search(
                    r"sending \d+ changes", srv.logtext()[mark:]):
                time.sleep(0.02)
            time.sleep(0.2 + 0.3 * i)
            serial_then = S.emulator_zone(emu)[1]
            srv.kill9()
            kill_at.append((round(time.monotonic() - t1, 1), serial_then))
            time.sleep(0.5)
            srv.start()
            mark = len(srv.logtext())
        fig["kills"] = kill_at
        emu.call("POST", "/_emu/config", {"latency_ms": 0})
        if not converged(time_limit):
            problems.append("Route 53 did not reach serial %d:\n%s"
                            % (new, srv.logtext()[-3000:]))
        fig["converged_s"] = round(time.monotonic() - t1, 1)
        have, serial = S.emulator_zone(emu)
        fig["route53_serial"] = serial
        fig["primary_serial"] = p.serial()
        if serial != p.serial():
            problems.append("serial %s, primary %s" % (serial, p.serial()))
        diff = P.compare_zone(p.axfr(), have, ignore=S.policy)
        if diff is not None:
            problems.append("zones differ: %s" % diff)
        fig["rrs"] = len(have)
        # Each r53d's mirror ends at the primary's serial too.
        end = time.monotonic() + 60
        while (time.monotonic() < end and
               any(r53d_serial(n) != serial for n in ports)):
            time.sleep(0.5)
        fig["r53d_serials"] = [r53d_serial(n) for n in ports]
        if any(x != serial for x in fig["r53d_serials"]):
            problems.append("r53d answers serials %s, Route 53 has %s"
                            % (fig["r53d_serials"], serial))
        for s_ in [srv] + others:
            if not s_.alive():
                problems.append("r53d on port %d died" % s_.port)
        log_text = srv.logtext()
        fig["batches_sent"] = len(re.findall(r"sending \d+ changes",
                                             log_text))
        for i, s_ in enumerate([srv] + others):
            text = s_.logtext()
            if i > 0:
                fig["batches_sent_%d" % (i + 1)] = len(re.findall(
                    r"sending \d+ changes", text))
            if servers > 1:
                # How each found the other's writes: refused batches
                # read again, increments not applied and refreshed.
                fig["refused_reread_%d" % (i + 1)] = text.count(
                    "refused the batch")
                fig["not_applied_%d" % (i + 1)] = text.count(
                    "changes from the primary (to serial")
        return fig, problems
    finally:
        for s_ in others:
            s_.close()
        if srv is not None:
            srv.close()
        if p is not None:
            p.close()
        emu.close()


# ---------------------------------------------------------------------------

def report(title, fig, problems):
    log("%s:" % title)
    for k in sorted(fig):
        log("  %-24s %s" % (k, fig[k]))
    for p in problems[:30]:
        log("  PROBLEM: %s" % p)
    if len(problems) > 30:
        log("  ... %d problems more" % (len(problems) - 30))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--updates", type=int, default=10000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--faults", type=float, default=0.2)
    ap.add_argument("--kills", type=int, default=2)
    ap.add_argument("--servers", type=int, default=1, choices=(1, 2))
    ap.add_argument("--secondary", default="bind",
                    choices=("bind", "knot", "none"))
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--increment", type=int, default=3000)
    ap.add_argument("--secondary-kills", type=int, default=2)
    ap.add_argument("--throttle", action="store_true",
                    help="the emulator enforces Route 53's request quota")
    ap.add_argument("--seed", type=int, default=2136)
    ap.add_argument("--time-limit", type=float, default=900)
    a = ap.parse_args(argv)
    passed = failed = 0
    if a.updates > 0:
        t = time.monotonic()
        fig, problems = run_updates(a.updates, a.clients, a.faults, a.kills,
                                    a.servers, a.seed, a.time_limit,
                                    emu_args=["--throttle"] if a.throttle
                                    else [])
        fig["run_s"] = round(time.monotonic() - t, 1)
        report("UPDATEs (%d servers)" % a.servers, fig, problems)
        ok = (not problems and fig["acknowledged-missing"] == 0 and
              fig["applied-twice"] == 0)
        passed += ok
        failed += not ok
    if a.secondary != "none":
        t = time.monotonic()
        fig, problems = run_secondary(a.secondary, a.records, a.increment,
                                      a.secondary_kills, servers=a.servers)
        fig["run_s"] = round(time.monotonic() - t, 1)
        report("secondary (%s)" % a.secondary, fig, problems)
        passed += not problems
        failed += bool(problems)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
