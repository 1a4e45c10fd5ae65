#!/usr/bin/python3
"""r53d under valgrind's memcheck for one short integration run: the
zone loaded from the Route 53 emulator over TLS, queries over UDP and
TCP, TSIG-signed UPDATEs by nsupdate and dnspython (applied, refused,
replayed), a few malformed and forged messages, SIGUSR1, SIGHUP, and
SIGTERM to end it.

It passes only when r53d exits 0 and every process of it (the
privileged parent and the worker) reports no memcheck error and no
block definitely or indirectly lost.  Prints "N passed, N failed".
"""
import os
import re
import signal
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

ZONE = "example.com."


def main():
    passed = failed = 0
    tmp = tempfile.mkdtemp(prefix="r53d-valgrind-")
    vgdir = os.path.join(tmp, "vg")
    os.makedirs(vgdir)
    os.chmod(vgdir, 0o1777)     # the worker runs as nobody
    wrapper = ["valgrind", "--tool=memcheck", "--leak-check=full",
               "--errors-for-leak-kinds=definite,indirect",
               "--error-exitcode=99", "--log-file=%s/vg.%%p" % vgdir]
    emu = T.Emulator(["example.com"])
    port = T.free_port()
    kn, secret = T.KEYS["hmac-sha256"]
    conf = ("listen 127.0.0.1 port %d;\n" % port + T.keys_conf()
            + emu.aws_conf()
            + 'zone "example.com" {\n\tallow-update { key "%s"; };\n};\n'
            % kn)
    d = T.Daemon(conf, tmpdir=tmp, port=port, wrapper=wrapper)
    t0 = time.time()
    steps = []

    def step(name, ok):
        steps.append((name, bool(ok)))
        print("%-50s %s" % (name, "ok" if ok else "FAIL"))

    try:
        step("zone loaded under valgrind",
             d.wait_log("zone example.com: loaded", timeout=120))
        kr = dns.tsigkeyring.from_text({kn: ("hmac-sha256", secret)})

        def ask(q, tcp=False):
            f = dns.query.tcp if tcp else dns.query.udp
            return f(q, "127.0.0.1", port=port, timeout=20)

        r = ask(dns.message.make_query(ZONE, "SOA"))
        step("SOA over UDP", r.rcode() == 0 and r.answer)
        r = ask(dns.message.make_query(ZONE, "NS"), tcp=True)
        step("NS over TCP", r.rcode() == 0 and r.answer)
        out = T.run(["nsupdate", "-y", "hmac-sha256:%s:%s" % (kn, secret)],
                    timeout=60, input="server 127.0.0.1 %d\n"
                    "update add vg.example.com. 300 A 192.0.2.1\n"
                    "update add vg.example.com. 300 TXT \"memcheck\"\n"
                    "send\n" % port)
        step("nsupdate add over UDP", out.returncode == 0)
        u = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                     keyalgorithm="hmac-sha256")
        u.delete("vg.example.com.", "TXT")
        u.add("vg6.example.com.", 300, "AAAA", "2001:db8::1")
        r = ask(u, tcp=True)
        step("dnspython UPDATE over TCP", r.rcode() == 0)
        wire = u.to_wire()
        raw = T.udp_exchange(wire, port, timeout=20)
        step("the same UPDATE replayed", raw is not None and
             dns.message.from_wire(raw, keyring=kr,
                                   request_mac=u.mac).rcode() == 0)
        u = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                     keyalgorithm="hmac-sha256")
        u.add("vg.example.com.", 300, "CNAME", "elsewhere.example.net.")
        r = ask(u)
        step("CNAME beside other data: no change", r.rcode() == 0)
        u = dns.update.UpdateMessage(ZONE, keyring=kr, keyname=kn,
                                     keyalgorithm="hmac-sha256")
        u.add("vg.example.com.", 300, "HINFO", "a b")
        step("unsupported type REFUSED",
             ask(u).rcode() == dns.rcode.REFUSED)
        r = ask(dns.message.make_query("vg.example.com.", "A"))
        step("the added A answered",
             r.rcode() == 0 and "192.0.2.1" in r.to_text())
        r = ask(dns.message.make_query("nothing.example.com.", "A"))
        step("NXDOMAIN", r.rcode() == dns.rcode.NXDOMAIN)
        r = ask(dns.message.make_query("version.bind.", "TXT", "CH"))
        step("CHAOS version.bind", r.rcode() == 0)
        # Malformed and forged: a compression loop, a bad MAC.
        loop = (struct.pack("!HHHHHH", 1, 0, 1, 0, 0, 0) + b"\xc0\x0c"
                + struct.pack("!HH", 6, 1))
        raw = T.udp_exchange(loop, port, timeout=20)
        step("compression loop FORMERR", raw is not None and
             raw[3] & 0xf == dns.rcode.FORMERR)
        bad = dns.tsigkeyring.from_text({kn: ("hmac-sha256", "d3Jvbmc=")})
        q = dns.message.make_query(ZONE, "SOA")
        q.use_tsig(bad, keyname=kn, algorithm="hmac-sha256")
        raw = T.udp_exchange(q.to_wire(), port, timeout=20)
        step("bad MAC NOTAUTH", raw is not None and
             raw[3] & 0xf == dns.rcode.NOTAUTH)
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(b"\x00\x40\x12")
        s.close()
        d.signal(signal.SIGUSR1)
        step("SIGUSR1 statistics", d.wait_log("stats", timeout=20))
        d.signal(signal.SIGHUP)
        time.sleep(3)
        r = ask(dns.message.make_query(ZONE, "SOA"))
        step("SOA after SIGHUP", r.rcode() == 0)
    except Exception as e:  # noqa: BLE001
        step("run: %r" % e, False)
    rc = d.close(wait=120)
    emu.close()
    step("r53d exited 0 on SIGTERM (exit %r)" % rc, rc == 0)
    logs = sorted(os.listdir(vgdir))
    step("valgrind logs of the parent and the worker (%d)" % len(logs),
         len(logs) >= 1)
    for f in logs:
        text = open(os.path.join(vgdir, f)).read()
        errs = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        lost = [int(x.replace(",", "")) for x in re.findall(
            r"(?:definitely|indirectly) lost: ([\d,]+) bytes", text)]
        ok = errs is not None and errs.group(1) == "0" and not any(lost)
        if not ok:
            print(text)
        step("%s: 0 errors, nothing definitely or indirectly lost" % f, ok)
    print("%.0f s under valgrind" % (time.time() - t0))
    passed = sum(1 for _, ok in steps if ok)
    failed = len(steps) - passed
    if failed:
        print(d.logtext()[-4000:])
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
