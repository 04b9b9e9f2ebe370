//===- mgcsweep.cpp - sweeping: free what the mark did not reach ----------===//
//
// Go's mgcsweep.go, done eagerly with the world stopped, right after the
// mark (the first version; mgc.cpp's essay says what lazy sweeping would
// change). For every in-use span:
//   - a small-object span: the mark bits become the allocation bits (Go's
//     swap of gcmarkBits and allocBits), the new mark bits are cleared,
//     freeindex goes back to 0 and allocCache is primed from allocBits, so
//     the allocator hands out exactly the unmarked slots. A span with no
//     marked object goes back to the heap (its pages become dirty free
//     pages; the scavenger returns them to the OS). A span that lost an
//     object is needzero: its free slots hold old bytes.
//   - a large-object span: freed unless marked.
// Every mcache was flushed before the mark, so no span is cached: sweep
// rebuilds every mcentral's partial and full lists from scratch.
//
// GODEBUG=gcpoison=1 fills every freed slot (and freed large object) with
// 0xdeadbeefdeadbeef before it is reused, so a pointer the mark missed
// reads poison: a missed root then fails loudly instead of silently
// reading a reallocated object.
//
// Runs on the collecting M (g0) with the world stopped; takes mcentral
// and mheap locks only to keep their invariants (no one else contends).
//===----------------------------------------------------------------------===//
#include "mgc.h"

#include "lock.h"
#include "mheap.h"

#include <string.h>

namespace glrt {
namespace {

struct sweepState {
  sweepResult r;
  bool poison;
};

inline bool bitset(const uint8_t *b, uintptr_t i) { return (b[i / 8] >> (i % 8)) & 1; }

void poisonRange(uintptr_t p, uintptr_t n) {
  auto *w = reinterpret_cast<uint64_t *>(p);
  for (uintptr_t i = 0; i < n / 8; i++)
    w[i] = 0xdeadbeefdeadbeefull;
}

void listPush(mspan **list, mspan *s) {
  s->prev = nullptr;
  s->next = *list;
  if (*list)
    (*list)->prev = s;
  *list = s;
}

void sweepSpan(mspan *s, void *arg) NO_THREAD_SAFETY_ANALYSIS {
  auto *st = static_cast<sweepState *>(arg);
  uint8_t sc = spanClassSize(s->spanclass);
  if (sc == 0) {
    uintptr_t size = s->limit - s->startAddr;
    if (bitset(s->gcmarkBits, 0)) {
      s->gcmarkBits[0] = 0;
      st->r.liveBytes += size;
      st->r.liveObjects++;
      return;
    }
    if (st->poison)
      poisonRange(s->startAddr, size);
    st->r.freedObjects++;
    st->r.freedBytes += size;
    st->r.freedSpans++;
    mheap_.freeSpan(s);
    return;
  }
  uintptr_t n = s->nelems;
  uintptr_t nbytes = (n + 7) / 8;
  uintptr_t live = 0, freed = 0;
  for (uintptr_t i = 0; i < n; i++) {
    bool was = i < s->freeindex || bitset(s->allocBits, i);
    bool now = bitset(s->gcmarkBits, i);
    live += now;
    if (was && !now) {
      freed++;
      if (st->poison)
        poisonRange(s->startAddr + i * s->elemsize, s->elemsize);
    }
  }
  st->r.liveObjects += live;
  st->r.liveBytes += live * s->elemsize;
  st->r.freedObjects += freed;
  st->r.freedBytes += freed * s->elemsize;
  if (live == 0) {
    st->r.freedSpans++;
    mheap_.freeSpan(s);
    return;
  }
  uint8_t *old = s->allocBits;
  s->allocBits = s->gcmarkBits;
  s->gcmarkBits = old;
  memset(s->gcmarkBits, 0, sizeof(s->bitsStore[0]));
  // Bits past nelems must read as allocated (never handed out): the
  // allocator's allocCache would otherwise see them free. nextFreeIndex
  // stops at nelems anyway, but keep them set as Go does not rely on it.
  for (uintptr_t i = n; i < nbytes * 8; i++)
    s->allocBits[i / 8] |= uint8_t(1u << (i % 8));
  s->freeindex = 0;
  s->allocCount = uint16_t(live);
  uint64_t v;
  memcpy(&v, s->allocBits, 8);
  s->allocCache = ~v;
  if (freed != 0)
    s->needzero = true; // freed slots hold old bytes
  mcentral &c = mheap_.central[s->spanclass];
  listPush(live < n ? &c.partial : &c.full, s);
}

} // namespace

sweepResult gcSweepAll(bool poison) NO_THREAD_SAFETY_ANALYSIS {
  for (int i = 0; i < numSpanClasses; i++) {
    mheap_.central[i].partial = nullptr;
    mheap_.central[i].full = nullptr;
  }
  sweepState st{};
  st.poison = poison;
  forEachSpan(sweepSpan, &st);
  return st.r;
}

} // namespace glrt
