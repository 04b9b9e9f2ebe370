//===- mcache.cpp - the per-P allocation cache -----------------------------===//
//
// Go's mcache: one cached span per span class, used by its P's owner M with
// no locks (malloc.cpp's fast path). refill swaps a used-up span for one
// with free slots from the class's mcentral; releaseAll gives every cached
// span back (the collector will call it for every P with the world
// stopped, before marking, as Go's gcstart does through flushmcache).
//
// Callers: the P's owner M, on g0 (malloc's slow path; refill takes the
// mcentral and maybe the mheap lock), or anyone holding the P stopped.
//===----------------------------------------------------------------------===//
#include "mgc.h"
#include "mheap.h"

namespace glrt {

// A span with no free slot, so every cache's alloc[] is never null and the
// fast path needs no null check (Go's emptymspan).
constinit mspan emptymspan;

// heapLive counts a cached span's free slots as allocated from the moment
// it is cached (Go's accounting, at span granularity: the fast path counts
// nothing); a span given back returns its unused slots.
static inline uint64_t freeBytes(mspan *s) {
  return uint64_t(s->nelems - s->allocCount) * s->elemsize;
}

void mcache::refill(spanClass spc) {
  mspan *s = alloc[spc];
  if (s != &emptymspan) {
    heapLive.fetch_sub(freeBytes(s), std::memory_order_relaxed);
    mheap_.central[spc].uncacheSpan(s);
  }
  // A span keeps freeindex/allocCache consistent while on a list (bit 0
  // of allocCache is slot freeindex), so it is used as it comes.
  s = mheap_.central[spc].cacheSpan();
  alloc[spc] = s;
  gcAccountAlloc(freeBytes(s));
}

void mcache::releaseAll() {
  for (int i = 0; i < numSpanClasses; i++) {
    if (alloc[i] != &emptymspan) {
      heapLive.fetch_sub(freeBytes(alloc[i]), std::memory_order_relaxed);
      mheap_.central[i].uncacheSpan(alloc[i]);
      alloc[i] = &emptymspan;
    }
  }
  tiny = tinyoffset = 0;
  // The string-bytes cursors stay: the cursor words are themselves
  // conservative roots (an mcache is persistentalloc memory, mcacheNoP a
  // global), and bytesCur/bigCur point into their chunk (at most one past
  // its end, and then the chunk has no room left to carve), so a chunk
  // with room is marked and never freed while a cursor is in it. Dropping
  // them made every collection start a fresh 64 KiB chunk: under
  // GODEBUG=gcstress=1 at GOMAXPROCS=1 (a collection per allocation)
  // lit maps/growth.gl pinned one chunk per string key and its live heap
  // grew past 800 MB.
}

} // namespace glrt
