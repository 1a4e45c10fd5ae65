#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_serve.c with dnspython: a
mode octet (see the harness) and a message, unsigned (the harness signs
it).  Queries, CHAOS, NOTIFY, UPDATEs of both zones that succeed, fail
their prerequisites, are refused or broken.  Run from the top of the
tree."""

import os

import dns.flags
import dns.message
import dns.opcode
import dns.rdataclass
import dns.rrset
import dns.update

OUT = "tests/fuzz/corpus_serve"
TCP, DDNS, ACME, NOKEY, OLD, TWICE, RUN = 1, 2, 4, 6, 8, 16, 128
REFUSED, FAILURE, UNKNOWN = 32, 64, 96


def save(name, mode, wire):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([mode]) + wire)


def query(name, rdtype, **kw):
    return dns.message.make_query(name, rdtype, **kw).to_wire()


def main():
    os.makedirs(OUT, exist_ok=True)
    save("q_soa_edns", 0, query("example.", "SOA", use_edns=0))
    save("q_soa_tcp", TCP, query("example.", "SOA"))
    save("q_cname", 0, query("www.example.", "A", use_edns=0,
                             want_dnssec=True))
    save("q_wild", TCP, query("foo.example.", "ANY"))
    save("q_nx_signed", DDNS, query("nx.example.", "AAAA"))
    save("q_sub", 0, query("a.sub.example.", "A"))
    save("q_badvers", 0, query("example.", "SOA", use_edns=1))
    save("q_badtime", DDNS | OLD, query("example.", "SOA"))
    save("q_badkey", NOKEY, query("example.", "SOA"))
    save("q_refused", 0, query("example.org.", "A"))
    save("q_ixfr", TCP, query("example.", "IXFR"))
    save("q_version", 0, query("version.bind.", "TXT",
                               rdclass=dns.rdataclass.CH))
    save("q_stats", DDNS, query("stats.r53d.", "TXT",
                                rdclass=dns.rdataclass.CH))

    n = dns.message.make_query("example.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    save("notify", 0, n.to_wire())
    n = dns.message.make_query("sec.example.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    save("notify_sec_unsigned", 0, n.to_wire())
    save("notify_sec_acme", ACME, n.to_wire())
    save("notify_sec_acme_tcp_twice", ACME | TCP | TWICE | RUN, n.to_wire())
    save("notify_sec_ddns", DDNS, n.to_wire())
    n = dns.message.make_query("sec.example.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    n.flags |= dns.flags.AA
    n.answer.append(dns.rrset.from_text(
        "sec.example.", 60, "IN", "SOA",
        "ns1.example. h.example. 10 60 60 600 60"))
    save("notify_sec_serial", ACME | RUN, n.to_wire())

    u = dns.update.UpdateMessage("example.")
    u.add("host.example.", 300, "A", "192.0.2.10")
    u.delete("mail.example.", "AAAA")
    save("upd_ddns", DDNS | RUN, u.to_wire())
    save("upd_ddns_tcp_twice", DDNS | TCP | TWICE | RUN, u.to_wire())
    save("upd_refused_batch", DDNS | REFUSED, u.to_wire())
    save("upd_failure", DDNS | TCP | FAILURE, u.to_wire())
    save("upd_unknown", DDNS | UNKNOWN, u.to_wire())
    save("upd_unsigned", 0, u.to_wire())

    u = dns.update.UpdateMessage("example.")
    u.replace("_acme-challenge.example.", 60, "TXT", '"token"')
    save("upd_acme", ACME, u.to_wire())
    u = dns.update.UpdateMessage("example.")
    u.add("www.example.", 60, "TXT", '"not granted"')
    save("upd_acme_denied", ACME, u.to_wire())

    u = dns.update.UpdateMessage("example.")
    u.present("www.example.", "CNAME")
    u.absent("nothere.example.")
    u.delete("www.example.")
    u.add("www.example.", 300, "AAAA", "2001:db8::80")
    save("upd_prereq", DDNS | TCP, u.to_wire())
    u = dns.update.UpdateMessage("example.")
    u.present("nothere.example.")
    save("upd_prereq_fail", DDNS, u.to_wire())
    u = dns.update.UpdateMessage("example.")
    u.add("example.", 300, "CNAME", "x.example.")
    u.add("q.example.", 300, "LOC", "1 2 3 N 4 5 6 E 7m")
    save("upd_bad", DDNS, u.to_wire())

    u = dns.update.UpdateMessage("sub.example.")
    u.add("h.sub.example.", 300, "A", "192.0.2.11")
    save("upd_sub_twice", TWICE | RUN, u.to_wire())
    save("upd_sub_tcp", TCP, u.to_wire())

    save("short", 0, b"\x12\x34\x00")
    save("response", 0, b"\x12\x34\x80" + bytes(9))


if __name__ == "__main__":
    main()
