#!/usr/bin/env python3
"""Run every test suite of glc + glrt and sum the results (what `make test` runs).

Suites, in order; each runs even when an earlier one failed:
  build               the cmake build that make ran just before (--build-status)
  compiler-unittests  GoogleTest, build/bin/compiler-unittests
  runtime-unittests   GoogleTest, build/bin/runtime-unittests
  runtime-unittests-asan  the same tests against the ASan+UBSan runtime (if built)
  runtime-unittests-tsan  the same tests under ThreadSanitizer (if built); a data
                      race makes it exit 66, counted as a failure
  lit                 test/lit (lit + FileCheck), exec root under the build dir
  lit gcstress=1      a subset of test/lit with a collection at every allocation and
                      freed memory poisoned (GODEBUG=gcstress=1,gcpoison=1), GOMAXPROCS 1 and 2
  difftest            every lit run test also run by go1.19; outputs must match
  difftest gcstress=1 a slice of difftest (test/difftest/gcstress-subset.txt) with glc's
                      programs under GODEBUG=gcstress=1,gcpoison=1, GOMAXPROCS 1 and 2
  callgen             400 random evaluation-order tests (test/difftest/callgen.py), vs go1.19
  constgen            400 random untyped-constant expressions (test/difftest/constgen.py), vs go1.19
  fmtgen              400 random fmt calls: values and format strings (test/difftest/fmtgen.py), vs go1.19
  cmpgen              150 random struct/array/interface comparisons (test/difftest/cmpgen.py), vs go1.19
  progen              120 random tests of methods, interfaces, defer/panic/recover, maps, closures,
                      goto, goroutines and init order (test/difftest/progen.py), vs go1.19; glc's
                      -O2 builds of half the programs also under GODEBUG=gcstress=1,gcpoison=1
  exprgen             200 random non-constant integer/float/string expressions and statements
                      (test/difftest/exprgen.py), vs go1.19; glc's -O0 builds also at GOMAXPROCS=1,
                      a quarter of the -O2 builds under GODEBUG=gcstress=1,gcpoison=1
  conformance         Go's own test files from /usr/share/go-1.19/test
  conformance gcstress=1  a slice of them (test/conformance/gcstress-subset.txt) under the
                      same stress, GOMAXPROCS 1 and 2
  race                a subset of the lit programs and examples under glc -race
                      (test/lit/race/ci-subset.txt; `make race-check`: all of them)
  fuzz                glc-fuzz (test/fuzz) for FUZZ_SECONDS from Go's test files
                      and test/lit as seeds, -seed=1: one test, failed by any finding

Counting: a suite contributes its own test counts. A suite that cannot run
(binary missing, crashed before reporting, timed out) counts as one failure,
so the summary never looks green when something did not run. The last line
printed is exactly "N passed, N failed"; the exit status is 0 iff N failed is 0.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import signal
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIT = "/usr/lib/llvm-19/build/utils/lit/lit.py"
# Seconds per suite; a hung suite is killed and counted as a failure, so
# `make test` stays well under 30 minutes even when something deadlocks.
# All suites together get TOTAL_BUDGET; each gets at most what is left.
GTEST_TIMEOUT = 300
SCRIPT_TIMEOUT = 600
TOTAL_BUDGET = 27 * 60
# The fuzz suite's run: long enough to load the ~3,100 seeds (~15 s) and
# mutate for the rest; `make fuzz` runs longer.
FUZZ_SECONDS = 60
START = time.monotonic()


def budget(t):
    return max(30, min(t, int(TOTAL_BUDGET - (time.monotonic() - START))))
COUNT_LINE = re.compile(r"^(\d+) passed, (\d+) failed\s*$")


class Result:
    def __init__(self, name, passed=0, failed=0, note=""):
        self.name, self.passed, self.failed, self.note = name, passed, failed, note


def banner(name):
    print(f"\n===== {name} =====", flush=True)


def run_streaming(cmd, timeout, env=None, cwd=None):
    """Run cmd, echoing its output as it comes; return (rc, output), rc None on timeout.

    A watchdog timer kills the whole process group at the deadline, so a
    suite that hangs without printing cannot hang `make test`.
    """
    out = []
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env, cwd=cwd, text=True,
                             errors="replace", start_new_session=True)
    except OSError as e:
        return None, f"cannot start {cmd[0]}: {e}"
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass

    timeout = budget(timeout)
    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        for line in p.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            out.append(line)
        p.wait()
    finally:
        timer.cancel()
    if timed_out.is_set():
        msg = f"\n(suite timed out after {timeout}s and was killed)\n"
        sys.stdout.write(msg)
        return None, "".join(out) + msg
    return p.returncode, "".join(out)


def gtest_suite(name, exe, optional=False, timeout=GTEST_TIMEOUT):
    banner(name)
    if not os.path.exists(exe):
        if optional:
            print(f"{name}: not built, skipped")
            return None
        print(f"{name}: {exe} does not exist (not built)")
        return Result(name, 0, 1, "not built")
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "out.json")
        rc, _ = run_streaming([exe, "--gtest_brief=1", f"--gtest_output=json:{js}"], timeout)
        if rc is None:
            return Result(name, 0, 1, "timed out")
        try:
            with open(js) as f:
                data = json.load(f)
        except (OSError, ValueError):
            print(f"{name}: exited {rc} without a result file")
            return Result(name, 0, 1, f"crashed (exit {rc})")
    total = data.get("tests", 0) - data.get("disabled", 0)
    failed = data.get("failures", 0) + data.get("errors", 0)
    res = Result(name, total - failed, failed)
    if rc != 0 and failed == 0:  # e.g. a leak checker or crash after the tests
        res.failed, res.note = 1, f"exit {rc}"
    return res


def lit_python():
    """The Debian python3 (which has python3-psutil from make deps) if present."""
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def have_psutil(py):
    return subprocess.run([py, "-c", "import psutil"], stdin=subprocess.DEVNULL,
                          capture_output=True).returncode == 0


# lit paths run under GODEBUG=gcstress=1 (see main): a slice that fits in
# make test's time. The whole tree passes under gcstress (`make
# gcstress-check`, scripts/gcstress-check.py); this leaves out, for time
# only, the gc/ and maps/ programs that allocate hundreds of MB or hundreds of
# thousands of objects on purpose (together ~50 s more per GOMAXPROCS value
# on 2 loaded cores; each passes under gcstress).
GCSTRESS_SUBSET = ("gc", "maps", "iface")
GCSTRESS_SKIP = r"bounded_heap|memstats|dropped_list|rss_shrink|maps/growth|maps/iface_keys|sweep_concurrent"
# The same stress over a slice of difftest and of the conformance list
# (each file run at GOMAXPROCS 1 and 2; the lists say what they cover).
GCSTRESS_ENV = "GODEBUG=gcstress=1,gcpoison=1"
GCSTRESS_DIFFTEST = "test/difftest/gcstress-subset.txt"
GCSTRESS_CONFORMANCE = "test/conformance/gcstress-subset.txt"


def lit_suite(build, name="lit", paths=("",), extra_env=None, filter_out=None,
              per_test_timeout=60, jobs=2):
    banner(name)
    if not os.path.exists(LIT):
        print(f"lit: {LIT} missing (install llvm-19-tools)")
        return Result(name, 0, 1, "lit missing")
    env = dict(os.environ, GLC_BUILD_DIR=build, **(extra_env or {}))
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, "lit.json")
        py = lit_python()
        cmd = [py, LIT, "-sv", "-j", str(jobs), "-o", js]
        if have_psutil(py):
            cmd += ["--timeout", str(per_test_timeout)]  # per test; needs psutil
        else:
            print("lit: python3-psutil missing, so no per-test timeout")
        if filter_out:
            cmd += ["--filter-out", filter_out]
        cmd += [os.path.join(REPO, "test", "lit", p) for p in paths]
        rc, _ = run_streaming(cmd, SCRIPT_TIMEOUT, env=env)
        if rc is None:
            return Result(name, 0, 1, "timed out")
        try:
            with open(js) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return Result(name, 0, 1, f"no results (exit {rc})")
    good = {"PASS", "XFAIL", "FLAKYPASS"}
    neutral = {"UNSUPPORTED", "EXCLUDED", "SKIPPED"}
    passed = failed = 0
    for t in data.get("tests", []):
        if t["code"] in good:
            passed += 1
        elif t["code"] not in neutral:
            failed += 1
    res = Result(name, passed, failed)
    if rc not in (0, 1):  # 1 = some tests failed; anything else = lit itself broke
        res.failed += 1
        res.note = f"lit exit {rc}"
    return res


def counting_script(name, cmd):
    """A suite whose script ends with "N passed, N failed" and exits non-zero on failure."""
    banner(name)
    rc, out = run_streaming(cmd, SCRIPT_TIMEOUT)
    counts = None
    for line in out.splitlines():
        m = COUNT_LINE.match(line)
        if m:
            counts = (int(m.group(1)), int(m.group(2)))
    if rc is None:
        return Result(name, counts[0] if counts else 0, (counts[1] if counts else 0) + 1, "timed out")
    if counts is None:
        return Result(name, 0, 1, f"no count line (exit {rc})")
    res = Result(name, *counts)
    if rc != 0 and res.failed == 0:
        res.failed, res.note = 1, f"exit {rc}"
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--build-status", type=int, default=0,
                    help="exit status of the build step that ran before")
    args = ap.parse_args()
    build = os.path.abspath(os.path.join(REPO, args.build_dir)) \
        if not os.path.isabs(args.build_dir) else args.build_dir
    bindir = os.path.join(build, "bin")
    glc = os.path.join(bindir, "glc")
    py = sys.executable

    results = []
    results.append(Result("build", 0, 0, "ok") if args.build_status == 0
                   else Result("build", 0, 1, f"build exited {args.build_status}"))
    for name, optional in (("compiler-unittests", False), ("runtime-unittests", False),
                           ("runtime-unittests-asan", True), ("runtime-unittests-tsan", True)):
        # TSan: ~2.5 min on 2 loaded cores (5-15x slower than the plain run).
        r = gtest_suite(name, os.path.join(bindir, name), optional,
                        GTEST_TIMEOUT * 2 if name.endswith("-tsan") else GTEST_TIMEOUT)
        if r:
            results.append(r)
    results.append(lit_suite(build))
    # Everything concurrent must also pass on one P (CI machines have 2 CPUs,
    # so the run above is GOMAXPROCS=2 there).
    results.append(lit_suite(build, "lit GOMAXPROCS=1",
                             ("sched", "stacks", "chan", "time", "sync", "run", "preempt"),
                             {"GOMAXPROCS": "1"}))
    # The collector under stress: a collection every allocation
    # (GODEBUG=gcstress=1) with freed memory poisoned, on 1 and 2 Ps, over a
    # representative subset (the gc/ programs, maps, interfaces; ~26 s per
    # run on 2 loaded cores; run/ passes too but takes ~90 s): a missed
    # root fails loudly.
    for procs in ("1", "2"):
        results.append(lit_suite(build, f"lit gcstress=1 GOMAXPROCS={procs}", GCSTRESS_SUBSET,
                                 {"GOMAXPROCS": procs, "GODEBUG": "gcstress=1,gcpoison=1"},
                                 GCSTRESS_SKIP))
    results.append(counting_script("difftest", [py, os.path.join(REPO, "test/difftest/difftest.py"),
                                                "--glc", glc, "--work", os.path.join(build, "difftest")]))
    # difftest and conformance slices under the same stress (measured on 2
    # cores shared with other builds: difftest 22 programs x 2 runs 75 s at
    # load ~14, conformance 15 files x 2 runs 26 s at load ~8-11; the whole
    # sweep is `make gcstress-check`).
    results.append(counting_script("difftest gcstress=1", [
        py, os.path.join(REPO, "test/difftest/difftest.py"), "--glc", glc,
        "--work", os.path.join(build, "difftest-gcstress"), "--env", GCSTRESS_ENV,
        "--gomaxprocs", "1,2", "--timeout", "120",
        "--files-from", os.path.join(REPO, GCSTRESS_DIFFTEST)]))
    results.append(counting_script("conformance gcstress=1", [
        py, os.path.join(REPO, "test/conformance/run.py"), "--glc", glc, "--env", GCSTRESS_ENV,
        "--gomaxprocs", "1,2", "--timeout", "120", "--jobs", "2",
        "--files-from", os.path.join(REPO, GCSTRESS_CONFORMANCE)]))
    # Random evaluation-order programs (counting calls in every statement
    # form) against go1.19; a fixed seed keeps the run reproducible.
    results.append(counting_script("callgen", [py, os.path.join(REPO, "test/difftest/callgen.py"),
                                               "--glc", glc, "--seed", "1", "--count", "400"]))
    # Random constant expressions (exact untyped arithmetic, rounding of
    # conversions) against go1.19, fixed seed.
    results.append(counting_script("constgen", [py, os.path.join(REPO, "test/difftest/constgen.py"),
                                                "--glc", glc, "--seed", "1", "--count", "400"]))
    # Random fmt.Sprintf/Print/Println calls against go1.19, fixed seed.
    results.append(counting_script("fmtgen", [py, os.path.join(REPO, "test/difftest/fmtgen.py"),
                                              "--glc", glc, "--seed", "1", "--count", "400"]))
    # Random == on structs/arrays/interfaces (Go's order: stop at the first
    # difference, panic only on reaching an uncomparable value), as tags
    # and cases of switches, map keys and defer/go arguments; fixed seed.
    results.append(counting_script("cmpgen", [py, os.path.join(REPO, "test/difftest/cmpgen.py"),
                                              "--glc", glc, "--seed", "1", "--count", "150"]))
    # Random programs mixing methods, interfaces, defer/panic/recover, maps,
    # closures, goto, goroutines, implicit conversions and init order, each
    # also at GOMAXPROCS 1 and 4, half of them under the collector's stress;
    # fixed seed (10 programs: 39 s at load 5 on 2 cores, 93 s for 6 at
    # load 10).
    results.append(counting_script("progen", [py, os.path.join(REPO, "test/difftest/progen.py"),
                                              "--glc", glc, "--seed", "1", "--count", "120",
                                              "--stress-share", "0.5"]))
    # Random run-time computation (every integer kind, floats, strings,
    # shifts, conversions, division by zero, panics' order) against go1.19,
    # fixed seed.
    results.append(counting_script("exprgen", [py, os.path.join(REPO, "test/difftest/exprgen.py"),
                                               "--glc", glc, "--seed", "1", "--count", "200"]))
    results.append(counting_script("conformance", [py, os.path.join(REPO, "test/conformance/run.py"),
                                                   "--glc", glc, "--gomaxprocs", "1,2"]))
    # The data-race detector must stay silent on correct programs (~1 min;
    # the full sweep is `make race-check`, ~15 min on 2 cores).
    results.append(counting_script("race", [py, os.path.join(REPO, "scripts/race-check.py"),
                                            "--glc", glc, "--files-from",
                                            os.path.join(REPO, "test/lit/race/ci-subset.txt")]))
    results.append(counting_script("fuzz", [py, os.path.join(REPO, "test/fuzz/run.py"),
                                            "--fuzzer", os.path.join(bindir, "glc-fuzz"),
                                            "--seconds", str(FUZZ_SECONDS),
                                            "--work", os.path.join(build, "fuzz-test")]))

    return summarize(results)


def summarize(results, width=24):
    """The summary table and the last line, "N passed, N failed"; the exit
    status (0 iff nothing failed). scripts/gcstress-check.py uses it too."""
    banner("summary")
    for r in results:
        print(f"  {r.name:{width}} {r.passed:5} passed {r.failed:5} failed  {r.note}")
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
