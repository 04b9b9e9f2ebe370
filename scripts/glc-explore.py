#!/usr/bin/env python3
"""Search the schedules of a GL program for failures (GODEBUG=schedseed=N).

  glc explore prog.gl [-n 1000] [-p 1] [-j JOBS] [--expect TEXT] [--trace]
  python3 scripts/glc-explore.py prog.gl ...        (the same)

Builds prog.gl once, runs it under seeds start..start+n-1 (GOMAXPROCS=p,
default 1, where one seed is one schedule), several at a time, and groups
the runs by outcome (exit status, output: stdout and stderr together). An
outcome fails if the program exits non-zero, is killed by the timeout, or,
with --expect, prints anything else. For each distinct failing outcome it
prints the first seed that produced it, how many runs it took to find, and
the command that replays it; with --trace, also a picture of that schedule
(glc-trace.py render).

--plain runs the same number of times without a seed (the ordinary
scheduler), to show how often plain runs hit the failure.

Exit status: 1 if some run failed, 0 if none did (2 for usage errors).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


def find_glc(arg):
    if arg:
        return arg
    for c in (os.environ.get("GLC"), os.path.join(HERE, "..", "build", "bin", "glc"), shutil.which("glc")):
        if c and os.path.exists(c):
            return os.path.abspath(c)
    sys.exit("glc-explore: cannot find glc (use --glc)")


def run_one(binary, seed, procs, timeout, extra_env, trace=None):
    env = dict(os.environ)
    env["GOMAXPROCS"] = str(procs)
    dbg = [] if seed is None else ["schedseed=%d" % seed]
    if trace:
        dbg.append("tracefile=" + trace)
    if env.get("GODEBUG"):
        dbg.insert(0, env["GODEBUG"])
    env["GODEBUG"] = ",".join(dbg)
    env.update(extra_env)
    try:
        p = subprocess.run([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return (p.returncode, p.stdout.decode("utf-8", "replace"))
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return ("timeout", out)


def describe(code):
    if code == "timeout":
        return "timeout"
    if isinstance(code, int) and code < 0:
        return "signal %d" % -code
    return "exit %s" % code


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("source", help="the .gl program")
    ap.add_argument("-n", type=int, default=1000, help="number of seeds (runs), default 1000")
    ap.add_argument("-p", type=int, default=1, help="GOMAXPROCS, default 1 (replayable)")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2, help="runs at a time")
    ap.add_argument("--start", type=int, default=1, help="first seed, default 1")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run, default 10")
    ap.add_argument("--expect", help="the output every correct run prints (else only the exit status counts)")
    ap.add_argument("--trace", action="store_true", help="render a picture of each failing outcome's schedule")
    ap.add_argument("--plain", action="store_true", help="run without schedseed (control runs)")
    ap.add_argument("--stop", action="store_true", help="stop at the first failure")
    ap.add_argument("--glc", help="path to glc (default: build/bin/glc next to this script, or $GLC)")
    ap.add_argument("--outdir", help="where to keep the binary and traces (default: a temporary directory)")
    args = ap.parse_args(argv)

    glc = find_glc(args.glc)
    outdir = args.outdir or tempfile.mkdtemp(prefix="glc-explore-")
    os.makedirs(outdir, exist_ok=True)
    binary = os.path.join(outdir, os.path.splitext(os.path.basename(args.source))[0])
    b = subprocess.run([glc, "build", args.source, "-o", binary], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if b.returncode != 0:
        sys.stdout.write(b.stdout.decode("utf-8", "replace"))
        sys.exit(2)

    seeds = list(range(args.start, args.start + args.n))
    results = {}

    def job(i):
        seed = None if args.plain else seeds[i]
        return i, run_one(binary, seed, args.p, args.timeout, {})

    with ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        if args.stop:
            # In order, a batch at a time, so "found after N seeds" is exact.
            i = 0
            while i < len(seeds):
                batch = list(ex.map(job, range(i, min(len(seeds), i + args.j))))
                for k, res in batch:
                    results[k] = res
                i += args.j
                if any(failing(results[k], args.expect) for k, _ in batch):
                    break
        else:
            for k, res in ex.map(job, range(len(seeds))):
                results[k] = res

    # Outcomes that differ only in numbers (a lost update's final count,
    # goroutine ids, addresses) are one outcome: group by exit status and
    # the output with every number replaced by N.
    groups = {}
    for k in sorted(results):
        code, out = results[k]
        groups.setdefault((code, re.sub(r"(0x[0-9a-f]+|[0-9]+)", "N", out)), []).append(k)
    mode = "plain runs (no schedseed)" if args.plain else "seeds %d..%d" % (seeds[0], seeds[0] + len(results) - 1)
    print("%s: %d runs at GOMAXPROCS=%d, %s; %d distinct outcomes" % (
        args.source, len(results), args.p, mode, len(groups)))
    nfail = 0
    first_fail = next((k for k in sorted(results) if failing(results[k], args.expect)), None)
    for _, ks in sorted(groups.items(), key=lambda kv: kv[1][0]):
        first = ks[0]
        code, out = results[first]
        bad = failing(results[first], args.expect)
        exact = len({results[k] for k in ks})
        lines = out.rstrip("\n").split("\n")
        shown = "\n    ".join(lines[:6]) + ("\n    ..." if len(lines) > 6 else "")
        print("\n%s: %s, %d runs (%.1f%%)" % ("FAIL" if bad else "ok", describe(code), len(ks),
                                              100.0 * len(ks) / len(results)))
        print("    " + shown)
        if exact > 1:
            print("  (%d distinct outputs like this one, differing only in numbers)" % exact)
        if not bad:
            continue
        nfail += len(ks)
        if args.plain:
            print("  first seen on run %d" % (first + 1))
            continue
        seed = seeds[first]
        print("  first seed: %d (found after %d seeds)" % (seed, first + 1))
        # The inherited GODEBUG (e.g. schedpreempt=0) is part of the schedule.
        extra = os.environ.get("GODEBUG", "")
        print("  replay: GOMAXPROCS=%d GODEBUG=%sschedseed=%d %s run %s"
              % (args.p, extra + "," if extra else "", seed, glc, args.source))
        if args.trace:
            tr = os.path.join(outdir, "seed-%d.json" % seed)
            run_one(binary, seed, args.p, args.timeout, {}, trace=tr)
            pic = os.path.join(outdir, "seed-%d.html" % seed)
            r = subprocess.run([sys.executable, os.path.join(HERE, "glc-trace.py"), "render", tr, "-o", pic],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            print("  trace: %s\n  picture: %s" % (tr, pic) if r.returncode == 0 else
                  "  trace: (render failed)\n" + r.stdout.decode())
    print("\n%d of %d runs failed" % (nfail, len(results)))
    if first_fail is not None and not args.plain:
        print("first failure: seed %d, after %d seeds" % (seeds[first_fail], first_fail + 1))
    return 1 if nfail else 0


def failing(outcome, expect):
    code, out = outcome
    if code != 0:
        return True
    return expect is not None and out != expect and out.rstrip("\n") != expect.rstrip("\n")


if __name__ == "__main__":
    sys.exit(main())
