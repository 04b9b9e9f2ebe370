//===- malloc.cpp - bump allocation from mmap'd chunks ---------------------===//
//
// glrt has no garbage collector yet, so the heap is a bump allocator: memory
// is handed out once and never freed or reused. That makes "zeroed" free of
// charge (fresh anonymous mmap pages are zero and nothing is ever written
// back into the pool) and makes the fast path a pointer increment.
//
// Three levels:
//  1. Per-thread cache (mcache, in initial-exec TLS): a [cur, end) region.
//     Small objects (<= kLargeSize) are carved from it with no atomics.
//  2. A global arena block: one big mmap (kBlockSize). A thread refills its
//     cache by atomically advancing the block's cursor by kCacheSize
//     (fetch_add: lock-free). When the block is used up, one thread, under
//     `growlock`, maps a new block and publishes it; the tail of the old
//     block is abandoned.
//  3. Large objects (> kLargeSize) get their own mmap, rounded to pages.
//     Large string buffers (mallocbytes) reserve twice their size, and the
//     thread remembers the free tail (bigtail) so concatenation can keep
//     growing the newest string in place.
//
// Invariants:
//  - Every byte handed out has never been handed out before and is zero.
//  - mcache.cur <= mcache.end. cur is not necessarily aligned: string
//    bytes (mallocbytes) are allocated unaligned; mallocgc aligns first.
//  - Bytes at and after mcache.cur have never been handed out, so an
//    object ending exactly at cur was the thread's latest allocation and
//    may grow in place (growinplace; used only for immutable strings).
//  - `current` only ever points to a fully initialised Block; blocks are
//    never unmapped, so a stale pointer is still safe to fetch_add on.
//
// Alignment: 8 bytes for objects of size <= 8 (like Go's 8-byte size
// class), 16 bytes otherwise.
//
// Stack use (stack.h's rule): the fast paths (a bump in the thread's cache)
// use a few words of the goroutine's stack; everything else -- refill,
// growlock, mmap, fatal -- is mallocslow, which runs on g0 through
// onsystemstack. A slow path never parks, so the G stays on its M and the
// TLS cache it refills is the one it then carves from.
//
// What it does not do: free, reuse, size classes for reuse, GC metadata.
// The size-class table Go uses for cap() rounding lives in slice.cpp.
//===----------------------------------------------------------------------===//
#include "malloc.h"

#include "abi.h"
#include "mem.h"
#include "panic.h"

#include <atomic>
#include <pthread.h>

namespace glrt {
namespace {

constexpr size_t kPageSize = 4096;
constexpr size_t kBlockSize = size_t(64) << 20; // 64 MiB per arena block
constexpr size_t kCacheSize = size_t(256) << 10; // per-thread refill
constexpr size_t kLargeSize = size_t(32) << 10;  // bigger: own mmap

struct Block {
  std::atomic<uintptr_t> next; // first free byte; may run past end
  uintptr_t end;
};

struct MCache {
  uintptr_t cur;
  uintptr_t end;
};

__attribute__((tls_model("initial-exec"))) thread_local MCache mcache;
// The free tail of this thread's most recent large string allocation
// (mallocbytes reserves twice the size; untouched pages cost nothing).
__attribute__((tls_model("initial-exec"))) thread_local MCache bigtail;

std::atomic<Block *> current{nullptr};
pthread_mutex_t growlock = PTHREAD_MUTEX_INITIALIZER; // guards block creation
std::atomic<uint64_t> inuse{0};
alignas(16) uint64_t zerobaseobj[2];


// Maps a new block unless another thread already replaced `old`.
void growblock(Block *old) {
  pthread_mutex_lock(&growlock);
  if (current.load(std::memory_order_acquire) == old) {
    auto *b = static_cast<Block *>(sysAlloc(kBlockSize));
    uintptr_t base = reinterpret_cast<uintptr_t>(b);
    b->next.store(base + 64, std::memory_order_relaxed);
    b->end = base + kBlockSize;
    current.store(b, std::memory_order_release); // pairs with acquire in refill
  }
  pthread_mutex_unlock(&growlock);
}

// Give this thread a fresh cache region.
void refill() {
  for (;;) {
    Block *b = current.load(std::memory_order_acquire);
    if (b != nullptr) {
      uintptr_t p = b->next.fetch_add(kCacheSize, std::memory_order_relaxed);
      if (p + kCacheSize <= b->end) {
        mcache.cur = p;
        mcache.end = p + kCacheSize;
        inuse.fetch_add(kCacheSize, std::memory_order_relaxed);
        return;
      }
    }
    growblock(b);
  }
}

} // namespace

void *zerobase() { return zerobaseobj; }

uint64_t heapinuse() { return inuse.load(std::memory_order_relaxed); }

namespace {

// The slow paths: mmap, the growlock, fatal. They run on g0 (stack.h's
// rule), so the fast paths below stay a few words deep on the G's stack.
struct SlowReq {
  size_t size;
  bool bytes; // mallocbytes (unaligned, bigtail) rather than mallocgc
  void *result;
};

void mallocslow1(void *arg) {
  auto *r = static_cast<SlowReq *>(arg);
  size_t size = r->size;
  if (size > kLargeSize) {
    // String buffers reserve twice their size: room to grow in place, as a
    // string this big is likely being built by repeated concatenation.
    size_t want = r->bytes ? 2 * size : size;
    size_t n = (want + kPageSize - 1) & ~(kPageSize - 1);
    if (n < size || want < size)
      fatal("runtime: out of memory");
    inuse.fetch_add(n, std::memory_order_relaxed);
    uintptr_t p = reinterpret_cast<uintptr_t>(sysAlloc(n));
    if (r->bytes) {
      bigtail.cur = p + size;
      bigtail.end = p + n;
    }
    r->result = reinterpret_cast<void *>(p);
    return;
  }
  // A small object that did not fit the cache: refill, then carve. A
  // refilled cache always has room for one object of <= kLargeSize.
  refill();
  MCache &c = mcache;
  uintptr_t p = c.cur;
  if (!r->bytes) {
    size_t align = size <= 8 ? 8 : 16;
    p = (p + align - 1) & ~(align - 1);
  }
  c.cur = p + size;
  r->result = reinterpret_cast<void *>(p);
}

__attribute__((noinline)) void *mallocslow(size_t size, bool bytes) {
  SlowReq r{size, bytes, nullptr};
  onsystemstack(mallocslow1, &r);
  return r.result;
}

} // namespace

void *mallocgc(size_t size) {
  if (size == 0)
    return zerobaseobj;
  if (size <= kLargeSize) {
    size_t align = size <= 8 ? 8 : 16;
    size = (size + align - 1) & ~(align - 1);
    MCache &c = mcache;
    uintptr_t p = (c.cur + align - 1) & ~(align - 1);
    if (c.end != 0 && p + size <= c.end) {
      c.cur = p + size;
      return reinterpret_cast<void *>(p);
    }
  }
  return mallocslow(size, false);
}

void *mallocbytes(size_t size) {
  if (size == 0)
    return zerobaseobj;
  if (size <= kLargeSize) {
    MCache &c = mcache;
    if (c.end != 0 && c.cur + size <= c.end) {
      uintptr_t p = c.cur;
      c.cur = p + size;
      return reinterpret_cast<void *>(p);
    }
  }
  return mallocslow(size, true);
}

bool growinplace(void *end, size_t n) {
  uintptr_t e = reinterpret_cast<uintptr_t>(end);
  for (MCache *c : {&mcache, &bigtail}) {
    if (c->end != 0 && e == c->cur && n <= c->end - c->cur) {
      c->cur = e + n;
      return true;
    }
  }
  return false;
}

} // namespace glrt

void *glrt_newobject(int64_t size) {
  return glrt::mallocgc(static_cast<size_t>(size));
}

// makeslice(elemSize, len, cap): Go's checks, in Go's order (a bad len is
// reported before a bad cap).
void *glrt_makeslice(int64_t elemSize, int64_t len, int64_t cap) {
  uint64_t es = static_cast<uint64_t>(elemSize);
  unsigned __int128 capmem = (unsigned __int128)es * static_cast<uint64_t>(cap);
  if (cap < 0 || capmem > glrt::kMaxAlloc || len < 0 || len > cap) {
    unsigned __int128 lenmem =
        (unsigned __int128)es * static_cast<uint64_t>(len);
    if (len < 0 || lenmem > glrt::kMaxAlloc)
      glrt_panicmakeslicelen();
    glrt_panicmakeslicecap();
  }
  return glrt::mallocgc(static_cast<size_t>(capmem));
}
