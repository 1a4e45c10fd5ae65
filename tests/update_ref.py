#!/usr/bin/python3
"""Compare r53d's RFC 2136 evaluation (dns/update.c) with BIND's named.

For each seed, random UPDATE messages (built with dnspython: adds,
deletes of RRs, RRsets and names, all five prerequisite forms, CNAME and
apex cases, wildcard NS, DS with and without delegation, MX targets in and
out of the zone) are sent one by one to a named primary on loopback and
written to files; tests/update_drv applies the same messages with
dns/update.c.  A seed passes when every message got the same rcode from
both and the final zones (AXFR from named, dump from the driver; SOA left
out because named advances the serial per UPDATE and r53d per batch) are
equal RR for RR, TTLs included.

Needs named (bind9), dnspython and obj/libr53d.a (built with make if absent).
Prints "N passed, N failed".
"""
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rdataset
import dns.update
import dns.zone

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = [1, 2, 3, 4]
UPDATES = 150

ZONE = """diff. 300 SOA ns.diff. h.diff. 1 7200 900 1209600 60
diff. 300 NS ns.diff.
diff. 300 NS ns2.example.net.
ns.diff. 300 A 192.0.2.53
www.diff. 300 A 192.0.2.1
www.diff. 300 TXT "hello"
ftp.diff. 300 CNAME www.diff.
sub.diff. 300 NS ns.sub.diff.
ns.sub.diff. 300 A 192.0.2.77
"""
NAMES = ['www', 'ftp', 'a', 'b.c', 'c', 'sub', 'x.sub', '*.w', '@', 'new1',
         'new2', 'ns', 'WWW']
VALUES = {
    'A': ['192.0.2.1', '192.0.2.2', '192.0.2.3'],
    'AAAA': ['2001:db8::1', '2001:db8::2'],
    'TXT': ['"hello"', '"x"', '"y z"'],
    'CNAME': ['www.diff.', 'elsewhere.example.net.', 'a.diff.'],
    'MX': ['10 mail.example.net.', '20 www.diff.', '5 nowhere.diff.'],
    'NS': ['ns.sub.diff.', 'ns2.example.net.', 'ns3.example.net.'],
    'DS': ['12345 8 2 ' + 'ab' * 32, '54321 8 2 ' + 'cd' * 32],
    'PTR': ['host.example.net.'],
}
ORIGIN = dns.name.from_text('diff.')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def build_driver(tmp):
    lib = os.path.join(TOP, 'obj', 'libr53d.a')
    if not os.path.exists(lib):
        subprocess.run(['make', '-s', 'lib'], cwd=TOP, check=True)
    exe = os.path.join(tmp, 'update_drv')
    subprocess.run(['cc', '-std=c11', '-D_DEFAULT_SOURCE', '-I' + TOP, '-o',
                    exe, os.path.join(TOP, 'tests/update_drv.c'), lib,
                    '-lcares', '-lbearssl'], check=True)
    return exe


def random_update(rnd):
    def nm(n):
        return ORIGIN if n == '@' else dns.name.from_text(n, ORIGIN)
    types = list(VALUES)
    u = dns.update.UpdateMessage('diff.')
    for _ in range(rnd.choice([0, 0, 0, 1, 2])):
        n = nm(rnd.choice(NAMES))
        k = rnd.randrange(5)
        t = rnd.choice(types)
        if k == 0:
            u.present(n)
        elif k == 1:
            u.absent(n)
        elif k == 2:
            u.present(n, t)
        elif k == 3:
            u.absent(n, t)
        else:
            u.present(n, dns.rdataset.from_text('IN', t, 0,
                                                rnd.choice(VALUES[t])))
    for _ in range(rnd.randint(1, 4)):
        n = nm(rnd.choice(NAMES))
        k = rnd.randrange(10)
        t = rnd.choice(types)
        if k < 5:
            u.add(n, rnd.choice([60, 300, 600]), t, rnd.choice(VALUES[t]))
        elif k < 7:
            u.delete(n, t, rnd.choice(VALUES[t]))
        elif k < 9:
            u.delete(n, t if rnd.random() < 0.9 else 'SOA')
        else:
            u.delete(n)
    return u


def one_seed(seed, drv, tmp):
    rnd = random.Random(seed)
    d = tempfile.mkdtemp(dir=tmp)
    port = free_port()
    with open(os.path.join(d, 'zone'), 'w') as f:
        f.write(ZONE)
    with open(os.path.join(d, 'zone.db'), 'w') as f:
        f.write(ZONE)
    with open(os.path.join(d, 'named.conf'), 'w') as f:
        f.write(f'''options {{ directory "{d}"; pid-file none;
 listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};
 recursion no; dnssec-validation no; }};
controls {{ }};
zone "diff." {{ type primary; file "{d}/zone.db";
 allow-update {{ 127.0.0.1; }}; allow-transfer {{ 127.0.0.1; }}; }};
''')
    named = subprocess.Popen(['timeout', '120', 'named', '-g', '-c',
                              os.path.join(d, 'named.conf')],
                             stdout=open(os.path.join(d, 'named.log'), 'w'),
                             stderr=subprocess.STDOUT)
    try:
        # named listens before its zone is loaded (SERVFAIL until then).
        for _ in range(200):
            try:
                r = dns.query.tcp(dns.message.make_query('diff.', 'SOA'),
                                  '127.0.0.1', port=port, timeout=1)
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        files, theirs_rc = [], []
        for i in range(UPDATES):
            u = random_update(rnd)
            path = os.path.join(d, f'm{i:04d}.bin')
            with open(path, 'wb') as f:
                f.write(u.to_wire())
            files.append(path)
            r = dns.query.tcp(u, '127.0.0.1', port=port, timeout=5)
            theirs_rc.append(r.rcode())
        z = dns.zone.from_xfr(dns.query.xfr('127.0.0.1', 'diff.', port=port))
    finally:
        named.terminate()
        named.wait()
    theirs = set()
    for n, node in z.nodes.items():
        owner = n.derelativize(ORIGIN).to_text().lower()
        for rds in node.rdatasets:
            if rds.rdtype == dns.rdatatype.SOA:
                continue
            for rd in rds:
                theirs.add((owner, int(rds.rdtype), rds.ttl,
                            rd.to_digestable(ORIGIN).hex()))
    out = subprocess.run([drv, 'diff.', os.path.join(d, 'zone')] + files,
                         capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    zi = lines.index('ZONE')
    mine = set()
    for line in lines[zi + 1:]:
        owner, typ, ttl, hexrd = line.split(' ')
        if int(typ) != dns.rdatatype.SOA:
            mine.add((owner.lower(), int(typ), int(ttl), hexrd))
    ok = True
    for i, (ours, theirs_i) in enumerate(zip(lines[:zi], theirs_rc)):
        if int(ours.split(' ')[0]) != theirs_i:
            ok = False
            print(f'seed {seed} msg {i}: named {dns.rcode.to_text(theirs_i)}'
                  f', r53d {ours}')
    if mine != theirs:
        ok = False
        print(f'seed {seed}: only named {sorted(theirs - mine)[:5]}')
        print(f'seed {seed}: only r53d {sorted(mine - theirs)[:5]}')
    print(f'seed {seed}: {UPDATES} updates, {len(mine)} RRs: '
          f'{"same" if ok else "DIFFERENT"}')
    return ok


def main():
    if shutil.which('named') is None:
        print('named not installed')
        print('0 passed, 1 failed')
        return 1
    tmp = tempfile.mkdtemp(prefix='update_ref.')
    try:
        drv = build_driver(tmp)
        results = [one_seed(s, drv, tmp) for s in SEEDS]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    p = sum(results)
    print(f'{p} passed, {len(results) - p} failed')
    return 0 if p == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
