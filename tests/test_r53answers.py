#!/usr/bin/python3
"""A malformed Route 53 answer is logged by the daemon with what is wrong
with it: the element, by its path, and the bad value.

The bundled emulator is told (its "malformed" fault) to break one answer:
an element removed, or its text replaced.  The real ./r53d then loads the
zone from it; the attempt's log line must name the element, and the
retry must load the zone.  Everything runs on loopback; the emulator and
the daemon stop by themselves.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402


class MalformedAnswers(unittest.TestCase):

    def load_with_fault(self, fault):
        """Start an emulator with fault pending and a daemon serving
        example.com from it; returns the daemon's log once the zone has
        loaded (or after a time-out)."""
        emu = T.Emulator(max_runtime=300)
        try:
            r = emu.call("POST", "/_emu/faults", fault)
            self.assertIn("faults", r, r)
            conf = ("listen 127.0.0.1 port %d;\n" % T.free_port() +
                    emu.aws_conf() + 'zone "example.com" {\n'
                    '\tallow-update { 127.0.0.1; };\n};\n')
            d = T.Daemon(conf)
            try:
                loaded = d.wait_log("zone example.com: loaded", timeout=30)
                log = d.logtext()
            finally:
                d.close()
            self.assertTrue(loaded, log)
            self.assertEqual(emu.call("GET", "/_emu/stats")["faults"], 1)
            return log
        finally:
            emu.close()

    def line(self, log, text):
        lines = [ln for ln in log.splitlines() if text in ln]
        self.assertEqual(len(lines), 1, log)
        return lines[0]

    def test_missing_element_named(self):
        log = self.load_with_fault({"type": "malformed",
                                    "op": "ListHostedZonesByName",
                                    "element": "IsTruncated"})
        ln = self.line(log, "malformed answer")
        self.assertIn("route 53 ListHostedZonesByName", ln)
        self.assertIn("malformed answer: ListHostedZonesByNameResponse/"
                      "IsTruncated missing", ln)
        # The zone the broken page held is not counted twice.
        self.assertNotIn("hosted zones have this name", log)

    def test_bad_value_named(self):
        log = self.load_with_fault({"type": "malformed",
                                    "op": "ListResourceRecordSets",
                                    "element": "TTL", "text": "abc"})
        ln = self.line(log, "malformed answer")
        self.assertIn("route 53 ListResourceRecordSets", ln)
        self.assertIn("malformed answer: ListResourceRecordSetsResponse/"
                      "ResourceRecordSets/ResourceRecordSet/TTL: \"abc\" is "
                      "not a number (record set \"example.com.\")", ln)


if __name__ == "__main__":
    T.Results.main()
