// Scheduler tests under real concurrency. The gtest thread initialises
// the scheduler (it becomes m0) and then gives up its P: all goroutines run
// on Ms the scheduler starts on demand. A test body that must run "inside
// Go" (GOMAXPROCS, Gosched, gopark) runs as a goroutine with a large first
// segment, and the gtest thread waits for it on a note.
#include "netpoll.h"
#include "proc.h"
#include "sched_harness.h"
#include "runq.h"
#include "stack.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <functional>
#include <vector>
#include <memory>
#include <string_view>

using namespace glrt;
using namespace glrt_test;

namespace {

constexpr int kSpawners = 4;
std::atomic<int64_t> finished{0};
std::unique_ptr<std::atomic<uint8_t>[]> seen;

void worker(void *arg) {
  seen[uintptr_t(arg)].fetch_add(1, std::memory_order_relaxed);
  // Release: the waiter's (seq_cst) load of `finished` then orders this
  // worker's read of the `seen` pointer before the next test's seen.reset
  // (with relaxed, TSan rightly reported that read racing the reset).
  finished.fetch_add(1, std::memory_order_release);
}

struct spawnArgs {
  int64_t from, to;
  std::atomic<int> *spawnersDone;
};

void spawner(void *a) {
  spawnArgs *s = static_cast<spawnArgs *>(a);
  for (int64_t i = s->from; i < s->to; i++)
    glrt_newproc(worker, reinterpret_cast<void *>(i)); // default 2 KiB segment
  s->spawnersDone->fetch_add(1);
}

void runManyGoroutines(int procs, int64_t total) {
  finished.store(0);
  seen.reset(new std::atomic<uint8_t>[total]);
  for (int64_t i = 0; i < total; i++)
    seen[i].store(0);
  int64_t base = -1, after = -1, maxprocsSeen = -1;
  runInGoroutine([&] {
    glrt_GOMAXPROCS(procs);
    maxprocsSeen = glrt_GOMAXPROCS(0);
    base = glrt_NumGoroutine();
    std::atomic<int> spawnersDone{0};
    spawnArgs args[kSpawners];
    for (int s = 0; s < kSpawners; s++) {
      args[s] = {total * s / kSpawners, total * (s + 1) / kSpawners, &spawnersDone};
      newproc1(spawner, &args[s], 64 << 10);
    }
    goWaitUntil([&] { return spawnersDone.load() == kSpawners && finished.load() == total; });
    // Exited Gs leave NumGoroutine once goexit0 has run. (<=: a previous
    // test's wrapper G may still have been exiting when base was read.)
    goWaitUntil([&] { return glrt_NumGoroutine() <= base; });
    after = glrt_NumGoroutine();
  });
  EXPECT_EQ(maxprocsSeen, procs);
  EXPECT_EQ(finished.load(), total);
  int64_t bad = 0;
  for (int64_t i = 0; i < total; i++)
    bad += seen[i].load() != 1;
  EXPECT_EQ(bad, 0) << "goroutines lost or run twice";
  EXPECT_LE(after, base);
}

} // namespace

TEST(SchedTest, HundredThousandGoroutinesGOMAXPROCS1) { runManyGoroutines(1, 100000); }
TEST(SchedTest, HundredThousandGoroutinesGOMAXPROCS2) { runManyGoroutines(2, 100000); }
TEST(SchedTest, HundredThousandGoroutinesGOMAXPROCS4) { runManyGoroutines(4, 100000); }

TEST(SchedTest, NumCPUMatchesAffinity) {
  ensureSched();
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_EQ(glrt_NumCPU(), CPU_COUNT(&set));
}

// Two goroutines hand a token back and forth with Gosched only: with
// GOMAXPROCS=1 this only terminates if Gosched really yields.
TEST(SchedTest, GoschedPingPong) {
  for (int procs : {1, 2}) {
    std::atomic<int> turn{0};
    std::atomic<int> rounds[2] = {0, 0};
    constexpr int N = 20000;
    std::atomic<int> exited{0};
    struct player {
      int me;
      std::atomic<int> *turn, *rounds, *exited;
    };
    runInGoroutine([&] {
      glrt_GOMAXPROCS(procs);
      player pl[2] = {{0, &turn, &rounds[0], &exited}, {1, &turn, &rounds[1], &exited}};
      for (auto &x : pl)
        newproc1(
            [](void *a) {
              player *pl = static_cast<player *>(a);
              for (int i = 0; i < N; i++) {
                while (pl->turn->load() != pl->me)
                  glrt_Gosched();
                pl->rounds->fetch_add(1);
                pl->turn->store(1 - pl->me);
              }
              pl->exited->fetch_add(1);
            },
            &x, 64 << 10);
      goWaitUntil([&] { return exited.load() == 2; });
    });
    EXPECT_EQ(rounds[0].load(), N);
    EXPECT_EQ(rounds[1].load(), N);
  }
}

namespace {
struct parkSlot {
  std::atomic<g *> parked{nullptr};
  std::atomic<int> wakeups{0};
};
// unlockf: runs on g0 after the G is _Gwaiting; publishing the G here is
// what makes the handshake race-free (the waker cannot goready it early).
bool publishParked(g *gp, void *slot) {
  static_cast<parkSlot *>(slot)->parked.store(gp, std::memory_order_release);
  return true;
}
} // namespace

TEST(SchedTest, GoparkGoreadyHandshake) {
  for (int procs : {1, 2, 4}) {
    constexpr int N = 20000;
    parkSlot slot;
    std::atomic<int> exited{0};
    struct args {
      parkSlot *slot;
      std::atomic<int> *exited;
    } a{&slot, &exited};
    runInGoroutine([&] {
      glrt_GOMAXPROCS(procs);
      // Sleeper: parks N times.
      newproc1(
          [](void *p) {
            args *a = static_cast<args *>(p);
            for (int i = 0; i < N; i++) {
              gopark(publishParked, a->slot, waitReasonTest);
              a->slot->wakeups.fetch_add(1);
            }
            a->exited->fetch_add(1);
          },
          &a, 64 << 10);
      // Waker: readies it N times.
      newproc1(
          [](void *p) {
            args *a = static_cast<args *>(p);
            for (int i = 0; i < N; i++) {
              g *gp;
              while ((gp = a->slot->parked.exchange(nullptr, std::memory_order_acquire)) == nullptr)
                glrt_Gosched();
              EXPECT_EQ(readgstatus(gp), uint32_t(_Gwaiting));
              goready(gp);
            }
            a->exited->fetch_add(1);
          },
          &a, 64 << 10);
      goWaitUntil([&] { return exited.load() == 2; });
    });
    EXPECT_EQ(slot.wakeups.load(), N);
  }
}

TEST(SchedTest, GoparkUnlockfFalseResumesAtOnce) {
  int resumed = 0;
  runInGoroutine([&] {
    for (int i = 0; i < 100; i++) {
      gopark([](g *, void *) { return false; }, nullptr, waitReasonTest);
      resumed++;
    }
  });
  EXPECT_EQ(resumed, 100);
}

// GOMAXPROCS changes (stop the world, procresize) while goroutines run.
TEST(SchedTest, GOMAXPROCSChangesUnderLoad) {
  constexpr int64_t total = 20000;
  finished.store(0);
  seen.reset(new std::atomic<uint8_t>[total]);
  for (int64_t i = 0; i < total; i++)
    seen[i].store(0);
  std::vector<int64_t> olds;
  runInGoroutine([&] {
    glrt_GOMAXPROCS(2);
    std::atomic<int> spawnersDone{0};
    spawnArgs args[kSpawners];
    for (int s = 0; s < kSpawners; s++) {
      args[s] = {total * s / kSpawners, total * (s + 1) / kSpawners, &spawnersDone};
      newproc1(spawner, &args[s], 64 << 10);
    }
    int sizes[] = {3, 1, 4, 2};
    for (int k = 0; k < 20; k++)
      olds.push_back(glrt_GOMAXPROCS(sizes[k % 4]));
    goWaitUntil([&] { return spawnersDone.load() == kSpawners && finished.load() == total; });
    olds.push_back(glrt_GOMAXPROCS(0));
  });
  ASSERT_EQ(olds.size(), 21u);
  EXPECT_EQ(olds[0], 2);
  const int64_t sizes[] = {3, 1, 4, 2};
  for (size_t k = 1; k < 20; k++)
    EXPECT_EQ(olds[k], sizes[(k - 1) % 4]);
  EXPECT_EQ(olds[20], 2);
  EXPECT_EQ(finished.load(), total);
  int64_t bad = 0;
  for (int64_t i = 0; i < total; i++)
    bad += seen[i].load() != 1;
  EXPECT_EQ(bad, 0);
}

// Idle Ms sleep on futexes: once the work is done every M but m0 ends up
// parked in stopm (or, once the network poller exists, one of them blocked
// in netpoll: sched_lastpoll == 0), nobody spins, and the process burns
// (almost) no CPU.
TEST(SchedTest, IdleMsParkOnFutex) {
  runInGoroutine([] { glrt_GOMAXPROCS(4); });
  runManyGoroutines(4, 10000);
  // Wait (bounded) for the Ms to settle.
  bool settled = false;
  for (int i = 0; i < 5000 && !settled; i++) {
    lock(&sched.lock);
    int32_t idle = sched.nmidle;
    int32_t total = int32_t(sched.mnext - sched.nmfreed) - sched.nmsys;
    unlock(&sched.lock);
    int32_t polling = netpollinited() && sched_lastpoll.load() == 0 ? 1 : 0;
    settled = idle + polling == total - 1 && sched.nmspinning.load() == 0 && sched.npidle.load() == gomaxprocs.load();
    if (!settled)
      ::usleep(1000);
  }
  ASSERT_TRUE(settled) << "Ms did not park";
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  ::usleep(200 * 1000);
  getrusage(RUSAGE_SELF, &r1);
  auto us = [](const rusage &r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000000LL + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
  };
  // Busy-waiting Ms would burn ~200 ms each here.
  EXPECT_LT(us(r1) - us(r0), 50000) << "idle Ms are burning CPU";
}

// Every G gets a distinct goid (per-P batches of 16 from sched.goidgen).
TEST(SchedTest, GoidsAreUnique) {
  constexpr int N = 2000;
  static std::atomic<int64_t> ids[N];
  static std::atomic<int> done{0};
  done.store(0);
  runInGoroutine([] {
    glrt_GOMAXPROCS(2);
    for (int i = 0; i < N; i++)
      glrt_newproc(
          [](void *a) {
            ids[uintptr_t(a)].store(getg()->goid);
            done.fetch_add(1);
          },
          reinterpret_cast<void *>(uintptr_t(i)));
    goWaitUntil([] { return done.load() == N; });
  });
  std::vector<int64_t> v;
  for (auto &x : ids)
    v.push_back(x.load());
  std::sort(v.begin(), v.end());
  EXPECT_GT(v[0], 0);
  EXPECT_EQ(std::adjacent_find(v.begin(), v.end()), v.end());
}

// Ms are created on demand up to sched.maxmcount, then Go's fatal error.
// (Runs in a re-executed child; lowers the limit to reach it quickly.)
TEST(SchedDeathTest, ThreadExhaustion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ensureSched();
        lock(&sched.lock);
        sched.maxmcount = 3;
        unlock(&sched.lock);
        runInGoroutine([] {
          glrt_GOMAXPROCS(8);
          // Goroutines that never yield pin their Ms: more Ms are needed.
          for (int i = 0; i < 8; i++)
            newproc1(
                [](void *) {
                  for (;;)
                    __builtin_ia32_pause();
                },
                nullptr, 64 << 10);
          for (;;)
            __builtin_ia32_pause();
        });
      },
      ::testing::ExitedWithCode(2), "runtime: program exceeds 10000-thread limit\nfatal error: thread exhaustion");
}

// ASan's stack-use-after-return detection (on by default since LLVM 15)
// keeps "fake frames" that it garbage-collects by comparing with the
// current sp; goroutine stack switches make it collect on nearly every call
// (FakeStack::GC was 85% of the ASan run). glrt does not annotate its
// switches as fibers, so the runtime's ASan tests run without it; all
// other ASan checks stay on.
extern "C" const char *__asan_default_options() { return "detect_stack_use_after_return=0"; }

// GOMAXPROCS from the environment, as go1.19 reads it: a positive decimal
// number is used as is (no upper clamp); anything else (0, negative, junk,
// spaces) is ignored and the CPU count is used. Each case runs in a fresh
// child process, before the scheduler is initialised.
TEST(SchedDeathTest, GOMAXPROCSFromEnvironment) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  const int n = CPU_COUNT(&set);
  struct {
    const char *env;
    int want;
  } cases[] = {{"1", 1}, {"7", 7}, {"300", 300}, {"0", n}, {"-1", n}, {"abc", n}, {"3x", n}, {" 4", n}, {"", n}};
  for (auto &c : cases) {
    EXPECT_EXIT(
        {
          setenv("GOMAXPROCS", c.env, 1);
          glrt_schedinit(0, nullptr);
          _exit(glrt_GOMAXPROCS(0) == c.want && gomaxprocs.load() == c.want ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "")
        << "GOMAXPROCS=\"" << c.env << "\"";
  }
}

// GODEBUG=schedtrace=N prints Go's summary line; scheddetail=1 adds the
// P, M and G lines. (Child processes: the trace thread starts in
// schedinit.)
TEST(SchedDeathTest, SchedtraceLineFormat) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("GODEBUG", "schedtrace=5", 1);
        setenv("GOMAXPROCS", "2", 1);
        glrt_schedinit(0, nullptr);
        ::usleep(30 * 1000);
        _exit(0);
      },
      ::testing::ExitedWithCode(0),
      "SCHED 0ms: gomaxprocs=2 idleprocs=[0-9]+ threads=[0-9]+ spinningthreads=[0-9]+ idlethreads=[0-9]+ "
      "runqueue=[0-9]+ \\[[0-9]+ [0-9]+\\]\n");
  EXPECT_EXIT(
      {
        setenv("GODEBUG", "schedtrace=5,scheddetail=1", 1);
        setenv("GOMAXPROCS", "1", 1);
        glrt_schedinit(0, nullptr);
        ::usleep(30 * 1000);
        _exit(0);
      },
      ::testing::ExitedWithCode(0),
      "SCHED [0-9]+ms: gomaxprocs=1 idleprocs=0 threads=2 spinningthreads=0 idlethreads=0 runqueue=0 "
      "gcwaiting=0 nmidlelocked=0 stopwait=0 sysmonwait=0\n"
      "  P0: status=1 schedtick=0 syscalltick=0 m=0 runqsize=0 gfreecnt=0 timerslen=0\n"
      "  M0: p=0 curg=-1 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false "
      "lockedg=-1\n");
}

// Stop-the-worlds of different goroutines take turns (worldsema): with
// three stoppers in loops, never two between stopTheWorld and
// startTheWorld at once, and none waits forever. (Before worldsema the
// second stopper reset sched.stopwait while the first waited for its P:
// both hung.) The stoppers also resize, as runtime.GOMAXPROCS does.
TEST(SchedTest, ConcurrentStopTheWorldsTakeTurns) {
  constexpr int kStoppers = 3, kRounds = 100;
  std::atomic<int> inside{0}, maxInside{0}, finishedStoppers{0};
  std::atomic<int64_t> rounds{0};
  runInGoroutine([&] {
    glrt_GOMAXPROCS(4);
    for (int s = 0; s < kStoppers; s++) {
      go([&, s] {
        for (int i = 0; i < kRounds; i++) {
          stopTheWorld("test");
          int n = inside.fetch_add(1) + 1;
          int m = maxInside.load();
          while (n > m && !maxInside.compare_exchange_weak(m, n)) {
          }
          EXPECT_EQ(getg()->mp->preemptoff, std::string_view("test"));
          inside.fetch_sub(1);
          startTheWorld(1 + (s + i) % 4);
          rounds.fetch_add(1);
        }
        finishedStoppers.fetch_add(1);
      });
    }
    goWaitUntil([&] { return finishedStoppers.load() == kStoppers; });
    glrt_GOMAXPROCS(4);
  });
  EXPECT_EQ(rounds.load(), kStoppers * kRounds);
  EXPECT_EQ(maxInside.load(), 1);
}
