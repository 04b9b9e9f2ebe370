//===- runq.cpp - run queues: per-P wrappers and the global queue ---------===//
//
// The lock-free ring algorithms live in runq.h (templates, so tests can use
// a tiny ring). This file binds them to p.runq, moves runqputslow batches to
// the global queue, and implements the global queue (sched.runq, a linked
// list through g.schedlink under sched.lock) with Go's fair-share rule in
// globrunqget.
//===----------------------------------------------------------------------===//
#include "runq.h"

namespace glrt {

void gList::push(g *gp) {
  gp->schedlink = head;
  head = gp;
}

g *gList::pop() {
  g *gp = head;
  if (gp) {
    head = gp->schedlink;
    gp->schedlink = nullptr;
  }
  return gp;
}

void gQueue::pushBack(g *gp) {
  gp->schedlink = nullptr;
  if (tail)
    tail->schedlink = gp;
  else
    head = gp;
  tail = gp;
}

void gQueue::pushBackAll(gQueue q) {
  if (q.tail == nullptr)
    return;
  q.tail->schedlink = nullptr;
  if (tail)
    tail->schedlink = q.head;
  else
    head = q.head;
  tail = q.tail;
}

g *gQueue::pop() {
  g *gp = head;
  if (gp) {
    head = gp->schedlink;
    if (head == nullptr)
      tail = nullptr;
    gp->schedlink = nullptr;
  }
  return gp;
}

void runqput(p *pp, g *gp, bool next) {
  gBatch spill;
  if (runqput(pp->runq, gp, next, &spill)) {
    lock(&sched.lock);
    globrunqputbatch(&spill.q, spill.n);
    unlock(&sched.lock);
  }
}

g *runqget(p *pp, bool *inheritTime) { return runqget(pp->runq, inheritTime); }

g *runqsteal(p *pp, p *victim, bool stealRunNext) {
  return runqsteal(pp->runq, victim->runq, stealRunNext, __atomic_load_n(&victim->status, __ATOMIC_RELAXED) == _Prunning);
}

bool runqempty(p *pp) { return runqempty(pp->runq); }

void globrunqput(g *gp) {
  sched.runq.pushBack(gp);
  sched.runqsize.store(sched.runqsize.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void globrunqputhead(g *gp) {
  gp->schedlink = sched.runq.head;
  sched.runq.head = gp;
  if (sched.runq.tail == nullptr)
    sched.runq.tail = gp;
  sched.runqsize.store(sched.runqsize.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void globrunqputbatch(gQueue *batch, int32_t n) {
  sched.runq.pushBackAll(*batch);
  sched.runqsize.store(sched.runqsize.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  *batch = gQueue{};
}

g *globrunqget(p *pp, int32_t max) {
  int32_t size = sched.runqsize.load(std::memory_order_relaxed);
  if (size == 0)
    return nullptr;
  int32_t procs = gomaxprocs.load(std::memory_order_relaxed);
  int32_t n = size / (procs > 0 ? procs : 1) + 1;
  if (n > size)
    n = size;
  if (max > 0 && n > max)
    n = max;
  if (n > int32_t(runqSize / 2))
    n = int32_t(runqSize / 2);
  sched.runqsize.store(size - n, std::memory_order_relaxed);
  g *gp = sched.runq.pop();
  n--;
  for (; n > 0; n--) {
    g *gp1 = sched.runq.pop();
    // The ring has room: we only get here with an empty-ish local ring and
    // n <= N/2; if it does spill, the spill goes back to the global queue.
    gBatch spill;
    if (runqput(pp->runq, gp1, false, &spill))
      globrunqputbatch(&spill.q, spill.n);
  }
  return gp;
}

} // namespace glrt
