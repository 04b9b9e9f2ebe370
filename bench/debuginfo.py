#!/usr/bin/env python3
"""The cost of debug information: executable size and compile time.

For each bench/programs/*.gl (or the programs named), builds it with
`glc build` three ways: the default (DWARF: compile units, subprograms,
line tables, types, variables), `-w` (no DWARF) and `-s` (no DWARF, no
symbol table), and reports
  * the executable's size, and how much of it is .debug_* sections;
  * the same for an empty program first (empty: the runtime's share,
    libglrt.a being built with -g);
  * glc build's user+sys CPU time, median of --rounds, with the object
    cache off (GLCCACHE=off: every package is compiled each time, so the
    figure is the whole program's; the cache keys -w/-s apart anyway);
and, when go1.19 is installed, go build's sizes with and without
-ldflags=-w / -s for comparison. CPU time rather than wall time: the
reference machine is shared. Standard library only; the table goes to
stdout.

    python3 bench/debuginfo.py [--glc build/bin/glc] [--rounds 3] [prog.gl ...]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODES = [("dwarf", []), ("-w", ["-w"]), ("-s", ["-s"])]


def cpu_of(cmd, env):
    """Runs cmd; returns the user+sys CPU seconds of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def debug_bytes(path):
    """Total size of the .debug_* sections (readelf -SW)."""
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True).stdout
    total = 0
    for line in out.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 5 and parts[1].startswith(".debug_"):
            total += int(parts[5], 16)
    return total


def kib(n):
    return f"{n / 1024:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("programs", nargs="*")
    a = ap.parse_args()
    progs = a.programs or sorted(
        os.path.join(HERE, "programs", f)
        for f in os.listdir(os.path.join(HERE, "programs")) if f.endswith(".gl"))
    env = dict(os.environ, GLCCACHE="off")
    have_go = shutil.which("go") is not None
    tmp = tempfile.mkdtemp(prefix="debuginfo-")
    # First row: an empty program, i.e. what the runtime (libglrt.a, built
    # with -g) and the start-up code bring to every executable.
    empty = os.path.join(tmp, "empty.gl")
    with open(empty, "w") as f:
        f.write("package main\n\nfunc main() {}\n")
    rows = []
    try:
        for prog in [empty] + progs:
            name = os.path.basename(prog)[:-3]
            r = {"name": name}
            for mode, flags in MODES:
                exe = os.path.join(tmp, f"{name}{mode}")
                times = [cpu_of([a.glc, "build", *flags, prog, "-o", exe], env)
                         for _ in range(a.rounds)]
                r[mode] = (os.path.getsize(exe), debug_bytes(exe), statistics.median(times))
            if have_go:
                src = os.path.join(tmp, name + ".go")
                shutil.copy(prog, src)
                for mode, ld in [("go", []), ("go-w", ["-ldflags=-w"]), ("go-s", ["-ldflags=-s -w"])]:
                    exe = os.path.join(tmp, name + mode)
                    subprocess.run(["go", "build", *ld, "-o", exe, src], check=True,
                                   env=dict(os.environ, GO111MODULE="off"),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    r[mode] = os.path.getsize(exe)
            rows.append(r)
            print(f"{name}: done", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    hdr = ("| program | size KiB (DWARF) | .debug_* KiB | -w KiB | -s KiB | DWARF share "
           "| build CPU s (DWARF) | -w | DWARF/-w |" + (" go KiB | go -w | go -s |" if have_go else ""))
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    ratios, shares = [], []
    for r in rows:
        (s0, d0, t0), (s1, _, t1), (s2, _, _) = r["dwarf"], r["-w"], r["-s"]
        ratios.append(t0 / t1 if t1 else float("nan"))
        shares.append(d0 / s0)
        line = (f"| {r['name']} | {kib(s0)} | {kib(d0)} | {kib(s1)} | {kib(s2)} | {100 * d0 / s0:.0f}% "
                f"| {t0:.2f} | {t1:.2f} | {t0 / t1:.2f} |")
        if have_go:
            line += f" {kib(r['go'])} | {kib(r['go-w'])} | {kib(r['go-s'])} |"
        print(line)
    print(f"\nmedian DWARF share of the executable: {100 * statistics.median(shares):.0f}%; "
          f"median build CPU ratio DWARF/-w: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
