#!/usr/bin/env python3
"""Run glc-fuzz (the libFuzzer target over glc's phases) for a fixed time.

Seeds are gathered at run time and read in place, never copied: every
/usr/share/go-1.19/test/**/*.go and test/lit/**/*.gl no longer than
--max-len gets a symbolic link in <work>/seeds, passed to libFuzzer as a
second corpus directory (it only ever writes to the first; -seed_inputs
would be ignored by -fork). The dictionary is test/fuzz/go.dict (Go's
keywords, operators, builtins). test/fuzz/regressions/fixed (past findings)
is replayed too.

Two modes:
  default   new inputs go into a fresh temporary corpus, so a run depends
            only on the seeds, -seed and the time (reproducible as far as
            libFuzzer's timing allows): what the `fuzz` test suite runs.
  --corpus DIR  keep the corpus in DIR across runs (make fuzz: build/fuzz/corpus).

The fuzzer's own output goes to <work>/fuzz.log; this script prints the
figures (executions, exec/s, coverage, corpus) and, after a finding, the
path of the saved input (<work>/artifacts/crash-*, timeout-*, oom-*, ...)
and the sanitizer report. The last line is "N passed, N failed": one test,
passed iff libFuzzer ran to its time limit without a finding.

Input size: -max_len defaults to 4096 bytes. Longer inputs mostly find
recursion depth (very long `a+a+...` chains, deep nesting), one known
stack-overflow class; the limit keeps the time for everything else.

Reproduce a finding:  build/bin/glc-fuzz <artifact>
Keep going past findings (long runs): run.py --seconds 1800 -- -fork=1 -ignore_crashes=1
Minimise it:          build/bin/glc-fuzz -minimize_crash=1 -runs=20000 <artifact>
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GO_TEST = "/usr/share/go-1.19/test"


def seeds(max_len):
    found = []
    for root, ext in ((GO_TEST, ".go"), (os.path.join(REPO, "test", "lit"), ".gl")):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for f in sorted(filenames):
                p = os.path.join(dirpath, f)
                if f.endswith(ext) and os.path.getsize(p) <= max_len:
                    found.append(p)
    return found


# "#1024 pulse cov: ... corp: 502/120Kb ... exec/s: 113 rss: 398Mb", and
# with -fork: "#13234: cov: 9069 ft: 33948 corp: 1002 exec/s: 184 ...".
STATUS = re.compile(r"^#(\d+):?\s+(?:\w+\s+)?cov: (\d+) ft: (\d+) corp: (\d+)(?:/(\S+))?"
                    r"(?: lim: \d+)?(?: exec/s: (\d+))?")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fuzzer", default=os.path.join(REPO, "build", "bin", "glc-fuzz"))
    ap.add_argument("--seconds", type=int, default=60, help="-max_total_time (default 60)")
    ap.add_argument("--work", default=None, help="log and artifacts (default: next to the fuzzer, ../fuzz)")
    ap.add_argument("--corpus", default=None, help="persistent corpus directory")
    ap.add_argument("--max-len", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=20, help="seconds per input before it is a finding")
    ap.add_argument("--rss-limit-mb", type=int, default=2048)
    ap.add_argument("extra", nargs="*", help="more libFuzzer flags (after --)")
    args = ap.parse_args()

    if not os.path.exists(args.fuzzer):
        print(f"fuzz: {args.fuzzer} does not exist (configure with -DGLC_FUZZ=ON)")
        print("0 passed, 1 failed")
        return 1
    work = os.path.abspath(args.work or os.path.join(os.path.dirname(args.fuzzer), "..", "fuzz"))
    artifacts = os.path.join(work, "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    log = os.path.join(work, "fuzz.log")
    seed_files = seeds(args.max_len)
    seed_dir = os.path.join(work, "seeds")
    shutil.rmtree(seed_dir, ignore_errors=True)
    os.makedirs(seed_dir)
    for i, p in enumerate(seed_files):
        os.symlink(p, os.path.join(seed_dir, f"{i:05d}-{os.path.basename(p)}"))

    with tempfile.TemporaryDirectory(prefix="glc-fuzz-") as tmp:
        corpus = os.path.abspath(args.corpus) if args.corpus else os.path.join(tmp, "corpus")
        os.makedirs(corpus, exist_ok=True)
        before = set(os.listdir(artifacts))
        cmd = [args.fuzzer, corpus, seed_dir, os.path.join(REPO, "test", "fuzz", "regressions", "fixed"),
               f"-dict={os.path.join(REPO, 'test', 'fuzz', 'go.dict')}",
               f"-seed={args.seed}", f"-max_total_time={args.seconds}",
               f"-max_len={args.max_len}", f"-timeout={args.timeout}",
               f"-rss_limit_mb={args.rss_limit_mb}",
               # LeakSanitizer after every input that frees less than it
               # allocates (LLVM's lazily built statics do, on first use)
               # cut throughput 15x. A compiler process compiles one file and
               # exits, so a leak is no defect: not checked.
               "-detect_leaks=0",
               f"-artifact_prefix={artifacts}/", "-print_final_stats=1"] + args.extra
        print(f"fuzz: {len(seed_files)} seed files (<= {args.max_len} bytes), "
              f"{args.seconds} s, -seed={args.seed}; log {log}", flush=True)
        print("fuzz: " + " ".join(cmd), flush=True)
        with open(log, "w") as lf:
            # A hard stop well past -max_total_time in case libFuzzer hangs.
            try:
                env = dict(os.environ)
                env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
                rc = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env,
                                    timeout=args.seconds + 300).returncode
            except subprocess.TimeoutExpired:
                rc = None
        new_artifacts = sorted(set(os.listdir(artifacts)) - before)

    with open(log, errors="replace") as lf:
        text = lf.read()
    last = None
    for line in text.splitlines():
        m = STATUS.match(line)
        if m:
            last = m
    stats = dict(re.findall(r"^stat::(\w+):\s+(\d+)", text, re.M))
    if last:
        print(f"fuzz: {last.group(1)} executions, cov: {last.group(2)} ft: {last.group(3)} "
              f"corpus: {last.group(4)} inputs{' / ' + last.group(5) if last.group(5) else ''}, "
              f"exec/s: {stats.get('average_exec_per_sec', last.group(6))}, "
              f"peak rss: {stats.get('peak_rss_mb', '?')} MB")
    findings = [a for a in new_artifacts if not a.startswith("slow-unit-")]
    failed = rc != 0 or findings
    if failed:
        why = "timed out (killed)" if rc is None else f"exit {rc}"
        print(f"fuzz: FINDING ({why}); inputs saved: "
              + (", ".join(os.path.join(artifacts, a) for a in findings) or "none"))
        # The sanitizer or libFuzzer report: from its first line on.
        at = max(text.rfind("==ERROR:"), text.rfind("glc-fuzz: "), text.rfind("==WARNING:"),
                 text.rfind("runtime error:"))
        start = text.rfind("\n", 0, at) + 1 if at >= 0 else max(0, len(text) - 4000)
        sys.stdout.write(text[start:start + 6000])
        print(f"\nreproduce: {args.fuzzer} <input>")
    print(f"{0 if failed else 1} passed, {1 if failed else 0} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
