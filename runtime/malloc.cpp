//===- malloc.cpp - mallocgc: Go's size-class allocator --------------------===//
//
// glrt's heap is Go's allocator (malloc.go, mcache.go, mcentral.go,
// mheap.go) with Go's names; mheap.cpp has the page-level essay.
//
//   mallocgc(size, typ, needzero)   the one allocation entry point
//     size == 0            -> &zerobase
//     noscan, < 16 bytes   -> the tiny allocator: packed into the P's
//                             current 16-byte noscan block (not under
//                             -race: a size-class slot of its own)
//     <= 32 KiB            -> a slot of size class sizeToClass(size) from
//                             the P's mcache span of span class
//                             (class, noscan): nextFreeFast, a ctz on the
//                             span's allocCache, no lock, no atomic
//     > 32 KiB             -> a span of its own from mheap (allocLarge)
//   typ == null or typ->ptrdata == 0 means noscan: the object holds no
//   pointers the collector must follow, and lives in a noscan span. The
//   collector will scan scan spans' objects from typ's gcdata; the span
//   class alone says whether a span needs scanning (Go's heap bitmap, to
//   be added with the collector, will record typ per object).
//
// Who may call what:
//  - mallocgc: any thread. On a goroutine or g0 whose M holds a P, it uses
//    that P's mcache (p.mcache) without locks: only the P's owner M ever
//    touches it, and runtime C++ is never preempted (HACKING.md:
//    preemption points), so the P cannot change hands mid-allocation.
//    Threads without a P (sysmon, an M between Ps, test threads, start-up)
//    share `mcacheNoP` under mallocNoPLock (slow but correct).
//  - The slow paths (refill from mcentral, mheap page allocation and
//    growth, large objects, first use of a P's mcache) take mcentral and
//    mheap locks and may call mmap: they run on g0 through onsystemstack
//    (stack.h's rule), so the fast path stays a few words deep on the G's
//    stack (abi_stack_test measures it).
//  - Lock order: mallocNoPLock, then mcentral.lock, then mheap.lock.
//  - -race (race.h): a slot is handed out with no access TSan remembers:
//    the sweep forgets what it frees (racefree), new arenas are forgotten
//    when mapped (racefresh). Nothing to do here but keep the tiny
//    allocator off (tinyok).
//
// Invariants:
//  - Every object returned is zeroed unless the caller passed
//    needzero = false (then it may hold old bytes of a reused span; the
//    caller overwrites it whole before any pointer to it escapes).
//    Fresh spans are zero; span.needzero marks a span with reused pages.
//  - A slot below span.freeindex is allocated; at or above it, it is
//    free iff its allocBits bit is 0 (nothing is freed before the
//    collector sweeps, so allocBits stays zero for now).
//  - Alignment: an object of size s is aligned to the largest power of
//    two dividing its size class (8 for every class, 16 for multiples of
//    16); tiny objects to 8/4/2/1 by their size, as in Go. A type's size
//    is a multiple of its alignment, so every type is aligned.
//
// Strings built by `+` (concatstrings) keep glrt's linear-memory
// guarantee for `s += t` loops: mallocbytes bump-allocates their bytes
// (unaligned) from the P's 64 KiB noscan chunk (a one-object large span:
// any pointer into it keeps the whole chunk alive), and growinplace lets
// the newest such string grow in place; strings over 32 KiB get a large
// span reserving twice their size, whose free tail the P remembers. Only
// the P's owner ever claims bytes at its cursors, and the bytes of an
// existing string are never written (strings are immutable), so sharing
// strings between goroutines stays safe. A long-lived short string can
// pin its 64 KiB chunk: the price of in-place growth, paid only by
// concatenation results (conversions use plain noscan objects).
//
// Roots the collector must know (none of this memory is a Go object):
// persistentalloc records (Ms, Gs, Ps, sudogs, itab tables, traceback
// tables), mspan records, heapArena maps, goroutine stacks (stack.cpp),
// and the mcaches. A heap object is reachable only from stacks, globals,
// other heap objects, and those runtime records.
//===----------------------------------------------------------------------===//
#include "malloc.h"

#include "abi.h"
#include "gmp.h"
#include "mem.h"
#include "mbarrier.h"
#include "mgc.h"
#include "mheap.h"
#include "panic.h"
#include "proc.h"
#include "race.h"
#include "type.h"

#include <atomic>
#include <new>
#include <string.h>

namespace glrt {

extern mspan emptymspan;

namespace {

// The tiny allocator's next offset for a block of `size` bytes: aligned to
// 8, 4 or 2 bytes when size is a multiple of it (Go's mallocgc rule).
inline uintptr_t tinyalign(uintptr_t off, uintptr_t size) {
  if ((size & 7) == 0)
    return (off + 7) & ~uintptr_t(7);
  if ((size & 3) == 0)
    return (off + 3) & ~uintptr_t(3);
  if ((size & 1) == 0)
    return (off + 1) & ~uintptr_t(1);
  return off;
}

// Whether an object goes to the tiny allocator: noscan and under 16
// bytes, and never under -race, where every object needs a slot of its
// own (as in Go): racefree resets a slot's shadow by 8-byte cells, which
// would erase a live neighbour's accesses in a shared block (race.h).
inline bool tinyok(bool noscan, uintptr_t size) {
  return !raceenabled && noscan && size < _TinySize;
}

// The next `size` bytes of c's current tiny block, or null if they do not
// fit (or there is no block): the caller then starts a new one.
inline void *tinyalloc(mcache *c, uintptr_t size) {
  uintptr_t off = tinyalign(c->tinyoffset, size);
  if (off + size > _TinySize || c->tiny == 0)
    return nullptr;
  c->tinyoffset = off + size;
  c->tinyAllocs++;
  return reinterpret_cast<void *>(c->tiny + off);
}

alignas(16) uint64_t zerobaseobj[2];

// conservativeType's bitmap: one word, a pointer.
const uint8_t oneword[1] = {1};

constexpr uintptr_t kBytesChunk = uintptr_t(64) << 10;

constinit mutex mallocNoPLock;
mcache mcacheNoP GUARDED_BY(mallocNoPLock);
bool mcacheNoPInit GUARDED_BY(mallocNoPLock) = false;

// Persistent (never freed, not a Go object) memory: sysAlloc chunks, each
// headed by a persistentHdr and linked from persistentChunks (newest
// first), so the collector can scan them all (forEachPersistent).
struct persistentHdr {
  persistentHdr *next;
  uintptr_t end;
};
mutex persistentLock;
persistentHdr *persistentChunks GUARDED_BY(persistentLock) = nullptr;
char *persistentChunk GUARDED_BY(persistentLock) = nullptr;
uintptr_t persistentLeft GUARDED_BY(persistentLock) = 0;

std::atomic<uint64_t> nmallocNoP{0};

void initmcache(mcache *c) {
  for (int i = 0; i < numSpanClasses; i++)
    c->alloc[i] = &emptymspan;
}

// The P's mcache, or null when the thread holds no P or the P has none
// yet (the slow path creates it).
inline mcache *getMCache() {
  g *gp = getg();
  if (gp == nullptr)
    return nullptr;
  p *pp = gp->mp->pp;
  return pp == nullptr ? nullptr : pp->mcache;
}

// Go's gcmarknewobject: during a mark, an object is born black (its mark
// bit set before the allocator returns it), so the marker never scans it
// and the sweep after the cycle keeps it. Atomic: markers set other bits
// of the same byte concurrently.
inline void markNewObject(mcache *c, mspan *s, uintptr_t x) {
  uintptr_t idx = s->objIndex(x);
  __atomic_fetch_or(s->gcmarkBits + idx / 8, uint8_t(1u << (idx % 8)), __ATOMIC_RELAXED);
  c->blackBytes += s->elemsize;
}
// markNewObject for mallocgc's fast path: out of line, given the span and
// the object (it loads the cache again) and returning the object, so the
// call is a tail call and mallocgc keeps only s live for it across the
// inlined clearing and heap-bit loops. With c and s both passed, mallocgc's
// frame took two more callee-saved registers (72 -> 88 bytes) and
// glrt_mapassign's deepest chain (which allocates on the goroutine stack)
// went from 248 to 264 bytes, over the 256-byte nosplit budget
// (abi_stack_test); with only the object passed, the span lookup (spanOf,
// a call) was 6% of binary-trees' profile.
__attribute__((noinline)) void *markNewObjectReturn(mspan *s, uintptr_t x) {
  markNewObject(getMCache(), s, x);
  return reinterpret_cast<void *>(x);
}
inline bool allocBlack() {
  return __builtin_expect(gcBlackenAlloc.load(std::memory_order_relaxed) != 0, 0);
}
std::atomic<uint64_t> blackLargeBytes{0};

inline void refillAllocCache(mspan *s, uintptr_t whichByte) {
  uint64_t v;
  memcpy(&v, s->allocBits + whichByte, 8);
  s->allocCache = ~v;
}

// Go's nextFreeFast: a free slot from the span's allocCache, or 0.
inline uintptr_t nextFreeFast(mspan *s) {
  uint64_t c = s->allocCache;
  if (c == 0)
    return 0;
  uintptr_t bit = uintptr_t(__builtin_ctzll(c));
  uintptr_t result = s->freeindex + bit;
  if (result < s->nelems) {
    uintptr_t freeidx = result + 1;
    if (freeidx % 64 == 0 && freeidx != s->nelems)
      return 0;
    s->allocCache = c >> (bit + 1); // bit+1 <= 64: c>>64 is avoided below
    if (bit == 63)
      s->allocCache = 0;
    s->freeindex = uint16_t(freeidx);
    s->allocCount++;
    return s->startAddr + result * s->elemsize;
  }
  return 0;
}

// Go's nextFreeIndex: the next free slot at or after freeindex (nelems if
// none), advancing freeindex and allocCache past it.
uintptr_t nextFreeIndex(mspan *s) {
  uintptr_t sfreeindex = s->freeindex;
  uintptr_t snelems = s->nelems;
  if (sfreeindex == snelems)
    return sfreeindex;
  uint64_t aCache = s->allocCache;
  uintptr_t bitIndex = aCache == 0 ? 64 : uintptr_t(__builtin_ctzll(aCache));
  while (bitIndex == 64) {
    sfreeindex = (sfreeindex + 64) & ~uintptr_t(63);
    if (sfreeindex >= snelems) {
      s->freeindex = uint16_t(snelems);
      return snelems;
    }
    refillAllocCache(s, sfreeindex / 8);
    aCache = s->allocCache;
    bitIndex = aCache == 0 ? 64 : uintptr_t(__builtin_ctzll(aCache));
  }
  uintptr_t result = sfreeindex + bitIndex;
  if (result >= snelems) {
    s->freeindex = uint16_t(snelems);
    return snelems;
  }
  s->allocCache = bitIndex == 63 ? 0 : s->allocCache >> (bitIndex + 1);
  sfreeindex = result + 1;
  if (sfreeindex % 64 == 0 && sfreeindex != snelems)
    refillAllocCache(s, sfreeindex / 8);
  s->freeindex = uint16_t(sfreeindex);
  return result;
}

// Go's mcache.nextFree: a slot of class spc, refilling the cache's span
// from mcentral when it is used up. Slow-path only (g0 or no G).
uintptr_t nextFree(mcache *c, spanClass spc, mspan **sp) {
  mspan *s = c->alloc[spc];
  uintptr_t i = nextFreeIndex(s);
  if (i == s->nelems) {
    c->refill(spc);
    s = c->alloc[spc];
    i = nextFreeIndex(s);
    if (i == s->nelems)
      fatal("runtime: refilled span has no free slot", "mcache refill");
  }
  s->allocCount++;
  *sp = s;
  return s->startAddr + i * s->elemsize;
}

// A large object: its own span, zeroed if its pages were reused.
void *allocLarge(uintptr_t size, bool noscan, bool needzero, uintptr_t reserve = 0) {
  uintptr_t want = reserve > size ? reserve : size;
  uintptr_t npages = (want + _PageMask) >> _PageShift;
  if (npages == 0 || want < size)
    fatal("runtime: out of memory: allocation size overflows", "out of memory");
  // Sweeping first (mgcsweep.cpp): this allocation's share of the
  // proportional sweep, then enough spans swept to free npages pages if
  // the sweep is not done, so the heap is reused before it grows.
  deductSweepCredit(npages * _PageSize);
  if (!sweepDone())
    reclaim(npages);
  spanClass spc = makeSpanClass(0, noscan);
  mspan *s = mheap_.alloc(npages, spc);
  s->limit = s->startAddr + ((want + 7) & ~uintptr_t(7));
  s->freeindex = 1;
  s->allocCount = 1;
  s->allocCache = 0;
  mheap_.largeAllocs.fetch_add(1, std::memory_order_relaxed);
  // On class 0's swept full list, where sweepers find it (Go's allocLarge).
  uint32_t sg = mheap_.sweepgen.load(std::memory_order_relaxed);
  s->sweepgen = sg;
  mcentral &c = mheap_.central[spc];
  lock(&c.lock);
  spanListPush(c.fullSwept(sg), s);
  c.nspans++;
  unlock(&c.lock);
  if (needzero && s->needzero)
    memset(reinterpret_cast<void *>(s->startAddr), 0, want);
  if (allocBlack()) {
    __atomic_fetch_or(s->gcmarkBits, uint8_t(1), __ATOMIC_RELAXED);
    blackLargeBytes.fetch_add(s->limit - s->startAddr, std::memory_order_relaxed);
  }
  gcAccountAlloc(s->limit - s->startAddr);
  return reinterpret_cast<void *>(s->startAddr);
}

// The whole allocation on the slow path, with cache c (owned by the
// caller: its P's, or mcacheNoP under mallocNoPLock).
void *mallocwith(mcache *c, uintptr_t size, const Type *typ, bool needzero) {
  bool noscan = typ == nullptr || typ->ptrdata == 0;
  if (size > _MaxSmallSize) {
    c->nmalloc++;
    void *x = allocLarge(size, noscan, needzero);
    if (!noscan)
      heapBitsSetType(uintptr_t(x), size, (size + 7) & ~uintptr_t(7), typ);
    return x;
  }
  if (tinyok(noscan, size)) {
    if (void *x = tinyalloc(c, size))
      return x;
    c->nmalloc++;
    mspan *s;
    uintptr_t x = nextFree(c, makeSpanClass(2, true), &s); // class 2: 16 bytes
    if (s->needzero)
      memset(reinterpret_cast<void *>(x), 0, _TinySize);
    if (allocBlack())
      markNewObject(c, s, x);
    if (size < c->tinyoffset || c->tiny == 0) {
      c->tiny = x;
      c->tinyoffset = size;
    }
    return reinterpret_cast<void *>(x);
  }
  c->nmalloc++;
  uint8_t sc = sizeToClass(size);
  mspan *s;
  uintptr_t x = nextFree(c, makeSpanClass(sc, noscan), &s);
  if (needzero && s->needzero)
    memset(reinterpret_cast<void *>(x), 0, s->elemsize);
  if (!noscan)
    heapBitsSetType(x, size, s->elemsize, typ);
  if (allocBlack())
    markNewObject(c, s, x);
  return reinterpret_cast<void *>(x);
}

struct SlowReq {
  uintptr_t size;
  const Type *typ;
  bool needzero;
  void *result;
};

// GODEBUG=gcstress=N: allocations counted on the slow path (mallocgc skips
// its fast path while gcstress is on).
std::atomic<int64_t> stressCount{0};

void mallocslow1(void *arg) {
  auto *r = static_cast<SlowReq *>(arg);
  g *gp = getg();
  p *pp = gp == nullptr ? nullptr : gp->mp->pp;
  if (pp != nullptr) {
    if (pp->mcache == nullptr) {
      auto *c = static_cast<mcache *>(persistentalloc(sizeof(mcache), 64));
      initmcache(c);
      pp->mcache = c;
    }
    r->result = mallocwith(pp->mcache, r->size, r->typ, r->needzero);
  } else {
    lock(&mallocNoPLock);
    if (!mcacheNoPInit) {
      initmcache(&mcacheNoP);
      mcacheNoPInit = true;
    }
    r->result = mallocwith(&mcacheNoP, r->size, r->typ, r->needzero);
    unlock(&mallocNoPLock);
  }
  // A mutator assist (Go's gcAssistAlloc) while the collector marks: this
  // allocation pays for its share of the scan work (mgc.cpp's pacer).
  if (pp != nullptr && gcphase.load(std::memory_order_relaxed) == _GCmark)
    gcAssistAlloc(r->size);
  if (gcstress > 0 && stressCount.fetch_add(1, std::memory_order_relaxed) % gcstress == 0 &&
      gcEnabled()) {
    uint32_t idle = 0;
    gcTriggered.compare_exchange_strong(idle, 1, std::memory_order_relaxed);
  }
  if (gcTriggered.load(std::memory_order_relaxed) == 1)
    gcTriggerWake();
}

// The slow paths' arguments travel in a per-thread request rather than on
// the goroutine's stack: the panic paths allocate, and every byte of their
// depth counts against the nosplit budget (stack.h). A thread never
// re-enters a slow path (they do not allocate from the heap themselves).
__attribute__((tls_model("initial-exec"))) thread_local SlowReq slowreq;

__attribute__((noinline)) void *mallocslow(uintptr_t size, const Type *typ, bool needzero) {
  SlowReq &r = slowreq;
  r = SlowReq{size, typ, needzero, nullptr};
  onsystemstack(mallocslow1, &r);
  return r.result;
}

// ---- string bytes (mallocbytes/growinplace) ----

struct BytesReq {
  uintptr_t size;
  void *result;
};

// Carves size bytes for a string from c's bump chunk, or starts a new
// chunk / a large string span. c is owned by the caller.
void *bytesfrom(mcache *c, uintptr_t size) {
  c->nmalloc++;
  if (size <= c->bytesEnd - c->bytesCur && c->bytesEnd != 0) {
    uintptr_t p0 = c->bytesCur;
    c->bytesCur = p0 + size;
    return reinterpret_cast<void *>(p0);
  }
  if (size > _MaxSmallSize) {
    // Reserve twice the size: a string this big is likely being built by
    // repeated concatenation. Untouched pages cost no RSS.
    auto p0 = reinterpret_cast<uintptr_t>(allocLarge(size, true, true, 2 * size));
    c->bigCur = p0 + size;
    c->bigEnd = p0 + ((2 * size + _PageMask) & ~_PageMask);
    return reinterpret_cast<void *>(p0);
  }
  auto p0 = reinterpret_cast<uintptr_t>(allocLarge(kBytesChunk, true, true));
  c->bytesCur = p0 + size;
  c->bytesEnd = p0 + kBytesChunk;
  return reinterpret_cast<void *>(p0);
}

bool growin(mcache *c, uintptr_t e, uintptr_t n) {
  if (c->bytesEnd != 0 && e == c->bytesCur && n <= c->bytesEnd - c->bytesCur) {
    c->bytesCur = e + n;
    return true;
  }
  if (c->bigEnd != 0 && e == c->bigCur && n <= c->bigEnd - c->bigCur) {
    c->bigCur = e + n;
    return true;
  }
  return false;
}

// Slow path of mallocbytes (g0, or a thread without a G): the P's cache,
// or without a P the shared one under mallocNoPLock, whose cursors are
// then claimed under that lock (growinplace takes it too).
void mallocbytes1(void *arg) {
  auto *r = static_cast<BytesReq *>(arg);
  g *gp = getg();
  p *pp = gp == nullptr ? nullptr : gp->mp->pp;
  if (pp != nullptr) {
    if (pp->mcache == nullptr) {
      SlowReq s{8, nullptr, true, nullptr}; // creates the mcache
      mallocslow1(&s);
    }
    r->result = bytesfrom(pp->mcache, r->size);
    if (gcTriggered.load(std::memory_order_relaxed) == 1)
      gcTriggerWake();
    return;
  }
  lock(&mallocNoPLock);
  if (!mcacheNoPInit) {
    initmcache(&mcacheNoP);
    mcacheNoPInit = true;
  }
  r->result = bytesfrom(&mcacheNoP, r->size);
  unlock(&mallocNoPLock);
  if (gcTriggered.load(std::memory_order_relaxed) == 1)
    gcTriggerWake();
}

__attribute__((tls_model("initial-exec"))) thread_local BytesReq bytesreq;

__attribute__((noinline)) void *mallocbytesslow(uintptr_t size) {
  BytesReq &r = bytesreq;
  r = BytesReq{size, nullptr};
  onsystemstack(mallocbytes1, &r);
  return r.result;
}

} // namespace

void *zerobase() { return zerobaseobj; }

const Type conservativeType = {
    8, 8, 0, 0, 8, 8, 0, nullptr, oneword,
    GoString{reinterpret_cast<const uint8_t *>("runtime.conservative"), 20}, nullptr, nullptr};

// heapBitsSetType for a slot of at most kFastSlot bytes, inline (no call):
// one bit per word of the slot, from typ's gcdata repeated per element
// (every word for conservativeType), none past size. The arena exists (the
// slot was just allocated from it) and only this P writes the bits of its
// cached span's slots (a span starts on a bitmap byte: pages are 1024
// words). The slot's at most 32 bits are built in a register and written
// with one read-modify-write per bitmap byte (at most 5); bit by bit, the
// loop was half of mallocgc's time in binary_trees (24-byte nodes).
constexpr uintptr_t kFastSlot = 256;
static_assert(kFastSlot / 8 <= 32, "heapBitsSetSmall builds a slot's bits in 32 + 7 bits");
inline void heapBitsSetSmall(uintptr_t x, uintptr_t size, uintptr_t slotsize, const Type *typ) {
  heapArena *ha = mheapArenas[x >> logHeapArenaBytes].load(std::memory_order_relaxed);
  uintptr_t wd = (x - ha->base) / 8;
  uintptr_t nw = slotsize / 8, dw = size / 8;
  uint64_t bits;
  if (typ->gcdata == nullptr || (typ->size == 8 && typ->ptrdata == 8)) {
    bits = (uint64_t(1) << dw) - 1;
  } else {
    uintptr_t ew = typ->size / 8, pw = typ->ptrdata / 8;
    uint64_t elem = 0;
    for (uintptr_t k = 0; k < (pw + 7) / 8 && k < 5; k++)
      elem |= uint64_t(typ->gcdata[k]) << (8 * k);
    elem &= pw >= 64 ? ~uint64_t(0) : (uint64_t(1) << pw) - 1;
    // Usually one element (dw == ew). A plain loop, not vectorised: its
    // trip count cost a 64-bit division per allocation.
    bits = elem;
#pragma clang loop vectorize(disable) unroll(disable)
    for (uintptr_t off = ew; off < dw; off += ew)
      bits |= elem << off;
    bits &= (uint64_t(1) << dw) - 1;
  }
  uintptr_t sh = wd % 8;
  uint64_t mask = ((uint64_t(1) << nw) - 1) << sh, val = bits << sh;
  uint8_t *b = &ha->ptrbits[wd / 8];
  for (uintptr_t k = 0; k < (sh + nw + 7) / 8; k++)
    b[k] = uint8_t((b[k] & ~(mask >> (8 * k))) | (val >> (8 * k)));
}

void *mallocgc(size_t size, const Type *typ, bool needzero) {
  if (size == 0)
    return zerobaseobj;
  bool noscan = typ == nullptr || typ->ptrdata == 0;
  mcache *c = getMCache();
  if (c != nullptr && size <= _MaxSmallSize && __builtin_expect(gcstress == 0, 1)) {
    if (tinyok(noscan, size)) {
      if (void *x = tinyalloc(c, size))
        return x;
    } else {
      spanClass spc = makeSpanClass(sizeToClass(size), noscan);
      mspan *s = c->alloc[spc];
      uintptr_t es = s->elemsize;
      bool zero = needzero && s->needzero;
      // The fast path stays a leaf with a frame of a few words (panic
      // paths allocate on the G's stack: abi_stack_test): slots of at
      // most kFastSlot bytes are cleared and get their heap bits inline;
      // bigger ones that need either go through the slow path.
      if (es <= kFastSlot || (noscan && !zero)) {
        uintptr_t v = nextFreeFast(s);
        if (v != 0) {
          c->nmalloc++;
          auto *w = reinterpret_cast<uint64_t *>(v);
          if (zero)
            for (uintptr_t i = 0; i < es / 8; i++)
              w[i] = 0;
          if (!noscan)
            heapBitsSetSmall(v, size, es, typ);
          if (allocBlack())
            return markNewObjectReturn(s, v); // a tail call
          return reinterpret_cast<void *>(v);
        }
      }
    }
  }
  return mallocslow(size, typ, needzero);
}

void *mallocbytes(size_t size) {
  if (size == 0)
    return zerobaseobj;
  mcache *c = getMCache();
  if (c != nullptr && size <= _MaxSmallSize && size <= c->bytesEnd - c->bytesCur) {
    uintptr_t p0 = c->bytesCur;
    c->bytesCur = p0 + size;
    return reinterpret_cast<void *>(p0);
  }
  return mallocbytesslow(size);
}

bool growinplace(void *end, size_t n) {
  uintptr_t e = reinterpret_cast<uintptr_t>(end);
  mcache *c = getMCache();
  if (c != nullptr)
    return growin(c, e, n);
  g *gp = getg();
  if (gp != nullptr && gp->mp->pp != nullptr)
    return false; // a P without a cache yet has made no string
  lock(&mallocNoPLock);
  bool ok = mcacheNoPInit && growin(&mcacheNoP, e, n);
  unlock(&mallocNoPLock);
  return ok;
}

void *persistentalloc(size_t size, size_t align) {
  if (align == 0)
    align = 8;
  lock(&persistentLock);
  uintptr_t cur = reinterpret_cast<uintptr_t>(persistentChunk);
  uintptr_t pad = ((cur + align - 1) & ~(align - 1)) - cur;
  if (persistentChunk == nullptr || size + pad > persistentLeft) {
    uintptr_t chunk = size + align + sizeof(persistentHdr) > (256 << 10)
                          ? size + align + sizeof(persistentHdr)
                          : (256 << 10);
    auto *h = static_cast<persistentHdr *>(sysAlloc(chunk));
    h->end = reinterpret_cast<uintptr_t>(h) + chunk;
    // The chunk being carved is the list's head: the collector scans it
    // up to persistentChunk (the cursor), older chunks to their end.
    h->next = persistentChunks;
    persistentChunks = h;
    persistentChunk = reinterpret_cast<char *>(h + 1);
    persistentLeft = chunk - sizeof(persistentHdr);
    cur = reinterpret_cast<uintptr_t>(persistentChunk);
    pad = ((cur + align - 1) & ~(align - 1)) - cur;
  }
  void *r = persistentChunk + pad;
  persistentChunk += pad + size;
  persistentLeft -= pad + size;
  unlock(&persistentLock);
  return r;
}

void forEachPersistent(void (*fn)(uintptr_t lo, uintptr_t hi, void *), void *arg) {
  lock(&persistentLock);
  for (persistentHdr *h = persistentChunks; h != nullptr; h = h->next) {
    uintptr_t lo = reinterpret_cast<uintptr_t>(h + 1);
    uintptr_t hi = h == persistentChunks ? reinterpret_cast<uintptr_t>(persistentChunk) : h->end;
    fn(lo, hi, arg);
  }
  unlock(&persistentLock);
}

void flushmcaches() NO_THREAD_SAFETY_ANALYSIS {
  int32_t n = allplenForTrace();
  for (int32_t i = 0; i < n; i++) {
    p *pp = allp[i];
    if (pp != nullptr && pp->mcache != nullptr)
      pp->mcache->releaseAll();
  }
  lock(&mallocNoPLock);
  if (mcacheNoPInit)
    mcacheNoP.releaseAll();
  unlock(&mallocNoPLock);
}

uint64_t flushBlackAndWbufs() NO_THREAD_SAFETY_ANALYSIS {
  uint64_t black = blackLargeBytes.exchange(0, std::memory_order_relaxed);
  int32_t n = allplenForTrace();
  for (int32_t i = 0; i < n; i++) {
    p *pp = allp[i];
    if (pp != nullptr && pp->mcache != nullptr) {
      black += pp->mcache->blackBytes;
      pp->mcache->blackBytes = 0;
      wbFlushAll(pp->mcache);
    }
  }
  lock(&mallocNoPLock);
  if (mcacheNoPInit) {
    black += mcacheNoP.blackBytes;
    mcacheNoP.blackBytes = 0;
  }
  unlock(&mallocNoPLock);
  return black;
}

void mallocCounts(uint64_t *nmalloc, uint64_t *tinyAllocs) NO_THREAD_SAFETY_ANALYSIS {
  uint64_t a = 0, t = 0;
  int32_t n = allplenForTrace();
  for (int32_t i = 0; i < n; i++) {
    p *pp = allp[i];
    if (pp != nullptr && pp->mcache != nullptr) {
      a += pp->mcache->nmalloc;
      t += pp->mcache->tinyAllocs;
    }
  }
  lock(&mallocNoPLock);
  if (mcacheNoPInit) {
    a += mcacheNoP.nmalloc;
    t += mcacheNoP.tinyAllocs;
  }
  unlock(&mallocNoPLock);
  *nmalloc = a;
  *tinyAllocs = t;
}

uint64_t heapinuse() { return mheap_.pagesInUse.load(std::memory_order_relaxed); }

heapStats readHeapStats() {
  heapStats st{};
  st.inUse = mheap_.pagesInUse.load(std::memory_order_relaxed);
  st.dirty = mheap_.pagesDirty.load(std::memory_order_relaxed);
  st.released = mheap_.released.load(std::memory_order_relaxed);
  st.sys = mheap_.sys.load(std::memory_order_relaxed);
  st.largeAllocs = mheap_.largeAllocs.load(std::memory_order_relaxed);
  // nmalloc of the P caches is summed by the collector's stats later.
  st.nmalloc = nmallocNoP.load(std::memory_order_relaxed);
  return st;
}

} // namespace glrt

using glrt::Type;

// The compiler's entry points (abi.def).
void *glrt_mallocgc(int64_t size, void *typ, uint8_t needzero) {
  void *x = glrt::mallocgc(size_t(size), static_cast<const Type *>(typ), needzero != 0);
  glrt::gcSafePoint();
  return x;
}

void *glrt_newobject(void *typ) {
  auto *t = static_cast<const Type *>(typ);
  // new of a zero-size type: one byte of its own rather than zerobase, as
  // glc did before typed allocation: without escape analysis every &T{}
  // is a heap object, and go1.19's stack-allocated ones compare unequal
  // (lit iface/mixed_compare.gl: &E{} == err is false).
  void *x = t->size == 0 ? glrt::mallocgc(1, nullptr, true) : glrt::mallocgc(t->size, t, true);
  glrt::gcSafePoint();
  return x;
}

// makeslice(et, len, cap): Go's checks, in Go's order (a bad len is
// reported before a bad cap).
void *glrt_makeslice(void *et, int64_t len, int64_t cap) {
  auto *t = static_cast<const Type *>(et);
  uint64_t es = t->size;
  unsigned __int128 capmem = (unsigned __int128)es * static_cast<uint64_t>(cap);
  if (cap < 0 || capmem > glrt::kMaxAlloc || len < 0 || len > cap) {
    unsigned __int128 lenmem =
        (unsigned __int128)es * static_cast<uint64_t>(len);
    if (len < 0 || lenmem > glrt::kMaxAlloc)
      glrt_panicmakeslicelen();
    glrt_panicmakeslicecap();
  }
  void *x = glrt::mallocgc(static_cast<size_t>(capmem), t, true);
  glrt::gcSafePoint();
  return x;
}
