//===- mgc.h - the garbage collector's interface (Go's mgc.go) ------------===//
//
// The design (roots, phases, who runs what) is the essay at the top of
// mgc.cpp. This header is what the allocator, the scheduler and the tests
// call.
//===----------------------------------------------------------------------===//
#ifndef GLRT_MGC_H
#define GLRT_MGC_H

#include <atomic>
#include <stddef.h>
#include <stdint.h>

#include "preempt.h"

namespace glrt {

struct Type;
struct mspan;
struct g;

// ---- the heap bitmap (mgcmark.cpp) ----

// Records which words of the object at x (size bytes, in a scan span,
// slot of slotsize bytes) hold pointers: typ's gcdata repeated for an
// array of typ (size > typ->size), every word for conservativeType, none
// past size. Called by mallocgc on the allocating thread before the
// object is returned.
void heapBitsSetType(uintptr_t x, uintptr_t size, uintptr_t slotsize, const Type *typ);
// Whether word addr (8-aligned, in a scan span) may hold a pointer.
bool heapBitsIsPointer(uintptr_t addr);

// ---- marking (mgcmark.cpp) ----

// Marks every heap object reachable from the roots (mgc.cpp's essay),
// with nworkers threads (the caller is one of them). The world is
// stopped; every mcache has been flushed. curgsp: the collecting G's
// stack pointer, the G's stack is scanned from there (its callee-saved
// registers were saved below it). Returns the bytes of objects marked.
struct markResult {
  uint64_t markedBytes, markedObjects, scannedBytes, stackBytes, globalBytes;
};
markResult gcMark(int32_t nworkers, g *curg, uintptr_t curgsp);

// For tests (MgcTest): mark from an explicit root set only, with
// nworkers threads. roots[i] are candidate pointers (conservative).
markResult gcMarkFromRoots(const uintptr_t *roots, size_t n, int32_t nworkers);
// Whether the object containing p is marked (after a mark, before sweep).
bool isMarked(uintptr_t p);
// Clears every mark bit (tests: abandon a mark without sweeping).
void gcClearMarks();
// GODEBUG=gccheckmark=1: after a complete mark (world stopped, mcaches
// flushed), marks the heap again from the roots and throws "checkmark
// found unmarked object" if that reaches an object the mark left white;
// leaves the mark bits as the first mark set them (mgcmark.cpp).
void gcCheckmark(int32_t nworkers, g *curg, uintptr_t curgsp);
extern bool gccheckmark;

// ---- concurrent marking (mgcmark.cpp; mgc.cpp's essay has the cycle) ----

// Go's gcphase: _GCoff between cycles, _GCmark from STW1 to STW2 (the
// barrier shades, allocation is black, assists help). Written with the
// world stopped; read relaxed by the barrier and the allocator.
enum : uint32_t { _GCoff = 0, _GCmark = 1 };
extern std::atomic<uint32_t> gcphase;
// Objects allocated now are born marked (Go's gcmarknewobject): set with
// gcphase == _GCmark; read on mallocgc's fast path.
extern std::atomic<uint8_t> gcBlackenAlloc;
// STW1: every root scanned (grey objects left on the full list), nworkers
// threads. Resets the cycle's counters.
markResult gcMarkRootsSTW(int32_t nworkers, g *curg, uintptr_t curgsp);
// Starts n background workers (helper threads, no P) draining the full
// list while the world runs; gcBgMarkDone: whether all of them found no
// more work and stopped (the caller polls; it then may restart them).
void gcBgMarkStart(int32_t n);
bool gcBgMarkDone();
// Whether grey objects wait on the full list, or an assist holds some.
bool gcMarkWorkAvailable();
// Whether grey objects wait on the full list (what an assist can take).
bool gcFullWork();
// STW2: drains everything left with nworkers threads (write-barrier
// buffers must have been published first); returns the cycle's totals
// (background, assists, barrier and this drain; not the roots' STW1
// share, not the objects allocated black).
markResult gcMarkTermDrain(int32_t nworkers);
// Publishes grey objects (write-barrier buffers) onto the full list. Any
// thread; takes workLock (never from a G's stack: the barrier switches to
// g0 first).
void gcPublish(const uintptr_t *objs, uintptr_t n);
// Marks the object containing v if it is a white heap object (during
// _GCmark only: the caller checks). Returns true, with its base in
// *basep, if it was white and must be scanned (the caller queues it).
bool shadeObject(uintptr_t v, uintptr_t *basep);
// A mutator assist (on g0 of an M with a P, during _GCmark): scans about
// scanBytes of grey objects from the full list, or less if none wait.
// Returns the bytes scanned (0: the full list was empty).
uint64_t gcAssist(uint64_t scanBytes);
// Takes up to want bytes of the background workers' scan credit (Go's
// bgScanCredit); returns what it took.
int64_t gcAssistSteal(int64_t want);
int64_t gcBgScanCredit();
// Bytes scanned this cycle so far by background workers and assists.
uint64_t gcScanDone();
// gctrace: the helper threads' time in the mark since start-up, and the
// assists' time this cycle.
void gcMarkCPU(uint64_t *helperTotalNs, uint64_t *assistCycleNs);
// GODEBUG=gccheckmark=1 at STW1 (world stopped): clears dead stack areas.
void gcCheckmarkClearStacks(g *curg, uintptr_t curgsp);

// ---- sweeping (mgcsweep.cpp; its essay has the rules) ----

// Counts the caller as a sweeper: called under the mcentral lock by
// whoever takes a span off an unswept list, before sweepSpan.
void sweepBegin();
// Sweeps span s, which the caller took off an unswept list (sweepBegin):
// unmarked slots become free (poisoned under GODEBUG=gcpoison=1); an
// empty span goes back to the heap unless preserve (the caller, cacheSpan,
// then keeps it: it is as good as a fresh one); else, without preserve,
// it goes onto its class's swept partial or full list. Returns the pages
// freed (0 when the span is kept). g0 or a thread without a G.
uintptr_t sweepSpan(mspan *s, bool preserve);
// Sweeps one unswept span of any class; returns its pages (adding any it
// freed to *freedPages), or ~0 when none is left to sweep.
uintptr_t sweepone(uintptr_t *freedPages);
// Whether every span has been taken for sweeping this cycle.
bool sweepDone();
// The proportional sweep, before an mcache takes a span or a large
// object is allocated: sweeps until the pages swept keep pace with the
// heap's growth since the mark (Go's deductSweepCredit).
void deductSweepCredit(uintptr_t spanBytes);
// Sweeps until npages pages were freed or nothing is left (Go's
// mheap.reclaim), before a large allocation grows the heap.
void reclaim(uintptr_t npages);
// Sweeps every span still unswept and waits for sweepers in progress
// (world stopped, before marking; runtime.GC after a collection).
void finishSweep();
// The flip after a mark (world stopped, goal already set from marked):
// sweepgen += 2, so every span and every mcentral list becomes unswept.
void sweepFlip(uint64_t marked);
// Objects and bytes freed by sweeping since start-up.
void sweepTotals(uint64_t *objects, uint64_t *bytes);

// ---- the pacer and statistics (mgcpacer.cpp) ----

// GOGC: -1 = off. Written by gcinit and SetGCPercent (under gcLock);
// read racily by the trigger check.
extern std::atomic<int32_t> gcPercent;
// Bytes handed to mcaches and large objects since the last collection
// plus the bytes marked by it (Go's heapLive, at span granularity).
extern std::atomic<uint64_t> heapLive;
// heapLive at which the next collection is triggered (Go's trigger =
// heap goal here: marking is stop-the-world). ~0: never (GOGC=off).
extern std::atomic<uint64_t> heapGoal;
// Set by the allocator's slow path when heapLive crosses heapGoal (or
// gcstress counts down); the allocating goroutine then wakes the
// collector (gcTriggerWake).
extern std::atomic<uint32_t> gcTriggered;
// GODEBUG=gcstress=N: collect every N allocations (0: off). When on,
// mallocgc's fast path is skipped so the slow path can count.
extern int64_t gcstress;
extern bool gcpoison; // GODEBUG=gcpoison=1

// heapLive at which the next concurrent cycle starts (before the goal).
extern std::atomic<uint64_t> heapTrigger;
// Scan bytes an allocation pays per byte while marking (gcStartAssists).
extern std::atomic<double> assistRatio;
// false with GODEBUG=gcstoptheworld=1 (gcinit only).
extern bool gcconcurrent;

// Recomputes heapGoal and heapTrigger from the marked bytes and gcPercent.
void gcSetGoal(uint64_t marked);
// Mark termination: adjusts the trigger ratio from where the heap stood
// when the mark ended against this cycle's goal. Before gcSetGoal.
void gcPaceCycle(uint64_t heapAtMarkEnd, uint64_t goalThisCycle);
// STW1: sets assistRatio for this cycle from the heap at its start.
void gcStartAssists(uint64_t heapAtStart);
// mallocgc's slow path while marking (g0 of an M with a P): charges the
// allocation to the current user G's assist debt and pays what it can
// (credit, then scanning). A G still in debt parks at its next safe point
// (gcAssistPark).
void gcAssistAlloc(uintptr_t size);
// GODEBUG=gcassist=0 (glrt only, for tests and measurements): no assists.
extern bool gcassist;
// From gcYieldSlow on a user G's own stack during the mark, at a safe
// point (a call from generated code, no runtime lock held): pays the G's
// debt, or parks it on the assist queue until the background workers'
// credit covers it or the mark ends (mgcpacer.cpp's essay).
void gcAssistPark();
// The collector goroutine (with a P): hands background credit to parked
// assists and readies those it pays off, or every one of them when all
// (after mark termination; nothing parks once gcphase is _GCoff).
void gcWakeAssists(bool all);
// STW1 (world stopped): zeroes every G's assist balance.
void gcResetAssists();
// The collector's poll during the mark: recomputes assistRatio from the
// scan work left and the heap left until the goal (Go's revise).
void gcReviseAssists();
// Called by the allocator (any thread, usually g0) after adding n bytes to
// heapLive.
void gcAccountAlloc(uint64_t n);
// Reads GOGC and GODEBUG (gctrace, gcstress, gcpoison); starts the
// collector goroutine. Called once by glrt_rt0_go before main runs; the
// runtime's unit tests never call it, so they have no background GC.
void gcinit();
bool gcEnabled();

// From the allocating goroutine after a slow path, on its own stack: if a
// trigger fired, wake the collector goroutine and ask the current G to
// yield at its next safe point. Safe from any runtime context (takes no
// lock the caller could hold, never parks).
void gcTriggerWake();

// Called by the allocation entry points of generated code (glrt_newobject,
// glrt_mallocgc, glrt_makeslice, glrt_growslice, makemap, the string
// conversions) after they allocated: a call from generated code is a safe
// point, so if the collector goroutine is waiting to run (gcTriggered ==
// 2) the caller yields to it at once (a loop whose only calls are
// allocations has no prologue to be preempted at), and a pending
// preemption request (preemptCheck: sysmon's time slice, a
// stop-the-world) is honoured here too. Such a loop spends most of its
// time in mallocgc, where SIGURG is declined, so a stop-the-world waited
// for one of its 100 us re-signals to land in the loop's few instructions
// of generated code: the concurrent collector's mark termination took
// 0.15-10 ms to stop gc_pause's allocating goroutine. While a concurrent
// cycle marks (gcTriggered == 3) it is where a G in assist debt pays or
// parks (gcAssistPark).
void gcYieldSlow();
// gcTriggered is 3 for the whole concurrent cycle: a G that allocated into
// assist debt parks (gcAssistPark) at this safe point.
inline void gcSafePoint() {
  if (__builtin_expect(gcTriggered.load(std::memory_order_relaxed) >= 2, 0))
    gcYieldSlow();
  preemptCheck();
}

// A full, blocking collection on the calling goroutine (runtime.GC and
// the collector goroutine). Must be called from a user G with a P, outside
// any runtime lock.
void gcCollect(bool forced);

} // namespace glrt

#endif // GLRT_MGC_H
