#!/usr/bin/python3
"""Fidelity tests for the Route 53 emulator (tests/r53emu.py) at the
wire: raw SigV4-signed requests where boto3 cannot express them,
signatures and clock skew, throttling and injected faults, private
zones, TLS with a throw-away CA, and the emulator as a process.  See
tests/r53emutest.py.  Nothing here talks to any address but 127.0.0.1.

Run: /usr/bin/python3 tests/test_r53emu_wire.py [-v] [TestClass[.test]]
"""

import http.client
import signal
import ssl
import sys
import time
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import quote

from r53emutest import (
    AK, NS, SIG_TEXT, SK, Base, ClientError, Config, Emu, TLSFiles, ch, err,
    main, rr, skewed, xml_error)
# After r53emutest, which clears the environment of AWS settings.
import boto3
from botocore.exceptions import ReadTimeoutError


class TestRawRequests(Base):
    """Requests boto3 cannot make: bad XML, other paths, new RR types."""

    def body(self, inner, root="ChangeResourceRecordSetsRequest", ns=NS):
        x = '<?xml version="1.0" encoding="UTF-8"?>\n<%s%s>%s</%s>' % (
            root, ' xmlns="%s"' % ns if ns else "", inner, root)
        return x.encode()

    def change_xml(self, name, rtype, value, action="CREATE"):
        return self.body(
            "<ChangeBatch><Changes><Change><Action>%s</Action>"
            "<ResourceRecordSet><Name>%s</Name><Type>%s</Type><TTL>300</TTL>"
            "<ResourceRecords><ResourceRecord><Value>%s</Value>"
            "</ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
            "</Changes></ChangeBatch>" % (action, name, rtype, value))

    def test_new_types_and_trailing_slash(self):
        zid = self.zone("types.example")
        vals = {"TLSA": "3 1 1 " + "0a" * 32, "SSHFP": "4 2 " + "bc" * 32,
                "SVCB": "1 svc.types.example. alpn=h2,h3 port=8443",
                "HTTPS": "1 . alpn=h3,h2"}
        for i, (t, v) in enumerate(sorted(vals.items())):
            path = "/2013-04-01/hostedzone/%s/rrset%s" % (zid,
                                                          "/" if i % 2 else "")
            st, h, b = self.emu.raw("POST", path, self.change_xml(
                "n.types.example", t, v))
            self.assertEqual(st, 200, b)
            self.assertEqual(h["content-type"], "text/xml")
            self.assertIn("x-amzn-requestid", h)
            self.assertIn("date", h)
            root = ET.fromstring(b)
            self.assertEqual(root.tag,
                             "{%s}ChangeResourceRecordSetsResponse" % NS)
        st, h, b = self.emu.raw("POST", "/2013-04-01/hostedzone/%s/rrset/"
                                % zid, self.change_xml("m.types.example",
                                                       "TLSA", "3 1 1 0g"))
        self.assertEqual(st, 400)
        self.assertEqual(xml_error(b)[1], "InvalidChangeBatch")
        # Listing parses in Debian's botocore even without these types in
        # its model (enum values are not checked by the parser).
        got = {x["Type"]: x["ResourceRecords"][0]["Value"]
               for x in self.rrsets(zid) if x["Name"] == "n.types.example."}
        self.assertEqual(got, vals)
        st, h, b = self.emu.raw(
            "GET", "/2013-04-01/hostedzone/%s/rrset?maxitems=2&name=%s"
            "&type=SSHFP" % (zid, quote("n.types.example.", safe="")))
        self.assertEqual(st, 200)
        types_ = [e.text for e in ET.fromstring(b).iter("{%s}Type" % NS)]
        self.assertEqual(types_, ["SSHFP", "SVCB"])

    def test_xml_errors(self):
        zid = self.zone("xml.example")
        path = "/2013-04-01/hostedzone/%s/rrset/" % zid
        st, h, b = self.emu.raw("POST", path, self.body(
            "<ChangeBatch/>", root="ChangeBatch"))
        self.assertEqual((st, xml_error(b)[1:3]), (400, (
            "MalformedInput",
            "ChangeBatch is not valid, expected "
            "ChangeResourceRecordSetsRequest")))
        st, h, b = self.emu.raw("POST", path, self.body("<ChangeBatch/>",
                                                        ns=None))
        self.assertEqual((st, xml_error(b)[1:3]), (400, (
            "InvalidInput",
            "Invalid XML ; cvc-elt.1: Cannot find the declaration of element "
            "'ChangeResourceRecordSetsRequest'.")))
        st, h, b = self.emu.raw("POST", path, b"<ChangeResourceRecordSets")
        self.assertEqual(st, 400)
        self.assertTrue(xml_error(b)[2].startswith("Invalid XML ; "))
        # Element order: free by default (botocore sends dict order), the
        # model's order with strict_element_order.
        out_of_order = self.body(
            "<ChangeBatch><Changes><Change><Action>CREATE</Action>"
            "<ResourceRecordSet><Name>a.xml.example</Name><TTL>1</TTL>"
            "<Type>A</Type><ResourceRecords><ResourceRecord><Value>192.0.2.1"
            "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
            "</Change></Changes></ChangeBatch>")
        self.emu.ctl("POST", "/_emu/config", {"strict_element_order": True})
        try:
            st, h, b = self.emu.raw("POST", path, out_of_order)
        finally:
            self.emu.ctl("POST", "/_emu/config",
                         {"strict_element_order": False})
        self.assertEqual(st, 400)
        typ, code, msg, rid = xml_error(b)
        self.assertEqual((typ, code), ("Sender", "InvalidInput"))
        self.assertEqual(msg, "Invalid XML ; cvc-complex-type.2.4.a: Invalid "
                         "content was found starting with element 'TTL'. One "
                         "of '{\"%s\":Type}' is expected." % NS)
        self.assertEqual(h["x-amzn-requestid"], rid)
        self.assertRegex(rid, r"^[0-9a-f-]{36}$")
        st, h, b = self.emu.raw("POST", path, out_of_order)
        self.assertEqual(st, 200, b)
        # Unknown, repeated and missing elements are refused in any mode.
        for inner, frag in (
                ("<Name>b.xml.example</Name><Type>A</Type><Bogus>1</Bogus>",
                 "cvc-complex-type.2.4.a: Invalid content was found starting "
                 "with element 'Bogus'"),
                ("<Name>b.xml.example</Name><Type>A</Type><Type>A</Type>",
                 "starting with element 'Type'"),
                ("<Name>b.xml.example</Name><TTL>1</TTL>",
                 "cvc-complex-type.2.4.b: The content of element "
                 "'ResourceRecordSet' is not complete.")):
            st, h, b = self.emu.raw("POST", path, self.body(
                "<ChangeBatch><Changes><Change><Action>CREATE</Action>"
                "<ResourceRecordSet>%s</ResourceRecordSet></Change></Changes>"
                "</ChangeBatch>" % inner))
            self.assertEqual(st, 400)
            self.assertIn(frag, xml_error(b)[2])
        # Empty Changes.
        st, h, b = self.emu.raw("POST", path, self.body(
            "<ChangeBatch><Changes></Changes></ChangeBatch>"))
        self.assertIn("cvc-complex-type.2.4.b", xml_error(b)[2])
        # Body size cap.
        st, h, b = self.emu.raw("POST", path, b"x" * (1 << 20 + 1))
        self.assertEqual((st, xml_error(b)[1]), (400, "InvalidInput"))

    def test_unsigned_and_keepalive(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone", sign=False)
        self.assertEqual((st, xml_error(b)[1]),
                         (403, "MissingAuthenticationToken"))
        conn = self.emu.connection()
        for _ in range(5):
            st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                    conn=conn)
            self.assertEqual(st, 200)
            self.assertNotEqual(h.get("connection"), "close")
        sock = conn.sock
        self.assertIsNotNone(sock)
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                conn=conn)
        self.assertIs(conn.sock, sock)      # same connection reused
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzonecount",
                                headers={"Connection": "close"}, conn=conn)
        self.assertEqual((st, h.get("connection")), (200, "close"))
        conn.close()

    def test_garbage_does_not_stop_it(self):
        import socket
        for junk in (b"\x00\xff" * 500 + b"\r\n\r\n",
                     b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                     b"POST /_emu/write HTTP/1.1\r\nContent-Length: 5\r\n"
                     b"\r\n{bad}",
                     b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                     b"\r\nzz\r\n"):
            s = socket.create_connection(("127.0.0.1", self.emu.port), 5)
            s.sendall(junk)
            try:
                s.recv(4096)
            except OSError:
                pass
            s.close()
        self.assertEqual(self.c.get_hosted_zone_count()[
            "ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_unknown_path_and_long_id(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/nothing")
        self.assertEqual(st, 404)
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone/" + "Z" * 33)
        self.assertEqual((st, xml_error(b)[1]), (400, "InvalidInput"))


class TestSignatures(Base):

    def test_wrong_secret(self):
        c = self.emu.client(sk="not-the-secret")
        with self.assertRaises(ClientError) as cm:
            c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertTrue(msg.startswith(SIG_TEXT), msg)

    def test_wrong_key_id(self):
        with self.assertRaises(ClientError) as cm:
            self.emu.client(ak="AKIDOTHER").list_hosted_zones()
        self.assertEqual(err(cm), (403, "InvalidClientTokenId",
                                   "The security token included in the "
                                   "request is invalid."))

    def test_signed_query_with_escapes(self):
        # name= with '*' and '\' must be canonicalised like botocore does.
        zid = self.zone("q.example")
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="\\052.q.example.",
            StartRecordType="A", MaxItems="2")
        self.assertEqual(r["MaxItems"], "2")

    def test_clock_skew(self):
        with skewed(-400):
            with self.assertRaises(ClientError) as cm:
                self.c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertRegex(msg, r"^Signature expired: \d{8}T\d{6}Z is now "
                         r"earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 "
                         r"min\.\)$")
        with skewed(400):
            with self.assertRaises(ClientError) as cm:
                self.c.list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertTrue(msg.startswith("Signature not yet current: "), msg)
        with skewed(-240):
            self.c.list_hosted_zones()
        with skewed(240):
            self.c.list_hosted_zones()


class TestThrottleAndFaults(Base):

    def setUp(self):
        self.emu.ctl("POST", "/_emu/faults", {"clear": True})

    def tearDown(self):
        self.emu.ctl("POST", "/_emu/faults", {"clear": True})
        self.emu.ctl("POST", "/_emu/config", {
            "rate": None, "prior_request_check": False,
            "processing_delay": 0, "latency_ms": 0, "throttle": False,
            "account_bucket": [50, 10], "op_buckets": {},
            "change_bucket": [5000, 1000]})

    def outcome(self, call):
        """"ok", or (status, code, message) of the error."""
        try:
            call()
            return "ok"
        except ClientError as e:
            return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                    e.response["Error"]["Code"],
                    e.response["Error"]["Message"])

    def test_buckets_have_route53_defaults(self):
        cfg = self.emu.ctl("POST", "/_emu/config", {"throttle": True})[1]
        self.assertEqual(cfg["account_bucket"], [50, 10])
        self.assertEqual(cfg["op_buckets"]["CreateHostedZone"], [40, 2])
        self.assertEqual(cfg["op_buckets"]["DeleteHostedZone"], [40, 5])
        self.assertEqual(cfg["change_bucket"], [5000, 1000])
        # A burst of 50, then 10 a second: calls as fast as boto3 goes
        # are throttled once the burst and the refill are spent.
        self.emu.ctl("POST", "/_emu/stats/reset")
        t0 = time.monotonic()
        oks, first = 0, None
        for _ in range(300):
            o = self.outcome(self.c.get_hosted_zone_count)
            if o != "ok":
                first = o
                break
            oks += 1
        dt = time.monotonic() - t0
        self.assertEqual(first, (400, "Throttling", "Rate exceeded"))
        self.assertGreaterEqual(oks, 50)
        self.assertLessEqual(oks, 50 + 10 * dt + 1)
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["throttled"]["account"], 1)
        self.assertEqual(st["errors"]["Throttling"], 1)
        # Refilled at 10/s: after 0.5 s a few calls go again.
        time.sleep(0.5)
        self.assertEqual(self.outcome(self.c.get_hosted_zone_count), "ok")

    def test_account_and_operation_buckets(self):
        self.emu.ctl("POST", "/_emu/config", {
            "throttle": True, "account_bucket": [6, 0.01],
            "op_buckets": {"GetHostedZoneCount": [2, 0.01]}})
        self.emu.ctl("POST", "/_emu/stats/reset")
        got = [self.outcome(self.c.get_hosted_zone_count)
               for _ in range(3)]
        self.assertEqual(got[:2], ["ok", "ok"])
        self.assertEqual(got[2], (400, "Throttling", "Rate exceeded"))
        # Another operation has its own bucket, the account's is shared:
        # 4 tokens are left in it.
        got = [self.outcome(self.c.list_hosted_zones) for _ in range(5)]
        self.assertEqual(got[:4], ["ok"] * 4)
        self.assertEqual(got[4], (400, "Throttling", "Rate exceeded"))
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["throttled"], {"account": 1, "operation": 1,
                                           "change": 0})

    def test_change_bucket_counts_changes(self):
        zid = self.zone()
        zn = self.zone_name(zid)

        def batch(tag, n):
            return lambda: self.change(zid, *[ch("UPSERT", rr(
                "%s%d.%s" % (tag, i, zn), "A", ["192.0.2.1"]))
                for i in range(n)])

        self.emu.ctl("POST", "/_emu/config", {
            "throttle": True, "change_bucket": [10, 5]})
        self.emu.ctl("POST", "/_emu/stats/reset")
        self.assertEqual(self.outcome(batch("a", 4)), "ok")
        self.assertEqual(self.outcome(batch("b", 4)), "ok")
        # 2 left (and a little refill): 4 more are too many, nothing
        # applied; other operations are not affected.
        self.assertEqual(self.outcome(batch("c", 4)),
                         (400, "Throttling", "Rate exceeded"))
        self.assertEqual(self.find(zid, "c0." + zn, "A"), [])
        self.assertEqual(self.outcome(batch("d", 1)), "ok")
        # A batch larger than the bucket goes once it is full (2 s at 5
        # a second), and leaves it in debt.
        self.assertEqual(self.outcome(batch("e", 20)),
                         (400, "Throttling", "Rate exceeded"))
        time.sleep(2.2)
        self.assertEqual(self.outcome(batch("e", 20)), "ok")
        self.assertEqual(self.outcome(batch("f", 1)),
                         (400, "Throttling", "Rate exceeded"))
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["changes"], 4 + 4 + 1 + 20)
        self.assertEqual(st["throttled"]["change"], 3)
        self.assertEqual(st["throttled"]["account"], 0)

    def test_throttling(self):
        self.emu.ctl("POST", "/_emu/config", {"rate": 3})
        codes = []
        for _ in range(10):
            try:
                self.c.get_hosted_zone_count()
                codes.append("ok")
            except ClientError as e:
                codes.append((e.response["Error"]["Code"],
                              e.response["Error"]["Message"],
                              e.response["ResponseMetadata"][
                                  "HTTPStatusCode"]))
        self.assertIn(("Throttling", "Rate exceeded", 400), codes)
        self.assertIn("ok", codes)
        # With retries, boto3 backs off and gets through.
        c = self.emu.client(attempts=10)
        for _ in range(6):
            c.get_hosted_zone_count()
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertGreater(st["errors"].get("Throttling", 0), 0)

    def test_503_retried(self):
        zid = self.zone()
        self.emu.ctl("POST", "/_emu/faults", {
            "type": "503", "count": 2, "op": "ChangeResourceRecordSets"})
        self.emu.ctl("POST", "/_emu/stats/reset")
        r = self.change(zid, ch("CREATE", rr("r." + self.zone_name(zid), "A",
                                             ["192.0.2.1"])),
                        client=self.emu.client(attempts=5))
        self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 2)
        st = self.emu.ctl("GET", "/_emu/stats")[1]
        self.assertEqual(st["operations"]["ChangeResourceRecordSets"], 3)
        self.assertEqual(st["errors"].get("ServiceUnavailable"), 2)
        # The op filter: other operations are not hit.
        self.emu.ctl("POST", "/_emu/faults", {"type": "500", "op":
                                              "GetChange"})
        self.c.get_hosted_zone_count()
        with self.assertRaises(ClientError) as cm:
            self.c.get_change(Id=r["ChangeInfo"]["Id"])
        self.assertEqual(err(cm)[:2], (500, "InternalFailure"))

    def test_throttle_and_prior_faults(self):
        zid = self.zone()
        name = "t." + self.zone_name(zid)
        for f, code in (("throttle", "Throttling"),
                        ("prior", "PriorRequestNotComplete")):
            self.emu.ctl("POST", "/_emu/faults", {"type": f})
            with self.assertRaises(ClientError) as cm:
                self.c.get_hosted_zone_count()
            self.assertEqual(err(cm)[:2], (400, code))
            self.emu.ctl("POST", "/_emu/faults", {"type": f})
            r = self.emu.client(attempts=3).get_hosted_zone_count()
            self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 1)
        self.emu.ctl("POST", "/_emu/faults", {
            "type": "error", "status": 403, "code": "AccessDenied",
            "message": "User: arn:aws:iam::123456789012:user/x is not "
                       "authorized"})
        with self.assertRaises(ClientError) as cm:
            self.change(zid, ch("CREATE", rr(name, "A", ["192.0.2.1"])))
        self.assertEqual(err(cm)[:2], (403, "AccessDenied"))
        self.assertEqual(self.find(zid, name, "A"), [])

    def state_names(self, zid):
        z = self.emu.ctl("GET", "/_emu/state?zone=" + zid)[1]["zones"][0]
        return [x["Name"] for x in z["ResourceRecordSets"]]

    def test_close_before_and_after(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_before"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("b." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertNotIn("b." + zn, self.state_names(zid))
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_after"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("a." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertIn("a." + zn, self.state_names(zid))
        # A client that retries the lost CREATE learns it already exists.
        self.emu.ctl("POST", "/_emu/faults", {"type": "close_after"})
        with self.assertRaises(ClientError) as cm:
            self.change(zid, ch("CREATE", rr("c." + zn, "A", ["192.0.2.1"])),
                        client=self.emu.client(attempts=2))
        self.assertIn("but it already exists", err(cm)[2])

    def test_slow_and_truncated(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        self.emu.ctl("POST", "/_emu/faults", {"type": "slow", "delay": 1.5})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("s." + zn, "A", ["192.0.2.1"])),
                        client=self.emu.client(read_timeout=0.5))
        self.assertIsInstance(cm.exception, ReadTimeoutError)
        self.assertIn("s." + zn, self.state_names(zid))
        self.emu.ctl("POST", "/_emu/faults", {"type": "slow", "delay": 0.3})
        t0 = time.monotonic()
        self.c.get_hosted_zone_count()
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        self.emu.ctl("POST", "/_emu/faults", {"type": "truncate"})
        with self.assertRaises(Exception) as cm:
            self.change(zid, ch("CREATE", rr("t." + zn, "A", ["192.0.2.1"])))
        self.assertNotIsInstance(cm.exception, ClientError)
        self.assertIn("t." + zn, self.state_names(zid))
        # Raw check that the announced length exceeds what was sent.
        self.emu.ctl("POST", "/_emu/faults", {"type": "truncate"})
        conn = self.emu.connection()
        with self.assertRaises(http.client.IncompleteRead):
            self.emu.raw("GET", "/2013-04-01/hostedzonecount", conn=conn)
        conn.close()

    def test_latency(self):
        self.emu.ctl("POST", "/_emu/config", {"latency_ms": 200})
        t0 = time.monotonic()
        self.c.get_hosted_zone_count()
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)

    def test_prior_request_not_complete(self):
        z1 = self.zone()
        z2 = self.zone()
        self.emu.ctl("POST", "/_emu/config", {"prior_request_check": True,
                                              "processing_delay": 1.0})
        n1 = self.zone_name(z1)
        self.change(z1, ch("CREATE", rr("a." + n1, "A", ["192.0.2.1"])))
        with self.assertRaises(ClientError) as cm:
            self.change(z1, ch("CREATE", rr("b." + n1, "A", ["192.0.2.1"])))
        self.assertEqual(err(cm), (400, "PriorRequestNotComplete",
                                   "The request was rejected because Route "
                                   "53 was still processing a prior "
                                   "request."))
        # Another zone is not affected; reads are not affected.
        self.change(z2, ch("CREATE", rr("a." + self.zone_name(z2), "A",
                                        ["192.0.2.1"])))
        self.c.list_resource_record_sets(HostedZoneId=z1)
        time.sleep(1.1)
        self.change(z1, ch("CREATE", rr("b." + n1, "A", ["192.0.2.1"])))
        # Without a processing delay the window is the PENDING time.
        self.emu.ctl("POST", "/_emu/config", {"processing_delay": 0,
                                              "insync_delay": 0.6})
        try:
            time.sleep(0.7)     # let the change to b. leave the window
            self.change(z1, ch("CREATE", rr("c." + n1, "A", ["192.0.2.1"])))
            with self.assertRaises(ClientError) as cm:
                self.change(z1, ch("CREATE", rr("d." + n1, "A",
                                                ["192.0.2.1"])))
            self.assertEqual(err(cm)[1], "PriorRequestNotComplete")
            # botocore retries it with backoff until the window closes.
            self.change(z1, ch("CREATE", rr("d." + n1, "A", ["192.0.2.1"])),
                        client=self.emu.client(attempts=6))
        finally:
            self.emu.ctl("POST", "/_emu/config", {"insync_delay": 0})

    def test_console_write(self):
        zid = self.zone()
        zn = self.zone_name(zid)
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": zid, "ChangeBatch": {"Changes": [
                ch("CREATE", rr("console." + zn, "TXT", ['"by hand"']))]}})
        self.assertEqual(st, 200)
        self.assertTrue(out["ChangeInfo"]["Id"].startswith("/change/C"))
        self.assertEqual(len(self.find(zid, "console." + zn, "TXT")), 1)
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": zn, "ChangeBatch": {"Changes": [
                ch("CREATE", rr("console." + zn, "TXT", ['"by hand"']))]}})
        self.assertEqual((st, out["Code"]), (400, "InvalidChangeBatch"))
        # By name, choosing the private example.com zone.
        st, out = self.emu.ctl("POST", "/_emu/write", {
            "HostedZoneId": "example.com", "PrivateZone": True,
            "ChangeBatch": {"Changes": [ch("UPSERT", rr(
                "split.example.com", "A", ["10.0.0.1"]))]}})
        self.assertEqual(st, 200, out)
        zones = self.emu.ctl("GET", "/_emu/state")[1]["zones"]
        priv = [z for z in zones if z["Name"] == "example.com."
                and z["PrivateZone"]][0]
        pub = [z for z in zones if z["Name"] == "example.com."
               and not z["PrivateZone"]][0]
        self.assertIn("split.example.com.", [x["Name"] for x in
                                             priv["ResourceRecordSets"]])
        self.assertNotIn("split.example.com.", [x["Name"] for x in
                                                pub["ResourceRecordSets"]])

    def zone_name(self, zid):
        return self.c.get_hosted_zone(Id=zid)["HostedZone"]["Name"]


class TestPrivateZones(unittest.TestCase):
    """--private-zone NAME:VPC,...: same-name zones told apart by their
    Config/PrivateZone and their VPCs, as boto3 reads them; and
    --signing-region, as for the China partition."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emu("--zone", "split.example",
                      "--private-zone", "split.example:vpc-0a1b2c3d,vpc-77",
                      "--private-zone", "split.example:vpc-0e0e0e0e",
                      "--access-key-id", AK, "--secret-access-key", SK,
                      "--signing-region", "cn-northwest-1", "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def client(self, region):
        return boto3.client(
            "route53", endpoint_url=self.emu.url, region_name=region,
            aws_access_key_id=AK, aws_secret_access_key=SK,
            config=Config(retries={"mode": "standard",
                                   "total_max_attempts": 1}))

    def test_same_name_zones_and_vpcs(self):
        c = self.client("cn-northwest-1")
        r = c.list_hosted_zones_by_name(DNSName="split.example")
        same = [z for z in r["HostedZones"] if z["Name"] == "split.example."]
        self.assertEqual(sorted(z["Config"]["PrivateZone"] for z in same),
                         [False, True, True])
        vpcs = {}
        for z in same:
            g = c.get_hosted_zone(Id=z["Id"])
            self.assertEqual(g["HostedZone"]["Config"]["PrivateZone"],
                             z["Config"]["PrivateZone"])
            if z["Config"]["PrivateZone"]:
                self.assertNotIn("DelegationSet", g)
                vpcs[z["Id"]] = sorted(v["VPCId"] for v in g["VPCs"])
                self.assertEqual({v["VPCRegion"] for v in g["VPCs"]},
                                 {"us-east-1"})
            else:
                self.assertNotIn("VPCs", g)
                self.assertEqual(len(g["DelegationSet"]["NameServers"]), 4)
        self.assertEqual(sorted(vpcs.values()),
                         [["vpc-0a1b2c3d", "vpc-77"], ["vpc-0e0e0e0e"]])

    def test_signing_region_required(self):
        with self.assertRaises(ClientError) as cm:
            self.client("us-east-1").list_hosted_zones()
        st, code, msg = err(cm)
        self.assertEqual((st, code), (403, "SignatureDoesNotMatch"))
        self.assertIn("'us-east-1'", msg)

    def test_bad_vpc_refused_at_start(self):
        with self.assertRaises(RuntimeError) as cm:
            Emu("--private-zone", "x.example:subnet-1").stop()
        self.assertIn("not a VPC ID", str(cm.exception))


class TestTLS(unittest.TestCase):
    """HTTPS with a throw-away CA; lenient signatures (any key, checked
    structure and skew) and a session token in strict mode."""

    @classmethod
    def setUpClass(cls):
        cls.tls = TLSFiles()
        cls.emu = Emu("--zone", "tls.example", "--quiet", tls=cls.tls)
        cls.strict = Emu("--zone", "tok.example", "--quiet",
                         "--access-key-id", "ASIATEST", "--secret-access-key",
                         SK, "--session-token", "TOKEN/x+y=", tls=cls.tls)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()
        cls.strict.stop()
        cls.tls.remove()

    def test_boto3_over_tls(self):
        c = self.emu.client(ak="ANYKEY", sk="anysecret")
        zid = c.list_hosted_zones_by_name(DNSName="tls.example")[
            "HostedZones"][0]["Id"]
        r = c.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={
            "Changes": [ch("UPSERT", rr("a.tls.example", "A",
                                        ["192.0.2.1"]))]})
        self.assertEqual(c.get_change(Id=r["ChangeInfo"]["Id"])[
            "ChangeInfo"]["Status"], "INSYNC")
        st, out = self.emu.ctl("GET", "/_emu/stats")
        self.assertEqual(out["operations"]["ChangeResourceRecordSets"], 1)

    def test_certificate_checked_by_client(self):
        ctx = ssl.create_default_context()    # system CAs only
        conn = http.client.HTTPSConnection("127.0.0.1", self.emu.port,
                                           timeout=5, context=ctx)
        with self.assertRaises(ssl.SSLError):
            conn.request("GET", "/_emu/stats")
        conn.close()

    def test_lenient_still_checks_structure_and_skew(self):
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                headers={"Authorization": "AWS4-HMAC-SHA256 "
                                         "Credential=x/20250101/us-east-1/"
                                         "route53/aws4_request",
                                         "X-Amz-Date": "20250101T000000Z"},
                                sign=False)
        self.assertEqual((st, xml_error(b)[1]), (400, "IncompleteSignature"))
        with skewed(-600):
            st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                    creds=("ANY", "thing", None))
        self.assertEqual(st, 403)
        self.assertTrue(xml_error(b)[2].startswith("Signature expired: "))
        st, h, b = self.emu.raw("GET", "/2013-04-01/hostedzone",
                                creds=("ANY", "thing", None))
        self.assertEqual(st, 200)

    def test_plain_http_to_tls_port(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.emu.port,
                                          timeout=5)
        try:
            conn.request("GET", "/_emu/stats")
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        conn.close()
        self.assertEqual(self.emu.ctl("GET", "/_emu/stats")[0], 200)

    def test_session_token(self):
        ok = self.strict.client(ak="ASIATEST", token="TOKEN/x+y=")
        self.assertEqual(len(ok.list_hosted_zones()["HostedZones"]), 1)
        for bad in (None, "OTHER"):
            with self.assertRaises(ClientError) as cm:
                self.strict.client(ak="ASIATEST",
                                   token=bad).list_hosted_zones()
            self.assertEqual(err(cm)[:2], (403, "InvalidClientTokenId"))


class TestProcess(unittest.TestCase):

    def test_sigterm_and_max_runtime(self):
        e = Emu("--zone", "p.example")
        e.proc.send_signal(signal.SIGTERM)
        self.assertEqual(e.proc.wait(10), 0)
        self.assertIn("stopped", e.logtext())
        e.stop()
        e = Emu("--max-runtime", "0.5")
        self.assertEqual(e.proc.wait(10), 0)
        e.stop()

    def test_one_log_line_per_request(self):
        e = Emu("--zone", "log.example")
        try:
            c = e.client()
            c.list_hosted_zones()
            c.get_hosted_zone_count()
            # The line is written after the answer is sent: wait for it.
            end = time.time() + 5
            while True:
                lines = [x for x in e.logtext().splitlines()
                         if "ListHostedZones" in x or
                         "GetHostedZoneCount" in x]
                if len(lines) >= 2 or time.time() > end:
                    break
                time.sleep(0.05)
            time.sleep(0.2)
            lines = [x for x in e.logtext().splitlines()
                     if "ListHostedZones" in x or "GetHostedZoneCount" in x]
            self.assertEqual(len(lines), 2)
        finally:
            e.stop()


if __name__ == "__main__":
    sys.exit(main(sys.modules[__name__]))
