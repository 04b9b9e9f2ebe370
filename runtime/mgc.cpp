//===- mgc.cpp - the garbage collector (Go's mgc.go) ----------------------===//
//
// A non-moving, tri-colour mark-sweep collector on Go's allocator
// (malloc.cpp, mheap.cpp). Marking is concurrent by default (Go's design,
// simplified: snapshot at the beginning); GODEBUG=gcstoptheworld=1 (Go's
// name) and runtime.GC collect with the world stopped for the whole mark.
//
// A concurrent cycle (gcCycleConcurrent, on the collector goroutine):
//   1. STW1 ("sweep termination" + root scan): stopTheWorld; on g0 flush
//      every mcache (spans back to mcentral, tiny blocks and string
//      cursors dropped), finish any sweep left over, then scan EVERY root
//      (the list below) with one worker per P, leaving the grey objects on
//      the mark's full list; set gcphase = _GCmark, turn the write barrier
//      on and make allocation black (gcBlackenAlloc); startTheWorld.
//      Because all roots are captured here, stores into roots need no
//      barrier afterwards; only overwrites of heap pointer words do
//      (mbarrier.cpp's rule and the list of runtime paths that obey it).
//   2. Concurrent mark: background workers (helper threads without a P,
//      a quarter of GOMAXPROCS, at least one) drain the grey objects from
//      the heap bitmap while the program runs; the barrier greys the old
//      values of overwritten heap pointers into per-P buffers; allocating
//      goroutines assist in proportion to what they allocate, or park on
//      the assist queue until the mark catches up (mgcpacer.cpp); objects
//      allocated now are born marked. The collector goroutine sleeps in
//      100 us steps until the workers run out of work (restarting them
//      while barriers and assists publish more, a few rounds at most); at
//      each step it revises the assist ratio and hands the workers' scan
//      credit to parked assists (gcWakeAssists), and after STW2 it readies
//      every G still parked there.
//   3. STW2 (mark termination): stopTheWorld; publish every P's barrier
//      buffer, drain what is left with one worker per P (GODEBUG=
//      gccheckmark=1: verify the mark, mgcmark.cpp's gcCheckmark); barrier
//      off, allocation white again; flush the mcaches; the next goal and
//      trigger from the bytes marked (allocated-black ones included); flip
//      the sweep generation; PauseNs gets the sum of both pauses (as Go's);
//      gctrace; startTheWorld, wake the background sweeper.
// A stop-the-world collection (gcOnG0) is steps 1-3 without starting the
// world in between: the parallel mark drains everything with one worker
// per P while the world is stopped, barriers stay off.
// Sweeping is lazy and concurrent (mgcsweep.cpp's essay): allocation
// sweeps the spans it needs, the background sweeper goroutine (bgsweep)
// the rest; whatever is left when the next collection starts is swept
// before its mark (normally nothing). A cycle never overlaps sweeping:
// STW1 finishes the sweep, so every span is swept for the current
// sweepgen while marking, and spans taken by mcaches during the mark are
// swept ones (their mark bits are the cycle's: clear, or set by the
// marker and by black allocation). runtime.GC finishes the sweep before
// returning, as Go's does.
//
// Who triggers a collection:
//   - the allocator, when heapLive reaches the trigger (or every N
//     slow-path allocations under GODEBUG=gcstress=N): it wakes the
//     collector goroutine (a system G, goid < 0, created by the first
//     trigger) into its own P's runnext without waking another M, and
//     asks the allocating G to yield at its next safe point, so the
//     collection starts promptly even at GOMAXPROCS=1 and its first
//     stop-the-world runs on the allocating goroutine's M (nothing to wait
//     for on that P). The collection is not run inside mallocgc itself
//     because runtime code calls mallocgc while it holds runtime locks and
//     half-built records; the collector G runs from a clean stack.
//   - runtime.GC, on the calling goroutine (a user G called from generated
//     code: a safe point by construction).
// The concurrent collector triggers at heapTrigger, before the goal
// (mgcpacer.cpp). Cycles are serialised by gcCycleSema (held from before
// STW1 to after STW2): a runtime.GC during a concurrent cycle waits for it
// to end, then collects in full.
//
// THE ROOTS. A heap object stays alive iff it is reachable from one of
// these (all but the package variables are scanned conservatively: an
// aligned word that points into an allocated slot of an in-use span keeps
// that object, interior and last-byte pointers included):
//   - Every goroutine's stack: every segment of its chain. The current
//     segment from gobuf.sp (for the collecting G: from gcCollect's frame,
//     below which it stored its callee-saved registers) up to the segment
//     header; each older segment from the __morestack frame recorded in
//     the next segment's oldsp up to its header. Registers: a parked or
//     preempted G has them on its stack (mcall / asyncPreempt pushes).
//     A G in a system call (_Gsyscall, syscall.cpp) is still running C
//     code on its stack while the world is stopped: it is scanned from
//     the SP saved at entersyscall (g.syscallsp; the frames below are the
//     call's own and hold only copies), plus the callee-saved registers
//     saved there (g.syscallregs: a read's buffer may live only in one).
//     It cannot run Go code, allocate or store a pointer before the world
//     starts again: exitsyscall needs a P, and gets none while the world
//     is stopped (it queues the G and stops its M, as Go's exitsyscall0).
//     Dead Gs are skipped.
//   - g0 and signal stacks: not scanned. With the world stopped every
//     other M is in schedule()/stopm on g0, where no heap pointer is live;
//     the collecting M's g0 runs only the collector. A signal handler
//     never holds a heap pointer across a safe point.
//   - Package variables (every package's GL globals, stdlib/'s included):
//     precisely. glc puts them all in sections gl_globals (nobits) and
//     gl_globaldata (static initial values), and lists those whose type
//     holds pointers in section gl_gcroots, {address, size, type}
//     (compiler/irgen/IRGenGlobals.cpp, abi.h: glc_gcroot); only
//     their pointer words are read (the type's gcdata, repeated across an
//     array), so a [N]uint64 of numbers that look like addresses keeps
//     nothing alive, as in Go.
//   - Other globals: the executable's .data and .bss outside those two
//     sections and glc's tables (gl_functab, gl_itablinks, gl_gcroots: no
//     heap pointers) -- glrt's own (sched, the semaphore table, mcacheNoP,
//     the timer heaps' headers, mheap_), libc's and the C++ runtime's --
//     conservatively: they have no type information. The rule for glrt's globals stays: no heap
//     address that is not meant to be a root (mgcmark.cpp: heapLoNot).
//   - The runtime's persistent memory (persistentalloc, malloc.cpp), every
//     chunk, conservatively. It holds: G structures (so g._defer and
//     g._panic chains, g.param, the -race context), M and P structures
//     (p.deferpool: free _defer records in the heap; p.mcache), sudogs
//     (sudog.elem of a blocked send/receive, sudog.c), itab tables, the
//     timer heaps' arrays (time.cpp: the only references to the heap
//     timers of time.After/NewTimer while they wait), workbufs, traceback
//     tables, and the network poller's pollDescs (netpoll.cpp: recycled,
//     never freed; they hold the G parked in netpollblock and their
//     deadline timers). A G parked in netpollblock is an ordinary
//     _Gwaiting G: its stack is scanned from its gobuf.sp like any other.
//     The per-M trace buffers (mmap, trace.cpp) hold no heap pointers;
//     neither do schedseed's generators.
//   - Heap objects found by the above are scanned precisely: channel
//     buffers (typed with the element), hchan and hmap records, map
//     buckets and overflow buckets, _defer records, timer records,
//     closures and go/defer argument blocks (record descriptors), interface
//     boxes. Records glrt allocates without a descriptor use
//     conservativeType: every word of them is a candidate.
//   - TLS: no heap pointer lives in thread-local storage across a safe
//     point (malloc's and panic's request blocks are consumed before the
//     thread can reach the scheduler).
// What is NOT a root: mspan records and heapArena maps (they point at
// every span), the helper threads' stacks.
//
// GODEBUG (glrt reads it once, in gcinit): gctrace=1 prints go1.19's line
// per collection on stderr; gcstress=N collects every N allocations;
// gcpoison=1 fills freed memory with 0xdeadbeef; gccheckmark=1 verifies
// every mark by marking again with the world stopped (mgcmark.cpp's
// gcCheckmark). GOGC=N|off as Go.
//===----------------------------------------------------------------------===//
#include "mgc.h"

#include "abi.h"
#include "mbarrier.h"
#include "timer.h"
#include "gmp.h"
#include "lock.h"
#include "malloc.h"
#include "mem.h"
#include "mheap.h"
#include "panic.h"
#include "preempt.h"
#include "print.h"
#include "proc.h"
#include "sema.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


namespace glrt {

extern std::atomic<int32_t> gomaxprocs;

namespace {

bool gcOn = false;     // gcinit ran: a real program with a collector G
int32_t gctrace = 0;   // GODEBUG=gctrace
int64_t initTime = 0;  // nanotime() at gcinit (gctrace's @s)
std::atomic<uint32_t> gcWakeSema{0};

// Statistics, written with the world stopped by the collecting M, read
// under a stop (ReadMemStats).
struct gcStats {
  uint32_t numgc, numforced;
  uint64_t pauseTotal;
  uint64_t pauseNs[256], pauseEnd[256];
  uint64_t lastGC; // unix ns
  uint64_t heapMarked;
} stats;

int64_t unixnano() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Go's itoaDiv/fmtNSAsMS (gctrace's number formats).
char *itoaDiv(char *end, uint64_t val, int dec) {
  char *i = end - 1;
  char *idec = i - dec;
  while (val >= 10 || i >= idec) {
    *i-- = char('0' + val % 10);
    if (i == idec)
      *i-- = '.';
    val /= 10;
  }
  *i = char('0' + val);
  return i;
}
void fmtNSAsMS(char *out, size_t outsz, uint64_t ns) {
  char buf[32];
  char *end = buf + sizeof buf;
  char *s;
  if (ns >= 10000000) {
    s = itoaDiv(end, ns / 1000000, 0);
  } else {
    uint64_t x = ns / 1000;
    if (x == 0) {
      snprintf(out, outsz, "0");
      return;
    }
    int dec = 3;
    while (x >= 100) {
      x /= 10;
      dec--;
    }
    s = itoaDiv(end, x, dec);
  }
  snprintf(out, outsz, "%.*s", int(end - s), s);
}

void recordPause(uint64_t pause, bool forced) {
  stats.pauseNs[stats.numgc % 256] = pause;
  stats.pauseEnd[stats.numgc % 256] = uint64_t(unixnano());
  stats.lastGC = stats.pauseEnd[stats.numgc % 256];
  stats.pauseTotal += pause;
  stats.numgc++;
  if (forced)
    stats.numforced++;
}

// GODEBUG=gctrace=1: go1.19's line for the cycle that started at tStart.
// clock: the phases' wall times (sweep termination / the first pause,
// mark, mark termination / the second pause); cpu: the first pause times
// its Ps, Go's middle triple assist/background/idle (the assists' scan
// time, the helper threads' time in the drain; glrt has no idle workers:
// 0), the second pause times its Ps. Go's "%d%%" (the collector's share
// of CPU since start-up) is not tracked: 0.
void printGCTrace(int64_t tStart, const uint64_t (&clock)[3], const uint64_t (&cpu)[4],
                  uint64_t heap0, uint64_t heapEnd, uint64_t marked, uint64_t goal,
                  uint64_t stackBytes, uint64_t globalBytes, int32_t procs, bool forced) {
  char t[3][32], c[4][32];
  for (int i = 0; i < 3; i++)
    fmtNSAsMS(t[i], sizeof t[i], clock[i]);
  for (int i = 0; i < 4; i++)
    fmtNSAsMS(c[i], sizeof c[i], cpu[i]);
  char at[32];
  char *end = at + sizeof at - 1;
  *end = 0;
  char *s = itoaDiv(end, uint64_t(tStart - initTime) / 1000000, 3);
  char line[512];
  int n = snprintf(line, sizeof line,
                   "gc %u @%ss %d%%: %s+%s+%s ms clock, %s+%s/%s/0+%s ms cpu, "
                   "%llu->%llu->%llu MB, %llu MB goal, %llu MB stacks, %llu MB globals, %d P%s\n",
                   stats.numgc, s, 0, t[0], t[1], t[2], c[0], c[1], c[2], c[3],
                   (unsigned long long)(heap0 >> 20), (unsigned long long)(heapEnd >> 20),
                   (unsigned long long)(marked >> 20),
                   (unsigned long long)(goal == ~uint64_t(0) ? 0 : goal >> 20),
                   (unsigned long long)(stackBytes >> 20), (unsigned long long)(globalBytes >> 20),
                   procs, forced ? " (forced)" : "");
  if (n > 0) {
    printflush();
    (void)!write(2, line, size_t(n) < sizeof line ? size_t(n) : sizeof line - 1);
  }
}

struct gcArgs {
  bool forced;
  g *curg;
  uintptr_t sp;
  int64_t tStart;
};

void gcOnG0(void *arg) {
  auto *a = static_cast<gcArgs *>(arg);
  // Trace: the cycle's phases (a = the cycle's number, b = forced), on
  // this M's buffer, inside the stop-the-world slice.
  if (traceEnabled())
    traceMEvent(traceEvGCStart, int64_t(stats.numgc) + 1, a->forced);
  flushmcaches();
  // Spans the last cycle's sweepers have not reached yet (normally none:
  // the proportional sweep finishes before the heap reaches the goal).
  finishSweep();
  int64_t tMark = nanotime();
  uint64_t heap0 = heapLive.load(std::memory_order_relaxed);
  int32_t procs = gomaxprocs.load(std::memory_order_relaxed);
  markResult mr = gcMark(procs, a->curg, a->sp);
  if (gccheckmark)
    gcCheckmark(procs, a->curg, a->sp);
  int64_t tMarkTerm = nanotime();
  if (traceEnabled())
    traceMEvent(traceEvGCMarkDone, int64_t(stats.numgc) + 1, a->forced);
  uint64_t marked = mr.markedBytes;
  stats.heapMarked = marked;
  heapLive.store(marked, std::memory_order_relaxed);
  uint64_t goal = heapGoal.load(std::memory_order_relaxed);
  gcSetGoal(marked);
  sweepFlip(marked);
  gcTriggered.store(0, std::memory_order_release);
  int64_t tEnd = nanotime();

  recordPause(uint64_t(tEnd - a->tStart), a->forced);
  if (traceEnabled())
    traceMEvent(traceEvGCDone, int64_t(stats.numgc), a->forced); // recordPause counted it

  if (gctrace > 0) {
    // go1.19's line. The phases map as: sweep termination = the stop, the
    // cache flush and any sweep left over, mark = the parallel mark, mark
    // termination = the goal and the sweep flip (all stopped, so clock ==
    // the pause). CPU: the mark's wall
    // time times its workers, as dedicated mark time.
    uint64_t p1 = uint64_t(tMark - a->tStart), m = uint64_t(tMarkTerm - tMark),
             p2 = uint64_t(tEnd - tMarkTerm);
    printGCTrace(a->tStart, {p1, m, p2}, {p1 * procs, 0, m * procs, p2 * procs}, heap0, heap0,
                 marked, goal, mr.stackBytes, mr.globalBytes, procs, a->forced);
  }
}

// ---- the concurrent cycle (the essay's "Concurrent marking") ----

std::atomic<uint32_t> gcCycleSema{1}; // one cycle (or runtime.GC) at a time

struct concArgs {
  g *curg;
  uintptr_t sp;
  int32_t procs;
  bool forced;
  uint8_t wbWas;
  int64_t tStart, tStarted, tTerm, tEnd;
  uint64_t heap0;
  markResult roots;
  uint64_t helperNs0, helperNs1, assistNs; // gctrace's mark CPU
};

// STW1, on g0 with the world stopped.
void gcStartOnG0(void *arg) {
  auto *a = static_cast<concArgs *>(arg);
  if (traceEnabled())
    traceMEvent(traceEvGCStart, int64_t(stats.numgc) + 1, a->forced); // in STW1's slice
  flushmcaches();
  finishSweep();
  a->heap0 = heapLive.load(std::memory_order_relaxed);
  if (gccheckmark)
    gcCheckmarkClearStacks(a->curg, a->sp);
  a->roots = gcMarkRootsSTW(a->procs, a->curg, a->sp);
  gcResetAssists();
  gcStartAssists(a->heap0);
  gcMarkCPU(&a->helperNs0, &a->assistNs);
  // All three before the world starts (startTheWorld orders them before
  // any goroutine runs again): barrier on, allocation black, phase.
  gcphase.store(_GCmark, std::memory_order_relaxed);
  gcBlackenAlloc.store(1, std::memory_order_relaxed);
  a->wbWas = glrt_writeBarrier.enabled;
  glrt_writeBarrier.enabled = 1;
  gcTriggered.store(3, std::memory_order_relaxed); // a cycle runs: no new trigger
}

void bgStartOnG0(void *arg) { gcBgMarkStart(*static_cast<int32_t *>(arg)); }
void bgDoneOnG0(void *arg) { *static_cast<bool *>(arg) = gcBgMarkDone(); }


// STW2 (mark termination), on g0 with the world stopped.
void gcMarkTermOnG0(void *arg) {
  auto *a = static_cast<concArgs *>(arg);
  if (traceEnabled())
    traceMEvent(traceEvGCMarkDone, int64_t(stats.numgc) + 1, a->forced); // the concurrent mark ended: STW2
  int64_t t0 = nanotime();
  gcMarkCPU(&a->helperNs1, &a->assistNs); // before this pause's own drain
  uint64_t black = flushBlackAndWbufs(); // wbufs onto the full list
  markResult mr = gcMarkTermDrain(a->procs);
  if (gccheckmark)
    gcCheckmark(a->procs, a->curg, a->sp);
  gcphase.store(_GCoff, std::memory_order_relaxed);
  gcBlackenAlloc.store(0, std::memory_order_relaxed);
  glrt_writeBarrier.enabled = a->wbWas;
  flushmcaches();
  uint64_t heapEnd = heapLive.load(std::memory_order_relaxed);
  uint64_t marked = a->roots.markedBytes + mr.markedBytes + black;
  stats.heapMarked = marked;
  uint64_t goal = heapGoal.load(std::memory_order_relaxed);
  gcPaceCycle(heapEnd, goal);
  heapLive.store(marked, std::memory_order_relaxed);
  gcSetGoal(marked);
  sweepFlip(marked);
  gcTriggered.store(0, std::memory_order_release);
  a->tEnd = nanotime();
  uint64_t pause1 = uint64_t(a->tStarted - a->tStart), pause2 = uint64_t(a->tEnd - a->tTerm);
  recordPause(pause1 + pause2, a->forced); // Go's PauseNs: both pauses of the cycle
  if (traceEnabled())
    traceMEvent(traceEvGCDone, int64_t(stats.numgc), a->forced);
  (void)t0;
  if (gctrace > 0) {
    // The concurrent phase's CPU as go1.19 splits it: assists (measured
    // around each assist's scan), background (the helper threads' time in
    // their drain, spinning at its end included), idle (none here: glrt
    // has no idle-P workers).
    uint64_t conc = uint64_t(a->tTerm - a->tStarted);
    printGCTrace(a->tStart, {pause1, conc, pause2},
                 {pause1 * a->procs, a->assistNs, a->helperNs1 - a->helperNs0, pause2 * a->procs},
                 a->heap0, heapEnd, marked, goal, a->roots.stackBytes, a->roots.globalBytes,
                 a->procs, a->forced);
  }
}

// The concurrent cycle, on the collector goroutine (gcCollect).
void gcCycleConcurrent(uintptr_t sp) {
  concArgs a{};
  a.curg = getg();
  a.sp = sp;
  a.forced = false;
  a.tStart = nanotime();
  stopTheWorld("GC");
  a.procs = gomaxprocs.load(std::memory_order_relaxed);
  glrt_systemstack(gcStartOnG0, &a);
  a.tStarted = nanotime();
  startTheWorld(0);
  // Background workers: a quarter of GOMAXPROCS, at least one (Go's
  // dedicated workers, rounded; Go's fractional worker below 4 Ps is one
  // helper thread here). They are threads without a P: the OS shares the
  // CPUs between them and the Ps' threads. The collector polls for their
  // end (it cannot be woken by a thread without a P); a worker that found
  // nothing left stops, and if barriers or assists published more work
  // meanwhile (or an assist still holds some), the workers start again.
  // Only the per-P barrier buffers are left to mark termination.
  int32_t nbg = a.procs >= 4 ? (a.procs + 2) / 4 : 1;
  for (;;) {
    glrt_systemstack(bgStartOnG0, &nbg);
    for (;;) {
      bool done = false;
      glrt_systemstack(bgDoneOnG0, &done);
      if (done)
        break;
      gcReviseAssists();
      gcWakeAssists(false);
      timeSleep(100000);
    }
    // More work may have been published (barriers, an assist's leftover)
    // or may be held by an assist still running: go on. This ends: every
    // object is greyed at most once per cycle and new ones are black.
    if (!gcMarkWorkAvailable())
      break;
    timeSleep(20000);
  }
  a.tTerm = nanotime();
  stopTheWorld("GC");
  a.procs = gomaxprocs.load(std::memory_order_relaxed);
  glrt_systemstack(gcMarkTermOnG0, &a);
  startTheWorld(0);
  gcWakeAssists(true); // the mark is over: every parked assist goes on
}

// The collector goroutine: created by the first trigger (so programs that
// never collect keep go1.19's schedule at start-up, proc.cpp's rt0_go),
// collects, then parks until the next trigger.
bool collectorStarted = false; // the gcTriggered 1 -> 2 winner only
void bgCollector(void *) {
  for (;;) {
    gcCollect(false);
    semacquire(&gcWakeSema, waitReasonGCWorkerIdle);
  }
}

// The background sweeper (Go's bgsweep): a system goroutine started by the
// first collection, woken by every later one; sweeps one span at a time on
// g0 and yields between spans, so it takes only what the other goroutines
// leave of the CPU, then parks until the next collection.
std::atomic<bool> sweeperStarted{false};
std::atomic<uint32_t> sweepWakeSema{0};
void bgsweepStep(void *arg) { *static_cast<uintptr_t *>(arg) = sweepone(nullptr); }
void bgsweep(void *) {
  for (;;) {
    for (;;) {
      uintptr_t r;
      glrt_systemstack(bgsweepStep, &r);
      if (r == ~uintptr_t(0))
        break;
      Gosched();
    }
    semacquire(&sweepWakeSema, waitReasonGCSweepWait);
  }
}
void finishSweepOnG0(void *) { finishSweep(); }

} // namespace

bool gcEnabled() { return gcOn; }

void gcinit() {
  initTime = nanotime();
  const char *e = getenv("GOGC");
  if (e != nullptr && strcmp(e, "off") == 0) {
    gcPercent.store(-1, std::memory_order_relaxed);
  } else if (e != nullptr && *e) {
    char *endp;
    long v = strtol(e, &endp, 10);
    if (*endp == 0)
      gcPercent.store(v < 0 ? -1 : int32_t(v), std::memory_order_relaxed);
  }
  const char *d = getenv("GODEBUG");
  for (const char *q = d; q && *q;) {
    const char *comma = strchr(q, ',');
    size_t len = comma ? size_t(comma - q) : strlen(q);
    auto val = [&](const char *name) -> long {
      size_t nl = strlen(name);
      if (len > nl && strncmp(q, name, nl) == 0 && q[nl] == '=')
        return strtol(q + nl + 1, nullptr, 10);
      return -1;
    };
    if (long v = val("gctrace"); v >= 0)
      gctrace = int32_t(v);
    if (long v = val("gcstress"); v >= 0)
      gcstress = v;
    if (long v = val("gcpoison"); v >= 0)
      gcpoison = v > 0;
    if (long v = val("gccheckmark"); v >= 0)
      gccheckmark = v > 0;
    if (long v = val("gcassist"); v >= 0)
      gcassist = v != 0;
    if (long v = val("gcstoptheworld"); v >= 0)
      gcconcurrent = v == 0;
    q = comma ? comma + 1 : nullptr;
  }
  gcSetGoal(0);
  gcOn = true;
}

void gcTriggerWake() {
  if (!gcOn)
    return;
  // Only a thread with a P readies the collector (goready and newproc
  // want one); a trigger seen by sysmon or a thread without a P stays
  // pending for the next allocation by a goroutine.
  g *self = getg();
  if (self == nullptr || self->mp == nullptr || self->mp->pp == nullptr)
    return;
  uint32_t one = 1;
  // acq_rel: the winner sees collectorStarted as the previous winner left
  // it (the collector's reset to 0 is ordered after that by the stop).
  if (!gcTriggered.compare_exchange_strong(one, 2, std::memory_order_acq_rel))
    return;
  // The allocating goroutine is asked to yield at its next safe point (a
  // prologue of generated code, a runtime entry's preemptCheck), so the
  // collector runs now even at GOMAXPROCS=1. From g0 (the slow path) the
  // request is re-armed into the G's stack limit when systemstack
  // switches back (REPOISON_IF_PREEMPT).
  g *cur = self->mp->curg;
  bool yields = cur != nullptr && cur->goid > 0;
  if (!collectorStarted) {
    collectorStarted = true;
    newprocsystem(bgCollector, nullptr);
  } else {
    // The collector goes to this P's runnext and, when this goroutine
    // yields, runs on this M at once: its stop-the-world then finds the
    // other Ps idle or running other goroutines, never this one. Waking
    // another M for it (semrelease's default) let that M steal it, and
    // the stop then waited for two thread switches (the stealer's wake-up,
    // then this M's stop and its wake-up of the stopper): on the loaded
    // 2-vCPU guest STW1 took 13-380 ms in map_int (go1.19, which starts
    // the cycle on the allocating goroutine itself: 0.02-0.05 ms).
    semrelease(&gcWakeSema, false, /*wake=*/!yields);
  }
  if (yields)
    __atomic_store_n(&cur->preempt, true, __ATOMIC_SEQ_CST);
}

__attribute__((noinline)) void gcYieldSlow() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->mp->pp == nullptr ||
      gp->goid <= 0 || !canPreemptM(gp->mp))
    return;
  if (gcTriggered.load(std::memory_order_relaxed) == 3) {
    // A concurrent cycle marks: a G that allocated into debt pays or parks.
    if (gp->gcAssistBytes < 0)
      gcAssistPark();
    return;
  }
  Goyield(); // to the collector in runnext, back on this M (preempt.cpp)
}

// Runs on the calling goroutine's stack. Its callee-saved registers are
// stored in regs, in this frame, so the scan of this G's stack from &regs
// sees every pointer its callers keep in registers.
__attribute__((noinline)) void gcCollect(bool forced) {
  uintptr_t regs[6];
  asm volatile("movq %%rbx, 0(%0)\n\t"
               "movq %%rbp, 8(%0)\n\t"
               "movq %%r12, 16(%0)\n\t"
               "movq %%r13, 24(%0)\n\t"
               "movq %%r14, 32(%0)\n\t"
               "movq %%r15, 40(%0)\n\t"
               :
               : "r"(regs)
               : "memory");
  // One cycle at a time: a runtime.GC waits for a concurrent cycle to end
  // (then collects in full, blocking); the collector goroutine, woken
  // while a runtime.GC collected, finds its trigger consumed and returns.
  semacquire(&gcCycleSema, waitReasonGCWorkerIdle);
  if (!forced && gcTriggered.load(std::memory_order_acquire) != 2) {
    semrelease(&gcCycleSema, false);
    return;
  }
  bool first = false;
  if (!sweeperStarted.load(std::memory_order_relaxed))
    first = !sweeperStarted.exchange(true, std::memory_order_relaxed);
  if (!forced && gcconcurrent) {
    gcCycleConcurrent(reinterpret_cast<uintptr_t>(regs));
  } else {
    int64_t t0 = nanotime();
    stopTheWorld("GC");
    gcArgs a{forced, getg(), reinterpret_cast<uintptr_t>(regs), t0};
    glrt_systemstack(gcOnG0, &a);
    startTheWorld(0);
  }
  asm volatile("" : : "r"(regs) : "memory");
  semrelease(&gcCycleSema, false);
  if (first)
    newprocsystem(bgsweep, nullptr);
  else
    semrelease(&sweepWakeSema, false);
  // runtime.GC: the caller sees every unreachable object freed (Go's GC
  // sweeps to the end before it returns).
  if (forced)
    glrt_systemstack(finishSweepOnG0, nullptr);
}

// ---- runtime.ReadMemStats ----

namespace {

// go1.19's runtime.MemStats, field for field (stdlib/runtime declares the
// same struct in GL).
struct MemStats {
  uint64_t Alloc, TotalAlloc, Sys, Lookups, Mallocs, Frees;
  uint64_t HeapAlloc, HeapSys, HeapIdle, HeapInuse, HeapReleased, HeapObjects;
  uint64_t StackInuse, StackSys, MSpanInuse, MSpanSys, MCacheInuse, MCacheSys;
  uint64_t BuckHashSys, GCSys, OtherSys, NextGC, LastGC;
  uint64_t PauseTotalNs;
  uint64_t PauseNs[256];
  uint64_t PauseEnd[256];
  uint32_t NumGC, NumForcedGC;
  double GCCPUFraction;
  bool EnableGC, DebugGC;
  struct {
    uint32_t Size;
    uint64_t Mallocs, Frees;
  } BySize[61];
};
static_assert(sizeof(MemStats) == 6 * 8 * 3 + 5 * 8 + 8 + 512 * 8 + 8 + 8 + 8 + 61 * 24);

struct liveCount {
  uint64_t bytes, objects;
};

void countLive(mspan *s, void *arg) {
  auto *lc = static_cast<liveCount *>(arg);
  if (spanClassSize(s->spanclass) == 0) {
    lc->bytes += s->limit - s->startAddr;
    lc->objects++;
    return;
  }
  uint64_t n = 0;
  for (uintptr_t i = 0; i < s->nelems; i++)
    n += i < s->freeindex || ((s->allocBits[i / 8] >> (i % 8)) & 1);
  lc->bytes += n * s->elemsize;
  lc->objects += n;
}

void readmemstats(void *arg) {
  auto *m = static_cast<MemStats *>(arg);
  memset(m, 0, sizeof *m);
  liveCount lc{};
  forEachSpan(countLive, &lc);
  uint64_t nmalloc, tiny;
  mallocCounts(&nmalloc, &tiny);
  heapStats hs = readHeapStats();
  m->HeapAlloc = m->Alloc = lc.bytes;
  m->HeapObjects = lc.objects;
  uint64_t freedObjs, freedBytes;
  sweepTotals(&freedObjs, &freedBytes);
  m->TotalAlloc = freedBytes + lc.bytes;
  m->Mallocs = nmalloc + tiny + hs.nmalloc;
  m->Frees = m->Mallocs > lc.objects ? m->Mallocs - lc.objects : 0;
  m->HeapSys = hs.sys;
  m->HeapInuse = hs.inUse;
  m->HeapIdle = hs.sys - hs.inUse;
  m->HeapReleased = hs.released;
  m->Sys = hs.sys;
  m->NextGC = heapGoal.load(std::memory_order_relaxed);
  if (m->NextGC == ~uint64_t(0))
    m->NextGC = 0;
  m->LastGC = stats.lastGC;
  m->PauseTotalNs = stats.pauseTotal;
  memcpy(m->PauseNs, stats.pauseNs, sizeof m->PauseNs);
  memcpy(m->PauseEnd, stats.pauseEnd, sizeof m->PauseEnd);
  m->NumGC = stats.numgc;
  m->NumForcedGC = stats.numforced;
  m->EnableGC = true;
  m->DebugGC = false;
}

} // namespace
} // namespace glrt

using namespace glrt;

extern "C" void glrt_ReadMemStats(void *m) {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->mp->pp == nullptr) {
    readmemstats(m); // tests without a scheduler: racy but harmless
    return;
  }
  stopTheWorld("read mem stats");
  glrt_systemstack(readmemstats, m);
  startTheWorld(0);
}

extern "C" int64_t glrt_setGCPercent(int64_t pct) {
  int32_t old = gcPercent.load(std::memory_order_relaxed);
  gcPercent.store(pct < 0 ? -1 : (pct > INT32_MAX ? INT32_MAX : int32_t(pct)),
                  std::memory_order_relaxed);
  gcSetGoal(stats.heapMarked);
  return old;
}

extern "C" void glrt_KeepAlive(glrt_eface x) { asm volatile("" : : "r"(x.type), "r"(x.data) : "memory"); }
