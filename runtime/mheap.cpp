//===- mheap.cpp - the page heap: arenas, spans, scavenging ----------------===//
//
// Go's mheap, simplified: memory comes from the OS in 64 MiB arenas
// (aligned to 64 MiB, one sysAlloc each, or several contiguous ones for a
// huge object) and is handed out in runs of 8 KiB pages, as spans. A span
// holds either objects of one size class (mcentral/mcache cut it up) or
// one large object (> 32 KiB, mallocgc's allocLarge).
//
// Finding a span from any address (Go's spanOf): mheapArenas[addr >> 26]
// is the arena's heapArena (null: not heap memory), and its spans[page]
// the in-use span holding that page. Both maps are written under
// mheap.lock with release stores and read lock-free with acquire loads, so
// a reader that sees a span sees its initialised fields. A span that is
// freed has its spans[] entries cleared before its record is reused; a
// concurrent reader may still hold the stale record, so readers check
// state == mSpanInUse and the range (the collector will only call spanOf
// with the world stopped or on spans it knows live).
//
// The page allocator (Go's pageAlloc, without the radix summaries): each
// arena has two bitmaps, inUse and dirty (heapArena). alloc(npages) takes
// the lowest run of npages free pages (first fit, scanning arenas in
// address order from searchAddr, the lowest page that may be free; a run
// may cross into the next arena if it is adjacent); from 1 MiB up, the
// shortest free run that fits (best fit, findRun); and grows the heap by
// new arenas when nothing fits. A span is zeroed by its user only if one
// of its pages was dirty (span.needzero): fresh and scavenged pages are
// zero.
//
// Scavenging (Go's bgscavenge): free dirty pages still cost RSS. sysmon
// calls bgscavenge every ~100 ms; as Go's scavenger (its gcPercentGoal)
// it lets the heap retain (pages in use + free dirty pages) up to 10%
// over the collector's heap goal, and releases only what exceeds that
// (sysUnused, MADV_DONTNEED; the pages become clean). Below the goal, the
// free pages a collection leaves are the ones the program allocates into
// before the next one: releasing them costs a page fault per page when
// they are reused (with the old rule, max(4 MiB, in-use/8) dirty pages
// kept, binary-trees spent ~18% of its CPU in page faults). When the live
// heap shrinks, the goal follows at the next collection and the excess
// goes back to the OS. glrt also keeps the pages in use at their peak
// within the last second (ten looks), so a program that frees and
// reallocates big objects in a cycle is not made to fault them back in
// after every release; a heap that shrinks for good is released a second
// later. GOGC=off: the goal is infinite, nothing is scavenged (as Go
// without a memory limit).
//
// Locks and callers:
//  - mheap.lock guards the page bitmaps, allArenas, searchAddr, the span
//    record free list, and every write to the spans[]/arena maps. It is a
//    leaf except that grow() calls sysAlloc (a system call) under it.
//    Held only on g0 or a thread without a G (it is taken from the slow
//    paths of malloc, which run on g0: stack.h's rule), never across a
//    park.
//  - alloc/freeSpan/scavenge: any thread, takes the lock.
//  - spanOf/findObject: any thread, lock-free.
//  - Lock order: mcentral.lock before mheap.lock (mcentral::grow calls
//    alloc without holding its own lock, but either order is safe only in
//    this direction).
//===----------------------------------------------------------------------===//
#include "mheap.h"

#include "mem.h"
#include "mgc.h"
#include "panic.h"
#include "race.h"

#include <new>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

namespace glrt {

constinit mheap mheap_;
std::atomic<heapArena *> *mheapArenas = nullptr;

namespace {

constexpr uintptr_t kMaxArenas = uintptr_t(1) << 16; // 4 TiB of heap

inline uintptr_t arenaIndex(uintptr_t p) { return p >> logHeapArenaBytes; }

// Go's searchAddr, kept as a page number in mheap_.searchPage (mheap.h).
inline uintptr_t searchAddr() REQUIRES(mheap_.lock) { return mheap_.searchPage * _PageSize; }
inline void setSearchAddr(uintptr_t a) REQUIRES(mheap_.lock) { mheap_.searchPage = a / _PageSize; }

} // namespace

heapArena *arenaOf(uintptr_t p) {
  std::atomic<heapArena *> *l2 = __atomic_load_n(&mheapArenas, __ATOMIC_ACQUIRE);
  if (l2 == nullptr)
    return nullptr;
  uintptr_t i = arenaIndex(p);
  if (i >= arenaL2Entries)
    return nullptr;
  return l2[i].load(std::memory_order_acquire);
}

namespace {

inline bool testbit(const uint64_t *b, uintptr_t i) { return (b[i / 64] >> (i % 64)) & 1; }

// Sets or clears bits [i, i+n) of b.
void setrange(uint64_t *b, uintptr_t i, uintptr_t n, bool v) {
  while (n > 0) {
    uintptr_t w = i / 64, o = i % 64;
    uintptr_t k = 64 - o < n ? 64 - o : n;
    uint64_t mask = (k == 64 ? ~uint64_t(0) : ((uint64_t(1) << k) - 1)) << o;
    if (v)
      b[w] |= mask;
    else
      b[w] &= ~mask;
    i += k;
    n -= k;
  }
}

// Counts set bits of b in [i, i+n).
uintptr_t countrange(const uint64_t *b, uintptr_t i, uintptr_t n) {
  uintptr_t c = 0;
  for (uintptr_t j = i; j < i + n; j++)
    c += testbit(b, j);
  return c;
}

// Maps `n` contiguous new arenas (aligned to 64 MiB): over-allocates by
// one arena and trims. Returns the base. mheap.lock held.
uintptr_t mapArenas(uintptr_t n) REQUIRES(mheap_.lock) {
  uintptr_t size = n * heapArenaBytes;
  auto raw = reinterpret_cast<uintptr_t>(sysAlloc(size + heapArenaBytes));
  uintptr_t base = (raw + heapArenaBytes - 1) & ~(heapArenaBytes - 1);
  if (base > raw)
    sysFree(reinterpret_cast<void *>(raw), base - raw);
  uintptr_t end = raw + size + heapArenaBytes;
  if (end > base + size)
    sysFree(reinterpret_cast<void *>(base + size), end - (base + size));
  // -race: TSan's mmap interceptor marked the mapping's first and last
  // bytes as written by this goroutine (race.h: heap objects).
  racefresh(reinterpret_cast<void *>(base), size);
  return base;
}

// Adds arenas for at least npages pages. mheap.lock held.
void grow(uintptr_t npages) REQUIRES(mheap_.lock) {
  if (mheapArenas == nullptr) {
    auto *l2 = static_cast<std::atomic<heapArena *> *>(
        sysAlloc(arenaL2Entries * sizeof(std::atomic<heapArena *>)));
    __atomic_store_n(&mheapArenas, l2, __ATOMIC_RELEASE);
    mheap_.allArenas = static_cast<uint32_t *>(sysAlloc(kMaxArenas * sizeof(uint32_t)));
  }
  uintptr_t n = (npages + pagesPerArena - 1) / pagesPerArena;
  if (mheap_.nArenas + n > kMaxArenas)
    fatal("runtime: out of memory: heap exceeds 4 TiB", "out of memory");
  uintptr_t base = mapArenas(n);
  // Transparent huge pages for the heap, as go1.19 (sysUsed's
  // sysHugePage): map_int's buckets (36 MiB walked at random) spent more
  // time in TLB misses than in the map code. The scavenger's sysUnused
  // still returns free pages (the kernel splits a huge page it cuts).
  sysHugePage(reinterpret_cast<void *>(base), n * heapArenaBytes);
  mheap_.sys.fetch_add(n * heapArenaBytes, std::memory_order_relaxed);
  for (uintptr_t k = 0; k < n; k++) {
    uintptr_t ab = base + k * heapArenaBytes;
    // A heapArena record is ~1.1 MiB (1 MiB of it the heap bitmap),
    // mostly never touched. sysAlloc's memory is zero already, so it is
    // default-initialised, not value-initialised: `heapArena()` would
    // memset all of it and fault in ~270 pages at the first allocation
    // (~3 ms of a 2-vCPU guest's startup). Only spans[] (std::atomic,
    // whose constructor stores 0: 64 KiB) is written here.
    auto *ha = new (sysAlloc(sizeof(heapArena))) heapArena;
    ha->base = ab;
    uint32_t idx = uint32_t(arenaIndex(ab));
    // Keep allArenas sorted by address (insertion; arenas are few).
    uintptr_t i = mheap_.nArenas;
    while (i > 0 && mheap_.allArenas[i - 1] > idx) {
      mheap_.allArenas[i] = mheap_.allArenas[i - 1];
      i--;
    }
    mheap_.allArenas[i] = idx;
    mheap_.nArenas++;
    mheapArenas[idx].store(ha, std::memory_order_release);
  }
  if (base < searchAddr())
    setSearchAddr(base);
}

// Runs of at least this many pages (1 MiB) are placed best fit.
constexpr uintptr_t kBestFitPages = 128;

// Finds a run of npages free pages at or above searchAddr; returns its
// address or 0. Also reports the first free page it saw (the new
// searchAddr candidate). mheap.lock held.
// Small runs: first fit, the lowest run (keeps small spans packed at the
// bottom of the heap). Large ones (kBestFitPages and up): best fit, the
// shortest free run that holds npages (the lowest of equals), so a big
// hole stays whole for the big object that left it. A program that
// rebuilds a big map (map_string: bucket arrays of 0.1, 0.2, ... 27 and
// 54 MB, twice) otherwise puts the second round's 13 and 27 MB arrays at
// the start of the first round's freed 54 MB array, and its own 54 MB
// array then needs a fresh arena: 54 MB of pages the kernel must fault in
// and zero again (on the KVM guest the bench runs on, 1-2.5 ns a byte).
uintptr_t findRun(uintptr_t npages, uintptr_t *firstFree) REQUIRES(mheap_.lock) {
  const bool best = npages >= kBestFitPages;
  uintptr_t runStart = 0, runLen = 0;
  uintptr_t bestStart = 0, bestLen = 0;
  uintptr_t prevIdx = ~uintptr_t(0);
  *firstFree = 0;
  // The run that just ended (or is still open at the end): a candidate.
  auto endRun = [&] {
    if (runLen >= npages && (bestLen == 0 || runLen < bestLen)) {
      bestStart = runStart;
      bestLen = runLen;
    }
    runLen = 0;
  };
  for (uintptr_t a = 0; a < mheap_.nArenas; a++) {
    uintptr_t idx = mheap_.allArenas[a];
    heapArena *ha = mheapArenas[idx].load(std::memory_order_relaxed);
    uintptr_t end = ha->base + heapArenaBytes;
    if (end <= searchAddr())
      continue;
    if (idx != prevIdx + 1)
      endRun(); // not adjacent: a run cannot continue
    prevIdx = idx;
    uintptr_t i = searchAddr() > ha->base ? (searchAddr() - ha->base) / _PageSize : 0;
    while (i < pagesPerArena) {
      uint64_t w = ha->inUse[i / 64] >> (i % 64);
      uintptr_t rem = 64 - i % 64; // bits of this word at and after i
      uint64_t ones = rem == 64 ? ~uint64_t(0) : (uint64_t(1) << rem) - 1;
      if (w == ones) {
        // The rest of this word is in use.
        endRun();
        i = (i / 64 + 1) * 64;
        continue;
      }
      if ((w & 1) != 0) {
        endRun();
        i++;
        continue;
      }
      // Page i is free.
      uintptr_t addr = ha->base + i * _PageSize;
      if (*firstFree == 0)
        *firstFree = addr;
      if (runLen == 0)
        runStart = addr;
      // Extend over the free bits of this word at once.
      uintptr_t freeBits = w == 0 ? rem : uintptr_t(__builtin_ctzll(w));
      runLen += freeBits;
      if (runLen >= npages && !best)
        return runStart;
      i += freeBits;
    }
  }
  endRun();
  return bestStart;
}

mspan *allocSpanRecord() REQUIRES(mheap_.lock) {
  mspan *s = mheap_.spanFree;
  if (s != nullptr) {
    mheap_.spanFree = s->next;
    s->~mspan();
    return new (s) mspan();
  }
  // A chunk of records at a time (never returned to the OS).
  constexpr uintptr_t kChunk = 64 << 10;
  auto *mem = static_cast<char *>(sysAlloc(kChunk));
  uintptr_t n = kChunk / sizeof(mspan);
  for (uintptr_t k = 1; k < n; k++) {
    auto *r = new (mem + k * sizeof(mspan)) mspan();
    r->next = mheap_.spanFree;
    mheap_.spanFree = r;
  }
  return new (mem) mspan();
}

// Marks [addr, addr+npages) in use or free in the page bitmaps and the
// spans map. Returns how many of the pages were dirty. mheap.lock held.
uintptr_t setPages(uintptr_t addr, uintptr_t npages, mspan *s) REQUIRES(mheap_.lock) {
  uintptr_t dirty = 0;
  while (npages > 0) {
    heapArena *ha = arenaOf(addr);
    uintptr_t i = (addr - ha->base) / _PageSize;
    uintptr_t k = pagesPerArena - i < npages ? pagesPerArena - i : npages;
    if (s != nullptr) {
      dirty += countrange(ha->dirty, i, k);
      setrange(ha->inUse, i, k, true);
      setrange(ha->dirty, i, k, false);
    } else {
      setrange(ha->inUse, i, k, false);
      setrange(ha->dirty, i, k, true);
    }
    for (uintptr_t j = i; j < i + k; j++)
      ha->spans[j].store(s, std::memory_order_release);
    addr += k * _PageSize;
    npages -= k;
  }
  return dirty;
}

} // namespace

mspan *mheap::alloc(uintptr_t npages, spanClass spc) {
  glrt::lock(&mheap_.lock);
  uintptr_t firstFree;
  uintptr_t base = findRun(npages, &firstFree);
  if (base == 0) {
    grow(npages);
    base = findRun(npages, &firstFree);
    if (base == 0)
      fatal("runtime: mheap grow did not make room", "out of memory");
  }
  // Everything below firstFree is in use; after this allocation the lowest
  // free page is firstFree if it lies before the run, else past the run.
  setSearchAddr(firstFree < base ? firstFree : base + npages * _PageSize);
  mspan *s = allocSpanRecord();
  s->startAddr = base;
  s->npages = npages;
  s->spanclass = spc;
  uintptr_t dirty = setPages(base, npages, s);
  s->needzero = dirty != 0;
  uint64_t inuse = mheap_.pagesInUse.fetch_add(npages * _PageSize, std::memory_order_relaxed) +
                   npages * _PageSize;
  if (inuse > mheap_.pagesInUsePeak.load(std::memory_order_relaxed))
    mheap_.pagesInUsePeak.store(inuse, std::memory_order_relaxed);
  mheap_.pagesDirty.fetch_sub(dirty * _PageSize, std::memory_order_relaxed);
  uint8_t sc = spanClassSize(spc);
  if (sc != 0) {
    s->elemsize = class_to_size[sc];
    s->nelems = uint16_t(npages * _PageSize / s->elemsize);
    s->divMul = class_to_divmagic.v[sc];
  } else {
    s->elemsize = npages * _PageSize;
    s->nelems = 1;
    s->divMul = 0;
  }
  s->limit = base + uintptr_t(s->nelems) * s->elemsize;
  s->allocBits = reinterpret_cast<uint8_t *>(s->bitsStore[0]);
  s->gcmarkBits = reinterpret_cast<uint8_t *>(s->bitsStore[1]);
  s->allocCache = ~uint64_t(0);
  s->state.store(mSpanInUse, std::memory_order_release);
  glrt::unlock(&mheap_.lock);
  return s;
}

void mheap::freeSpan(mspan *s) {
  glrt::lock(&mheap_.lock);
  s->state.store(mSpanDead, std::memory_order_release);
  setPages(s->startAddr, s->npages, nullptr);
  mheap_.pagesInUse.fetch_sub(s->npages * _PageSize, std::memory_order_relaxed);
  mheap_.pagesDirty.fetch_add(s->npages * _PageSize, std::memory_order_relaxed);
  if (s->startAddr < searchAddr())
    setSearchAddr(s->startAddr);
  s->next = mheap_.spanFree;
  mheap_.spanFree = s;
  glrt::unlock(&mheap_.lock);
}

// Releases up to `want` bytes of free dirty pages, lowest arenas last (the
// allocator prefers low addresses, so high free pages are the least likely
// to be reused soon). Returns the bytes mheap_.released.
uintptr_t mheap::scavenge(uintptr_t want) {
  uintptr_t got = 0;
  glrt::lock(&mheap_.lock);
  for (uintptr_t a = mheap_.nArenas; a-- > 0 && got < want;) {
    heapArena *ha = mheapArenas[mheap_.allArenas[a]].load(std::memory_order_relaxed);
    for (uintptr_t i = pagesPerArena; i-- > 0 && got < want;) {
      if (ha->dirty[i / 64] == 0) {
        i -= i % 64; // skip the clean word
        continue;
      }
      if (!testbit(ha->dirty, i) || testbit(ha->inUse, i))
        continue;
      // The run of free dirty pages ending at i.
      uintptr_t j = i;
      while (j > 0 && testbit(ha->dirty, j - 1) && !testbit(ha->inUse, j - 1))
        j--;
      sysUnused(reinterpret_cast<void *>(ha->base + j * _PageSize), (i + 1 - j) * _PageSize);
      setrange(ha->dirty, j, i + 1 - j, false);
      got += (i + 1 - j) * _PageSize;
      i = j;
    }
  }
  mheap_.pagesDirty.fetch_sub(got, std::memory_order_relaxed);
  mheap_.released.fetch_add(got, std::memory_order_relaxed);
  glrt::unlock(&mheap_.lock);
  return got;
}

namespace {
// The pages in use at their highest in each of the last kPeakLooks looks
// of bgscavenge (about 100 ms apart). Only sysmon's thread touches it.
constexpr int kPeakLooks = 10;
uint64_t recentPeaks[kPeakLooks];
int peakLook;
} // namespace

void bgscavenge() {
  uint64_t dirty = mheap_.pagesDirty.load(std::memory_order_relaxed);
  uint64_t inuse = mheap_.pagesInUse.load(std::memory_order_relaxed);
  uint64_t goal = heapGoal.load(std::memory_order_relaxed);
  // This look's peak, then the next look's starts from what is in use now.
  recentPeaks[peakLook++ % kPeakLooks] = mheap_.pagesInUsePeak.exchange(inuse, std::memory_order_relaxed);
  if (goal == ~uint64_t(0))
    return;
  uint64_t retainGoal = goal + goal / 10; // Go's retainExtraPercent
  // Keep what the program had in use at its peak within the last second:
  // a program that frees and reallocates big objects every few hundred
  // milliseconds would otherwise fault every page of them back in after
  // each release (strings_split_join: 16,600 page faults against go1.19's
  // 4,800). A heap that really shrinks is released a second later.
  for (uint64_t peak : recentPeaks)
    if (peak > retainGoal)
      retainGoal = peak;
  uint64_t retained = inuse + dirty;
  if (retained > retainGoal)
    mheap_.scavenge(retained - retainGoal < dirty ? retained - retainGoal : dirty);
}

mspan *spanOf(uintptr_t p) {
  heapArena *ha = arenaOf(p);
  if (ha == nullptr)
    return nullptr;
  mspan *s = ha->spans[(p - ha->base) / _PageSize].load(std::memory_order_acquire);
  if (s == nullptr || s->state.load(std::memory_order_acquire) != mSpanInUse ||
      p < s->startAddr || p >= s->startAddr + s->npages * _PageSize)
    return nullptr;
  return s;
}

uintptr_t findObject(uintptr_t p, mspan **sp, uintptr_t *idx) {
  mspan *s = spanOf(p);
  if (s == nullptr || p >= s->limit)
    return 0;
  uintptr_t i = s->objIndex(p);
  if (s->isFree(i))
    return 0;
  if (sp)
    *sp = s;
  if (idx)
    *idx = i;
  return s->startAddr + i * s->elemsize;
}

uintptr_t objectSize(uintptr_t base) {
  mspan *s = spanOf(base);
  return s == nullptr ? 0 : (s->nelems == 1 ? s->limit - s->startAddr : s->elemsize);
}

void forEachSpan(void (*fn)(mspan *, void *), void *arg) NO_THREAD_SAFETY_ANALYSIS {
  // allArenas only grows (under mheap.lock); with the world stopped no one
  // allocates, so reading it unlocked is safe, and fn may take the lock
  // (freeSpan) without deadlock.
  uintptr_t n = mheap_.nArenas;
  for (uintptr_t a = 0; a < n; a++) {
    heapArena *ha = mheapArenas[mheap_.allArenas[a]].load(std::memory_order_acquire);
    for (uintptr_t i = 0; i < pagesPerArena;) {
      if (ha->inUse[i / 64] == 0) {
        i = (i / 64 + 1) * 64;
        continue;
      }
      mspan *s = ha->spans[i].load(std::memory_order_acquire);
      uintptr_t addr = ha->base + i * _PageSize;
      if (s == nullptr || s->startAddr != addr) {
        i++; // a free page, or the tail of a span begun in an earlier arena
        continue;
      }
      uintptr_t np = s->npages;
      fn(s, arg);
      i += np; // may step into the next arena: the loop ends, the rest is a tail
    }
  }
}

void freeLarge(void *p) {
  mspan *s = spanOf(reinterpret_cast<uintptr_t>(p));
  if (s == nullptr || spanClassSize(s->spanclass) != 0 ||
      s->startAddr != reinterpret_cast<uintptr_t>(p))
    fatal("runtime: freeLarge of a pointer that is not a large object's base", "bad free");
  // Off its mcentral list (mgcsweep.cpp). Off no list means a sweeper
  // holds it this moment: the object is live (its owner is freeing it),
  // so the sweeper keeps it and puts it back on the swept list; wait.
  mcentral &c = mheap_.central[s->spanclass];
  for (;;) {
    lock(&c.lock);
    if (s->list != nullptr) {
      spanListRemove(s);
      c.nspans--;
      unlock(&c.lock);
      break;
    }
    unlock(&c.lock);
    sched_yield();
  }
  racefree(p, s->limit - s->startAddr); // -race: as the sweep's (race.h)
  mheap_.freeSpan(s);
}

} // namespace glrt
