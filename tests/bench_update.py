#!/usr/bin/python3
"""bench_update.py: r53d's UPDATE benchmark (run it through
tests/bench_update.sh).  Prints figures; asserts nothing; not part of
"make check".

Set-up, all on loopback: the emulator over TLS, throttled as Route 53
is since 2026-07-30 (--throttle: the account's 50 requests refilled at 10
a second, the same per operation, and its change bucket, by default 5000
changes refilled at 1000 a second) and r53d with its default limits
(rate 10, burst 50, change-rate 1000, change-burst 5000); or, with --rate
N, both at the old flat quota of N requests a second; --latency ms added
to every API request, holding a zone of --rrsets RRsets (SOA, NS and A records at
h00000...), loaded through /_emu/write before r53d starts; r53d with one
zone and one TSIG key (hmac-sha256), logging to a file; dnsperf -u sending
TSIG-signed UPDATEs from --flows client sockets with at most --outstanding
UPDATEs in flight for --seconds.

The UPDATEs (a file of --blocks messages, replayed from the start if the
run outlasts it) are the small changes real clients send:
  70% replace the A record of a random existing host (DHCP-style:
      delete NAME A; add NAME 300 A <new address>),
  15% ACME DNS-01 challenge added (add _acme-challenge.NAME 60 TXT "t"),
  15% such a challenge removed again (delete ... TXT "t"), some hundreds
      of messages after it was added.

Figures per run: the time to the answer of one UPDATE sent to the idle
daemon once the zone is loaded (the burst means it does not wait for
the rate limiter), acknowledged (NOERROR) UPDATEs per second, median and
99th percentile time from UPDATE to answer (dnsperf -v), Route 53 API
calls per 1,000 acknowledged UPDATEs (the emulator's /_emu/stats), r53d's
peak RSS (VmHWM), the CPU used by r53d and by the emulator over the run,
and the bound the quota sets: at most one batch per 1/rate s, so each
flow gets at most `rate` answers a second per UPDATE it keeps in flight
(outstanding * rate UPDATEs/s), and with the buckets at most the change
bucket's 5000 plus 1000 a second over the run, divided by the Change
elements per UPDATE.

With --callgrind, r53d runs under valgrind --tool=callgrind; its counters
are zeroed once the zone is loaded (vgdb ... zero) and dumped when dnsperf
is done (vgdb ... dump), before the daemon stops, so the Ir printed is
that of the UPDATE load alone (plus a few SOA queries that wake the
daemon for vgdb), divided by the acknowledged UPDATEs.  The daemon runs
slower under valgrind, so its batches may be larger than in the real run.
"""
import argparse
import json
import os
import pwd
import random
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

ZONE = "bench.example"
KEYNAME = "bench-key"
KEYSECRET = "YmVuY2gtdXBkYXRlLWtleS1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg=="


def host(i):
    return "h%05d" % i


def load_zone(emu, nrrsets):
    """Fill the zone up to nrrsets RRsets (SOA and NS are there)."""
    n = nrrsets - 2
    i = 0
    while i < n:
        changes = []
        for j in range(i, min(n, i + 1000)):
            changes.append({"Action": "CREATE", "ResourceRecordSet": {
                "Name": "%s.%s." % (host(j), ZONE), "Type": "A",
                "TTL": 300, "ResourceRecords": [
                    {"Value": "10.%d.%d.%d" % (j >> 16, (j >> 8) & 255,
                                               j & 255)}]}})
        r = emu.call("POST", "/_emu/write", {
            "HostedZoneId": ZONE, "ChangeBatch": {"Changes": changes}})
        if "ChangeInfo" not in r:
            raise RuntimeError("loading the zone: %r" % (r,))
        i += len(changes)
    return n


def token(rng):
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_")
                   for _ in range(43))


def write_updates(path, nblocks, nhosts, seed):
    rng = random.Random(seed)
    acme = []	# (index added, name, token)
    nacme = 0
    with open(path, "w") as f:
        for i in range(nblocks):
            r = rng.random()
            f.write(ZONE + "\n")
            if r < 0.15 or (r < 0.30 and not (acme and
                                             i - acme[0][0] > 500)):
                name = "_acme-challenge.a%06d" % nacme
                nacme += 1
                t = token(rng)
                acme.append((i, name, t))
                f.write('add %s 60 TXT "%s"\n' % (name, t))
            elif r < 0.30:
                _, name, t = acme.pop(0)
                f.write('delete %s TXT "%s"\n' % (name, t))
            else:
                h = host(rng.randrange(nhosts))
                f.write("delete %s A\nadd %s 300 A 10.%d.%d.%d\n"
                        % (h, h, rng.randrange(100, 200),
                           rng.randrange(256), rng.randrange(1, 255)))
            f.write("send\n")


def cpu_ticks(pid):
    """utime + stime of pid (and its reaped children) in clock ticks."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15])
    except (OSError, IndexError, ValueError):
        return None


def udp_rcvbuf_errors():
    """Datagrams the kernel dropped for a full receive buffer (all UDP
    sockets of the host: on an otherwise quiet machine, the run's)."""
    try:
        with open("/proc/net/snmp") as f:
            rows = [line.split() for line in f if line.startswith("Udp:")]
        return int(rows[1][rows[0].index("RcvbufErrors")])
    except (OSError, IndexError, ValueError):
        return None


def vm_hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def percentile(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    k = (len(sorted_vals) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def run_dnsperf(port, datafile, flows, outstanding, seconds, outpath):
    cmd = ["dnsperf", "-u", "-v", "-s", "127.0.0.1", "-p", str(port),
           "-y", "hmac-sha256:%s:%s" % (KEYNAME, KEYSECRET),
           "-c", str(flows), "-q", str(outstanding), "-l", str(seconds),
           "-t", "60", "-d", datafile]
    with open(outpath, "w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                       timeout=seconds + 120)
    lat = []
    rcodes = {}
    summary = {}
    line_re = re.compile(r"^> (\S+) .* ([0-9.]+)$")
    with open(outpath) as f:
        for line in f:
            m = line_re.match(line.rstrip())
            if m:
                rcodes[m.group(1)] = rcodes.get(m.group(1), 0) + 1
                if m.group(1) == "NOERROR":
                    lat.append(float(m.group(2)))
                continue
            s = line.strip()
            for key in ("Updates sent", "Updates completed", "Updates lost",
                        "Run time (s)"):
                if s.startswith(key + ":"):
                    summary[key] = float(s.split(":")[1].split()[0])
    lat.sort()
    return lat, rcodes, summary


def priv_cmd():
    """As root, the prefix that runs a command as nobody."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=%d"
            % pwd.getpwnam("nobody").pw_gid, "--clear-groups"]


def one_run(a, label, coalesce, outstanding, callgrind, seconds, tmp,
            datafile):
    os.makedirs(os.path.join(tmp, "emu-" + label))
    quota = ["--rate", str(a.rate)] if a.rate else ["--throttle"]
    emu = T.Emulator((ZONE,), tls=True, tmpdir=os.path.join(tmp, "emu-" +
                     label), args=quota + ["--latency", str(a.latency),
                                           "--max-rrsets", "200000"])
    d = None
    try:
        load_zone(emu, a.rrsets)
        port = T.free_port()
        conf = ("listen 127.0.0.1 port %d;\n" % port +
                'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n'
                % (KEYNAME, KEYSECRET) +
                emu.aws_conf("rate %d;\n\tburst %d;\n" % (a.rate, a.rate)
                             if a.rate else "") +
                'zone "%s" {\n\tallow-update { key "%s"; };\n'
                '\tcoalesce %s;\n};\n'
                % (ZONE, KEYNAME, "yes" if coalesce else "no"))
        ddir = os.path.join(tmp, "r53d-" + label)
        os.makedirs(ddir)
        os.makedirs(os.path.join(ddir, "cg"))
        cgout = os.path.join(ddir, "cg", "callgrind.out")
        if callgrind:
            # Daemon runs R53D with its arguments; wrap it in valgrind.
            # r53d started as root switches to nobody, and valgrind's
            # control FIFOs (made before the switch) become unusable: as
            # root, start it as nobody already.
            wrapper = os.path.join(ddir, "r53d-vg")
            priv = " ".join(priv_cmd() + [""])
            if priv:
                os.chmod(os.path.dirname(cgout), 0o1777)
            with open(wrapper, "w") as f:
                f.write("#!/bin/sh\nexec %svalgrind --tool=callgrind "
                        "--callgrind-out-file=%s %s \"$@\"\n"
                        % (priv, cgout, T.R53D))
            os.chmod(wrapper, 0o755)
            saved = T.R53D
            T.R53D = wrapper
            try:
                d = T.Daemon(conf, tmpdir=ddir, port=port)
            finally:
                T.R53D = saved
        else:
            d = T.Daemon(conf, tmpdir=ddir, port=port)
        end = time.monotonic() + (300 if callgrind else 60)
        while d.alive() and time.monotonic() < end and \
                not d.wait_log("zone %s: loaded" % ZONE, timeout=1):
            pass
        if "zone %s: loaded" % ZONE not in d.logtext():
            raise RuntimeError("zone did not load:\n" + d.logtext()[-2000:])
        pid = d.proc.pid if callgrind else d.worker_pid()
        idle_ms = None
        if not callgrind:
            # Idle for a while, then one UPDATE: its time to the answer.
            time.sleep(2)
            idle_ms = one_update(port)
        if callgrind:
            vg_command(pid, port, "zero")
        emu.call("POST", "/_emu/stats/reset")
        d_cpu0, e_cpu0 = cpu_ticks(pid), cpu_ticks(emu.proc.pid)
        drops0 = udp_rcvbuf_errors()
        t0 = time.monotonic()
        lat, rcodes, summary = run_dnsperf(
            port, datafile, a.flows, outstanding, seconds,
            os.path.join(tmp, "dnsperf-%s.out" % label))
        wall = time.monotonic() - t0
        d_cpu1, e_cpu1 = cpu_ticks(pid), cpu_ticks(emu.proc.pid)
        drops1 = udp_rcvbuf_errors()
        stats = emu.call("GET", "/_emu/stats")
        hwm = vm_hwm_kib(pid)
        if callgrind:
            # The counts of the UPDATE load, before the daemon stops
            # (freeing a 10,000-RRset mirror is no UPDATE's cost).
            vg_command(pid, port, "dump")
        d.close()
        d = None
        runtime = summary.get("Run time (s)", seconds)
        acked = rcodes.get("NOERROR", 0)
        hz = os.sysconf("SC_CLK_TCK")
        res = {
            "label": label, "coalesce": coalesce, "acked": acked,
            "rcodes": rcodes, "sent": summary.get("Updates sent"),
            "lost": summary.get("Updates lost"), "runtime": runtime,
            "outstanding": outstanding,
            "rate": acked / runtime if runtime else 0.0,
            "p50": percentile(lat, 0.5) * 1000,
            "p99": percentile(lat, 0.99) * 1000,
            "calls": stats.get("total", 0),
            "changes": stats.get("operations", {}).get(
                "ChangeResourceRecordSets", 0),
            "change_elems": stats.get("changes", 0),
            "idle_ms": idle_ms,
            "errors": stats.get("errors", {}),
            "hwm": hwm,
            "drops": drops1 - drops0 if drops0 is not None and
            drops1 is not None else None,
            "r53d_cpu": (d_cpu1 - d_cpu0) / hz / wall
            if d_cpu0 is not None and d_cpu1 is not None else None,
            "emu_cpu": (e_cpu1 - e_cpu0) / hz / wall
            if e_cpu0 is not None and e_cpu1 is not None else None,
        }
        if callgrind:
            res["ir"] = callgrind_ir(cgout + ".1")
        return res
    finally:
        if d is not None:
            d.close()
        emu.close()


def one_update(port):
    """Milliseconds from one UPDATE (a new A record) to its answer."""
    import dns.query
    import dns.tsig
    import dns.tsigkeyring
    import dns.update
    ring = dns.tsigkeyring.from_text({KEYNAME: KEYSECRET})
    u = dns.update.UpdateMessage(ZONE, keyring=ring, keyname=KEYNAME,
                                 keyalgorithm=dns.tsig.HMAC_SHA256)
    u.add("idle-probe", 300, "A", "192.0.2.53")
    t0 = time.monotonic()
    r = dns.query.udp(u, "127.0.0.1", port=port, timeout=30)
    ms = (time.monotonic() - t0) * 1000
    return ms if r.rcode() == 0 else None


def vg_command(pid, port, cmd):
    """Send a callgrind monitor command ("zero", "dump") to the daemon.
    The valgrind process is the r53d process (exec).  Callgrind sees the
    request only while r53d runs (vgdb must not stop it with ptrace):
    wake it with queries.  As root, vgdb runs as nobody too, or it cannot
    use the FIFOs."""
    ctl = subprocess.Popen(priv_cmd() + [
        "vgdb", "--pid=%d" % pid, "--max-invoke-ms=0", cmd],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while ctl.poll() is None and time.monotonic() < end:
        T.udp_exchange(b"\0\1\0\0\0\1\0\0\0\0\0\0\0\0\6\0\1",
                       port, timeout=0.2)
        time.sleep(0.1)
    if ctl.poll() is None:
        ctl.kill()
        ctl.wait()
        raise RuntimeError("vgdb %s did not finish" % cmd)


def callgrind_ir(path):
    """Total Ir in the file callgrind wrote at exit (counted since the
    zeroing)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("totals:") or line.startswith("summary:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def fmt(v, spec="%.0f"):
    return "-" if v is None else spec % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--cg-seconds", type=int, default=10)
    ap.add_argument("--flows", type=int, default=64)
    ap.add_argument("--outstanding", default="64,512",
                    help="UPDATEs in flight, comma-separated: one "
                    "coalescing run for each (default 64,512)")
    ap.add_argument("--rate", type=int, default=0,
                    help="the old flat quota of N requests/s (default: "
                    "Route 53's buckets since 2026-07-30)")
    ap.add_argument("--latency", type=int, default=50)
    ap.add_argument("--rrsets", type=int, default=10000)
    ap.add_argument("--blocks", type=int, default=150000)
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-off", action="store_true",
                    help="skip the run with coalesce no")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--r53d", default=T.R53D, help="the daemon to run")
    a = ap.parse_args()
    T.R53D = os.path.abspath(a.r53d)

    if shutil.which("dnsperf") is None:
        sys.exit("dnsperf not found (Debian package dnsperf)")
    os.makedirs(os.path.join(T.ROOT, "tests", "tmp"), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="bench-update-",
                           dir=os.path.join(T.ROOT, "tests", "tmp"))
    os.chmod(tmp, 0o755)
    plan = [("on/%s" % q, True, int(q)) for q in a.outstanding.split(",")]
    if not a.no_off:
        q = int(a.outstanding.split(",")[0])
        plan.append(("off/%d" % q, False, q))
    cg = not a.no_callgrind and shutil.which("valgrind") is not None
    try:
        datafile = os.path.join(tmp, "updates.txt")
        write_updates(datafile, a.blocks, a.rrsets - 2, 53)
        print("zone %s: %d RRsets; emulator %s --latency %d; "
              "dnsperf -u: %d flows for %d s; on/N: coalescing with N "
              "UPDATEs in flight, off/N: coalesce no"
              % (ZONE, a.rrsets, "--rate %d" % a.rate if a.rate else
                 "--throttle", a.latency, a.flows, a.seconds),
              flush=True)
        runs = []
        for label, co, q in plan:
            tag = label.replace("/", "-")
            r = one_run(a, tag, co, q, False, a.seconds, tmp, datafile)
            r["label"] = label
            runs.append(r)
            print("  %s: %s" % (label, json.dumps(
                {k: r[k] for k in ("acked", "rcodes", "sent", "lost",
                                   "calls", "errors")})), flush=True)
            if cg:
                c = one_run(a, tag + "-cg", co, q, True, a.cg_seconds, tmp,
                            datafile)
                r["ir"] = c.get("ir")
                r["cg_acked"] = c["acked"]
                print("  %s under callgrind, %d s: %d acknowledged, "
                      "Ir %s" % (label, a.cg_seconds, c["acked"],
                                 c.get("ir")), flush=True)
        print()
        rate = a.rate or 10

        def bound(r):
            b = r["outstanding"] * rate if r["coalesce"] else rate
            if not a.rate and r["change_elems"] and r["acked"] and \
                    r["runtime"]:
                # The change bucket: 5000 at once, 1000 a second.
                per = 1.0 * r["change_elems"] / r["acked"]
                b = min(b, (1000.0 * r["runtime"] + 5000) / per /
                        r["runtime"])
            return "%d" % b

        rows = [
            ("idle UPDATE ms", lambda r: fmt(r["idle_ms"], "%.1f")),
            ("acked UPDATEs/s", lambda r: fmt(r["rate"], "%.1f")),
            ("  target", lambda r: "2000"),
            ("  bound set by quota", bound),
            ("Change elems/UPDATE", lambda r: fmt(
                1.0 * r["change_elems"] / r["acked"] if r["acked"] and
                r["change_elems"] else None, "%.2f")),
            ("answer p50 ms", lambda r: fmt(r["p50"], "%.1f")),
            ("answer p99 ms", lambda r: fmt(r["p99"], "%.1f")),
            ("API calls/1000 upd", lambda r: fmt(
                1000.0 * r["calls"] / r["acked"] if r["acked"] else None,
                "%.1f")),
            ("  of them changes", lambda r: fmt(
                1000.0 * r["changes"] / r["acked"] if r["acked"] else None,
                "%.1f")),
            ("peak RSS KiB", lambda r: fmt(r["hwm"])),
            ("  target", lambda r: "8192"),
            ("Ir per acked UPDATE", lambda r: fmt(
                r["ir"] / r["cg_acked"] if r.get("ir") and
                r.get("cg_acked") else None)),
            ("  target", lambda r: "60000"),
            ("r53d CPU %", lambda r: fmt(
                r["r53d_cpu"] * 100 if r["r53d_cpu"] is not None
                else None, "%.1f")),
            ("emulator CPU %", lambda r: fmt(
                r["emu_cpu"] * 100 if r["emu_cpu"] is not None
                else None, "%.1f")),
            ("answers not NOERROR", lambda r: "%d" % (
                sum(r["rcodes"].values()) - r["acked"])),
            ("UPDATEs unanswered", lambda r: fmt(r["lost"])),
            ("UDP drops (rcvbuf)", lambda r: fmt(r["drops"])),
        ]
        print("%-22s" % "" + "".join(" %10s" % r["label"] for r in runs))
        for name, f in rows:
            print("%-22s" % name + "".join(" %10s" % f(r) for r in runs))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)


if __name__ == "__main__":
    main()
