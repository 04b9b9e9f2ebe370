//===- atomic.cpp - sync/atomic's operations -------------------------------===//
//
// The body-less functions of stdlib/sync/atomic (abi.def, "sync/atomic").
// Every operation is sequentially consistent, as Go's memory model makes
// sync/atomic's ("all the atomic operations executed in a program behave as
// though executed in some sequentially consistent order"). The GL callers
// have checked the address is not nil (so a nil one is Go's nil-dereference
// panic in GL code, not a fault in the runtime).
//
// atomic.Value follows Go's protocol on the interface's two words
// {type, data}: the type word goes nil -> firstStoreInProgress -> T once
// (the first Store claims it with a CAS, writes data, then publishes T);
// afterwards only the data word changes. A Load that sees nil or the
// sentinel reports "no value"; otherwise T's data word is read after the
// type word, so it is at least the first stored one. Stores of the data
// word go through valueBarrier (below: the concurrent mark's deletion
// barrier, mbarrier.cpp).
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "mbarrier.h"
#include "mgc.h"
#include "type.h"

#include <atomic>
#include <sched.h>

using namespace glrt;

#define ATOMIC_OPS(Name, CT, WT)                                                \
  WT glrt_atomicAdd##Name(void *p, WT d) {                                      \
    auto *a = static_cast<std::atomic<CT> *>(p);                                \
    return WT(a->fetch_add(CT(d), std::memory_order_seq_cst) + CT(d));          \
  }                                                                             \
  WT glrt_atomicLoad##Name(void *p) {                                           \
    return WT(static_cast<std::atomic<CT> *>(p)->load(std::memory_order_seq_cst)); \
  }                                                                             \
  void glrt_atomicStore##Name(void *p, WT v) {                                  \
    static_cast<std::atomic<CT> *>(p)->store(CT(v), std::memory_order_seq_cst); \
  }                                                                             \
  WT glrt_atomicSwap##Name(void *p, WT v) {                                     \
    return WT(static_cast<std::atomic<CT> *>(p)->exchange(CT(v), std::memory_order_seq_cst)); \
  }                                                                             \
  uint8_t glrt_atomicCas##Name(void *p, WT old, WT nw) {                        \
    CT o = CT(old);                                                             \
    return static_cast<std::atomic<CT> *>(p)->compare_exchange_strong(          \
        o, CT(nw), std::memory_order_seq_cst);                                  \
  }

ATOMIC_OPS(Int32, uint32_t, int32_t) // unsigned arithmetic: Go's wraparound
ATOMIC_OPS(Uint32, uint32_t, int32_t)
ATOMIC_OPS(Int64, uint64_t, int64_t)
ATOMIC_OPS(Uint64, uint64_t, int64_t)
ATOMIC_OPS(Uintptr, uint64_t, int64_t)

namespace {
struct ValueWords {
  std::atomic<void *> type;
  std::atomic<void *> data;
};
static_assert(sizeof(ValueWords) == 16);
// The sentinel of a first Store in progress (Go uses ^uintptr(0)).
void *const firstStoreInProgress = reinterpret_cast<void *>(~uintptr_t(0));

// Claims the type word for a first store of v, or returns the type
// already there (never the sentinel: it waits the first store out, as Go
// spins with runtime_procPin held; the window is two stores long).
void *claimOrType(ValueWords *w, const glrt_eface &v, bool *first) {
  for (;;) {
    void *t = w->type.load(std::memory_order_seq_cst);
    if (t == nullptr) {
      void *expect = nullptr;
      if (w->type.compare_exchange_strong(expect, firstStoreInProgress,
                                          std::memory_order_seq_cst)) {
        w->data.store(v.data, std::memory_order_seq_cst);
        w->type.store(v.type, std::memory_order_seq_cst);
        *first = true;
        return v.type;
      }
      continue;
    }
    if (t == firstStoreInProgress) {
      sched_yield();
      continue;
    }
    *first = false;
    return t;
  }
}
} // namespace

glrt_eface glrt_atomicValueLoad(void *p) {
  auto *w = static_cast<ValueWords *>(p);
  void *t = w->type.load(std::memory_order_seq_cst);
  if (t == nullptr || t == firstStoreInProgress)
    return glrt_eface{nullptr, nullptr};
  return glrt_eface{t, w->data.load(std::memory_order_seq_cst)};
}

// A Value lives in user memory, often the heap: an overwrite of its data
// word shades the old value (mbarrier.cpp's rule) and, since another
// goroutine may overwrite it again before the marker sees it, the new
// one too (Go's atomicwb).
static inline void valueBarrier(ValueWords *w, void *nw) {
  if (__builtin_expect(glrt_writeBarrier.enabled, 0) &&
      gcphase.load(std::memory_order_relaxed) == _GCmark) {
    shade(reinterpret_cast<uintptr_t>(w->data.load(std::memory_order_seq_cst)));
    shade(reinterpret_cast<uintptr_t>(nw));
  }
}

uint8_t glrt_atomicValueStore(void *p, glrt_eface v) {
  auto *w = static_cast<ValueWords *>(p);
  bool first;
  void *t = claimOrType(w, v, &first);
  if (first)
    return 1;
  if (t != v.type)
    return 0;
  valueBarrier(w, v.data);
  w->data.store(v.data, std::memory_order_seq_cst);
  return 1;
}

uint8_t glrt_atomicValueSwap(void *p, glrt_eface v, void *oldp) {
  auto *w = static_cast<ValueWords *>(p);
  auto *old = static_cast<glrt_eface *>(oldp);
  bool first;
  void *t = claimOrType(w, v, &first);
  if (first) {
    *old = glrt_eface{nullptr, nullptr};
    return 1;
  }
  if (t != v.type)
    return 0;
  valueBarrier(w, v.data);
  *old = glrt_eface{t, w->data.exchange(v.data, std::memory_order_seq_cst)};
  return 1;
}

int64_t glrt_atomicValueCas(void *p, glrt_eface old, glrt_eface nw) {
  auto *w = static_cast<ValueWords *>(p);
  for (;;) {
    void *t = w->type.load(std::memory_order_seq_cst);
    if (t == nullptr) {
      if (old.type != nullptr)
        return 0;
      void *expect = nullptr;
      if (!w->type.compare_exchange_strong(expect, firstStoreInProgress,
                                           std::memory_order_seq_cst))
        continue;
      w->data.store(nw.data, std::memory_order_seq_cst);
      w->type.store(nw.type, std::memory_order_seq_cst);
      return 1;
    }
    if (t == firstStoreInProgress) {
      sched_yield();
      continue;
    }
    if (t != nw.type)
      return 2;
    // Go compares the current value with old by ==, which may panic for an
    // uncomparable type (efaceeq's runtime error), then CASes the data word.
    void *data = w->data.load(std::memory_order_seq_cst);
    if (old.type != t || !glrt_efaceeq(t, data, old.data))
      return 0;
    valueBarrier(w, nw.data);
    return w->data.compare_exchange_strong(data, nw.data, std::memory_order_seq_cst) ? 1 : 0;
  }
}
