//===- select.cpp - the select statement (Go's runtime/select.go) ---------===//
//
// selectgo(cases, order, nsends, nrecvs, block): cases[0..nsends) are sends,
// cases[nsends..nsends+nrecvs) receives (the compiler's layout, as gc's).
// order is caller-provided scratch (2*ncases uint16s, on the caller's stack):
// the first half becomes the poll order, the second the lock order, so a
// select allocates nothing on the heap (sudogs come from the per-M cache).
//
// Algorithm (Go's):
//   0. Poll order: a uniformly random permutation of the non-nil cases
//      (inside-out Fisher-Yates with the per-M wyrand), so that among
//      several ready cases each is chosen with equal probability. Nil
//      channels are left out: they are never ready.
//   1. Lock order: the same cases sorted by hchan address (heap sort in
//      place: no allocation, O(n log n) worst case); sellock locks each
//      distinct channel once in that order. Every path that holds more
//      than one channel lock takes them in increasing address order, so
//      two selects cannot deadlock.
//   2. Pass 1: in poll order, the first case that can proceed at once
//      (receive: a parked sender, a buffered value, or closed; send:
//      closed (panic), a parked receiver, or buffer room) is completed,
//      the locks are released, done. None and !block: return -1 (default).
//   3. Pass 2: enqueue one sudog per case (in lock order, chained through
//      waitlink) on the channel's sendq/recvq, all sharing one selectDone
//      word, then gopark; selparkcommit unlocks the channels on g0 once
//      the G is _Gwaiting.
//   4. Pass 3 (after wake-up): relock everything, take the winning sudog
//      from g.param, unlink every other sudog from its queue, release them
//      all, unlock. The winner's success says whether a send completed
//      (false: closed -> panic) or a receive got a value (recvOK).
//
// The selectDone word lives in the selecting G's entry frame (selState;
// segmented stacks never move). Several wakers may find this G's sudogs on different
// channels at once; each must win CAS(selectDone, 0 -> 1) (acq_rel; the
// partners are the other wakers' CASes) in waitq::dequeue before it may
// complete its case; losers drop the sudog and look at the next waiter.
// Its pass-3 removal of those dropped sudogs copes with them being off the
// queue already (waitq::dequeueSudoG).
//
// Stacks: the entry point keeps only a small state struct and selectDone on
// the G's stack; passes 0-2 and 3 run on g0 (systemstack). A send case on
// a closed channel panics back on the G's stack.
//
// Lock order: the selected channels in address order, then sched.lock
// (goready) and sudoglock. selparkcommit releases channel locks in lock
// order; it must not touch a sudog or the select's state after its last
// unlock (the G may already be running again on another M).
//===----------------------------------------------------------------------===//
#include "chan.h"

#include "defer.h"
#include "mem.h"
#include "panic.h"
#include "preempt.h"
#include "proc.h"
#include "schedseed.h"

namespace glrt {
namespace {

using namespace chanimpl;

// Lives in the selecting G's frame; kept small (the G's stack budget).
struct selState {
  scase *cases;
  uint16_t *pollorder; // lock order follows at pollorder + ncases
  sudog *waiting;      // pass 2's sudogs, in lock order
  // The select's "won" flag shared by its sudogs (see the file comment).
  std::atomic<uint32_t> selectDone;
  int32_t ncases;
  int32_t norder; // non-nil cases
  int32_t nsends;
  int32_t chosen;
  bool block;
  bool park;
  bool sendClosed;
  bool recvOK;
  uint16_t *lockorder() { return pollorder + ncases; }
  // On g0 (systemstack): the selecting G is the M's curg.
  g *gp() { return getg()->mp->curg; }
};

inline uintptr_t sortkey(selState *st, uint16_t i) {
  return reinterpret_cast<uintptr_t>(st->cases[i].c);
}

// Sift a[j] down the max-heap a[0..n) keyed by channel address.
void siftdown(selState *st, uint16_t *a, int j, int n) {
  uint16_t v = a[j];
  uintptr_t key = sortkey(st, v);
  for (;;) {
    int k = 2 * j + 1;
    if (k >= n)
      break;
    if (k + 1 < n && sortkey(st, a[k]) < sortkey(st, a[k + 1]))
      k++;
    if (key >= sortkey(st, a[k]))
      break;
    a[j] = a[k];
    j = k;
  }
  a[j] = v;
}

void sortlockorder(selState *st) {
  uint16_t *a = st->lockorder();
  int n = st->norder;
  for (int i = 0; i < n; i++)
    a[i] = st->pollorder[i];
  for (int j = n / 2 - 1; j >= 0; j--)
    siftdown(st, a, j, n);
  for (int end = n - 1; end > 0; end--) {
    uint16_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    siftdown(st, a, 0, end);
  }
}

void sellock(selState *st) NO_THREAD_SAFETY_ANALYSIS {
  hchan *last = nullptr;
  for (int i = 0; i < st->norder; i++) {
    hchan *c = st->cases[st->lockorder()[i]].c;
    if (c != last) {
      last = c;
      lock(&c->lock);
    }
  }
}

void selunlock(selState *st) NO_THREAD_SAFETY_ANALYSIS {
  // Reverse lock order; each distinct channel once.
  for (int i = st->norder - 1; i >= 0; i--) {
    hchan *c = st->cases[st->lockorder()[i]].c;
    if (i > 0 && c == st->cases[st->lockorder()[i - 1]].c)
      continue;
    unlock(&c->lock);
  }
}

// gopark's unlockf: runs on g0 once the G is _Gwaiting.
bool selparkcommit(g *, void *arg) NO_THREAD_SAFETY_ANALYSIS {
  sudog *sg = static_cast<selState *>(arg)->waiting;
  hchan *lastc = nullptr;
  for (; sg != nullptr; sg = sg->waitlink) {
    // The G cannot finish pass 3 (which releases these sudogs) before the
    // last lock below is released, so walking the list here is safe.
    if (sg->c != lastc && lastc != nullptr)
      unlock(&lastc->lock);
    lastc = sg->c;
  }
  if (lastc != nullptr)
    unlock(&lastc->lock);
  return true;
}

// Passes 0-2, on g0. Returns with every lock held iff st->park.
void selectPass12(selState *st) NO_THREAD_SAFETY_ANALYSIS {
  int ncases = st->ncases;
  int norder = 0;
  for (int i = 0; i < ncases; i++) {
    scase *cas = &st->cases[i];
    if (cas->c == nullptr) {
      cas->elem = nullptr; // never used
      continue;
    }
    // The poll order is a free choice: seeded under schedseed (schedseed.h).
    uint32_t j = schedseedEnabled() ? seedrandn(uint32_t(norder + 1)) : fastrandn(uint32_t(norder + 1));
    st->pollorder[norder] = st->pollorder[j];
    st->pollorder[j] = uint16_t(i);
    norder++;
  }
  st->norder = norder;
  sortlockorder(st);
  sellock(st);

  // Pass 1: find a case that can proceed now.
  for (int n = 0; n < norder; n++) {
    int64_t casi = st->pollorder[n];
    scase *cas = &st->cases[casi];
    hchan *c = cas->c;
    if (casi >= st->nsends) {
      if (sudog *sg = c->sendq.dequeue()) {
        g *gp = recvFromWaiter(c, sg, cas->elem);
        selunlock(st);
        goready(gp);
        st->chosen = casi;
        st->recvOK = true;
        return;
      }
      if (c->qcount.load(std::memory_order_relaxed) > 0) {
        bufrecv(c, cas->elem);
        selunlock(st);
        st->chosen = casi;
        st->recvOK = true;
        return;
      }
      if (c->closed.load(std::memory_order_relaxed) != 0) {
        selunlock(st);
        raceacquire(chanraceaddr(c)); // close -> receive (race.h)
        elemclr(c, cas->elem);
        st->chosen = casi;
        st->recvOK = false;
        return;
      }
    } else {
      if (c->closed.load(std::memory_order_relaxed) != 0) {
        selunlock(st);
        st->chosen = casi;
        st->sendClosed = true;
        return;
      }
      if (sudog *sg = c->recvq.dequeue()) {
        g *gp = sendToWaiter(c, sg, cas->elem);
        selunlock(st);
        goready(gp);
        st->chosen = casi;
        return;
      }
      if (c->qcount.load(std::memory_order_relaxed) < c->dataqsiz) {
        bufsend(c, cas->elem);
        selunlock(st);
        st->chosen = casi;
        return;
      }
    }
  }
  if (!st->block) {
    selunlock(st);
    st->chosen = -1;
    return;
  }

  // Pass 2: wait on every channel.
  sudog **nextp = &st->waiting;
  for (int n = 0; n < norder; n++) {
    int64_t casi = st->lockorder()[n];
    scase *cas = &st->cases[casi];
    sudog *sg = acquireSudog();
    sg->gp = st->gp();
    sg->isSelect = true;
    sg->selectDone = &st->selectDone;
    sg->elem = cas->elem;
    sg->c = cas->c;
    sg->success = false;
    *nextp = sg;
    nextp = &sg->waitlink;
    if (casi < st->nsends)
      cas->c->sendq.enqueue(sg);
    else
      cas->c->recvq.enqueue(sg);
  }
  *nextp = nullptr;
  st->gp()->param = nullptr;
  st->park = true;
}

// Pass 3, on g0, after the wake-up.
void selectPass3(selState *st) {
  sellock(st);
  sudog *won = static_cast<sudog *>(st->gp()->param);
  st->gp()->param = nullptr;
  int64_t casi = -1;
  bool success = false;
  sudog *sg = st->waiting;
  st->waiting = nullptr;
  for (int n = 0; n < st->norder; n++) {
    int64_t k = st->lockorder()[n];
    if (sg == won) {
      casi = k;
      success = sg->success;
    } else if (k < st->nsends) {
      st->cases[k].c->sendq.dequeueSudoG(sg);
    } else {
      st->cases[k].c->recvq.dequeueSudoG(sg);
    }
    sudog *next = sg->waitlink;
    sg->waitlink = nullptr;
    sg->elem = nullptr;
    sg->c = nullptr;
    releaseSudog(sg);
    sg = next;
  }
  if (casi < 0)
    fatal("selectgo: bad wakeup");
  selunlock(st);
  st->chosen = casi;
  if (casi < st->nsends)
    st->sendClosed = !success;
  else
    st->recvOK = success;
}

} // namespace

// Not inlined into selectgoEntry: a panic raised there runs without this
// frame under it.
[[gnu::noinline]] selectResult selectgo(scase *cas0, uint16_t *order0, int64_t nsends,
                                        int64_t nrecvs, bool block) {
  int64_t ncases = nsends + nrecvs;
  if (ncases > 65536)
    fatal("selectgo: too many cases");
  selState st;
  st.cases = cas0;
  st.pollorder = order0;
  st.waiting = nullptr;
  st.selectDone.store(0, std::memory_order_relaxed);
  st.ncases = int32_t(ncases);
  st.norder = 0;
  st.nsends = int32_t(nsends);
  st.chosen = -1;
  st.block = block;
  st.park = false;
  st.sendClosed = false;
  st.recvOK = false;
  systemstack([&st] { selectPass12(&st); });
  if (st.park) {
    gopark(selparkcommit, &st, waitReasonSelect);
    systemstack([&st] { selectPass3(&st); });
  }
  return {st.chosen, st.recvOK, st.sendClosed};
}

} // namespace glrt

// The body of glrt_selectgo, entered by a tail call after the preemption
// check so that the parking path's frames stay what abi_stack_test
// measured before the check existed (stack.h's budget).
[[gnu::noinline]] static struct glrt_pair selectgoEntry(void *cases, void *order, int64_t nsends,
                                                        int64_t nrecvs, uint8_t block) {
  glrt::selectResult r =
      glrt::selectgo(static_cast<glrt::scase *>(cases), static_cast<uint16_t *>(order),
                     nsends, nrecvs, block != 0);
  if (r.sendClosed) // here, with selectgo's frame (selState) gone
    glrt::chanpanic("send on closed channel", glrt::kOriginSelectgo);
  return {reinterpret_cast<void *>(intptr_t(r.chosen)), int64_t(r.recvOK)};
}

extern "C" struct glrt_pair glrt_selectgo(void *cases, void *order, int64_t nsends,
                                          int64_t nrecvs, uint8_t block) {
  glrt::preemptCheck();
  [[clang::musttail]] return selectgoEntry(cases, order, nsends, nrecvs, block);
}
