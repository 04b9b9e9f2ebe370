#!/usr/bin/env python3
"""Differential test: every lit run test must behave the same under go1.19 and glc.

Go is the reference (a .gl file is a valid Go program). For each
test/lit/**/*.gl whose RUN lines run the program (`%glc run`, or
`%glc build ... -o %t` followed by running `%t`), this script:
  1. copies the file to <work>/<n>/x.go and x.gl,
  2. builds x.go with `go build` (GO111MODULE=off, GOCACHE under <work>) and
     runs the binary (same as `go run` minus its "exit status N" line, and with
     the program's real exit code rather than go run's 1),
  3. runs `glc run x.gl`,
  4. compares exit code, stdout, and stderr. Stderr is compared exactly up to
     and including the first line starting with "goroutine "; after it, the
     sequence of main.* frames of the traceback is compared, each as its
     function name and its file:line (the directory and the .go/.gl
     extension masked, and the +0x offset (and level 2's fp= sp= pc=)
     dropped: they legitimately differ), `created by main.f` lines likewise.
examples/*.gl are always compared too (they must run identically under go).
Files containing a line `// NODIFF: reason` are skipped and listed.

Stress runs: `--env VAR=VALUE` (repeatable) sets VAR for glc's program only,
e.g. `--env GODEBUG=gcstress=1,gcpoison=1` (a collection at every
allocation, freed memory poisoned: `make gcstress-check`); go1.19 still runs
normally and is the reference. `--gomaxprocs 1,2` runs each program once
per value (go and glc both get it). Under a GODEBUG with gcstress, files
with a line `// NOGCSTRESS: reason` are skipped and listed with the reason
(lit honours the same line, test/lit/lit.cfg.py). `--timeout` scales the
per-run limit for such slow runs. `--files-from LIST` takes the files
(relative to the repository, `#` comments) from a list.

Prints one line per file (PASS name / FAIL name + short diff), then
"N passed, N failed". Exit status 1 iff something failed. Without `go` on
PATH it says so, prints "0 passed, 0 failed" and exits 0 (CI installs go).
"""
import argparse
import concurrent.futures
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 60  # seconds per program run

RUN_LINE = re.compile(r"//\s*RUN:(.*)$")
SIGNAL_PC = re.compile(r"^(\[signal .*)pc=0x[0-9a-f]+\]", re.M)
NODIFF = re.compile(r"^\s*//\s*NODIFF:\s*(.*)$", re.M)
NOGCSTRESS = re.compile(r"^\s*//\s*NOGCSTRESS:\s*(.*)$", re.M)
GLC_RUN = re.compile(r"%glc\s+run\b")
GLC_BUILD = re.compile(r"%glc\s+build\b.*-o\s+%t\b")
# %t run directly, after `not`, or after `env VAR=value ...` (tests that set
# GOMAXPROCS or GODEBUG for their runs were not diffed before).
EXEC_T = re.compile(r"(^|&&|;|\||\bnot|\benv(?:\s+-u\s+\w+|\s+\w+=\S*)*)\s*%t(\s|$)")


def is_run_test(src):
    """True if the RUN lines run the program (not just compile or check IR)."""
    runs = [m.group(1) for m in map(RUN_LINE.search, src.splitlines()) if m]
    if any(GLC_RUN.search(r) for r in runs):
        return True
    builds = any(GLC_BUILD.search(r) and not re.search(r"\bnot\s+%glc\s+build", r) for r in runs)
    return builds and any(EXEC_T.search(r) for r in runs)


def find_tests(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("Inputs", "tools", "Output"))
        for fn in sorted(filenames):
            if fn.endswith(".gl"):
                yield os.path.join(dirpath, fn)


# At traceback level 2 (GOTRACEBACK=system, a runtime throw) go1.19 adds
# " fp=0x... sp=0x... pc=0x..." after the offset; glc does not print them.
FILE_LINE = re.compile(r"^\t(?:.*/)?([^/\s]+?)(?:\.go|\.gl)?:(\d+)(?: \+0x[0-9a-f]+)?"
                       r"(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?$")


def frame_location(lines, i):
    """The masked file:line of the frame whose name is lines[i]: the
    tab-indented line after it, as "x:12" (directory, .go/.gl and the +0x
    offset dropped); "?" if there is none."""
    if i + 1 < len(lines):
        m = FILE_LINE.match(lines[i + 1])
        if m:
            return f"{m.group(1)}:{m.group(2)}"
    return "?"


def frame_names(lines):
    """main.* frames of a traceback (function name and masked file:line, not
    the tab-indented lines themselves), and `created by main.f` lines,
    marked as such."""
    names = []
    for i, ln in enumerate(lines):
        if ln.startswith("\t"):
            continue
        if ln.startswith("created by "):
            name = ln[len("created by "):].split(" ", 1)[0]
            if name.startswith("main."):
                names.append("created by " + name + " at " + frame_location(lines, i))
            continue
        if not ln.endswith(")") or "(" not in ln:
            continue
        name = ln[:ln.rfind("(")]
        if name.startswith("main."):
            names.append(name + " at " + frame_location(lines, i))
    return names


def normalise_stderr(text):
    """Stderr up to and including the first 'goroutine ' line, plus main.* frames (name, file:line) after it.
    In a fault's signal line ([signal SIGSEGV: ... pc=0x...]) the pc is an
    address in the binary, never the same under two compilers: it is masked."""
    text = SIGNAL_PC.sub(r"\1pc=PC]", text)
    lines = text.splitlines()
    for i, ln in enumerate(lines):
        if ln.startswith("goroutine "):
            head = lines[:i + 1]
            return "\n".join(head + ["[frames] " + " <- ".join(frame_names(lines[i + 1:]))])
    return "\n".join(lines)


def display_name(path):
    """test/lit files relative to test/lit (as lit names them); others relative to the repo."""
    lit = os.path.join(REPO, "test", "lit") + os.sep
    return path[len(lit):] if path.startswith(lit) else os.path.relpath(path, REPO)


def run(cmd, cwd, env, timeout=TIMEOUT):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    except OSError as e:
        return "cannot run", "", str(e)


def short_diff(what, want, got, limit=12):
    d = list(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                  f"go {what}", f"glc {what}", lineterm="", n=1))
    if len(d) > limit:
        d = d[:limit] + [f"... ({len(d) - limit} more diff lines)"]
    return ["    " + x for x in d]


def check(path, idx, args, env):
    """Build the program with go, run it and glc's once per GOMAXPROCS value
    (args.procs; None = unset); (ok, report lines)."""
    name = display_name(path)
    work = os.path.join(args.work, str(idx))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copyfile(path, os.path.join(work, "x.go"))
    shutil.copyfile(path, os.path.join(work, "x.gl"))

    rc, out, err = run(["go", "build", "-o", "x.go.exe", "x.go"], work, env)
    if rc != 0:
        return False, [f"FAIL {name}: go build failed (not valid Go? add // NODIFF: reason)"] + \
            ["    " + x for x in err.splitlines()[:8]]
    if args.env or args.procs != [None]:
        # Build once, run many: `glc run` would recompile for each run.
        rc, out, err = run([args.glc, "build", "x.gl", "-o", "x.gl.exe"], work, env)
        if rc != 0:
            return False, [f"FAIL {name}: glc build failed (exit {rc})"] + \
                ["    " + x for x in err.splitlines()[:8]]
        glcmd = [os.path.join(work, "x.gl.exe")]
    else:
        glcmd = [args.glc, "run", "x.gl"]

    problems = []
    for procs in args.procs:
        penv = dict(env) if procs is None else dict(env, GOMAXPROCS=str(procs))
        go = run([os.path.join(work, "x.go.exe")], work, penv, args.timeout)
        if go[0] == "timeout":
            # The reference itself hung: go1.19's binary of
            # sched/syscall_pipe.gl does, about 1 run in 40 at GOMAXPROCS=2
            # (its pipe hand-offs). Ask it once more rather than blame glc.
            go = run([os.path.join(work, "x.go.exe")], work, penv, args.timeout)
        gl = run(glcmd, work, dict(penv, **args.env), args.timeout)
        where = "" if procs is None else f" [GOMAXPROCS={procs}]"
        if go[0] != gl[0]:
            problems.append(f"    exit code{where}: go {go[0]}, glc {gl[0]}")
        if go[1] != gl[1]:
            problems += short_diff("stdout" + where, go[1], gl[1])
        e_go, e_gl = normalise_stderr(go[2]), normalise_stderr(gl[2])
        if e_go != e_gl:
            problems += short_diff("stderr" + where, e_go, e_gl)
    if problems:
        return False, [f"FAIL {name}"] + problems
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return True, [f"PASS {name}"]


def read_list(path):
    """Paths (relative to the repository) from a list file, # comments allowed."""
    names = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(os.path.join(REPO, line))
    return names


def main():
    ap = argparse.ArgumentParser(description="glc vs go1.19 differential test over test/lit run tests")
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--work", default=os.path.join(REPO, "build", "difftest"),
                    help="scratch directory (default build/difftest)")
    ap.add_argument("--keep", action="store_true", help="keep scratch dirs of passing tests")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--env", action="append", default=[], metavar="VAR=VALUE",
                    help="set VAR for glc's programs only (repeatable), e.g. GODEBUG=gcstress=1,gcpoison=1")
    ap.add_argument("--gomaxprocs", default="",
                    help="comma-separated values, e.g. 1,2: run each program once per value")
    ap.add_argument("--timeout", type=int, default=TIMEOUT,
                    help=f"seconds per run of each program (default {TIMEOUT})")
    ap.add_argument("--files-from", help="take the .gl files from this list (repository-relative)")
    ap.add_argument("files", nargs="*", help="only these .gl files (default: all of test/lit)")
    args = ap.parse_args()
    try:
        args.env = dict(e.split("=", 1) for e in args.env)
    except ValueError:
        ap.error("--env wants VAR=VALUE")
    args.procs = [int(x) for x in args.gomaxprocs.split(",") if x.strip()] or [None]
    gcstress = "gcstress=" in args.env.get("GODEBUG", "")
    args.glc = os.path.abspath(args.glc)
    args.work = os.path.abspath(args.work)

    if shutil.which("go") is None:
        print("difftest: `go` is not installed; skipping (install golang-go)")
        print("0 passed, 0 failed")
        return 0

    chosen = [os.path.abspath(f) for f in args.files] + (read_list(args.files_from) if args.files_from else [])
    files = chosen or list(find_tests(os.path.join(REPO, "test", "lit")))
    examples = [] if chosen else sorted(glob.glob(os.path.join(REPO, "examples", "*.gl")))
    todo, skipped = [], []
    for f in files + examples:
        with open(f, encoding="utf-8", errors="replace") as fh:
            src = fh.read()
        m = NODIFF.search(src)
        g = NOGCSTRESS.search(src) if gcstress else None
        if m:
            skipped.append((f, "NODIFF: " + m.group(1).strip()))
        elif g:
            skipped.append((f, "NOGCSTRESS: " + g.group(1).strip()))
        elif f in examples or f.startswith(os.path.join(REPO, "examples") + os.sep) or is_run_test(src):
            todo.append(f)

    os.makedirs(args.work, exist_ok=True)
    env = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(args.work, "gocache"),
               GOFLAGS="")
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(check, f, i, args, env) for i, f in enumerate(todo)]
        for fut in futures:  # in file order, so the log is stable
            ok, lines = fut.result()
            print("\n".join(lines), flush=True)
            passed += ok
            failed += not ok
    for f, why in skipped:
        print(f"SKIP {display_name(f)}: {why}")
    extra = "".join(f" {k}={v}" for k, v in args.env.items())
    print(f"difftest: {len(todo)} programs compared, {len(skipped)} skipped (NODIFF"
          + (", NOGCSTRESS" if gcstress else "") + ")"
          + (f", glc's runs with{extra}" if extra else "")
          + ("" if args.procs == [None] else f", GOMAXPROCS {args.gomaxprocs}"))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
