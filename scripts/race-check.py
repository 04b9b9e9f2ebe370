#!/usr/bin/env python3
"""Run programs under `glc build -race` and fail on any race report (false positives).

Every program in the given directories (default: test/lit/run, test/lit/chan,
test/lit/sync and examples/) is built twice, plainly and with -race, and run
once each (GOMAXPROCS as given, default 4). A file passes iff the -race run
prints no race report (no "WARNING: DATA RACE", nothing from ThreadSanitizer)
and ends with the same exit status as the plain run (a program that is meant
to panic or deadlock must still do so, with the same status, under -race).
Files whose RUN lines compile only (no `glc run` / no execution) are run
anyway: every .gl is a complete program. Go's conformance files: use
`test/conformance/run.py --race` (same judgement as without -race).

Files in KNOWN (below: real races that go1.19 -race reports as well, a
program over -race's goroutine limit) are reported, never counted.

Output: PASS/FAIL per file, then "N passed, N failed"; exit status 1 iff a
file failed. `--files-from` reads a list of paths (one per line, # comments)
instead of the default directories (the fast subset scripts/run-tests.py
runs is test/lit/race/ci-subset.txt).
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ["test/lit/run", "test/lit/chan", "test/lit/sync", "examples"]
REPORT_MARKS = ("WARNING: DATA RACE", "ThreadSanitizer", "WARNING: ThreadSanitizer")
# Programs that really race (go1.19's `go run -race` reports them too) or
# exceed a limit of -race itself: reported as KNOWN, never failures.
KNOWN = {
    "test/lit/run/go_statements.gl": "polls slots with runtime.Gosched, no synchronisation "
                                     "(go1.19 -race reports it too)",
    "examples/stacks.gl": "main polls results[i] with runtime.Gosched (go1.19 -race reports it too)",
    "test/lit/chan/park_100k.gl": "100,000 live goroutines: over -race's limit "
                                  "(TSan fibers' shadow stacks vs vm.max_map_count)",
}


def build(glc, src, exe, race, timeout):
    cmd = [glc, "build"] + (["-race"] if race else []) + [src, "-o", exe]
    try:
        b = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "build timed out"
    if b.returncode != 0:
        return f"build exit status {b.returncode}: " + (b.stdout + b.stderr).decode(errors="replace")[:400]
    return None


def run(exe, env, timeout, cwd):
    try:
        p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, env=env, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode(errors="replace")
    return p.returncode, p.stdout.decode(errors="replace")


def check(src, glc, env, timeout, scratch):
    name = os.path.relpath(src, REPO)
    work = os.path.join(scratch, name.replace("/", "_"))
    os.makedirs(work, exist_ok=True)
    plain, racy = os.path.join(work, "plain"), os.path.join(work, "race")
    for exe, race in ((plain, False), (racy, True)):
        err = build(glc, src, exe, race, timeout)
        if err:
            if not race and "build exit status 1" in err:
                return name, None, "does not compile (a diagnostics test)", ""
            return name, False, err, ""
    rc0, _ = run(plain, env, timeout, work)
    rc1, out = run(racy, env, timeout, work)
    if any(m in out for m in REPORT_MARKS):
        return name, False, "race report", out
    if rc1 is None:
        return name, False, f"timed out after {timeout}s under -race", out
    if rc0 is not None and rc1 != rc0:
        return name, False, f"exit status {rc1} under -race, {rc0} without", out
    return name, True, "", ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--gomaxprocs", default="4")
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--files-from")
    ap.add_argument("paths", nargs="*", help="files or directories (default: " + " ".join(DIRS) + ")")
    args = ap.parse_args()
    glc = os.path.abspath(args.glc)
    paths = list(args.paths)
    if args.files_from:
        with open(args.files_from) as f:
            paths += [l.split("#", 1)[0].strip() for l in f if l.split("#", 1)[0].strip()]
    if not paths:
        paths = DIRS
    files = []
    for p in paths:
        p = p if os.path.isabs(p) else os.path.join(REPO, p)
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".gl"))
        else:
            files.append(p)
    env = dict(os.environ, GOMAXPROCS=args.gomaxprocs)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="glc-race-") as scratch, \
            concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futs = [pool.submit(check, f, glc, env, args.timeout, scratch) for f in files]
        for fut in futs:
            name, ok, why, out = fut.result()
            if ok is None:
                print(f"SKIP {name}: {why}")
                continue
            if name in KNOWN:
                print(f"KNOWN {name}: {'fails' if not ok else 'passes'} ({KNOWN[name]})")
                continue
            if ok:
                passed += 1
                print(f"PASS {name}")
            else:
                failed += 1
                print(f"FAIL {name}: {why}")
                for line in out.splitlines()[:40]:
                    print("    " + line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
