// The parking paths of the time and sync entry points (abi_stack_test
// probes only their non-parking paths) also fit stack.h's rule: at most
// StackNosplitBudget bytes of the goroutine's stack, measured by painting
// the free part of the segment below the caller's rsp and counting the
// bytes that changed. Paths: time.Sleep that parks, Mutex.Lock that parks
// and Unlock that wakes (normal and starving hand-off), WaitGroup.Wait that
// parks and Add that releases waiters, Once.Do waiting for a running f.
#include "abi.h"
#include "proc.h"
#include "sched_harness.h"
#include "stack.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>

using namespace glrt;
using glrt_test::go;
using glrt_test::runInGoroutine;

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TS_ASAN 1
#endif
#endif

constexpr unsigned char kPaint = 0x5A;

// Bytes of the current segment below rsp that fn(arg) dirtied (fn may park).
__attribute__((noinline)) uintptr_t stackUsedBy(void (*fn)(void *), void *arg) {
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp; p++)
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  fn(arg);
  uintptr_t p = lo;
  while (p < sp && *reinterpret_cast<volatile unsigned char *>(p) == kPaint)
    p++;
  return sp - p;
}

void expectWithinBudget(uintptr_t used, const char *what) {
#ifndef TS_ASAN
  EXPECT_LE(used, StackNosplitBudget) << what;
#endif
  EXPECT_GT(used, 0u) << what; // the measurement saw the call at all
}

struct alignas(8) Words {
  uint32_t w[4] = {0, 0, 0, 0};
};

TEST(TimeSyncStack, SleepThatParks) {
  uintptr_t used = 0;
  runInGoroutine(
      [&] { used = stackUsedBy([](void *) { glrt_timeSleep(200000); }, nullptr); }, 64 << 10);
  expectWithinBudget(used, "timeSleep (parks)");
}

// The parking path of a contended Lock: glrt_mutexLock tail-calls
// mutexLockSlow, which calls gopark itself (semparkonce is inlined; the
// sudog is queued by gopark's unlockf on g0), so while parked the
// goroutine stack holds mutexLockSlow's frame, gopark's return address and
// mcall's saved registers. It measured 280 bytes while the enqueue ran
// through semparkonce's own frame.
void mutexLockParkUnlockWake(uintptr_t *usedLock, uintptr_t *usedUnlock);

TEST(TimeSyncStack, MutexLockThatParksFitsBudget) {
  uintptr_t usedLock = 0, usedUnlock = 0;
  mutexLockParkUnlockWake(&usedLock, &usedUnlock);
  printf("  mutexLock (parks)            %4lu bytes\n", (unsigned long)usedLock);
  expectWithinBudget(usedLock, "mutexLock (parks)");
}

TEST(TimeSyncStack, MutexUnlockThatWakesFitsBudget) {
  uintptr_t usedLock = 0, usedUnlock = 0;
  mutexLockParkUnlockWake(&usedLock, &usedUnlock);
  printf("  mutexUnlock (wakes a waiter) %4lu bytes\n", (unsigned long)usedUnlock);
  expectWithinBudget(usedUnlock, "mutexUnlock (wakes a waiter)");
}

void mutexLockParkUnlockWake(uintptr_t *pLock, uintptr_t *pUnlock) {
  static Words mu;
  static std::atomic<int> phase{0};
  phase = 0;
  uintptr_t usedLock = 0, usedUnlock = 0;
  runInGoroutine(
      [&] {
        glrt_mutexLock(&mu);
        go([&] {
          // Park in Lock (the holder sleeps 1 ms, so no spinning wins it).
          usedLock = stackUsedBy([](void *) { glrt_mutexLock(&mu); }, nullptr);
          glrt_mutexUnlock(&mu);
          phase = 1;
        });
        while ((__atomic_load_n(&mu.w[0], __ATOMIC_ACQUIRE) >> 3) == 0)
          glrt_timeSleep(100000);
        usedUnlock = stackUsedBy([](void *) { glrt_mutexUnlock(&mu); }, nullptr);
        while (phase.load() == 0)
          glrt_timeSleep(100000);
      },
      64 << 10);
  *pLock = usedLock;
  *pUnlock = usedUnlock;
}

TEST(TimeSyncStack, WaitGroupWaitThatParksAndAddThatReleases) {
  static Words wg;
  static std::atomic<int> waiting{0}, done{0};
  uintptr_t usedWait = 0, usedAdd = 0;
  runInGoroutine(
      [&] {
        glrt_waitgroupAdd(&wg, 1);
        go([&] {
          waiting = 1;
          usedWait = stackUsedBy([](void *) { glrt_waitgroupWait(&wg); }, nullptr);
          done = 1;
        });
        while ((__atomic_load_n(reinterpret_cast<uint64_t *>(wg.w), __ATOMIC_ACQUIRE) & 0xffffffff) == 0)
          glrt_timeSleep(100000);
        usedAdd = stackUsedBy([](void *) { glrt_waitgroupAdd(&wg, -1); }, nullptr);
        while (done.load() == 0)
          glrt_timeSleep(100000);
      },
      64 << 10);
  expectWithinBudget(usedWait, "waitgroupWait (parks)");
  expectWithinBudget(usedAdd, "waitgroupAdd (releases waiters)");
}

TEST(TimeSyncStack, OnceBeginWaitingForRunningF) {
  static Words once;
  static std::atomic<int> inF{0}, done{0};
  uintptr_t used = 0;
  runInGoroutine(
      [&] {
        ASSERT_EQ(glrt_onceBegin(&once), 1); // we "run f"
        go([&] {
          used = stackUsedBy([](void *) {
            if (glrt_onceBegin(&once))
              glrt_onceEnd(&once);
          }, nullptr);
          done = 1;
        });
        glrt_timeSleep(2000000); // let the other G park behind f
        glrt_onceEnd(&once);
        while (done.load() == 0)
          glrt_timeSleep(100000);
      },
      64 << 10);
  expectWithinBudget(used, "onceBegin (waits for f)");
}

} // namespace
