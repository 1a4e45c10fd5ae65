#!/usr/bin/python3
"""Write the seed corpus of tests/fuzz/fuzz_secondary.c: operations on a
secondary zone "example." whose Route 53 serial is 100 (see the
harness): SOA answers with newer, equal, older and wrapped serials, one
truncated, one refused, a forged ID, NOTIFYs with and without a serial.
Run from the top of the tree."""

import os
import struct

OUT = "tests/fuzz/corpus_secondary"
ORIGIN = b"\x07example\x00"


def soa_answer(serial, flags=0x8400, rcode=0, refresh=3600, retry=600,
               expire=86400):
    rd = (b"\x02ns\xc0\x0c" + b"\x04host\xc0\x0c" +
          struct.pack(">IIIII", serial, refresh, retry, expire, 300))
    hdr = struct.pack(">HHHHHH", 0, flags | rcode, 1, 1, 0, 0)
    q = ORIGIN + struct.pack(">HH", 6, 1)
    an = b"\xc0\x0c" + struct.pack(">HHIH", 6, 1, 3600, len(rd)) + rd
    return hdr + q + an


def answer(msg, forged=False):
    return bytes([1 | (4 if forged else 0)]) + struct.pack(">H", len(msg)) + msg


def notify(serial=None):
    if serial is None:
        return b"\x00"
    return b"\x04" + struct.pack(">I", serial)


WAIT = b"\x02"


def r53(serial):
    return b"\x03" + struct.pack(">I", serial)


SEEDS = {
    "newer": answer(soa_answer(101)) + WAIT + WAIT,
    "same": answer(soa_answer(100)) + notify(100) + notify(101) +
            answer(soa_answer(101)),
    "older": answer(soa_answer(99)) + WAIT + answer(soa_answer(100)),
    "wrapped": r53(0xfffffff0) + WAIT + answer(soa_answer(5)) + WAIT,
    "truncated": answer(soa_answer(101, flags=0x8600)) + WAIT +
                 answer(soa_answer(101)),
    "refused": answer(soa_answer(101, rcode=5)) + answer(soa_answer(101)) +
               WAIT + WAIT,
    "forged": answer(soa_answer(101), forged=True) + WAIT +
              answer(soa_answer(102)),
    "timers": answer(soa_answer(100, refresh=1, retry=0, expire=1)) +
              notify() + WAIT + answer(soa_answer(100, refresh=0xffffffff,
              retry=0xffffffff, expire=0xffffffff)) + WAIT,
    "notify": notify() + notify(50) + WAIT + answer(soa_answer(100)) +
              notify(0x80000064) + WAIT,
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
