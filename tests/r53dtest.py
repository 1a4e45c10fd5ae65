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
R53D = os.path.join(ROOT, "r53d")
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
                 env=None):
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
        if env:
            e.update(env)
        self.proc = subprocess.Popen(
            [R53D, "-d", "-c", self.conf] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT, env=e)

    def rewrite(self, conf_text):
        with open(self.conf, "w") as f:
            f.write(conf_text)

    def signal(self, sig):
        self.proc.send_signal(sig)

    def alive(self):
        return self.proc.poll() is None

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

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
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
