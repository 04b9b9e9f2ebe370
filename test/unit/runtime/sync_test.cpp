// sync tests: Mutex under contention (exact counter, 2-8 goroutine
// threads), FIFO hand-off to waiters, WaitGroup with many goroutines,
// Once, semaphores; fatal/panic texts via death tests.
#include "lock.h"
#include "proc.h"
#include "sema.h"

#include "sched_harness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>

using namespace glrt;

extern "C" void glrt_mutexLock(void *m);
extern "C" void glrt_mutexUnlock(void *m);
extern "C" void glrt_waitgroupAdd(void *wg, int64_t d);
extern "C" void glrt_waitgroupWait(void *wg);
extern "C" uint8_t glrt_onceBegin(void *o);
extern "C" void glrt_onceEnd(void *o);
extern "C" int64_t glrt_GOMAXPROCS(int64_t n);
extern "C" void glrt_timeSleep(int64_t ns);

namespace {

using glrt_test::go;
using glrt_test::runInGoroutine;

struct alignas(8) Mutex { uint32_t w[2] = {0, 0}; };
struct alignas(8) WaitGroup { uint32_t w[4] = {0, 0, 0, 0}; };
struct alignas(4) Once { uint32_t w[3] = {0, 0, 0}; };

class MutexContention : public ::testing::TestWithParam<int> {};

TEST_P(MutexContention, CounterIsExact) {
  int procs = GetParam();
  constexpr int G = 16, N = 2000;
  Mutex mu;
  WaitGroup wg;
  int64_t counter = 0; // plain: only touched under mu
  runInGoroutine([&] {
    int64_t old = glrt_GOMAXPROCS(procs);
    glrt_waitgroupAdd(&wg, G);
    for (int i = 0; i < G; i++) {
      go([&] {
        for (int k = 0; k < N; k++) {
          glrt_mutexLock(&mu);
          int64_t v = counter;
          if (k % 64 == 0)
            glrt_Gosched(); // hold the lock across a yield: others park
          counter = v + 1;
          glrt_mutexUnlock(&mu);
        }
        glrt_waitgroupAdd(&wg, -1);
      });
    }
    glrt_waitgroupWait(&wg);
    glrt_GOMAXPROCS(old);
  });
  EXPECT_EQ(counter, int64_t(G) * N);
  EXPECT_EQ(mu.w[0], 0u); // unlocked, no waiters registered
  EXPECT_EQ(semawaiters(), 0);
}

INSTANTIATE_TEST_SUITE_P(Procs, MutexContention, ::testing::Values(1, 2, 4, 8));

// Starvation mode: queued waiters get the mutex even while another
// goroutine re-locks it in a tight loop (without starvation mode, a running
// locker wins every race against a just-woken waiter). Liveness test: a
// regression hangs (ctest timeout) rather than failing an assertion.
TEST(Mutex, WaitersDoNotStarve) {
  constexpr int N = 8;
  Mutex mu;
  std::atomic<int> finished{0}, hammerLocks{0};
  std::atomic<bool> stop{false};
  runInGoroutine([&] {
    int64_t old = glrt_GOMAXPROCS(2);
    glrt_mutexLock(&mu);
    for (int i = 0; i < N; i++)
      go([&] {
        glrt_mutexLock(&mu);
        glrt_mutexUnlock(&mu);
        finished++;
      });
    // Wait until all of them are queued.
    while ((__atomic_load_n(&mu.w[0], __ATOMIC_ACQUIRE) >> 3) != uint32_t(N))
      glrt_timeSleep(100000);
    go([&] {
      while (!stop.load()) {
        glrt_mutexLock(&mu);
        hammerLocks++;
        glrt_mutexUnlock(&mu);
      }
      finished++;
    });
    glrt_mutexUnlock(&mu);
    while (finished.load() < N)
      glrt_timeSleep(100000);
    stop = true;
    while (finished.load() < N + 1)
      glrt_timeSleep(100000);
    glrt_GOMAXPROCS(old);
  });
  EXPECT_EQ(finished.load(), N + 1);
  EXPECT_EQ(mu.w[0], 0u); // unlocked, not starving, no waiters
}

// A Mutex that is handed off in starving mode and then drained returns to
// the zero state; Lock/Unlock pairs from many goroutines at GOMAXPROCS=1.
TEST(Mutex, ZeroStateAfterUse) {
  Mutex mu;
  std::atomic<int> done{0};
  runInGoroutine([&] {
    int64_t old = glrt_GOMAXPROCS(1);
    for (int i = 0; i < 20; i++)
      go([&] {
        for (int k = 0; k < 100; k++) {
          glrt_mutexLock(&mu);
          glrt_Gosched();
          glrt_mutexUnlock(&mu);
        }
        done++;
      });
    while (done.load() < 20)
      glrt_Gosched();
    glrt_GOMAXPROCS(old);
  });
  EXPECT_EQ(mu.w[0], 0u);
  EXPECT_EQ(semawaiters(), 0);
}

TEST(WaitGroup, ManyGoroutinesAndWaiters) {
  constexpr int G = 1000, W = 5;
  WaitGroup wg;
  std::atomic<int> ran{0}, waitersDone{0}, sawAll{0};
  runInGoroutine([&] {
    glrt_waitgroupAdd(&wg, G);
    for (int w = 0; w < W; w++)
      go([&] {
        glrt_waitgroupWait(&wg);
        if (ran.load() == G)
          sawAll++;
        waitersDone++;
      });
    for (int i = 0; i < G; i++)
      go([&, i] { // i by value: the loop moves on before the goroutine runs
        if (i % 3 == 0)
          glrt_timeSleep(100000);
        ran++;
        glrt_waitgroupAdd(&wg, -1);
      });
    glrt_waitgroupWait(&wg);
    EXPECT_EQ(ran.load(), G);
    while (waitersDone.load() < W)
      glrt_Gosched();
    // Reusable after it reached zero.
    glrt_waitgroupAdd(&wg, 1);
    go([&] { glrt_waitgroupAdd(&wg, -1); });
    glrt_waitgroupWait(&wg);
  });
  EXPECT_EQ(sawAll.load(), W);
}

TEST(Once, RunsExactlyOnce) {
  Once o;
  std::atomic<int> calls{0}, after{0};
  WaitGroup wg;
  runInGoroutine([&] {
    constexpr int G = 50;
    glrt_waitgroupAdd(&wg, G);
    for (int i = 0; i < G; i++)
      go([&] {
        if (glrt_onceBegin(&o)) {
          glrt_Gosched();
          calls++;
          glrt_onceEnd(&o);
        }
        // Do returns only after f has finished.
        if (calls.load() == 1)
          after++;
        glrt_waitgroupAdd(&wg, -1);
      });
    glrt_waitgroupWait(&wg);
  });
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(after.load(), 50);
}

TEST(SyncDeath, UnlockOfUnlockedMutex) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Mutex mu;
        runInGoroutine([&] { glrt_mutexUnlock(&mu); });
      },
      ::testing::ExitedWithCode(2), "fatal error: sync: unlock of unlocked mutex");
}

TEST(SyncDeath, NegativeWaitGroupCounter) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        WaitGroup wg;
        runInGoroutine([&] { glrt_waitgroupAdd(&wg, -1); });
      },
      ::testing::ExitedWithCode(2), "panic: sync: negative WaitGroup counter");
}

} // namespace
