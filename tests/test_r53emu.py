#!/usr/bin/python3
"""Fidelity tests for the Route 53 emulator (tests/r53emu.py): its
operations, listings and the semantics of change batches, driven with
the official AWS SDK for Python (Debian's python3-boto3) against the
emulator on 127.0.0.1 (tests/r53emutest.py).  Nothing here talks to any
address but 127.0.0.1.

Run: /usr/bin/python3 tests/test_r53emu.py [-v] [TestClass[.test]]
"""

import sys
import time

from r53emutest import Base, ClientError, ch, err, main, rr, sort_key


class TestOperations(Base):

    def test_zone_ids_and_defaults(self):
        zs = self.c.list_hosted_zones()["HostedZones"]
        pub = [z for z in zs if z["Name"] == "example.com."
               and not z["Config"]["PrivateZone"]]
        priv = [z for z in zs if z["Name"] == "example.com."
                and z["Config"]["PrivateZone"]]
        self.assertEqual((len(pub), len(priv)), (1, 1))
        zid = pub[0]["Id"]
        self.assertRegex(zid, r"^/hostedzone/Z[A-Z0-9]{18,22}$")
        self.assertEqual(pub[0]["ResourceRecordSetCount"], 2)
        sets = self.rrsets(zid)
        self.assertEqual([(x["Name"], x["Type"]) for x in sets],
                         [("example.com.", "NS"), ("example.com.", "SOA")])
        ns, soa = sets
        self.assertEqual(ns["TTL"], 172800)
        self.assertEqual(len(ns["ResourceRecords"]), 4)
        for v in ns["ResourceRecords"]:
            self.assertRegex(v["Value"],
                             r"^ns-\d+\.awsdns-\d\d\.(com|net|org|co\.uk)\.$")
        self.assertEqual(soa["TTL"], 900)
        self.assertEqual(soa["ResourceRecords"], [{
            "Value": "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. "
                     "1 7200 900 1209600 86400"}])
        g = self.c.get_hosted_zone(Id=zid)
        names = g["DelegationSet"]["NameServers"]
        self.assertEqual(sorted(n + "." for n in names),
                         sorted(v["Value"] for v in ns["ResourceRecords"]))
        self.assertNotIn("VPCs", g)
        gp = self.c.get_hosted_zone(Id=priv[0]["Id"])
        self.assertNotIn("DelegationSet", gp)
        self.assertEqual(gp["VPCs"][0]["VPCRegion"], "us-east-1")
        self.assertTrue(gp["VPCs"][0]["VPCId"].startswith("vpc-"))
        self.assertTrue(gp["HostedZone"]["Config"]["PrivateZone"])

    def test_create_get_delete_zone(self):
        r = self.c.create_hosted_zone(
            Name="Created.Example.ORG", CallerReference="create-1",
            HostedZoneConfig={"Comment": "made by test"})
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 201)
        zid = r["HostedZone"]["Id"]
        self.assertEqual(r["Location"],
                         "https://route53.amazonaws.com/2013-04-01"
                         + zid)
        self.assertEqual(r["HostedZone"]["Name"], "created.example.org.")
        self.assertEqual(r["ChangeInfo"]["Status"], "PENDING")
        self.assertEqual(len(r["DelegationSet"]["NameServers"]), 4)
        g = self.c.get_change(Id=r["ChangeInfo"]["Id"])
        self.assertEqual(g["ChangeInfo"]["Status"], "INSYNC")
        g = self.c.get_hosted_zone(Id=zid)
        self.assertEqual(g["HostedZone"]["Config"]["Comment"], "made by test")
        with self.assertRaises(ClientError) as cm:
            self.c.create_hosted_zone(Name="other.example.org",
                                      CallerReference="create-1")
        self.assertEqual(err(cm)[:2], (409, "HostedZoneAlreadyExists"))
        self.change(zid, ch("CREATE", rr("a.created.example.org", "A",
                                         ["192.0.2.1"])))
        with self.assertRaises(ClientError) as cm:
            self.c.delete_hosted_zone(Id=zid)
        self.assertEqual(err(cm)[:2], (400, "HostedZoneNotEmpty"))
        self.change(zid, ch("DELETE", rr("a.created.example.org", "A",
                                         ["192.0.2.1"])))
        d = self.c.delete_hosted_zone(Id=zid)
        self.assertEqual(d["ChangeInfo"]["Status"], "PENDING")
        with self.assertRaises(ClientError) as cm:
            self.c.get_hosted_zone(Id=zid)
        self.assertEqual(err(cm), (404, "NoSuchHostedZone",
                                   "No hosted zone found with ID: %s"
                                   % zid.split("/")[-1]))

    def test_private_zone_create(self):
        r = self.c.create_hosted_zone(
            Name="corp.example", CallerReference="priv-1",
            VPC={"VPCRegion": "eu-west-1", "VPCId": "vpc-0abc"})
        self.assertTrue(r["HostedZone"]["Config"]["PrivateZone"])
        self.assertEqual(r["VPC"], {"VPCRegion": "eu-west-1",
                                    "VPCId": "vpc-0abc"})
        self.assertNotIn("DelegationSet", r)

    def test_list_zones_paging_and_by_name(self):
        for n in ("b.paging.test", "a.paging.test", "c.paging.test"):
            self.zone(n)
        all_ids = [z["Id"] for z in self.c.list_hosted_zones()["HostedZones"]]
        seen = []
        for page in self.c.get_paginator("list_hosted_zones").paginate(
                PaginationConfig={"PageSize": 2}):
            if page["IsTruncated"]:
                self.assertNotIn("/", page["NextMarker"])
            seen.extend(z["Id"] for z in page["HostedZones"])
        self.assertEqual(seen, all_ids)
        r = self.c.list_hosted_zones_by_name(DNSName="a.paging.test",
                                             MaxItems="2")
        self.assertEqual([z["Name"] for z in r["HostedZones"]],
                         ["a.paging.test.", "b.paging.test."])
        self.assertTrue(r["IsTruncated"])
        self.assertEqual(r["NextDNSName"], "c.paging.test.")
        self.assertNotIn("/", r["NextHostedZoneId"])
        r2 = self.c.list_hosted_zones_by_name(
            DNSName=r["NextDNSName"], HostedZoneId=r["NextHostedZoneId"],
            MaxItems="2")
        self.assertEqual(r2["HostedZones"][0]["Name"], "c.paging.test.")
        # Same-name public and private zones sit side by side.
        r = self.c.list_hosted_zones_by_name(DNSName="example.com")
        same = [z for z in r["HostedZones"] if z["Name"] == "example.com."]
        self.assertEqual(sorted(z["Config"]["PrivateZone"] for z in same),
                         [False, True])
        # Ordered by reversed labels: ...com. before ...net.
        names = [z["Name"] for z in self.c.list_hosted_zones_by_name()[
            "HostedZones"]]
        keys = [".".join(reversed(n.rstrip(".").split("."))) + "."
                for n in names]
        self.assertEqual(keys, sorted(keys))

    def test_count_and_limit(self):
        zid = self.zone()
        n = self.c.get_hosted_zone_count()["HostedZoneCount"]
        self.assertEqual(n, len(self.c.list_hosted_zones(
            MaxItems="100")["HostedZones"]))
        lim = self.c.get_hosted_zone_limit(Type="MAX_RRSETS_BY_ZONE",
                                           HostedZoneId=zid)
        self.assertEqual((lim["Limit"]["Value"], lim["Count"]), (10000, 2))

    def test_no_such_things(self):
        with self.assertRaises(ClientError) as cm:
            self.c.list_resource_record_sets(HostedZoneId="ZNOSUCHZONE1234")
        self.assertEqual(err(cm), (404, "NoSuchHostedZone",
                                   "No hosted zone found with ID: "
                                   "ZNOSUCHZONE1234"))
        with self.assertRaises(ClientError) as cm:
            self.c.get_change(Id="/change/CNOSUCHCHANGE")
        self.assertEqual(err(cm)[:2], (404, "NoSuchChange"))

    def test_change_status_and_comment(self):
        zid = self.zone()
        r = self.c.change_resource_record_sets(
            HostedZoneId=zid, ChangeBatch={
                "Comment": "rfc2136 update id 4711",
                "Changes": [ch("CREATE", rr("w.%s" % self.zname(zid), "A",
                                            ["192.0.2.1"]))]})
        info = r["ChangeInfo"]
        self.assertEqual(info["Status"], "PENDING")
        self.assertRegex(info["Id"], r"^/change/C[A-Z0-9]{10,30}$")
        self.assertEqual(info["Comment"], "rfc2136 update id 4711")
        self.assertLess(abs(info["SubmittedAt"].timestamp() - time.time()), 60)
        g = self.c.get_change(Id=info["Id"])["ChangeInfo"]
        self.assertEqual((g["Status"], g["Comment"]),
                         ("INSYNC", "rfc2136 update id 4711"))
        self.assertEqual(g["SubmittedAt"], info["SubmittedAt"])

    def test_pending_then_insync(self):
        zid = self.zone()
        self.emu.ctl("POST", "/_emu/config", {"insync_delay": 1.0})
        try:
            r = self.change(zid, ch("CREATE", rr("p." + self.zname(zid), "A",
                                                 ["192.0.2.9"])))
            cid = r["ChangeInfo"]["Id"]
            self.assertEqual(self.c.get_change(Id=cid)["ChangeInfo"][
                "Status"], "PENDING")
            # Read-your-writes while PENDING.
            self.assertEqual(len(self.find(zid, "p." + self.zname(zid),
                                           "A")), 1)
            time.sleep(1.2)
            self.assertEqual(self.c.get_change(Id=cid)["ChangeInfo"][
                "Status"], "INSYNC")
            # The waiter used by tools works against it too.
            self.c.get_waiter("resource_record_sets_changed").wait(
                Id=cid, WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        finally:
            self.emu.ctl("POST", "/_emu/config", {"insync_delay": 0})

    def zname(self, zid):
        return self.c.get_hosted_zone(Id=zid)["HostedZone"]["Name"]


class TestListing(Base):

    def test_paging_1200_in_order(self):
        zid = self.zone("paging.example")
        subs = ["a", "b-c", "d.e", "_tcp", "x"]
        want = []
        for half in (0, 1):
            changes = []
            for i in range(half * 600, half * 600 + 600):
                name = "h%d.%s.paging.example." % (i, subs[i % len(subs)])
                changes.append(ch("CREATE", rr(name, "A", ["10.0.%d.%d" % (
                    i // 256, i % 256)])))
                want.append((name, "A"))
            self.change(zid, *changes)
        for extra, t in (("paging.example.", "MX"),
                         ("paging.example.", "TXT"),
                         ("paging.example.", "A")):
            v = {"MX": "10 mail.paging.example.", "TXT": '"hello"',
                 "A": "192.0.2.1"}[t]
            self.change(zid, ch("CREATE", rr(extra, t, [v])))
            want.append((extra, t))
        want += [("paging.example.", "NS"), ("paging.example.", "SOA")]
        want.sort(key=lambda x: sort_key({"Name": x[0], "Type": x[1]}))
        for size in (100, 300, 7):
            got = []
            pages = 0
            for page in self.c.get_paginator(
                    "list_resource_record_sets").paginate(
                    HostedZoneId=zid, PaginationConfig={"PageSize": size}):
                pages += 1
                self.assertLessEqual(len(page["ResourceRecordSets"]), size)
                got.extend((x["Name"], x["Type"])
                           for x in page["ResourceRecordSets"])
            self.assertEqual(len(got), 1205)
            self.assertEqual(got, want)
            self.assertEqual(pages, -(-1205 // size))
        # Apex types in type order: A, MX, NS, SOA, TXT.
        self.assertEqual([t for n, t in got if n == "paging.example."],
                         ["A", "MX", "NS", "SOA", "TXT"])

    def test_page_size_default_and_cap(self):
        zid = self.zone("cap.example")
        self.change(zid, *[ch("CREATE", rr("n%d.cap.example" % i, "A",
                                           ["192.0.2.1"])) for i in range(400)])
        r = self.c.list_resource_record_sets(HostedZoneId=zid)
        self.assertEqual((len(r["ResourceRecordSets"]), r["MaxItems"],
                          r["IsTruncated"]), (100, "100", True))
        r = self.c.list_resource_record_sets(HostedZoneId=zid,
                                             MaxItems="5000")
        self.assertEqual((len(r["ResourceRecordSets"]), r["MaxItems"]),
                         (300, "300"))

    def test_sort_order_details(self):
        zid = self.zone("order.example")
        names = ["a.order.example", "a-b.order.example", "b.a.order.example",
                 "*.order.example", "_x.order.example", "order.example"]
        self.change(zid, *[ch("CREATE", rr(n, "TXT", ['"x"']))
                           for n in names])
        got = [(x["Name"], x["Type"]) for x in self.rrsets(zid)]
        # '*' is stored as \052; '-' (0x2d) sorts before '.' (0x2e), so
        # a-b.order.example. comes before a.order.example.
        self.assertEqual(got, [
            ("order.example.", "NS"), ("order.example.", "SOA"),
            ("order.example.", "TXT"), ("\\052.order.example.", "TXT"),
            ("_x.order.example.", "TXT"), ("a-b.order.example.", "TXT"),
            ("a.order.example.", "TXT"), ("b.a.order.example.", "TXT")])

    def test_start_points(self):
        zid = self.zone("start.example")
        self.change(zid, *[ch("CREATE", rr(n + ".start.example", "A",
                                           ["192.0.2.1"]))
                           for n in ("a", "m", "z")])
        self.change(zid, ch("CREATE", rr("m.start.example", "TXT", ['"t"'])))
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="m.start.example")
        self.assertEqual([(x["Name"], x["Type"])
                          for x in r["ResourceRecordSets"]],
                         [("m.start.example.", "A"),
                          ("m.start.example.", "TXT"),
                          ("z.start.example.", "A")])
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="M.Start.Example.",
            StartRecordType="CNAME")
        self.assertEqual(r["ResourceRecordSets"][0]["Type"], "TXT")
        # No filtering: a name that does not exist starts at the next one.
        r = self.c.list_resource_record_sets(
            HostedZoneId=zid, StartRecordName="n.start.example",
            MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["Name"],
                         "z.start.example.")
        self.assertFalse(r["IsTruncated"])
        with self.assertRaises(ClientError) as cm:
            self.c.list_resource_record_sets(HostedZoneId=zid,
                                             StartRecordType="A")
        self.assertEqual(err(cm)[:2], (400, "InvalidInput"))

    def test_wildcard_start_name(self):
        zid = self.zone("wild.example")
        self.change(zid, ch("CREATE", rr("*.wild.example", "A",
                                         ["192.0.2.1"])))
        for start in ("*.wild.example.", "\\052.wild.example."):
            r = self.c.list_resource_record_sets(
                HostedZoneId=zid, StartRecordName=start, StartRecordType="A",
                MaxItems="1")
            self.assertEqual(r["ResourceRecordSets"][0]["Name"],
                             "\\052.wild.example.")


class TestBatchSemantics(Base):

    def setUp(self):
        # Hosted zones may share a name; each test gets a fresh one.
        self.zid = self.zone("sem.example")

    def test_create_exists_and_delete_not_found(self):
        a = rr("x.sem.example", "TXT", ['"v"'])
        self.change(self.zid, ch("CREATE", a))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", a)), (
            400, "InvalidChangeBatch",
            "[Tried to create resource record set [name='x.sem.example.', "
            "type='TXT'] but it already exists]"))
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", rr(
            "k.sem.example", "A", ["192.0.2.1"]))), (
            400, "InvalidChangeBatch",
            "[Tried to delete resource record set [name='k.sem.example.', "
            "type='A'] but it was not found]"))

    def test_delete_exact_match(self):
        self.change(self.zid, ch("CREATE", rr("d.sem.example", "A",
                                              ["192.0.2.1", "192.0.2.2"])))
        want = ("[Tried to delete resource record set [name='d.sem.example.',"
                " type='A'] but the values provided do not match the current "
                "values]")
        for bad in (rr("d.sem.example", "A", ["192.0.2.1"]),
                    rr("d.sem.example", "A", ["192.0.2.1", "192.0.2.2"],
                       ttl=301),
                    rr("d.sem.example", "A", ["192.0.2.1", "192.0.2.3"])):
            self.assertEqual(self.batch_error(self.zid, ch("DELETE", bad)),
                             (400, "InvalidChangeBatch", want))
        # Values are a set: order does not matter.
        self.change(self.zid, ch("DELETE", rr("d.sem.example", "A",
                                              ["192.0.2.2", "192.0.2.1"])))
        self.assertEqual(self.find(self.zid, "d.sem.example.", "A"), [])

    def test_delete_twice_and_delete_create(self):
        a = rr("t.sem.example", "A", ["192.0.2.1"])
        self.change(self.zid, ch("CREATE", a))
        code = self.batch_error(self.zid, ch("DELETE", a), ch("DELETE", a))
        self.assertEqual(code[:2], (400, "InvalidChangeBatch"))
        self.assertEqual(len(self.find(self.zid, "t.sem.example.", "A")), 1)
        b = rr("t.sem.example", "A", ["192.0.2.1", "192.0.2.7"], ttl=60)
        self.change(self.zid, ch("DELETE", a), ch("CREATE", b))
        got = self.find(self.zid, "t.sem.example.", "A")[0]
        self.assertEqual((got["TTL"], [v["Value"] for v in
                                       got["ResourceRecords"]]),
                         (60, ["192.0.2.1", "192.0.2.7"]))
        # UPSERT twice for one RRset in one batch is refused.
        code = self.batch_error(self.zid, ch("UPSERT", a), ch("UPSERT", b))
        self.assertEqual(code[2], "[The request contains an invalid set of "
                         "changes for a resource record set "
                         "'A t.sem.example.']")

    def test_upsert(self):
        a = rr("u.sem.example", "MX", ["10 mx1.sem.example."])
        self.change(self.zid, ch("UPSERT", a))
        self.change(self.zid, ch("UPSERT", a))  # identical again: no-op
        b = rr("u.sem.example", "MX", ["20 mx2.sem.example.",
                                       "30 mx3.sem.example"], ttl=30)
        self.change(self.zid, ch("UPSERT", b))
        got = self.find(self.zid, "u.sem.example.", "MX")
        self.assertEqual(len(got), 1)
        # Values come back as written (no trailing dot added).
        self.assertEqual(got[0]["ResourceRecords"],
                         [{"Value": "20 mx2.sem.example."},
                          {"Value": "30 mx3.sem.example"}])
        self.assertEqual(got[0]["TTL"], 30)

    def test_cname_exclusivity(self):
        self.change(self.zid, ch("CREATE", rr("www.sem.example", "CNAME",
                                              ["host.sem.example."])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "www.sem.example", "A", ["192.0.2.1"])))[2],
            "[RRSet of type A with DNS name www.sem.example. is not "
            "permitted because a conflicting RRSet of type  CNAME with the "
            "same DNS name already exists in zone sem.example.]")
        self.change(self.zid, ch("CREATE", rr("h.sem.example", "A",
                                              ["192.0.2.1"])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "h.sem.example", "CNAME", ["x.sem.example."])))[2],
            "[RRSet of type CNAME with DNS name h.sem.example. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone sem.example.]")
        # At the apex SOA and NS are always there.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "sem.example", "CNAME", ["x.sem.example."])))[2],
            "[RRSet of type CNAME with DNS name sem.example. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone sem.example.]")
        # Replacing a CNAME by an A in one batch is fine.
        self.change(self.zid, ch("DELETE", rr("www.sem.example", "CNAME",
                                              ["host.sem.example."])),
                    ch("CREATE", rr("www.sem.example", "A", ["192.0.2.5"])))
        # CNAME is single-valued.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "c2.sem.example", "CNAME", ["a.sem.example.", "b.sem.example."]
        )))[1], "InvalidChangeBatch")

    def test_apex_soa_ns(self):
        sets = self.rrsets(self.zid)
        soa = [x for x in sets if x["Type"] == "SOA"][0]
        ns = [x for x in sets if x["Type"] == "NS"][0]
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", soa))[2],
                         "[A HostedZone must contain exactly one SOA "
                         "record.]")
        self.assertEqual(self.batch_error(self.zid, ch("DELETE", ns))[2],
                         "[A HostedZone must contain at least one NS record "
                         "for the zone itself.]")
        new = dict(soa)
        new["ResourceRecords"] = [{"Value": soa["ResourceRecords"][0][
            "Value"].replace(" 1 7200 ", " 2025010101 7200 ")}]
        new["TTL"] = 60
        self.change(self.zid, ch("UPSERT", new))
        got = self.find(self.zid, "sem.example.", "SOA")[0]
        self.assertIn(" 2025010101 ", got["ResourceRecords"][0]["Value"])
        bad = dict(soa)
        bad["ResourceRecords"] = soa["ResourceRecords"] * 2
        self.assertEqual(self.batch_error(self.zid, ch("UPSERT", bad))[1],
                         "InvalidChangeBatch")
        # Subdomain NS (delegation) is fine; wildcard NS is not.
        self.change(self.zid, ch("CREATE", rr("sub.sem.example", "NS",
                                              ["ns1.elsewhere.example."])))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "*.sem.example", "NS", ["ns1.elsewhere.example."])))[1],
            "InvalidChangeBatch")

    def test_values_checked(self):
        cases = [
            ("A", "192.0.2", "[Invalid Resource Record: FATAL problem: "
             "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) "
             "encountered with '192.0.2']"),
            ("A", "1.2.3.4, 1.2.3.5", "[Invalid Resource Record: FATAL "
             "problem: ARRDATANotSingleField (Value contains spaces) "
             "encountered with '1.2.3.4, 1.2.3.5']"),
            ("TXT", "unquoted", "[Invalid Resource Record: FATAL problem: "
             "InvalidCharacterString (Value should be enclosed in quotation "
             "marks) encountered with 'unquoted']"),
            ("TXT", '"%s"' % ("x" * 256), "[Invalid Resource Record: FATAL "
             "problem: CharacterStringTooLong (Value is too long) "
             "encountered with '\"%s\"']" % ("x" * 256)),
        ]
        for t, v, msg in cases:
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "v.sem.example", t, [v]))), (400, "InvalidChangeBatch", msg))
        for t, v in (("AAAA", "2001:db8::g"), ("MX", "mail.sem.example"),
                     ("SRV", "1 2 70000 t.sem.example"),
                     ("CAA", "0 issue ca.example"), ("DS", "1 2 3 abc"),
                     ("SPF", "v=spf1 -all")):
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "v.sem.example", t, [v])))[1], "InvalidChangeBatch", (t, v))
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "v.sem.example", "A", ["192.0.2.1", "192.0.2.1"])))[2],
            "[Duplicate Resource Record: '192.0.2.1']")
        good = [("TXT", ['"%s"' % ("y" * 255), '"a" "b c" "q\\"uote"',
                         '"ex\\344mple"']),
                ("AAAA", ["2001:0db8:85a3:0:0:8a2e:0370:7334"]),
                ("CAA", ['0 issue "ca.example.net"']),
                ("SRV", ["10 5 80 hostname.sem.example"]),
                ("NAPTR", ['100 50 "u" "E2U+sip" "!^.*$!sip:x@ex.com!" .']),
                ("DS", ["123 13 2 " + "ab" * 32]),
                ("PTR", ["host.sem.example."]),
                ("SPF", ['"v=spf1 -all"'])]
        for t, vals in good:
            self.change(self.zid, ch("CREATE", rr("ok.sem.example", t, vals)))
            self.assertEqual(
                [v["Value"] for v in self.find(self.zid, "ok.sem.example.",
                                               t)[0]["ResourceRecords"]],
                vals)

    def test_name_outside_zone_and_all_errors(self):
        msg = self.batch_error(
            self.zid,
            ch("CREATE", rr("a.other.org", "A", ["192.0.2.1"])),
            ch("DELETE", rr("missing.sem.example", "A", ["192.0.2.1"])),
            ch("CREATE", rr("b.sem.example", "A", ["300.1.1.1"])))[2]
        self.assertEqual(msg, "[RRSet with DNS name a.other.org. is not "
                         "permitted in zone sem.example., Tried to delete "
                         "resource record set [name='missing.sem.example.', "
                         "type='A'] but it was not found, Invalid Resource "
                         "Record: FATAL problem: ARRDATAIllegalIPv4Address "
                         "(Value is not a valid IPv4 address) encountered "
                         "with '300.1.1.1']")
        # A name that merely ends with the zone's text is outside it.
        self.assertIn("is not permitted in zone", self.batch_error(
            self.zid, ch("CREATE", rr("xsem.example", "A",
                                      ["192.0.2.1"])))[2])

    def test_atomicity(self):
        before = self.emu.ctl("GET", "/_emu/state?zone=" + self.zid)[1]
        code = self.batch_error(
            self.zid,
            ch("CREATE", rr("good1.sem.example", "A", ["192.0.2.1"])),
            ch("UPSERT", rr("good2.sem.example", "TXT", ['"ok"'])),
            ch("DELETE", rr("nothere.sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(code[1], "InvalidChangeBatch")
        after = self.emu.ctl("GET", "/_emu/state?zone=" + self.zid)[1]
        self.assertEqual(before["zones"], after["zones"])
        self.assertEqual(len(self.rrsets(self.zid)), 2)

    def test_name_canonicalisation(self):
        self.change(self.zid, ch("CREATE", rr("MiXeD.Sem.Example", "A",
                                              ["192.0.2.1"])))
        self.assertEqual(len(self.find(self.zid, "mixed.sem.example.", "A")),
                         1)
        self.change(self.zid, ch("CREATE", rr("*.sem.example", "A",
                                              ["192.0.2.1"])))
        # The escaped spelling names the same RRset.
        self.assertIn("already exists", self.batch_error(
            self.zid, ch("CREATE", rr("\\052.sem.example.", "A",
                                      ["192.0.2.1"])))[2])
        self.change(self.zid, ch("CREATE", rr("a\\040b@c.sem.example", "TXT",
                                              ['"s"'])))
        self.assertEqual(len(self.find(self.zid, "a\\040b\\100c.sem.example.",
                                       "TXT")), 1)
        # '*' inside a label is a literal, still written \052.
        self.change(self.zid, ch("CREATE", rr("a*b.sem.example", "TXT",
                                              ['"s"'])))
        self.assertEqual(len(self.find(self.zid, "a\\052b.sem.example.",
                                       "TXT")), 1)
        code = self.batch_error(self.zid, ch("CREATE", rr(
            "x" * 64 + ".sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(code[1], "InvalidChangeBatch")
        self.assertIn("DomainLabelTooLong", code[2])

    def test_exactly_one_of(self):
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", {
                "Name": "portal.sem.example", "Type": "A"}))
        self.assertEqual(err(cm), (
            400, "InvalidInput",
            "Invalid request: Expected exactly one of [AliasTarget, all of "
            "[TTL, and ResourceRecords], or TrafficPolicyInstanceId], but "
            "found none in Change with [Action=CREATE, "
            "Name=portal.sem.example, Type=A, SetIdentifier=null]"))
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("UPSERT", {
                "Name": "portal.sem.example.", "Type": "A", "TTL": 60,
                "ResourceRecords": [{"Value": "192.0.2.1"}],
                "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2",
                                "DNSName": "d1.cloudfront.net",
                                "EvaluateTargetHealth": False}}))
        self.assertIn("but found more than one in Change with [Action=UPSERT,"
                      " Name=portal.sem.example., Type=A, "
                      "SetIdentifier=null]", err(cm)[2])

    def test_schema_errors(self):
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("INVALID_ACTION", rr(
                "e.sem.example", "A", ["192.0.2.1"])))
        self.assertEqual(err(cm), (
            400, "InvalidInput",
            "Invalid XML ; cvc-enumeration-valid: Value 'INVALID_ACTION' is "
            "not facet-valid with respect to enumeration '[CREATE, DELETE, "
            "UPSERT]'. It must be a value from the enumeration."))
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", rr(
                "e.sem.example", "TXT", ['"' + "z" * 3999 + '"'])))
        self.assertEqual(err(cm)[1], "InvalidInput")
        self.assertIn("maxLength '4000'", err(cm)[2])
        with self.assertRaises(ClientError) as cm:
            self.change(self.zid, ch("CREATE", rr("e.sem.example", "A",
                                                  ["192.0.2.1"],
                                                  ttl=2147483648)))
        self.assertEqual(err(cm)[1], "InvalidInput")

    def test_request_limits(self):
        many = [ch("CREATE", rr("l%d.sem.example" % i, "A",
                                ["10.1.%d.%d" % (i // 250, i % 250 + 1)]))
                for i in range(1001)]
        self.assertEqual(self.batch_error(self.zid, *many),
                         (400, "InvalidChangeBatch",
                          "[Number of records limit of 1000 exceeded.]"))
        ups = [ch("UPSERT", c["ResourceRecordSet"]) for c in many[:501]]
        self.assertIn("Number of records limit of 1000 exceeded.",
                      self.batch_error(self.zid, *ups)[2])
        self.change(self.zid, *ups[:500])
        self.assertEqual(len(self.rrsets(self.zid)), 502)
        # 32,000 characters of Value text per request, UPSERT twice.
        s = " ".join(['"' + "c" * 255 + '"'] * 15)     # 3869 characters
        big = [ch("CREATE", rr("t%d.sem.example" % i, "TXT", [s]))
               for i in range(9)]
        self.assertEqual(self.batch_error(self.zid, *big)[2],
                         "[RDATA character limit of 32000 exceeded.]")
        self.assertIn("RDATA character limit", self.batch_error(
            self.zid, *[ch("UPSERT", c["ResourceRecordSet"])
                        for c in big[:5]])[2])
        self.change(self.zid, *big[:8])

    def test_values_per_rrset(self):
        vals = ["10.2.%d.%d" % (i // 200, i % 200) for i in range(401)]
        msg = self.batch_error(self.zid, ch("CREATE", rr(
            "many.sem.example", "A", vals)))
        self.assertEqual(msg[1], "InvalidChangeBatch")
        self.assertIn("400", msg[2])
        self.change(self.zid, ch("CREATE", rr("many.sem.example", "A",
                                              vals[:400])))

    def test_zone_quota(self):
        self.emu.ctl("POST", "/_emu/config", {"max_rrsets": 4})
        try:
            self.change(self.zid, ch("CREATE", rr("q1.sem.example", "A",
                                                  ["192.0.2.1"])),
                        ch("CREATE", rr("q2.sem.example", "A",
                                        ["192.0.2.1"])))
            self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
                "q3.sem.example", "A", ["192.0.2.1"]))), (
                400, "InvalidChangeBatch",
                "[Exceeded limit MAX_RRSETS_BY_ZONE for zone: %s]"
                % self.zid))
            # Replacing within the quota still works.
            self.change(self.zid, ch("UPSERT", rr("q2.sem.example", "A",
                                                  ["192.0.2.2"])))
        finally:
            self.emu.ctl("POST", "/_emu/config", {"max_rrsets": 10000})

    def test_alias_and_routing_policies(self):
        z = "sem.example."
        alias = {"Name": "www." + z, "Type": "A", "AliasTarget": {
            "HostedZoneId": "Z2FDTNDATAQYW2",
            "DNSName": "D111111abcdef8.CloudFront.net",
            "EvaluateTargetHealth": False}}
        weighted = [{"Name": "w." + z, "Type": "A", "SetIdentifier": s,
                     "Weight": wt, "TTL": 60,
                     "ResourceRecords": [{"Value": ip}]}
                    for s, wt, ip in (("blue", 10, "192.0.2.1"),
                                      ("green", 0, "192.0.2.2"))]
        latency = {"Name": "lat." + z, "Type": "AAAA", "SetIdentifier": "eu",
                   "Region": "eu-west-1", "TTL": 60,
                   "ResourceRecords": [{"Value": "2001:db8::1"}],
                   "HealthCheckId": "abcdef01-2345-6789-abcd-ef0123456789"}
        geo = {"Name": "geo." + z, "Type": "A", "SetIdentifier": "Default",
               "GeoLocation": {"CountryCode": "*"}, "TTL": 60,
               "ResourceRecords": [{"Value": "192.0.2.3"}]}
        fail = {"Name": "f." + z, "Type": "CNAME", "SetIdentifier": "p",
                "Failover": "PRIMARY", "TTL": 60,
                "ResourceRecords": [{"Value": "primary.example.net"}]}
        multi = {"Name": "m." + z, "Type": "A", "SetIdentifier": "m1",
                 "MultiValueAnswer": True, "TTL": 60,
                 "ResourceRecords": [{"Value": "192.0.2.4"}]}
        self.change(self.zid, *[ch("CREATE", x) for x in
                                [alias, latency, geo, fail, multi]
                                + weighted])
        got = {(x["Name"], x.get("SetIdentifier")): x
               for x in self.rrsets(self.zid)}
        a = got[("www." + z, None)]
        self.assertNotIn("TTL", a)
        self.assertNotIn("ResourceRecords", a)
        self.assertEqual(a["AliasTarget"], {
            "HostedZoneId": "Z2FDTNDATAQYW2",
            "DNSName": "d111111abcdef8.cloudfront.net.",
            "EvaluateTargetHealth": False})
        for x in [latency, geo, fail, multi] + weighted:
            self.assertEqual(got[(x["Name"], x["SetIdentifier"])], x)
        # Paging inside a weighted group uses NextRecordIdentifier.
        r = self.c.list_resource_record_sets(
            HostedZoneId=self.zid, StartRecordName="w." + z,
            StartRecordType="A", MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["SetIdentifier"], "blue")
        self.assertEqual((r["NextRecordName"], r["NextRecordType"],
                          r["NextRecordIdentifier"]), ("w." + z, "A", "green"))
        r = self.c.list_resource_record_sets(
            HostedZoneId=self.zid, StartRecordName=r["NextRecordName"],
            StartRecordType="A", StartRecordIdentifier="green", MaxItems="1")
        self.assertEqual(r["ResourceRecordSets"][0]["SetIdentifier"], "green")
        # Weighted DELETE must match the whole RRset, weight included.
        bad = dict(weighted[0], Weight=11)
        self.assertIn("do not match", self.batch_error(
            self.zid, ch("DELETE", bad))[2])
        self.assertIn("set-identifier='blue'", self.batch_error(
            self.zid, ch("CREATE", weighted[0]))[2])
        # Policy mixing.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", rr(
            "w." + z, "A", ["192.0.2.9"])))[2],
            "[RRSet with DNS name w.sem.example., type A cannot be created "
            "as other RRSets exist with the same name and type.]")
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", {
            "Name": "w." + z, "Type": "A", "SetIdentifier": "x",
            "Region": "us-east-1", "TTL": 60,
            "ResourceRecords": [{"Value": "192.0.2.8"}]}))[2],
            "[RRSet with DNS name w.sem.example., type A, SetIdentifier x "
            "cannot be created as a non-latency set exists with the same "
            "name and type.]")
        # Alias to a name in the same zone must exist.
        self.assertEqual(self.batch_error(self.zid, ch("CREATE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "nothing." + z,
                "EvaluateTargetHealth": False}}))[2],
            "[Tried to create an alias that targets nothing.sem.example., "
            "type A in zone %s, but that target was not found]" % self.zid)
        self.change(self.zid, ch("CREATE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "geo." + z,
                "EvaluateTargetHealth": True}}))
        self.change(self.zid, ch("DELETE", {
            "Name": "al." + z, "Type": "A", "AliasTarget": {
                "HostedZoneId": self.zid, "DNSName": "GEO." + z,
                "EvaluateTargetHealth": True}}))


if __name__ == "__main__":
    sys.exit(main(sys.modules[__name__]))
