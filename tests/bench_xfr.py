#!/usr/bin/python3
"""bench_xfr.py: r53d as a secondary, measured (run it through
tests/bench_xfr.sh).  Prints figures; asserts nothing; not part of
"make check".

1. A zone of --records A records on BIND's named (tests/primaries/),
   r53d its secondary, the hosted zone empty and the emulator throttled
   to --rate requests per second (Route 53's quota): the whole zone
   arrives by AXFR and is written to Route 53.  Printed: the wall time
   from r53d's first look at the primary to Route 53 holding the
   primary's serial, against the least the quota allows (change batches
   needed / rate); r53d's CPU reading and comparing the transfer (from
   its log), as records per second; r53d's peak RSS with that mirror.
2. Then --notifies one-record increments, each announced by NOTIFY:
   r53d's own time from the NOTIFY to the ChangeResourceRecordSets
   request (its log; the primary's share taken out).
"""
import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
import primaries as P  # noqa: E402

ZONE = "example.com."
SECRET = "YmVuY2gteGZyLWtleS1zZWNyZXQtMDEyMzQ1Njc4OWFiY2Q="
KEY = ("xfr-key", "hmac-sha256", SECRET)


def vm_hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def cpu_s(pid):
    """User and system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")


def emu_serial(emu):
    """Route 53's serial, from the emulator's own state (costly: only
    to confirm at the end)."""
    st = emu.call("GET", "/_emu/state")
    for z in st["zones"]:
        if z["Name"] != ZONE:
            continue
        for rs in z["ResourceRecordSets"]:
            if rs["Type"] == "SOA" and rs["Name"] == ZONE:
                return int(rs["ResourceRecords"][0]["Value"].split()[2])
    return None


def r53d_serial(port):
    """The serial r53d answers: its mirror takes a batch when Route 53
    accepted it."""
    return P.query_serial(port, ZONE, timeout=0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100000)
    ap.add_argument("--rate", type=int, default=5)
    ap.add_argument("--notifies", type=int, default=20)
    ap.add_argument("--r53d", default=T.R53D)
    a = ap.parse_args()
    T.R53D = a.r53d

    recs = [("h%06d" % i, 300, "A", "10.%d.%d.%d" % (i >> 16 & 255,
            i >> 8 & 255, i & 255)) for i in range(a.records)]
    emu = T.Emulator([ZONE.rstrip(".")], args=["--rate", str(a.rate),
                     "--max-rrsets", str(a.records + 1000)],
                     max_runtime=3600)
    port = T.free_port()
    p = P.Bind(zone=ZONE, records=recs, key=KEY,
               notify=[("127.0.0.1", port)], max_runtime=3600)
    conf = ("listen 127.0.0.1 port %d;\n" % port
            + 'key "%s" { algorithm %s; secret "%s"; };\n' % KEY
            + emu.aws_conf("rate %d;\n" % a.rate)
            + 'zone "example.com" {\n\tprimaries { 127.0.0.1 port %d '
            'key "xfr-key"; };\n\tmin-refresh-time 3600;\n};\n' % p.port)
    d = T.Daemon(conf, port=port, args=("-v",))
    try:
        want = p.serial()
        emu.call("POST", "/_emu/stats/reset")
        t0 = None
        end = time.time() + 3600
        while time.time() < end:
            log = d.logtext()
            if t0 is None and "AXFR" in log or "IXFR answered in" in log:
                t0 = t0 or time.time()
            if r53d_serial(port) == want:
                break
            time.sleep(0.05)
        t1 = time.time()
        log = d.logtext()
        m = re.search(r"in (\d+) ms \((\d+) ms of CPU reading and "
                      r"comparing\)", log)
        xfr_ms, cpu_ms = int(m.group(1)), int(m.group(2))
        m = re.search(r"of the CPU, (\d+) ms in the kernel, for (\d+) page "
                      r"faults", log)
        kern_ms, faults = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        batches = len(re.findall(r"sending \d+ changes", log))
        stats = emu.call("GET", "/_emu/stats")
        calls = stats["operations"].get("ChangeResourceRecordSets", 0)
        # The fewest batches that can hold the zone: 998 records each.
        need = -(-(a.records + 3) // 998)
        hwm = vm_hwm_kib(d.worker_pid())
        r53d_cpu = cpu_s(d.worker_pid())
        emu_cpu = cpu_s(emu.proc.pid)
        if emu_serial(emu) != want:
            print("Route 53 does not hold serial %d" % want)
        # The wall time starts at the first look at the primary; the
        # transfer and comparison come first, then the batches.
        wall = (t1 - t0) + xfr_ms / 1000.0

        own, req = [], []
        for i in range(a.notifies):
            # Apart enough that a request token is there: the time to
            # the request is then r53d's own.
            time.sleep(0.5)
            mark = len(d.logtext())
            s = p.change(add=[("n%03d" % i, 300, "A", "192.0.2.1")])
            end = time.time() + 30
            while time.time() < end and r53d_serial(port) != s:
                time.sleep(0.02)
            seg = d.logtext()[mark:]
            m = re.search(r"(\d+) ms from the NOTIFY to the changes ready, "
                          r"(\d+) of them the primary's", seg)
            if m:
                own.append(int(m.group(1)) - int(m.group(2)))
            m = re.search(r"(\d+) ms from the NOTIFY to the change batch, "
                          r"(\d+) of them the primary's", seg)
            if m:
                req.append(int(m.group(1)) - int(m.group(2)))
        print("AXFR of %d records into an empty hosted zone, emulator "
              "--rate %d" % (a.records, a.rate))
        print("  change batches needed at least       %d" % need)
        print("  ChangeResourceRecordSets calls made  %d (%d batches)"
              % (calls, batches))
        print("  quota-bound minimum                  %.1f s" % (need /
                                                                  a.rate))
        print("  wall time                            %.1f s (%.2fx)"
              % (wall, wall / (need / a.rate)))
        print("  transfer and comparison              %d ms, of which "
              "CPU %d ms" % (xfr_ms, cpu_ms))
        print("  of which the kernel's                %d ms, %d page faults"
              % (kern_ms, faults))
        print("  records read and compared per s CPU  %.0f"
              % (a.records / (cpu_ms / 1000.0) if cpu_ms else float("inf")))
        print("  r53d peak RSS                        %d KiB" % hwm)
        print("  CPU to here: r53d %.2f s, emulator %.2f s"
              % (r53d_cpu, emu_cpu))
        if own and req:
            print("NOTIFY to ChangeResourceRecordSets for %d one-record "
                  "increments, the primary's time taken out:" % len(own))
            print("  to the changes ready  median %.1f ms, max %d ms"
                  % (statistics.median(own), max(own)))
            print("  to the request        median %.1f ms, max %d ms"
                  % (statistics.median(req), max(req)))
    finally:
        d.close()
        p.close()
        emu.close()


if __name__ == "__main__":
    main()
