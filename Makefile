# glc + glrt: the two commands a newcomer needs.
#
#   make demo    install missing Debian packages, build, run examples/showcase.gl,
#                examples/stacks.gl (goroutine stacks growing, schedtrace),
#                examples/echo.gl (an echo server on the network poller) and
#                examples/preempt.gl (tight loops preempted by signals) with a
#                timeline trace, draw its picture ($(BUILD)/demo/preempt.html)
#                and find a deadlock in examples/bugs/ by seeded schedules
#   make test    install, build, run every test suite; last line "N passed, N failed"
#
# Other targets:
#   make deps    install missing Debian packages only (apt-get; sudo when not root)
#   make build   deps, then configure and build into build/
#   make bench   build, then the glc vs go1.19 vs gccgo benchmark table
#   make race-check  build, then run the lit run/chan/sync programs, the examples
#                and the conformance list under `glc -race` (no report allowed)
#   make gcstress-check  build, then every lit test, difftest program and conformance
#                file under GODEBUG=gcstress=1,gcpoison=1 (a collection at every
#                allocation, freed memory poisoned) at GOMAXPROCS 1 and 2
#                (scripts/gcstress-check.py; ~45 min on 2 cores; make test runs a slice)
#   make fuzz    build glc-fuzz (libFuzzer over lexer, parser, sema, irgen) and
#                run it for FUZZ_SECONDS (default 600); the corpus it grows is
#                kept in $(BUILD)/fuzz/corpus, findings in $(BUILD)/fuzz/artifacts
#   make viewer-check  build, then open examples/preempt.gl's trace (JSON, and the
#                binary one converted) headless in Chrome DevTools' trace engine
#                (npm's @paulirish/trace_engine, installed into $(BUILD)/trace-engine;
#                skipped without node/npm): slices per track as in the file
#   make clean   remove build/
#
# Variables: BUILD (build dir, default build), JOBS (parallel build jobs,
# default 2: the reference machine has 2 cores), PYTHON, FUZZ_SECONDS.

BUILD  ?= build
JOBS   ?= 2
PYTHON ?= python3
FUZZ_SECONDS ?= 600

# Everything the build, the tests and the benchmarks need (ARCHITECTURE.md §2).
# zlib1g-dev and libzstd-dev: LLVM's CMake package links LLVMSupport against
# ZLIB::ZLIB and zstd but llvm-19-dev does not depend on them.
# python3-psutil lets lit enforce a per-test timeout.
# libclang-rt-19-dev: the ASan, TSan and libFuzzer runtimes (`glc -race`, GLRT_SANITIZE,
# GLRT_TSAN, glc-fuzz); clang-19 only recommends it.
# gdb: lit's debug/ tests drive it in batch mode (debug information, CFI).
DEPS := llvm-19-dev llvm-19-tools clang-19 libclang-rt-19-dev libgtest-dev cmake ninja-build \
        zlib1g-dev libzstd-dev \
        golang-go golang-1.19-src gccgo python3 python3-psutil gdb

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

CONFIGURE := cmake -S . -B $(BUILD) -G Ninja -DGLRT_SANITIZE=ON -DGLRT_TSAN=ON -DGLC_FUZZ=ON

.PHONY: all deps build demo test bench fuzz race-check gcstress-check viewer-check clean

all: build

# Install only what is missing; run apt-get update first (a fresh machine
# has empty package lists).
deps:
	@missing=""; \
	for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
	  echo "deps: all installed"; \
	fi

build: deps
	$(CONFIGURE)
	cmake --build $(BUILD) -j $(JOBS)


viewer-check: build
	mkdir -p $(BUILD)/demo
	GODEBUG=tracefile=$(BUILD)/demo/preempt.json $(BUILD)/bin/glc run examples/preempt.gl
	GODEBUG=tracefile=$(BUILD)/demo/preempt.gltrace $(BUILD)/bin/glc run examples/preempt.gl
	scripts/trace-viewer-check.sh $(BUILD)/demo/preempt.json $(BUILD)/trace-engine
	scripts/trace-viewer-check.sh $(BUILD)/demo/preempt.gltrace $(BUILD)/trace-engine

demo: build
	$(BUILD)/bin/glc run examples/showcase.gl
	GODEBUG=schedtrace=50,stackdebug=1 $(BUILD)/bin/glc run examples/stacks.gl
	$(BUILD)/bin/glc run examples/echo.gl
	@mkdir -p $(BUILD)/demo
	GODEBUG=tracefile=$(BUILD)/demo/preempt.json $(BUILD)/bin/glc run examples/preempt.gl
	$(BUILD)/bin/glc trace $(BUILD)/demo/preempt.json -o $(BUILD)/demo/preempt.html
	$(BUILD)/bin/glc explore examples/bugs/handshake_deadlock.gl -n 1000 --stop --trace \
	  --outdir $(BUILD)/demo/explore || true
	@echo "demo: the picture of examples/preempt.gl's schedule is $(abspath $(BUILD))/demo/preempt.html"

# Build with ninja -k 0 (keep going) so that one broken target does not stop
# the others; a build failure is reported by the test driver as a failed
# suite, and the suites that could be built still run. glc-fuzz is not in
# `all` (make build and make demo skip it); the fuzz suite needs it.
test: deps
	@rc=0; \
	{ $(CONFIGURE) && cmake --build $(BUILD) -j $(JOBS) -- -k 0 all glc-fuzz; } || rc=$$?; \
	$(PYTHON) scripts/run-tests.py --build-dir $(BUILD) --build-status $$rc

bench: build
	$(PYTHON) bench/run.py --glc $(BUILD)/bin/glc

# Every lit run/chan/sync program, the examples and the conformance list
# under `glc -race`: a race report or a changed exit status fails (about
# 6 + 10 minutes on 2 cores; scripts/run-tests.py runs a subset).
race-check: build
	$(PYTHON) scripts/race-check.py --glc $(BUILD)/bin/glc --jobs $(JOBS)
	$(PYTHON) test/conformance/run.py --race --glc $(BUILD)/bin/glc --jobs $(JOBS)

gcstress-check: build
	$(PYTHON) scripts/gcstress-check.py --build-dir $(BUILD) --jobs $(JOBS)

fuzz: deps
	$(CONFIGURE)
	cmake --build $(BUILD) -j $(JOBS) --target glc-fuzz
	$(PYTHON) test/fuzz/run.py --fuzzer $(BUILD)/bin/glc-fuzz --seconds $(FUZZ_SECONDS) \
	  --corpus $(BUILD)/fuzz/corpus

clean:
	rm -rf $(BUILD)
