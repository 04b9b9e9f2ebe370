#!/usr/bin/env python3
"""Side-by-side benchmark harness: glc against go1.19 and gccgo.

For each bench/programs/*.gl:
  * build it with `glc build -O2`, with `go build` (a copy named .go; go1.19's
    default optimisation) and, when installed, with `gccgo -O2`;
  * check that every build prints the same output and exit status (a
    benchmark that disagrees with Go is reported, not timed silently);
  * run all binaries round-robin (program by program, compiler by compiler,
    --rounds times) in this one invocation, so drift in machine load hits all
    compilers alike, and take the median wall time of each.
Then it times `glc build -O2` on each examples/*.gl (median of 3).

--trace-overhead measures GODEBUG=tracefile instead (glc only; chan_pingpong
and goroutines_spawn unless programs are named): each program is built with
this glc (and, with --baseline-runtime, against a libglrt.a without the trace
hooks, e.g. main's before the trace landed) and with go1.19, and run
round-robin: go, baseline, hooks present but tracing off, tracing on (the
trace written to a temporary file, removed before each run), at each
GOMAXPROCS of --gomaxprocs (default: the machine's). It reports the median
over the rounds of user+sys CPU time and of wall time (noisy on a shared
machine), and splits 'on' into the recording and the flush with the
runtime's own figures at the end of the trace file (glrtRunCpuUs,
glrtFlushCpuUs). Goals: off/baseline
<= 1.01, on/off <= 1.20. With --before-runtime, a fifth mode runs tracing on
against another libglrt.a (e.g. main's) in the same rounds, for a before/after
table. Two more modes run in the same rounds: the binary trace (tracing on
with a PATH.gltrace file: the recorded words as they are) and go1.19's own
tracer (runtime/trace.Start at init, Stop at the end of main, against the
plain go build), in a second table.

--handoff measures the system-call hand-off latency instead
(programs/syscall_handoff.gl, GOMAXPROCS=1: how long the main goroutine waits
for its P when another goroutine blocks in read(2) for 100 ms): glc and
go1.19 alternate, each run prints its median and maximum wait over 20
hand-offs, and the table has the median of those medians and the largest
maximum. With --rt (root) both run under `chrt -f 50`, so the figure is the
runtimes' own latency rather than the machine's CPU queue (on a shared,
loaded machine a woken thread waits milliseconds for a CPU).

The table goes to stdout and to bench/out/latest.md. Exit status 1 if glc
could not build a program or its output differed from go's.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TIMEOUT = 300


def build(cmd, env=None, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return p.returncode == 0, (p.stdout + p.stderr).decode(errors="replace")


def run_once(exe):
    """(wall seconds, exit status, stdout+stderr)."""
    t0 = time.perf_counter()
    p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    return time.perf_counter() - t0, p.returncode, p.stdout


def fmt_time(ts):
    return f"{statistics.median(ts):.3f}" if ts else "n/a"


def ratio(a, b):
    if not a or not b:
        return "n/a"
    return f"{statistics.median(a) / statistics.median(b):.2f}"


def run_cpu(exe, env):
    """(user+sys CPU seconds of the child, exit status, output)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=TIMEOUT, env=env)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), p.returncode, p.stdout


def run_wall_cpu(exe, env):
    """(wall seconds, user+sys CPU seconds of the child, exit status, output)."""
    t0 = time.monotonic()
    cpu, rc, out = run_cpu(exe, env)
    return time.monotonic() - t0, cpu, rc, out


def trace_keys(path):
    """The runtime's own figures at the end of a trace file (seconds)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        f.seek(max(0, size - 400))
        tail = f.read().decode(errors="replace")
    keys = {}
    for k in ("glrtRunCpuUs", "glrtFlushCpuUs", "glrtFlushUs", "glrtDrainUs", "glrtWriterCpuUs"):
        if '"%s":' % k in tail:
            keys[k] = int(tail.split('"%s":' % k, 1)[1].split(",")[0].split("}")[0].strip()) / 1e6
    return size, keys


# go1.19's tracer for --trace-overhead's reference runs (added beside the
# program's own source; main defers glbenchTraceStop).
GOTRACE_GO = """package main

import (
	"os"
	"runtime/trace"
)

var glbenchTraceFile *os.File

func init() {
	if path := os.Getenv("GLBENCH_GOTRACE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			panic(err)
		}
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		glbenchTraceFile = f
	}
}

func glbenchTraceStop() {
	if glbenchTraceFile != nil {
		trace.Stop()
		glbenchTraceFile.Close()
	}
}
"""


def trace_overhead(args):
    glc = os.path.abspath(args.glc)
    bindir = os.path.join(args.out, "bin")
    os.makedirs(bindir, exist_ok=True)
    progs = args.programs or ["chan_pingpong", "goroutines_spawn"]
    tracefile = os.path.join(bindir, "overhead-trace.json")
    binfile = os.path.join(bindir, "overhead-trace.gltrace")
    gotracefile = os.path.join(bindir, "overhead-trace.go.out")
    files = {"on": tracefile, "before": tracefile, "bin": binfile, "gotrace": gotracefile}
    env_off = dict(os.environ)
    env_off.pop("GODEBUG", None)
    env_off.pop("GLBENCH_GOTRACE", None)
    env_on = dict(env_off, GODEBUG="tracefile=" + tracefile)
    env_bin = dict(env_off, GODEBUG="tracefile=" + binfile)
    goenv = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(args.out, "gocache"), GOFLAGS="")
    runs = {}  # (prog, mode) -> (exe, env)
    for p in progs:
        src = os.path.join(HERE, "programs", p + ".gl")
        exe = os.path.join(bindir, f"{p}.trace.exe")
        ok, log = build([glc, "build", "-O2", src, "-o", exe])
        if not ok:
            print(f"bench: {p}: glc build failed: {log}")
            return 1
        runs[p, "off"] = (exe, env_off)
        runs[p, "on"] = (exe, env_on)
        runs[p, "bin"] = (exe, env_bin)
        # Other runtimes, linked by GLC_RUNTIME: (mode, library, environment).
        for mode, lib, env in (("base", args.baseline_runtime, env_off),
                               ("before", args.before_runtime, env_on)):
            if not lib:
                continue
            bexe = os.path.join(bindir, f"{p}.{mode}.exe")
            ok, log = build([glc, "build", "-O2", src, "-o", bexe],
                            env=dict(os.environ, GLC_RUNTIME=os.path.abspath(lib)))
            if not ok:
                print(f"bench: {p}: {mode} build failed: {log}")
                return 1
            runs[p, mode] = (bexe, env)
        if shutil.which("go"):
            gosrc = os.path.join(bindir, p + ".go")
            shutil.copyfile(src, gosrc)
            gexe = os.path.join(bindir, f"{p}.go.exe")
            ok, _ = build(["go", "build", "-o", gexe, gosrc], env=goenv, cwd=bindir)
            if ok:
                runs[p, "go"] = (gexe, env_off)
            # go1.19's own tracer on the same program, for reference: the
            # same source with runtime/trace.Start at init (to the file in
            # GLBENCH_GOTRACE) and trace.Stop deferred in main (its flush
            # is part of the run, as glrt's is).
            with open(src) as fh:
                text = fh.read()
            if "func main() {" in text:
                tdir = os.path.join(bindir, p + ".gotrace")
                os.makedirs(tdir, exist_ok=True)
                with open(os.path.join(tdir, "main.go"), "w") as fh:
                    fh.write(text.replace("func main() {", "func main() {\n\tdefer glbenchTraceStop()", 1))
                with open(os.path.join(tdir, "gotrace.go"), "w") as fh:
                    fh.write(GOTRACE_GO)
                texe = os.path.join(bindir, f"{p}.gotrace.exe")
                ok, log = build(["go", "build", "-o", texe, "main.go", "gotrace.go"], env=goenv, cwd=tdir)
                if ok:
                    runs[p, "gotrace"] = (texe, dict(env_off, GLBENCH_GOTRACE=gotracefile))
                else:
                    print(f"bench: {p}: go build with runtime/trace failed: {log[:300]}")
    modes = [m for m in ("base", "off", "on", "bin", "before", "go", "gotrace") if any(k[1] == m for k in runs)]
    procs = [int(x) for x in args.gomaxprocs.split(",")] if args.gomaxprocs else [None]
    times = {}  # (prog, mode, gomaxprocs) -> [cpu seconds]
    walls = {}  # same keys -> [wall seconds]
    extra = {}  # (prog, key, gomaxprocs) -> [seconds]
    sizes = {}
    for r in range(args.rounds):
        for n in procs:
            for p in progs:
                for mode in modes:
                    if (p, mode) not in runs:
                        continue
                    exe, env = runs[p, mode]
                    if n is not None:
                        env = dict(env, GOMAXPROCS=str(n))
                    if mode in files and os.path.exists(files[mode]):
                        # Not the run's cost: overwriting the last run's file
                        # (O_TRUNC of ~1 GB of page cache, and ext4's flush of a
                        # file truncated and rewritten) costs 0.15-0.35 s of sys.
                        os.unlink(files[mode])
                    w, t, rc, out = run_wall_cpu(exe, env)
                    if rc != 0:
                        print(f"bench: {p} ({mode}) exited {rc}: {out[:200]!r}")
                        return 1
                    times.setdefault((p, mode, n), []).append(t)
                    walls.setdefault((p, mode, n), []).append(w)
                    if mode == "on":
                        sizes[p], keys = trace_keys(tracefile)
                        for k, v in keys.items():
                            extra.setdefault((p, k, n), []).append(v)
                    if mode in ("bin", "gotrace") and os.path.exists(files[mode]):
                        sizes[p, mode] = os.path.getsize(files[mode])
                    if mode == "bin":
                        for k, v in trace_keys(binfile)[1].items():
                            extra.setdefault((p, "bin." + k, n), []).append(v)
        print(f"bench: round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    def mn(ts):
        return statistics.median(ts) if ts else None

    def f(v):
        return f"{v:.3f}" if v is not None else "n/a"

    def rt(a, b):
        return f"{a / b:.2f}" if a is not None and b else "n/a"

    lines = [f"GODEBUG=tracefile overhead: user+sys CPU seconds and wall seconds, median of {args.rounds} "
             f"round-robin rounds ({os.cpu_count()} CPUs, glc -O2; on a shared machine wall time is noisy).", "",
             "'on' is the whole run; 'recording' is the process's CPU time when the flush began",
             "(glrtRunCpuUs: the program with tracing on, including the buffers it formatted and",
             "wrote as they filled); 'flush' is the flush's own CPU time (glrtFlushCpuUs: what was",
             "left in the buffers at exit). The writer thread formats and writes the buffers as they",
             "fill, beside the program: its CPU time is in 'on' and 'recording'; 'drain' is how long",
             "(wall) the exit waited for it to finish the buffers queued (glrtDrainUs).", "",
             "| GOMAXPROCS | program | go1.19 | baseline | off | on | recording | flush | off/go | off/baseline "
             "| recording/off | on/off | wall go1.19 | wall off | wall on | wall on/off | drain | trace size |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in procs:
        for p in progs:
            go, b = mn(times.get((p, "go", n), [])), mn(times.get((p, "base", n), []))
            off, on = mn(times[p, "off", n]), mn(times[p, "on", n])
            rec, fl = mn(extra.get((p, "glrtRunCpuUs", n), [])), mn(extra.get((p, "glrtFlushCpuUs", n), []))
            dr = mn(extra.get((p, "glrtDrainUs", n), []))
            wgo, woff, won = (mn(walls.get((p, m, n), [])) for m in ("go", "off", "on"))
            lines.append(f"| {n if n is not None else '-'} | {p} | {f(go)} | {f(b)} | {f(off)} | {f(on)} | {f(rec)} "
                         f"| {f(fl)} | {rt(off, go)} | {rt(off, b)} | {rt(rec, off)} | {rt(on, off)} "
                         f"| {f(wgo)} | {f(woff)} | {f(won)} | {rt(won, woff)} | {f(dr)} | {sizes.get(p, 0) / 1e6:.0f} MB |")
    if any(k[1] in ("bin", "gotrace") for k in runs):
        lines += ["", "The binary trace (GODEBUG=tracefile=PATH.gltrace: the recorded words written as they are, "
                  "no formatting) and go1.19's own tracer (runtime/trace.Start at init, Stop at the end of main; "
                  "its off run is the plain go build), in the same rounds ('binary writer': the writer "
                  "thread's CPU seconds, part of 'binary on'):", "",
                  "| GOMAXPROCS | program | off | binary on | binary on/off | wall off | wall binary on "
                  "| wall binary on/off | binary writer | binary drain | binary size | go1.19 off | go1.19 trace on | go1.19 on/off "
                  "| wall go1.19 off | wall go1.19 trace on | wall go1.19 on/off | go1.19 trace size |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in procs:
            for p in progs:
                off, bon = mn(times[p, "off", n]), mn(times.get((p, "bin", n), []))
                wcpu = mn(extra.get((p, "bin.glrtWriterCpuUs", n), []))
                woff, wbon = mn(walls[p, "off", n]), mn(walls.get((p, "bin", n), []))
                go, gon = mn(times.get((p, "go", n), [])), mn(times.get((p, "gotrace", n), []))
                wgo, wgon = mn(walls.get((p, "go", n), [])), mn(walls.get((p, "gotrace", n), []))
                dr = mn(extra.get((p, "bin.glrtDrainUs", n), []))
                lines.append(f"| {n if n is not None else '-'} | {p} | {f(off)} | {f(bon)} | {rt(bon, off)} "
                             f"| {f(woff)} | {f(wbon)} | {rt(wbon, woff)} | {f(wcpu)} | {f(dr)} "
                             f"| {sizes.get((p, 'bin'), 0) / 1e6:.0f} MB | {f(go)} | {f(gon)} | {rt(gon, go)} "
                             f"| {f(wgo)} | {f(wgon)} | {rt(wgon, wgo)} | {sizes.get((p, 'gotrace'), 0) / 1e6:.0f} MB |")
    if args.before_runtime:
        lines += ["", f"Tracing on with --before-runtime ({args.before_runtime}), in the same rounds:", "",
                  "| GOMAXPROCS | program | before: on | before: on/off | on/before | wall before: on "
                  "| wall before: on/off | wall on/before |", "|---|---|---:|---:|---:|---:|---:|---:|"]
        for n in procs:
            for p in progs:
                off, on = mn(times[p, "off", n]), mn(times[p, "on", n])
                bon = mn(times.get((p, "before", n), []))
                woff, won = mn(walls[p, "off", n]), mn(walls[p, "on", n])
                wbon = mn(walls.get((p, "before", n), []))
                lines.append(f"| {n if n is not None else '-'} | {p} | {f(bon)} | {rt(bon, off)} | {rt(on, bon)} "
                             f"| {f(wbon)} | {rt(wbon, woff)} | {rt(won, wbon)} |")
    lines += ["", "Load (uptime) at the end: " + subprocess.run(["uptime"], capture_output=True).stdout.decode().strip()]
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.out, "trace-overhead.md"), "w") as fh:
        fh.write(text)
    return 0


def handoff(args):
    glc = os.path.abspath(args.glc)
    bindir = os.path.join(args.out, "bin")
    os.makedirs(bindir, exist_ok=True)
    src = os.path.join(HERE, "programs", "syscall_handoff.gl")
    exes = {}
    ok, log = build([glc, "build", "-O2", src, "-o", os.path.join(bindir, "handoff.glc.exe")])
    if not ok:
        print(f"bench: handoff: glc build failed: {log}")
        return 1
    exes["glc"] = os.path.join(bindir, "handoff.glc.exe")
    if shutil.which("go"):
        gosrc = os.path.join(bindir, "syscall_handoff.go")
        shutil.copyfile(src, gosrc)
        goenv = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(args.out, "gocache"), GOFLAGS="")
        if build(["go", "build", "-o", os.path.join(bindir, "handoff.go.exe"), gosrc], env=goenv, cwd=bindir)[0]:
            exes["go"] = os.path.join(bindir, "handoff.go.exe")
    prefix = ["chrt", "-f", "50"] if args.rt else []
    env = dict(os.environ, HANDOFF_VERBOSE="1")
    medians = {k: [] for k in exes}
    maxima = {k: [] for k in exes}
    for r in range(args.rounds):
        for k, exe in exes.items():
            p = subprocess.run(prefix + [exe], capture_output=True, env=env, timeout=TIMEOUT)
            line = p.stderr.decode(errors="replace")
            if p.returncode != 0 or "median" not in line:
                print(f"bench: handoff ({k}) failed: {line[:200]!r}")
                return 1
            # "hand-off wait: median N us, max M us"
            words = line.replace(",", " ").split()
            medians[k].append(int(words[words.index("median") + 1]))
            maxima[k].append(int(words[words.index("max") + 1]))
        print(f"bench: round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    lines = [f"System-call hand-off wait at GOMAXPROCS=1 (us), {args.rounds} runs of 20 hand-offs each"
             f"{' under chrt -f 50' if args.rt else ''}: median of the runs' medians, largest maximum.", "",
             "| runtime | median | max |", "|---|---:|---:|"]
    for k in exes:
        lines.append(f"| {k} | {statistics.median(medians[k]):.0f} | {max(maxima[k])} |")
    if "go" in exes:
        lines.append("")
        lines.append(f"glc/go (medians): {statistics.median(medians['glc']) / statistics.median(medians['go']):.2f}")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.out, "handoff.md"), "w") as fh:
        fh.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description="glc vs go1.19 vs gccgo benchmarks")
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--trace-overhead", action="store_true",
                    help="measure GODEBUG=tracefile's cost instead (see above)")
    ap.add_argument("--baseline-runtime", help="libglrt.a without the trace hooks (--trace-overhead)")
    ap.add_argument("--before-runtime", help="--trace-overhead: also run tracing on against this libglrt.a "
                    "(e.g. main's, to compare two trace implementations in the same rounds)")
    ap.add_argument("--gomaxprocs", help="--trace-overhead: run at each of these GOMAXPROCS (e.g. 1,2)")
    ap.add_argument("--handoff", action="store_true",
                    help="measure the system-call hand-off latency instead (see above)")
    ap.add_argument("--rt", action="store_true", help="--handoff: run under chrt -f 50 (needs root)")
    ap.add_argument("programs", nargs="*", help="program names (default: all in bench/programs)")
    args = ap.parse_args()
    if args.trace_overhead:
        return trace_overhead(args)
    if args.handoff:
        return handoff(args)
    glc = os.path.abspath(args.glc)
    bindir = os.path.join(args.out, "bin")
    os.makedirs(bindir, exist_ok=True)

    progs = sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "programs")) if f.endswith(".gl"))
    if args.programs:
        progs = [p for p in progs if p in args.programs]

    compilers = ["glc"]
    if shutil.which("go"):
        compilers.append("go")
    else:
        print("bench: go is not installed; no go column")
    if shutil.which("gccgo"):
        compilers.append("gccgo")
    else:
        print("bench: gccgo is not installed; no gccgo column")

    goenv = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(args.out, "gocache"), GOFLAGS="")
    exes, notes, bad = {}, [], False
    for p in progs:
        src = os.path.join(HERE, "programs", p + ".gl")
        gosrc = os.path.join(bindir, p + ".go")
        shutil.copyfile(src, gosrc)
        for c in compilers:
            exe = os.path.join(bindir, f"{p}.{c}.exe")
            if c == "glc":
                ok, log = build([glc, "build", "-O2", src, "-o", exe])
            elif c == "go":
                ok, log = build(["go", "build", "-o", exe, gosrc], env=goenv, cwd=bindir)
            else:
                ok, log = build(["gccgo", "-O2", "-o", exe, gosrc])
            if ok:
                exes[p, c] = exe
            else:
                notes.append(f"{p}: {c} build failed: {log.strip().splitlines()[:1]}")
                bad |= c == "glc"

    # Same output everywhere (go is the reference when present).
    outputs = {}
    for (p, c), exe in list(exes.items()):
        try:
            _, rc, out = run_once(exe)
        except subprocess.TimeoutExpired:
            rc, out = "timeout", b""
        outputs[p, c] = (rc, out)
    for p in progs:
        ref = outputs.get((p, "go")) or outputs.get((p, "gccgo"))
        for c in compilers:
            if (p, c) in outputs and ref and outputs[p, c] != ref:
                notes.append(f"{p}: {c} output differs from the reference: "
                             f"{outputs[p, c][1][:80]!r} (exit {outputs[p, c][0]})")
                del exes[p, c]
                bad |= c == "glc"

    times = {k: [] for k in exes}
    for r in range(args.rounds):
        for p in progs:
            for c in compilers:
                if (p, c) in exes:
                    times[p, c].append(run_once(exes[p, c])[0])
        print(f"bench: round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    lines = [f"Median wall time in seconds over {args.rounds} round-robin rounds "
             f"({os.cpu_count()} CPUs; glc -O2, go1.19 go build, gccgo -O2).", "",
             "| program | glc | go | gccgo | glc/go | glc/gccgo |",
             "|---|---:|---:|---:|---:|---:|"]
    for p in progs:
        t = [times.get((p, c), []) for c in ("glc", "go", "gccgo")]
        lines.append(f"| {p} | {fmt_time(t[0])} | {fmt_time(t[1])} | {fmt_time(t[2])} "
                     f"| {ratio(t[0], t[1])} | {ratio(t[0], t[2])} |")

    lines += ["", "glc compile time (glc build -O2, median of 3):", "",
              "| example | seconds |", "|---|---:|"]
    exdir = os.path.join(REPO, "examples")
    for ex in sorted(f for f in os.listdir(exdir) if f.endswith(".gl")):
        ts = []
        for _ in range(3):
            t0 = time.perf_counter()
            ok, log = build([glc, "build", "-O2", os.path.join(exdir, ex), "-o",
                             os.path.join(bindir, "example.glc.exe")])
            if not ok:
                break
            ts.append(time.perf_counter() - t0)
        lines.append(f"| {ex} | {fmt_time(ts) if len(ts) == 3 else 'build failed'} |")
    if notes:
        lines += ["", "Notes:"] + [f"- {n}" for n in notes]

    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
