#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_msg.c with dnspython: a query,
a signed UPDATE, a compressed response holding every Route 53 type, an
IXFR-style response, a NOTIFY.  Run from the top of the tree."""

import os

import dns.message
import dns.name
import dns.opcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsigkeyring
import dns.update

OUT = "tests/fuzz/corpus_msg"
KEY = dns.tsigkeyring.from_text({"k.example.": "c2VjcmV0c2VjcmV0c2VjcmV0"})


def save(name, wire):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(wire)


def main():
    os.makedirs(OUT, exist_ok=True)
    q = dns.message.make_query("www.example.com.", "SOA", use_edns=0,
                               want_dnssec=True)
    save("query", q.to_wire())

    u = dns.update.UpdateMessage("example.com.", keyring=KEY,
                                 keyname="k.example.")
    u.present("www.example.com.", "A")
    u.delete("old.example.com.", "TXT")
    u.add("new.example.com.", 300, "TXT", '"hello" "world"')
    u.add("new.example.com.", 300, "MX", "10 mail.example.com.")
    u.replace("_acme-challenge.example.com.", 60, "TXT", '"tok"')
    save("update_tsig", u.to_wire())

    r = dns.message.make_response(q)
    data = {
        "A": "192.0.2.1", "AAAA": "2001:db8::1",
        "CAA": '0 issue "ca.example.net"', "CNAME": "www.example.com.",
        "DS": "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
        "HTTPS": "1 . alpn=h3,h2 ipv4hint=192.0.2.1",
        "MX": "10 mail.example.com.",
        "NAPTR": '100 50 "u" "E2U+sip" "!^.*$!sip:x@example.com!" .',
        "NS": "ns1.example.com.", "PTR": "host.example.com.",
        "SOA": "ns1.example.com. hostmaster.example.com. 1 7200 900 "
               "1209600 86400",
        "SPF": '"v=spf1 -all"', "SRV": "10 5 80 www.example.com.",
        "SSHFP": "4 2 " + "ab" * 32,
        "SVCB": "16 foo.example.com. port=53 key667=hello",
        "TLSA": "3 1 1 " + "cd" * 32, "TXT": '"a" "b\\"c"',
    }
    for t, text in data.items():
        r.answer.append(dns.rrset.from_text("www.example.com.", 300, "IN",
                                            t, text))
    save("response_all_types", r.to_wire())

    x = dns.message.make_response(
        dns.message.make_query("example.com.", "IXFR"))
    soa = "ns1.example.com. hostmaster.example.com. %d 7200 900 1209600 60"
    for s in (3, 1, 2, 3):
        x.answer.append(dns.rrset.from_text("example.com.", 60, "IN",
                                            "SOA", soa % s))
    x.use_tsig(KEY, keyname="k.example.")
    save("ixfr_tsig", x.to_wire())

    n = dns.message.make_query("example.com.", "SOA")
    n.set_opcode(dns.opcode.NOTIFY)
    save("notify", n.to_wire())


if __name__ == "__main__":
    main()
