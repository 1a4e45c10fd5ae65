"""Primary: what every primary server of the package has in common (the
zone model, the process group and its watchdog, start, stop, change).
"""

import base64
import os
import shutil
import signal
import subprocess
import tempfile
import time

from r53dtest import die_with_parent, free_port
from .wire import (
    DEFAULT_SERIAL, MAX_RUNTIME, SOA_TIMERS, _group_alive, _origin, _rrkey,
    _serial_gt, _with_serial, canon, group_pids, query_serial,
    soa_serial_of, transfer, zone_lines)


class Primary:
    """What every primary here has in common.  Subclasses write their
    configuration in _setup(), give their command in _command(), and
    carry a change out in _apply()."""

    name = "primary"
    supports_ixfr = True
    sends_notify = True
    notify_has_soa = True

    def __init__(self, zone="example.com.", records=(), key=None,
                 notify=(), serial=None, notify_key=False,
                 soa_timers=SOA_TIMERS, max_runtime=MAX_RUNTIME,
                 keep=False, start=True):
        self.zone = _origin(zone).to_text()
        self.origin = _origin(zone)
        self.key = tuple(key) if key else None
        self.notify_targets = [(h, int(p)) for h, p in notify]
        self.notify_key = bool(notify_key and key)
        self.max_runtime = max_runtime
        self.keep = keep
        self.proc = None
        self.watch = None
        self.log = None
        self.changes = 0
        self.last_via = None
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="r53d-%s-" % self.name.lower())
        os.chmod(self.tmp, 0o755)
        self.logpath = os.path.join(self.tmp, "server.log")
        self.toolpath = os.path.join(self.tmp, "tools.log")
        open(self.toolpath, "w").close()
        self._init_model(records, serial, soa_timers)
        try:
            self._setup()
            if start:
                self.start()
        except BaseException:
            self.close()
            raise

    # -- the model --

    def _init_model(self, records, serial, timers):
        z = self.zone
        recs = [canon(r, self.origin) for r in records]
        self.added = set()
        soas = [r for r in recs if r[2] == "SOA"]
        if len(soas) > 1:
            raise ValueError("more than one SOA")
        if not soas:
            soa = canon((z, 3600, "SOA", "ns1.%s hostmaster.%s %d %d %d %d %d"
                         % ((z, z, DEFAULT_SERIAL if serial is None
                             else serial) + tuple(timers))), self.origin)
            self.added.add(soa)
            recs.append(soa)
        elif serial is not None:
            recs.remove(soas[0])
            recs.append(_with_serial(soas[0], serial))
        if not any(r[0] == z and r[2] == "NS" for r in recs):
            ns = canon((z, 3600, "NS", "ns1." + z), self.origin)
            self.added.add(ns)
            recs.append(ns)
            if not any(r[0] == "ns1." + z and r[2] in ("A", "AAAA")
                       for r in recs):
                a = canon(("ns1." + z, 3600, "A", "127.0.0.1"), self.origin)
                self.added.add(a)
                recs.append(a)
        self.model = set()
        sets = {}
        for r in recs:
            self._check_add(sets, r)
            self.model.add(r)

    def _check_add(self, sets, r):
        """r may join the zone whose RRs sets holds by (owner, type)
        (a dict built by _sets()); it is added to sets."""
        if r[0] != self.zone and not r[0].endswith("." + self.zone):
            raise ValueError("not in zone %s: %s" % (self.zone, r[0]))
        same = sets.setdefault((r[0], r[2]), [])
        for o in same:
            if o[3] == r[3]:
                raise ValueError("already in the zone: %s" % (r,))
            if o[1] != r[1]:
                raise ValueError("TTL %d differs from its RRset's %d: %s"
                                 % (r[1], o[1], r))
        same.append(r)

    @staticmethod
    def _sets(model):
        sets = {}
        for o in model:
            sets.setdefault((o[0], o[2]), []).append(o)
        return sets

    def expected(self):
        """The zone as this module believes the server holds it."""
        return set(self.model)

    def soa(self):
        return [r for r in self.model if r[2] == "SOA"][0]

    def model_serial(self):
        return soa_serial_of(self.soa())

    # -- DNS --

    def serial(self):
        """The SOA serial the server answers now, or None."""
        return query_serial(self.port, self.zone)

    def axfr(self, key=True):
        """The zone by AXFR (signed with the key when there is one;
        key=None sends it unsigned, or pass another key)."""
        t = transfer(self.port, self.zone, "AXFR",
                     key=self.key if key is True else key)
        return t.records

    def ixfr(self, serial, key=True):
        """A Transfer: the server's answer to an IXFR from serial."""
        return transfer(self.port, self.zone, "IXFR", serial=serial,
                        key=self.key if key is True else key)

    def wait_serial(self, serial, timeout=30.0):
        end = time.time() + timeout
        s = None
        while time.time() < end:
            s = self.serial()
            if s == serial:
                return True
            time.sleep(0.05)
        return False

    # -- changes --

    def change(self, add=(), delete=(), serial=None, via=None):
        """One increment: delete these records, add those, raise the
        serial by one (or set it to serial).  via: None for the server's
        usual way, "file" for its zone-file way (see the module text).
        Waits until the server answers the new serial; returns it."""
        adds = [canon(r, self.origin) for r in add]
        dels = [canon(r, self.origin) for r in delete]
        for r in adds + dels:
            if r[2] == "SOA":
                raise ValueError("change() makes the SOA itself")
        model = {r for r in self.model}
        byk = {_rrkey(r): r for r in model}
        real_dels = []
        for r in dels:
            k = _rrkey(r)
            if k not in byk:
                raise ValueError("not in the zone: %s" % (r,))
            real_dels.append(byk[k])
            model.discard(byk.pop(k))
        sets = self._sets(model)
        for r in adds:
            self._check_add(sets, r)
            model.add(r)
        old_soa = self.soa()
        old = soa_serial_of(old_soa)
        new = (old + 1) % 2**32 if serial is None else serial
        if not _serial_gt(new, old):
            raise ValueError("serial %d is not greater than %d" % (new, old))
        new_soa = _with_serial(old_soa, new)
        model.discard(old_soa)
        model.add(new_soa)
        self._apply(adds, real_dels, old_soa, new_soa, model, via)
        self.model = model
        self.changes += 1
        if not self.wait_serial(new):
            raise RuntimeError("%s: serial %s after change, expected %d\n"
                               "%s\n%s"
                               % (self.name, self.serial(), new,
                                  _read_log(self.logpath)[-3000:],
                                  self.logtext()[-1500:]))
        return new

    def notify(self):
        """Make the server send NOTIFY to its targets now."""
        raise NotImplementedError

    # -- processes --

    def _spawn_env(self):
        return None

    def start(self):
        """Start the server (again) and wait until it answers the serial
        it should have."""
        if self.proc and self.proc.poll() is None:
            return
        self.log = open(self.logpath, "a")
        self.log.write("--- start %s\n" % time.strftime("%H:%M:%S"))
        self.log.flush()
        self.proc = subprocess.Popen(
            self._command(), stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=self.tmp, env=self._spawn_env(),
            start_new_session=True, preexec_fn=die_with_parent)
        # The death signal only reaches the process started; a watchdog
        # ends the whole group when this process is gone or after the cap.
        pg = self.proc.pid
        self.watch = subprocess.Popen(
            ["sh", "-c", "n=0; while kill -0 %d && kill -0 %d && "
             "[ $n -lt %d ]; do sleep 1; n=$((n+1)); done 2>/dev/null; "
             "kill -TERM -%d 2>/dev/null; sleep 3; kill -KILL -%d "
             "2>/dev/null" % (os.getpid(), pg, self.max_runtime, pg, pg)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        want = self.model_serial()
        end = time.time() + 30
        while time.time() < end:
            if self.proc.poll() is not None:
                break
            if query_serial(self.port, self.zone, timeout=0.3,
                            tries=1) == want and \
                    query_serial(self.port, self.zone, tcp=True,
                                 timeout=1, tries=1) == want:
                self._started()
                return
            time.sleep(0.1)
        text = self.logtext()
        self.stop()
        raise RuntimeError("%s did not serve %s serial %d:\n%s"
                           % (self.name, self.zone, want, text[-4000:]))

    def _started(self):
        pass

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pids(self):
        """Pids of the server's processes (its process group)."""
        return group_pids(self.proc.pid) if self.proc else []

    def stop(self):
        """Stop the server and wait for every process of it to end."""
        if self.watch and self.watch.poll() is None:
            self.watch.kill()
            self.watch.wait()
        self.watch = None
        if self.proc is None:
            return
        pg = self.proc.pid
        if self.proc.poll() is None:
            try:
                os.killpg(pg, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                pass
        end = time.time() + 5
        while _group_alive(pg) and time.time() < end:
            time.sleep(0.05)
        if _group_alive(pg):
            try:
                os.killpg(pg, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        while _group_alive(pg) and time.time() < end + 5:
            time.sleep(0.05)
        if self.log:
            self.log.close()
            self.log = None

    def close(self):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def logtext(self):
        return _read_log(self.logpath) + _read_log(self.toolpath)

    def run(self, cmd, input=None, timeout=120, check=True):
        """Run a tool; its output goes to tools.log.  Returns the output;
        raises RuntimeError on a non-zero exit when check."""
        r = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, cwd=self.tmp)
        with open(self.toolpath, "a") as f:
            f.write("--- %s (exit %d)\n%s" % (" ".join(cmd[:4]),
                                              r.returncode, r.stdout))
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s"
                               % (" ".join(cmd), r.returncode, r.stdout))
        return r.stdout

    def write_zonefile(self, path, model):
        tmp = path + ".new"
        with open(tmp, "w") as f:
            f.write(zone_lines(model))
        os.rename(tmp, path)

    def path(self, name):
        return os.path.join(self.tmp, name)


def _read_log(path):
    """A log's text ("" when it is not there yet)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _secret():
    return base64.b64encode(os.urandom(32)).decode()
