//===- mcentral.cpp - the central span lists of one span class -------------===//
//
// Go's mcentral with lazy sweeping. Each class has four lists (mheap.h):
// partial/full x swept/unswept for the current sweepgen. An mcache takes
// a span (cacheSpan) when its own runs out and gives the old one back
// (uncacheSpan). While cached, a span belongs to its mcache's P alone;
// while on a list, to whoever holds mcentral.lock; a span taken off an
// unswept list belongs to the sweeper that took it until it is pushed
// onto a swept list or freed (mgcsweep.cpp: sweepSpan).
//
// cacheSpan, as Go's: first a swept span with a free slot; else sweep
// this class's unswept spans (partial ones first) until one has a free
// slot (at most 100: a heap of full spans should grow instead of being
// swept span by span on one allocation); else a fresh span from the heap.
// Before any of that it pays its share of the proportional sweep
// (deductSweepCredit, mgcsweep.cpp), so every span is swept before the
// next collection needs to.
//
// Locks: mcentral.lock guards the lists, nspans and the list links of the
// spans on them. Taken on g0 (malloc's slow path), by the background
// sweeper on g0, or a thread without a G; before mheap.lock, never while
// holding it.
//===----------------------------------------------------------------------===//
#include "mgc.h"
#include "mheap.h"

namespace glrt {

void spanListPush(spanList *l, mspan *s) {
  s->prev = nullptr;
  s->next = l->first;
  if (l->first)
    l->first->prev = s;
  l->first = s;
  s->list = l;
  l->n++;
}

void spanListRemove(mspan *s) {
  spanList *l = s->list;
  if (s->prev)
    s->prev->next = s->next;
  else
    l->first = s->next;
  if (s->next)
    s->next->prev = s->prev;
  s->next = s->prev = nullptr;
  s->list = nullptr;
  l->n--;
}

mspan *spanListPop(spanList *l) {
  mspan *s = l->first;
  if (s != nullptr)
    spanListRemove(s);
  return s;
}

// A span with at least one free slot for an mcache; its allocCache is
// primed from freeindex; swept for the current cycle.
mspan *mcentral::cacheSpan() {
  uintptr_t spanBytes = uintptr_t(class_to_allocnpages[spanClassSize(spanClass(this - mheap_.central))]) * _PageSize;
  deductSweepCredit(spanBytes);
  uint32_t sg = mheap_.sweepgen.load(std::memory_order_relaxed);
  glrt::lock(&lock);
  mspan *s = spanListPop(partialSwept(sg));
  glrt::unlock(&lock);
  if (s != nullptr)
    return s;
  int budget = 100;
  for (int pass = 0; pass < 2 && budget > 0; pass++) {
    while (budget-- > 0) {
      glrt::lock(&lock);
      s = spanListPop(pass == 0 ? partialUnswept(sg) : fullUnswept(sg));
      if (s != nullptr)
        sweepBegin();
      glrt::unlock(&lock);
      if (s == nullptr)
        break;
      // Ours now: sweep it, keeping it (an empty span is as good as a
      // fresh one).
      sweepSpan(s, true);
      if (s->allocCount < s->nelems)
        return s;
      glrt::lock(&lock);
      spanListPush(fullSwept(sg), s);
      glrt::unlock(&lock);
    }
  }
  return grow();
}

// Takes a span back from an mcache (swept for this cycle: it came from
// cacheSpan or grow, and a collection flushes every mcache before it
// flips sweepgen).
void mcentral::uncacheSpan(mspan *s) {
  uint32_t sg = mheap_.sweepgen.load(std::memory_order_relaxed);
  glrt::lock(&lock);
  spanListPush(s->allocCount < s->nelems ? partialSwept(sg) : fullSwept(sg), s);
  glrt::unlock(&lock);
}

// A fresh span of this class from the heap (not on any list: it goes
// straight to the calling mcache).
mspan *mcentral::grow() {
  auto spc = spanClass(this - mheap_.central); // the class is the index
  mspan *s = mheap_.alloc(class_to_allocnpages[spanClassSize(spc)], spc);
  s->sweepgen = mheap_.sweepgen.load(std::memory_order_relaxed);
  glrt::lock(&lock);
  nspans++;
  glrt::unlock(&lock);
  return s;
}

} // namespace glrt
