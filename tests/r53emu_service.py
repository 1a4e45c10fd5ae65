"""The state and the operations of the Route 53 emulator (tests/r53emu.py):
hosted zones, changes and their PENDING -> INSYNC, the API operations
over the data model (r53emu_model), token buckets, throttling, injected
faults, the control interface's state and configuration.  No HTTP here:
r53emu.py's handler calls Emulator.op_*() with the request's parts.
"""
import bisect
import os
import random
import re
import sys
import threading
import time
from urllib.parse import unquote
from xml.sax.saxutils import escape as xesc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53emu_model as M  # noqa: E402
import r53emu_sts as STS  # noqa: E402
import r53emu_xml as X  # noqa: E402
from r53emu_xml import ApiError, invalid_input  # noqa: E402

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PRIOR_MSG = ("The request was rejected because Route 53 was still "
             "processing a prior request.")


def malform(body, element, text=None):
    """body with every <element>...</element> (and <element/>) removed,
    or with its content replaced by text (escaped) when text is given."""
    name = re.escape(element)
    pat = re.compile(r"<%s(?:\s[^>]*)?(?:/>|>.*?</%s>)" % (name, name),
                     re.S)
    if text is None:
        return pat.sub("", body)
    return pat.sub("<%s>%s</%s>" % (element, xesc(text), element), body)


def iso_ms(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%03dZ" % (int(t * 1000) % 1000)


def parse_query(raw):
    out = {}
    if raw:
        for part in raw.split("&"):
            k, _, v = part.partition("=")
            out[unquote(k)] = unquote(v)
    return out


def max_items(q, default, cap):
    v = q.get("maxitems")
    if v is None:
        return default
    if not v.isdigit() or int(v) < 1:
        raise invalid_input("1 validation error detected: Value '%s' at "
                            "'maxItems' failed to satisfy constraint: Member "
                            "must be a positive integer" % v)
    return min(int(v), cap)


def path_id(raw, what):
    if len(raw) > 32:
        raise invalid_input("1 validation error detected: Value '%s' at "
                            "'%s' failed to satisfy constraint: Member must "
                            "have length less than or equal to 32"
                            % (raw, what))
    return raw


# Route 53's request buckets since 2026-07-30, [capacity, refill/s]
# (DG-Throttling); every operation not listed has DEFAULT_OP_BUCKET.
ACCOUNT_BUCKET = [50, 10]
DEFAULT_OP_BUCKET = [50, 10]
OP_BUCKETS = {"CreateHostedZone": [40, 2], "DeleteHostedZone": [40, 5]}
# Not published: a chosen default (see --change-bucket).
CHANGE_BUCKET = [5000, 1000]
CHANGE_RE = re.compile(rb"<Change[\s>]")


class Bucket(object):
    """A token bucket: at most cap tokens, rate more per second, full at
    start.  A draw larger than cap needs a full bucket and leaves debt."""

    def __init__(self, cap, rate, now):
        self.cap, self.rate = float(cap), float(rate)
        self.tokens, self.t = self.cap, now

    def refill(self, now):
        if now > self.t:
            self.tokens = min(self.cap,
                              self.tokens + (now - self.t) * self.rate)
            self.t = now

    def has(self, n, now):
        self.refill(now)
        return self.tokens >= min(float(n), self.cap)

    def take(self, n):
        self.tokens -= n


class Emulator(object):
    """All service state; every method runs under self.lock."""

    def __init__(self, args):
        self.lock = threading.RLock()
        self.rng = random.Random(args.seed)
        self.zones = {}
        self.zone_order = []
        self.caller_refs = {}
        self.changes = {}
        self.cfg = {
            "rate": args.rate,
            "insync_delay": args.insync_delay,
            "processing_delay": args.processing_delay,
            "prior_request_check": args.prior_request_check,
            "latency_ms": args.latency,
            "max_rrsets": args.max_rrsets,
            "clock_offset": 0.0,
            "strict_element_order": args.strict_element_order,
            "random_faults": None,
        }
        X.STRICT_ORDER = args.strict_element_order
        self.tokens = float(args.rate or 0)
        self.bucket_t = time.monotonic()
        self.cfg.update({
            "throttle": args.throttle,
            "account_bucket": list(args.account_bucket or ACCOUNT_BUCKET),
            "op_buckets": dict(OP_BUCKETS, **dict(args.op_bucket or [])),
            "change_bucket": list(args.change_bucket or CHANGE_BUCKET),
        })
        self.fill_buckets()
        self.faults = []
        self.sts = STS.Sts(args.seed)
        self.reset_stats()
        for name in args.zone:
            self.create_zone(name, "r53emu-%s" % name, None, None)
        for n, spec in enumerate(args.private_zone):
            name, _, vpcs = spec.partition(":")
            vpcs = [v for v in vpcs.split(",") if v] or \
                ["vpc-%017x" % self.rng.getrandbits(68)]
            for v in vpcs:
                if not re.match(r"vpc-[0-9a-f]+$", v):
                    raise SystemExit("--private-zone %s: %s is not a VPC ID"
                                     % (spec, v))
            self.create_zone(name, "r53emu-private-%d-%s" % (n, name), None,
                             [{"VPCRegion": "us-east-1", "VPCId": v}
                              for v in vpcs])

    def now(self):
        return time.time() + self.cfg["clock_offset"]

    def reset_stats(self):
        self.stats = {"total": 0, "operations": {}, "errors": {},
                      "faults": 0, "fault_types": {}, "changes": 0,
                      "throttled": {"account": 0, "operation": 0,
                                    "change": 0}}

    def count(self, op):
        self.stats["total"] += 1
        ops = self.stats["operations"]
        ops[op] = ops.get(op, 0) + 1

    def count_error(self, code):
        e = self.stats["errors"]
        e[code] = e.get(code, 0) + 1

    def new_id(self, prefix, taken):
        while True:
            i = prefix + "".join(self.rng.choice(ID_CHARS)
                                 for _ in range(20))
            if i not in taken:
                return i

    def new_change(self, comment, zone):
        cid = self.new_id("C", self.changes)
        self.changes[cid] = {"t": self.now(), "comment": comment,
                             "forced": False}
        if zone is not None:
            zone.last_change = self.now()
        return cid

    def change_status(self, cid):
        c = self.changes[cid]
        if c["forced"] or self.now() - c["t"] >= self.cfg["insync_delay"]:
            return "INSYNC"
        return "PENDING"

    def change_info_xml(self, cid, status=None):
        c = self.changes[cid]
        s = "<ChangeInfo><Id>/change/%s</Id><Status>%s</Status>" \
            "<SubmittedAt>%s</SubmittedAt>" % (
                cid, status or self.change_status(cid), iso_ms(c["t"]))
        if c["comment"] is not None:
            s += "<Comment>%s</Comment>" % xesc(c["comment"])
        return s + "</ChangeInfo>"

    # -- zones ------------------------------------------------------------

    def create_zone(self, name, ref, comment, vpcs):
        """vpcs: None for a public zone, else a list of VPC dicts."""
        zid = self.new_id("Z", self.zones)
        if vpcs is None:
            n = [self.rng.randrange(512) + 512 * k for k in range(4)]
            tld = ["com", "net", "org", "co.uk"]
            ns = ["ns-%d.awsdns-%02d.%s" % (x, (x % 512) // 8, tld[k])
                  for k, x in enumerate(n)]
            self.rng.shuffle(ns)
        else:
            # Private-zone NS values are NOT CONFIRMED (ROUTE53.md 11.15).
            ns = ["ns-0.awsdns-00.com", "ns-512.awsdns-00.net",
                  "ns-1024.awsdns-00.org", "ns-1536.awsdns-00.co.uk"]
        z = M.Zone(zid, name, ref, comment, vpcs is not None, ns, vpcs)
        self.zones[zid] = z
        self.zone_order.append(zid)
        self.caller_refs[ref] = zid
        return z

    def zone(self, raw):
        zid = path_id(raw, "hostedZoneId")
        z = self.zones.get(zid)
        if z is None:
            raise ApiError(404, "NoSuchHostedZone",
                           "No hosted zone found with ID: %s" % zid)
        return z

    def zone_xml(self, z):
        cfg = ""
        if z.comment is not None:
            cfg = "<Comment>%s</Comment>" % xesc(z.comment)
        return ("<HostedZone><Id>/hostedzone/%s</Id><Name>%s</Name>"
                "<CallerReference>%s</CallerReference><Config>%s"
                "<PrivateZone>%s</PrivateZone></Config>"
                "<ResourceRecordSetCount>%d</ResourceRecordSetCount>"
                "</HostedZone>" % (z.id, xesc(z.name), xesc(z.caller_ref), cfg,
                                   "true" if z.private else "false",
                                   len(z.rrsets)))

    def delegation_xml(self, z):
        if z.private:
            return "<VPCs>%s</VPCs>" % "".join(
                "<VPC>%s</VPC>" % X.to_xml(X.VPC_SEQ, v) for v in z.vpcs)
        return "<DelegationSet><NameServers>%s</NameServers></DelegationSet>" \
            % "".join("<NameServer>%s</NameServer>" % x
                      for x in z.nameservers)

    def check_prior(self, z):
        c = self.cfg
        if not c["prior_request_check"] or z.last_change is None:
            return
        window = c["processing_delay"] or c["insync_delay"]
        if self.now() - z.last_change < window:
            raise ApiError(400, "PriorRequestNotComplete", PRIOR_MSG)

    # -- operations -------------------------------------------------------

    def op_change(self, zid, q, body, console=False):
        z = self.zone(zid)
        req = X.parse_body(body, "ChangeResourceRecordSetsRequest",
                           X.CHANGE_REQ)
        if not console:
            self.check_prior(z)
        batch = req["ChangeBatch"]
        errors, work = M.apply_batch(z, batch["Changes"], self.zones,
                                     self.cfg["max_rrsets"])
        if errors:
            raise ApiError(400, "InvalidChangeBatch",
                           "[" + ", ".join(errors) + "]")
        z.commit(work)
        cid = self.new_change(batch.get("Comment"), z)
        return 200, "ChangeResourceRecordSetsResponse", \
            self.change_info_xml(cid, "PENDING"), cid

    def op_list_rrsets(self, zid, q, body):
        z = self.zone(zid)
        name = q.get("name")
        rtype = q.get("type")
        ident = q.get("identifier")
        if rtype is not None and name is None:
            # Message NOT CONFIRMED (ROUTE53.md 11.12).
            raise invalid_input("The input is not valid: a type was given "
                                "without a name")
        if ident is not None and rtype is None:
            raise invalid_input("The input is not valid: an identifier was "
                                "given without a name and type")
        if rtype is not None and rtype not in X.RRTYPES:
            raise invalid_input(
                "1 validation error detected: Value '%s' at "
                "'startRecordType' failed to satisfy constraint: Member must "
                "satisfy enum value set: [%s]" % (rtype, ", ".join(X.RRTYPES)))
        n = max_items(q, 100, 300)
        keys = z.keys()
        start = 0
        if name is not None:
            # name= is canonicalised (escapes, case) before comparing; the
            # real behaviour is NOT CONFIRMED (ROUTE53.md 11.16).
            try:
                nk = M.name_key(M.parse_name(name))
            except M.NameProblem as e:
                raise invalid_input("Invalid request: %s (%s) encountered "
                                    "with '%s'" % (e.reason, e.explanation,
                                                   name))
            probe = (nk,)
            if rtype is not None:
                probe = (nk, rtype) if ident is None else (nk, rtype, ident)
            start = bisect.bisect_left(keys, probe)
        page = keys[start:start + n]
        out = ["<ResourceRecordSets>"]
        for k in page:
            out.append("<ResourceRecordSet>%s</ResourceRecordSet>"
                       % X.to_xml(X.RR_SEQ, M.public(z.rrsets[k])))
        out.append("</ResourceRecordSets>")
        if start + n < len(keys):
            nxt = z.rrsets[keys[start + n]]
            out.append("<IsTruncated>true</IsTruncated><NextRecordName>%s"
                       "</NextRecordName><NextRecordType>%s</NextRecordType>"
                       % (xesc(nxt["Name"]), nxt["Type"]))
            if "SetIdentifier" in nxt:
                out.append("<NextRecordIdentifier>%s</NextRecordIdentifier>"
                           % xesc(nxt["SetIdentifier"]))
        else:
            out.append("<IsTruncated>false</IsTruncated>")
        out.append("<MaxItems>%d</MaxItems>" % n)
        return 200, "ListResourceRecordSetsResponse", "".join(out), None

    def op_get_change(self, cid, q, body):
        cid = cid if len(cid) <= 6500 else cid[:6500]
        if cid not in self.changes:
            # Message NOT CONFIRMED (ROUTE53.md 11.11).
            raise ApiError(404, "NoSuchChange",
                           "A change with the specified change ID does not "
                           "exist: %s" % cid)
        return 200, "GetChangeResponse", self.change_info_xml(cid), None

    def op_get_zone(self, zid, q, body):
        z = self.zone(zid)
        return 200, "GetHostedZoneResponse", \
            self.zone_xml(z) + self.delegation_xml(z), None

    def op_delete_zone(self, zid, q, body):
        z = self.zone(zid)
        self.check_prior(z)
        apex = M.name_key(z.labels)
        if any(not (k[0] == apex and k[1] in ("SOA", "NS"))
               for k in z.rrsets):
            raise ApiError(400, "HostedZoneNotEmpty",
                           "The specified hosted zone contains non-required "
                           "resource record sets and so cannot be deleted.")
        del self.zones[z.id]
        self.zone_order.remove(z.id)
        cid = self.new_change(None, None)
        return 200, "DeleteHostedZoneResponse", \
            self.change_info_xml(cid, "PENDING"), cid

    def op_create_zone(self, _unused, q, body):
        req = X.parse_body(body, "CreateHostedZoneRequest", X.CREATE_ZONE_REQ)
        try:
            labels = M.parse_name(req["Name"])
        except M.NameProblem:
            labels = None
        if not labels:
            raise ApiError(400, "InvalidDomainName",
                           "%s is not a valid domain name" % req["Name"])
        ref = req["CallerReference"]
        if ref in self.caller_refs:
            raise ApiError(409, "HostedZoneAlreadyExists",
                           "A hosted zone has already been created with the "
                           "specified caller reference.")
        if "DelegationSetId" in req:
            raise ApiError(400, "NoSuchDelegationSet",
                           "A reusable delegation set with the specified ID "
                           "does not exist.")
        vpc = req.get("VPC")
        if vpc is not None and not vpc.get("VPCId", "").startswith("vpc-"):
            raise ApiError(400, "InvalidVPCId",
                           "The VPC ID that you specified either isn't a "
                           "valid ID or the current account is not authorized "
                           "to access this VPC.")
        if vpc is not None:
            vpc = {"VPCRegion": vpc.get("VPCRegion", "us-east-1"),
                   "VPCId": vpc["VPCId"]}
        comment = (req.get("HostedZoneConfig") or {}).get("Comment")
        z = self.create_zone(req["Name"], ref, comment,
                             None if vpc is None else [vpc])
        cid = self.new_change(None, None)
        body = self.zone_xml(z) + self.change_info_xml(cid, "PENDING")
        if z.private:
            body += "<VPC>%s</VPC>" % X.to_xml(X.VPC_SEQ, z.vpcs[0])
        else:
            body += self.delegation_xml(z)
        loc = "https://route53.amazonaws.com/2013-04-01/hostedzone/" + z.id
        return 201, "CreateHostedZoneResponse", body, loc

    def op_list_zones(self, _unused, q, body):
        n = max_items(q, 100, 100)
        if q.get("delegationsetid"):
            raise ApiError(400, "NoSuchDelegationSet",
                           "A reusable delegation set with the specified ID "
                           "does not exist.")
        ids = self.zone_order
        htype = q.get("hostedzonetype")
        if htype is not None:
            if htype != "PrivateHostedZone":
                raise invalid_input("1 validation error detected: Value '%s' "
                                    "at 'hostedZoneType' failed to satisfy "
                                    "constraint: Member must satisfy enum "
                                    "value set: [PrivateHostedZone]" % htype)
            ids = [i for i in ids if self.zones[i].private]
        marker = q.get("marker")
        start = 0
        if marker:
            # Listing order is creation order; the real order is NOT
            # CONFIRMED (ROUTE53.md 11.10).
            if marker not in ids:
                raise invalid_input("Invalid marker: %s" % marker)
            start = ids.index(marker)
        page = ids[start:start + n]
        out = "<HostedZones>%s</HostedZones><Marker>%s</Marker>" % (
            "".join(self.zone_xml(self.zones[i]) for i in page),
            xesc(marker or ""))
        if start + n < len(ids):
            out += "<IsTruncated>true</IsTruncated><NextMarker>%s" \
                   "</NextMarker>" % ids[start + n]
        else:
            out += "<IsTruncated>false</IsTruncated>"
        out += "<MaxItems>%d</MaxItems>" % n
        return 200, "ListHostedZonesResponse", out, None

    def op_list_by_name(self, _unused, q, body):
        n = max_items(q, 100, 100)
        dns = q.get("dnsname")
        hzid = q.get("hostedzoneid")
        if hzid is not None and dns is None:
            raise invalid_input("The input is not valid: hostedzoneid given "
                                "without dnsname")
        order = sorted((M.name_key(z.labels), z.id)
                       for z in self.zones.values())
        start = 0
        if dns is not None:
            try:
                nk = M.name_key(M.parse_name(dns))
            except M.NameProblem:
                raise ApiError(400, "InvalidDomainName",
                               "%s is not a valid domain name" % dns)
            # Same-name zones are ordered by ID; NOT CONFIRMED (5.2).
            start = bisect.bisect_left(order, (nk, hzid or ""))
        page = order[start:start + n]
        out = "<HostedZones>%s</HostedZones>" % "".join(
            self.zone_xml(self.zones[i]) for _, i in page)
        if dns is not None:
            out += "<DNSName>%s</DNSName>" % xesc(dns)
        if hzid is not None:
            out += "<HostedZoneId>%s</HostedZoneId>" % xesc(hzid)
        if start + n < len(order):
            nz = self.zones[order[start + n][1]]
            out += "<IsTruncated>true</IsTruncated><NextDNSName>%s" \
                   "</NextDNSName><NextHostedZoneId>%s</NextHostedZoneId>" % (
                       xesc(nz.name), nz.id)
        else:
            out += "<IsTruncated>false</IsTruncated>"
        out += "<MaxItems>%d</MaxItems>" % n
        return 200, "ListHostedZonesByNameResponse", out, None

    def op_zone_count(self, _unused, q, body):
        return 200, "GetHostedZoneCountResponse", \
            "<HostedZoneCount>%d</HostedZoneCount>" % len(self.zones), None

    def op_zone_limit(self, zid, q, body):
        z = self.zone(zid)
        return 200, "GetHostedZoneLimitResponse", \
            "<Limit><Type>MAX_RRSETS_BY_ZONE</Type><Value>%d</Value></Limit>" \
            "<Count>%d</Count>" % (self.cfg["max_rrsets"], len(z.rrsets)), \
            None

    # -- faults and throttle ---------------------------------------------

    @staticmethod
    def fault_matches(f, op):
        want = f.get("op")
        return want is None or op in (want if isinstance(want, list)
                                      else [want])

    def take_fault(self, op):
        for f in self.faults:
            if not self.fault_matches(f, op):
                continue
            f["count"] = f.get("count", 1) - 1
            if f["count"] <= 0:
                self.faults.remove(f)
            return self.counted_fault(f)
        rf = self.cfg["random_faults"]
        if rf and self.rng.random() < float(rf.get("rate", 0)):
            kinds = [f for f in rf.get("kinds", ())
                     if self.fault_matches(f, op)]
            if kinds:
                return self.counted_fault(self.rng.choice(kinds))
        return None

    def counted_fault(self, f):
        self.stats["faults"] += 1
        ft = self.stats["fault_types"]
        ft[f["type"]] = ft.get(f["type"], 0) + 1
        return f

    def throttled(self):
        rate = self.cfg["rate"]
        if not rate:
            return False
        t = time.monotonic()
        self.tokens = min(float(rate),
                          self.tokens + (t - self.bucket_t) * rate)
        self.bucket_t = t
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return False
        return True

    def fill_buckets(self):
        now = time.monotonic()
        self.account = Bucket(*self.cfg["account_bucket"], now=now)
        self.op_bucket = {}
        self.change_bucket = Bucket(*self.cfg["change_bucket"], now=now)

    def bucket_throttled(self, op, body):
        """Route 53's buckets since 2026-07-30: the name of the bucket
        that is short, or None after drawing from every one."""
        if not self.cfg["throttle"]:
            return None
        now = time.monotonic()
        ob = self.op_bucket.get(op)
        if ob is None:
            ob = self.op_bucket[op] = Bucket(
                *self.cfg["op_buckets"].get(op, DEFAULT_OP_BUCKET),
                now=now)
        n = len(CHANGE_RE.findall(body or b"")) \
            if op == "ChangeResourceRecordSets" else 0
        short = None
        if not self.account.has(1, now):
            short = "account"
        elif not ob.has(1, now):
            short = "operation"
        elif n and not self.change_bucket.has(n, now):
            short = "change"
        if short:
            self.stats["throttled"][short] += 1
            return short
        self.account.take(1)
        ob.take(1)
        if n:
            self.change_bucket.take(n)
            self.stats["changes"] += n
        return None

    # -- control API -------------------------------------------------------

    def state(self, only=None):
        zones = []
        for zid in self.zone_order:
            z = self.zones[zid]
            if only and zid != only.split("/")[-1]:
                continue
            zones.append({
                "Id": zid, "Name": z.name, "PrivateZone": z.private,
                "VPCs": [v["VPCId"] for v in z.vpcs],
                "CallerReference": z.caller_ref, "Comment": z.comment,
                "ResourceRecordSets": [M.public(z.rrsets[k])
                                       for k in z.keys()]})
        return {"zones": zones,
                "changes": {c: self.change_status(c) for c in self.changes}}

    def console_write(self, req):
        ref = str(req.get("HostedZoneId", ""))
        z = None
        if ref.split("/")[-1] in self.zones:
            z = self.zones[ref.split("/")[-1]]
        else:
            try:
                nk = M.canon(ref)
            except M.NameProblem:
                nk = None
            want_priv = bool(req.get("PrivateZone", False))
            for zid in self.zone_order:
                c = self.zones[zid]
                if c.name == nk and c.private == want_priv:
                    z = c
                    break
        if z is None:
            raise ApiError(404, "NoSuchHostedZone",
                           "No hosted zone found with ID: %s" % ref)
        batch = req.get("ChangeBatch") or {}
        body = (X.to_xml(X.CHANGE_REQ, {"ChangeBatch": batch})
                if isinstance(batch, dict) else "")
        body = ('<ChangeResourceRecordSetsRequest xmlns="%s">%s'
                '</ChangeResourceRecordSetsRequest>' % (X.NS, body))
        _, _, _, cid = self.op_change(z.id, {}, body.encode("utf-8"),
                                      console=True)
        return {"ChangeInfo": {"Id": "/change/" + cid, "Status": "PENDING"}}

    def configure(self, d):
        for k, v in d.items():
            if k not in self.cfg:
                raise ValueError("unknown setting %r" % k)
            if k == "random_faults" and v is not None:
                for f in v.get("kinds", ()):
                    check_fault(f)
            self.cfg[k] = v
            if k == "strict_element_order":
                X.STRICT_ORDER = bool(v)
            if k == "rate":
                self.tokens = float(v or 0)
                self.bucket_t = time.monotonic()
            if k == "op_buckets":
                self.cfg[k] = dict(OP_BUCKETS, **v)
            if k in ("throttle", "account_bucket", "op_buckets",
                     "change_bucket"):
                self.fill_buckets()
        return dict(self.cfg)


FAULT_TYPES = ("500", "503", "throttle", "prior", "error", "close_before",
               "close_after", "slow", "truncate", "malformed")


def check_fault(f):
    if not isinstance(f, dict) or f.get("type") not in FAULT_TYPES:
        raise ValueError("unknown fault %r" % (f,))
