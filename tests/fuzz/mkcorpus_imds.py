#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_imds.c: a mode octet, then
results (flags, status and body length big-endian, body).  IMDS fetches
whole, with a token cut short, a bad role, an HTTP error and a refused
connection; container and STS answers, good, refused and malformed.
Run from the top of the tree."""

import os
import struct

OUT = "tests/fuzz/corpus_imds"

KEYS = (b'{"Code":"Success","LastUpdated":"2024-01-01T00:00:00Z",'
        b'"Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",'
        b'"SecretAccessKey":"c2VjcmV0","Token":"dG9rZW4=",'
        b'"Expiration":"2023-11-14T23:13:20Z"}')
NOEXP = (b'{"AccessKeyId":"AKIAEXAMPLE","SecretAccessKey":"s",'
         b'"Token":"t"}')
STS = (b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/'
       b'2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA'
       b'</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>'
       b't</SessionToken><Expiration>2030-01-02T03:04:05Z</Expiration>'
       b'</Credentials></AssumeRoleResult></AssumeRoleResponse>')
STSERR = (b'<ErrorResponse><Error><Type>Sender</Type><Code>'
          b'ExpiredTokenException</Code><Message>Token expired</Message>'
          b'</Error><RequestId>x</RequestId></ErrorResponse>')
STSERR_NL = STSERR.replace(b"Token expired", b"line&#10;two&#13;\t")


def res(body=b"", status=200, flags=0):
    return struct.pack(">BHH", flags, status, len(body)) + body


SEEDS = {
    "imds_ok": b"\0" + res(b"AQAEAtoken==\n") + res(b"dns-role\n") +
               res(KEYS) + res(b"tok2") + res(b"dns-role") + res(NOEXP),
    "imds_badtoken": b"\0" + res(b" to ken ") + res(b"x" * 1100) +
                     res(b"tok") + res(b"two\nroles") + res(b"t") +
                     res(b"role/../x"),
    "imds_errors": b"\0" + res(b"", 401) + res(flags=2) + res(flags=12) +
                   res(b"t") + res(b"", 404) + res(b"t") + res(b"r") +
                   res(b"{}"),
    "container_ok": b"\1" + res(KEYS) + res(b"", 403) + res(b"x", 500),
    "container_token": b"\5" + res(NOEXP) + res(b"{", 200) + res(flags=4),
    "sts_ok": b"\2" + res(STS) + res(STSERR, 403) + res(STSERR_NL, 400),
    "sts_session": b"\6" + res(STS, 500) + res(b"<x/>") + res(STS),
    "web_identity": b"\3" + res(STS) + res(STSERR, 400) + res(flags=13),
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
