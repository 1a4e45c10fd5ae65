#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_xfr.c with dnspython: answers
for zone example. with ID 0x4242, each a mode octet, the client's serial
(4 octets) and the messages, each after a two-octet length: an AXFR in
one message and in three, an IXFR of three difference sequences one RR
per message, a condensed IXFR in two messages, an IXFR answered with the
whole zone, an up-to-date IXFR.  Run from the top of the tree."""

import os
import struct

import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

OUT = "tests/fuzz/corpus_xfr"
ORIGIN = dns.name.from_text("example.")
ID = 0x4242


def soa(n):
    return "@ 3600 SOA ns.example. host.example. %d 3600 600 86400 300" % n


ZONE = [
    soa(1),
    "@ 3600 NS ns.example.",
    "@ 3600 MX 10 mail.example.",
    "ns 3600 A 192.0.2.53",
    "www 300 A 192.0.2.1",
    "www 300 AAAA 2001:db8::1",
    "txt 60 TXT \"hello\" \"world\"",
    "alias 300 CNAME www.example.",
    "_sip._tcp 300 SRV 10 5 5060 sip.example.",
    "@ 300 CAA 0 issue \"ca.example.net\"",
    soa(1),
]

IXFR3 = [
    soa(4),
    soa(1), "www 300 A 192.0.2.1",
    soa(2), "www 300 A 192.0.2.2",
    soa(2), "www 300 A 192.0.2.2", "txt 60 TXT \"hello\" \"world\"",
    soa(3), "www 300 A 192.0.2.1",
    soa(3), "mail 300 A 192.0.2.25",
    soa(4), "mail 600 A 192.0.2.26",
    soa(4),
]

IXFR_CONDENSED = [
    soa(3),
    soa(1), "old 300 A 192.0.2.9",
    soa(2), "new 300 A 192.0.2.10",
    soa(2),
    soa(3), "newer 300 MX 5 new.example.",
    soa(3),
]


def rr(text):
    owner, ttl, rtype, rdata = text.split(None, 3)
    r = dns.rrset.RRset(dns.name.from_text(owner, ORIGIN), dns.rdataclass.IN,
                        dns.rdatatype.from_text(rtype))
    r.add(dns.rdata.from_text(dns.rdataclass.IN, r.rdtype, rdata,
                              origin=ORIGIN, relativize=False), int(ttl))
    return r


def message(rrs, qtype, question=True):
    m = dns.message.Message(id=ID)
    m.flags = dns.flags.QR | dns.flags.AA
    if question:
        m.question = [dns.rrset.RRset(ORIGIN, dns.rdataclass.IN,
                                      dns.rdatatype.from_text(qtype))]
    m.answer = [rr(t) for t in rrs]
    return m.to_wire()


def stream(rrs, qtype, per, mode, serial=0):
    """rrs cut into messages of per RRs each."""
    out = struct.pack("!BI", mode, serial)
    for i in range(0, len(rrs), per):
        w = message(rrs[i:i + per], qtype, i == 0 or (i // per) % 2 == 0)
        out += struct.pack("!H", len(w)) + w
    return out


def save(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    save("axfr_one", stream(ZONE, "AXFR", len(ZONE), 0x00))
    save("axfr_three", stream(ZONE, "AXFR", 4, 0x54))
    save("ixfr3_per_rr", stream(IXFR3, "IXFR", 1, 0x49, 1))
    save("ixfr_condensed", stream(IXFR_CONDENSED, "IXFR", 5, 0x01, 1))
    save("ixfr_axfr_style", stream(ZONE, "IXFR", 3, 0x07, 0xfffffff0))
    save("ixfr_uptodate", stream([soa(4)], "IXFR", 1, 0x01, 4))


if __name__ == "__main__":
    main()
