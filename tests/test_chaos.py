#!/usr/bin/python3
"""A short chaos run (tests/chaos.py): 2,000 UPDATEs from 16 clients
with 20% of the emulator's answers faulty and r53d killed with SIGKILL
twice; then a large increment from BIND, and one from Knot, with r53d
killed while applying it, and one to a pair of r53d secondaries of the
same hosted zone.  Nothing acknowledged may be lost, nothing
applied twice, and the secondary must converge on the primary's zone and
serial."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402
import chaos as C  # noqa: E402


class Chaos(unittest.TestCase):

    def test_1_updates_faults_and_kills(self):
        t = time.monotonic()
        fig, problems = C.run_updates(2000, 16, 0.2, 2, time_limit=240)
        fig["run_s"] = round(time.monotonic() - t, 1)
        C.report("UPDATEs", fig, problems)
        self.assertEqual(problems, [])
        self.assertEqual(fig["acknowledged-missing"], 0)
        self.assertEqual(fig["applied-twice"], 0)
        self.assertEqual(fig["refused-present"], 0)
        self.assertEqual(fig["links"], 2000)
        # The chaos did happen.
        self.assertEqual(len(fig["kills"]), 2)
        self.assertGreater(fig["fault_rate"], 0.1)
        self.assertGreater(fig["unknown_outcomes"], 0)
        self.assertGreater(fig["rcodes"].get("TIMEOUT", 0), 0)

    def secondary_killed(self, primary, kills):
        t = time.monotonic()
        fig, problems = C.run_secondary(primary, 500, 2500, kills)
        fig["run_s"] = round(time.monotonic() - t, 1)
        C.report("secondary (%s)" % primary, fig, problems)
        self.assertEqual(problems, [])
        self.assertEqual(fig["primary"], primary)
        self.assertEqual(fig["route53_serial"], fig["primary_serial"])
        self.assertNotEqual(fig["serials"][0], fig["serials"][1])
        self.assertEqual(len(fig["kills"]), kills)
        # Killed part way: Route 53 was still at the old serial.
        for k in fig["kills"]:
            self.assertEqual(k[1], fig["serials"][0])

    def test_2_secondary_killed_during_ixfr(self):
        self.secondary_killed("bind", 1)

    def test_3_secondary_of_knot_killed_twice(self):
        self.secondary_killed("knot", 2)

    def test_4_secondary_ha_pair(self):
        """Two r53d, secondaries of one primary, write one hosted zone;
        one is killed while applying the increment."""
        fig, problems = C.run_secondary("bind", 500, 2500, 1, servers=2)
        C.report("secondary HA pair", fig, problems)
        self.assertEqual(problems, [])
        self.assertEqual(fig["route53_serial"], fig["primary_serial"])
        self.assertEqual(fig["r53d_serials"], [fig["primary_serial"]] * 2)
        self.assertEqual(len(fig["kills"]), 1)


if __name__ == "__main__":
    T.Results.main()
