#!/usr/bin/env python3
"""Network benchmarks (issue 12), glc against go1.19 in one run.

  echo: bench/net/net_echo.gl, 200 clients x 2,000 round trips of 64
        bytes over loopback. Reports the minimum CPU time (user+sys, from
        wait4's rusage) and the median wall time over --rounds runs, run
        round-robin (glc, go, glc, go...) so machine load hits both alike;
        the minimum CPU is the figure least disturbed by other load.
  idle: bench/net/net_idle.gl accepts 10,000 connections this script
        opens (its own process: 20,000 descriptors do not fit one process's
        limit) and parks a goroutine in Read on each; memory per idle
        connection = (RSS with the connections - RSS after Listen) / 10,000,
        from /proc/PID/status, median over --rounds.

Usage: bench/net/run.py [--glc build/bin/glc] [--rounds 3] [--only echo|idle]

First run (2 cores shared with other jobs, load average 10-16, 3 rounds):
echo CPU min glc 9.86 s, go1.19 10.59 s (0.93x); wall median glc 40.5 s,
go 18.6 s (2.18x); idle connection glc 2,833 bytes, go 3,350 (0.85x).
GODEBUG=schedtrace shows glc's two Ps never idle during echo (run queues
full): its wall time there is the CPU share two busy threads get on a
loaded machine, not time spent waiting; compare wall on a quiet machine.
"""
import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROGS = HERE


def build(glc, name, tmp):
    src = os.path.join(PROGS, name + ".gl")
    exe_glc = os.path.join(tmp, name + "-glc")
    subprocess.run([glc, "build", "-O2", src, "-o", exe_glc], check=True)
    gosrc = os.path.join(tmp, name + ".go")
    shutil.copy(src, gosrc)
    exe_go = os.path.join(tmp, name + "-go")
    subprocess.run(["go", "build", "-o", exe_go, gosrc], check=True, cwd=tmp)
    return {"glc": exe_glc, "go": exe_go}


def run_cpu(exe):
    t0 = time.perf_counter()
    p = subprocess.Popen([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    return wall, ru.ru_utime + ru.ru_stime, out.decode(errors="replace")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run_idle(exe, conns=10000):
    p = subprocess.Popen([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = p.stdout.readline().split()
    if len(line) < 2 or line[0] != "listening":
        p.kill()
        raise RuntimeError(f"{exe}: unexpected output {line}")
    host, port = line[1].rsplit(":", 1)
    time.sleep(0.2)
    base = rss_kb(p.pid)
    socks = []
    for _ in range(conns):
        s = socket.create_connection((host, int(port)))
        socks.append(s)
    ready = p.stdout.readline().strip()
    if ready != f"idle {conns}":
        p.kill()
        raise RuntimeError(f"{exe}: unexpected output {ready!r}")
    time.sleep(0.2)
    full = rss_kb(p.pid)
    for s in socks:
        s.close()
    p.wait(timeout=60)
    return (full - base) * 1024 / conns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--glc", default=os.path.join(REPO, "build", "bin", "glc"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["echo", "idle"])
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "echo"):
            exes = build(args.glc, "net_echo", tmp)
            res = {"glc": [], "go": []}
            for _ in range(args.rounds):
                for k in ("glc", "go"):
                    wall, cpu, out = run_cpu(exes[k])
                    if "bad 0" not in out:
                        print(f"{k}: net_echo output: {out.strip()}", file=sys.stderr)
                    res[k].append((wall, cpu))
            g = {k: (statistics.median(w for w, _ in v), min(c for _, c in v)) for k, v in res.items()}
            rows.append(("echo 200x2000x64B: wall median (s)", g["glc"][0], g["go"][0]))
            rows.append(("echo 200x2000x64B: CPU min (s)", g["glc"][1], g["go"][1]))
        if args.only in (None, "idle"):
            exes = build(args.glc, "net_idle", tmp)
            res = {"glc": [], "go": []}
            for _ in range(args.rounds):
                for k in ("glc", "go"):
                    res[k].append(run_idle(exes[k]))
            rows.append(("idle conn: bytes/conn (median)", statistics.median(res["glc"]),
                         statistics.median(res["go"])))
    print("| benchmark | glc | go1.19 | glc/go |")
    print("|---|---|---|---|")
    for name, a, b in rows:
        print(f"| {name} | {a:.2f} | {b:.2f} | {a / b if b else float('nan'):.2f} |")


if __name__ == "__main__":
    main()
