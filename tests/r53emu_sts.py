#!/usr/bin/python3
"""AWS STS for the r53d test emulator: AssumeRole and
AssumeRoleWithWebIdentity over the Query protocol (POST / with a form
body, XML answers in the 2011-06-15 namespace), and the temporary
credentials they hand out, which the Route 53 side then accepts until
they expire.

- AssumeRole must be signed (SigV4, service "sts") with the emulator's
  long-term keys or with temporary keys it issued that have not expired;
  a role configured with an ExternalId refuses a call without that
  ExternalId (403 AccessDenied, as STS does).
- AssumeRoleWithWebIdentity is not signed: the WebIdentityToken is the
  authentication.  Configured tokens are accepted until their expiry
  (after it: 400 ExpiredTokenException); others are refused with 400
  InvalidIdentityToken.  With no token configured any token is accepted.
- Issued keys expire after "lifetime" seconds when set (tests use a few
  minutes so that a refresh happens within seconds), else after
  DurationSeconds (default 3600).  A Route 53 request signed with expired
  keys gets 403 ExpiredToken.

Control (JSON, see r53emu.py): POST /_emu/sts {"lifetime": s,
"roles": {ARN: {"ExternalId": X}}, "web_tokens": {TOKEN: epoch or null}}
merges into the configuration; GET /_emu/sts gives {"calls": [...],
"issued": n}; POST /_emu/credentials {"AccessKeyId", "SecretAccessKey",
"SessionToken", "Expiration": epoch} adds keys issued elsewhere (a
container endpoint or a credential_process stand-in).
"""

import hashlib
import random
import re
import string
import time
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape as xesc

import r53emu_sigv4 as SIG
from r53emu_xml import ApiError

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ARN_RE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
SESSION_RE = re.compile(r"[\w+=,.@-]{2,64}")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Sts(object):
    """State; every method runs under the emulator's lock."""

    def __init__(self, seed):
        self.rng = random.Random(seed ^ 0x5757)
        self.lifetime = None
        self.roles = {}
        self.web_tokens = {}
        self.issued = {}        # akid -> (secret, token, expires)
        self.calls = []

    def configure(self, d):
        if "lifetime" in d:
            self.lifetime = d["lifetime"]
        self.roles.update(d.get("roles", {}))
        self.web_tokens.update(d.get("web_tokens", {}))
        return self.state()

    def state(self):
        return {"calls": self.calls, "issued": len(self.issued),
                "lifetime": self.lifetime}

    def add(self, d):
        self.issued[d["AccessKeyId"]] = (d["SecretAccessKey"],
                                         d.get("SessionToken"),
                                         d.get("Expiration"))
        return {"issued": len(self.issued)}

    def mint(self, now, duration):
        life = self.lifetime if self.lifetime is not None else duration
        akid = "ASIA" + "".join(self.rng.choice(string.ascii_uppercase +
                                                string.digits)
                                for _ in range(16))
        secret = "".join(self.rng.choice(string.ascii_letters +
                                         string.digits + "/+")
                         for _ in range(40))
        token = "FwoGZXIvYXdzE" + "".join(
            self.rng.choice(string.ascii_letters + string.digits + "/+=")
            for _ in range(300))
        exp = int(now + life)
        self.issued[akid] = (secret, token, exp)
        return akid, secret, token, exp

    def route53_keys(self, headers, now):
        """The issued keys a Route 53 request is signed with, or None.
        Raises ExpiredToken for issued keys past their expiration."""
        m = re.search(r"Credential=([A-Z0-9]+)/",
                      headers.get("Authorization", ""))
        if m is None or m.group(1) not in self.issued:
            return None
        secret, token, exp = self.issued[m.group(1)]
        if exp is not None and now >= exp:
            raise ApiError(403, "ExpiredToken", "The security token "
                           "included in the request is expired")
        return m.group(1), secret, token

    def error(self, e, rid):
        typ = "Receiver" if e.status >= 500 else "Sender"
        return ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type>'
                '<Code>%s</Code><Message>%s</Message></Error>'
                '<RequestId>%s</RequestId></ErrorResponse>\n'
                % (NS, typ, xesc(e.code), xesc(e.message), rid))

    def handle(self, method, target, headers, body, now, opts, rid):
        """(status, XML text) for one STS request."""
        try:
            return 200, self.call(method, target, headers, body, now, opts,
                                  rid)
        except ApiError as e:
            return e.status, self.error(e, rid)

    def call(self, method, target, headers, body, now, opts, rid):
        ctype = headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            raise ApiError(400, "InvalidAction", "Could not find "
                           "operation for this Content-Type")
        try:
            p = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                               strict_parsing=bool(body)))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "MalformedQueryString", "malformed body")
        action = p.get("Action")
        if p.get("Version") != "2011-06-15":
            raise ApiError(400, "InvalidAction", "Version must be "
                           "2011-06-15")
        if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            raise ApiError(400, "InvalidAction", "Could not find operation "
                           "%s for version 2011-06-15" % action)
        call = {"Action": action, "time": now,
                "RoleArn": p.get("RoleArn"),
                "RoleSessionName": p.get("RoleSessionName"),
                "DurationSeconds": p.get("DurationSeconds"),
                "ExternalId": p.get("ExternalId"),
                "Signed": "Authorization" in headers}
        self.calls.append(call)
        arn = p.get("RoleArn", "")
        if not ARN_RE.fullmatch(arn):
            raise ApiError(400, "ValidationError", "1 validation error "
                           "detected: Value '%s' at 'roleArn' failed to "
                           "satisfy constraint" % arn)
        if not SESSION_RE.fullmatch(p.get("RoleSessionName", "")):
            raise ApiError(400, "ValidationError", "1 validation error "
                           "detected: Value at 'roleSessionName' failed to "
                           "satisfy constraint")
        dur = p.get("DurationSeconds", "3600")
        if not dur.isdigit() or not 900 <= int(dur) <= 43200:
            raise ApiError(400, "ValidationError", "1 validation error "
                           "detected: Value '%s' at 'durationSeconds' "
                           "failed to satisfy constraint" % dur)
        if action == "AssumeRole":
            akid = self.verify(method, target, headers, body, now, opts)
            call["AccessKeyId"] = akid
            role = self.roles.get(arn, {})
            want = role.get("ExternalId")
            if want is not None and p.get("ExternalId") != want:
                raise ApiError(403, "AccessDenied", "User: arn:aws:iam::"
                               "111111111111:user/r53d is not authorized "
                               "to perform: sts:AssumeRole on resource: %s"
                               % arn)
            inner = ""
        else:
            tok = p.get("WebIdentityToken", "")
            call["WebIdentityToken"] = hashlib.sha256(
                tok.encode()).hexdigest()[:16]
            if len(tok) < 4 or len(tok) > 20000:
                raise ApiError(400, "ValidationError", "1 validation error "
                               "detected: Value at 'webIdentityToken' "
                               "failed to satisfy constraint")
            if self.web_tokens:
                if tok not in self.web_tokens:
                    raise ApiError(400, "InvalidIdentityToken",
                                   "Couldn't retrieve verification key "
                                   "from your identity provider")
                exp = self.web_tokens[tok]
                if exp is not None and now >= exp:
                    raise ApiError(400, "ExpiredTokenException",
                                   "Token expired: current date/time %d "
                                   "must be before the expiration date/"
                                   "time %d" % (now, exp))
            inner = ("<SubjectFromWebIdentityToken>system:serviceaccount:"
                     "dns:r53d</SubjectFromWebIdentityToken>"
                     "<Audience>sts.amazonaws.com</Audience>"
                     "<Provider>arn:aws:iam::111111111111:oidc-provider/"
                     "oidc.example</Provider>")
        akid, secret, token, exp = self.mint(now, int(dur))
        call["Issued"] = akid
        return ('<%sResponse xmlns="%s"><%sResult>%s'
                '<AssumedRoleUser><AssumedRoleId>AROA0000:%s</AssumedRoleId>'
                '<Arn>%s</Arn></AssumedRoleUser>'
                '<Credentials><AccessKeyId>%s</AccessKeyId>'
                '<SecretAccessKey>%s</SecretAccessKey>'
                '<SessionToken>%s</SessionToken>'
                '<Expiration>%s</Expiration></Credentials>'
                '<PackedPolicySize>6</PackedPolicySize>'
                '</%sResult><ResponseMetadata><RequestId>%s</RequestId>'
                '</ResponseMetadata></%sResponse>\n'
                % (action, NS, action, inner, xesc(p["RoleSessionName"]),
                   xesc(arn.replace(":iam::", ":sts::").replace(
                       ":role/", ":assumed-role/")), akid, xesc(secret),
                   xesc(token), iso(exp), action, rid, action))

    def verify(self, method, target, headers, body, now, opts):
        """Check an AssumeRole signature; the signing access key ID."""
        keys = self.route53_keys(headers, now)
        if keys is not None:
            akid, secret, token = keys
        else:
            akid, secret, token = (opts.access_key_id,
                                   opts.secret_access_key,
                                   opts.session_token)
        return SIG.verify(method, target, headers, body, now, akid, secret,
                          token, opts.signing_region, service="sts")
