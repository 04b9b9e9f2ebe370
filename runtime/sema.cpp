//===- sema.cpp - semaphores with parked waiters (Go's runtime/sema.go) ---===//
//
// semacquire/semrelease implement a counting semaphore on a uint32 that
// lives in user memory (inside a sync.Mutex or sync.WaitGroup). The count
// is the uint32 itself, changed by CAS, so the uncontended paths take no
// lock. Waiters are kept outside the user's memory, in a table of
// semTabSize roots hashed by address; each root has a lock and a FIFO list
// of waiters (any address hashing to the root; a release scans for the
// first waiter on its own address, so waiters on one address are woken in
// arrival order). Go keeps a treap per root; a list is enough here because
// a root rarely holds more than a handful of distinct addresses.
//
// A waiter record lives in the parked G's frame (stacks never move). The
// G parks through gopark whose unlockf releases the root lock on g0, after
// the G is _Gwaiting, so a release that finds the waiter can always goready
// it.
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

namespace glrt {

namespace {

struct semWaiter {
  g *gp;
  std::atomic<uint32_t> *addr;
  semWaiter *next;
  bool ticket; // the releaser consumed the count for us (handoff)
};

struct semaRoot {
  mutex lock;
  semWaiter *head GUARDED_BY(lock) = nullptr;
  semWaiter *tail GUARDED_BY(lock) = nullptr;
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

bool semparkcommit(g *, void *lk) NO_THREAD_SAFETY_ANALYSIS {
  unlock(static_cast<mutex *>(lk));
  return true;
}

} // namespace

void semacquire(std::atomic<uint32_t> *addr, waitReason reason, bool lifo) NO_THREAD_SAFETY_ANALYSIS {
  if (cansemacquire(addr))
    return;
  semaRoot *root = semroot(addr);
  semWaiter w{getg(), addr, nullptr, false};
  for (;;) {
    lock(&root->lock);
    root->nwait.fetch_add(1, std::memory_order_seq_cst);
    if (cansemacquire(addr)) {
      root->nwait.fetch_sub(1, std::memory_order_seq_cst);
      unlock(&root->lock);
      return;
    }
    w.ticket = false;
    if (lifo) {
      w.next = root->head;
      root->head = &w;
      if (!root->tail)
        root->tail = &w;
    } else {
      w.next = nullptr;
      if (root->tail)
        root->tail->next = &w;
      else
        root->head = &w;
      root->tail = &w;
    }
    nsemwaiters.fetch_add(1, std::memory_order_relaxed);
    gopark(semparkcommit, &root->lock, reason);
    nsemwaiters.fetch_sub(1, std::memory_order_relaxed);
    if (w.ticket || cansemacquire(addr))
      return;
  }
}

void semrelease(std::atomic<uint32_t> *addr, bool handoff) NO_THREAD_SAFETY_ANALYSIS {
  semaRoot *root = semroot(addr);
  addr->fetch_add(1, std::memory_order_seq_cst);
  if (root->nwait.load(std::memory_order_seq_cst) == 0)
    return;
  lock(&root->lock);
  if (root->nwait.load(std::memory_order_relaxed) == 0) {
    unlock(&root->lock);
    return;
  }
  semWaiter *prev = nullptr, *w = root->head;
  while (w && w->addr != addr) {
    prev = w;
    w = w->next;
  }
  if (w == nullptr) {
    unlock(&root->lock);
    return;
  }
  if (prev)
    prev->next = w->next;
  else
    root->head = w->next;
  if (root->tail == w)
    root->tail = prev;
  root->nwait.fetch_sub(1, std::memory_order_seq_cst);
  if (handoff && cansemacquire(addr))
    w->ticket = true;
  g *gp = w->gp;
  unlock(&root->lock);
  goready(gp);
}

int64_t semawaiters() { return nsemwaiters.load(std::memory_order_relaxed); }

} // namespace glrt
