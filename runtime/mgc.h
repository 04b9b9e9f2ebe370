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

// Recomputes heapGoal from the marked bytes and gcPercent.
void gcSetGoal(uint64_t marked);
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
// glrt_mallocgc, glrt_makeslice, glrt_growslice) after they allocated: a
// call from generated code is a safe point, so if the collector goroutine
// is waiting to run (gcTriggered == 2) the caller yields to it at once
// (a loop whose only calls are allocations has no prologue to be
// preempted at).
void gcYieldSlow();
inline void gcSafePoint() {
  if (__builtin_expect(gcTriggered.load(std::memory_order_relaxed) == 2, 0))
    gcYieldSlow();
}

// A full, blocking collection on the calling goroutine (runtime.GC and
// the collector goroutine). Must be called from a user G with a P, outside
// any runtime lock.
void gcCollect(bool forced);

} // namespace glrt

#endif // GLRT_MGC_H
