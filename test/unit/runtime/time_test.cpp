// Timer tests: the per-P 4-ary heaps (order and back links after random
// inserts and deletes from many goroutines), time.Sleep (every sleeper
// wakes, none early, none lost; sleepers hold no M), channel timers.
#include "chan.h"
#include "lock.h"
#include "proc.h"
#include "timer.h"

#include "sched_harness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <random>
#include <vector>

using namespace glrt;

extern "C" void glrt_timeSleep(int64_t ns);
extern "C" void *glrt_timeAfter(int64_t d);
extern "C" void *glrt_timeTick(int64_t d);
extern "C" void glrt_chanrecv1(void *c, void *elem);

namespace {

using glrt_test::ensureSched;
using glrt_test::go;
using glrt_test::runInGoroutine;

void noop(void *, uintptr_t) {}

TEST(Timers, HeapInvariantsWithStableTimers) {
  constexpr int G = 8, N = 400;
  std::atomic<int> done{0};
  std::atomic<int> delFailed{0};
  std::atomic<int> broken{0};
  static std::vector<std::vector<timer>> all(G, std::vector<timer>(N));
  // Other tests in this binary (abi_stack_test calls every entry point)
  // may have left timers behind: compare with the count before.
  ensureSched();
  int64_t before = timerHeapsCheckForTest();
  ASSERT_GE(before, 0);
  runInGoroutine([&] {
    for (int gi = 0; gi < G; gi++) {
      go([&, gi] {
        std::mt19937_64 rng(gi * 104729 + 3);
        auto &ts = all[gi];
        int64_t base = nanotime() + int64_t(3600) * 1000000000;
        for (auto &t : ts) {
          t = timer();
          t.when = base + int64_t(rng() % 1000000);
          t.f = noop;
          addtimer(&t);
          if (rng() % 16 == 0)
            glrt_Gosched();
        }
        if (timerHeapsCheckForTest() < 0)
          broken++;
        std::vector<int> idx(N);
        for (int i = 0; i < N; i++)
          idx[i] = i;
        std::shuffle(idx.begin(), idx.end(), rng);
        for (int i : idx) {
          if (!deltimer(&ts[i]))
            delFailed++;
          if (deltimer(&ts[i])) // second delete: already gone
            delFailed++;
        }
        done++;
      });
    }
    while (done.load() < G)
      glrt_Gosched();
  });
  EXPECT_EQ(broken.load(), 0);
  EXPECT_EQ(delFailed.load(), 0);
  EXPECT_EQ(timerHeapsCheckForTest(), before);
}

extern "C" int64_t glrt_GOMAXPROCS(int64_t n);

class Sleepers : public ::testing::TestWithParam<int> {};

TEST_P(Sleepers, AllWakeNotEarly) {
  constexpr int G = 300;
  std::atomic<int> woke{0}, early{0};
  ensureSched();
  int64_t before = timerHeapsCheckForTest();
  int64_t oldprocs = 0;
  runInGoroutine([&] {
    oldprocs = glrt_GOMAXPROCS(GetParam());
    for (int i = 0; i < G; i++) {
      go([&, i] {
        int64_t d = int64_t(1 + (i * 37) % 20) * 1000000; // 1..20 ms
        int64_t t0 = nanotime();
        glrt_timeSleep(d);
        if (nanotime() - t0 < d)
          early++;
        woke++;
      });
    }
    // This G sleeps too: the Ms are free while everyone sleeps.
    while (woke.load() < G)
      glrt_timeSleep(1000000);
    glrt_GOMAXPROCS(oldprocs);
  });
  EXPECT_EQ(woke.load(), G);
  EXPECT_EQ(early.load(), 0);
  EXPECT_EQ(timerHeapsCheckForTest(), before); // every sleep timer fired
}

INSTANTIATE_TEST_SUITE_P(Procs, Sleepers, ::testing::Values(1, 2, 4));

TEST(Timers, SleepZeroOrNegativeReturns) {
  runInGoroutine([] {
    glrt_timeSleep(0);
    glrt_timeSleep(-5);
  });
  SUCCEED();
}

TEST(Timers, AfterAndTick) {
  struct goTime {
    uint64_t wall;
    int64_t ext;
    void *loc;
  } got{}, v{};
  int64_t t0 = 0;
  int ticks = 0;
  runInGoroutine([&] {
    t0 = nanotime();
    void *c = glrt_timeAfter(2000000);
    glrt_chanrecv1(c, &got);
    void *tk = glrt_timeTick(1000000);
    int64_t prev = 0;
    for (int i = 0; i < 5; i++) {
      glrt_chanrecv1(tk, &v);
      if (v.ext > prev)
        ticks++;
      prev = v.ext;
    }
  });
  EXPECT_GE(got.ext - t0, 2000000);
  EXPECT_EQ(got.wall, 0u);
  EXPECT_EQ(got.loc, nullptr);
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(glrt_timeTick(0), nullptr);
}

} // namespace
