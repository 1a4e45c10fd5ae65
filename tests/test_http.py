#!/usr/bin/python3
"""Integration test of r53d's HTTP client (http/) against local servers.

Builds tests/httpget.c with the http/ sources, makes a throwaway CA and
server certificates with openssl, runs Python HTTP/1.1 servers (TLS and
plain) on 127.0.0.1 with ephemeral ports, and checks what a user would
see: responses, connection reuse, reconnects, certificate failures with
readable messages, timeouts and the response size cap.

Everything listens on loopback only; servers run in daemon threads of
this process and stop with it (an alarm bounds the whole run).
Prints "N passed, N failed"; exits non-zero on any failure.  CC and
HTTPGET_CFLAGS (e.g. "-fsanitize=address,undefined") are honoured.
"""

import http.server
import os
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRCS = ["tests/httpget.c", "http/conn.c", "http/resolve.c", "http/resp.c",
        "http/tls.c", "http/url.c", "log.c"]
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-D_DEFAULT_SOURCE",
          "-I.", "-I/usr/include/bearssl", "-g", "-O1"]

BIG = 200000
CHUNKS = [b"hello", b", ", b"chunked", b" world" * 100]

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def sh(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs(d):
    def key(name):
        sh("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
           "ec_paramgen_curve:P-256", "-out", os.path.join(d, name + ".key"))

    def ca(name):
        key(name)
        sh("openssl", "req", "-x509", "-new", "-key",
           os.path.join(d, name + ".key"), "-out",
           os.path.join(d, name + ".pem"), "-days", "2", "-subj",
           "/CN=r53d test " + name, "-addext",
           "basicConstraints=critical,CA:TRUE", "-addext",
           "keyUsage=critical,keyCertSign")

    def leaf(name, cafile, san):
        key(name)
        csr = os.path.join(d, name + ".csr")
        ext = os.path.join(d, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\n"
                    "keyUsage=digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n" % san)
        sh("openssl", "req", "-new", "-key", os.path.join(d, name + ".key"),
           "-out", csr, "-subj", "/CN=" + name)
        sh("openssl", "x509", "-req", "-in", csr, "-CA",
           os.path.join(d, cafile + ".pem"), "-CAkey",
           os.path.join(d, cafile + ".key"), "-CAcreateserial", "-out",
           os.path.join(d, name + ".pem"), "-days", "2", "-extfile", ext)

    ca("ca")
    ca("otherca")
    leaf("server", "ca", "DNS:localhost,IP:127.0.0.1")
    leaf("wrongname", "ca", "DNS:other.example,IP:127.0.0.2")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.nreq = 0
        self.server.connections += 1

    def log_message(self, *args):
        pass

    def reply(self, body, ctype="text/plain"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def dropped(self):
        """/drop: answer the first request of a connection, then close
        the connection on the next one without answering."""
        self.nreq += 1
        if self.nreq > 1:
            self.close_connection = True
            return True
        return False

    def do_GET(self):
        if self.path == "/hello":
            self.reply(b"hello world")
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i, c in enumerate(CHUNKS):
                ext = b";n=%d" % i if i % 2 else b""
                self.wfile.write(b"%x%s\r\n%s\r\n" % (len(c), ext, c))
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
        elif self.path == "/big":
            self.reply(b"x" * BIG)
        elif self.path == "/drop":
            if not self.dropped():
                self.reply(b"first")
        else:
            self.send_error(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.path == "/drop" and self.dropped():
            return
        self.reply(b"got " + body)


class IdleCloseHandler(Handler):
    timeout = 0.3           # the server closes connections idle this long


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler, ctx=None):
        self.ctx = ctx
        self.connections = 0
        super().__init__(("127.0.0.1", 0), handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def finish_request(self, request, client_address):
        if self.ctx is not None:
            try:
                request.settimeout(5)
                request = self.ctx.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                request.close()
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass


def silent_server():
    """Accepts TCP connections and never says a word."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def run():
        while True:
            c, _ = s.accept()
            held.append(c)
    threading.Thread(target=run, daemon=True).start()
    return s.getsockname()[1]


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tls_ctx(d, name, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, name + ".pem"),
                        os.path.join(d, name + ".key"))
    if ciphers is not None:
        # TLS 1.2 (BearSSL's newest) with only these suites.
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers(ciphers)
    return ctx


def main():
    signal.alarm(300)
    d = tempfile.mkdtemp(prefix="r53d-http-")
    try:
        run(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def run(d):
    exe = os.path.join(d, "httpget")
    cc = os.environ.get("CC", "cc")
    extra = os.environ.get("HTTPGET_CFLAGS", "").split()
    subprocess.run([cc] + CFLAGS + extra + ["-o", exe] + SRCS +
                   ["-lcares", "-lbearssl"], cwd=TOP, check=True)
    make_certs(d)
    ca = os.path.join(d, "ca.pem")

    good = Server(Handler, tls_ctx(d, "server"))
    wrong = Server(Handler, tls_ctx(d, "wrongname"))
    idle = Server(IdleCloseHandler, tls_ctx(d, "server"))
    plain = Server(Handler)
    silent = silent_server()

    def get(url, *opts, ca_file=ca):
        t0 = time.monotonic()
        p = subprocess.run([exe, "--ca", ca_file] + list(opts) + [url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return (p.returncode, p.stdout.decode(errors="replace"),
                time.monotonic() - t0)

    # Name through c-ares and /etc/hosts, and a literal address
    # (iPAddress subjectAltName).
    rc, out, _ = get("https://localhost:%d/hello" % good.port)
    check("GET https://localhost", rc == 0 and
          "status 200 length 11\nhello world\n" in out, out)
    rc, out, _ = get("https://127.0.0.1:%d/hello" % good.port)
    check("GET https://127.0.0.1", rc == 0 and "hello world" in out, out)

    # Keep-alive: 20 requests, one TCP connection, one handshake.
    before = good.connections
    rc, out, _ = get("https://localhost:%d/hello" % good.port, "-q",
                     "--count", "20")
    check("keep-alive: 20 requests, 1 handshake", rc == 0 and
          out.count("status 200") == 20 and
          "connects 1 handshakes 1 requests 20" in out and
          good.connections - before == 1,
          out + " server saw %d" % (good.connections - before))

    # The server closes the idle connection; the next request reconnects.
    before = idle.connections
    rc, out, _ = get("https://localhost:%d/hello" % idle.port, "-q",
                     "--count", "2", "--sleep", "1000")
    check("idle connection closed by server: reconnect", rc == 0 and
          out.count("status 200") == 2 and
          "connects 2 handshakes 2 requests 2 resends 0" in out and
          idle.connections - before == 2, out)

    # A reused connection dies under a GET: sent again, transparently.
    rc, out, _ = get("https://localhost:%d/drop" % good.port, "-q",
                     "--count", "2")
    check("dead reused connection: GET sent again", rc == 0 and
          out.count("status 200") == 2 and
          "connects 2 handshakes 2 requests 2 resends 1" in out, out)

    # ... but a POST is not: the caller learns it may have arrived.
    rc, out, _ = get("https://localhost:%d/drop" % good.port, "--count",
                     "2", "--post", "change")
    check("dead reused connection: POST not resent", rc == 1 and
          "status 200 length 10\ngot change" in out and
          "error CLOSED reached 1:" in out and "resends 0" in out, out)

    rc, out, _ = get("https://localhost:%d/chunked" % good.port)
    body = b"".join(CHUNKS).decode()
    check("chunked body", rc == 0 and "status 200 length %d\n%s\n" %
          (len(body), body) in out, out)

    # The suites r53d offers: ECDHE with AES-GCM or ChaCha20-Poly1305.
    for suite in ("ECDHE-ECDSA-AES128-GCM-SHA256",
                  "ECDHE-ECDSA-AES256-GCM-SHA384",
                  "ECDHE-ECDSA-CHACHA20-POLY1305"):
        only = Server(Handler, tls_ctx(d, "server", suite))
        rc, out, _ = get("https://localhost:%d/hello" % only.port)
        check("server with only %s" % suite, rc == 0 and
              "hello world" in out, out)
    # Not CBC, nor static RSA key exchange: no suite in common.
    cbc = Server(Handler, tls_ctx(d, "server", "ECDHE-ECDSA-AES128-SHA"))
    rc, out, _ = get("https://localhost:%d/hello" % cbc.port)
    check("server with only a CBC suite refused", rc == 1 and
          "error TLS reached 0" in out, out)

    rc, out, _ = get("https://localhost:%d/hello" % good.port,
                     ca_file=os.path.join(d, "otherca.pem"))
    check("unknown CA refused", rc == 1 and "error TLS reached 0" in out
          and "certificate is not trusted (unknown CA" in out, out)

    rc, out, _ = get("https://localhost:%d/hello" % wrong.port)
    check("wrong host name refused", rc == 1 and "error TLS" in out and
          "certificate does not match the server name" in out, out)
    rc, out, _ = get("https://127.0.0.1:%d/hello" % wrong.port)
    check("wrong IP address refused", rc == 1 and "error TLS" in out and
          "certificate does not match the server name" in out, out)

    rc, out, _ = get("https://localhost:%d/hello" % good.port, "--time",
                     "5")
    check("clock far in the past", rc == 1 and
          "certificate not valid at current time 1970-01-01T00:00:05Z: "
          "is the system clock set?" in out, out)

    rc, out, t = get("https://localhost:%d/hello" % silent, "--timeout",
                     "1000")
    check("silent TLS server: timeout", rc == 1 and
          "error TIMEOUT" in out and "handshake" in out and t < 10,
          "%s (%.1f s)" % (out, t))
    rc, out, t = get("http://127.0.0.1:%d/hello" % silent, "--timeout",
                     "1000")
    check("silent HTTP server: timeout", rc == 1 and
          "error TIMEOUT reached 1" in out and t < 10,
          "%s (%.1f s)" % (out, t))

    rc, out, _ = get("https://localhost:%d/big" % good.port, "-q")
    check("large response under the cap", rc == 0 and
          "status 200 length %d" % BIG in out, out)
    rc, out, _ = get("https://localhost:%d/big" % good.port, "-q",
                     "--max", "65536")
    check("response over the cap refused", rc == 1 and
          "error PROTOCOL reached 1" in out and "too large" in out, out)

    rc, out, _ = get("http://127.0.0.1:%d/hello" % plain.port, "--count",
                     "3")
    check("plain http keep-alive", rc == 0 and out.count("hello world") == 3
          and "connects 1 handshakes 0 requests 3" in out, out)
    rc, out, _ = get("http://localhost:%d/echo" % plain.port, "--post",
                     "some data")
    check("plain http POST", rc == 0 and "got some data" in out, out)

    rc, out, _ = get("http://127.0.0.1:%d/" % closed_port())
    check("connection refused", rc == 1 and "error CONNECT reached 0" in out
          and "refused" in out, out)


if __name__ == "__main__":
    main()
