#!/usr/bin/env python3
"""Render and query a glrt timeline trace (GODEBUG=tracefile=PATH).

The trace is what the runtime wrote (runtime/trace.cpp): for a PATH ending
in .json, Chrome Trace Event JSON that Perfetto (ui.perfetto.dev) and
chrome://tracing open as it is; for any other PATH (say t.gltrace), glrt's
compact binary stream (the events as recorded, 3-8x smaller, much cheaper to
write), which this tool reads as well and converts to the same JSON on
request. It needs only python3's standard library:

  glc-trace.py render TRACE [-o OUT.html|OUT.svg]   picture + text summary
  glc-trace.py render TRACE --json OUT.json        convert to Chrome JSON
  glc-trace.py json TRACE -o OUT.json              (the same)
  glc-trace.py summary TRACE                       text summary only
  glc-trace.py events TRACE [--ts]                 one line per event, in
                                                   time order (for tests and
                                                   for comparing replays)

`glc trace TRACE [-o OUT | -json OUT.json]` runs `render`.

The picture: one lane per P over time; each goroutine's runs on the P are
bars in that goroutine's colour, labelled G<id> when wide enough; a red
triangle ends a run that was preempted (sysmon's request, a signal, or a
schedseed point), a black tick marks stack growth, a blue dot a goroutine
creation; below the Ps, one lane per M (yellow: spinning, grey: parked) and
a runtime lane (stop-the-world in red, each GC cycle in green from its
start to its end, a dark green line where its mark finished). Hovering a bar shows its goroutine, start,
length and why it stopped.
"""
import argparse
import html
import json
import math
import os
import sys
from collections import defaultdict

PREEMPT_REASONS = ("preempted", "async preempted", "seed preempted")


# The binary stream (GODEBUG=tracefile=PATH with PATH not ending in .json;
# runtime/trace.h, "Binary files"): a 16-byte header (b"glrtrace", u32
# version 1, u32 0), then blocks of a 16-byte header (u32 tag, i32 owner
# kind, i32 owner id, u32 length) and a payload: 'E' = an owner's events,
# `length` 64-bit words in the runtime's own encoding (traceBuf in trace.h),
# 'T' = the trailer, `length` bytes of JSON (the tick rate, the end, the
# names of wait reasons and stop-the-world reasons, the bench's keys).
# to_chrome() turns it into the very records the runtime writes to a .json
# file (trace.cpp's format(), event by event), so everything below reads
# both.
MAGIC = b"glrtrace"
# trace.h's traceEvKind, in order, with the args each instant carries
# (trace.cpp's kinds[]).
KINDS = [("Unknown", "A"), ("GoCreate", "g by pc"), ("GoStart", "g"), ("GoStop", "g"),
         ("GoUnblock", "g by"), ("StackGrow", "g size segments"), ("PreemptRequest", "g"),
         ("ProcResize", "A"), ("STWStart", ""), ("STWDone", ""), ("MSpin", ""), ("MSpinDone", ""),
         ("MPark", ""), ("MUnpark", ""), ("GCStart", "A"), ("GCMarkDone", "A"), ("GCDone", "A"),
         ("SyscallEnter", "A"), ("SyscallExit", "A"), ("SyscallRetake", "A"),
         ("GoSwitch", "")]  # recorded only: decoded as its GoStop and GoStart (trace.h)
(EV_GOCREATE, EV_GOSTART, EV_GOSTOP, EV_GOUNBLOCK, EV_STACKGROW, EV_PREEMPTREQ, EV_PROCRESIZE,
 EV_STWSTART, EV_STWDONE, EV_MSPIN, EV_MSPINDONE, EV_MPARK, EV_MUNPARK) = range(1, 14)
EV_GOSWITCH = 20
STOP_NAMES = {1: "Gosched", 2: "preempted", 3: "async preempted", 4: "seed preempted", 5: "exit",
              6: "syscall"}


def is_binary(path):
    with open(path, "rb") as f:
        return f.read(8) == MAGIC


def read_binary(path):
    """(trailer dict, [(owner kind, owner id, words)]) in file order."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC:
        raise SystemExit("%s: not a glrt binary trace" % path)
    ver = struct.unpack_from("<I", data, 8)[0]
    # 2 (trace6) added the switch events and packed unblocks; a version 1
    # file has neither and reads the same way.
    if ver not in (1, 2):
        raise SystemExit("%s: binary trace version %d, this tool reads 1 and 2" % (path, ver))
    off, blocks, trailer = 16, [], None
    while off + 16 <= len(data):
        tag, kind, oid, n = struct.unpack_from("<IiiI", data, off)
        off += 16
        if tag == ord("E"):
            blocks.append((kind, oid, struct.unpack_from("<%dQ" % n, data, off)))
            off += 8 * n
        elif tag == ord("T"):
            trailer = json.loads(data[off:off + n].decode())
            off += n
        else:
            raise SystemExit("%s: bad block tag %d at byte %d" % (path, tag, off - 16))
    if trailer is None:
        raise SystemExit("%s: no trailer (the program did not reach its exit flush?)" % path)
    return trailer, blocks


def to_chrome(trailer, blocks):
    """The binary stream's events as the runtime's Chrome JSON records."""
    import struct
    k = struct.unpack("<d", struct.pack("<Q", trailer["nsPerTickBits"]))[0]
    waits = trailer.get("waitReasons", [])
    strings = trailer.get("strings", {})
    out = [{"ph": "M", "pid": 1, "tid": 0, "name": "process_name", "args": {"name": "Ps"}}]
    state = {}  # (owner kind, id) -> [lastNs, running, open, runStart, runM]
    TS, G40 = (1 << 48) - 1, (1 << 40) - 1

    def us(ns_):
        return ns_ / 1000.0

    def stop_name(r, a):
        if r == 0:
            return waits[a] if 0 <= a < len(waits) else ""
        return STOP_NAMES.get(r, "?")

    def fields(spec, g, a, b):
        d = {}
        for f in spec.split():
            if f == "g":
                d["g"] = g
            elif f == "by":
                d["by"] = a
            elif f == "pc":
                d["pc"] = "0x%x" % b
            elif f == "size":
                d["size"] = a
            elif f == "segments":
                d["segments"] = b
            elif f == "A":
                d["a"], d["b"] = a, b
        return d

    def instant(pid, tid, t, kind, p, m, g, a, b):
        name, spec = KINDS[kind] if kind < len(KINDS) else ("Unknown", "A")
        r = {"ph": "i", "pid": pid, "tid": tid, "ts": us(t), "name": name, "s": "t"}
        if pid == 1 and spec:
            r["args"] = fields(spec, g, a, b)
        else:
            r["args"] = dict({"kind": name, "p": p, "m": m}, **fields(spec, g, a, b))
        out.append(r)

    def run_slice(st, oid, end, reason):
        out.append({"ph": "X", "pid": 1, "tid": oid, "ts": us(st[3]), "name": "G%d" % st[1],
                    "dur": us(max(0, end - st[3])), "args": {"m": st[4], "reason": reason}})
        st[1] = 0

    def sig(x):
        return x - (1 << 64) if x >= 1 << 63 else x

    def decode(okind, oid, w):
        """The block's events: (w0, kind, reason, g, m, a, b, p); a switch
        (trace.h: traceBuf) is its GoStop and its GoStart, at one time."""
        i, n = 0, len(w)
        while i < n:
            w0, w1 = w[i], w[i + 1]
            present = (w0 >> 57) & 7
            kind = (w0 >> 48) & 63
            reason = (w0 >> 54) & 7
            g = w1 & G40
            if g >> 39:
                g -= 1 << 40  # sign-extended (system goroutines' goids are negative)
            m = ((w1 >> 40) & 0xffffffff) - 1
            j = i + 2
            if present & 1:
                a = sig(w[j]); j += 1
            else:
                a = w0 >> 60
            if present & 2:
                b = sig(w[j]); j += 1
            else:
                b = 0
            if okind == 0:
                p = oid
                if present & 4:  # a packed unblock: the number in w1's M bits (trace.h: traceBuf)
                    b, m = w1 >> 40, -1
            elif present & 4:
                p = sig(w[j]); j += 1
            else:
                p = -1
            i = j
            if kind == EV_GOSWITCH:
                g2 = b & G40
                if g2 >> 39:
                    g2 -= 1 << 40
                yield w0, EV_GOSTOP, reason, g, m, a, 0, p
                yield w0, EV_GOSTART, 0, g2, m, 0, (b & 0xffffffffffffffff) >> 40, p
            else:
                yield w0, kind, reason, g, m, a, b, p

    count = 0
    for okind, oid, w in blocks:
        st = state.setdefault((okind, oid), [0, 0, 0, 0, 0])
        for w0, kind, reason, g, m, a, b, p in decode(okind, oid, w):
            count += 1
            t = int((w0 & TS) * k)
            if t < st[0]:
                t = st[0]
            st[0] = t
            pid, tid = (1, p) if p >= 0 else (3, 0)
            if kind == EV_GOSTART and pid == 1 and okind == 0:
                if st[1]:
                    run_slice(st, oid, t, "P retaken")
                if b:
                    out.append({"ph": "f", "pid": pid, "tid": tid, "ts": us(t + 1), "name": "wake",
                                "cat": "flow", "bp": "e", "id": g << 20 | (b & 0xfffff)})
                st[1], st[3], st[4] = g, t, m
            elif kind == EV_GOSTOP:
                if pid == 1 and okind == 0 and st[1] == g:
                    run_slice(st, oid, t, stop_name(reason, a))
                else:
                    out.append({"ph": "i", "pid": pid, "tid": tid, "ts": us(t), "name": "GoStop", "s": "t",
                                "args": {"kind": "GoStop", "p": p, "m": m, "g": g,
                                         "reason": stop_name(reason, a)}})
            elif kind == EV_GOUNBLOCK:
                if b and a and pid == 1:
                    out.append({"ph": "s", "pid": pid, "tid": tid, "ts": us(t), "name": "wake", "cat": "flow",
                                "id": g << 20 | (b & 0xfffff), "args": {"g": g, "by": a}})
                else:
                    instant(pid, tid, t, kind, p, m, g, a, b)
                    if b:
                        out.append({"ph": "s", "pid": pid, "tid": tid, "ts": us(t), "name": "wake",
                                    "cat": "flow", "id": g << 20 | (b & 0xfffff)})
            elif kind in (EV_GOCREATE, EV_STACKGROW) or kind == EV_GOSTART:
                instant(pid, tid, t, kind, p, m, g, a, b)
            elif kind == EV_PREEMPTREQ:
                instant(1 if a >= 0 else 3, a if a >= 0 else 1, t, kind, a, -1, g, a, b)
            elif kind in (EV_STWSTART, EV_STWDONE):
                start = kind == EV_STWSTART
                if start == bool(st[2] & 4):
                    continue
                st[2] ^= 4
                args = {"kind": KINDS[kind][0], "p": p, "m": m}
                if start and b:
                    args["reason"] = strings.get(str(b & 0xffffffffffffffff), "0x%x" % (b & 0xffffffffffffffff))
                out.append({"ph": "B" if start else "E", "pid": 3, "tid": 0, "ts": us(t), "name": "STW",
                            "args": args})
            elif kind in (EV_MSPIN, EV_MSPINDONE, EV_MPARK, EV_MUNPARK):
                if m < 0:
                    continue
                bit = 1 if kind in (EV_MSPIN, EV_MSPINDONE) else 2
                opening = kind in (EV_MSPIN, EV_MPARK)
                if bool(st[2] & bit) == opening:
                    continue
                if opening and bit == 2 and st[2] & 1:
                    out.append({"ph": "E", "pid": 2, "tid": m, "ts": us(t), "name": "spinning"})
                    st[2] &= ~1
                if opening and bit == 1 and st[2] & 2:
                    continue
                st[2] ^= bit
                out.append({"ph": "B" if opening else "E", "pid": 2, "tid": m, "ts": us(t),
                            "name": "spinning" if bit == 1 else "parked",
                            "args": {"kind": KINDS[kind][0], "p": p, "m": m}})
            else:
                instant(3, 0, t, kind, p, m, g, a, b)
    # The flush's closing of what is still open (trace.cpp: closeOpen).
    end = trailer.get("endNs", 0)
    for (okind, oid), st in state.items():
        t = max(end, st[0])
        if okind == 0 and st[1]:
            run_slice(st, oid, t, "running at exit")
        if okind == 1:
            if st[2] & 2:
                out.append({"ph": "E", "pid": 2, "tid": oid, "ts": us(t), "name": "parked"})
            if st[2] & 1:
                out.append({"ph": "E", "pid": 2, "tid": oid, "ts": us(t), "name": "spinning"})
        if st[2] & 4:
            out.append({"ph": "E", "pid": 3, "tid": 0, "ts": us(t), "name": "STW"})

    def meta(what, pid, tid, name):
        out.append({"ph": "M", "pid": pid, "tid": tid, "name": what, "args": {"name": name}})
    meta("process_name", 2, 0, "Ms")
    meta("process_name", 3, 0, "runtime")
    for i in range(max(1, trailer.get("np", 1))):
        meta("thread_name", 1, i, "P%d" % i)
    for i in range(max(1, trailer.get("nm", 1))):
        meta("thread_name", 2, i, "M%d" % i)
    meta("thread_name", 3, 0, "runtime")
    meta("thread_name", 3, 1, "sysmon")
    other = {"producer": "glrt", "events": count, "dropped": trailer.get("dropped", 0),
             "gomaxprocs": trailer.get("gomaxprocs"), "schedseed": trailer.get("schedseed")}
    doc = {"displayTimeUnit": "ns", "traceEvents": out, "otherData": other}
    for key in ("glrtRunCpuUs", "glrtFlushCpuUs", "glrtFlushUs", "glrtDrainUs", "glrtHandOffWaits",
                "glrtWriterCpuUs"):
        if key in trailer:
            doc[key] = trailer[key]
    return doc


def load_doc(path):
    """The trace as the Chrome JSON document (converting a binary one)."""
    if is_binary(path):
        return to_chrome(*read_binary(path))
    with open(path) as f:
        return json.load(f)


def load(path):
    doc = load_doc(path)
    evs = doc["traceEvents"] if isinstance(doc, dict) else doc
    meta = doc.get("otherData", {}) if isinstance(doc, dict) else {}
    # glrt writes each P's and M's events in order as its buffer fills, so
    # the file is sorted per track, not overall (the format allows it):
    # sort stably by time, which keeps each track's order among equal
    # timestamps.
    evs.sort(key=lambda e: float(e.get("ts", 0)))
    return meta, evs


def ns(x):
    """A trace time (us, three decimals) as integer ns: exact sums and ties."""
    return int(round(float(x) * 1000))


def semantic(evs):
    """The runtime's events, in time order: (ts in us, kind, args, record).

    The file is compact on the Ps' tracks (pid 1), where nearly all records
    are: a goroutine's run is one complete event ("X", name G<goid>, args m
    and the stop's reason), written when it ends, which stands for its
    GoStart and its GoStop; an instant's kind is its name and its p the
    track's; a wake-up by a goroutine is the flow's start ("s") with args g
    and by. Other records carry args.kind (and p, m) themselves."""
    out = []
    for e in evs:
        a = e.get("args") or {}
        ph = e.get("ph")
        on_p = e.get("pid") == 1
        k = a.get("kind")
        if ph == "X" and on_p:
            t0 = ns(e.get("ts", 0))
            g = int(e.get("name", "G0")[1:])
            p = e.get("tid")
            m = a.get("m", -1)
            out.append((t0, "GoStart", {"kind": "GoStart", "p": p, "m": m, "g": g}, e))
            out.append((t0 + ns(e.get("dur", 0)), "GoStop",
                        {"kind": "GoStop", "p": p, "m": m, "g": g, "reason": a.get("reason", "?")}, e))
            continue
        if k is None and on_p and ph == "i":
            k = e.get("name")
        elif k is None and on_p and ph == "s" and "g" in a:
            k = "GoUnblock"
        if not k:
            continue
        if "kind" not in a:
            a = dict(kind=k, p=e.get("tid"), **a)
        out.append((ns(e.get("ts", 0)), k, a, e))
    # Stable: a run's stop (written with its start) moves to its own time,
    # the rest keep the file's order (per track, time order) among ties.
    out.sort(key=lambda x: x[0])
    return [(t / 1000.0, k, a, e) for t, k, a, e in out]


def fmt_event(k, a):
    keys = [x for x in ("g", "by", "reason", "size", "segments", "a", "b") if x in a]
    if k in ("GoStart", "GoStop", "GoCreate", "GoUnblock", "StackGrow", "PreemptRequest") and "p" in a:
        keys = ["p"] + keys
    return k + "".join(" %s=%s" % (x, a[x]) for x in keys)


def percentile(xs, q):
    if not xs:
        return 0.0
    xs = sorted(xs)
    i = min(len(xs) - 1, max(0, int(math.ceil(q / 100.0 * len(xs))) - 1))
    return xs[i]


def us(x):
    if x >= 1e6:
        return "%.2fs" % (x / 1e6)
    if x >= 1e3:
        return "%.2fms" % (x / 1e3)
    return "%.1fus" % x


class Analysis:
    def __init__(self, meta, evs):
        self.meta = meta
        self.sem = semantic(evs)
        self.runs = []  # (p, g, start, end, reason)
        self.marks = []  # (kind, p, ts, g)
        self.mslices = []  # (m, name, start, end)
        self.stw = []  # (start, end)
        self.gc = []  # (cycle, start, mark done or None, end, forced)
        self.run_time = defaultdict(float)
        self.blocked = defaultdict(lambda: defaultdict(float))
        self.runnable_wait = defaultdict(float)
        self.sched_lat = []
        self.preempt_lat = []
        self.counts = defaultdict(int)
        t0 = None
        t1 = 0.0
        running = {}  # p -> (g, start)
        mopen = {}  # (m, name) -> start
        stw_open = None
        gc_open = {}  # cycle -> [start, mark done]
        runnable_since = {}  # g -> ts
        blocked_since = {}  # g -> (ts, reason)
        preempt_req = {}  # g -> ts
        for ts, k, a, e in self.sem:
            t0 = ts if t0 is None else min(t0, ts)
            t1 = max(t1, ts)
            g = a.get("g", 0)
            p = a.get("p", -1)
            self.counts[k] += 1
            if k == "GoCreate":
                runnable_since[g] = ts
                self.marks.append(("create", p, ts, g))
            elif k == "GoUnblock":
                if g in blocked_since:
                    bts, why = blocked_since.pop(g)
                    self.blocked[g][why] += ts - bts
                runnable_since[g] = ts
            elif k == "GoStart":
                running[p] = (g, ts)
                if g in runnable_since:
                    lat = ts - runnable_since.pop(g)
                    self.sched_lat.append(lat)
                    self.runnable_wait[g] += lat
            elif k == "GoStop":
                why = a.get("reason", "?")
                if p in running and running[p][0] == g:
                    _, st = running.pop(p)
                    self.runs.append((p, g, st, ts, why))
                    self.run_time[g] += ts - st
                if why in PREEMPT_REASONS:
                    self.counts["preempt:" + why] += 1
                # A request is for the run it was made in: honoured now, or
                # moot (the runtime clears it when the G runs again).
                req = preempt_req.pop(g, None)
                if req is not None and why in ("preempted", "async preempted"):
                    self.preempt_lat.append(ts - req)
                if why in ("Gosched",) + PREEMPT_REASONS:
                    runnable_since[g] = ts
                elif why not in ("exit", "running at exit"):
                    blocked_since[g] = (ts, why)
            elif k == "PreemptRequest":
                preempt_req.setdefault(g, ts)
                self.marks.append(("preemptreq", p, ts, g))
            elif k == "StackGrow":
                self.marks.append(("stack", p, ts, g))
            elif k in ("MSpin", "MPark"):
                name = "spinning" if k == "MSpin" else "parked"
                mopen.setdefault((a.get("m", -1), name), ts)
            elif k in ("MSpinDone", "MUnpark"):
                name = "spinning" if k == "MSpinDone" else "parked"
                st = mopen.pop((a.get("m", -1), name), None)
                if st is not None:
                    self.mslices.append((a.get("m", -1), name, st, ts))
            elif k == "STWStart":
                stw_open = ts
            elif k == "STWDone" and stw_open is not None:
                self.stw.append((stw_open, ts))
                stw_open = None
            elif k == "GCStart":
                gc_open[a.get("a")] = [ts, None]
            elif k == "GCMarkDone" and a.get("a") in gc_open:
                gc_open[a.get("a")][1] = ts
            elif k == "GCDone" and a.get("a") in gc_open:
                st, md = gc_open.pop(a.get("a"))
                self.gc.append((a.get("a"), st, md, ts, bool(a.get("b"))))
        # A run open at exit is closed by the file (reason "running at
        # exit"), a complete event like the others; files with B/E slices
        # closed it with a plain E event.
        for e in evs:
            if e.get("ph") == "E" and (e.get("args") or {}).get("reason") == "running at exit":
                p = e.get("tid")
                if p in running:
                    g, st = running.pop(p)
                    ts = float(e["ts"])
                    self.runs.append((p, g, st, ts, "running at exit"))
                    self.run_time[g] += ts - st
                    t1 = max(t1, ts)
        for (m, name), st in mopen.items():
            self.mslices.append((m, name, st, t1))
        self.t0 = t0 or 0.0
        self.t1 = t1
        self.procs = sorted({r[0] for r in self.runs if r[0] is not None and r[0] >= 0} |
                            {e.get("tid") for e in evs if e.get("ph") == "M" and e.get("pid") == 1
                             and e.get("name") == "thread_name"})
        self.ms = sorted({m for m, _, _, _ in self.mslices if m >= 0} |
                         {e.get("tid") for e in evs if e.get("ph") == "M" and e.get("pid") == 2
                          and e.get("name") == "thread_name"})
        self.goids = sorted(set(self.run_time) | {m[3] for m in self.marks if m[0] == "create"})

    def summary(self):
        L = []
        dur = max(self.t1 - self.t0, 1e-9)
        c = self.counts
        L.append("trace: %s, %d events, %d Ps, %d Ms, %d goroutines%s" % (
            us(dur), len(self.sem), len(self.procs), len(self.ms), len(self.goids),
            ", schedseed=%s" % self.meta["schedseed"] if self.meta.get("schedseed") is not None else ""))
        if self.meta.get("dropped"):
            L.append("dropped events (buffer cap): %d" % self.meta["dropped"])
        L.append("context switches: %d (%.0f/s)" % (c["GoStart"], c["GoStart"] / (dur / 1e6)))
        L.append("creations: %d, wake-ups: %d, stack growths: %d, preemption requests: %d" % (
            c["GoCreate"], c["GoUnblock"], c["StackGrow"], c["PreemptRequest"]))
        L.append("preemptions: cooperative %d, async %d, seeded %d" % (
            c["preempt:preempted"], c["preempt:async preempted"], c["preempt:seed preempted"]))
        sl = self.sched_lat
        L.append("scheduler latency (runnable -> running), %d samples: p50 %s  p90 %s  p99 %s  max %s" % (
            len(sl), us(percentile(sl, 50)), us(percentile(sl, 90)), us(percentile(sl, 99)),
            us(max(sl) if sl else 0)))
        pl = self.preempt_lat
        if pl:
            L.append("preemption latency (request -> yield), %d samples: p99 %s  max %s" % (
                len(pl), us(percentile(pl, 99)), us(max(pl))))
        else:
            L.append("preemption latency (request -> yield): no requests honoured")
        if self.stw:
            L.append("stop-the-world: %d, total %s" % (len(self.stw), us(sum(b - a for a, b in self.stw))))
        if self.gc:
            L.append("garbage collections: %d (%d by runtime.GC), start -> done: total %s, max %s" % (
                len(self.gc), sum(1 for c in self.gc if c[4]), us(sum(c[3] - c[1] for c in self.gc)),
                us(max(c[3] - c[1] for c in self.gc))))
        L.append("")
        L.append("%-8s %10s %10s  %s" % ("goroutine", "running", "runnable", "blocked (by reason)"))
        for g in self.goids[:200]:
            bl = self.blocked.get(g, {})
            bls = ", ".join("%s %s" % (r, us(t)) for r, t in sorted(bl.items(), key=lambda x: -x[1]))
            L.append("%-8s %10s %10s  %s" % ("G%d" % g, us(self.run_time.get(g, 0)),
                                              us(self.runnable_wait.get(g, 0)), bls or "-"))
        if len(self.goids) > 200:
            L.append("... %d more goroutines" % (len(self.goids) - 200))
        return "\n".join(L) + "\n"

    def svg(self, width=1400):
        left, right, lane, gap = 70, 20, 26, 6
        plot = width - left - right
        dur = max(self.t1 - self.t0, 1e-3)
        x = lambda t: left + (t - self.t0) / dur * plot
        rows = [("P%d" % p, "p", p) for p in self.procs] + [("M%d" % m, "m", m) for m in self.ms] + \
            [("runtime", "rt", 0)]
        top = 40
        y = {}
        for i, (name, kind, ident) in enumerate(rows):
            y[(kind, ident)] = top + i * (lane + gap)
        height = top + len(rows) * (lane + gap) + 40
        def colour(g):
            h = (g * 0.61803398875) % 1.0
            return "hsl(%d,65%%,%d%%)" % (int(h * 360), 55 if g % 2 else 42)
        out = []
        w = out.append
        w('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
          'font-size="11">' % (width, height))
        w('<rect width="100%" height="100%" fill="white"/>')
        # Time axis.
        step = 10 ** math.floor(math.log10(dur / 5)) if dur > 0 else 1
        for mult in (1, 2, 5, 10):
            if dur / (step * mult) <= 10:
                step *= mult
                break
        t = 0.0
        while t <= dur + 1e-9:
            xx = x(self.t0 + t)
            w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (xx, top - 5, xx, height - 30))
            w('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>' % (xx, top - 10, us(t)))
            t += step
        for name, kind, ident in rows:
            yy = y[(kind, ident)]
            w('<rect x="%d" y="%d" width="%d" height="%d" fill="#f4f4f4"/>' % (left, yy, plot, lane))
            w('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 6, yy + lane / 2 + 4, name))
        # Goroutine runs. Runs narrower than 0.3 px are merged per lane so
        # that huge traces stay drawable.
        minw = 0.3
        for p, g, st, en, why in self.runs:
            if ("p", p) not in y:
                continue
            x0, x1 = x(st), x(en)
            if x1 - x0 < minw and len(self.runs) > 20000:
                continue
            yy = y[("p", p)]
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"><title>G%d on P%d at %s for %s; '
              'stopped: %s</title></rect>' % (x0, yy + 2, max(x1 - x0, minw), lane - 4, colour(g), g, p,
                                             us(st - self.t0), us(en - st), html.escape(why)))
            if x1 - x0 > 8 * len(str(g)) + 6:
                w('<text x="%.1f" y="%d" fill="white" font-size="10">G%d</text>' % (x0 + 2, yy + lane / 2 + 4, g))
            if why in PREEMPT_REASONS:
                w('<path d="M%.1f %d l4 -6 l-8 0 z" fill="#d00"><title>%s</title></path>' % (x1, yy + 6, why))
        for kind, p, ts, g in self.marks:
            if ("p", p) not in y:
                continue
            yy = y[("p", p)]
            xx = x(ts)
            if kind == "stack":
                w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="1.5">'
                  '<title>G%d stack growth</title></line>' % (xx, yy + lane - 8, xx, yy + lane, g))
            elif kind == "create":
                w('<circle cx="%.1f" cy="%d" r="2.5" fill="#06c"><title>G%d created</title></circle>' % (
                    xx, yy + lane - 3, g))
            elif kind == "preemptreq":
                w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#d00" stroke-dasharray="2,2">'
                  '<title>preemption request to G%d</title></line>' % (xx, yy, xx, yy + 6, g))
        for m, name, st, en in self.mslices:
            if ("m", m) not in y:
                continue
            yy = y[("m", m)]
            fill = "#f5c518" if name == "spinning" else "#aaa"
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s"><title>M%d %s for %s</title></rect>' % (
                x(st), yy + 4, max(x(en) - x(st), minw), lane - 8, fill, m, name, us(en - st)))
        for n, st, md, en, forced in self.gc:  # under the pauses: start -> done, mark done marked
            yy = y[("rt", 0)]
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="#3a3" fill-opacity="0.45">'
              '<title>GC %s%s: %s (mark %s)</title></rect>' % (
                  x(st), yy + 1, max(x(en) - x(st), 1), lane - 2, n, " (runtime.GC)" if forced else "",
                  us(en - st), us((md or en) - st)))
            if md is not None:
                w('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#060" stroke-width="1.5">'
                  '<title>GC %s mark done</title></line>' % (x(md), yy, x(md), yy + lane, n))
        for st, en in self.stw:
            yy = y[("rt", 0)]
            w('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="#c33"><title>stop-the-world %s</title>'
              '</rect>' % (x(st), yy + 2, max(x(en) - x(st), 1), lane - 4, us(en - st)))
        # Legend.
        ly = height - 18
        lx = left
        for label, fill in (("preempted", "#d00"), ("M spinning", "#f5c518"), ("M parked", "#aaa"),
                            ("stop-the-world", "#c33"), ("GC", "#3a3"), ("created", "#06c")):
            w('<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>' % (
                lx, ly - 9, fill, lx + 14, ly, label))
            lx += 30 + 7 * len(label)
        w('<text x="%d" y="%d">| black tick: stack growth; bar colour: goroutine</text>' % (lx, ly))
        w("</svg>")
        return "\n".join(out)


def cmd_json(args):
    doc = load_doc(args.trace)
    with open(args.json, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("chrome json: %s (%d records)" % (os.path.abspath(args.json), len(doc["traceEvents"])))


def cmd_render(args):
    if getattr(args, "json", None):
        return cmd_json(args)
    meta, evs = load(args.trace)
    an = Analysis(meta, evs)
    out = args.output or os.path.splitext(args.trace)[0] + ".html"
    svg = an.svg()
    summary = an.summary()
    with open(out, "w") as f:
        if out.endswith(".svg"):
            f.write(svg)
        else:
            f.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>glrt trace: %s</title></head>"
                    "<body style='font-family:sans-serif'><h3>glrt trace: %s</h3>%s<pre>%s</pre></body></html>\n" % (
                        html.escape(os.path.basename(args.trace)), html.escape(args.trace), svg,
                        html.escape(summary)))
    sys.stdout.write(summary)
    print("picture: %s" % os.path.abspath(out))


def cmd_summary(args):
    meta, evs = load(args.trace)
    sys.stdout.write(Analysis(meta, evs).summary())


def cmd_events(args):
    _, evs = load(args.trace)
    for ts, k, a, e in semantic(evs):
        line = fmt_event(k, a)
        if args.ts:
            line = "%.3f %s" % (ts, line)
        print(line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="write the picture (HTML or SVG) and print the summary")
    r.add_argument("trace")
    r.add_argument("-o", "--output", help="OUT.html (default: TRACE with .html) or OUT.svg")
    r.add_argument("-json", "--json", metavar="OUT.json",
                   help="instead of the picture, write the trace as Chrome JSON (Perfetto opens it)")
    r.set_defaults(fn=cmd_render)
    s = sub.add_parser("summary", help="print the text summary")
    s.add_argument("trace")
    s.set_defaults(fn=cmd_summary)
    j = sub.add_parser("json", help="write the trace (binary or JSON) as Chrome JSON")
    j.add_argument("trace")
    j.add_argument("-o", "--output", dest="json", required=True, metavar="OUT.json")
    j.set_defaults(fn=cmd_json)
    e = sub.add_parser("events", help="print the runtime's events, one per line, in time order")
    e.add_argument("trace")
    e.add_argument("--ts", action="store_true", help="prefix each line with its timestamp (us)")
    e.set_defaults(fn=cmd_events)
    args = ap.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
