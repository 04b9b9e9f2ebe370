//===- mbarrier.cpp - the write barrier (Go's mbarrier.go) -----------------===//
//
// glc emits, before every store of a pointer-holding value whose
// destination is not a stack slot (and before every memcpy/memmove/memset
// into such memory), a check of glrt_writeBarrier.enabled and an unlikely
// call into here (compiler/irgen/IRGenAlloc.cpp: insertWriteBarriers):
//   gcWriteBarrier(slot, ptr)         shades the old *slot, then performs
//                                     *slot = ptr (as Go's gcWriteBarrier
//                                     does the store too);
//   bulkBarrierPreWrite(dst, src, n)  shades the old value of every pointer
//                                     word of [dst, dst+n) (per the heap
//                                     bitmap) before the copy or clear.
// The flag is on exactly while the concurrent collector marks (gcphase ==
// _GCmark, mgc.cpp), and for GODEBUG=wbtest=1.
//
// THE RULE (a snapshot-at-the-beginning, Yuasa deletion barrier). STW1
// scans every root (stacks, globals, persistent memory: mgc.cpp's
// essay) with the world stopped, so every object the program could reach
// then is either grey or reachable from a grey one through heap pointer
// words. Objects allocated during the mark are black. So the only way the
// program can hide a live object from the marker is to overwrite (or
// clear) the last heap pointer word on its path before the marker got
// there; therefore:
//
//   WHILE MARKING, EVERY OVERWRITE OR CLEAR OF A POINTER WORD IN A HEAP
//   OBJECT MUST SHADE THE OLD VALUE FIRST.
//
// Stores into roots (stack slots, globals, persistent runtime records:
// G, M, P, sudog, itab tables, timer heaps' arrays, pollDescs) need no
// barrier: their values at STW1 are grey already, and anything stored
// there later was taken from the snapshot or allocated black. The new
// value need not be shaded either (Go's hybrid barrier shades it because
// Go scans stacks one at a time; here all of them are scanned in STW1).
// Shading = greying a white object (mark bit set atomically) and queueing
// it for scanning in the P's wbuf (mcache.wbuf, published to the mark's
// full list when full and at mark termination), or directly without a P.
//
// Generated code follows the rule through the emitted barriers. The
// runtime's C++ follows it through the helpers in mbarrier.h, which every
// overwrite or clear of pointer-holding heap memory in glrt goes through
// (Go's typedmemmove / typedmemclr / memclrHasPointers / writebarrierptr):
//   chan.cpp   the element copies in and out of the buffer and directly
//              between a sender and a receiver's destination (which may
//              be a heap slot), and the clear of a buffer slot after a
//              receive (typedmemmove / typedmemclr on the element type);
//   select.cpp through chan.cpp's copies;
//   map.cpp    every store, copy or clear into buckets, overflow lists
//              and hmap's bucket pointers goes through mapmemmove /
//              mapmemclr / mapstoreptr, which call glrt_bulkBarrierPreWrite
//              and glrt_gcWriteBarrier as generated code does; hiter's
//              fields are not barriered: what they point to stays
//              reachable from the map (held by it->h) through barriered
//              paths while the iteration lasts;
//   defer.cpp  _defer records reused from the P's pool and their links;
//   time.cpp   timer records' fields written while armed;
//   slice.cpp  growslice copies into a NEW (black) array: no barrier;
//   reflect.cpp / panic.cpp / error.cpp / iface.cpp / string.cpp: copies
//              into objects they just allocated (black): no barrier.
// An object the caller has just allocated needs no barrier (allocated
// black during a mark; nothing old to lose).
//
// A store that straddles STW1 (generated code read the flag as 0, was
// preempted asynchronously before its store, and resumes after STW1) goes
// unbarriered: it can lose an object only if another goroutine read the
// same slot in between without synchronising with this one, i.e. in a
// program with a data race; a race-free reader ordered before the store
// read it before STW1 and holds the value in a root. Go forbids
// preemption there instead (unsafe points); glrt's async preemption does
// not know the barrier's instructions.
//
// GODEBUG=wbtest=1 (glrt only) turns the flag on for the whole run (no
// marking: the barrier then only counts and stores) and prints
// "wbtest: barriers=N bulk=M" at exit, to check that the emitted barriers
// are reached and keep the program's behaviour (lit
// gc/write_barrier_run.gl).
//
// Concurrency: the flag and gcphase are written only with the world
// stopped (or, for wbtest, before any goroutine starts) and read racily by
// every store site, as in Go; the counters are relaxed atomics. The
// barrier runs on the storing goroutine's stack within the nosplit budget
// (stack.h); publishing a full wbuf switches to g0.
//===----------------------------------------------------------------------===//
#include "mbarrier.h"

#include "abi.h"
#include "gmp.h"
#include "mgc.h"
#include "mheap.h"
#include "panic.h"
#include "type.h"

#include <atomic>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern "C" {
glrt::writeBarrierFlags glrt_writeBarrier;
}

namespace glrt {
namespace {
std::atomic<uint64_t> nbarriers{0}, nbulk{0};
bool wbtest;

void wbufFlush(void *arg) {
  auto *c = static_cast<mcache *>(arg);
  gcPublish(c->wbuf, c->wbufN);
  // The mcache is persistent memory, a root scanned conservatively: a
  // stale entry would keep its object alive into later cycles (and make
  // gccheckmark's re-mark find an object the cycle rightly left white).
  memset(c->wbuf, 0, c->wbufN * sizeof(uintptr_t));
  c->wbufN = 0;
}

// Queues a greyed object for scanning: the P's wbuf, or straight onto the
// full list from a thread without a P (never a goroutine's stack).
void wbEnqueue(uintptr_t base) {
  g *gp = getg();
  p *pp = gp != nullptr && gp->mp != nullptr ? gp->mp->pp : nullptr;
  mcache *c = pp != nullptr ? pp->mcache : nullptr;
  if (c == nullptr) {
    if (gp != nullptr && gp->mp != nullptr && gp != gp->mp->g0)
      onsystemstack([&] { gcPublish(&base, 1); });
    else
      gcPublish(&base, 1);
    return;
  }
  c->wbuf[c->wbufN++] = base;
  if (c->wbufN == mcache::kWbBufEntries)
    onsystemstack(wbufFlush, c);
}
} // namespace

void wbtestinit(bool on) {
  wbtest = on;
  if (on)
    glrt_writeBarrier.enabled = 1;
}

void wbtestReport() {
  if (!wbtest)
    return;
  char buf[100];
  int n = snprintf(buf, sizeof buf, "wbtest: barriers=%llu bulk=%llu\n",
                   (unsigned long long)nbarriers.load(), (unsigned long long)nbulk.load());
  if (n > 0)
    (void)!write(2, buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

uint64_t writeBarrierCalls() { return nbarriers.load(std::memory_order_relaxed); }

void shade(uintptr_t old) {
  uintptr_t base;
  if (old != 0 && shadeObject(old, &base))
    wbEnqueue(base);
}

void bulkShade(uintptr_t dst, uintptr_t n) {
  if (gcphase.load(std::memory_order_relaxed) != _GCmark || n == 0)
    return;
  mspan *s = spanOf(dst);
  if (s == nullptr || spanClassNoscan(s->spanclass))
    return; // not the heap (a global, a stack), or no pointers there
  uintptr_t end = dst + n;
  for (uintptr_t w = (dst + 7) & ~uintptr_t(7); w + 8 <= end; w += 8)
    if (heapBitsIsPointer(w))
      shade(__atomic_load_n(reinterpret_cast<const uintptr_t *>(w), __ATOMIC_RELAXED));
}

void wbFlushAll(mcache *c) {
  if (c->wbufN != 0)
    wbufFlush(c);
}

// The barriers are entry points called from generated code and from
// runtime paths on the goroutine stack within the nosplit budget
// (stack.h): the shading (span lookups, the P's buffer, its flush) runs on
// the system stack, and only while marking. Shaded inline, every entry
// point whose chain reaches a barrier (map assignment through mapmemmove,
// channel sends through typedmemmove) grew 16 bytes and glrt_mapassign's
// went past the budget (abi_stack_test: 264 of 256 bytes).
namespace {
struct shadeArgs {
  uintptr_t a, n; // shade(a) when n == 0, else bulkShade(a, n)
};
__attribute__((noinline)) void shadeOnSystemStack(uintptr_t a, uintptr_t n) {
  shadeArgs args{a, n};
  glrt::onsystemstack(
      [](void *v) {
        auto *x = static_cast<shadeArgs *>(v);
        if (x->n == 0)
          glrt::shade(x->a);
        else
          glrt::bulkShade(x->a, x->n);
      },
      &args);
}
inline void shadeIfMarking(uintptr_t dst, uintptr_t n) {
  if (n != 0 && gcphase.load(std::memory_order_relaxed) == _GCmark)
    shadeOnSystemStack(dst, n);
}
} // namespace

void typedmemmove(const Type *t, void *dst, const void *src) {
  if (dst == src || t->size == 0)
    return;
  if (t->ptrdata != 0 && glrt_writeBarrier.enabled)
    shadeIfMarking(reinterpret_cast<uintptr_t>(dst), t->ptrdata);
  memmove(dst, src, t->size);
}

void typedmemclr(const Type *t, void *p) {
  if (t->size == 0)
    return;
  if (t->ptrdata != 0 && glrt_writeBarrier.enabled)
    shadeIfMarking(reinterpret_cast<uintptr_t>(p), t->ptrdata);
  memset(p, 0, t->size);
}

void memclrHasPointers(void *p, uintptr_t n) {
  if (glrt_writeBarrier.enabled)
    shadeIfMarking(reinterpret_cast<uintptr_t>(p), n);
  memset(p, 0, n);
}

void memmoveHasPointers(void *dst, const void *src, uintptr_t n) {
  if (glrt_writeBarrier.enabled)
    shadeIfMarking(reinterpret_cast<uintptr_t>(dst), n);
  memmove(dst, src, n);
}

} // namespace glrt


void glrt_gcWriteBarrier(void *slot, void *ptr) {
  glrt::nbarriers.fetch_add(1, std::memory_order_relaxed);
  if (glrt::gcphase.load(std::memory_order_relaxed) == glrt::_GCmark) {
    uintptr_t old = __atomic_load_n(static_cast<uintptr_t *>(slot), __ATOMIC_RELAXED);
    if (old != 0)
      glrt::shadeOnSystemStack(old, 0);
  }
  __atomic_store_n(static_cast<void **>(slot), ptr, __ATOMIC_RELAXED);
}

void glrt_bulkBarrierPreWrite(void *dst, void *src, int64_t n) {
  (void)src; // SATB: only the values being overwritten need shading
  glrt::nbulk.fetch_add(1, std::memory_order_relaxed);
  if (n > 0 && glrt::gcphase.load(std::memory_order_relaxed) == glrt::_GCmark)
    glrt::shadeOnSystemStack(reinterpret_cast<uintptr_t>(dst), uintptr_t(n));
}

void glrt::writePointerSlow(void **slot, void *v) { glrt_gcWriteBarrier(slot, v); }
