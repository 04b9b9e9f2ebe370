//===- chan.cpp - channel send, receive, close (Go's runtime/chan.go) -----===//
//
// The algorithm is Go's. A send, with c->lock held:
//   1. closed                     -> panic "send on closed channel";
//   2. a receiver is parked       -> copy the value straight into its elem
//                                    slot (its stack), mark it successful,
//                                    goready it (into this P's runnext);
//   3. room in the buffer         -> copy into buf[sendx];
//   4. non-blocking               -> report "not sent";
//   5. otherwise enqueue a sudog on sendq and gopark; the lock is released
//      by the park's unlockf on g0 only after the G is _Gwaiting, so a
//      receiver that dequeues the sudog can always goready it. On wake-up,
//      sudog.success says whether a receiver took the value (true) or the
//      channel was closed (false: panic).
// A receive mirrors it: closed and empty -> zero value, ok=false; a sender
// is parked -> take its value (unbuffered: straight from its stack;
// buffered: the buffer is full, so take the head slot and put the sender's
// value at the tail, keeping FIFO order); a value is buffered -> take it;
// else park on recvq. close wakes every parked receiver (zero value,
// ok=false) and every parked sender (which then panics).
//
// Nil channels: a blocking send/receive parks forever with Go's wait reason
// ("chan send (nil chan)", "chan receive (nil chan)"); a non-blocking one
// reports "not ready". len/cap of a nil channel are 0.
//
// Stacks. These functions are called from generated code on a goroutine's
// segmented stack, inside the reserve below the limit, where a runtime
// function may use StackNosplitBudget (256) bytes (stack.h). Channel
// operations run on the G's stack: their frames are small, lock() at worst
// ends in a futex syscall, memmove is libc's leaf, goready switches to g0
// by itself (systemstack) and gopark by mcall. The worst path measures
// 152 bytes (chan_test.cpp: EntryPointsFitTheNosplitBudget, every path
// painted and measured). selectgo's passes are bigger and run on g0 (see
// select.cpp). A G that must park enqueues its sudog while holding c->lock
// and calls gopark at once; the unlockf (chanparkcommit) releases the lock
// on g0 once the G is _Gwaiting. Panics are raised on the G's own stack, so
// the traceback and the goroutine id are the G's.
//
// Lock order: channel locks (in increasing hchan address when a select
// holds several) before sched.lock (taken by goready/wakep) and before
// sudoglock. A channel lock is never held across a G switch except the one
// handed to gopark's unlockf.
//
// Memory orderings:
//   - c->closed: stored 0 -> 1 with release under c->lock (closechan);
//     loaded with acquire by the lock-free receive fast path (partner) and
//     relaxed under the lock.
//   - c->qcount, waitq.first: written under c->lock with relaxed stores
//     (the lock's release publishes them); the fast paths load them
//     racily:
//       * send fast path (!block && !closed && full): relaxed loads. As Go
//         argues: closed cannot go back to 0 and a closed channel cannot
//         go from "ready for sending" back to "not ready", so whichever
//         order the two loads happen in, there was a moment when the
//         channel was both open and full; reporting "not sent" is
//         linearisable at that moment.
//       * receive fast path (!block && empty): empty() loads with acquire
//         so the following load of closed cannot move before it; closed is
//         loaded with acquire so the re-check of empty() cannot move before
//         it and, when closed == 1, sees at least the state at close time
//         (synchronises with the release store in closechan). Sequence:
//         empty -> open  => "not ready" (there was a moment both held);
//         empty -> closed -> still empty => zero value, ok=false (once
//         closed, an empty channel stays empty). Reversing the loads would
//         let a receive report "closed" while values were still buffered.
//   - g.param and sudog.success are written by the waker under the
//     channel lock before goready and read by the woken G after it runs
//     again: ordered by the run queue's release/acquire (runq.h).
//   - sudog.selectDone: see select.cpp.
//===----------------------------------------------------------------------===//
#include "chan.h"
#include "defer.h"

#include "abi.h"
#include "malloc.h"
#include "panic.h"
#include "preempt.h"
#include "proc.h"
#include "schedseed.h"
#include "mbarrier.h"

#include <new>
#include <string.h>

namespace glrt {

void (*chanpanicHookForTest)(const char *msg) = nullptr;

void chanpanic(const char *msg, uint8_t origin) {
  if (chanpanicHookForTest)
    chanpanicHookForTest(msg);
  // Go panics with plainError(msg): a runtime.Error whose text has no
  // "runtime error: " prefix; origin names the Go function that does.
  gopanicorigin(plainError(msg), reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), origin);
}

// ---- waitq ----

void waitq::enqueue(sudog *sg) {
  sg->next = nullptr;
  sudog *x = last;
  if (x == nullptr) {
    sg->prev = nullptr;
    first.store(sg, std::memory_order_relaxed);
    last = sg;
    return;
  }
  sg->prev = x;
  x->next = sg;
  last = sg;
}

// Under schedseed (schedseed.h), which of several parked senders (or
// receivers) a channel operation pairs with is a free choice: Go's
// specification does not say (go1.19 takes the longest waiting, FIFO), so
// a seeded draw from the caller's P's generator picks one. The caller
// holds the channel lock and runs on an M with a P (a G's operation).
static sudog *seedPickSudoG(sudog *head) {
  uint32_t n = 0;
  for (sudog *sg = head; sg; sg = sg->next)
    n++;
  if (n <= 1)
    return head;
  uint32_t k = seedrandn(n);
  sudog *sg = head;
  while (k--)
    sg = sg->next;
  return sg;
}

sudog *waitq::dequeue() {
  for (;;) {
    sudog *sg = first.load(std::memory_order_relaxed);
    if (sg == nullptr)
      return nullptr;
    if (schedseedEnabled() && sg->next)
      sg = seedPickSudoG(sg);
    dequeueSudoG(sg); // the head, or under schedseed any: prev, next = null
    // A select G is woken by whichever case wins the CAS; the others are
    // dropped here and removed by the G itself in pass 3 (a dropped sudog
    // has prev == next == null and is not first: dequeueSudoG copes).
    if (sg->isSelect) {
      uint32_t zero = 0;
      if (!sg->selectDone->compare_exchange_strong(zero, 1, std::memory_order_acq_rel))
        continue;
    }
    return sg;
  }
}

void waitq::dequeueSudoG(sudog *sg) {
  sudog *x = sg->prev;
  sudog *y = sg->next;
  if (x != nullptr) {
    if (y != nullptr) { // middle
      x->next = y;
      y->prev = x;
      sg->next = nullptr;
      sg->prev = nullptr;
      return;
    }
    x->next = nullptr; // last
    last = x;
    sg->prev = nullptr;
    return;
  }
  if (y != nullptr) { // first
    y->prev = nullptr;
    first.store(y, std::memory_order_relaxed);
    sg->next = nullptr;
    return;
  }
  // x == y == null: the only element, or already dequeued.
  if (first.load(std::memory_order_relaxed) == sg) {
    first.store(nullptr, std::memory_order_relaxed);
    last = nullptr;
  }
}

// ---- helpers shared with select.cpp (chan.h, namespace chanimpl) ----
namespace chanimpl {

// Every element copy and clear of chan.cpp and select.cpp: into or out of
// the buffer, directly into a receiver's destination (which may be a heap
// slot), the clear of a slot after a receive. While the collector marks,
// the old pointer words of dst are shaded first (mbarrier.cpp's rule;
// bulkShade is a no-op for a stack or a noscan destination).
void elemmove(hchan *c, void *dst, const void *src) {
  if (c->elemsize != 0 && dst != nullptr)
    memmoveHasPointers(dst, src, c->elemsize);
}
void elemclr(hchan *c, void *dst) {
  if (c->elemsize != 0 && dst != nullptr)
    memclrHasPointers(dst, c->elemsize);
}
char *chanbuf(hchan *c, uint64_t i) { return c->buf + i * c->elemsize; }

bool full(hchan *c) {
  if (c->dataqsiz == 0)
    return c->recvq.first.load(std::memory_order_relaxed) == nullptr;
  return c->qcount.load(std::memory_order_relaxed) == c->dataqsiz;
}

bool empty(hchan *c) {
  if (c->dataqsiz == 0)
    return c->sendq.first.load(std::memory_order_acquire) == nullptr;
  return c->qcount.load(std::memory_order_acquire) == 0;
}

// Every use is under c->lock, in the current G's context (a timer's send:
// the M's), with sg's G parked. As go1.19's chan.go: a slot's sync object
// holds the clock of its last user only (racereleaseacquire), which is
// the memory model's "the kth receive happens before the (k+C)th send
// completes" and no more; the sender of the kth value is not ordered
// before the (k+C)th sender by the slot. Zero-size elements share one
// object per slot index here (Go: c.buf itself), which accumulates.
void racenotify(hchan *c, uint64_t idx, sudog *sg) {
  if (!raceenabled)
    return;
  const void *qp = c->elemsize == 0 ? c->buf + idx : chanbuf(c, idx);
  if (c->elemsize == 0) {
    if (sg == nullptr) {
      raceacquire(qp);
      racerelease(qp);
    } else {
      raceacquireg(sg->gp, qp);
      racereleaseg(sg->gp, qp);
    }
  } else if (sg == nullptr) {
    racereleaseacquire(qp);
  } else {
    racereleaseacquireg(sg->gp, qp);
  }
}

void racesync(hchan *c, sudog *sg) {
  if (!raceenabled)
    return;
  const void *qp = chanbuf(c, 0);
  racerelease(qp);
  raceacquireg(sg->gp, qp);
  racereleaseg(sg->gp, qp);
  raceacquire(qp);
}

g *sendToWaiter(hchan *c, sudog *sg, const void *ep) {
  if (c->dataqsiz == 0) {
    racesync(c, sg);
  } else if (raceenabled) { // the buffer is empty: as if through slot recvx
    racenotify(c, c->recvx, nullptr);
    racenotify(c, c->recvx, sg);
    // And the slot is used up, as a buffered send and receive would: the
    // next hand-off goes through the next slot (Go's send does the same
    // under -race), so slot k keeps meaning the kth value mod C.
    if (++c->recvx == c->dataqsiz)
      c->recvx = 0;
    c->sendx = c->recvx;
  }
  elemmove(c, sg->elem, ep);
  sg->elem = nullptr;
  g *gp = sg->gp;
  gp->param = sg;
  sg->success = true;
  return gp;
}

g *recvFromWaiter(hchan *c, sudog *sg, void *ep) {
  if (c->dataqsiz == 0) {
    racesync(c, sg);
    elemmove(c, ep, sg->elem);
  } else {
    racenotify(c, c->recvx, nullptr); // we take the head slot
    racenotify(c, c->recvx, sg);      // the sender refills it
    // The buffer is full (a sender is parked): take the head, put the
    // sender's value at the tail, which is the same slot.
    char *qp = chanbuf(c, c->recvx);
    elemmove(c, ep, qp);
    elemmove(c, qp, sg->elem);
    if (++c->recvx == c->dataqsiz)
      c->recvx = 0;
    c->sendx = c->recvx;
  }
  sg->elem = nullptr;
  g *gp = sg->gp;
  gp->param = sg;
  sg->success = true;
  return gp;
}

void bufsend(hchan *c, const void *ep) {
  racenotify(c, c->sendx, nullptr);
  elemmove(c, chanbuf(c, c->sendx), ep);
  if (++c->sendx == c->dataqsiz)
    c->sendx = 0;
  c->qcount.store(c->qcount.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void bufrecv(hchan *c, void *ep) {
  racenotify(c, c->recvx, nullptr);
  char *qp = chanbuf(c, c->recvx);
  elemmove(c, ep, qp);
  elemclr(c, qp);
  if (++c->recvx == c->dataqsiz)
    c->recvx = 0;
  c->qcount.store(c->qcount.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

bool chanparkcommit(g *, void *lk) NO_THREAD_SAFETY_ANALYSIS {
  unlock(static_cast<mutex *>(lk));
  return true;
}

} // namespace chanimpl

using namespace chanimpl;

// ---- makechan ----

hchan *makechan(const Type *elem, int64_t elemsize, int64_t size) {
  constexpr uint64_t hdr = (sizeof(hchan) + 15) & ~uint64_t(15);
  if (size < 0 || (elemsize > 0 && uint64_t(size) > (kMaxAlloc - hdr) / uint64_t(elemsize)))
    chanpanic("makechan: size out of range", kOriginMakechan);
  uint64_t mem = uint64_t(elemsize) * uint64_t(size);
  hchan *c;
  if (mem == 0 || elem == nullptr || elem->ptrdata == 0) {
    // As Go: no heap pointers in the buffer (and hchan's own pointers are
    // its buffer, in the same block, and sudogs, which are not heap
    // objects): one noscan block.
    void *block = mallocnoscan(hdr + mem); // zeroed
    c = new (block) hchan();
    // Zero-size buffers point at the channel itself: never dereferenced.
    c->buf = mem == 0 ? static_cast<char *>(block) : static_cast<char *>(block) + hdr;
  } else {
    c = new (mallocscan(sizeof(hchan))) hchan();
    c->buf = static_cast<char *>(mallocgc(mem, elem, true));
  }
  c->elemsize = uint64_t(elemsize);
  c->dataqsiz = uint64_t(size);
  return c;
}

// ---- send ----

namespace {

// opClosedWoken: a blocked send woken by close (Go's chansend panics at
// another line for it: chan.go:283, not 206).
enum opState : int { opDone, opWouldBlock, opClosed, opPark, opClosedWoken };

struct opArgs {
  hchan *c;
  void *ep;
  g *gp;
  sudog *sg;
  bool block;
  int state;
};

// Returns with c->lock held iff state == opPark.
void chansendLocked(opArgs *a) NO_THREAD_SAFETY_ANALYSIS {
  hchan *c = a->c;
  lock(&c->lock);
  if (c->closed.load(std::memory_order_relaxed) != 0) {
    unlock(&c->lock);
    a->state = opClosed;
    return;
  }
  if (sudog *sg = c->recvq.dequeue()) {
    g *gp = sendToWaiter(c, sg, a->ep);
    unlock(&c->lock);
    goready(gp);
    a->state = opDone;
    return;
  }
  if (c->qcount.load(std::memory_order_relaxed) < c->dataqsiz) {
    bufsend(c, a->ep);
    unlock(&c->lock);
    a->state = opDone;
    return;
  }
  if (!a->block) {
    unlock(&c->lock);
    a->state = opWouldBlock;
    return;
  }
  sudog *sg = acquireSudog();
  sg->gp = a->gp;
  sg->elem = a->ep;
  sg->c = c;
  sg->isSelect = false;
  sg->selectDone = nullptr;
  sg->success = false;
  a->gp->param = nullptr;
  c->sendq.enqueue(sg);
  a->sg = sg;
  a->state = opPark;
}

// After the wake-up: returns whether the operation succeeded.
bool finishPark(opArgs *a) {
  sudog *sg = a->sg;
  if (a->gp->param != sg)
    fatal("chan: G woken by a stranger");
  a->gp->param = nullptr;
  bool ok = sg->success;
  sg->c = nullptr;
  sg->elem = nullptr;
  releaseSudog(sg);
  return ok;
}

} // namespace

namespace {
// chansend's body: returns the operation's outcome (opDone,
// opWouldBlock, opClosed or opClosedWoken), leaving the panic to chansend so that this
// frame (opArgs and saved registers) is gone before gopanic runs on the
// goroutine's StackNosplitBudget.
[[gnu::noinline]] opState chansendop(hchan *c, void *ep, bool block) {
  if (c == nullptr) {
    if (!block)
      return opWouldBlock;
    gopark(nullptr, nullptr, waitReasonChanSendNilChan);
    fatal("unreachable");
  }
  if (!block && c->closed.load(std::memory_order_relaxed) == 0 && full(c))
    return opWouldBlock;
  opArgs a{c, ep, getg(), nullptr, block, opDone};
  chansendLocked(&a);
  if (a.state == opPark) {
    gopark(chanparkcommit, &c->lock, waitReasonChanSend);
    bool ok;
    ok = finishPark(&a);
    if (!ok)
      a.state = opClosedWoken;
  }
  return opState(a.state);
}
} // namespace

bool chansend(hchan *c, void *ep, bool block) {
  opState st = chansendop(c, ep, block);
  if (st == opClosed)
    // Go: chansend1 -> chansend, or selectnbsend -> chansend (block false).
    chanpanic("send on closed channel", block ? kOriginChansend : kOriginSelectnbsend);
  if (st == opClosedWoken) // only a blocking send parks
    chanpanic("send on closed channel", kOriginChansendWoken);
  return st != opWouldBlock;
}

// ---- receive ----

namespace {

enum : int { opRecvClosed = 10 };

void chanrecvLocked(opArgs *a) NO_THREAD_SAFETY_ANALYSIS {
  hchan *c = a->c;
  lock(&c->lock);
  if (c->closed.load(std::memory_order_relaxed) != 0 &&
      c->qcount.load(std::memory_order_relaxed) == 0) {
    unlock(&c->lock);
    raceacquire(chanraceaddr(c)); // close -> receive of the zero value
    elemclr(c, a->ep);
    a->state = opRecvClosed;
    return;
  }
  if (sudog *sg = c->sendq.dequeue()) {
    g *gp = recvFromWaiter(c, sg, a->ep);
    unlock(&c->lock);
    goready(gp);
    a->state = opDone;
    return;
  }
  if (c->qcount.load(std::memory_order_relaxed) > 0) {
    bufrecv(c, a->ep);
    unlock(&c->lock);
    a->state = opDone;
    return;
  }
  if (!a->block) {
    unlock(&c->lock);
    a->state = opWouldBlock;
    return;
  }
  sudog *sg = acquireSudog();
  sg->gp = a->gp;
  sg->elem = a->ep;
  sg->c = c;
  sg->isSelect = false;
  sg->selectDone = nullptr;
  sg->success = false;
  a->gp->param = nullptr;
  c->recvq.enqueue(sg);
  a->sg = sg;
  a->state = opPark;
}

} // namespace

recvResult chanrecv(hchan *c, void *ep, bool block) {
  if (c == nullptr) {
    if (!block)
      return {false, false};
    gopark(nullptr, nullptr, waitReasonChanReceiveNilChan);
    fatal("unreachable");
  }
  if (!block && empty(c)) {
    if (c->closed.load(std::memory_order_acquire) == 0)
      return {false, false};
    if (empty(c)) {
      raceacquire(chanraceaddr(c));
      elemclr(c, ep);
      return {true, false};
    }
  }
  opArgs a{c, ep, getg(), nullptr, block, opDone};
  chanrecvLocked(&a);
  switch (a.state) {
  case opDone:
    return {true, true};
  case opRecvClosed:
    return {true, false};
  case opWouldBlock:
    return {false, false};
  default:
    break;
  }
  gopark(chanparkcommit, &c->lock, waitReasonChanReceive);
  bool ok;
  ok = finishPark(&a);
  return {true, ok};
}

// ---- close ----

namespace {

// Returns false if the channel was already closed. Not inlined: closechan
// panics after this frame is gone (StackNosplitBudget).
[[gnu::noinline]] bool closechanLocked(hchan *c) {
  lock(&c->lock);
  if (c->closed.load(std::memory_order_relaxed) != 0) {
    unlock(&c->lock);
    return false;
  }
  c->closed.store(1, std::memory_order_release);
  racerelease(chanraceaddr(c));
  // Collect every waiter (linked through sudog.next, which dequeue left
  // null), wake them after unlocking. A sudog's fields are read before its
  // G is readied: afterwards it belongs to the running G again.
  sudog *wake = nullptr;
  while (sudog *sg = c->recvq.dequeue()) {
    raceacquireg(sg->gp, chanraceaddr(c));
    elemclr(c, sg->elem);
    sg->elem = nullptr;
    sg->success = false;
    sg->gp->param = sg;
    sg->next = wake;
    wake = sg;
  }
  while (sudog *sg = c->sendq.dequeue()) {
    raceacquireg(sg->gp, chanraceaddr(c));
    sg->elem = nullptr;
    sg->success = false;
    sg->gp->param = sg;
    sg->next = wake;
    wake = sg;
  }
  unlock(&c->lock);
  while (wake != nullptr) {
    sudog *sg = wake;
    wake = sg->next;
    sg->next = nullptr;
    goready(sg->gp);
  }
  return true;
}

} // namespace

void closechan(hchan *c) {
  if (c == nullptr)
    chanpanic("close of nil channel", kOriginClosechanNil);
  bool ok;
  ok = closechanLocked(c);
  if (!ok)
    chanpanic("close of closed channel", kOriginClosechanClosed);
}

} // namespace glrt

// ---- entry points for generated code ----

using namespace glrt;

extern "C" void *glrt_makechan(void *t, int64_t size) {
  const Type *elem = static_cast<const ChanType *>(t)->elem;
  return makechan(elem, int64_t(elem->size), size);
}

extern "C" void glrt_chansend1(void *c, void *elem) {
  preemptCheck();
  chansend(static_cast<hchan *>(c), elem, true);
}

extern "C" void glrt_chanrecv1(void *c, void *elem) {
  preemptCheck();
  chanrecv(static_cast<hchan *>(c), elem, true);
}

extern "C" uint8_t glrt_chanrecv2(void *c, void *elem) {
  preemptCheck();
  return chanrecv(static_cast<hchan *>(c), elem, true).received;
}

// The one-case selects with a default (the compiler's lowering of
// `select { case c <- v: ...; default: }` and of the receive) check for a
// preemption request like every other channel operation and glrt_selectgo:
// in Go they are functions whose prologue is a preemption point. Without
// the check, a loop whose body is such a select (a polling loop; LLVM
// deletes any dead work around it) had no cooperative preemption point at
// all: only a SIGURG landing on the loop's few instructions of generated
// code could stop it, and where a signal lands in a tight loop follows the
// code's layout, not the time spent (1 in 20 signals on one build, 1 in
// 1,300 on another), so a stop-the-world waited seconds to minutes
// (lit sched/gomaxprocs_concurrent hung at GOMAXPROCS=1, 7 of 12 runs).
extern "C" uint8_t glrt_selectnbsend(void *c, void *elem) {
  preemptCheck();
  return chansend(static_cast<hchan *>(c), elem, false);
}

extern "C" struct glrt_pair glrt_selectnbrecv(void *elem, void *c) {
  preemptCheck();
  recvResult r = chanrecv(static_cast<hchan *>(c), elem, false);
  return {reinterpret_cast<void *>(uintptr_t(r.selected)), int64_t(r.received)};
}

extern "C" void glrt_closechan(void *c) { closechan(static_cast<hchan *>(c)); }

// len(c) and cap(c) check for a preemption request (a polling loop
// `for len(c) == 0 {}`; preempt.h: preemptCheck). In Go they are inline
// loads, preemptible by a signal in the loop's code; here they are calls.
extern "C" int64_t glrt_chanlen(void *c) {
  preemptCheck();
  if (c == nullptr)
    return 0;
  return int64_t(static_cast<hchan *>(c)->qcount.load(std::memory_order_relaxed));
}

extern "C" int64_t glrt_chancap(void *c) {
  preemptCheck();
  if (c == nullptr)
    return 0;
  return int64_t(static_cast<hchan *>(c)->dataqsiz);
}

extern "C" void glrt_block(void) {
  gopark(nullptr, nullptr, waitReasonSelectNoCases);
  fatal("unreachable");
}
