//===- sema.cpp - semaphores with parked waiters (Go's runtime/sema.go) ---===//
//
// semacquire/semrelease implement a counting semaphore on a uint32 that
// lives in user memory (inside a sync.Mutex or sync.WaitGroup). The count
// is the uint32 itself, changed by CAS, so the uncontended paths take no
// lock. Waiters are kept outside the user's memory, in a table of
// semTabSize roots hashed by address; each root has a lock and a FIFO list
// of waiters (any address hashing to the root; a release scans for the
// first waiter on its own address, so waiters on one address are woken in
// arrival order; under GODEBUG=schedseed a plain release wakes a seeded
// pick instead, see semrelease). Go keeps a treap per root; a list is enough here because
// a root rarely holds more than a handful of distinct addresses.
//
// A waiter is a sudog from the per-M cache (sudog.h: gp; next = queue
// link; elem = the semaphore's address; success = "ticket": the releaser
// consumed the count for us), so the parking path keeps only a pointer in
// its frame: it must fit stack.h's budget on the goroutine stack. The
// G parks through gopark whose unlockf (semparkenqueue) queues the sudog
// under the root lock on g0, after the G is _Gwaiting, so a release that
// finds the waiter can always goready it; the sudog reaches the woken G
// through gp->param.
//
// Invariants (under root->lock): every waiter on the list is a parked (or
// parking) G; root->nwait counts the Gs that are on the list or about to
// be, and is read without the lock by semrelease to skip the lock when no
// one waits (it is incremented before the waiter re-checks the count, so a
// release that sees nwait == 0 is ordered before that re-check).
//===----------------------------------------------------------------------===//
#include "sema.h"

#include "lock.h"
#include "proc.h"
#include "schedseed.h"
#include "sudog.h"

namespace glrt {

namespace {

struct semaRoot {
  mutex lock;
  sudog *head GUARDED_BY(lock) = nullptr;
  sudog *tail GUARDED_BY(lock) = nullptr;
  std::atomic<uint32_t> nwait{0};
};

constexpr uintptr_t semTabSize = 251;
semaRoot semtable[semTabSize];
std::atomic<int64_t> nsemwaiters{0};

semaRoot *semroot(std::atomic<uint32_t> *addr) {
  return &semtable[(reinterpret_cast<uintptr_t>(addr) >> 3) % semTabSize];
}

bool cansemacquire(std::atomic<uint32_t> *addr) {
  uint32_t v = addr->load(std::memory_order_acquire);
  while (v != 0) {
    if (addr->compare_exchange_weak(v, v - 1, std::memory_order_acq_rel))
      return true;
  }
  return false;
}

} // namespace

// Queues a sudog for gp on addr's root and returns it with the root
// locked, or takes the count if it is there now and returns null. Runs on
// g0 (gopark's unlockf): lock() may sleep on a futex and acquireSudog
// may refill from the central cache, deeper than the goroutine-stack budget.
static sudog *semenqueue(std::atomic<uint32_t> *addr, bool lifo, g *gp) NO_THREAD_SAFETY_ANALYSIS {
  semaRoot *root = semroot(addr);
  lock(&root->lock);
  root->nwait.fetch_add(1, std::memory_order_seq_cst);
  if (cansemacquire(addr)) {
    root->nwait.fetch_sub(1, std::memory_order_seq_cst);
    unlock(&root->lock);
    return nullptr;
  }
  sudog *w = acquireSudog();
  w->gp = gp;
  w->elem = addr;
  w->success = false;
  if (lifo) {
    w->next = root->head;
    root->head = w;
    if (!root->tail)
      root->tail = w;
  } else {
    w->next = nullptr;
    if (root->tail)
      root->tail->next = w;
    else
      root->head = w;
    root->tail = w;
  }
  nsemwaiters.fetch_add(1, std::memory_order_relaxed);
  return w;
}

// schedseed: the waiter to wake among those on addr (first: the head one,
// prevp: in/out, its predecessor), drawn from the caller's P's generator.
// Caller holds the root's lock (the list is the root's).
static sudog *seedPickWaiter(std::atomic<uint32_t> *addr, sudog *first, sudog **prevp) {
  uint32_t n = 0;
  for (sudog *w = first; w; w = w->next)
    n += w->elem == addr;
  if (n <= 1)
    return first;
  uint32_t k = seedrandn(n);
  sudog *prev = *prevp, *w = first;
  for (;;) {
    if (w->elem == addr && k-- == 0)
      break;
    prev = w;
    w = w->next;
  }
  *prevp = prev;
  return w;
}

bool semparkenqueue(g *gp, void *lk) NO_THREAD_SAFETY_ANALYSIS {
  uintptr_t v = reinterpret_cast<uintptr_t>(lk);
  auto *addr = reinterpret_cast<std::atomic<uint32_t> *>(v & ~uintptr_t(1));
  sudog *w = semenqueue(addr, (v & 1) != 0, gp);
  gp->param = w;
  if (w == nullptr)
    return false; // took the count: resume at once
  unlock(&semroot(addr)->lock);
  return true;
}

bool semparkdone() {
  g *gp = getg();
  auto *w = static_cast<sudog *>(gp->param);
  gp->param = nullptr;
  if (w == nullptr)
    return true;
  nsemwaiters.fetch_sub(1, std::memory_order_relaxed);
  bool ticket = w->success;
  w->gp = nullptr;
  w->elem = nullptr;
  w->next = nullptr;
  // releaseSudog may take the central cache's lock: on g0.
  glrt_systemstack([](void *s) { releaseSudog(static_cast<sudog *>(s)); }, w);
  return ticket;
}

void semacquire(std::atomic<uint32_t> *addr, waitReason reason, bool lifo) {
  while (!cansemacquire(addr))
    if (semparkonce(addr, reason, lifo))
      return;
}

bool semtryacquire(std::atomic<uint32_t> *addr) { return cansemacquire(addr); }

void semrelease(std::atomic<uint32_t> *addr, bool handoff, bool wake) NO_THREAD_SAFETY_ANALYSIS {
  semaRoot *root = semroot(addr);
  addr->fetch_add(1, std::memory_order_seq_cst);
  if (root->nwait.load(std::memory_order_seq_cst) == 0)
    return;
  lock(&root->lock);
  if (root->nwait.load(std::memory_order_relaxed) == 0) {
    unlock(&root->lock);
    return;
  }
  sudog *prev = nullptr, *w = root->head;
  while (w && w->elem != addr) {
    prev = w;
    w = w->next;
  }
  if (w == nullptr) {
    unlock(&root->lock);
    return;
  }
  // Under schedseed, a plain release (not a hand-off) wakes a seeded pick
  // among addr's waiters instead of the head: which waiter a Mutex Unlock
  // in normal mode, a WaitGroup's zero or a Once's end wakes first is
  // left unspecified by Go (its sema.go happens to be FIFO, with LIFO for
  // a Mutex waiter that lost the race once). A hand-off (starving Mutex)
  // keeps the head: that FIFO order is sync.Mutex's fairness guarantee.
  if (!handoff && schedseedEnabled())
    w = seedPickWaiter(addr, w, &prev);
  if (prev)
    prev->next = w->next;
  else
    root->head = w->next;
  if (root->tail == w)
    root->tail = prev;
  root->nwait.fetch_sub(1, std::memory_order_seq_cst);
  if (handoff && cansemacquire(addr))
    w->success = true;
  g *gp = w->gp;
  unlock(&root->lock);
  goready(gp, wake);
}

int64_t semawaiters() { return nsemwaiters.load(std::memory_order_relaxed); }

} // namespace glrt
