//===- sync.cpp - sync.Mutex, sync.WaitGroup, sync.Once -------------------===//
//
// The values live in user memory (the compiler lays them out as opaque
// blobs of the sizes below; the zero value is ready to use) and generated
// code passes their address.
//
// Mutex (8 bytes: state, sema). state: bit 0 locked, bit 1 woken (a
// waiter has been woken or is spinning: Unlock need not wake another),
// bit 2 starving, bits 3.. the number of queued waiters. Two modes, as
// Go's sync.Mutex has:
//   normal    Unlock clears the locked bit and wakes the longest waiter,
//             which then competes with newcomers (who may also spin a few
//             rounds on multi-core machines). Newcomers usually win -- they
//             are already running -- which keeps throughput high; a waiter
//             that loses goes back to the head of the queue.
//   starving  entered by a waiter that has waited more than 1 ms. Unlock
//             hands the mutex straight to the head waiter (semrelease with
//             handoff); newcomers neither take it nor spin, they queue at
//             the tail. Left when the woken waiter is the last one or has
//             waited less than 1 ms.
// Fairness guarantee: no waiter waits much more than 1 ms plus the time
// for the waiters ahead of it to run their critical sections.
// WaitGroup (16 bytes: state = counter << 32 | waiters, sema). Add makes
// the counter go to 0 -> releases every waiter and resets state to 0.
// A negative counter panics "sync: negative WaitGroup counter".
//
// Once (12 bytes: done, waiters, sema). done: 0 not started, 2 f running,
// 1 done. Generated code lowers o.Do(f) to
//   if onceBegin(&o) { f(); onceEnd(&o) }
// onceBegin returns 1 to the one G that moves done 0 -> 2 (it runs f), 0
// at once when done is 1, and otherwise registers as a waiter and sleeps
// on sema until onceEnd (done = 1, then one semrelease per registered
// waiter). A waiter registers before it re-reads done and onceEnd stores
// done before it takes the waiter count (both seq_cst), so a waiter that
// sleeps is always counted. (Not Go's Mutex-based Once: this keeps the
// waiting path within the goroutine-stack budget of stack.h.)
//===----------------------------------------------------------------------===//
#include <atomic>
#include <cstdint>

#include "abi.h"
#include "panic.h"
#include "proc.h"
#include "race.h"
#include "sema.h"
#include "timer.h"

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
  std::atomic<uint32_t> waiters;
  std::atomic<uint32_t> sema;
};
static_assert(sizeof(syncOnce) == 12);

constexpr uint32_t mutexLocked = 1;
constexpr uint32_t mutexWoken = 2;
constexpr uint32_t mutexStarving = 4;
constexpr uint32_t mutexWaiterShift = 3;
constexpr uint32_t mutexWaiter = 1u << mutexWaiterShift;
constexpr int64_t starvationThresholdNs = 1000000;

// Spinning pays only if another thread may release the lock meanwhile.
static bool canSpin(int iter) {
  return iter < 4 && ncpu > 1 && gomaxprocs.load(std::memory_order_relaxed) > 1;
}

// timeNow on g0: clock_gettime (vDSO) on top of Lock's frame would go
// past the goroutine-stack budget. Only on the parking path. timeNow, not
// nanotime: under schedseed the starvation threshold is on the virtual
// clock, so whether a waiter starves is part of the replayable schedule.
[[gnu::noinline]] static int64_t nanotimeOnG0() {
  int64_t t;
  glrt_systemstack([](void *p) { *static_cast<int64_t *>(p) = timeNow(); }, &t);
  return t;
}

// Flags of one Lock call, packed so that few values stay live across the
// park (this frame is on the goroutine stack meanwhile: stack.h's budget).
constexpr uint32_t lkStarving = 1; // this waiter has waited too long
constexpr uint32_t lkAwoke = 2;    // this G owns the woken bit
constexpr uint32_t lkIter = 4;     // spin iterations, counted from bit 2

[[gnu::noinline]] static void mutexLockSlow(void *mp) {
  auto *m = static_cast<syncMutex *>(mp);
  int64_t waitStart = 0;
  uint32_t f = 0;
  uint32_t s = m->state.load(std::memory_order_relaxed);
  for (;;) {
    // Spin while the lock is held in normal mode, claiming the woken bit so
    // Unlock does not wake a sleeper that would only lose to us.
    if ((s & (mutexLocked | mutexStarving)) == mutexLocked && canSpin(int(f / lkIter))) {
      if ((f & lkAwoke) == 0 && (s & mutexWoken) == 0 && (s >> mutexWaiterShift) != 0 &&
          m->state.compare_exchange_weak(s, s | mutexWoken, std::memory_order_relaxed))
        f |= lkAwoke;
      for (int k = 0; k < 30; k++)
        __builtin_ia32_pause();
      f += lkIter;
      s = m->state.load(std::memory_order_relaxed);
      continue;
    }
    uint32_t n = s;
    if ((s & mutexStarving) == 0)
      n |= mutexLocked; // try to take it (never in starving mode)
    if ((s & (mutexLocked | mutexStarving)) != 0)
      n += mutexWaiter; // we will queue
    if ((f & lkStarving) != 0 && (s & mutexLocked) != 0)
      n |= mutexStarving;
    if ((f & lkAwoke) != 0)
      n &= ~mutexWoken; // the bit is ours (set by us or by the waking Unlock)
    if (!m->state.compare_exchange_weak(s, n, std::memory_order_acquire, std::memory_order_relaxed))
      continue; // s reloaded
    if ((s & (mutexLocked | mutexStarving)) == 0)
      return; // took it
    bool lifo = waitStart != 0;
    if (waitStart == 0)
      waitStart = nanotimeOnG0();
    // semacquire inline: semparkonce is inlined too, so this frame calls
    // gopark directly and the sudog is queued on g0 by gopark's unlockf;
    // go1.19's wait reason for a Mutex is "semacquire".
    while (!semtryacquire(&m->sema))
      if (semparkonce(&m->sema, waitReasonSemacquire, lifo))
        break;
    if (nanotimeOnG0() - waitStart > starvationThresholdNs)
      f |= lkStarving;
    s = m->state.load(std::memory_order_relaxed);
    if ((s & mutexStarving) != 0) {
      // Handed off to us: the locked bit is clear and we are still counted
      // as a waiter. Take the lock; leave starving mode if we are the last
      // waiter or did not wait long.
      uint32_t delta = mutexLocked - mutexWaiter;
      if ((f & lkStarving) == 0 || (s >> mutexWaiterShift) == 1)
        delta -= mutexStarving;
      m->state.fetch_add(delta, std::memory_order_acquire);
      return;
    }
    f = lkAwoke | (f & lkStarving); // spin again, from iteration 0
  }
}

[[gnu::always_inline]] inline void mutexLock(syncMutex *m) {
  uint32_t zero = 0;
  if (m->state.compare_exchange_strong(zero, mutexLocked, std::memory_order_acquire))
    return;
  mutexLockSlow(m);
}

static void mutexUnlockSlow(syncMutex *m, uint32_t n) {
  if (((n + mutexLocked) & mutexLocked) == 0)
    fataluser("sync: unlock of unlocked mutex"); // Go's sync.fatal
  if ((n & mutexStarving) != 0) {
    // Starving: hand the mutex to the head waiter.
    semrelease(&m->sema, true);
    return;
  }
  uint32_t old = n;
  for (;;) {
    // Nobody to wake, or someone already took the lock / was woken / the
    // mutex turned starving: the others will take care of it.
    if ((old >> mutexWaiterShift) == 0 || (old & (mutexLocked | mutexWoken | mutexStarving)) != 0)
      return;
    if (m->state.compare_exchange_weak(old, (old - mutexWaiter) | mutexWoken, std::memory_order_release,
                                       std::memory_order_relaxed)) {
      semrelease(&m->sema, false);
      return;
    }
  }
}

[[gnu::always_inline]] inline void mutexUnlock(syncMutex *m) {
  uint32_t n = m->state.fetch_sub(mutexLocked, std::memory_order_release) - mutexLocked;
  if (n != 0)
    mutexUnlockSlow(m, n);
}

} // namespace glrt

using namespace glrt;

// The parking path of Lock (glrt_mutexLock -> mutexLockSlow -> gopark ->
// mcall, with semparkonce inlined into mutexLockSlow) must fit stack.h's
// budget on the goroutine stack: hence mutexLockSlow is entered by a tail
// call from the entry point. timesync_stack_test.cpp measures it: 208
// bytes including the probe's frames (280 when semparkonce was a frame of
// its own between mutexLockSlow and gopark).
//
// -race (race.h), as go1.19's sync package: Unlock releases the mutex's
// address, Lock acquires it once it holds the mutex. (The race runtime has
// room for the extra frame: its STACK_GUARD holds RACE_STACK_RESERVE.)
#if !GLRT_RACE
extern "C" void glrt_mutexLock(void *m) {
  auto *mu = static_cast<syncMutex *>(m);
  uint32_t zero = 0;
  if (mu->state.compare_exchange_strong(zero, mutexLocked, std::memory_order_acquire))
    return;
  [[clang::musttail]] return mutexLockSlow(m);
}
#else
extern "C" void glrt_mutexLock(void *m) {
  auto *mu = static_cast<syncMutex *>(m);
  uint32_t zero = 0;
  if (!mu->state.compare_exchange_strong(zero, mutexLocked, std::memory_order_acquire))
    mutexLockSlow(m);
  raceacquire(m);
}
#endif
extern "C" void glrt_mutexUnlock(void *m) {
  racerelease(m);
  mutexUnlock(static_cast<syncMutex *>(m));
}

extern "C" void glrt_waitgroupAdd(void *p, int64_t delta) {
  auto *wg = static_cast<syncWaitGroup *>(p);
  if (delta < 0)
    racereleasemerge(wg); // -race: every Done -> the Wait that returns
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
    if ((s >> 32) == 0) {
      raceacquire(wg);
      return;
    }
    if (wg->state.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
      semacquire(&wg->sema, waitReasonSemacquire);
      raceacquire(wg);
      return;
    }
  }
}

[[gnu::noinline]] static uint8_t onceWait(syncOnce *o) {
  o->waiters.fetch_add(1, std::memory_order_seq_cst);
  if (o->done.load(std::memory_order_seq_cst) == 1) {
    raceacquire(o);
    return 0; // finished meanwhile (a count may be left in sema: harmless)
  }
  semacquire(&o->sema, waitReasonSemacquire);
  raceacquire(o); // -race: f's end (onceEnd) -> every Do that waited
  return 0;
}

extern "C" uint8_t glrt_onceBegin(void *p) {
  auto *o = static_cast<syncOnce *>(p);
  uint32_t d = o->done.load(std::memory_order_acquire);
  if (d == 1) {
    raceacquire(o);
    return 0;
  }
  if (d == 0 && o->done.compare_exchange_strong(d, 2, std::memory_order_acq_rel))
    return 1;
  if (d == 1) {
    raceacquire(o);
    return 0;
  }
  return onceWait(o);
}

extern "C" void glrt_onceEnd(void *p) {
  auto *o = static_cast<syncOnce *>(p);
  racerelease(o);
  o->done.store(1, std::memory_order_seq_cst);
  uint32_t n = o->waiters.exchange(0, std::memory_order_seq_cst);
  for (uint32_t i = 0; i < n; i++)
    semrelease(&o->sema, false);
}
