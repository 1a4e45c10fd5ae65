"""Primary DNS servers for r53d's secondary tests.

Each class here starts a real primary server from Debian 12 (or, for
Garbage, a scripted one written in Python) holding one zone, and drives
it: changes the zone one increment at a time, asks it for its serial and
its zone, stops and starts it again.  r53d, as a secondary, is told of
changes by NOTIFY and fetches them by IXFR or AXFR over TCP with TSIG.

    p = Bind(zone="example.com.", records=[("www", 300, "A", "192.0.2.1")],
             key=("xfr-key", "hmac-sha256", SECRET),
             notify=[("127.0.0.1", r53d_port)], serial=2026120201)
    p.port                      # UDP and TCP on 127.0.0.1
    p.serial()                  # the SOA serial, asked over DNS
    p.axfr()                    # the zone, by AXFR signed with the key
    p.expected()                # the zone as this module believes it is
    p.change(add=[...], delete=[...])   # one increment: the new serial
    p.ixfr(old_serial)          # what the server answers to an IXFR
    p.notify()                  # make the server send NOTIFY again
    p.stop(); p.start()         # down and up: same port, same data
    p.close()

Records are (owner, ttl, type, rdata) tuples in zone-file text; owners
are absolute or relative to the zone ("@" is the apex).  Zones as sets
(axfr(), expected(), transfer results) hold canonical tuples: owner
absolute in lower case, ttl an int, type as text, rdata as dnspython
writes it after RFC 4034 canonicalisation (absolute names, lower case
where that RFC says).  compare_zone() compares two such sets.

When records hold no SOA, one is made: "ns1.ZONE hostmaster.ZONE SERIAL
3600 600 86400 300" (timers from soa_timers).  When they hold no NS at
the apex, "@ NS ns1.ZONE" and "ns1.ZONE A 127.0.0.1" are added (servers
want an address for an in-zone name server).  p.added lists what was
added.  change() raises the serial by one (or sets serial=N, which must
be greater in serial arithmetic) and never takes SOA records itself;
it refuses to delete what is not there, to add what is, and to give
two TTLs to one RRset, so that the model stays exact.

Every server listens only on 127.0.0.1 on a port free_port() chose,
runs in the foreground from its own temporary directory (configuration,
zone file or database, journal, control socket or port, pid file, log:
nothing of the system's /etc or /var), runs as root without dropping
privileges (so that it still gets the parent-death signal), in its own
process group.  It stops when the test process dies: the death signal
(die_with_parent) and a watchdog shell that kills the group when the
test process is gone or after max_runtime seconds.  close() stops the
group, waits, and removes the directory (keep=True keeps it).  stop()
and start() keep the directory and port.  p.logtext() is the server's
output followed by the output of the tools that changed it.

How each server is set up and changed (versions in Debian 12):

  Bind (named 9.18): a dynamic zone: `allow-update { key local-update; }`
    with a key of its own, `ixfr-from-differences yes`, the zone checks
    off (check-names, check-integrity, check-mx ...: it takes what Route
    53 would), `notify
    explicit`, `notify-delay 0`, `also-notify` to every target (with
    `key xfr-key` when notify_key), `allow-transfer { key xfr-key; }`
    (or 127.0.0.1 without a key), `max-ixfr-ratio unlimited`, rndc on a
    loopback port with its own key, `named -g -4 -n 1`.  change() sends
    one UPDATE with nsupdate (deletes, adds, and the new SOA), so the
    increment is one journal entry; when the UPDATE would not fit in
    one DNS message (over 60,000 bytes) or via="file", it runs `rndc
    freeze`, rewrites the zone file and runs `rndc thaw`, and named
    writes the differences to the journal.  Serves IXFR from the
    journal.
  Knot (knotd 3.2): `journal-content: changes`, `zonefile-load:
    difference`, `zonefile-sync: 0`, `journal-max-depth: 1000`, an ACL
    with the key for `action: transfer`, one remote per notify target
    (with the key when notify_key), control socket in the directory,
    `knotd -c CONF`.  change() feeds knotc (on its standard input)
    zone-begin, zone-unset / zone-set per record and for the SOA, checks
    every answer, then runs zone-commit (zone-abort on an error); for
    more than 500 records or via="file" it flushes the zone, rewrites
    the zone file with the new serial and runs `knotc zone-reload`:
    Knot computes the difference and journals it.  knotc costs about
    3 ms per record (2,600 records: 9 s), the file way 0.5 s.  Serves
    IXFR from the journal.  Knot 3.2 sends NOTIFY over TCP only (with
    EDNS), never UDP: a target must accept NOTIFY on TCP.
  Nsd (nsd 4.6): zone file, `notify: 127.0.0.1@PORT xfr-key|NOKEY`,
    `provide-xfr: 127.0.0.1 xfr-key` (or NOKEY), no database
    (`database: ""`), `username: ""` (stays root), nsd-control over TLS
    on a loopback port with keys made by `nsd-control-setup -d DIR`
    (about 1.5 s of start-up), `nsd -d -c CONF`.  change() rewrites the
    zone file (a newer mtime) and runs `nsd-control reload ZONE`.
    NSD 4.6 keeps no IXFR history: an IXFR for an older serial is
    answered with the whole zone AXFR-style (SOA, every record, SOA);
    over UDP with the whole zone too when it fits.  supports_ixfr is
    False.  It sends NOTIFY after each reload and retries until
    answered.
  PowerDNS (pdns_server 4.7, gsqlite3): a SQLite database made from the
    schema Debian ships (/usr/share/pdns-backend-sqlite3/schema/), the
    zone loaded with `pdnsutil load-zone`, kind primary, the key
    imported and `activate-tsig-key ZONE KEY primary` (metadata
    TSIG-ALLOW-AXFR; allow-axfr-ips is left empty so that unsigned
    transfers are refused), `primary=yes`, `also-notify` to the targets,
    `only-notify=` empty (no NOTIFY to the NS addresses), no caches
    (cache-ttl=0 ...), no security polling, control socket in the
    directory, `pdns_server --config-dir=DIR --guardian=no
    --daemon=no`.  change() runs pdnsutil replace-rrset / delete-rrset
    per RRset touched and replace-rrset for the SOA, then `pdns_control
    notify ZONE`; for more than 20 RRsets or via="file" it rewrites a
    zone file and runs `pdnsutil load-zone` (one database transaction;
    kind and metadata stay), then notifies.  The pdnsutil way is not
    atomic: a transfer during change() may see part of the change under
    the old serial.  PowerDNS 4.7 keeps no IXFR history (its IXFR-out
    answers "IXFR fallback to AXFR" for any older serial, whatever the
    backend): the whole zone AXFR-style, whose first message holds the
    SOA alone (a client must not take that message for "up to date":
    its serial is newer and more messages follow).  IXFR over UDP:
    REFUSED.  supports_ixfr is False.  Its NOTIFY carries no SOA and is
    always signed with the zone's TSIG-ALLOW-AXFR key (notify_key makes
    no difference); it may send another when its primary check (every
    xfr-cycle-interval, 60 s) sees the new serial.
  Garbage: a Python server on loopback (UDP and TCP) holding a zone and
    its history.  It answers SOA and other queries correctly, and
    transfers by the behaviours queued with g.script(...), one per
    transfer, then correctly ("good": IXFR from its history, AXFR-style
    when the serial is unknown).  See Garbage.  It sends NOTIFY only
    when asked (g.notify()).

What they send, as found with the versions in Debian 12 (key given):

              NOTIFY                  IXFR from an older  IXFR over  unsigned
                                      serial              UDP        AXFR/IXFR
  Bind 9.18   UDP, SOA, signed when   the increments      SOA alone  REFUSED
              notify_key              (AXFR-style when
                                      not in the journal)
  Knot 3.2    TCP, SOA, signed when   the increments      SOA alone  NOTAUTH
              notify_key              (same)
  NSD 4.6     UDP, SOA, signed when   AXFR-style          the zone   REFUSED
              notify_key
  PowerDNS    UDP, no SOA, always     AXFR-style          REFUSED    NOTAUTH
  4.7         signed
  Garbage     notify(): UDP, SOA      as scripted         SOA alone  REFUSED

All answer an IXFR from their current or a newer serial with their SOA
alone, send NOTIFY when they load the zone at start (Knot only if it had
not sent it for that serial) as well as after changes, sign every
transfer message they send with the key the request was signed with,
and refuse a request signed with a wrong secret.  Tests should clear
what a NotifySink saw before a change.

Servers are started from the thread that lives longest (the main one):
the parent-death signal follows the thread that started the process.

Helpers: send_notify(), transfer() (AXFR or IXFR with every TSIG
checked, returning a Transfer: kind "axfr", "ixfr" or "current"),
query_serial(), compare_zone(), canon(), NotifySink (a UDP and TCP
NOTIFY receiver that answers and records).

The modules: wire (the helpers), base (Primary, what every server has
in common), servers (Bind, Knot, Nsd, PowerDNS), garbage (Garbage).
Everything a test uses is here: import primaries.
"""
import os
import sys

# r53dtest lives in tests/, the directory above.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from .wire import (  # noqa: E402
    DEFAULT_SERIAL, HOST, IN, MAX_RUNTIME, SOA_TIMERS, NotifySink,
    Transfer, XfrError, canon, canon_rdata, compare_zone, group_pids,
    keyring, parse_signed, query, query_serial, send_notify,
    soa_serial_of, transfer, zone_lines)
from .base import Primary  # noqa: E402
from .servers import Bind, Knot, Nsd, PowerDNS  # noqa: E402
from .garbage import Garbage  # noqa: E402

SERVERS = (Bind, Knot, Nsd, PowerDNS)

__all__ = [
    "DEFAULT_SERIAL", "HOST", "IN", "MAX_RUNTIME", "SOA_TIMERS",
    "NotifySink", "Transfer", "XfrError", "canon", "canon_rdata",
    "compare_zone", "group_pids", "keyring", "parse_signed", "query",
    "query_serial", "send_notify", "soa_serial_of", "transfer",
    "zone_lines", "Primary", "Bind", "Knot", "Nsd", "PowerDNS", "Garbage",
    "SERVERS",
]
