#!/usr/bin/env python3
"""Go conformance runner: judge files of Go's own test suite the way Go's test/run.go does.

Files are read IN PLACE from /usr/share/go-1.19/test (package golang-1.19-src);
nothing is copied into the repository. For each file:
  * The execution recipe is the first comment block (up to the first blank
    line), minus a leading line containing "+build". Only `// run [args]`
    recipes are judged here; recipes with compiler flags cannot be honoured and
    count as failures.
  * Build constraints (`//go:build expr` and `// +build` lines before
    `package`) are evaluated for linux/amd64 with the tags run.go accepts
    (GOOS, GOARCH, "gc", "test_run"; cgo is off: glc has no cgo).
  * The file is built with `glc build FILE -o EXE` (in a scratch dir) and
    run with the recipe's args and a timeout (a timeout is a failure).
    With --race, `glc build -race` (the data-race detector: a report makes
    the output differ and the exit status 66, so a false positive fails).
  * With `--env VAR=VALUE` (repeatable) the built program runs with VAR set,
    e.g. GODEBUG=gcstress=1,gcpoison=1 (`make gcstress-check`); the .out
    files stay the reference. Under gcstress the files of GCSTRESS_SKIP are
    reported as SKIP with their reason, never run.
  * PASS iff the exit status is 0 and combined stdout+stderr equals FILE's
    .out (CRLF normalised), or is empty when there is no .out.

Output: one line per file and run (SKIP when the build constraints exclude
linux/amd64; skips are not counted) (`PASS closure1.go`, `FAIL ken/chan1.go:
exit status 2` plus the first lines of output), then "N passed, N failed".
Exit status is non-zero iff a file in expected-pass.txt fails. With --all-t1
the T1 tier of /work/shared/research/suite.md is tried as well; those results
are reported but never fail the run.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GOTEST = "/usr/share/go-1.19/test"
BUILD_FLAGS = []  # ["-race"] with --race
# Under --race: files that really race (go1.19's `go run -race` reports
# them too) or exceed a limit of -race; reported as KNOWN, never failures.
RACE_KNOWN = {
    "atomicload.go": "two goroutines write x while main reads it, unsynchronised on purpose "
                     "(go1.19 -race reports it)",
    "chan/powser1.go": "get's seqno++ runs in many goroutines unsynchronised (go1.19 -race reports it)",
    "chan/powser2.go": "get's seqno++ runs in many goroutines unsynchronised (go1.19 -race reports it)",
    "fixedbugs/issue13160.go": "writers and readers share the collider slice on purpose "
                               "(go1.19 -race reports it)",
    "ken/chan.go": "nrand's randx is shared by goroutines unsynchronised (go1.19 -race reports it)",
    "peano.go": "recursion deeper than TSan's 65,536-entry shadow call stack",
}
# Under GODEBUG=gcstress (a collection at every allocation): files whose
# output legitimately depends on the collector's pacing or that are too slow
# for it, each with the reason; reported as SKIP, never run. A collector bug
# is never a reason to be here.
GCSTRESS_SKIP = {
    "abi/uglyfib.go": "millions of calls each allocating the escaping x and y: more than 60 s "
                      "with a collection per allocation (2 s without gcstress)",
}
EXTRA_ENV = {}  # --env
GOOS, GOARCH = "linux", "amd64"

# T1 (suite.md §4): the concurrency kernel plus the small function tests.
T1 = """chan/fifo.go chan/select.go chan/select6.go chan/select7.go chan/select8.go
chan/sendstmt.go chan/sieve1.go ken/chan1.go 235.go func5.go closure7.go
closure1.go func6.go func7.go ken/litfun.go ken/mfunc.go ken/simpfun.go""".split()


# ---- build constraints -----------------------------------------------------

def tag_true(name):
    # Same rule as run.go's context.match for linux/amd64, cgo disabled.
    if not name or not re.fullmatch(r"[\w.]+", name):
        return False
    return name in (GOOS, GOARCH, "gc", "test_run")


def eval_gobuild(expr):
    """Evaluate a //go:build expression: ||, &&, !, parentheses, tags."""
    toks = re.findall(r"\|\||&&|!|\(|\)|[\w.]+", expr)
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def or_expr():
        v = and_expr()
        while peek() == "||":
            take()
            v = and_expr() or v
        return v

    def and_expr():
        v = not_expr()
        while peek() == "&&":
            take()
            v = not_expr() and v
        return v

    def not_expr():
        if peek() == "!":
            take()
            return not not_expr()
        if peek() == "(":
            take()
            v = or_expr()
            if peek() == ")":
                take()
            return v
        return tag_true(take() or "")

    return or_expr()


def eval_plusbuild(line):
    """// +build a,b c  ==  (a && b) || c ; !x negates."""
    terms = line.split()[2:]
    def term(t):
        return all((not tag_true(a[1:])) if a.startswith("!") else tag_true(a) for a in t.split(","))
    return any(term(t) for t in terms)


def should_test(src):
    for line in src.split("\n"):
        if line.startswith("package "):
            break
        if line.startswith("//go:build "):
            if not eval_gobuild(line[len("//go:build "):]):
                return False, line
        elif re.match(r"^//\s*\+build\s", line):
            if not eval_plusbuild(re.sub(r"^//\s*", "// ", line)):
                return False, line
    return True, ""


# ---- recipe ------------------------------------------------------------------

def recipe(src):
    """(action, flags, args) from the first comment block, as run.go reads it; None if malformed."""
    if not src or src[0] == "\n" or "\n\n" not in src:
        return None
    action = src.split("\n\n", 1)[0]
    first, _, rest = action.partition("\n")
    if "+build" in first and rest:
        action = rest
    if action.startswith("//"):
        action = action[2:]
    # run.go splits the whole block; only the first line matters for // run.
    words = action.split("\n", 1)[0].split()
    if not words:
        return None
    flags, args = [], words[1:]
    while args and args[0].startswith("-"):
        flags.append(args.pop(0))
    return words[0], flags, args


# ---- running -----------------------------------------------------------------

def first_lines(text, n=5):
    lines = text.splitlines()
    more = [f"... ({len(lines) - n} more lines)"] if len(lines) > n else []
    return ["    " + l for l in lines[:n] + more]


def judge(rel, glc, timeout, procs, scratch):
    """Build one file once, run it once per GOMAXPROCS value in procs (None =
    unset). Returns [(n, ok, reason, output)]: ok is None for a skip, and a
    failure before the run (recipe, build) is reported for every n."""
    def every(ok, reason, out=""):
        return [(n, ok, reason, out) for n in procs]

    path = os.path.join(GOTEST, rel)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            src = f.read()
    except OSError as e:
        return every(False, f"cannot read: {e.strerror}")
    r = recipe(src)
    if r is None:
        return every(False, "no execution recipe")
    action, flags, args = r
    if action != "run":
        return every(False, f"not a '// run' test (recipe '{action}')")
    if flags:
        return every(False, f"needs compiler flags {' '.join(flags)} (unsupported)")
    ok, why = should_test(src)
    if not ok:
        return every(None, f"skipped by build constraint: {why}")

    # Each file gets its own directory: files run in parallel, and a test
    # may create files in its working directory.
    work = os.path.join(scratch, re.sub(r"[/.]", "_", rel))
    os.makedirs(work, exist_ok=True)
    exe = os.path.join(work, "prog")
    try:
        b = subprocess.run([glc, "build"] + BUILD_FLAGS + [path, "-o", exe], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return every(False, f"glc build timed out after {timeout}s")
    except OSError as e:
        return every(False, f"cannot run glc: {e.strerror}")
    if b.returncode != 0:
        return every(False, f"glc build: exit status {b.returncode}",
                     (b.stdout + b.stderr).decode(errors="replace"))
    return [(n,) + run_built(path, exe, args, n, timeout, work) for n in procs]


def run_built(path, exe, args, gomaxprocs, timeout, work):
    """(ok, reason, output) of one run of a built test."""
    env = dict(os.environ, **EXTRA_ENV)
    if gomaxprocs is not None:
        env["GOMAXPROCS"] = str(gomaxprocs)
    try:
        p = subprocess.run([exe] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, env=env, timeout=timeout, cwd=work)
    except subprocess.TimeoutExpired as e:
        return False, f"timed out after {timeout}s", (e.stdout or b"").decode(errors="replace")
    except OSError as e:
        return False, f"cannot run the built program: {e.strerror}", ""
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0:
        why = f"exit status {p.returncode}" if p.returncode > 0 else f"killed by signal {-p.returncode}"
        return False, why, out
    golden = os.path.splitext(path)[0] + ".out"
    want = ""
    if os.path.exists(golden):
        with open(golden, encoding="utf-8", errors="replace") as f:
            want = f.read().replace("\r\n", "\n")
    got = out.replace("\r\n", "\n")
    if got != want:
        return False, "output differs from " + (os.path.basename(golden) if want else "empty"), out
    return True, "", ""


def read_list(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def main():
    ap = argparse.ArgumentParser(description="Run Go's test files under glc, judged as run.go does")
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--expected", default=os.path.join(HERE, "expected-pass.txt"))
    ap.add_argument("--all-t1", action="store_true",
                    help="also try every T1 file (reported, never fails the run)")
    ap.add_argument("--gomaxprocs", default="",
                    help="comma-separated values, e.g. 1,2: run each file once per value")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per build and per run")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="files built and run at once (default: number of CPUs)")
    ap.add_argument("--race", action="store_true",
                    help="build with glc -race; a race report fails the file")
    ap.add_argument("--env", action="append", default=[], metavar="VAR=VALUE",
                    help="set VAR for the built programs (repeatable), e.g. GODEBUG=gcstress=1,gcpoison=1")
    ap.add_argument("--files-from", help="judge only the files of this list (a subset of the expected list)")
    ap.add_argument("files", nargs="*", help="extra files (relative to the Go test dir), reported only")
    args = ap.parse_args()
    glc = os.path.abspath(args.glc)
    try:
        EXTRA_ENV.update(e.split("=", 1) for e in args.env)
    except ValueError:
        ap.error("--env wants VAR=VALUE")
    gcstress = "gcstress=" in EXTRA_ENV.get("GODEBUG", "")
    if args.race:
        BUILD_FLAGS.append("-race")

    if not os.path.isdir(GOTEST):
        print(f"conformance: {GOTEST} is missing (install golang-1.19-src)")
        print("0 passed, 1 failed")
        return 1
    expected = read_list(args.expected)
    if args.files_from:
        expected = read_list(args.files_from)
    skipped = []
    if gcstress:
        skipped = [f for f in expected if f in GCSTRESS_SKIP]
        expected = [f for f in expected if f not in GCSTRESS_SKIP]
    extra = list(args.files) + (T1 if args.all_t1 else [])
    files = expected + [f for f in dict.fromkeys(extra) if f not in expected]
    procs = [int(x) for x in args.gomaxprocs.split(",") if x.strip()] or [None]

    passed = failed = 0
    bad_expected, extra_pass = [], []
    with tempfile.TemporaryDirectory(prefix="glc-conformance-") as scratch, \
            concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = [pool.submit(judge, rel, glc, args.timeout, procs, scratch) for rel in files]
        for rel, fut in zip(files, futures):  # report in list order
            for n, ok, reason, out in fut.result():
                label = rel + (f" [GOMAXPROCS={n}]" if n is not None else "")
                if ok is None:
                    print(f"SKIP {label}: {reason}")
                elif BUILD_FLAGS and rel in RACE_KNOWN:
                    print(f"KNOWN {label}: {'passes' if ok else reason} ({RACE_KNOWN[rel]})")
                elif ok:
                    passed += 1
                    print(f"PASS {label}", flush=True)
                    if rel not in expected:
                        extra_pass.append(label)
                else:
                    failed += 1
                    tag = "FAIL" if rel in expected else "FAIL (not expected to pass yet)"
                    print(f"{tag} {label}: {reason}")
                    if out:
                        print("\n".join(first_lines(out)))
                    sys.stdout.flush()
                    if rel in expected:
                        bad_expected.append(label)
    for rel in skipped:
        print(f"SKIP {rel}: not under gcstress ({GCSTRESS_SKIP[rel]})")
    if EXTRA_ENV:
        print("conformance: programs run with " + " ".join(f"{k}={v}" for k, v in EXTRA_ENV.items()))
    if extra:
        print(f"conformance: {len(extra_pass)} file runs outside expected-pass.txt passed: "
              + (" ".join(extra_pass) or "none"))
    if bad_expected:
        print(f"conformance: {len(bad_expected)} expected-to-pass runs failed: " + " ".join(bad_expected))
    print(f"{passed} passed, {failed} failed")
    return 1 if bad_expected else 0


if __name__ == "__main__":
    sys.exit(main())
