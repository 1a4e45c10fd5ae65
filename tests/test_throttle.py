#!/usr/bin/python3
"""Throttling as Route 53 does it since 2026-07-30, end to end.

The emulator (over TLS on loopback) keeps Route 53's published buckets
(--throttle: the account's 50 requests refilled at 10 a second, 50/10
per operation, and the change-throughput bucket).  r53d runs with its
defaults (rate 10, burst 50).  A second client of the same account, boto3
from Debian, eats about half the quota: ListResourceRecordSets 5 times a
second, never backing off (in a second spell the account's quota is cut
as well).  Meanwhile dnspython senders
keep r53d busy with TSIG-signed UPDATEs.

What a user sees: every UPDATE is answered NOERROR and is in the hosted
zone afterwards; the other client keeps getting its half; r53d logs one
line when it lowers its rate (not one per throttled request) and one when
it is back at its configured rate; a second busy spell is a second
episode with a line of its own.
"""
import os
import re
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import r53dtest as T  # noqa: E402

# Keep boto3 away from every configuration source and from the network.
for _v in list(os.environ):
    if _v.startswith("AWS_") or _v.lower() in ("http_proxy", "https_proxy",
                                                "all_proxy"):
        del os.environ[_v]
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = "/nonexistent/r53d-test-config"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/r53d-test-creds"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402
import dns.tsigkeyring  # noqa: E402
import dns.update  # noqa: E402

ALG = "hmac-sha256"
KEYNAME, SECRET = T.KEYS[ALG]
SENDERS = 8
# Two zones: each has its own write pipeline, one batch out at a time, so
# r53d's own demand stays above what the other client leaves it even when
# a loaded machine slows each round trip.
ZONES = ("example.com", "example.net")
LOWER = "lowering the request rate"
BACK = "request rate back to"


class Other(threading.Thread):
    """Another client of the account: `rate` requests a second until
    stopped.  Throttled calls are not retried."""

    def __init__(self, emu, zid, rate=5.0):
        super().__init__(daemon=True)
        self.c = boto3.client(
            "route53", endpoint_url=emu.endpoint, region_name="us-east-1",
            aws_access_key_id=T.AWS_KEY_ID,
            aws_secret_access_key=T.AWS_SECRET, verify=emu.ca,
            config=Config(retries={"mode": "standard",
                                   "total_max_attempts": 1},
                          connect_timeout=5, read_timeout=10))
        self.zid, self.rate = zid, rate
        self.stop = threading.Event()
        self.ok = self.throttled = 0
        self.t0 = self.t1 = None

    def call(self):
        try:
            self.c.list_resource_record_sets(HostedZoneId=self.zid,
                                             MaxItems="1")
            self.ok += 1
        except ClientError as e:
            if e.response["Error"]["Code"] != "Throttling":
                raise
            self.throttled += 1

    def run(self):
        self.t0 = time.monotonic()
        n = 0
        while not self.stop.is_set():
            n += 1
            self.call()
            self.stop.wait(max(0.0, self.t0 + n / self.rate -
                               time.monotonic()))
        self.t1 = time.monotonic()


class Senders(object):
    """SENDERS threads, each sending UPDATEs one after the other (each
    adds a name of its own) until stopped; every answer is kept."""

    def __init__(self, port):
        self.port = port
        self.ring = dns.tsigkeyring.from_text({KEYNAME: (T.DNSPY_ALG[ALG],
                                                         SECRET)})
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = {}       # name -> (address, rcode or exception)
        self.next = 0
        self.threads = [threading.Thread(target=self.loop, daemon=True)
                        for _ in range(SENDERS)]

    def start(self):
        for t in self.threads:
            t.start()

    def loop(self):
        while not self.stop.is_set():
            with self.lock:
                i = self.next
                self.next += 1
            zone = ZONES[i % len(ZONES)]
            name = "u%05d.%s." % (i, zone)
            addr = "10.9.%d.%d" % (i >> 8, i & 255)
            u = dns.update.UpdateMessage(zone, keyring=self.ring,
                                         keyname=KEYNAME,
                                         keyalgorithm=dns.tsig.HMAC_SHA256)
            u.add(name, 300, "A", addr)
            try:
                r = dns.query.tcp(u, "127.0.0.1", port=self.port,
                                  timeout=60)
                res = r.rcode()
            except Exception as e:  # noqa: B902 -- reported by the test
                res = e
            with self.lock:
                self.answers[name] = (addr, res)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(90)


class Throttle(unittest.TestCase):

    def setUp(self):
        self.emu, self.d, self.port = T.start_pair(
            zones=ZONES, emu_args=["--throttle"], keys=True)
        st = self.emu.call("GET", "/_emu/state")
        self.zid = st["zones"][0]["Id"]

    def tearDown(self):
        self.d.close()
        self.emu.close()

    def busy_spell(self, seconds, lowered, longest=30, rate=5.0):
        """The other client for `seconds`, and on until r53d has logged
        `lowered` lowering lines (at most `longest` seconds: on a loaded
        machine r53d's own demand may take longer to meet the other
        client's); returns it, stopped."""
        o = Other(self.emu, self.zid, rate)
        o.start()
        time.sleep(seconds)
        end = time.time() + longest - seconds
        while self.count(LOWER) < lowered and time.time() < end:
            time.sleep(0.1)
        o.stop.set()
        o.join(30)
        return o

    def count(self, text):
        return self.d.logtext().count(text)

    def test_shared_quota_adapts_and_loses_nothing(self):
        s = Senders(self.port)
        s.start()
        try:
            # Alone, r53d spends its burst and goes at 10/s unthrottled.
            time.sleep(3)
            self.assertEqual(self.count("Throttling"), 0)
            # First episode: r53d is throttled, lowers its rate once.
            o1 = self.busy_spell(8, 1)
            self.assertTrue(self.d.wait_log(LOWER, 1),
                            self.d.logtext()[-3000:])
            # Alone again, it climbs back to 10/s and says so once.
            self.assertTrue(self.d.wait_log(BACK, 15),
                            self.d.logtext()[-3000:])
            self.assertEqual(self.count(LOWER), 1)
            self.assertEqual(self.count(BACK), 1)
            # A second busy spell is a second episode.  r53d paces its
            # requests to the refill, so a client that fires on its own
            # clock may lose every race for the tokens instead of r53d:
            # for this spell the account's quota is cut to 4 a second as
            # well (more callers than this one), so that r53d is
            # throttled whoever wins the races.
            self.emu.call("POST", "/_emu/config",
                          {"account_bucket": [10, 4]})
            try:
                o2 = self.busy_spell(6, 2)
            finally:
                self.emu.call("POST", "/_emu/config",
                              {"account_bucket": [50, 10]})
            end = time.time() + 15
            while self.count(BACK) < 2 and time.time() < end:
                time.sleep(0.1)
        finally:
            s.finish()
        log = self.d.logtext()
        self.assertEqual(log.count(LOWER), 2, log[-3000:])
        self.assertEqual(log.count(BACK), 2, log[-3000:])

        # One line per episode, not one per throttled request: each
        # episode saw several.
        per = [int(x) for x in re.findall(
            r"request rate back to 10/s after \d+ s, (\d+) requests "
            r"throttled", log)]
        self.assertEqual(len(per), 2, log[-3000:])
        retried = len(re.findall(r"Throttling: Rate exceeded .*retrying",
                                 log))
        self.assertEqual(sum(per), retried)
        self.assertGreater(per[0], 1)

        # The other client got most of its half while the quota was
        # Route 53's, and some of its calls when it was cut.
        self.assertGreaterEqual(o1.ok, 0.6 * (o1.ok + o1.throttled),
                                (o1.ok, o1.throttled))
        self.assertGreater(o2.ok, 0, (o2.ok, o2.throttled))

        # Every UPDATE answered NOERROR and in the hosted zone.
        self.assertGreater(len(s.answers), 50)
        bad = {n: a for n, a in s.answers.items()
               if a[1] != dns.rcode.NOERROR}
        self.assertEqual(bad, {})
        have = {}
        for z in ZONES:
            have.update(self.emu.rrsets(z + "."))
        for name, (addr, _) in s.answers.items():
            self.assertEqual(have.get((name, "A")), (300, [addr]), name)
        st = self.emu.call("GET", "/_emu/stats")
        self.assertGreater(st["throttled"]["account"], 0)
        sys.stderr.write("%d UPDATEs; other client %d+%d ok, %d+%d "
                         "throttled; r53d throttled %s times\n"
                         % (len(s.answers), o1.ok, o2.ok, o1.throttled,
                            o2.throttled, per))


if __name__ == "__main__":
    T.Results.main()
