#!/usr/bin/python3
"""Compare r53d's SigV4 signer with botocore's on real Route 53 requests.

It also compares the ChangeResourceRecordSets body r53d writes
(aws/r53msg.c, called through ctypes) with the one botocore's serializer
writes for the same change batch, after XML canonicalisation.

botocore (Debian's python3-botocore) builds and signs each request through
a real route53 client with a fixed clock; a before-send hook captures the
request and stops it, so nothing leaves the process.  The request parts are
then handed to tests/unit/sigv4_cli (built here with cc against aws/), and
its canonical request, string to sign and Authorization value must equal
botocore's.  botocore's canonical request and string to sign are computed
on a copy of the request without its Authorization header.

Run from the repository root.  Prints "N passed, N failed"; exits 1 on any
failure.
"""

import ctypes
import datetime
import os
import xml.etree.ElementTree as ET
import subprocess
import sys
import tempfile
from unittest import mock
from urllib.parse import unquote, urlsplit

os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
for v in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(v, None)

import botocore.auth  # noqa: E402
import botocore.session  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = ("FwoGZXIvYXdzEXAMPLE//////////wEaDL8+token/with+slashes==")
FIXED = datetime.datetime(2025, 1, 2, 3, 4, 5)
EPOCH = int(FIXED.replace(tzinfo=datetime.timezone.utc).timestamp())
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-D_DEFAULT_SOURCE",
          "-I.", "-I/usr/include/bearssl"]


class Captured(Exception):
    pass


def fixed_clock():
    """Patch the clock botocore's SigV4Auth reads."""
    dt = mock.MagicMock(wraps=datetime)
    dt.datetime.utcnow.return_value = FIXED
    dt.datetime.now.return_value = FIXED.replace(
        tzinfo=datetime.timezone.utc)
    dt.timezone = datetime.timezone
    return mock.patch.object(botocore.auth, "datetime", dt)


class Signed:
    """The request as botocore signed it: method, url, body, and the
    headers present at signing time plus the ones the signer added."""

    def __init__(self, prepared, before):
        self.method = prepared.method
        self.url = prepared.url
        self.body = prepared.body
        self.headers = dict(before)
        for k, v in prepared.headers.items():
            if k.lower() in ("authorization", "x-amz-date",
                             "x-amz-security-token"):
                self.headers[k] = v


def capture(token, call, extra=None):
    """Run call(client) and return botocore's signed request.  Headers
    botocore adds after signing (amz-sdk-*, Content-Length) are not part
    of the signature and are left out.  extra headers are added just
    before signing."""
    sess = botocore.session.get_session()
    client = sess.create_client(
        "route53", region_name="us-east-1", aws_access_key_id=AKID,
        aws_secret_access_key=SECRET, aws_session_token=token)
    got = {}

    def before_sign(request, **kwargs):
        for k, v in (extra or {}).items():
            request.headers[k] = v
        got["headers"] = list(request.headers.items())

    def before_send(request, **kwargs):
        got["req"] = Signed(request, got["headers"])
        raise Captured()

    client.meta.events.register("before-sign.route53", before_sign)
    client.meta.events.register("before-send.route53", before_send)
    with fixed_clock():
        try:
            call(client)
        except Captured:
            pass
    return got["req"]


def botocore_strings(req, token):
    """botocore's canonical request and string to sign for req."""
    headers = {k: decode(v) for k, v in req.headers.items()
               if k.lower() != "authorization"}
    body = req.body or b""
    if isinstance(body, str):
        body = body.encode()
    ar = AWSRequest(method=req.method, url=req.url, headers=headers,
                    data=body)
    ar.context["timestamp"] = FIXED.strftime("%Y%m%dT%H%M%SZ")
    auth = botocore.auth.SigV4Auth(Credentials(AKID, SECRET, token),
                                   "route53", "us-east-1")
    creq = auth.canonical_request(ar)
    return creq, auth.string_to_sign(ar, creq)


def decode(v):
    if isinstance(v, bytes):
        v = v.decode()
    return v


def r53d_strings(cli, req, token, tmp):
    """r53d's three strings for the captured request."""
    u = urlsplit(req.url)
    body = req.body or b""
    if isinstance(body, str):
        body = body.encode()
    bodyfile = "-"
    if body:
        bodyfile = os.path.join(tmp, "body")
        with open(bodyfile, "wb") as f:
            f.write(body)
    args = [cli, req.method, unquote(u.path), "us-east-1", "route53",
            str(EPOCH), AKID, SECRET, token or "-", bodyfile,
            "-h", "Host:" + u.netloc.lower()]
    for k, v in req.headers.items():
        if k.lower() in ("authorization", "x-amz-date",
                         "x-amz-security-token", "host"):
            continue
        args += ["-h", "%s:%s" % (k, decode(v))]
    if u.query:
        for pair in u.query.split("&"):
            k, _, v = pair.partition("=")
            args += ["-q", "%s=%s" % (unquote(k), unquote(v))]
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE,
                         timeout=30).stdout
    parts = out.split(b"\0")
    return parts[0].decode(), parts[1].decode(), parts[2].decode()


CHANGE_BATCH = {
    "Comment": "rfc2136 update id 4711 <&>",
    "Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {
            "Name": "host.example.com.", "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": "192.0.2.10"}]}},
        {"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "*.example.com.", "Type": "TXT", "TTL": 60,
            "ResourceRecords": [
                {"Value": '"v=spf1 -all" "say \\"hi\\" \\\\ \\344"'}]}},
    ],
}

CASES = [
    ("ChangeResourceRecordSets",
     lambda c: c.change_resource_record_sets(
         HostedZoneId="/hostedzone/Z0123456789ABCDEFGHIJ",
         ChangeBatch=CHANGE_BATCH), None),
    ("ChangeResourceRecordSets, extra headers",
     lambda c: c.change_resource_record_sets(
         HostedZoneId="Z0123456789ABCDEFGHIJ", ChangeBatch=CHANGE_BATCH),
     # Not Connection/Keep-Alive/TE...: botocore 1.29 (Debian 12) signs
     # them, newer botocore skips them, and so does r53d.
     {"Content-Type": "application/xml",
      "X-Spaces": "  two   spaces\there  ", "x-spaces": "second"}),
    ("ListResourceRecordSets name+type",
     lambda c: c.list_resource_record_sets(
         HostedZoneId="Z0123456789ABCDEFGHIJ",
         StartRecordName="\\052.example.com.", StartRecordType="TXT"), None),
    ("ListResourceRecordSets paging",
     lambda c: c.list_resource_record_sets(
         HostedZoneId="Z0123456789ABCDEFGHIJ",
         StartRecordName="www.example.com.", StartRecordType="A",
         StartRecordIdentifier="blue sky/1", MaxItems="300"), None),
    ("GetChange",
     lambda c: c.get_change(Id="/change/C0021990I7F3JHLHICJ4"), None),
    ("ListHostedZonesByName",
     lambda c: c.list_hosted_zones_by_name(
         DNSName="example.com.", HostedZoneId="Z9876543210ZYXWVUTSRQ",
         MaxItems="1"), None),
    ("GetHostedZone",
     lambda c: c.get_hosted_zone(Id="Z0123456789ABCDEFGHIJ"), None),
]


class Change(ctypes.Structure):
    """struct r53_change (aws/r53msg.h)."""
    _fields_ = [("action", ctypes.c_int), ("name", ctypes.c_char_p),
                ("type", ctypes.c_char_p), ("ttl", ctypes.c_uint32),
                ("values", ctypes.POINTER(ctypes.c_char_p)),
                ("nvalues", ctypes.c_size_t)]


ACTIONS = {"CREATE": 0, "DELETE": 1, "UPSERT": 2}


def r53d_body(lib, batch):
    """r53_change_batch_xml() for a botocore-style ChangeBatch dict."""
    changes = (Change * len(batch["Changes"]))()
    keep = []
    for i, ch in enumerate(batch["Changes"]):
        rs = ch["ResourceRecordSet"]
        vals = [r["Value"].encode() for r in rs["ResourceRecords"]]
        arr = (ctypes.c_char_p * len(vals))(*vals)
        keep.append(arr)
        changes[i] = Change(ACTIONS[ch["Action"]], rs["Name"].encode(),
                            rs["Type"].encode(), rs["TTL"], arr, len(vals))
    buf = ctypes.create_string_buffer(65536)
    n = lib.r53_change_batch_xml(buf, len(buf),
                                 batch["Comment"].encode(), changes,
                                 len(batch["Changes"]))
    if n < 0:
        raise RuntimeError("r53_change_batch_xml failed")
    return buf.raw[:n]


def compare_bodies(tmp):
    """r53d's and botocore's request bodies, canonicalised, must match."""
    so = os.path.join(tmp, "libaws.so")
    subprocess.run(["cc"] + CFLAGS + ["-shared", "-fPIC", "-o", so,
                    "aws/r53req.c", "aws/xml.c", "aws/sigv4.c",
                    "aws/util.c", "sha256.c", "-lbearssl"], check=True,
                   timeout=120)
    lib = ctypes.CDLL(so)
    lib.r53_change_batch_xml.restype = ctypes.c_int
    lib.r53_change_batch_xml.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
        ctypes.POINTER(Change), ctypes.c_size_t]
    req = capture(None, CASES[0][1])
    want = ET.canonicalize(req.body.decode())
    got = ET.canonicalize(r53d_body(lib, CHANGE_BATCH).decode())
    if want != got:
        print("FAIL ChangeResourceRecordSets body\n--- botocore\n%s\n"
              "--- r53d\n%s" % (want, got))
        return False
    print("ok   ChangeResourceRecordSets body")
    return True


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        cli = os.path.join(tmp, "sigv4_cli")
        subprocess.run(["cc"] + CFLAGS + ["-o", cli,
                        "tests/unit/sigv4_cli.c", "aws/sigv4.c",
                        "aws/util.c", "sha256.c", "-lbearssl"], check=True,
                       timeout=120)
        for name, call, extra in CASES:
            for token in (None, TOKEN):
                label = "%s (%s)" % (name,
                                     "session token" if token else "keys")
                req = capture(token, call, extra)
                want_creq, want_sts = botocore_strings(req, token)
                want_authz = decode(req.headers["Authorization"])
                creq, sts, authz = r53d_strings(cli, req, token, tmp)
                bad = []
                if creq != want_creq:
                    bad.append("canonical request:\n--- botocore\n%s\n"
                               "--- r53d\n%s" % (want_creq, creq))
                if sts != want_sts:
                    bad.append("string to sign:\n--- botocore\n%s\n"
                               "--- r53d\n%s" % (want_sts, sts))
                if authz != want_authz:
                    bad.append("authorization:\n--- botocore\n%s\n"
                               "--- r53d\n%s" % (want_authz, authz))
                if bad:
                    failed += 1
                    print("FAIL %s\n%s" % (label, "\n".join(bad)))
                else:
                    passed += 1
                    print("ok   %s" % label)
        if compare_bodies(tmp):
            passed += 1
        else:
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
