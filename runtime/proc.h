//===- proc.h - the scheduler's entry points (Go's proc.go) ---------------===//
//
// extern "C" glrt_* functions are the boundary used by rt0 and by the code
// glc generates (to be listed in runtime/abi.def by the lead). The glrt::
// functions are the runtime-internal API (channels use gopark/goready).
//===----------------------------------------------------------------------===//
#pragma once

#include "panic.h"
#include <cstdint>

#include "gmp.h"

extern "C" {
// ---- integration entry points ----
// Reads GOMAXPROCS and GODEBUG, sets up m0/g0 and the Ps. m0 (the calling
// thread) holds allp[0] afterwards.
void glrt_schedinit(int argc, char **argv);
// Creates goroutine 1 running mainfn and schedules on the calling thread
// (m0). When mainfn returns the process exits with status 0 at once.
[[noreturn]] void glrt_rt0_go(void (*mainfn)(void));
// `go` statement: a new G runs fn(arg). fn is a generated trampoline that
// unpacks arg (a heap block with the func value and the arguments).
void glrt_newproc(void (*fn)(void *), void *arg);
void glrt_Gosched(void);
int64_t glrt_GOMAXPROCS(int64_t n);
void glrt_GC(void);
int64_t glrt_NumCPU(void);
int64_t glrt_NumGoroutine(void);

// ---- assembly (arch/amd64/asm_amd64.S) ----
// Under ASan, functions that switch stacks are not declared noreturn: ASan
// calls __asan_handle_no_return before every noreturn call, which unpoisons
// everything between the (goroutine) sp and the thread's stack top -- tens
// of MB per switch. Callers add __builtin_unreachable() instead.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GLRT_SWITCH_NORETURN
#endif
#endif
#ifndef GLRT_SWITCH_NORETURN
#define GLRT_SWITCH_NORETURN [[noreturn]]
#endif
GLRT_SWITCH_NORETURN void glrt_gogo(glrt::gobuf *buf);
void glrt_mcall(void (*fn)(glrt::g *));
void glrt_systemstack(void (*fn)(void *), void *arg);
void glrt_gostart(void);
[[noreturn]] void glrt_mstart_on_g0(glrt::g *g0, void (*fn)(void));
// Called by glrt_gostart when a G's function returns.
[[noreturn]] void glrt_goexit1(void);
}

namespace glrt {

// Go's throw is panic.h's fatal(msg) / fatal(runtimeMsg, msg).

// Runs f() on the system stack (g0). f must not park.
template <class F> void systemstack(F &&f) {
  glrt_systemstack([](void *a) { (*static_cast<F *>(a))(); }, &f);
}

// Parks the current G: unlockf(gp, lock) runs on g0 after the switch; if it
// returns false the G resumes at once. reason is shown by schedtrace.
void gopark(bool (*unlockf)(g *, void *), void *lock, waitReason reason);
// Makes a parked G runnable (into the current P's runnext) and wakes a P
// (wake = false: wakes none; the caller's G is about to yield this P to
// it, and waking another M would only let that M steal it: mgc.cpp's
// gcTriggerWake).
void goready(g *gp, bool wake = true);
void Gosched();
// Go's goyield: yields like Gosched, but the G goes to the tail of this
// P's local queue instead of the global one, so this M runs it again
// after whatever it yields to (mgc.cpp: the collector in runnext) rather
// than a spinning M on another P taking it (a thread switch).
void Goyield();
void goyield_m(g *gp);
// Gosched's continuation on g0 (glrt_mcall): gp goes to the global run
// queue. Also the continuation of an injected asyncPreempt (preempt.cpp).
void gosched_m(g *gp);

// Creates a G with a first segment of stacksize bytes (0: the default).
// From a thread without a P (tests, embedding) the G goes to the global
// queue. Returns the new G's goid.
int64_t newproc1(void (*fn)(void *), void *arg, uintptr_t stacksize);
// newproc1 recording gopc, the PC of the `go` statement (g.gopc).
int64_t newproc1pc(void (*fn)(void *), void *arg, uintptr_t stacksize, uintptr_t gopc);

// A runtime goroutine (goid < 0, not in NumGoroutine, never exits).
int64_t newprocsystem(void (*fn)(void *), void *arg);

// For tests: after glrt_schedinit, make m0 drop its P so other threads
// do all the scheduling, and the calling thread may stay outside glrt.
void releasem0ForTest();
// Number of Ms created so far (threads=, in schedtrace).
int32_t mcount();

// Stop-the-world (GOMAXPROCS, runtime.GC); must be called on a G with a
// P. stopTheWorld first takes worldsema (parking while another G holds
// it) and marks the M preemptoff = reason; startTheWorld (newprocs > 0:
// resize to that many Ps) clears the mark and releases worldsema, so
// stop/start pairs of different Gs never overlap.
void stopTheWorld(const char *reason);
void startTheWorld(int32_t newprocs);

void freeallocas(g *gp);
// Calls fn for every G ever created (under allglock).
void forEachG(void (*fn)(g *, void *), void *arg);
// allp's length (every P ever made, _Pdead ones included); acquire, paired
// with procresize's release stores (trace.cpp walks every P's buffer).
int32_t allplenForTrace();
uint32_t readgstatus(g *gp);
// Go's goroutineheader: "goroutine N [status]:\n", the status being the
// wait reason of a parked G followed by ", N minutes" once it has waited
// a minute or more (g.waitsince). Any thread; reads gp racily, as Go.
void goroutineheader(g *gp);
// CLOCK_MONOTONIC_COARSE in ns: nanotime's clock, read at tick resolution
// (~4 ms) for a few ns (vDSO, no syscall). For g.waitsince.
int64_t coarsenanotime();

void schedtrace(bool detailed);
void startSchedtraceThread(int32_t periodMs, bool detailed);

} // namespace glrt
