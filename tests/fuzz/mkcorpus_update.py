#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_update.c with dnspython: a
flags octet (how Route 53 ends batches), then UPDATEs of zone "example."
as the harness frames them (prerequisite count, update count, length,
raw RRs after the zone section).  Run from the top of the tree."""

import os
import struct

import dns.update

OUT = "tests/fuzz/corpus_update"
ZONE_END = 12 + len(b"\x07example\x00") + 4


def frame(u):
    w = u.to_wire()
    npre, nupd = struct.unpack("!HH", w[6:10])
    rrs = w[ZONE_END:]
    return struct.pack("!BBH", npre, nupd, len(rrs)) + rrs


def save(name, how, *updates):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([how]) + b"".join(frame(u) for u in updates))


def upd():
    return dns.update.UpdateMessage("example.")


def main():
    os.makedirs(OUT, exist_ok=True)
    u = upd()
    u.add("h.example.", 300, "A", "192.0.2.10")
    u.add("h.example.", 300, "AAAA", "2001:db8::10")
    save("add", 0, u)
    save("add_refused", 1, u)
    save("add_unknown", 2, u)
    save("add_failure", 3, u)

    u1 = upd()
    u1.present("a.example.", "A")
    u1.delete("a.example.", "A", "192.0.2.1")
    u1.add("a.example.", 60, "TXT", '"x&y" "<z>"')
    u2 = upd()
    u2.absent("nothere.example.")
    u2.replace("_acme-challenge.example.", 60, "TXT", '"tok\'en"')
    u3 = upd()
    u3.delete("c.example.")
    u3.add("c.example.", 300, "MX", "10 a.example.")
    save("three", 0, u1, u2, u3)

    u = upd()
    u.present("a.example.", "A", "192.0.2.2")
    u.present("m.example.")
    u.delete("example.", "TXT")
    u.add("example.", 300, "CAA", '0 issue "ca.example.net"')
    u.add("s.example.", 300, "SRV", "1 2 3 a.example.")
    u.add("n.example.", 300, "NAPTR",
          '100 50 "u" "E2U+sip" "!^.*$!sip:x@example.com!" .')
    save("prereqs", 0, u)

    u = upd()
    u.add("example.", 300, "SOA",
          "ns1.example. h.example. 99 7200 900 1209600 300")
    u.add("x.sub.example.", 300, "A", "192.0.2.1")
    u.add("alias.example.", 300, "A", "192.0.2.1")
    u.delete("a.example.")
    save("soa_glue_alias", 0, u)

    u = upd()
    u.add("svc.example.", 300, "HTTPS", "1 . alpn=h3,h2 ipv4hint=192.0.2.1")
    u.add("t.example.", 300, "TLSA", "3 1 1 " + "ab" * 32)
    u.add("k.example.", 300, "SSHFP", "4 2 " + "cd" * 32)
    u.add("d.example.", 300, "DS",
          "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118")
    save("types", 0, u)


if __name__ == "__main__":
    main()
