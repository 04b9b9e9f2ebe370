//===- stack.cpp - stack segments: pools, growth (slow path), limits -------===//
//
// Design (see stack.h for the layout and the calling rule):
//   - Segments <= 32 KiB come from power-of-two size classes (2, 4, ... 32
//     KiB) carved out of 256 KiB mmap chunks, kept on per-class free lists
//     under stackpoolLock. Bigger segments up to 8 MiB are powers of two,
//     mapped whole, and kept on free lists when freed (64 MiB in all, then
//     munmap). Larger ones are mapped and unmapped exactly. (Go's per-P
//     stackcache is a later optimisation.)
//   - __morestack's assembly fast path (morestack_amd64.S) switches to the
//     cached next segment if it is big enough. Otherwise it calls
//     glrt_morestack_grow on g0, which replaces a too-small cache with a new
//     segment of max(2 x current, need) bytes and checks the 1 GB limit,
//     then the fast path runs again.
//   - Nothing here runs in a signal handler, so the chain needs no signal
//     masking (libgcc's sigprocmask pair is 97% of its split cost).
//
// Invariants:
//   - gp->stackseg is on gp's chain; gp->stackguard0 == seglimit(stackseg)
//     whenever the G is not inside __morestack.
//   - segments after stackseg (the cache) hold no live frames.
//===----------------------------------------------------------------------===//
#include "stack.h"

#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "mgc.h"
#include "proc.h"
#include "trace.h"
#include "race.h"
#include "panic.h"
#include "traceback.h"

namespace glrt {

// -race: every segment also holds RACE_STACK_RESERVE below its limit.
uintptr_t firstSegmentSize = minSegmentSize + (raceenabled ? StackGuard : 0);
stackstats stackStats;

namespace {

constexpr int nclasses = 5; // 2K 4K 8K 16K 32K
constexpr uintptr_t chunkSize = 256 << 10;

struct freeblock {
  freeblock *next;
};

mutex stackpoolLock;
freeblock *stackpool[nclasses] GUARDED_BY(stackpoolLock);

// Large segments (64 KiB .. maxSegmentSize, powers of two) are whole
// mappings. Freed ones are kept (up to largeCacheMax bytes in all) so a
// program whose goroutines repeatedly grow deep stacks does not pay
// mmap + page faults + munmap every time (Go keeps stack spans too).
constexpr int nlarge = 8; // 64K 128K ... 8M
constexpr uintptr_t largeCacheMax = uintptr_t(64) << 20;
freeblock *largepool[nlarge] GUARDED_BY(stackpoolLock);
uintptr_t largeCached GUARDED_BY(stackpoolLock) = 0;

int largeclass(uintptr_t size) {
  uintptr_t s = minSegmentSize << nclasses; // 64 KiB
  for (int c = 0; c < nlarge; c++, s <<= 1)
    if (size == s)
      return c;
  return -1;
}

int sizeclass(uintptr_t size) {
  uintptr_t s = minSegmentSize;
  for (int c = 0; c < nclasses; c++, s <<= 1)
    if (size <= s)
      return c;
  return -1;
}

void *sysmap(uintptr_t size) {
  void *v = sysAlloc(size);
  stackStats.mmapbytes.fetch_add(int64_t(size), std::memory_order_relaxed);
  return v;
}

// -race: a segment's new user forgets its old users' accesses (race.h).
// Only the part above RACE_STACK_RESERVE is reset: generated code never
// runs below its limit (lo + StackGuard) by more than the small-frame,
// nosplit and red-zone slack, all inside the ordinary 800-byte guard; the
// reserve below holds only TSan's and the runtime's own frames, which are
// not instrumented (and resetting 24 KiB more per goroutine would cost).
#ifdef RACE_STACK_RESERVE
constexpr uintptr_t raceStackReserve = RACE_STACK_RESERVE;
#else
constexpr uintptr_t raceStackReserve = 0;
#endif
inline void racestackreset(const stkseg *s) { racestackget(s->lo + raceStackReserve, s->hi); }

} // namespace

stkseg *stackalloc(uintptr_t size) {
  int c = sizeclass(size);
  void *base;
  uintptr_t total;
  if (c >= 0) {
    total = minSegmentSize << c;
    lock(&stackpoolLock);
    if (stackpool[c] == nullptr) {
      char *chunk = static_cast<char *>(sysmap(chunkSize));
      for (uintptr_t off = 0; off < chunkSize; off += total) {
        freeblock *b = reinterpret_cast<freeblock *>(chunk + off);
        b->next = stackpool[c];
        stackpool[c] = b;
      }
    }
    freeblock *b = stackpool[c];
    stackpool[c] = b->next;
    unlock(&stackpoolLock);
    base = b;
  } else {
    total = (size + 4095) & ~uintptr_t(4095);
    // Powers of two up to maxSegmentSize, so freed segments are reusable.
    if (total <= maxSegmentSize) {
      uintptr_t p2 = minSegmentSize << nclasses;
      while (p2 < total)
        p2 <<= 1;
      total = p2;
    }
    base = nullptr;
    int lc = largeclass(total);
    if (lc >= 0) {
      lock(&stackpoolLock);
      if (freeblock *b = largepool[lc]) {
        largepool[lc] = b->next;
        largeCached -= total;
        base = b;
      }
      unlock(&stackpoolLock);
    }
    if (base == nullptr)
      base = sysmap(total);
  }
  uintptr_t top = uintptr_t(base) + total;
  // GODEBUG=gccheckmark=1: a reused segment's stale words would be
  // conservative roots to objects that died before the current cycle, and
  // the checkmark's re-mark would report them (mgcmark.cpp's gcCheckmark).
  if (gccheckmark)
    memset(base, 0, total - sizeof(stkseg));
  stkseg *s = reinterpret_cast<stkseg *>(top - sizeof(stkseg));
  s->lo = uintptr_t(base);
  s->hi = uintptr_t(s);
  s->prev = s->next = nullptr;
  s->oldsp = 0;
  s->size = total;
  racestackreset(s);
  return s;
}

void stackfree(stkseg *s) {
  int c = sizeclass(s->size);
  void *base = reinterpret_cast<void *>(s->lo);
  if (c >= 0) {
    freeblock *b = static_cast<freeblock *>(base);
    lock(&stackpoolLock);
    b->next = stackpool[c];
    stackpool[c] = b;
    unlock(&stackpoolLock);
  } else {
    int lc = largeclass(s->size);
    if (lc >= 0) {
      lock(&stackpoolLock);
      if (largeCached + s->size <= largeCacheMax) {
        freeblock *b = static_cast<freeblock *>(base);
        b->next = largepool[lc];
        largepool[lc] = b;
        largeCached += s->size;
        unlock(&stackpoolLock);
        return;
      }
      unlock(&stackpoolLock);
    }
    stackStats.mmapbytes.fetch_sub(int64_t(s->size), std::memory_order_relaxed);
    sysFree(base, s->size);
  }
}

void stacktrimcache(g *gp) {
  stkseg *s = gp->stackseg->next;
  gp->stackseg->next = nullptr;
  while (s) {
    stkseg *n = s->next;
    stackfree(s);
    s = n;
  }
}

void stackinit(g *gp, uintptr_t size) {
  // A reused G keeps its first segment only if it has exactly the size
  // asked for: a bigger one (a G first made with an explicit size) would
  // make the parked-G footprint and the growth sequence depend on which
  // free G newproc1 happened to get.
  if (gp->stackbase && gp->stackbase->size != size) {
    stackfree(gp->stackbase);
    gp->stackbase = nullptr;
  }
  if (gp->stackbase == nullptr)
    gp->stackbase = stackalloc(size);
  else
    racestackreset(gp->stackbase); // a dead G's segment
  gp->stackseg = gp->stackbase;
  gp->stackguard0 = seglimit(gp->stackbase);
}

} // namespace glrt

using namespace glrt;

extern "C" void glrt_morestack_grow(void *needp) {
  uintptr_t need = uintptr_t(needp);
  g *gp = getg()->mp->curg;
  if (gp == nullptr || gp == getg())
    fatal("runtime: morestack on g0", "morestack on g0");
  stkseg *cur = gp->stackseg;
  stacktrimcache(gp); // the cached next segment, if any, was too small
  uintptr_t size = 2 * cur->size;
  if (size > maxSegmentSize)
    size = maxSegmentSize;
  uintptr_t want = need + sizeof(stkseg) + StackGuard + 256;
  if (size < want)
    size = want;
  uintptr_t total = 0;
  for (stkseg *s = cur; s; s = s->prev)
    total += s->size;
  // Go's limit, as Go applies it: a Go stack doubles, so it overflows when
  // the power of two that would hold what is in use plus this frame is over
  // maxstacksize (1e9), i.e. past 512 MiB. The segments in the chain stand
  // for what is in use.
  uintptr_t goStack = 1;
  while (goStack < total + want)
    goStack <<= 1;
  if (goStack > maxstacksize) {
    // The goroutine's sp at the prologue's call of __morestack: two words
    // (return address, saved rbp) above __morestack's rbp, which is the
    // frame glrt_systemstack made on the goroutine's stack saves
    // (morestack_amd64.S: .Lslow; asm_amd64.S: systemstack).
    uintptr_t sp = 0, w[2];
    auto *fp = static_cast<uintptr_t *>(__builtin_frame_address(0));
    if (readframewords(fp[0], w) && w[0] != 0)
      sp = w[0] + 16;
    fatalstackoverflow(sp, cur->lo, cur->hi);
  }
  stkseg *s = stackalloc(size);
  s->prev = cur;
  cur->next = s;
  gp->nsegalloc++;
  stackStats.segalloc.fetch_add(1, std::memory_order_relaxed);
  if (traceEnabled())
    traceGoEvent(traceEvStackGrow, gp->goid, int64_t(size), gp->nsegalloc);
}

namespace {
struct allocaReq {
  uintptr_t size;
  void *result;
};
struct allocaBlock {
  allocaBlock *next;
  uintptr_t size;
};
void allocaOnG0(void *arg) {
  allocaReq *r = static_cast<allocaReq *>(arg);
  g *gp = getg()->mp->curg;
  uintptr_t total = (r->size + sizeof(allocaBlock) + 4095) & ~uintptr_t(4095);
  void *v = sysAlloc(total);
  allocaBlock *b = static_cast<allocaBlock *>(v);
  b->size = total;
  b->next = static_cast<allocaBlock *>(gp->allocas);
  gp->allocas = b;
  r->result = reinterpret_cast<char *>(v) + 16;
}
} // namespace

namespace glrt {
// Frees the G's dynamic-alloca blocks (goexit).
void freeallocas(g *gp) {
  allocaBlock *b = static_cast<allocaBlock *>(gp->allocas);
  gp->allocas = nullptr;
  while (b) {
    allocaBlock *n = b->next;
    sysFree(b, b->size);
    b = n;
  }
}
} // namespace glrt

extern "C" void *__morestack_allocate_stack_space(uintptr_t size) {
  allocaReq r{size, nullptr};
  glrt_systemstack(allocaOnG0, &r);
  return r.result;
}
