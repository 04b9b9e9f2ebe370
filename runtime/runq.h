//===- runq.h - per-P run queue and global run queue ----------------------===//
//
// The per-P queue is Go's: a ring of N slots written only by its owner P
// (single producer) and consumed by the owner and by stealing Ps (multiple
// consumers, by CAS on head). runnext is a one-G fast lane ahead of the
// ring: a G made ready by the running G (newproc, goready) goes there and
// runs next, inheriting the time slice.
//
// The algorithms are templates over the ring size so the unit tests can
// instantiate a 4-slot ring and reach the overflow path (runqputslow) and
// the "victim ring full" corner of runqsteal cheaply. The global queue
// (sched.runq) is a plain linked list under sched.lock.
//
// Invariants:
//   - tail - head <= N at every instant (unsigned wrap-around arithmetic).
//   - A G is in at most one queue: ring, runnext, or a global/batch list.
//   - Only the owner writes tail and ring slots; anyone may advance head.
//===----------------------------------------------------------------------===//
#pragma once

#include "gmp.h"

namespace glrt {

// runqputslow's output: up to N/2+1 Gs to move to the global queue.
struct gBatch {
  gQueue q;
  int32_t n = 0;
};

// Owner only. Tries to move half the ring plus gp into *batch.
// Returns false if a stealer raced us (the caller retries runqput).
template <uint32_t N> bool runqgrabslow(runqring<N> &rq, g *gp, uint32_t h, uint32_t t, gBatch *batch) {
  uint32_t n = (t - h) / 2;
  if (n != N / 2)
    return false; // the ring is no longer full: retry the fast path
  g *tmp[N / 2 + 1];
  for (uint32_t i = 0; i < n; i++)
    tmp[i] = rq.ring[(h + i) % N].load(std::memory_order_relaxed);
  // acq_rel: the release half publishes nothing new but keeps the slot
  // reads above before the CAS; pairs with stealers' CAS on head.
  if (!rq.head.compare_exchange_strong(h, h + n, std::memory_order_acq_rel))
    return false;
  tmp[n] = gp;
  for (uint32_t i = 0; i <= n; i++)
    batch->q.pushBack(tmp[i]);
  batch->n = int32_t(n + 1);
  return true;
}

// Owner only. Puts gp on the ring (or in runnext if next, kicking the old
// runnext to the ring). If the ring is full, moves half of it plus the G to
// *spill and returns true: the caller must put the batch on the global queue
// (globrunqputbatch). Returns false when nothing spilled.
template <uint32_t N> bool runqput(runqring<N> &rq, g *gp, bool next, gBatch *spill) {
  if (next) {
    // acq_rel CAS loop; pairs with a stealer's CAS in runqgrab.
    g *old = rq.runnext.load(std::memory_order_relaxed);
    while (!rq.runnext.compare_exchange_weak(old, gp, std::memory_order_acq_rel)) {
    }
    if (old == nullptr)
      return false;
    gp = old; // kick the old runnext to the ring
  }
  for (;;) {
    // acquire; pairs with consumers' CAS on head (the slot we overwrite
    // has been consumed).
    uint32_t h = rq.head.load(std::memory_order_acquire);
    uint32_t t = rq.tail.load(std::memory_order_relaxed); // we are the only writer
    if (t - h < N) {
      rq.ring[t % N].store(gp, std::memory_order_relaxed);
      // release: makes the slot visible; pairs with acquire in runqgrab/runqget.
      rq.tail.store(t + 1, std::memory_order_release);
      return false;
    }
    if (runqgrabslow(rq, gp, h, t, spill))
      return true;
    // The queue is not full now; try again.
  }
}

// Owner only. Returns a G from runnext (then *inheritTime = true) or the ring.
template <uint32_t N> g *runqget(runqring<N> &rq, bool *inheritTime) {
  g *next = rq.runnext.load(std::memory_order_relaxed);
  // A stealer may clear runnext concurrently; only the CAS winner gets it.
  while (next != nullptr) {
    if (rq.runnext.compare_exchange_weak(next, nullptr, std::memory_order_acq_rel)) {
      *inheritTime = true;
      return next;
    }
  }
  *inheritTime = false;
  for (;;) {
    // acquire; pairs with other consumers' CAS.
    uint32_t h = rq.head.load(std::memory_order_acquire);
    uint32_t t = rq.tail.load(std::memory_order_relaxed);
    if (t == h)
      return nullptr;
    g *gp = rq.ring[h % N].load(std::memory_order_relaxed);
    // acq_rel; pairs with stealers' CAS on head and the owner's puts.
    if (rq.head.compare_exchange_weak(h, h + 1, std::memory_order_acq_rel))
      return gp;
  }
}

// Any thread. Grabs half (rounded up) of rq's Gs into batch[batchHead...]
// (a ring of the same size). Returns the number grabbed. If the ring is
// empty and stealRunNext, takes runnext (after a 3us back-off when
// victimRunning, as Go does: the victim is probably about to run it).
template <uint32_t N>
uint32_t runqgrab(runqring<N> &rq, std::atomic<g *> *batch, uint32_t batchHead, bool stealRunNext,
                  bool victimRunning) {
  for (;;) {
    uint32_t h = rq.head.load(std::memory_order_acquire); // pairs with other consumers' CAS
    uint32_t t = rq.tail.load(std::memory_order_acquire); // pairs with owner's release store
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) {
      if (stealRunNext) {
        g *next = rq.runnext.load(std::memory_order_acquire);
        if (next != nullptr) {
          if (victimRunning)
            usleep(3);
          if (!rq.runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel))
            continue;
          batch[batchHead % N].store(next, std::memory_order_relaxed);
          return 1;
        }
      }
      return 0;
    }
    if (n > N / 2) // read inconsistent h and t
      continue;
    for (uint32_t i = 0; i < n; i++) {
      g *gp = rq.ring[(h + i) % N].load(std::memory_order_relaxed);
      batch[(batchHead + i) % N].store(gp, std::memory_order_relaxed);
    }
    // acq_rel: commits the grab; pairs with the owner's acquire of head in
    // runqput (slots may be overwritten only after this) and other consumers.
    if (rq.head.compare_exchange_strong(h, h + n, std::memory_order_acq_rel))
      return n;
  }
}

// Owner of dst only. Steals half of src into dst and returns one G to run
// (or null).
template <uint32_t N> g *runqsteal(runqring<N> &dst, runqring<N> &src, bool stealRunNext, bool victimRunning) {
  uint32_t t = dst.tail.load(std::memory_order_relaxed); // owner
  uint32_t n = runqgrab(src, dst.ring, t, stealRunNext, victimRunning);
  if (n == 0)
    return nullptr;
  n--;
  g *gp = dst.ring[(t + n) % N].load(std::memory_order_relaxed);
  if (n == 0)
    return gp;
  uint32_t h = dst.head.load(std::memory_order_acquire);
  if (t - h + n >= N) {
    // Cannot happen: the owner only steals when its ring is empty.
    __builtin_trap();
  }
  // release: publishes the stolen slots; pairs with acquire in runqgrab.
  dst.tail.store(t + n, std::memory_order_release);
  return gp;
}

template <uint32_t N> bool runqempty(runqring<N> &rq) {
  // Go's careful loop: runnext and the ring must be read consistently.
  for (;;) {
    uint32_t h = rq.head.load(std::memory_order_acquire);
    uint32_t t = rq.tail.load(std::memory_order_acquire);
    g *next = rq.runnext.load(std::memory_order_acquire);
    if (rq.tail.load(std::memory_order_acquire) == t)
      return h == t && next == nullptr;
  }
}

template <uint32_t N> uint32_t runqlen(runqring<N> &rq) {
  return rq.tail.load(std::memory_order_relaxed) - rq.head.load(std::memory_order_relaxed);
}

// ---- non-template entry points on a P and the global queue (runq.cpp) ----

// Owner of pp. Spills to the global queue (taking sched.lock) if full.
void runqput(p *pp, g *gp, bool next) EXCLUDES(sched.lock);
g *runqget(p *pp, bool *inheritTime);
g *runqsteal(p *pp, p *victim, bool stealRunNext);
bool runqempty(p *pp);

void globrunqput(g *gp) REQUIRES(sched.lock);
void globrunqputhead(g *gp) REQUIRES(sched.lock);
void globrunqputbatch(gQueue *batch, int32_t n) REQUIRES(sched.lock);
// Takes a fair share of the global queue into pp's ring; returns one G.
// max > 0 limits the count (Go's globrunqget(p, max)).
g *globrunqget(p *pp, int32_t max) REQUIRES(sched.lock);

} // namespace glrt
