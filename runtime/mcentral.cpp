//===- mcentral.cpp - the central span lists of one span class -------------===//
//
// Go's mcentral, before sweeping exists: `partial` holds spans that have a
// free slot and no owner, `full` spans with none. An mcache takes a span
// (cacheSpan) when its own runs out and gives the old one back
// (uncacheSpan). While cached, a span belongs to its mcache's P alone; on
// the lists, to whoever holds mcentral.lock.
//
// When the collector arrives, sweeping will move spans from full to
// partial (and free empty ones to the heap); Go's swept/unswept halves and
// sweep generations can then replace the two lists.
//
// Locks: mcentral.lock guards partial, full, nspans and the list links of
// the spans on them. Taken on g0 (malloc's slow path) or a thread without
// a G; before mheap.lock, never while holding it.
//===----------------------------------------------------------------------===//
#include "mheap.h"

namespace glrt {
namespace {

void push(mspan **list, mspan *s) {
  s->prev = nullptr;
  s->next = *list;
  if (*list)
    (*list)->prev = s;
  *list = s;
}

void remove(mspan **list, mspan *s) {
  if (s->prev)
    s->prev->next = s->next;
  else
    *list = s->next;
  if (s->next)
    s->next->prev = s->prev;
  s->next = s->prev = nullptr;
}

} // namespace

// A span with at least one free slot for an mcache; its allocCache is
// primed from freeindex.
mspan *mcentral::cacheSpan() {
  glrt::lock(&lock);
  mspan *s = partial;
  if (s != nullptr) {
    remove(&partial, s);
    glrt::unlock(&lock);
    return s;
  }
  glrt::unlock(&lock);
  return grow();
}

// Takes a span back from an mcache.
void mcentral::uncacheSpan(mspan *s) {
  glrt::lock(&lock);
  if (s->allocCount < s->nelems)
    push(&partial, s);
  else
    push(&full, s);
  glrt::unlock(&lock);
}

// A fresh span of this class from the heap (not on any list: it goes
// straight to the calling mcache).
mspan *mcentral::grow() {
  auto spc = spanClass(this - mheap_.central); // the class is the index
  mspan *s = mheap_.alloc(class_to_allocnpages[spanClassSize(spc)], spc);
  glrt::lock(&lock);
  nspans++;
  glrt::unlock(&lock);
  return s;
}

} // namespace glrt
