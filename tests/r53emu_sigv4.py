#!/usr/bin/python3
"""AWS Signature Version 4 checking for the r53d test emulator.

The canonical request is built the way botocore builds it (botocore
auth.py SigV4Auth, ROUTE53.md 1.2):
- canonical URI: the path as sent, dot segments and doubled slashes
  removed, trailing slash kept, then percent-encoded again with '/' and
  '~' left bare;
- canonical query: each name and value decoded and re-encoded with only
  A-Za-z0-9-_.~ bare, pairs sorted;
- canonical headers: the SignedHeaders list from the Authorization header,
  values trimmed with inner blanks collapsed, repeats joined by ',';
- payload hash: SHA-256 of the body (x-amz-content-sha256, when sent, must
  equal it).
"""

import calendar
import hashlib
import hmac
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from r53emu_xml import ApiError

SKEW = 300
SIG_MISMATCH = ("The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key "
                "and signing method. Consult the service documentation for "
                "details.")


def _fmt(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def remove_dot_segments(path):
    if not path:
        return "/"
    out = []
    for x in path.split("/"):
        if x and x != ".":
            if x == "..":
                if out:
                    out.pop()
            else:
                out.append(x)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and out else ""
    return first + "/".join(out) + last


def canonical_query(raw):
    if not raw:
        return ""
    pairs = []
    for part in raw.split("&"):
        k, _, v = part.partition("=")
        pairs.append((quote(unquote(k), safe="-_.~"),
                      quote(unquote(v), safe="-_.~")))
    return "&".join("%s=%s" % kv for kv in sorted(pairs))


def _sign(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = _sign(("AWS4" + secret).encode("utf-8"), date)
    k = _sign(k, region)
    k = _sign(k, service)
    return _sign(k, "aws4_request")


def _incomplete(msg):
    # IncompleteSignature status on Route 53 is NOT CONFIRMED (11.7); 400
    # is the AWS-wide documented status.
    return ApiError(400, "IncompleteSignature", msg)


def _mismatch(msg):
    return ApiError(403, "SignatureDoesNotMatch", msg)


def parse_authorization(auth):
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        alg = auth.split(" ", 1)[0]
        raise _incomplete("Unsupported AWS 'algorithm': '%s'" % alg)
    parts = {}
    for item in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        k, sep, v = item.strip().partition("=")
        if sep:
            parts[k] = v
    missing = [p for p in ("Credential", "SignedHeaders", "Signature")
               if p not in parts]
    if missing:
        raise _incomplete(" ".join(
            "Authorization header requires '%s' parameter." % p
            for p in missing) + " Authorization=" + auth)
    cred = parts["Credential"].split("/")
    if len(cred) != 5:
        raise _incomplete("Authorization header requires 'Credential' "
                          "parameter. Authorization=" + auth)
    if not re.fullmatch(r"[0-9a-f]{64}", parts["Signature"]):
        raise _incomplete("Authorization header requires 'Signature' "
                          "parameter. Authorization=" + auth)
    signed = parts["SignedHeaders"].split(";")
    if signed != sorted(signed) or any(s != s.lower() or not s
                                       for s in signed):
        raise _mismatch(SIG_MISMATCH)
    return cred, signed, parts["Signature"]


def request_time(headers):
    """Returns (epoch seconds, ISO basic string, header used)."""
    xd = headers.get("X-Amz-Date")
    if xd is not None:
        try:
            t = calendar.timegm(time.strptime(xd, "%Y%m%dT%H%M%SZ"))
        except ValueError:
            raise _incomplete("Date must be in ISO-8601 'basic format'. Got "
                              "'%s'. See http://en.wikipedia.org/wiki/"
                              "ISO_8601" % xd)
        return t, xd, "x-amz-date"
    d = headers.get("Date")
    if d is None:
        raise _incomplete("Authorization header requires existence of either "
                          "a 'X-Amz-Date' or a 'Date' header.")
    try:
        t = int(parsedate_to_datetime(d).timestamp())
    except (TypeError, ValueError):
        raise _incomplete("Date must be in ISO-8601 'basic format'. Got '%s'."
                          % d)
    return t, _fmt(t), "date"


def verify(method, raw_target, headers, body, now, access_key=None,
           secret_key=None, session_token=None, region=None,
           service="route53"):
    """Check a request's SigV4 Authorization; raise ApiError if it fails.
    Without access_key any well-formed, in-window signature is accepted."""
    auth = headers.get("Authorization")
    if auth is None:
        # Status NOT CONFIRMED for Route 53 (11.7); 403 as AWS-wide.
        raise ApiError(403, "MissingAuthenticationToken",
                       "Missing Authentication Token")
    cred, signed, sig = parse_authorization(auth)
    akid, cdate, cregion, cservice, term = cred
    t, amzdate, used = request_time(headers)
    if term != "aws4_request":
        raise _mismatch("Credential should be scoped with a valid "
                        "terminator: 'aws4_request', not '%s'." % term)
    if cservice != service:
        raise _mismatch("Credential should be scoped to correct service: "
                        "'%s'. " % service)
    if region is not None and cregion != region:
        raise _mismatch("Credential should be scoped to a valid region, not "
                        "'%s'. " % cregion)
    if cdate != amzdate[:8]:
        raise _mismatch("Date in Credential scope does not match YYYYMMDD "
                        "from ISO-8601 version of date from HTTP: '%s' != "
                        "'%s', from '%s'." % (cdate, amzdate[:8], amzdate))
    if "host" not in signed:
        raise _mismatch("'Host' or ':authority' must be a 'SignedHeader' in "
                        "the AWS Authorization.")
    if used not in signed:
        raise _mismatch("'%s' must be a 'SignedHeader' in the AWS "
                        "Authorization." % ("X-Amz-Date" if used ==
                                            "x-amz-date" else "Date"))
    tok = headers.get("X-Amz-Security-Token")
    if tok is not None and "x-amz-security-token" not in signed:
        raise _mismatch("'X-Amz-Security-Token' must be a 'SignedHeader' in "
                        "the AWS Authorization.")
    for h in signed:
        if headers.get(h) is None:
            raise _mismatch(SIG_MISMATCH)
    if t < now - SKEW:
        raise _mismatch("Signature expired: %s is now earlier than %s (%s - "
                        "5 min.)" % (amzdate, _fmt(now - SKEW), _fmt(now)))
    if t > now + SKEW:
        raise _mismatch("Signature not yet current: %s is still later than "
                        "%s (%s + 5 min.)" % (amzdate, _fmt(now + SKEW),
                                              _fmt(now)))
    body_hash = hashlib.sha256(body).hexdigest()
    sent_hash = headers.get("X-Amz-Content-SHA256")
    if sent_hash is not None and sent_hash != body_hash:
        # Route 53 accepts the header (ROUTE53.md 1.2); the error for a
        # wrong one is NOT CONFIRMED.  S3's code and text are used.
        raise ApiError(400, "XAmzContentSHA256Mismatch",
                       "The provided 'x-amz-content-sha256' header does not "
                       "match what was computed.")
    if access_key is None:
        return akid
    if akid != access_key or tok != session_token:
        raise ApiError(403, "InvalidClientTokenId",
                       "The security token included in the request is "
                       "invalid.")
    path, _, query = raw_target.partition("?")
    creq = "\n".join([
        method,
        quote(remove_dot_segments(path), safe="/~"),
        canonical_query(query),
        "".join("%s:%s\n" % (h, ",".join(" ".join(v.split())
                                          for v in headers.get_all(h)))
                for h in signed),
        ";".join(signed),
        sent_hash if sent_hash is not None else body_hash])
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate,
                     "/".join([cdate, cregion, cservice, term]),
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    key = signing_key(secret_key, cdate, cregion, cservice)
    want = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, sig):
        raise _mismatch(SIG_MISMATCH + "\n\nThe Canonical String for this "
                        "request should have been\n'" + creq + "'\n\nThe "
                        "String-to-Sign should have been\n'" + sts + "'\n")
    return akid
