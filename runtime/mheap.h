//===- mheap.h - spans, the page heap, mcentral, mcache (Go's names) -------===//
//
// The data structures of glrt's allocator. The essays (invariants, who may
// call what, which lock guards what) are at the top of malloc.cpp (the
// allocation paths) and mheap.cpp (pages, arenas, spans, scavenging).
//===----------------------------------------------------------------------===//
#ifndef GLRT_MHEAP_H
#define GLRT_MHEAP_H

#include "lock.h"
#include "sizeclasses.h"

#include <atomic>
#include <stddef.h>
#include <stdint.h>

namespace glrt {

struct Type;
struct spanList;

// Heap arenas: 64 MiB, aligned, each with its page->span map (Go's
// heapArenaBytes, pagesPerArena).
constexpr uintptr_t heapArenaBytes = uintptr_t(64) << 20;
constexpr uintptr_t logHeapArenaBytes = 26;
constexpr uintptr_t pagesPerArena = heapArenaBytes / _PageSize; // 8192
constexpr uintptr_t arenaL2Bits = 48 - logHeapArenaBytes;        // 22
constexpr uintptr_t arenaL2Entries = uintptr_t(1) << arenaL2Bits;

enum mSpanState : uint8_t {
  mSpanDead = 0,   // not in use (mspan record free or span being built)
  mSpanInUse = 1,  // a heap span: small objects of one class or one large object
};

// A run of pages (Go's mspan). Fields marked "owner" belong to whoever holds
// the span: the P whose mcache caches it, or the mcentral under its lock.
struct mspan {
  mspan *next = nullptr; // mcentral list link (partial/full); mcentral.lock
  mspan *prev = nullptr;
  uintptr_t startAddr = 0; // immutable while in use
  uintptr_t npages = 0;    // immutable while in use
  // Address just past the last object (startAddr + nelems*elemsize; for a
  // large object startAddr + its requested size rounded to 8). Bytes of
  // the span at or after limit are not part of any object.
  uintptr_t limit = 0;
  uintptr_t elemsize = 0;   // immutable while in use
  uint32_t divMul = 0;      // class_to_divmagic of the class (0: large)
  uint16_t nelems = 0;      // immutable while in use
  // Objects [0, freeindex) are all allocated; from freeindex on, a slot is
  // free iff its allocBits bit is 0. Owner.
  uint16_t freeindex = 0;
  uint16_t allocCount = 0;  // objects allocated; owner
  spanClass spanclass = 0;  // immutable while in use
  std::atomic<uint8_t> state{mSpanDead}; // release when published; acquire in spanOf
  // The span's pages may hold old data (reused pages, not scavenged):
  // objects must be cleared before use. Owner.
  bool needzero = false;
  // ~allocBits starting at freeindex (bit i = slot freeindex+i is free),
  // cached for the fast path (Go's allocCache). Owner.
  uint64_t allocCache = 0;
  // One bit per object. allocBits: allocated as of the last sweep (no
  // sweep yet: all zero, freeindex alone records allocation). gcmarkBits:
  // the collector's marks; sweep will swap the two pointers (Go's trick),
  // which is why they point into bitsStore rather than being arrays.
  uint8_t *allocBits = nullptr;
  uint8_t *gcmarkBits = nullptr;
  uint64_t bitsStore[2][maxObjsPerSpan / 64] = {};
  // The mcentral list the span is on (its class's, or for a large object
  // class 0's), null while an mcache caches it or a sweeper holds it.
  // Taking a span off a list under mcentral.lock is what makes it one's
  // own (mcentral.cpp). mcentral.lock.
  spanList *list = nullptr;
  // Go's sweepgen, relative to mheap_.sweepgen (sg): sg - 2 the span
  // needs sweeping, sg it is swept (or fresh) for this cycle. A span
  // being swept is on no list and belongs to its sweeper. Written by the
  // span's owner; read by the collector with the world stopped.
  uint32_t sweepgen = 0;
  // GODEBUG=gccheckmark=1: the first mark's bits while the check re-marks
  // (world stopped; mgcmark.cpp), else null.
  const uint8_t *checkmarkSaved = nullptr;

  uintptr_t base() const { return startAddr; }
  // The index of the object containing p (startAddr <= p < limit).
  uintptr_t objIndex(uintptr_t p) const {
    uintptr_t off = p - startAddr;
    if (divMul == 0)
      return 0;
    return uintptr_t((uint64_t(off) * divMul) >> 32);
  }
  bool isFree(uintptr_t i) const {
    return i >= freeindex && !((allocBits[i / 8] >> (i % 8)) & 1);
  }
};

// Per-arena metadata (Go's heapArena). spans[i] is the in-use span that
// holds page i of the arena, or null. Written under mheap.lock with
// release stores, read by anyone (spanOf) with acquire loads.
struct heapArena {
  std::atomic<mspan *> spans[pagesPerArena];
  // Page allocator state (mheap.lock): inUse bit = page belongs to a span;
  // dirty bit (free pages only) = the page may hold non-zero bytes and
  // still counts in RSS (not scavenged). A free, clean page is zero: fresh
  // from the OS or released with sysUnused.
  uint64_t inUse[pagesPerArena / 64];
  uint64_t dirty[pagesPerArena / 64];
  uintptr_t base;
  // The heap bitmap (Go's heapArena.bitmap, one bit per word instead of
  // two): bit w%8 of ptrbits[w/8] is set when word w of the arena (address
  // base + 8w) may hold a heap pointer. Written by the allocating M for the
  // words of the object it just allocated (heapBitsSetType, mgcmark.cpp),
  // before the object is published; read by the collector with the world
  // stopped. Only words of objects in scan spans are ever set; the bits of
  // a slot are all rewritten when the slot is reused. 1 MiB per arena,
  // touched only where scan objects live.
  uint8_t ptrbits[heapArenaBytes / 8 / 8];
};

// A doubly linked list of spans (mspan.next/prev, mspan.list).
struct spanList {
  mspan *first = nullptr;
  uintptr_t n = 0;
};

// The central free lists of one span class (Go's mcentral), with Go's
// swept/unswept halves: partial[] holds spans with a free slot, full[]
// spans with none (as of their last sweep), and which of the two
// entries is "swept" flips with every collection's sweepgen += 2
// (partialSwept(sg) = partial[sg/2 % 2]), so at the flip every swept
// span becomes unswept without being touched. Class 0 (large objects,
// never cached) keeps its spans on full[] so that sweepers find them.
// mcentral.cpp and mgcsweep.cpp have the rules.
struct mcentral {
  mutex lock;
  spanList partial[2] GUARDED_BY(lock);
  spanList full[2] GUARDED_BY(lock);
  uintptr_t nspans GUARDED_BY(lock) = 0;

  spanList *partialSwept(uint32_t sg) REQUIRES(lock) { return &partial[(sg / 2) % 2]; }
  spanList *partialUnswept(uint32_t sg) REQUIRES(lock) { return &partial[(sg / 2 + 1) % 2]; }
  spanList *fullSwept(uint32_t sg) REQUIRES(lock) { return &full[(sg / 2) % 2]; }
  spanList *fullUnswept(uint32_t sg) REQUIRES(lock) { return &full[(sg / 2 + 1) % 2]; }

  mspan *cacheSpan();
  void uncacheSpan(mspan *s);
  mspan *grow();
};

// List operations; the caller holds the lists' mcentral.lock.
void spanListPush(spanList *l, mspan *s);
void spanListRemove(mspan *s);
mspan *spanListPop(spanList *l);

// Per-P allocation cache (Go's mcache). Used only by the P's owner M
// (or, for the shared fallback mcache of threads without a P, under
// mallocNoPLock): no locks, no atomics on the fast path.
struct mcache {
  mspan *alloc[numSpanClasses]; // never null: emptymspan when none cached
  // The tiny allocator (Go's): a 16-byte noscan block [tiny, tiny+16)
  // of which tinyoffset bytes are used.
  uintptr_t tiny;
  uintptr_t tinyoffset;
  uint64_t tinyAllocs;
  // String bytes built by concatenation (malloc.cpp: mallocbytes): a bump
  // chunk and the free tail of the latest large string.
  uintptr_t bytesCur, bytesEnd;
  uintptr_t bigCur, bigEnd;
  uint64_t nmalloc; // objects allocated through this cache (stats)
  // Bytes of objects allocated black through this cache during the
  // current mark (summed and reset at mark termination; owner).
  uint64_t blackBytes;
  // The write barrier's buffer of greyed objects (Go's wbBuf; mbarrier.cpp):
  // written only by the P's owner, published to the mark's full list when
  // full and, with the world stopped, at mark termination.
  static constexpr uint32_t kWbBufEntries = 256;
  uint32_t wbufN;
  uintptr_t wbuf[kWbBufEntries];

  void refill(spanClass spc);
  void releaseAll();
};

struct mheap {
  mutex lock;
  // The page heap: every arena, sorted by address (allArenas[i] is an
  // arena index, addr >> 26). mheap.lock.
  uint32_t *allArenas GUARDED_BY(lock) = nullptr;
  uintptr_t nArenas GUARDED_BY(lock) = 0;
  // Lowest page that may be free (Go's pageAlloc.searchAddr), as a page
  // number (address / _PageSize), never as an address: mheap_ is a .bss
  // global that the mark scans conservatively, and the page after the last
  // allocation is often where an object starts (mheap.cpp: searchAddr()).
  uintptr_t searchPage GUARDED_BY(lock) = ~uintptr_t(0) / _PageSize;
  // Free mspan records (Go's spanalloc).
  mspan *spanFree GUARDED_BY(lock) = nullptr;
  // Page accounting (bytes; written under lock, read racily with relaxed
  // loads for stats): in spans, free and dirty (scavengeable), released.
  std::atomic<uint64_t> pagesInUse{0};
  // The highest pagesInUse since bgscavenge last looked (written under
  // lock by alloc; bgscavenge reads and resets it with relaxed operations:
  // a lost maximum only makes one look release a little more).
  std::atomic<uint64_t> pagesInUsePeak{0};
  std::atomic<uint64_t> pagesDirty{0};
  std::atomic<uint64_t> released{0};
  std::atomic<uint64_t> sys{0};
  std::atomic<uint64_t> largeAllocs{0}; // large objects allocated (count)
  mcentral central[numSpanClasses];
  // Go's mheap_.sweepgen: += 2 by every collection (world stopped), so it
  // is stable while any sweeper runs; read relaxed.
  std::atomic<uint32_t> sweepgen{0};

  mspan *alloc(uintptr_t npages, spanClass spc);
  void freeSpan(mspan *s);
  uintptr_t scavenge(uintptr_t want);
};

extern mheap mheap_;
// The L2 arena map (Go's mheap_.arenas): arena index -> heapArena, null for
// addresses glrt never mapped. Entries are set once (release) and never
// cleared; readers load with acquire. The array itself is one reserved
// 32 MiB mapping touched only where arenas exist.
extern std::atomic<heapArena *> *mheapArenas;

// The span that holds address p, or null when p is not in an in-use heap
// span (stacks, globals, C memory, freed pages). Any thread, lock-free.
mspan *spanOf(uintptr_t p);
// Go's findObject: the base address of the heap object that contains p
// (an interior pointer, or a pointer to its last byte), its span and its
// index; base 0 when p points into no allocated object slot. "Allocated"
// here is slot-level (freeindex/allocBits), as in Go.
uintptr_t findObject(uintptr_t p, mspan **sp = nullptr, uintptr_t *idx = nullptr);

// The size of the heap object at base (its size class or large span).
uintptr_t objectSize(uintptr_t base);

// Returns a large object's span to the heap at once (explicit free: the
// caller guarantees no pointer to the object is used again). p must be the
// base of a large object (> 32 KiB). Small objects are never freed
// explicitly: only a sweep can return their slots.
void freeLarge(void *p);

// The background scavenger's step (sysmon, about every 100 ms): releases
// free dirty pages beyond a retained cushion back to the OS. Any thread
// without mheap.lock; takes it.
void bgscavenge();

// The arena holding p, or null (any thread, lock-free; as spanOf).
heapArena *arenaOf(uintptr_t p);

// Calls fn for every in-use span, in address order. The world must be
// stopped (or the caller must otherwise know no span is allocated or
// freed meanwhile); fn may free the span it is given (mheap::freeSpan).
void forEachSpan(void (*fn)(mspan *, void *), void *arg);

// Stats for tests and (later) ReadMemStats.
struct heapStats {
  uint64_t inUse, dirty, released, sys, nmalloc, largeAllocs;
};
heapStats readHeapStats();

} // namespace glrt

#endif // GLRT_MHEAP_H
