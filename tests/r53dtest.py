"""Shared pieces of r53d's black-box tests: free loopback ports, a
configuration written to a temporary directory, the real ./r53d started
in the foreground and stopped again, and small DNS helpers.

Everything listens on loopback only.  Every process started here is
killed when the test ends, and each has a run-time cap of its own.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# R53D_BIN overrides the daemon binary (e.g. a sanitizer build).
R53D = os.environ.get("R53D_BIN") or os.path.join(ROOT, "r53d")
# Set (to "asan") when R53D_BIN is the sanitizer build, by tests/asan.sh:
# each Daemon then has the sanitizers log to its own directory, and a
# report there fails the test that ran it.
SANITIZER = os.environ.get("R53D_SANITIZER", "")
SAN_OPTIONS = ("abort_on_error=1:halt_on_error=1:disable_coredump=1:"
               "detect_leaks=1:print_stacktrace=1")


def sanitizer_env(logdir):
    """ASAN_OPTIONS and UBSAN_OPTIONS that stop at the first report and
    write it to logdir (made writable by the unprivileged worker)."""
    os.makedirs(logdir, exist_ok=True)
    os.chmod(logdir, 0o1777)
    return {"ASAN_OPTIONS": SAN_OPTIONS + ":log_path=%s/asan" % logdir,
            "UBSAN_OPTIONS": SAN_OPTIONS + ":log_path=%s/ubsan" % logdir}


def sanitizer_reports(logdir):
    """The text of every sanitizer report in logdir."""
    out = []
    if os.path.isdir(logdir):
        for f in sorted(os.listdir(logdir)):
            with open(os.path.join(logdir, f), errors="replace") as fh:
                out.append("%s:\n%s" % (f, fh.read()))
    return out
EMU = os.path.join(ROOT, "tests", "r53emu.py")
PY = "/usr/bin/python3"

# One key per TSIG algorithm; the secrets are test values only.
KEYS = {
    "hmac-md5": ("k-md5", "bWQ1LXRlc3Qta2V5LXNlY3JldA=="),
    "hmac-sha1": ("k-sha1", "c2hhMS10ZXN0LWtleS1zZWNyZXQtMDE="),
    "hmac-sha224": ("k-sha224", "c2hhMjI0LXRlc3Qta2V5LXNlY3JldC0wMTIzNDU2Nzg="),
    "hmac-sha256": ("k-sha256",
                    "c2hhMjU2LXRlc3Qta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWI="),
    "hmac-sha384": ("k-sha384",
                    "c2hhMzg0LXRlc3Qta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg=="),
    "hmac-sha512": ("k-sha512",
                    "c2hhNTEyLXRlc3Qta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVm"),
}


# dnspython's names for the algorithms.
DNSPY_ALG = {
    "hmac-md5": "hmac-md5.sig-alg.reg.int.",
    "hmac-sha1": "hmac-sha1.",
    "hmac-sha224": "hmac-sha224.",
    "hmac-sha256": "hmac-sha256.",
    "hmac-sha384": "hmac-sha384.",
    "hmac-sha512": "hmac-sha512.",
}


AWS_KEY_ID = "AKIDEXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def aws_conf(endpoint="http://127.0.0.1:9", extra=""):
    """An aws block for a loopback endpoint; the secret file is written
    by Daemon.  The default endpoint is a closed port: zones never load."""
    return ('aws {\n\tendpoint "%s";\n\taccess-key-id "%s";\n'
            '\tsecret-access-key-file "secret";\n%s};\n'
            % (endpoint, AWS_KEY_ID, extra))


DAEMON_MAX_RUNTIME = 1800      # seconds; no test runs a daemon longer


def die_with_parent():
    """In a child before exec: get SIGTERM when the test process dies,
    so that no daemon outlives a test run that was killed."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG,
                                            signal.SIGTERM, 0, 0, 0)


_DNSPY_UTF8 = []


def dnspython_bytes(rd):
    """dnspython 2.3 reads the \\DDD escapes of CAA values and NAPTR
    strings as characters and keeps their UTF-8 encoding (its from_text()
    for those two calls get_string().encode()): "\\233" gives c3 a9, not
    e9.  Read from ASCII text, every such byte above 127 came from an
    escape, so decoding the UTF-8 back to code points below 256 gives the
    bytes meant.  Returns rd with that undone, or rd itself for other
    types and for a dnspython that reads the escapes as bytes."""
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype
    T = dns.rdatatype
    if not _DNSPY_UTF8:
        probe = dns.rdata.from_text(dns.rdataclass.IN, T.CAA,
                                    '0 x "\\200"')
        _DNSPY_UTF8.append(probe.value != b"\xc8")
    if not _DNSPY_UTF8[0]:
        return rd

    def fix(b):
        return b.decode("utf-8").encode("latin-1")
    if rd.rdtype == T.CAA:
        return rd.replace(value=fix(rd.value))
    if rd.rdtype == T.NAPTR:
        return rd.replace(flags=fix(rd.flags), service=fix(rd.service),
                          regexp=fix(rd.regexp))
    return rd


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A port free for both UDP and TCP on host right now."""
    for _ in range(100):
        t = socket.socket(family, socket.SOCK_STREAM)
        t.bind((host, 0))
        port = t.getsockname()[1]
        u = socket.socket(family, socket.SOCK_DGRAM)
        try:
            u.bind((host, port))
        except OSError:
            t.close()
            continue
        t.close()
        u.close()
        return port
    raise RuntimeError("no free port")


def have_ipv6():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False


def keys_conf():
    out = []
    for alg, (name, secret) in KEYS.items():
        out.append('key "%s" {\n\talgorithm %s;\n\tsecret "%s";\n};\n'
                   % (name, alg, secret))
    return "".join(out)


class Daemon:
    """./r53d -d -c CONF in a temporary directory, stopped on close()."""

    def __init__(self, conf_text, tmpdir=None, port=None, args=(),
                 env=None, wrapper=()):
        """wrapper: a command to run r53d under (valgrind and its
        options)."""
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="r53d-test-")
        # r53d started as root runs as "nobody" and must be able to read
        # its configuration again on SIGHUP.
        os.chmod(self.tmp, 0o755)
        self.port = port
        self.conf = os.path.join(self.tmp, "r53d.conf")
        with open(self.conf, "w") as f:
            f.write(conf_text)
        os.chmod(self.conf, 0o644)
        sp = os.path.join(self.tmp, "secret")
        if not os.path.exists(sp):
            with open(sp, "w") as f:
                f.write(AWS_SECRET + "\n")
            os.chmod(sp, 0o644)
        self.logpath = os.path.join(self.tmp, "r53d.log")
        self.log = open(self.logpath, "w")
        e = dict(os.environ)
        e.pop("AWS_ACCESS_KEY_ID", None)
        e.pop("AWS_SECRET_ACCESS_KEY", None)
        e.pop("AWS_SESSION_TOKEN", None)
        e["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self.tmp, "nocreds")
        e["AWS_CONFIG_FILE"] = os.path.join(self.tmp, "noconfig")
        self.sandir = os.path.join(self.tmp, "sanitizer")
        if SANITIZER:
            e.update(sanitizer_env(self.sandir))
        if env:
            e.update(env)
        self.proc = subprocess.Popen(
            list(wrapper) + [R53D, "-d", "-c", self.conf] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT, env=e,
            preexec_fn=die_with_parent)
        # The death signal is cleared when r53d drops privileges, so a
        # watchdog also ends it when this process dies, or after a cap.
        self.watch = subprocess.Popen(
            ["sh", "-c", "n=0; while kill -0 %d && kill -0 %d && "
             "[ $n -lt %d ]; do sleep 1; n=$((n+1)); done 2>/dev/null; "
             "kill %d 2>/dev/null" % (os.getpid(), self.proc.pid,
                                      DAEMON_MAX_RUNTIME, self.proc.pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def rewrite(self, conf_text):
        with open(self.conf, "w") as f:
            f.write(conf_text)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def alive(self):
        return self.proc.poll() is None

    def worker_pid(self, timeout=5.0):
        """The pid of the process that does the work.  r53d started as
        root keeps root in a parent that only waits (priv.c) and works in
        its child; otherwise it is the process started."""
        end = time.time() + timeout
        while True:
            for d in os.listdir("/proc"):
                if not d.isdigit():
                    continue
                try:
                    with open("/proc/%s/stat" % d) as f:
                        st = f.read()
                except OSError:
                    continue
                # pid (comm) state ppid ...
                fields = st[st.rindex(")") + 2:].split()
                if int(fields[1]) == self.proc.pid:
                    return int(d)
            if os.geteuid() != 0 or time.time() > end or \
                    self.proc.poll() is not None:
                return self.proc.pid
            time.sleep(0.05)

    def logtext(self):
        self.log.flush()
        with open(self.logpath) as f:
            return f.read()

    def wait_log(self, text, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if text in self.logtext():
                return True
            time.sleep(0.05)
        return False

    def close(self, wait=5):
        if self.watch.poll() is None:
            self.watch.kill()
            self.watch.wait()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        reports = sanitizer_reports(self.sandir)
        if reports:
            raise AssertionError("r53d (exit %r): sanitizer report:\n%s"
                                 % (self.proc.returncode,
                                    "\n".join(reports)))
        return self.proc.returncode


def udp_exchange(data, port, host="127.0.0.1", timeout=1.0):
    """Send one datagram; return the answer or None after timeout."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(data, (host, port))
        return s.recv(65535)
    except socket.timeout:
        return None
    finally:
        s.close()


def wait_udp(port, host="127.0.0.1", timeout=10.0):
    """Wait until something answers a query on host#port."""
    import dns.message
    q = dns.message.make_query("ready.invalid.", "A").to_wire()
    end = time.time() + timeout
    while time.time() < end:
        if udp_exchange(q, port, host, 0.2) is not None:
            return True
    return False


def run(cmd, timeout=30, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, **kw)


class Results:
    """Count unittest results and print the closing line."""

    @staticmethod
    def main(module=None):
        import unittest
        prog = unittest.main(module=module or "__main__", exit=False,
                             verbosity=2)
        r = prog.result
        bad = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
        ok = max(0, r.testsRun - bad - len(r.skipped))
        line = "%d passed, %d failed" % (ok, bad)
        if r.skipped:
            line += ", %d skipped" % len(r.skipped)
        print(line)
        sys.exit(0 if bad == 0 else 1)


def _read(path):
    with open(path) as f:
        return f.read()


def make_ca(tmp, names=("127.0.0.1", "localhost")):
    """A throwaway CA and a server certificate for names, made with the
    openssl command.  Returns (ca_file, cert_file, key_file)."""
    ca_key = os.path.join(tmp, "ca.key")
    ca = os.path.join(tmp, "ca.pem")
    key = os.path.join(tmp, "server.key")
    csr = os.path.join(tmp, "server.csr")
    cert = os.path.join(tmp, "server.pem")
    ext = os.path.join(tmp, "san.ext")
    san = ",".join(("IP:" if n[0].isdigit() or ":" in n else "DNS:") + n
                   for n in names)
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n" % san)
    q = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
             check=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
                    "-subj", "/CN=r53d test CA"], **q)
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", csr, "-subj",
                    "/CN=%s" % names[0]], **q)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca,
                    "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
                    "-days", "2", "-extfile", ext], **q)
    for p in (ca, cert, key):
        os.chmod(p, 0o644)
    return ca, cert, key


class Emulator:
    """tests/r53emu.py on an ephemeral loopback port, with TLS when
    tls=True (its CA file is .ca).  Stopped by close(); it also stops by
    itself after max_runtime seconds."""

    def __init__(self, zones=("example.com",), tls=True, tmpdir=None,
                 args=(), max_runtime=900, port=0, pki=None):
        """port: listen there instead of a free port; pki: a (ca, cert,
        key) triple from make_ca() to serve with instead of a new one."""
        import json  # noqa: F401
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="r53emu-")
        os.chmod(self.tmp, 0o755)
        portfile = os.path.join(self.tmp, "emu.port")
        cmd = [PY, EMU, "--listen", "127.0.0.1:%d" % port,
               "--port-file", portfile,
               "--access-key-id", AWS_KEY_ID, "--secret-access-key",
               AWS_SECRET, "--max-runtime", str(max_runtime), "--quiet"]
        self.ca = None
        if tls:
            self.ca, cert, key = pki or make_ca(self.tmp)
            cmd += ["--cert", cert, "--key", key]
        for z in zones:
            cmd += ["--zone", z]
        cmd += list(args)
        self.logpath = os.path.join(self.tmp, "emu.log")
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        end = time.time() + 15
        while time.time() < end:
            if os.path.exists(portfile) and _read(portfile).strip():
                break
            if self.proc.poll() is not None:
                raise RuntimeError("emulator died: " + open(self.logpath).read())
            time.sleep(0.05)
        self.port = int(_read(portfile).strip())
        scheme = "https" if tls else "http"
        self.endpoint = "%s://%s:%d" % (
            scheme, "localhost" if tls else "127.0.0.1", self.port)
        self.control = "http%s://127.0.0.1:%d" % ("s" if tls else "",
                                                  self.port)

    def aws_conf(self, extra=""):
        ca = 'ca-file "%s";\n' % self.ca if self.ca else ""
        return aws_conf(self.endpoint, ca + extra)

    def call(self, method, path, body=None):
        """The emulator's /_emu/ control API: JSON in, JSON out."""
        import json
        import ssl
        import urllib.request
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.control + path, data=data,
                                     method=method)
        req.add_header("Content-Type", "application/json")
        ctx = None
        if self.ca:
            ctx = ssl.create_default_context(cafile=self.ca)
            ctx.check_hostname = False
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return json.loads(e.read() or b"null")

    def rrsets(self, zone="example.com."):
        """{(name, type): (ttl, sorted values)} of a zone, from the
        emulator's own state (not through r53d)."""
        st = self.call("GET", "/_emu/state")
        out = {}
        for z in st["zones"]:
            if z["Name"] != zone:
                continue
            for rs in z["ResourceRecordSets"]:
                vals = sorted(v["Value"] for v in rs.get("ResourceRecords", []))
                out[(rs["Name"], rs["Type"])] = (rs.get("TTL"), vals)
        return out

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_pair(zones=("example.com",), zone_extra="", conf_extra="",
               emu_args=(), tls=True, keys=True):
    """An emulator holding zones and an r53d serving them on a free
    loopback port, every key of KEYS allowed to update.  Waits until the
    zones are loaded.  Returns (emulator, daemon, port)."""
    emu = Emulator(zones, tls=tls, args=emu_args)
    port = free_port()
    allow = " ".join('key "%s";' % n for n, _ in KEYS.values())
    conf = ("listen 127.0.0.1 port %d;\n" % port + (keys_conf() if keys else "")
            + emu.aws_conf() + conf_extra)
    for z in zones:
        conf += ('zone "%s" {\n\tallow-update { %s };\n%s};\n'
                 % (z, allow if keys else "127.0.0.1;", zone_extra))
    d = Daemon(conf, port=port)
    for z in zones:
        if not d.wait_log("zone %s: loaded" % z, timeout=20):
            d.close()
            emu.close()
            raise RuntimeError("zone %s did not load:\n%s" % (z, d.logtext()))
    return emu, d, port
