#!/usr/bin/python3
"""r53emu: an Amazon Route 53 emulator for testing r53d.

It speaks the Route 53 REST/XML API (2013-04-01) over HTTP/1.1 (keep-alive)
or TLS, checks SigV4 signatures, and reproduces the service's semantics as
described in shared/ROUTE53.md: atomic batches with every error collected,
exact DELETE matching, CNAME exclusivity, apex SOA/NS protection, the
per-request and per-zone limits, PENDING -> INSYNC, throttling and
PriorRequestNotComplete.  Python 3 standard library only.

This file is the HTTP side (routing, the request handler, the server,
the command line); r53emu_service.py holds the service's state and
operations, r53emu_model.py the data model and batch semantics,
r53emu_sigv4.py the signature check, r53emu_sts.py the STS endpoint.

Command line
------------
  r53emu.py --listen 127.0.0.1:PORT [--port-file FILE]
            [--cert FILE --key FILE]
            [--zone NAME]... [--private-zone NAME]...
            [--access-key-id ID --secret-access-key KEY
             [--session-token TOKEN]] [--signing-region REGION]
            [--rate N] [--throttle [--account-bucket B/R]
             [--op-bucket OP=B/R]... [--change-bucket B/R]]
            [--insync-delay S] [--prior-request-check]
            [--processing-delay S] [--latency MS] [--max-rrsets N]
            [--max-body BYTES] [--idle-timeout S] [--seed N]
            [--strict-element-order] [--max-runtime S] [--quiet]

  --listen        address:port; port 0 picks a free port.
  --port-file     written (atomically) with the bound port once listening.
  --cert/--key    PEM files; serve HTTPS.  Without them, plain HTTP.
  --zone          create a public hosted zone (default SOA and NS).
  --private-zone  NAME[:VPC[,VPC]...] creates a private hosted zone
                  associated with these VPCs (VPCRegion us-east-1; each
                  VPC is vpc- and hexadecimal digits), by default with
                  one random vpc-....
  --access-key-id/--secret-access-key/--session-token
                  verify signatures exactly against these credentials.
                  Without them any well-formed SigV4 Authorization with a
                  date within 5 minutes is accepted.
  --signing-region  require this credential-scope region (default: any).
  --rate N        the old flat quota (before 2026-07-30): one token
                  bucket of N requests/s (burst N) over all API
                  operations: 400 Throttling "Rate exceeded".
  --throttle      Route 53's token buckets since 2026-07-30 (Developer
                  Guide, "Throttling for Amazon Route 53 API requests"):
                  a request needs a token in the account's bucket and in
                  its operation's; a ChangeResourceRecordSets also needs
                  one token per Change element in the account's
                  change-throughput bucket.  Any bucket short: 400
                  Throttling "Rate exceeded", and no bucket is drawn
                  from.  Buckets start full and refill continuously.
                  A batch with more changes than the change bucket holds
                  goes when that bucket is full and leaves it in debt
                  (Route 53's behaviour there is not published).
  --account-bucket B/R  capacity B, refill R per second (default 50/10,
                  published).
  --op-bucket OP=B/R  the bucket of one operation (repeatable).  Default
                  50/10 (published), except the published CreateHostedZone
                  40/2 and DeleteHostedZone 40/5.
  --change-bucket B/R  the change-throughput bucket.  Default 5000/1000:
                  NOT published (the figures were not at hand); chosen so
                  that any batch Route 53 accepts (at most 1,000
                  ResourceRecord elements) fits a full bucket.
  --insync-delay  seconds until a change reads INSYNC in GetChange
                  (0: INSYNC at the first GetChange; the write itself
                  always answers PENDING).
  --prior-request-check  refuse a ChangeResourceRecordSets/DeleteHostedZone
                  for a zone whose previous change is still "processing"
                  with 400 PriorRequestNotComplete.  The processing window
                  is --processing-delay seconds when that is > 0, else the
                  PENDING window (--insync-delay).  Both 0: never refused.
  --latency MS    added before answering every API request.
  --max-rrsets N  RRset quota per zone (default 10000).
  --max-body      request body limit (default 1 MiB): 400 InvalidInput.
  --strict-element-order  request XML elements must follow the API model's
                  member order (the API reference demands it; botocore
                  does not follow it, so it is off by default).  Unknown,
                  repeated and missing required elements are always
                  refused with Route 53's schema-style InvalidInput.
  --max-runtime S exit by itself after S seconds (safety net for tests).
  Stops cleanly on SIGTERM and SIGINT.  Logs one line per request to
  stderr (--quiet: errors only).

Control API (not part of AWS; no signature; JSON in and out)
------------------------------------------------------------
  GET  /_emu/state[?zone=ID]  {"zones": [{"Id", "Name", "PrivateZone",
                              "VPCs" (their IDs), "CallerReference",
                              "Comment",
                              "ResourceRecordSets": [boto3-style dicts in
                              listing order]}], "changes": {id: status}}
  POST /_emu/write            {"HostedZoneId": ID or zone name,
                              ["PrivateZone": bool,] "ChangeBatch": {as
                              boto3}} applies a change "from the console"
                              with the same checks as the API (no
                              signature, no throttle, no faults).
                              200 {"ChangeInfo": {"Id", "Status"}} or
                              400 {"Code", "Message"}.
  GET  /_emu/stats            {"total": n, "operations": {op: n},
                              "errors": {code: n}, "faults": n,
                              "fault_types": {type: n},
                              "throttled": {"account"|"operation"|
                              "change": n}, "changes": n (drawn from
                              the change bucket)}
  POST /_emu/stats/reset
  GET  /_emu/faults           pending faults
  POST /_emu/faults           {"faults": [FAULT...]} or one FAULT object
                              (appended), or {"clear": true}
  POST /_emu/config           any of {"rate": N|null, "throttle": bool,
                              "account_bucket": [B, R],
                              "op_buckets": {OP: [B, R]},
                              "change_bucket": [B, R], "insync_delay": s,
                              "processing_delay": s,
                              "prior_request_check": bool,
                              "latency_ms": ms, "max_rrsets": n,
                              "clock_offset": s,
                              "strict_element_order": bool,
                              "random_faults": {"rate": p, "kinds":
                              [FAULT...]} or null}
                              -> current config.
                              random_faults: a request that no queued
                              fault matches gets, with probability p, one
                              of the kinds matching its operation, chosen
                              at random (their counts are not used up).
                              clock_offset shifts the emulator's clock
                              (Date header, signature window, SubmittedAt).
                              Changing a bucket setting refills every
                              bucket.
  POST /_emu/sync             every change becomes INSYNC now.
  GET  /_emu/sts              STS calls so far (r53emu_sts.py)
  POST /_emu/sts              {"lifetime": s, "roles": {ARN: {"ExternalId":
                              X}}, "web_tokens": {TOKEN: epoch or null}}
  POST /_emu/credentials      {"AccessKeyId", "SecretAccessKey",
                              "SessionToken", "Expiration": epoch}: keys
                              issued elsewhere, accepted until they expire

STS
---
  POST / with a form body is AWS STS (AssumeRole, signed;
  AssumeRoleWithWebIdentity, by token), as r53emu_sts.py describes.  The
  temporary keys it issues are accepted by the Route 53 API until they
  expire (then 403 ExpiredToken), besides --access-key-id.

  FAULT = {"type": T, "count": N (default 1), "op": OPERATION or [OPS]
           (default: any API operation), "delay": s (slow),
           "status"/"code"/"message" (error), "element"/"text"
           (malformed)}
  T is one of
    "500"           500 InternalFailure, nothing applied
    "503"           503 ServiceUnavailable, nothing applied
    "throttle"      400 Throttling "Rate exceeded", nothing applied
    "prior"         400 PriorRequestNotComplete, nothing applied
    "error"         the given status/code/message, nothing applied
    "close_before"  connection closed without an answer, nothing applied
    "close_after"   request applied, then connection closed unanswered
    "slow"          request applied, answer held back for "delay" seconds
    "truncate"      request applied, headers announce the full length but
                    only half the body is sent, then the connection closes
    "malformed"     request applied, and in the answer every element named
                    "element" is removed, or with "text" given has that
                    text instead of its content (a broken Route 53 answer)
  Each matching API request uses up one count of the first matching fault.
"""
import argparse
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote
from xml.sax.saxutils import escape as xesc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53emu_model as M  # noqa: E402
import r53emu_sigv4 as SIG  # noqa: E402
import r53emu_xml as X  # noqa: E402
from r53emu_xml import ApiError, invalid_input  # noqa: E402
from r53emu_service import (  # noqa: E402
    Emulator, PRIOR_MSG, XML_HEAD, check_fault, malform, parse_query)


ROUTES = [
    # (method, path regex, operation name, handler name)
    ("POST", r"/2013-04-01/hostedzone/([^/]+)/rrset/?",
     "ChangeResourceRecordSets", "op_change"),
    ("GET", r"/2013-04-01/hostedzone/([^/]+)/rrset/?",
     "ListResourceRecordSets", "op_list_rrsets"),
    ("GET", r"/2013-04-01/change/([^/]+)", "GetChange", "op_get_change"),
    ("GET", r"/2013-04-01/hostedzonesbyname()", "ListHostedZonesByName",
     "op_list_by_name"),
    ("GET", r"/2013-04-01/hostedzonecount()", "GetHostedZoneCount",
     "op_zone_count"),
    ("GET", r"/2013-04-01/hostedzonelimit/([^/]+)/MAX_RRSETS_BY_ZONE",
     "GetHostedZoneLimit", "op_zone_limit"),
    ("GET", r"/2013-04-01/hostedzone/([^/]+)", "GetHostedZone",
     "op_get_zone"),
    ("DELETE", r"/2013-04-01/hostedzone/([^/]+)", "DeleteHostedZone",
     "op_delete_zone"),
    ("POST", r"/2013-04-01/hostedzone()", "CreateHostedZone",
     "op_create_zone"),
    ("GET", r"/2013-04-01/hostedzone()", "ListHostedZones", "op_list_zones"),
]


def route(method, path):
    for m, rx, op, fn in ROUTES:
        if m != method:
            continue
        mo = re.fullmatch(rx, path)
        if mo:
            return op, fn, unquote(mo.group(1))
    return None, None, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "r53emu"

    def version_string(self):
        return self.server_version

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        # Head and body go out in separate writes: without this, Nagle's
        # algorithm holds the body until the client's delayed ACK.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP,
                                       socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def date_time_string(self, timestamp=None):
        return BaseHTTPRequestHandler.date_time_string(
            self, self.server.emu.now() if timestamp is None else timestamp)

    def log_message(self, fmt, *args):
        if not self.server.opts.quiet:
            sys.stderr.write("r53emu: %s %s\n" % (self.address_string(),
                                                  fmt % args))

    def log_request(self, code="-", size="-"):
        pass

    def log_line(self, op, status, nbytes, t0, note=""):
        if self.server.opts.quiet and (status == "-" or int(status) < 400):
            return
        sys.stderr.write("r53emu: %s %s \"%s %s\" %s %s %dB %.1fms%s\n" % (
            time.strftime("%H:%M:%S"), self.client_address[0], self.command,
            self.path, status, op or "-", nbytes,
            (time.monotonic() - t0) * 1000, note))
        sys.stderr.flush()

    # -- body ----------------------------------------------------------------

    def read_body(self):
        """Returns the body, or None after answering a framing error."""
        limit = self.server.opts.max_body
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked":
                self.close_connection = True
                return None
            data = bytearray()
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    self.close_connection = True
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n",
                                                            b""):
                        pass
                    return bytes(data)
                if len(data) + size > limit:
                    self.close_connection = True
                    return b"\0too-large"
                data += self.rfile.read(size)
                self.rfile.readline(1024)
        cl = self.headers.get("Content-Length")
        if cl is None:
            return b""
        if not cl.strip().isdigit():
            self.close_connection = True
            return None
        n = int(cl)
        if n > limit:
            # Read and discard a moderately large body so that the client,
            # still sending, gets the answer rather than a reset.
            self.close_connection = True
            left = n if n <= 16 * limit else 0
            while left > 0:
                got = self.rfile.read(min(left, 65536))
                if not got:
                    break
                left -= len(got)
            return b"\0too-large"
        return self.rfile.read(n)

    # -- answers -------------------------------------------------------------

    def send(self, status, body, ctype="text/xml", extra=None, fault=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("x-amzn-RequestId", self.rid)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if fault == "truncate":
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.drop()
            return len(data) // 2
        self.wfile.write(data)
        return len(data)

    def error_body(self, e):
        rid = self.rid
        typ = "Receiver" if e.status >= 500 else "Sender"
        return ('<?xml version="1.0"?>\n<ErrorResponse xmlns="%s"><Error>'
                '<Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>'
                '<RequestId>%s</RequestId></ErrorResponse>'
                % (X.NS, typ, xesc(e.code), xesc(e.message), rid))

    def drop(self):
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- dispatch ------------------------------------------------------------

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def dispatch(self):
        t0 = time.monotonic()
        self.rid = str(uuid.uuid4())
        emu = self.server.emu
        path, _, query = self.path.partition("?")
        body = self.read_body()
        if body is None:
            self.close_connection = True
            n = self.send(400, self.error_body(invalid_input(
                "Invalid request framing")))
            self.log_line(None, 400, n, t0)
            return
        if body == b"\0too-large":
            n = self.send(400, self.error_body(invalid_input(
                "Request body is larger than %d bytes"
                % self.server.opts.max_body)))
            self.log_line(None, 400, n, t0)
            return
        if path.startswith("/_emu/"):
            self.control(path, query, body, t0)
            return
        if path == "/" and self.command == "POST":
            with emu.lock:
                emu.count("STS")
                status, text = emu.sts.handle(
                    self.command, self.path, self.headers, body, emu.now(),
                    self.server.opts, self.rid)
            n = self.send(status, text)
            self.log_line("STS", status, n, t0)
            return
        op, fn, arg = route(self.command, path)
        with emu.lock:
            emu.count(op or "Unknown")
            fault = emu.take_fault(op) if op else None
            latency = emu.cfg["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        ftype = fault.get("type") if fault else None
        note = " fault=%s" % ftype if fault else ""
        if ftype == "close_before":
            self.drop()
            self.log_line(op, "-", 0, t0, note)
            return
        status, text, extra = self.run(op, fn, arg, query, body, ftype,
                                       fault)
        if ftype == "close_after":
            self.drop()
            self.log_line(op, "-", 0, t0, note + " (applied, status %d)"
                          % status)
            return
        if ftype == "slow":
            time.sleep(float(fault.get("delay", 5)))
        if ftype == "malformed":
            text = malform(text, fault.get("element", ""),
                           fault.get("text"))
        n = self.send(status, text, extra=extra,
                      fault="truncate" if ftype == "truncate" else None)
        self.log_line(op, status, n, t0, note)

    def run(self, op, fn, arg, query, body, ftype, fault):
        emu = self.server.emu
        opts = self.server.opts
        try:
            if op is None:
                # Unknown route: the real answer is NOT CONFIRMED.
                raise ApiError(404, "UnknownOperationException",
                               "No operation for %s %s" % (self.command,
                                                           self.path))
            if ftype == "500":
                raise ApiError(500, "InternalFailure",
                               "The request processing has failed because of "
                               "an unknown error, exception or failure.")
            if ftype == "503":
                raise ApiError(503, "ServiceUnavailable",
                               "The request has failed due to a temporary "
                               "failure of the server.")
            if ftype == "throttle":
                raise ApiError(400, "Throttling", "Rate exceeded")
            if ftype == "prior":
                raise ApiError(400, "PriorRequestNotComplete", PRIOR_MSG)
            if ftype == "error":
                raise ApiError(int(fault.get("status", 400)),
                               fault.get("code", "InvalidInput"),
                               fault.get("message", ""))
            with emu.lock:
                if emu.throttled() or emu.bucket_throttled(op, body):
                    raise ApiError(400, "Throttling", "Rate exceeded")
                now = emu.now()
                issued = emu.sts.route53_keys(self.headers, now)
            if issued is not None:
                SIG.verify(self.command, self.path, self.headers, body, now,
                           issued[0], issued[1], issued[2],
                           opts.signing_region)
            else:
                SIG.verify(self.command, self.path, self.headers, body, now,
                           opts.access_key_id, opts.secret_access_key,
                           opts.session_token, opts.signing_region)
            with emu.lock:
                status, root, inner, extra = getattr(emu, fn)(
                    arg, parse_query(query), body)
            hdrs = {"Location": extra} if status == 201 else None
            return status, '%s<%s xmlns="%s">%s</%s>' % (
                XML_HEAD, root, X.NS, inner, root), hdrs
        except ApiError as e:
            with emu.lock:
                emu.count_error(e.code)
            return e.status, self.error_body(e), None
        except Exception:
            # An emulator bug must look like a server fault, not a hang.
            import traceback
            traceback.print_exc()
            with emu.lock:
                emu.count_error("InternalFailure")
            return 500, self.error_body(ApiError(
                500, "InternalFailure", "emulator internal error")), None

    def control(self, path, query, body, t0):
        emu = self.server.emu
        status = 200
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
            with emu.lock:
                if path == "/_emu/state" and self.command == "GET":
                    out = emu.state(parse_query(query).get("zone"))
                elif path == "/_emu/stats" and self.command == "GET":
                    out = emu.stats
                elif path == "/_emu/stats/reset" and self.command == "POST":
                    emu.reset_stats()
                    out = emu.stats
                elif path == "/_emu/faults" and self.command == "GET":
                    out = {"faults": emu.faults}
                elif path == "/_emu/faults" and self.command == "POST":
                    if data.get("clear"):
                        emu.faults = []
                    new = data.get("faults", [data] if "type" in data else [])
                    for f in new:
                        check_fault(f)
                        f.setdefault("count", 1)
                        emu.faults.append(dict(f))
                    out = {"faults": emu.faults}
                elif path == "/_emu/config" and self.command == "POST":
                    out = emu.configure(data)
                elif path == "/_emu/sts" and self.command == "GET":
                    out = emu.sts.state()
                elif path == "/_emu/sts" and self.command == "POST":
                    out = emu.sts.configure(data)
                elif path == "/_emu/credentials" and \
                        self.command == "POST":
                    out = emu.sts.add(data)
                elif path == "/_emu/sync" and self.command == "POST":
                    for c in emu.changes.values():
                        c["forced"] = True
                    out = {"synced": len(emu.changes)}
                elif path == "/_emu/write" and self.command == "POST":
                    try:
                        out = emu.console_write(data)
                    except ApiError as e:
                        status = e.status
                        out = {"Code": e.code, "Message": e.message}
                else:
                    status = 404
                    out = {"error": "no such control endpoint"}
        except (ValueError, TypeError, AttributeError) as e:
            status = 400
            out = {"error": str(e)}
        n = self.send(status, json.dumps(out, indent=1, sort_keys=True),
                      ctype="application/json")
        self.log_line("control", status, n, t0)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def finish_request(self, request, client_address):
        request.settimeout(self.opts.idle_timeout)
        if self.ssl_ctx is not None:
            try:
                request = self.ssl_ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                if not self.opts.quiet:
                    sys.stderr.write("r53emu: TLS handshake with %s failed: "
                                     "%s\n" % (client_address[0], e))
                return
        try:
            self.RequestHandlerClass(request, client_address, self)
        except (ConnectionError, ssl.SSLError, socket.timeout):
            pass
        finally:
            try:
                request.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        sys.stderr.write("r53emu: internal error serving %s\n"
                         % (client_address[0],))
        import traceback
        traceback.print_exc()


def bucket_arg(s):
    """B/R: capacity and refill per second, both > 0."""
    try:
        b, r = s.split("/")
        b, r = float(b), float(r)
    except ValueError:
        raise argparse.ArgumentTypeError("want CAPACITY/RATE: %r" % s)
    if b <= 0 or r <= 0:
        raise argparse.ArgumentTypeError("capacity and rate must be > 0")
    return [b, r]


def op_bucket_arg(s):
    op, sep, br = s.partition("=")
    if not sep or not op.isalnum():
        raise argparse.ArgumentTypeError("want OPERATION=CAPACITY/RATE")
    return (op, bucket_arg(br))


def parse_args(argv):
    p = argparse.ArgumentParser(description="Route 53 emulator for tests")
    p.add_argument("--listen", required=True, help="ADDRESS:PORT")
    p.add_argument("--port-file")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--zone", action="append", default=[])
    p.add_argument("--private-zone", action="append", default=[])
    p.add_argument("--access-key-id")
    p.add_argument("--secret-access-key")
    p.add_argument("--session-token")
    p.add_argument("--signing-region")
    p.add_argument("--rate", type=float)
    p.add_argument("--throttle", action="store_true")
    p.add_argument("--account-bucket", type=bucket_arg)
    p.add_argument("--op-bucket", type=op_bucket_arg, action="append")
    p.add_argument("--change-bucket", type=bucket_arg)
    p.add_argument("--insync-delay", type=float, default=0.0)
    p.add_argument("--prior-request-check", action="store_true")
    p.add_argument("--processing-delay", type=float, default=0.0)
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--max-rrsets", type=int, default=10000)
    p.add_argument("--max-body", type=int, default=1 << 20)
    p.add_argument("--idle-timeout", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=53)
    p.add_argument("--max-runtime", type=float)
    p.add_argument("--strict-element-order", action="store_true")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    if bool(a.cert) != bool(a.key):
        p.error("--cert and --key go together")
    if bool(a.access_key_id) != bool(a.secret_access_key):
        p.error("--access-key-id and --secret-access-key go together")
    host, sep, port = a.listen.rpartition(":")
    if not sep or not port.isdigit():
        p.error("--listen wants ADDRESS:PORT")
    a.host = host.strip("[]")
    a.port = int(port)
    return a


def main(argv):
    opts = parse_args(argv)
    try:
        emu = Emulator(opts)
    except M.NameProblem as e:
        sys.stderr.write("r53emu: bad zone name: %s\n" % e.explanation)
        return 2
    Server.address_family = socket.AF_INET6 if ":" in opts.host \
        else socket.AF_INET
    srv = Server((opts.host, opts.port), Handler)
    srv.emu = emu
    srv.opts = opts
    srv.ssl_ctx = None
    if opts.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.cert, opts.key)
        srv.ssl_ctx = ctx
    port = srv.server_address[1]
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, opts.port_file)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    t = threading.Thread(target=srv.serve_forever, kwargs={
        "poll_interval": 0.2}, daemon=True)
    t.start()
    for z in emu.zone_order:
        sys.stderr.write("r53emu: zone %s %s%s\n" % (
            z, emu.zones[z].name, " (private)" if emu.zones[z].private
            else ""))
    sys.stderr.write("r53emu: listening on %s:%d (%s)\n"
                     % (opts.host, port, "https" if opts.cert else "http"))
    sys.stderr.flush()
    stop.wait(opts.max_runtime)
    if not stop.is_set():
        sys.stderr.write("r53emu: --max-runtime reached, exiting\n")
    srv.shutdown()
    srv.server_close()
    sys.stderr.write("r53emu: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
