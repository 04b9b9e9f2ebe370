#!/usr/bin/env python3
"""Every test suite that runs programs, under the collector's stress mode (`make gcstress-check`).

GODEBUG=gcstress=1,gcpoison=1: a collection at every (slow-path)
allocation, freed memory poisoned with 0xdeadbeef, so a missed root, a
barrier gap or a read of freed memory fails loudly. At GOMAXPROCS 1 and 2:
  lit          the whole test/lit tree, once per GOMAXPROCS value (tests with
               `// NOGCSTRESS: reason` are UNSUPPORTED: test/lit/tools/glformat.py)
  difftest     every lit run test and example against go1.19's normal run
               (test/difftest/difftest.py --env ... --gomaxprocs 1,2)
  conformance  test/conformance/expected-pass.txt, judged by the .out files
               (run.py --env ... --gomaxprocs 1,2; GCSTRESS_SKIP lists exclusions)
Each program run gets --timeout seconds (default 300: a collection per
allocation is slow). Measured on 2 cores at load ~8-13 (other helpers'
builds running): lit 8 min at GOMAXPROCS=2 and 9 min at 1 (384 tests),
difftest 12 min (248 programs x 2), conformance 12 min (591 files x 2):
about 45 minutes. `make test` runs a
time-bounded slice of the same (scripts/run-tests.py: GCSTRESS_*).
The last line is "N passed, N failed"; exit status 0 iff nothing failed.
"""
import argparse
import importlib.util
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("run_tests", os.path.join(REPO, "scripts", "run-tests.py"))
rt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rt)

STRESS = "gcstress=1,gcpoison=1"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per program run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--suites", default="lit,difftest,conformance",
                    help="comma-separated subset of lit,difftest,conformance")
    args = ap.parse_args()
    build = os.path.abspath(os.path.join(REPO, args.build_dir))
    glc = os.path.join(build, "bin", "glc")
    py = sys.executable
    suites = args.suites.split(",")
    # Hours, not run-tests.py's 27 minutes: this is the whole sweep.
    rt.TOTAL_BUDGET = 6 * 3600
    rt.SCRIPT_TIMEOUT = 3 * 3600

    results = []
    if "lit" in suites:
        for procs in ("1", "2"):
            results.append(rt.lit_suite(build, f"lit gcstress=1 GOMAXPROCS={procs}", ("",),
                                        {"GOMAXPROCS": procs, "GODEBUG": STRESS},
                                        per_test_timeout=args.timeout, jobs=args.jobs))
    env = ["--env", "GODEBUG=" + STRESS]
    if "difftest" in suites:
        results.append(rt.counting_script(
            "difftest gcstress=1 GOMAXPROCS=1,2",
            [py, os.path.join(REPO, "test/difftest/difftest.py"), "--glc", glc,
             "--work", os.path.join(build, "difftest-gcstress"), "--gomaxprocs", "1,2",
             "--timeout", str(args.timeout), "-j", str(args.jobs)] + env))
    if "conformance" in suites:
        results.append(rt.counting_script(
            "conformance gcstress=1 GOMAXPROCS=1,2",
            [py, os.path.join(REPO, "test/conformance/run.py"), "--glc", glc,
             "--gomaxprocs", "1,2", "--timeout", str(args.timeout),
             "--jobs", str(args.jobs)] + env))

    return rt.summarize(results, 40)


if __name__ == "__main__":
    sys.exit(main())
