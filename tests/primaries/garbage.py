"""Garbage: a scripted primary in this process that transfers as told.
"""

import os
import socket
import struct
import threading
import time

import dns.exception
import dns.flags
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.rrset

from .wire import (
    HOST, IN, _make_response, _recv_exact, _serial_gt, _with_serial,
    keyring, parse_signed, send_notify, soa_serial_of)
from .base import Primary


class Garbage(Primary):
    """A scripted primary in this process: SOA and other queries are
    answered from its zone; each transfer (AXFR or IXFR over TCP) takes
    the next behaviour queued with script(), then "good" ones.  It never
    sends NOTIFY by itself: call notify() after change().

    Behaviours (a string, or a tuple of a name and its argument):
      "good"              AXFR: the zone; IXFR from a serial in its
                          history: the increments; from another older
                          serial: AXFR-style; otherwise the SOA alone.
      "axfr-style"        IXFR answered with the whole zone.
      "refused", "notimp", "servfail", "formerr", "notauth"
                          one response with that rcode (signed when
                          the query was).
      ("garbage", n)      n random bytes, no framing, then close.
      ("garbage-msg", n)  a framed message of n random bytes, then close.
      ("cut", n)          the first n messages of a good answer, close.
      ("cut-bytes", n)    the first n bytes of a good answer, close.
      ("badmac", i)       a good answer whose message i (0 = first,
                          -1 = last) has a wrong TSIG MAC.
      "unsigned"          a good answer without any TSIG.
      "unsigned-last"     a good answer whose last message is unsigned.
      ("wrong-serial", s) a good answer whose SOAs carry serial s.
      "no-final-soa"      an AXFR without its closing SOA, then close.
      "wrong-id"          a good answer with another message id.
      ("hang", secs)      read the query, send nothing for secs, close.
      ("delay", secs)     wait secs, then a good answer.
      ("raw", bytes)      these bytes, then close.
      function            f(query_message, garbage) -> bytes to send.
    rrs_per_message sets how many RRs go in one message (default 100).
    g.requests lists what was asked: (proto, qtype text, serial or
    None, key name or None, behaviour)."""

    name = "Garbage"
    BEHAVIOURS = ("good", "axfr-style", "refused", "notimp", "servfail",
                  "formerr", "notauth", "garbage", "garbage-msg", "cut",
                  "cut-bytes", "badmac", "unsigned", "unsigned-last",
                  "wrong-serial", "no-final-soa", "wrong-id", "hang",
                  "delay", "raw")

    def _setup(self):
        self.ring, self.keyname, self.keyalg = keyring(self.key)
        self.behaviours = []
        self.requests = []
        self.history = []      # (from_serial, to_serial, dels, adds)
        self.rrs_per_message = 100
        self.lock = threading.Lock()
        self.stopping = False
        self.threads = []
        self.socks = []

    def script(self, *behaviours):
        """Queue behaviours for the next transfers, one each."""
        with self.lock:
            self.behaviours.extend(behaviours)

    def _apply(self, adds, dels, old_soa, new_soa, model, via):
        with self.lock:
            self.history.append((soa_serial_of(old_soa),
                                 soa_serial_of(new_soa),
                                 set(dels) | {old_soa},
                                 set(adds) | {new_soa}))
            self.model = model

    def set_serial(self, serial):
        """Serve this serial from now on with the same data (no history
        entry): a refresh sees it newer, an IXFR from before it cannot
        be answered but by AXFR-style."""
        with self.lock:
            soa = self.soa()
            self.model.discard(soa)
            self.model.add(_with_serial(soa, serial))

    def notify(self, key=True):
        """Send NOTIFY (with the SOA) to every target; the responses."""
        k = self.key if (key is True and self.notify_key) else \
            (None if key is True else key)
        return [send_notify(h, p, self.zone, key=k, soa=self.soa()[3])
                for h, p in self.notify_targets]

    # -- serving --

    def _command(self):
        raise NotImplementedError

    def start(self):
        if self.socks:
            return
        self.stopping = False
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((HOST, self.port))
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((HOST, self.port))
        t.listen(16)
        self.socks = [u, t]
        self.conns = []
        self.threads = [threading.Thread(target=self._udp, args=(u,),
                                         daemon=True),
                        threading.Thread(target=self._tcp, args=(t,),
                                         daemon=True)]
        for th in self.threads:
            th.start()

    def stop(self):
        self.stopping = True
        for s in self.socks + self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        for th in self.threads:
            th.join(5)
        self.socks = []
        self.conns = []
        self.threads = []

    def alive(self):
        return bool(self.socks)

    def pids(self):
        return []

    def logtext(self):
        return "\n".join(repr(r) for r in self.requests) + "\n"

    def _log(self, *rec):
        with self.lock:
            self.requests.append(rec)

    def _parse(self, data):
        """(message, tsig state) or (None, None) when malformed."""
        try:
            m, state, _ = parse_signed(data, self.ring)
        except Exception:
            return None, None
        return m, state

    def _answer(self, m):
        """The answer to a query that is not a transfer."""
        r = _make_response(m)
        if m.opcode() == dns.opcode.NOTIFY:
            r.flags |= dns.flags.AA
            return r
        if m.opcode() != dns.opcode.QUERY or not m.question:
            r.set_rcode(dns.rcode.NOTIMP)
            return r
        qn = m.question[0].name.canonicalize()
        qt = m.question[0].rdtype
        if not qn.is_subdomain(self.origin):
            r.set_rcode(dns.rcode.REFUSED)
            return r
        r.flags |= dns.flags.AA
        with self.lock:
            model = set(self.model)
        q = qn.to_text()
        match = [x for x in model if x[0] == q]
        if not match:
            r.set_rcode(dns.rcode.NXDOMAIN)
        for x in match:
            if x[2] == dns.rdatatype.to_text(qt) or qt == dns.rdatatype.ANY:
                r.answer.append(_rrset(x))
        if not r.answer:
            r.authority.append(_rrset(self.soa()))
        return r

    def _udp(self, s):
        while not self.stopping:
            try:
                data, src = s.recvfrom(65535)
            except OSError:
                return
            m, st = self._parse(data)
            if m is None:
                continue
            qt = m.question[0].rdtype if m.question else 0
            self._log("udp", dns.rdatatype.to_text(qt), None,
                      m.keyname.to_text() if m.had_tsig else st, None)
            if st in ("bad", "unknown"):
                r = _make_response(m)
                r.set_rcode(dns.rcode.NOTAUTH)
            elif qt in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
                r = _make_response(m)
                if qt == dns.rdatatype.IXFR:
                    r.flags |= dns.flags.AA
                    r.answer.append(_rrset(self.soa()))
                else:
                    r.set_rcode(dns.rcode.FORMERR)
            else:
                r = self._answer(m)
            try:
                s.sendto(r.to_wire(), src)
            except (OSError, dns.exception.DNSException):
                pass

    def _tcp(self, s):
        while not self.stopping:
            try:
                c, _ = s.accept()
            except OSError:
                return
            self.conns.append(c)
            th = threading.Thread(target=self._conn, args=(c,), daemon=True)
            th.start()

    def _conn(self, c):
        c.settimeout(30)
        try:
            while not self.stopping:
                try:
                    (n,) = struct.unpack("!H", _recv_exact(c, 2))
                    data = _recv_exact(c, n)
                except (EOFError, OSError, struct.error):
                    return
                m, st = self._parse(data)
                if m is None:
                    return
                qt = m.question[0].rdtype if m.question else 0
                if st in ("bad", "unknown") or \
                        qt not in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
                    self._log("tcp", dns.rdatatype.to_text(qt), None,
                              m.keyname.to_text() if m.had_tsig else st,
                              None)
                    r = self._answer(m)
                    if st in ("bad", "unknown"):
                        r = _make_response(m)
                        r.set_rcode(dns.rcode.NOTAUTH)
                    w = r.to_wire()
                    c.sendall(struct.pack("!H", len(w)) + w)
                    continue
                if not self._xfr(c, m, qt):
                    return
        except OSError:
            pass
        finally:
            try:
                c.close()
            except OSError:
                pass

    def _xfr(self, c, m, qt):
        """Serve one transfer; False when the connection is to close."""
        serial = None
        if qt == dns.rdatatype.IXFR:
            for rs in m.authority:
                if rs.rdtype == dns.rdatatype.SOA:
                    serial = rs[0].serial
        with self.lock:
            b = self.behaviours.pop(0) if self.behaviours else "good"
            model = set(self.model)
            history = list(self.history)
        self._log("tcp", dns.rdatatype.to_text(qt), serial,
                  m.keyname.to_text() if m.had_tsig else None, b)
        if self.key and not m.had_tsig:
            b = "refused"
        name, arg = (b, None) if isinstance(b, str) or callable(b) else \
            (b[0], b[1] if len(b) > 1 else None)
        if callable(name):
            c.sendall(name(m, self))
            return False
        if name == "hang":
            time.sleep(arg if arg is not None else 60)
            return False
        if name == "delay":
            time.sleep(arg)
            name = "good"
        if name == "raw":
            c.sendall(arg)
            return False
        if name == "garbage":
            c.sendall(os.urandom(arg or 100))
            return False
        if name == "garbage-msg":
            g = os.urandom(arg or 100)
            c.sendall(struct.pack("!H", len(g)) + g)
            return False
        rc = {"refused": dns.rcode.REFUSED, "notimp": dns.rcode.NOTIMP,
              "servfail": dns.rcode.SERVFAIL, "formerr": dns.rcode.FORMERR,
              "notauth": dns.rcode.NOTAUTH}.get(name)
        if rc is not None:
            r = _make_response(m)
            r.set_rcode(rc)
            w = r.to_wire()
            c.sendall(struct.pack("!H", len(w)) + w)
            return True
        rrs = self._content(qt, serial, model, history, name, arg)
        wires = self._render(m, rrs, name, arg)
        stream = b"".join(struct.pack("!H", len(w)) + w for w in wires)
        if name == "cut":
            c.sendall(b"".join(struct.pack("!H", len(w)) + w
                               for w in wires[:arg]))
            return False
        if name == "cut-bytes":
            c.sendall(stream[:arg])
            return False
        c.sendall(stream)
        return name not in ("no-final-soa",)

    def _content(self, qt, serial, model, history, name, arg):
        """The RRs of a good answer, in order (canonical tuples)."""
        soa = [r for r in model if r[2] == "SOA"][0]
        cur = soa_serial_of(soa)
        body = sorted(r for r in model if r[2] != "SOA")
        full = [soa] + body + [soa]
        if name == "wrong-serial":
            soa = _with_serial(soa, arg)
            full = [soa] + body + [soa]
        if name == "no-final-soa":
            full = full[:-1]
        if qt == dns.rdatatype.AXFR or name in ("wrong-serial",
                                                "no-final-soa"):
            return full
        if not _serial_gt(cur, serial):
            return [soa]
        if name == "axfr-style":
            return full
        starts = [i for i, h in enumerate(history) if h[0] == serial]
        if not starts:
            return full
        out = [soa]
        for frm, to, dels, adds in history[starts[0]:]:
            out += [x for x in dels if x[2] == "SOA"]
            out += sorted(x for x in dels if x[2] != "SOA")
            out += [x for x in adds if x[2] == "SOA"]
            out += sorted(x for x in adds if x[2] != "SOA")
        out.append(soa)
        return out

    def _render(self, m, rrs, name, arg):
        """Wire messages holding rrs, signed as the query was, with the
        damage the behaviour asks for."""
        k = self.rrs_per_message
        chunks = [rrs[i:i + k] for i in range(0, len(rrs), k)] or [[]]
        signed = m.had_tsig and name != "unsigned"
        wires = []
        ctx = None
        last = len(chunks) - 1
        for i, chunk in enumerate(chunks):
            r = _make_response(m)
            r.flags |= dns.flags.AA
            if name == "wrong-id":
                r.id = (m.id + 1) % 65536
            if i > 0:
                r.question = []
            for x in chunk:
                r.answer.append(_rrset(x))
            sign_this = signed and not (name == "unsigned-last"
                                        and i == last and i > 0)
            if not sign_this:
                r.tsig = None
                r.request_mac = b""
                w = r.to_wire()
                if ctx is not None:
                    ctx.update(w)
                wires.append(w)
                continue
            if i > 0:
                r.request_mac = b""
            w = r.to_wire(multi=True, tsig_ctx=ctx)
            ctx = r.tsig_ctx
            if name == "badmac" and i == (arg if arg >= 0 else last):
                at = w.rfind(r.mac)
                w = w[:at] + bytes([w[at] ^ 0xff]) + w[at + 1:]
            wires.append(w)
        return wires


def _rrset(rec):
    rs = dns.rrset.RRset(dns.name.from_text(rec[0]), IN,
                         dns.rdatatype.from_text(rec[2]))
    rs.add(dns.rdata.from_text(IN, rec[2], rec[3]), rec[1])
    return rs
