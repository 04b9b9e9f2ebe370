"""The loop shared by the random differential generators (callgen, constgen,
fmtgen, cmpgen): parse the common options, build each generated program with
go1.19 (the reference) and with glc at one or more optimisation levels, run
every build, compare the outputs (stdout + stderr, exit status) and print one
line per program, then "N passed, N failed".

A generator supplies its programs (already generated from --seed, so the
random stream is the generator's own), how to render one as Go source, how
many tests it holds, and optionally how to count a failing program's failed
tests and what to print about a failure (see run()).

    ap = genharness.parser(__doc__, count=400, per_file=50)
    ap.add_argument("--depth", ...)           # the generator's own options
    args = genharness.parse(ap)
    ...generate programs from args.seed...
    return genharness.run(args, "callgen", programs, source=..., ntests=len)
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parser(doc, count, per_file):
    """The options every generator has; the caller may add its own."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=count, help="number of random tests")
    ap.add_argument("--per-file", type=int, default=per_file, help="tests per generated program")
    ap.add_argument("--keep", help="keep the generated programs in this directory")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    return ap


def parse(ap):
    args = ap.parse_args()
    args.glc = os.path.abspath(args.glc)  # programs are built in their own directories
    return args


def program_sizes(args):
    """The number of tests of each program: --count packed --per-file."""
    return [min(args.per_file, args.count - k * args.per_file)
            for k in range((args.count + args.per_file - 1) // args.per_file)]


def run_exe(exe, cwd, binary=False, env=None, timeout=60):
    """(exit status, stdout + stderr) of running a built program."""
    try:
        r = subprocess.run([exe], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL,
                           env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ("timeout", "")
    out = r.stdout + r.stderr
    return (r.returncode, out.decode(errors="surrogateescape" if binary else "replace"))


def build_and_run(cmd_build, exe, cwd, env=None, binary=False):
    """(exit status, stdout + stderr) of building and running a program, or
    ("build failed", the build's output). With `binary` the output is kept
    byte for byte (fmt prints invalid UTF-8): decoded with surrogateescape."""
    p = subprocess.run(cmd_build, cwd=cwd, capture_output=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=300)
    if p.returncode != 0:
        return ("build failed", (p.stdout + p.stderr).decode(errors="replace"))
    return run_exe(exe, cwd, binary)


def first_diff(a, b):
    """(line index, reference line, glc line) of the first difference, or None."""
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<missing>"
        y = bl[i] if i < len(bl) else "<missing>"
        if x != y:
            return i, x, y
    return None


def check_program(glc, work, k, src, go_env, opts, binary, reruns=()):
    """Writes program k as x.go and x.gl in work/p<k>; returns the reference's
    result and glc's per optimisation level (and per rerun: (label, opt,
    env) runs glc's `opt` build again with `env` added to the environment)."""
    d = os.path.join(work, f"p{k}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "x.go"), "w") as f:
        f.write(src)
    shutil.copy(os.path.join(d, "x.go"), os.path.join(d, "x.gl"))
    ref = build_and_run(["go", "build", "-o", "x_go", "x.go"], os.path.join(d, "x_go"), d,
                        go_env, binary)
    outs = {}
    for opt in opts:
        outs[opt] = build_and_run([glc, "build", opt, "x.gl", "-o", "x_glc" + opt],
                                  os.path.join(d, "x_glc" + opt), d, None, binary)
    for label, opt, env in reruns:
        if outs[opt][0] == "build failed":
            continue
        outs[label] = run_exe(os.path.join(d, "x_glc" + opt), d, binary,
                              dict(os.environ, **env), timeout=120)
    return ref, outs


def default_report(k, prog, bad, ref, trunc=None):
    """For each differing build: its exit status if it differs, the first
    differing line (cut to `trunc` characters), or the build's errors."""
    cut = (lambda s: s[:trunc]) if trunc else (lambda s: s)
    for opt, o in bad:
        if o[0] != ref[0]:
            print(f"  glc {opt}: exit {o[0]}, go: exit {ref[0]}")
        d = first_diff(ref[1], o[1])
        if d:
            i, x, y = d
            print(f"  glc {opt} line {i + 1}:\n    go:  {cut(x)}\n    glc: {cut(y)}")
        elif o[0] == "build failed":
            print("  " + o[1][:2000])


def run(args, name, programs, source, ntests, *, opts=("-O2", "-O0"), binary=False,
        count_failed=None, report=default_report, reruns=None, normalise=None):
    """Builds and runs every program with go and glc; returns the exit status
    (1 iff a test failed).

    programs: the generated programs (any objects), numbered k = 0, 1, ...
    source(k, prog): its Go source (the same file is built by glc as x.gl).
    ntests(prog): how many tests it holds.
    opts: glc's optimisation levels; every one must print what go's build does.
    binary: compare output bytes (see build_and_run).
    count_failed(prog, ref, bad): how many of a differing program's tests
      failed (default: all of them).
    report(k, prog, bad, ref): prints what differs (bad: [(opt, result)]).
    reruns(k): [(label, opt, env)]: program k's glc build at `opt` is run
      again with `env` (e.g. GODEBUG=gcstress=1); it must print what go's did.
    normalise(text): applied to every output before comparing (e.g. to cut
      an uncaught panic's traceback, whose paths and offsets differ).
    """
    if not shutil.which("go"):
        print(f"go not found: {name} needs go1.19 as the reference")
        print("0 passed, 0 failed")
        return 0
    work = args.keep or tempfile.mkdtemp(prefix=name + "-")
    os.makedirs(work, exist_ok=True)
    go_env = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(work, "gocache"),
                  GOFLAGS="")
    keep = args.keep
    passed = failed = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(check_program, args.glc, work, k, source(k, p), go_env, opts, binary,
                              reruns(k) if reruns else ())
                    for k, p in enumerate(programs)]
            for k, fut in enumerate(futs):
                ref, outs = fut.result()
                if normalise:
                    ref = (ref[0], normalise(ref[1]))
                    outs = {o: (v[0], normalise(v[1]) if v[0] != "build failed" else v[1])
                            for o, v in outs.items()}
                n = ntests(programs[k])
                bad = [(opt, o) for opt, o in outs.items() if o != ref]
                if not bad:
                    passed += n
                    print(f"PASS program {k} (seed {args.seed}, {n} tests)")
                    continue
                nbad = count_failed(programs[k], ref, bad) if count_failed else n
                failed += nbad
                passed += n - nbad
                detail = f"{nbad} tests differ; " if count_failed else ""
                print(f"FAIL program {k} (seed {args.seed}): {detail}"
                      f"source in {os.path.join(work, f'p{k}', 'x.go')}")
                report(k, programs[k], bad, ref)
                keep = work  # keep the failing sources
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
