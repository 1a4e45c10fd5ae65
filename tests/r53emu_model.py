#!/usr/bin/python3
"""Route 53 data model for the r53d test emulator (see r53emu.py).

This module knows nothing about HTTP; the XML of requests and answers,
the API's constants and ApiError are r53emu_xml.py's.  It holds:

- DNS name parsing and canonical output (lowercase, trailing dot, every
  byte outside [a-z0-9_-] written as a three-digit octal escape);
- per-type checks of resource record Values;
- the ChangeResourceRecordSets batch semantics: checked in order, every
  error collected, all or nothing.

Facts come from shared/ROUTE53.md (the project's Route 53 reference).  Where
that document says NOT CONFIRMED, the strictest reasonable behaviour is
chosen and marked "NOT CONFIRMED" in a comment here.
"""

import ipaddress
import re

from r53emu_xml import RR_SEQ, invalid_input, to_xml


# ---------------------------------------------------------------------------
# Names

class NameProblem(Exception):
    """reason and explanation in Route 53's "FATAL problem" vocabulary."""

    def __init__(self, reason, explanation):
        Exception.__init__(self, reason)
        self.reason = reason
        self.explanation = explanation


def parse_name(text):
    """Parse a presentation-form name into a list of lowercased byte labels.

    Accepts literal printable ASCII, '\\ooo' octal escapes and '\\c' for a
    literal c; the trailing dot is optional.  Raw spaces, control bytes and
    non-ASCII must be escaped (DG-DomainNameFormat); strict rejection of raw
    non-ASCII is NOT CONFIRMED (ROUTE53.md 11.4).
    """
    labels = []
    cur = bytearray()
    i = 0
    n = len(text)
    if text in ("", "."):
        if text == "":
            raise NameProblem("DomainLabelEmpty", "Domain label is empty")
        return []
    while i < n:
        c = text[i]
        if c == "\\":
            if re.fullmatch(r"[0-7]{3}", text[i + 1:i + 4]):
                v = int(text[i + 1:i + 4], 8)
                if v > 255:
                    raise NameProblem("InvalidEscape",
                                      "Value contains an invalid escape")
                cur.append(v)
                i += 4
                continue
            if i + 1 >= n:
                raise NameProblem("InvalidEscape",
                                  "Value contains an invalid escape")
            c = text[i + 1]
            if ord(c) < 0x21 or ord(c) > 0x7e:
                raise NameProblem("UnsupportedCharacter",
                                  "Value contains unsupported characters")
            cur.append(ord(c))
            i += 2
            continue
        if c == ".":
            if not cur:
                raise NameProblem("DomainLabelEmpty", "Domain label is empty")
            labels.append(bytes(cur))
            cur = bytearray()
            i += 1
            continue
        if ord(c) < 0x21 or ord(c) > 0x7e:
            raise NameProblem("UnsupportedCharacter",
                              "Value contains unsupported characters")
        cur.append(ord(c))
        i += 1
    if cur:
        labels.append(bytes(cur))
    out = []
    for lab in labels:
        if len(lab) > 63:
            raise NameProblem("DomainLabelTooLong", "Domain label is too long")
        out.append(lab.lower())
    if sum(len(x) + 1 for x in out) + 1 > 255:
        raise NameProblem("DomainNameTooLong", "Domain name is too long")
    return out


_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789-_")


def esc_label(lab):
    return "".join(chr(b) if b in _PLAIN else "\\%03o" % b for b in lab)


def format_name(labels):
    """Canonical output form: escaped labels, trailing dot."""
    if not labels:
        return "."
    return ".".join(esc_label(x) for x in labels) + "."


def name_key(labels):
    """ListResourceRecordSets / ListHostedZonesByName sort key: labels
    reversed, in stored escaped form, with a trailing dot, compared as
    ASCII (MODEL documentation)."""
    return "".join(esc_label(x) + "." for x in reversed(labels))


def canon(text):
    return format_name(parse_name(text))


def is_subdomain(labels, zone_labels):
    k = len(zone_labels)
    return len(labels) >= k and (k == 0 or labels[-k:] == zone_labels)


# ---------------------------------------------------------------------------
# Record data (Value) checks.  Each returns None or (reason, explanation).
# The reasons ARRDATAIllegalIPv4Address, ARRDATANotSingleField,
# CharacterStringTooLong and InvalidCharacterString are seen in real
# replies; the others follow the same pattern and are NOT CONFIRMED.

def _tokens(v):
    """Split on blanks, keeping "quoted strings" (with \\ escapes) whole.
    Returns None when a quote is not closed."""
    out = []
    i = 0
    n = len(v)
    while i < n:
        if v[i] == " ":
            i += 1
            continue
        j = i
        if v[i] == '"':
            j += 1
            while j < n and v[j] != '"':
                j += 2 if v[j] == "\\" else 1
            if j >= n:
                return None
            j += 1
        else:
            while j < n and v[j] != " ":
                j += 1
        out.append(v[i:j])
        i = j
    return out


def _printable(v):
    return all(0x20 <= ord(c) <= 0x7e for c in v)


def check_char_strings(v, maxcount=None):
    """TXT/SPF syntax: one or more "..." strings separated by spaces, each
    at most 255 bytes after unescaping (DG-ResourceRecordTypes TXT)."""
    if not _printable(v):
        # Raw tabs, control bytes or non-ASCII: NOT CONFIRMED (11.4).
        return ("UnsupportedCharacter",
                "Value contains unsupported characters")
    i = 0
    n = len(v)
    count = 0
    unq = ("InvalidCharacterString",
           "Value should be enclosed in quotation marks")
    while True:
        while i < n and v[i] == " ":
            i += 1
        if i >= n:
            break
        if v[i] != '"':
            return unq
        i += 1
        size = 0
        while True:
            if i >= n:
                return unq
            c = v[i]
            if c == '"':
                i += 1
                break
            if c == "\\":
                if re.match(r"[0-7]{3}", v[i + 1:i + 4]):
                    if int(v[i + 1:i + 4], 8) > 255:
                        return ("InvalidEscape",
                                "Value contains an invalid escape")
                    i += 4
                elif i + 1 < n:
                    i += 2
                else:
                    return unq
            else:
                i += 1
            size += 1
        if size > 255:
            return ("CharacterStringTooLong", "Value is too long")
        count += 1
        if i < n and v[i] != " ":
            return unq
    if count == 0:
        return unq
    if maxcount is not None and count > maxcount:
        return unq
    return None


def _u(tok, bits):
    if not re.fullmatch(r"[0-9]+", tok):
        return False
    return int(tok) < (1 << bits)


def _name_ok(tok):
    try:
        parse_name(tok)
    except NameProblem as e:
        return (e.reason, e.explanation)
    return None


def _hex(tok, even=True):
    return bool(re.fullmatch(r"[0-9A-Fa-f]+", tok)) and \
        (not even or len(tok) % 2 == 0)


def _fields(rt, want, got):
    return ("%sRRDATANot%sFields" % (rt, want),
            "%s RDATA must have %s fields" % (rt, want.lower()))


def check_value(rtype, v):
    if rtype in ("TXT", "SPF"):
        return check_char_strings(v)
    if not _printable(v):
        return ("UnsupportedCharacter", "Value contains unsupported characters")
    t = _tokens(v)
    if t is None:
        return ("InvalidCharacterString", "Value has an unterminated string")
    if rtype == "A":
        if len(t) != 1:
            return ("ARRDATANotSingleField", "Value contains spaces")
        try:
            ipaddress.IPv4Address(t[0])
        except ValueError:
            return ("ARRDATAIllegalIPv4Address",
                    "Value is not a valid IPv4 address")
        return None
    if rtype == "AAAA":
        if len(t) != 1:
            return ("AAAARRDATANotSingleField", "Value contains spaces")
        try:
            if "%" in t[0]:
                raise ValueError
            ipaddress.IPv6Address(t[0])
        except ValueError:
            return ("AAAARRDATAIllegalIPv6Address",
                    "Value is not a valid IPv6 address")
        return None
    if rtype in ("CNAME", "NS", "PTR"):
        if len(t) != 1:
            return ("%sRRDATANotSingleField" % rtype, "Value contains spaces")
        return _name_ok(t[0])
    if rtype == "MX":
        if len(t) != 2:
            return _fields("MX", "Two", len(t))
        if not _u(t[0], 16):
            return ("MXRRDATAIllegalPriority",
                    "Priority must be an integer from 0 to 65535")
        return _name_ok(t[1])
    if rtype == "SRV":
        if len(t) != 4:
            return _fields("SRV", "Four", len(t))
        if not all(_u(x, 16) for x in t[:3]):
            return ("SRVRRDATAIllegalNumber",
                    "Priority, weight and port must be from 0 to 65535")
        return _name_ok(t[3])
    if rtype == "CAA":
        if len(t) != 3:
            return _fields("CAA", "Three", len(t))
        if not _u(t[0], 8) or not re.fullmatch(r"[A-Za-z0-9]+", t[1]):
            return ("CAARRDATAIllegalFlagsOrTag",
                    "Flags must be from 0 to 255 and the tag alphanumeric")
        if not t[2].startswith('"'):
            return ("InvalidCharacterString",
                    "Value should be enclosed in quotation marks")
        return check_char_strings(t[2], 1)
    if rtype == "NAPTR":
        if len(t) != 6:
            return _fields("NAPTR", "Six", len(t))
        if not _u(t[0], 16) or not _u(t[1], 16):
            return ("NAPTRRDATAIllegalNumber",
                    "Order and preference must be from 0 to 65535")
        for s in t[2:5]:
            if not s.startswith('"'):
                return ("InvalidCharacterString",
                        "Value should be enclosed in quotation marks")
        return None if t[5] == "." else _name_ok(t[5])
    if rtype == "DS":
        if len(t) != 4:
            return _fields("DS", "Four", len(t))
        if not (_u(t[0], 16) and _u(t[1], 8) and _u(t[2], 8)
                and _hex(t[3])):
            return ("DSRRDATAIllegalField",
                    "Key tag, algorithm, digest type or digest is invalid")
        return None
    if rtype == "SOA":
        if len(t) != 7:
            return _fields("SOA", "Seven", len(t))
        for x in t[:2]:
            p = _name_ok(x)
            if p:
                return p
        if not all(_u(x, 32) for x in t[2:]):
            return ("SOARRDATAIllegalNumber",
                    "Serial and timers must be from 0 to 4294967295")
        return None
    if rtype == "TLSA":
        if len(t) != 4:
            return _fields("TLSA", "Four", len(t))
        if not (all(_u(x, 8) for x in t[:3]) and _hex(t[3])):
            return ("TLSARRDATAIllegalField",
                    "Usage, selector, matching type or data is invalid")
        return None
    if rtype == "SSHFP":
        if len(t) != 3:
            return _fields("SSHFP", "Three", len(t))
        if not (_u(t[0], 8) and _u(t[1], 8) and _hex(t[2])):
            return ("SSHFPRRDATAIllegalField",
                    "Algorithm, type or fingerprint is invalid")
        return None
    if rtype in ("SVCB", "HTTPS"):
        # RFC 9460 presentation form; Route 53's exact rules are NOT
        # CONFIRMED (ROUTE53.md 6.1).  Checked: priority, target, and that
        # each SvcParam key is known or keyNNNNN, without repeats.
        if len(t) < 2:
            return _fields(rtype, "Two", len(t))
        if not _u(t[0], 16):
            return ("%sRRDATAIllegalPriority" % rtype,
                    "Priority must be an integer from 0 to 65535")
        if t[1] != ".":
            p = _name_ok(t[1])
            if p:
                return p
        seen = set()
        known = ("mandatory", "alpn", "no-default-alpn", "port",
                 "ipv4hint", "ech", "ipv6hint", "dohpath", "ohttp")
        for p in t[2:]:
            k = p.split("=", 1)[0]
            if not (k in known or re.fullmatch(r"key[0-9]{1,5}", k)) \
                    or k in seen:
                return ("%sRRDATAIllegalSvcParam" % rtype,
                        "SvcParam key is unknown or repeated")
            seen.add(k)
        return None
    return None


# ---------------------------------------------------------------------------
# Zones and batches

POLICY_FIELDS = [("Weight", "weighted"), ("Region", "latency"),
                 ("GeoLocation", "geolocation"), ("Failover", "failover"),
                 ("MultiValueAnswer", "multivalue"),
                 ("CidrRoutingConfig", "cidr"),
                 ("GeoProximityLocation", "geoproximity")]


def policy_of(rr):
    for f, kind in POLICY_FIELDS:
        if f in rr:
            return kind
    return None


def rr_key(rr):
    """Identity and sort key of a stored RRset: (name key, type, set id).
    Same-name RRsets are ordered by type mnemonic as ASCII; the real order
    (mnemonic or numeric code) is NOT CONFIRMED (ROUTE53.md 11.1)."""
    return (rr["_key"], rr["Type"], rr.get("SetIdentifier", ""))


def public(rr):
    return {k: v for k, v in rr.items() if not k.startswith("_")}


def same_rrset(a, b):
    """DELETE matching: everything equal, Values compared as a set.  Order
    insensitivity and case sensitivity of Values are NOT CONFIRMED
    (ROUTE53.md 11.2): Values are compared as exact strings (strict on
    case), ignoring order, since an RRset is a set."""
    pa = public(a)
    pb = public(b)
    ra = pa.pop("ResourceRecords", None)
    rb = pb.pop("ResourceRecords", None)
    if pa != pb:
        return False
    if ra is None or rb is None:
        return ra is rb
    return sorted(x["Value"] for x in ra) == sorted(x["Value"] for x in rb)


class Zone(object):
    def __init__(self, zid, name, caller_ref, comment, private, nameservers,
                 vpcs=None):
        self.id = zid
        self.labels = parse_name(name)
        self.name = format_name(self.labels)
        self.caller_ref = caller_ref
        self.comment = comment
        self.private = private
        self.nameservers = nameservers
        self.vpcs = vpcs or []
        self.rrsets = {}
        self.sorted_keys = None
        self.by_name = None
        self.last_change = None
        apex = self.name
        soa = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. " \
              "1 7200 900 1209600 86400"
        for rr in ({"Name": apex, "Type": "NS", "TTL": 172800,
                    "ResourceRecords": [{"Value": x + "."}
                                        for x in nameservers]},
                   {"Name": apex, "Type": "SOA", "TTL": 900,
                    "ResourceRecords": [{"Value": soa}]}):
            rr["_key"] = name_key(self.labels)
            self.rrsets[rr_key(rr)] = rr

    def keys(self):
        if self.sorted_keys is None:
            self.sorted_keys = sorted(self.rrsets)
        return self.sorted_keys

    def names(self):
        """The keys of the RRsets by owner (name_key), kept up to date
        by commit()."""
        if self.by_name is None:
            self.by_name = {}
            for k in self.rrsets:
                self.by_name.setdefault(k[0], set()).add(k)
        return self.by_name

    def commit(self, work):
        """Make a checked batch (an _Overlay from apply_batch) the
        zone's RRsets."""
        names = self.names()
        for key, rr in work.upd.items():
            if rr is _GONE:
                self.rrsets.pop(key, None)
                names.get(key[0], set()).discard(key)
                if not names.get(key[0], True):
                    del names[key[0]]
            else:
                self.rrsets[key] = rr
                names.setdefault(key[0], set()).add(key)
        if work.upd:
            self.sorted_keys = None

    def zone_text(self):
        """Zone name as it appears at the end of Route 53 messages."""
        return self.name[:-1] if self.name != "." else "."


def _rrdesc(rr, with_set=True):
    s = "[name='%s', type='%s'" % (rr["Name"], rr["Type"])
    if with_set and "SetIdentifier" in rr:
        s += ", set-identifier='%s'" % rr["SetIdentifier"]
    return s + "]"


def _fatal(reason, expl, value):
    return "Invalid Resource Record: FATAL problem: %s (%s) encountered " \
           "with '%s'" % (reason, expl, value)


def check_shape(changes):
    """The 'exactly one of' rule, answered as InvalidInput."""
    for ch in changes:
        rr = ch["ResourceRecordSet"]
        a = "AliasTarget" in rr
        t = "TTL" in rr
        r = "ResourceRecords" in rr
        p = "TrafficPolicyInstanceId" in rr
        groups = int(a) + int(t and r) + int(p)
        extra = (a or p) and (t or r)
        if groups == 1 and not extra:
            continue
        how = "none" if groups == 0 and not extra else "more than one"
        raise invalid_input(
            "Invalid request: Expected exactly one of [AliasTarget, all of "
            "[TTL, and ResourceRecords], or TrafficPolicyInstanceId], but "
            "found %s in Change with [Action=%s, Name=%s, Type=%s, "
            "SetIdentifier=%s]" % (how, ch["Action"], rr["Name"], rr["Type"],
                                   rr.get("SetIdentifier", "null")))


def request_limits(changes):
    """1,000 ResourceRecord elements and 32,000 Value characters per request,
    UPSERT counted twice (DG-DNSLimitations).  Bracketed like every other
    InvalidChangeBatch message (form A)."""
    nrec = 0
    nchar = 0
    for ch in changes:
        mul = 2 if ch["Action"] == "UPSERT" else 1
        rr = ch["ResourceRecordSet"]
        vals = rr.get("ResourceRecords") or []
        nrec += mul * (len(vals) if vals else 1)
        nchar += mul * sum(len(v["Value"]) for v in vals)
    if nrec > 1000:
        return "Number of records limit of 1000 exceeded."
    if nchar > 32000:
        return "RDATA character limit of 32000 exceeded."
    return None


_GONE = object()


class _Overlay(object):
    """A zone's RRsets with a batch's changes on top, copied on write, so
    that a batch costs what it changes, not the size of the zone."""

    def __init__(self, zone):
        self.base = zone.rrsets
        self.base_names = zone.names()
        self.upd = {}           # key -> rr, or _GONE
        self.names = {}         # name_key -> set of keys, where changed
        self.n = len(self.base)

    def get(self, key):
        rr = self.upd.get(key)
        if rr is None:
            return self.base.get(key)
        return None if rr is _GONE else rr

    def __contains__(self, key):
        return self.get(key) is not None

    def __len__(self):
        return self.n

    def _names(self, nk):
        s = self.names.get(nk)
        if s is None:
            s = set(self.base_names.get(nk, ()))
            self.names[nk] = s
        return s

    def at(self, nk):
        """The keys of the RRsets of owner nk."""
        s = self.names.get(nk)
        return s if s is not None else self.base_names.get(nk, ())

    def put(self, key, rr):
        if key not in self:
            self.n += 1
        self.upd[key] = rr
        self._names(key[0]).add(key)

    def delete(self, key):
        if key in self:
            self.n -= 1
        self.upd[key] = _GONE
        self._names(key[0]).discard(key)


def apply_batch(zone, changes, zones_by_id, max_rrsets):
    """Check a parsed batch against zone.  Returns (errors, new rrsets);
    errors is a list of Route 53 messages, empty when the batch is good.
    Changes are checked in order against the state left by the changes
    before them; a change that fails leaves that state unchanged."""
    lim = request_limits(changes)
    if lim:
        return [lim], None
    check_shape(changes)
    work = _Overlay(zone)
    errors = []
    touched = {}
    zt = zone.zone_text()
    for ch in changes:
        action = ch["Action"]
        src = ch["ResourceRecordSet"]
        rr = {k: v for k, v in src.items()}
        try:
            labels = parse_name(src["Name"])
        except NameProblem as e:
            errors.append("FATAL problem: %s (%s) encountered with '%s'"
                          % (e.reason, e.explanation, src["Name"]))
            continue
        rr["Name"] = format_name(labels)
        rr["_key"] = name_key(labels)
        name = rr["Name"]
        rtype = rr["Type"]
        if not is_subdomain(labels, zone.labels):
            errors.append("RRSet with DNS name %s is not permitted in zone %s."
                          % (name, zt))
            continue
        if "AliasTarget" in rr:
            at = dict(rr["AliasTarget"])
            try:
                at["DNSName"] = canon(at["DNSName"])
            except NameProblem as e:
                errors.append("FATAL problem: %s (%s) encountered with '%s'"
                              % (e.reason, e.explanation,
                                 rr["AliasTarget"]["DNSName"]))
                continue
            rr["AliasTarget"] = at
        if "GeoLocation" in rr and not rr["GeoLocation"]:
            errors.append("Invalid request: GeoLocation must specify a "
                          "ContinentCode or a CountryCode")
            continue
        n0 = len(errors)
        vals = [v["Value"] for v in rr.get("ResourceRecords") or []]
        for v in vals:
            p = check_value(rtype, v)
            if p:
                errors.append(_fatal(p[0], p[1], v))
        seen = set()
        for v in vals:
            if v in seen:
                errors.append("Duplicate Resource Record: '%s'" % v)
            seen.add(v)
        if len(vals) > 400:
            # The 400 limit is DG-DNSLimitations; the wording follows the
            # 2017 message for the old limit of 100.
            errors.append("Cannot have more than 400 records in a RRSet.")
        if rtype in ("CNAME", "SOA") and len(vals) > 1:
            # NOT CONFIRMED wording.
            errors.append("RRSet of type %s with DNS name %s has more than "
                          "one value." % (rtype, name))
        if rtype == "SOA" and labels != zone.labels:
            # SOA away from the apex: NOT CONFIRMED (11.9); refused.
            errors.append("RRSet of type SOA with DNS name %s is not "
                          "permitted in zone %s." % (name, zt))
        if rtype == "NS" and labels and labels[0] == b"*":
            # DG-DomainNameFormat: NS records may not use '*'.  Wording
            # NOT CONFIRMED.
            errors.append("RRSet of type NS with DNS name %s is not "
                          "permitted because NS records cannot have a "
                          "wildcard name in zone %s." % (name, zt))
        pol = policy_of(rr)
        if pol and "SetIdentifier" not in rr:
            errors.append("Invalid request: a %s RRSet requires a "
                          "SetIdentifier" % pol)
        if "SetIdentifier" in rr and not pol:
            errors.append("Invalid request: RRSet with DNS name %s, type %s "
                          "has a SetIdentifier but no routing policy"
                          % (name, rtype))
        if pol and rtype in ("SOA", "NS", "DS") and pol != "multivalue":
            errors.append("RRSet of type %s with DNS name %s is not "
                          "permitted with a %s routing policy."
                          % (rtype, name, pol))
        if len(errors) > n0:
            continue
        key = rr_key(rr)
        prev = touched.get(key)
        if prev is not None and not (prev == ["DELETE"] and
                                     action == "CREATE"):
            # Strictest reading of ROUTE53.md 2.3: only DELETE followed by
            # CREATE may touch the same RRset twice in one batch.
            errors.append("The request contains an invalid set of changes "
                          "for a resource record set '%s %s'" % (rtype, name))
            continue
        if action == "CREATE" and key in work:
            errors.append("Tried to create resource record set %s but it "
                          "already exists" % _rrdesc(rr))
            continue
        if action == "DELETE":
            cur = work.get(key)
            if cur is None:
                errors.append("Tried to delete resource record set %s but it "
                              "was not found" % _rrdesc(rr))
                continue
            if not same_rrset(cur, rr):
                errors.append("Tried to delete resource record set %s but the "
                              "values provided do not match the current "
                              "values" % _rrdesc(rr))
                continue
            work.delete(key)
            touched.setdefault(key, []).append(action)
            continue
        # CREATE or UPSERT: coexistence rules against the current state.
        same_name = [work.get(k) for k in work.at(key[0]) if k != key]
        if rtype == "CNAME":
            if any(x["Type"] != "CNAME" for x in same_name):
                errors.append("RRSet of type CNAME with DNS name %s is not "
                              "permitted as it conflicts with other records "
                              "with the same DNS name in zone %s." % (name, zt))
                continue
        elif any(x["Type"] == "CNAME" for x in same_name):
            # Two spaces before CNAME, as in the real message.
            errors.append("RRSet of type %s with DNS name %s is not permitted "
                          "because a conflicting RRSet of type  CNAME with "
                          "the same DNS name already exists in zone %s."
                          % (rtype, name, zt))
            continue
        group = [x for x in same_name if x["Type"] == rtype]
        if group:
            if "SetIdentifier" not in rr:
                errors.append("RRSet with DNS name %s, type %s cannot be "
                              "created as other RRSets exist with the same "
                              "name and type." % (name, rtype))
                continue
            if any(policy_of(x) != pol for x in group):
                errors.append("RRSet with DNS name %s, type %s, SetIdentifier "
                              "%s cannot be created as a non-%s set exists "
                              "with the same name and type."
                              % (name, rtype, rr["SetIdentifier"], pol))
                continue
            if pol == "weighted" and "TTL" in rr and any(
                    "TTL" in x and x["TTL"] != rr["TTL"] for x in group):
                errors.append("RRSet with DNS name %s and type %s, "
                              "SetIdentifier %s cannot be created as weighted "
                              "sets must contain the same TTL."
                              % (name, rtype, rr["SetIdentifier"]))
                continue
        if "AliasTarget" in rr:
            at = rr["AliasTarget"]
            tz = zones_by_id.get(at["HostedZoneId"])
            if tz is not None:
                tk = name_key(parse_name(at["DNSName"]))
                if tz is zone:
                    found = any(k[1] == rtype for k in work.at(tk))
                else:
                    found = any(k[1] == rtype
                                for k in tz.names().get(tk, ()))
                if not found:
                    errors.append("Tried to create an alias that targets %s, "
                                  "type %s in zone %s, but that target was not "
                                  "found" % (at["DNSName"], rtype, tz.id))
                    continue
        work.put(key, rr)
        touched.setdefault(key, []).append(action)
    apex = work.at(name_key(zone.labels))
    if not any(k[1] == "SOA" for k in apex):
        errors.append("A HostedZone must contain exactly one SOA record.")
    if not any(k[1] == "NS" for k in apex):
        errors.append("A HostedZone must contain at least one NS record for "
                      "the zone itself.")
    if len(work) > max_rrsets and len(work) > len(zone.rrsets):
        errors.append("Exceeded limit MAX_RRSETS_BY_ZONE for zone: %s"
                      % zone.id)
    if errors:
        return errors, None
    return [], work


def rrset_from_json(d):
    """Accept a boto3-style ResourceRecordSet dict (control API) and render
    it as request XML so it goes through the same checks."""
    return to_xml(RR_SEQ, d)
