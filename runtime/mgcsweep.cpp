//===- mgcsweep.cpp - sweeping: free what the mark did not reach ----------===//
//
// Go's mgcsweep.go: lazy, concurrent sweeping with sweep generations.
// The collection itself only flips mheap_.sweepgen (sg += 2, world
// stopped, after the mark): every span was swept for the old sg, so every
// span is now "unswept" (span.sweepgen == sg - 2) and every mcentral's
// swept lists are now its unswept ones (mheap.h) without a span being
// touched. The pause no longer walks the heap.
//
// Sweeping one span (sweepSpan) makes its mark bits its allocation bits
// (Go's swap of gcmarkBits and allocBits), clears the new mark bits,
// resets freeindex and primes allocCache, so the allocator hands out
// exactly the unmarked slots; a span that lost an object is needzero; a
// span with no marked object goes back to the heap (its pages become
// dirty free pages for the scavenger); a large object's span is freed
// unless marked. GODEBUG=gcpoison=1 fills every freed slot with
// 0xdeadbeefdeadbeef first, so a pointer the mark missed reads poison.
//
// Who sweeps, between two collections:
//   - an mcache that needs a span (mcentral::cacheSpan) sweeps its own
//     class's unswept spans until one has room (Go's "sweep on
//     allocation"), after paying its share of the proportional sweep
//     (deductSweepCredit): the pages swept must keep ahead of
//     pagesInUse * (heap grown since the mark) / (trigger - marked), so the
//     sweep is done before the next cycle starts (heapTrigger);
//   - a large allocation sweeps until it has freed as many pages as it
//     needs (reclaim, Go's mheap.reclaim), before growing the heap;
//   - the background sweeper goroutine (bgsweep, mgc.cpp) sweeps one span
//     at a time and yields between spans;
//   - runtime.GC finishes the sweep before it returns (as Go's);
//   - the next collection finishes whatever is left with the world
//     stopped, before it marks (finishSweep; normally nothing).
// Ownership: a span taken off an unswept list under its mcentral's lock
// belongs to the sweeper that took it (nobody else can reach it: it is
// on no list, in no mcache); sweepActive counts such sweepers, so
// finishSweep can wait for the last of them. sweepCursor walks the span
// classes once per cycle: a class whose unswept lists are empty stays
// empty until the next flip.
//
// Threads: sweepSpan runs on g0 (malloc's slow path, bgsweep through
// systemstack, runtime.GC through systemstack) or a thread without a G;
// it takes the span's mcentral lock and mheap.lock (freeSpan), in that
// order, never both at once.
//===----------------------------------------------------------------------===//
#include "mgc.h"

#include "lock.h"
#include "mheap.h"
#include "proc.h"
#include "race.h"

#include <sched.h>
#include <string.h>

namespace glrt {
namespace {

// Freed by sweeping since the program started (statistics; relaxed).
std::atomic<uint64_t> freedObjects{0}, freedBytes{0};
// The proportional sweep (Go's sweepPagesPerByte, pagesSwept,
// sweepHeapLiveBasis), set by the flip, read by deductSweepCredit.
std::atomic<double> sweepPagesPerByte{0};
std::atomic<uint64_t> pagesSwept{0};
uint64_t sweepHeapLiveBasis = 0; // written at the flip only
std::atomic<uint32_t> sweepCursor{numSpanClasses};
std::atomic<int32_t> sweepActive{0};

inline bool bitset(const uint8_t *b, uintptr_t i) { return (b[i / 8] >> (i % 8)) & 1; }

void poisonRange(uintptr_t p, uintptr_t n) {
  auto *w = reinterpret_cast<uint64_t *>(p);
  for (uintptr_t i = 0; i < n / 8; i++)
    w[i] = 0xdeadbeefdeadbeefull;
}

void freeSpanSwept(mspan *s) {
  mcentral &c = mheap_.central[s->spanclass];
  glrt::lock(&c.lock);
  c.nspans--;
  glrt::unlock(&c.lock);
  mheap_.freeSpan(s);
}

} // namespace

void sweepBegin() { sweepActive.fetch_add(1, std::memory_order_relaxed); }

uintptr_t sweepSpan(mspan *s, bool preserve) {
  uint32_t sg = mheap_.sweepgen.load(std::memory_order_relaxed);
  bool poison = gcpoison;
  uintptr_t freedPages = 0;
  uint8_t sc = spanClassSize(s->spanclass);
  pagesSwept.fetch_add(s->npages, std::memory_order_relaxed);
  if (sc == 0) {
    if (bitset(s->gcmarkBits, 0)) {
      s->gcmarkBits[0] = 0;
      s->sweepgen = sg;
      mcentral &c = mheap_.central[s->spanclass];
      glrt::lock(&c.lock);
      spanListPush(c.fullSwept(sg), s);
      glrt::unlock(&c.lock);
    } else {
      uintptr_t size = s->limit - s->startAddr;
      if (poison)
        poisonRange(s->startAddr, size);
      racefree(reinterpret_cast<void *>(s->startAddr), size);
      freedObjects.fetch_add(1, std::memory_order_relaxed);
      freedBytes.fetch_add(size, std::memory_order_relaxed);
      freedPages = s->npages;
      freeSpanSwept(s);
    }
    sweepActive.fetch_sub(1, std::memory_order_release);
    return freedPages;
  }
  uintptr_t n = s->nelems;
  uintptr_t nbytes = (n + 7) / 8;
  uintptr_t live = 0, freed = 0;
  for (uintptr_t i = 0; i < n; i++) {
    bool was = i < s->freeindex || bitset(s->allocBits, i);
    bool now = bitset(s->gcmarkBits, i);
    live += now;
    if (was && !now) {
      freed++;
      if (poison)
        poisonRange(s->startAddr + i * s->elemsize, s->elemsize);
      racefree(reinterpret_cast<void *>(s->startAddr + i * s->elemsize), s->elemsize);
    }
  }
  freedObjects.fetch_add(freed, std::memory_order_relaxed);
  freedBytes.fetch_add(freed * s->elemsize, std::memory_order_relaxed);
  if (live == 0 && !preserve) {
    freedPages = s->npages;
    freeSpanSwept(s);
    sweepActive.fetch_sub(1, std::memory_order_release);
    return freedPages;
  }
  uint8_t *old = s->allocBits;
  s->allocBits = s->gcmarkBits;
  s->gcmarkBits = old;
  memset(s->gcmarkBits, 0, sizeof(s->bitsStore[0]));
  // Bits past nelems must read as allocated (never handed out): the
  // allocator's allocCache would otherwise see them free.
  for (uintptr_t i = n; i < nbytes * 8; i++)
    s->allocBits[i / 8] |= uint8_t(1u << (i % 8));
  s->freeindex = 0;
  s->allocCount = uint16_t(live);
  uint64_t v;
  memcpy(&v, s->allocBits, 8);
  s->allocCache = ~v;
  if (freed != 0)
    s->needzero = true; // freed slots hold old bytes
  s->sweepgen = sg;
  if (!preserve) {
    mcentral &c = mheap_.central[s->spanclass];
    glrt::lock(&c.lock);
    spanListPush(live < n ? c.partialSwept(sg) : c.fullSwept(sg), s);
    glrt::unlock(&c.lock);
  }
  sweepActive.fetch_sub(1, std::memory_order_release);
  return 0;
}

uintptr_t sweepone(uintptr_t *freedPages) {
  uint32_t sg = mheap_.sweepgen.load(std::memory_order_relaxed);
  for (;;) {
    uint32_t i = sweepCursor.load(std::memory_order_relaxed);
    if (i >= numSpanClasses)
      return ~uintptr_t(0);
    mcentral &c = mheap_.central[i];
    glrt::lock(&c.lock);
    mspan *s = spanListPop(c.partialUnswept(sg));
    if (s == nullptr)
      s = spanListPop(c.fullUnswept(sg));
    if (s != nullptr)
      sweepBegin();
    glrt::unlock(&c.lock);
    if (s != nullptr) {
      uintptr_t np = s->npages;
      uintptr_t f = sweepSpan(s, false);
      if (freedPages)
        *freedPages += f;
      return np;
    }
    sweepCursor.compare_exchange_strong(i, i + 1, std::memory_order_relaxed);
  }
}

bool sweepDone() { return sweepCursor.load(std::memory_order_relaxed) >= numSpanClasses; }

void deductSweepCredit(uintptr_t spanBytes) {
  double ppb = sweepPagesPerByte.load(std::memory_order_relaxed);
  if (ppb == 0)
    return;
  for (;;) {
    uint64_t live = heapLive.load(std::memory_order_relaxed) + spanBytes;
    double target = double(live > sweepHeapLiveBasis ? live - sweepHeapLiveBasis : 0) * ppb;
    if (double(pagesSwept.load(std::memory_order_relaxed)) >= target)
      return;
    if (sweepone(nullptr) == ~uintptr_t(0)) {
      sweepPagesPerByte.store(0, std::memory_order_relaxed);
      return;
    }
  }
}

void reclaim(uintptr_t npages) {
  uintptr_t freed = 0;
  while (freed < npages && sweepone(&freed) != ~uintptr_t(0)) {
  }
}

void finishSweep() {
  while (sweepone(nullptr) != ~uintptr_t(0)) {
  }
  // A sweeper that took a span just before the stop (a thread without a
  // P) finishes it.
  while (sweepActive.load(std::memory_order_acquire) != 0)
    sched_yield();
}

void sweepFlip(uint64_t marked) {
  mheap_.sweepgen.fetch_add(2, std::memory_order_relaxed);
  sweepCursor.store(0, std::memory_order_relaxed);
  pagesSwept.store(0, std::memory_order_relaxed);
  sweepHeapLiveBasis = marked;
  // Go's proportional sweep ratio: every page in use must be swept by the
  // time the heap grows from `marked` to the trigger (less a page of slack).
  // The concurrent collector's next cycle starts at the trigger, and
  // the sweep must be done by then (STW1 would finish it, in the pause).
  uint64_t goal = heapTrigger.load(std::memory_order_relaxed);
  uint64_t pages = mheap_.pagesInUse.load(std::memory_order_relaxed) / _PageSize;
  double dist = goal == ~uint64_t(0) || goal <= marked + _PageSize ? double(_PageSize)
                                                                    : double(goal - marked - _PageSize);
  sweepPagesPerByte.store(double(pages) / dist, std::memory_order_relaxed);
}

void sweepTotals(uint64_t *objects, uint64_t *bytes) {
  *objects = freedObjects.load(std::memory_order_relaxed);
  *bytes = freedBytes.load(std::memory_order_relaxed);
}

} // namespace glrt
