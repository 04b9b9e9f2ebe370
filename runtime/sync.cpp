//===- sync.cpp - sync.Mutex, sync.WaitGroup, sync.Once -------------------===//
//
// The values live in user memory (the compiler lays them out as opaque
// blobs of the sizes below; the zero value is ready to use) and generated
// code passes their address.
//
// Mutex (8 bytes: state, sema). state bit 0 = locked; state >> 1 = number
// of Gs registered as waiters. Lock: CAS 0 -> 1 fast path; otherwise, while
// the lock is free try to take it, else register as a waiter (state + 2,
// only while the locked bit is set) and sleep on sema. Unlock with waiters
// does NOT clear the locked bit: it unregisters one waiter and hands the
// lock to the longest-waiting G (semrelease with handoff). Fairness
// guarantee (the equivalent of Go's starvation mode, always on when there
// are waiters): once a G has queued, no G that arrives later can take the
// lock before it; a newcomer may only barge while nobody waits. The cost
// is Go's "starvation mode" throughput under heavy contention.
//
// WaitGroup (16 bytes: state = counter << 32 | waiters, sema). Add makes
// the counter go to 0 -> releases every waiter and resets state to 0.
// A negative counter panics "sync: negative WaitGroup counter".
//
// Once (12 bytes: done, Mutex). Generated code lowers o.Do(f) to
//   if onceBegin(&o) { f(); onceEnd(&o) }
// onceBegin returns 0 at once when done; otherwise it locks the mutex and
// returns 1 if f must run (0, after unlocking, if another G ran it).
//===----------------------------------------------------------------------===//
#include <atomic>
#include <cstdint>

#include "abi.h"
#include "proc.h"
#include "sema.h"

namespace glrt {

struct syncMutex {
  std::atomic<uint32_t> state;
  std::atomic<uint32_t> sema;
};
static_assert(sizeof(syncMutex) == 8);

struct syncWaitGroup {
  std::atomic<uint64_t> state;
  std::atomic<uint32_t> sema;
  uint32_t pad;
};
static_assert(sizeof(syncWaitGroup) == 16);

struct syncOnce {
  std::atomic<uint32_t> done;
  syncMutex m;
};
static_assert(sizeof(syncOnce) == 12);

constexpr uint32_t mutexLocked = 1;
constexpr uint32_t mutexWaiter = 2;

static void mutexLockSlow(syncMutex *m) {
  for (;;) {
    uint32_t s = m->state.load(std::memory_order_relaxed);
    if ((s & mutexLocked) == 0) {
      // Free and (therefore) nobody waiting: take it.
      if (m->state.compare_exchange_weak(s, s | mutexLocked, std::memory_order_acquire))
        return;
      continue;
    }
    if (m->state.compare_exchange_weak(s, s + mutexWaiter, std::memory_order_relaxed)) {
      semacquire(&m->sema, waitReasonSyncMutexLock);
      // Handed off: the locked bit was never cleared, the lock is ours.
      std::atomic_thread_fence(std::memory_order_acquire);
      return;
    }
  }
}

void mutexLock(syncMutex *m) {
  uint32_t zero = 0;
  if (m->state.compare_exchange_strong(zero, mutexLocked, std::memory_order_acquire))
    return;
  mutexLockSlow(m);
}

void mutexUnlock(syncMutex *m) {
  uint32_t s = m->state.load(std::memory_order_relaxed);
  for (;;) {
    if ((s & mutexLocked) == 0)
      throwfatal(nullptr, "sync: unlock of unlocked mutex");
    if (s == mutexLocked) {
      if (m->state.compare_exchange_weak(s, 0, std::memory_order_release))
        return;
      continue;
    }
    // Waiters: unregister one and hand it the (still locked) mutex.
    if (m->state.compare_exchange_weak(s, s - mutexWaiter, std::memory_order_release)) {
      semrelease(&m->sema, true);
      return;
    }
  }
}

} // namespace glrt

using namespace glrt;

extern "C" void glrt_mutexLock(void *m) { mutexLock(static_cast<syncMutex *>(m)); }
extern "C" void glrt_mutexUnlock(void *m) { mutexUnlock(static_cast<syncMutex *>(m)); }

extern "C" void glrt_waitgroupAdd(void *p, int64_t delta) {
  auto *wg = static_cast<syncWaitGroup *>(p);
  uint64_t v = wg->state.fetch_add(uint64_t(delta) << 32, std::memory_order_acq_rel) + (uint64_t(delta) << 32);
  int32_t counter = int32_t(v >> 32);
  uint32_t waiters = uint32_t(v);
  if (counter < 0) {
    static const char msg[] = "sync: negative WaitGroup counter";
    glrt_gopanicstring(const_cast<char *>(msg), sizeof msg - 1, nullptr, 0);
  }
  if (counter > 0 || waiters == 0)
    return;
  // Counter is 0 and there are waiters: no Add can race with this (that
  // would be a misuse Go reports; we do not detect it). Reset, release all.
  wg->state.store(0, std::memory_order_relaxed);
  for (uint32_t i = 0; i < waiters; i++)
    semrelease(&wg->sema, false);
}

extern "C" void glrt_waitgroupWait(void *p) {
  auto *wg = static_cast<syncWaitGroup *>(p);
  uint64_t s = wg->state.load(std::memory_order_acquire);
  for (;;) {
    if ((s >> 32) == 0)
      return;
    if (wg->state.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
      semacquire(&wg->sema, waitReasonSemacquire);
      return;
    }
  }
}

extern "C" uint8_t glrt_onceBegin(void *p) {
  auto *o = static_cast<syncOnce *>(p);
  if (o->done.load(std::memory_order_acquire) != 0)
    return 0;
  mutexLock(&o->m);
  if (o->done.load(std::memory_order_relaxed) != 0) {
    mutexUnlock(&o->m);
    return 0;
  }
  return 1;
}

extern "C" void glrt_onceEnd(void *p) {
  auto *o = static_cast<syncOnce *>(p);
  o->done.store(1, std::memory_order_release);
  mutexUnlock(&o->m);
}
