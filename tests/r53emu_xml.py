#!/usr/bin/python3
"""The request and answer XML of the r53d test emulator's data model
(r53emu_model.py): the API's namespace, record types and regions, the
ApiError answers, and a small XML-schema checker for request bodies,
driven by the member order of the official API model, with Xerces-style
messages as Route 53 returns them ("Invalid XML ; cvc-..."); to_xml()
writes answers in the same order.  Knows nothing about HTTP.

Facts come from shared/ROUTE53.md (the project's Route 53 reference).
"""

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as _xesc

NS = "https://route53.amazonaws.com/doc/2013-04-01/"

RRTYPES = ["SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV",
           "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"]

REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "eu-north-1", "sa-east-1",
    "cn-north-1", "cn-northwest-1", "ap-east-1", "me-south-1",
    "me-central-1", "ap-south-1", "ap-south-2", "af-south-1", "eu-south-1",
    "eu-south-2", "ap-southeast-4", "il-central-1", "ca-west-1",
    "ap-southeast-5", "mx-central-1", "ap-southeast-7", "us-gov-east-1",
    "us-gov-west-1", "ap-east-2", "ap-southeast-6", "eusc-de-east-1"]


class ApiError(Exception):
    """An AWS error answer: HTTP status, Code, Message."""

    def __init__(self, status, code, message):
        Exception.__init__(self, message)
        self.status = status
        self.code = code
        self.message = message


def invalid_input(msg):
    return ApiError(400, "InvalidInput", msg)


def invalid_xml(msg):
    return invalid_input("Invalid XML ; " + msg)


# ---------------------------------------------------------------------------
# Request schema (member order from the API model, botocore
# route53/2013-04-01/service-2.json).

class F(object):
    """One element: name, kind, required, and kind-specific facets.
    kinds: str(min,max,tname) long(lo,hi,tname) bool enum(values,tname)
    seq(children) list(itemname, itemfield-children, min)."""

    def __init__(self, name, kind, req=False, **kw):
        self.name = name
        self.kind = kind
        self.req = req
        self.kw = kw


def S(name, lo, hi, tname, req=False):
    return F(name, "str", req, lo=lo, hi=hi, tname=tname)


RR_SEQ = [
    S("Name", 0, 1024, "DNSName", True),
    F("Type", "enum", True, values=RRTYPES, tname="RRType"),
    S("SetIdentifier", 1, 128, "ResourceRecordSetIdentifier"),
    F("Weight", "long", lo=0, hi=255, tname="ResourceRecordSetWeight"),
    F("Region", "enum", values=REGIONS, tname="ResourceRecordSetRegion"),
    F("GeoLocation", "seq", children=[
        S("ContinentCode", 2, 2, "GeoLocationContinentCode"),
        S("CountryCode", 1, 2, "GeoLocationCountryCode"),
        S("SubdivisionCode", 1, 3, "GeoLocationSubdivisionCode")]),
    F("Failover", "enum", values=["PRIMARY", "SECONDARY"],
      tname="ResourceRecordSetFailover"),
    F("MultiValueAnswer", "bool"),
    F("TTL", "long", lo=0, hi=2147483647, tname="TTL"),
    F("ResourceRecords", "list", item="ResourceRecord", min=1,
      children=[S("Value", 0, 4000, "RData", True)]),
    F("AliasTarget", "seq", children=[
        S("HostedZoneId", 0, 32, "ResourceId", True),
        S("DNSName", 0, 1024, "DNSName", True),
        F("EvaluateTargetHealth", "bool", True)]),
    S("HealthCheckId", 0, 64, "HealthCheckId"),
    S("TrafficPolicyInstanceId", 1, 36, "TrafficPolicyInstanceId"),
    F("CidrRoutingConfig", "seq", children=[
        S("CollectionId", 36, 36, "UUID", True),
        S("LocationName", 1, 16, "CidrLocationNameDefaultAllowed", True)]),
    F("GeoProximityLocation", "seq", children=[
        S("AWSRegion", 1, 64, "AWSRegion"),
        S("LocalZoneGroup", 1, 64, "LocalZoneGroup"),
        F("Coordinates", "seq", children=[
            S("Latitude", 1, 6, "Latitude", True),
            S("Longitude", 1, 7, "Longitude", True)]),
        F("Bias", "long", lo=-99, hi=99, tname="Bias")]),
]

CHANGE_REQ = [F("ChangeBatch", "seq", True, children=[
    S("Comment", 0, 256, "ResourceDescription"),
    F("Changes", "list", True, item="Change", min=1, children=[
        F("Action", "enum", True, values=["CREATE", "DELETE", "UPSERT"],
          tname="ChangeAction"),
        F("ResourceRecordSet", "seq", True, children=RR_SEQ)])])]

VPC_SEQ = [F("VPCRegion", "enum", values=REGIONS, tname="VPCRegion"),
           S("VPCId", 0, 1024, "VPCId")]

CREATE_ZONE_REQ = [
    S("Name", 0, 1024, "DNSName", True),
    F("VPC", "seq", children=VPC_SEQ),
    S("CallerReference", 1, 128, "Nonce", True),
    F("HostedZoneConfig", "seq", children=[
        S("Comment", 0, 256, "ResourceDescription"),
        F("PrivateZone", "bool")]),
    S("DelegationSetId", 0, 32, "ResourceId"),
]

# Response-side orders (for output only).
ZONE_OUT = ["Id", "Name", "CallerReference", "Config",
            "ResourceRecordSetCount"]


def _local(tag):
    if tag.startswith("{" + NS + "}"):
        return tag[len(NS) + 2:]
    return None


def _expected(fields, start, present=()):
    """The "One of '{...}' is expected" list: in strict order, the elements
    allowed from position start; otherwise every element not yet present."""
    names = []
    for f in fields[start:] if STRICT_ORDER else fields:
        if f.name in present:
            continue
        names.append('"%s":%s' % (NS, f.name))
        if f.req and STRICT_ORDER:
            break
    return "{" + ", ".join(names) + "}"


def _shown(el):
    t = el.tag
    return _local(t) or (t.split("}", 1)[-1])


def _scalar(f, el):
    if len(el):
        raise invalid_xml(
            "cvc-type.3.1.2: Element '%s' is a simple type, so it must have "
            "no element information item [children]." % f.name)
    text = el.text or ""
    k = f.kind
    kw = f.kw
    if k == "str":
        n = len(text)
        if n > kw["hi"]:
            raise invalid_xml(
                "cvc-maxLength-valid: Value '%s' with length = '%d' is not "
                "facet-valid with respect to maxLength '%d' for type '%s'."
                % (text, n, kw["hi"], kw["tname"]))
        if n < kw["lo"]:
            raise invalid_xml(
                "cvc-minLength-valid: Value '%s' with length = '%d' is not "
                "facet-valid with respect to minLength '%d' for type '%s'."
                % (text, n, kw["lo"], kw["tname"]))
        return text
    t = text.strip()
    if k == "enum":
        if t not in kw["values"]:
            raise invalid_xml(
                "cvc-enumeration-valid: Value '%s' is not facet-valid with "
                "respect to enumeration '[%s]'. It must be a value from the "
                "enumeration." % (t, ", ".join(kw["values"])))
        return t
    if k == "bool":
        if t not in ("true", "false", "1", "0"):
            raise invalid_xml("cvc-datatype-valid.1.2.1: '%s' is not a valid "
                              "value for 'boolean'." % t)
        return t in ("true", "1")
    if k == "long":
        if not re.fullmatch(r"[+-]?[0-9]+", t):
            raise invalid_xml("cvc-datatype-valid.1.2.1: '%s' is not a valid "
                              "value for 'integer'." % t)
        v = int(t)
        if v > kw["hi"]:
            raise invalid_xml(
                "cvc-maxInclusive-valid: Value '%s' is not facet-valid with "
                "respect to maxInclusive '%d' for type '%s'."
                % (t, kw["hi"], kw["tname"]))
        if v < kw["lo"]:
            raise invalid_xml(
                "cvc-minInclusive-valid: Value '%s' is not facet-valid with "
                "respect to minInclusive '%d' for type '%s'."
                % (t, kw["lo"], kw["tname"]))
        return v
    raise AssertionError(k)


def _no_text(el, name):
    if el.text and el.text.strip():
        raise invalid_xml(
            "cvc-complex-type.2.3: Element '%s' cannot have character "
            "[children], because the type's content type is element-only."
            % name)
    for c in el:
        if c.tail and c.tail.strip():
            raise invalid_xml(
                "cvc-complex-type.2.3: Element '%s' cannot have character "
                "[children], because the type's content type is "
                "element-only." % name)


# The API reference says request elements must follow the documented
# order, but botocore writes structure members in the caller's dict order
# (serialize.py RestXMLSerializer), and boto3 code with e.g. TTL after
# ResourceRecords is common, so Route 53 evidently accepts other orders.
# Default: any order, each element at most once, required ones present.
# STRICT_ORDER (r53emu --strict-element-order) enforces model order, for
# checking a client's serializer.
STRICT_ORDER = False


def _find(fields, ln, pos):
    if not STRICT_ORDER:
        for j, f in enumerate(fields):
            if f.name == ln:
                return j
        return len(fields)
    j = pos
    while j < len(fields) and fields[j].name != ln:
        if fields[j].req:
            return len(fields)
        j += 1
    return j


def _seq(fields, el, name):
    """Children of el must be elements of fields, each at most once (and in
    order when STRICT_ORDER); returns a dict."""
    _no_text(el, name)
    out = {}
    pos = 0
    for c in el:
        ln = _local(c.tag)
        j = _find(fields, ln, pos)
        if j < len(fields) and fields[j].name in out:
            j = len(fields)
        if j >= len(fields):
            exp = _expected(fields, pos, out)
            if exp == "{}":
                raise invalid_xml(
                    "cvc-complex-type.2.4.d: Invalid content was found "
                    "starting with element '%s'. No child element is "
                    "expected at this point." % _shown(c))
            raise invalid_xml(
                "cvc-complex-type.2.4.a: Invalid content was found starting "
                "with element '%s'. One of '%s' is expected."
                % (_shown(c), exp))
        f = fields[j]
        out[f.name] = _value(f, c)
        pos = j + 1
    for f in fields:
        if f.req and f.name not in out:
            raise invalid_xml(
                "cvc-complex-type.2.4.b: The content of element '%s' is not "
                "complete. One of '%s' is expected."
                % (name, _expected(fields, pos, out)))
    return out


def _value(f, el):
    if f.kind == "seq":
        return _seq(f.kw["children"], el, f.name)
    if f.kind == "list":
        _no_text(el, f.name)
        item = f.kw["item"]
        items = []
        for c in el:
            if _local(c.tag) != item:
                raise invalid_xml(
                    "cvc-complex-type.2.4.a: Invalid content was found "
                    "starting with element '%s'. One of '{\"%s\":%s}' is "
                    "expected." % (_shown(c), NS, item))
            items.append(_seq(f.kw["children"], c, item))
        if len(items) < f.kw["min"]:
            raise invalid_xml(
                "cvc-complex-type.2.4.b: The content of element '%s' is not "
                "complete. One of '{\"%s\":%s}' is expected."
                % (f.name, NS, item))
        return items
    return _scalar(f, el)


def parse_body(body, root_name, fields):
    """Parse and schema-check a request body; returns a dict in the same
    shape boto3 uses for the request parameters."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise invalid_xml("DOCTYPE is disallowed when the feature "
                          "\"http://apache.org/xml/features/disallow-doctype-"
                          "decl\" set to true.")
    if not body.strip():
        raise invalid_xml("Premature end of file.")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise invalid_xml("XML document structures must be well-formed: %s"
                          % e)
    ln = root.tag.split("}", 1)[-1]
    if ln != root_name:
        raise ApiError(400, "MalformedInput", "%s is not valid, expected %s"
                       % (ln, root_name))
    if _local(root.tag) != root_name:
        raise invalid_xml("cvc-elt.1: Cannot find the declaration of element "
                          "'%s'." % root_name)
    return _seq(fields, root, root_name)


def to_xml(fields, d, indent=""):
    """Render a dict in model member order (used for output and for turning
    control-API JSON into a request body)."""
    out = []
    for f in fields:
        if f.name not in d or d[f.name] is None:
            continue
        v = d[f.name]
        if f.kind == "seq":
            out.append("<%s>%s</%s>" % (f.name, to_xml(f.kw["children"], v),
                                        f.name))
        elif f.kind == "list":
            items = "".join("<%s>%s</%s>" % (f.kw["item"],
                                             to_xml(f.kw["children"], it),
                                             f.kw["item"]) for it in v)
            out.append("<%s>%s</%s>" % (f.name, items, f.name))
        elif f.kind == "bool":
            out.append("<%s>%s</%s>" % (f.name, "true" if v else "false",
                                        f.name))
        else:
            out.append("<%s>%s</%s>" % (f.name, _xesc(str(v)), f.name))
    return "".join(out)
