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
#include "race.h"
#include "type.h"

#include <atomic>
#include <sched.h>
#if GLRT_RACE
#include <sanitizer/tsan_interface_atomic.h>
#endif

using namespace glrt;

#if !GLRT_RACE
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

#else
// -race: each operation is ThreadSanitizer's own atomic operation on the
// address, as in go1.19's race runtime (its sync/atomic calls
// __tsan_go_atomic*, the same implementation): an atomic access at addr
// (reported against a plain access to the same word, never against
// another atomic one) and seq_cst synchronisation through addr's clock (a
// Store releases, a Load acquires, Add/Swap/CAS do both). Without it the
// operations were invisible to TSan: a flag published with StoreInt32
// and polled with LoadInt32 ordered nothing (a false report on the data
// it published), and a plain write racing with AddInt64 was not seen
// (lit race/atomic_pub.gl, atomic_plain.gl).
// TT is TSan's type of CT's width, B the width in bits.
#define ATOMIC_OPS(Name, CT, WT)                                                \
  WT glrt_atomicAdd##Name(void *p, WT d) {                                      \
    using TT = TsanT<sizeof(CT)>;                                               \
    return WT(CT(TT::fetch_add(static_cast<volatile typename TT::T *>(p),       \
                               typename TT::T(d), kSeqCst)) + CT(d));           \
  }                                                                             \
  WT glrt_atomicLoad##Name(void *p) {                                           \
    using TT = TsanT<sizeof(CT)>;                                               \
    return WT(CT(TT::load(static_cast<volatile typename TT::T *>(p), kSeqCst))); \
  }                                                                             \
  void glrt_atomicStore##Name(void *p, WT v) {                                  \
    using TT = TsanT<sizeof(CT)>;                                               \
    TT::store(static_cast<volatile typename TT::T *>(p), typename TT::T(v), kSeqCst); \
  }                                                                             \
  WT glrt_atomicSwap##Name(void *p, WT v) {                                     \
    using TT = TsanT<sizeof(CT)>;                                               \
    return WT(CT(TT::exchange(static_cast<volatile typename TT::T *>(p),        \
                              typename TT::T(v), kSeqCst)));                    \
  }                                                                             \
  uint8_t glrt_atomicCas##Name(void *p, WT old, WT nw) {                        \
    using TT = TsanT<sizeof(CT)>;                                               \
    typename TT::T o = typename TT::T(old);                                     \
    return TT::cas(static_cast<volatile typename TT::T *>(p), &o, typename TT::T(nw), \
                   kSeqCst, kSeqCst) != 0;                                      \
  }
namespace {
constexpr __tsan_memory_order kSeqCst = __tsan_memory_order_seq_cst;
// TSan's functions by width (its types are signed; the bits are Go's).
template <int N> struct TsanT;
template <> struct TsanT<4> {
  using T = __tsan_atomic32;
  static constexpr auto load = __tsan_atomic32_load;
  static constexpr auto store = __tsan_atomic32_store;
  static constexpr auto fetch_add = __tsan_atomic32_fetch_add;
  static constexpr auto exchange = __tsan_atomic32_exchange;
  static constexpr auto cas = __tsan_atomic32_compare_exchange_strong;
};
template <> struct TsanT<8> {
  using T = __tsan_atomic64;
  static constexpr auto load = __tsan_atomic64_load;
  static constexpr auto store = __tsan_atomic64_store;
  static constexpr auto fetch_add = __tsan_atomic64_fetch_add;
  static constexpr auto exchange = __tsan_atomic64_exchange;
  static constexpr auto cas = __tsan_atomic64_compare_exchange_strong;
};
} // namespace
#endif

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
        racerelease(&w->data); // -race: Go's StorePointer of each word
        w->data.store(v.data, std::memory_order_seq_cst);
        racerelease(&w->type);
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
  raceacquire(&w->type); // -race: Go's LoadPointer of each word
  if (t == nullptr || t == firstStoreInProgress)
    return glrt_eface{nullptr, nullptr};
  void *data = w->data.load(std::memory_order_seq_cst);
  raceacquire(&w->data);
  return glrt_eface{t, data};
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
  racerelease(&w->data);
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
  raceacquire(&w->data); // -race: an atomic swap both acquires and releases
  racereleasemerge(&w->data);
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
      racerelease(&w->data);
      w->data.store(nw.data, std::memory_order_seq_cst);
      racerelease(&w->type);
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
    // -race: Go's CompareAndSwapPointer acquires and releases (TSan's
    // acq_rel). The release must precede the store becoming visible, so it
    // is made before the CAS, and also when the CAS then fails (TSan's
    // failed CAS only acquires): an extra edge from this goroutine to the
    // data word's next acquirer, which can only hide a race, never invent one.
    raceacquire(&w->data);
    racereleasemerge(&w->data);
    return w->data.compare_exchange_strong(data, nw.data, std::memory_order_seq_cst) ? 1 : 0;
  }
}
