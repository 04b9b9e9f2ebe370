// Run queue tests: the lock-free ring under real concurrency (one owner
// putting/getting, several stealers), runqputslow's spill to the global
// queue, and a 4-slot ring that reaches the overflow paths constantly.
#include "runq.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

using namespace glrt;

namespace {

// Fake G pointers (never dereferenced by the ring paths that do not spill):
// id i is encoded as (i+1)*16.
g *tok(uint64_t i) { return reinterpret_cast<g *>((i + 1) * 16); }
uint64_t untok(g *gp) { return reinterpret_cast<uintptr_t>(gp) / 16 - 1; }

// One owner puts `total` distinct Gs (1 in 7 through runnext) and takes
// some back; `stealers` threads steal half of its queue at a time into their
// own rings and drain them. Every G must be consumed exactly once.
template <uint32_t N> void stressOwnerAndStealers(int stealers, uint64_t total) {
  std::unique_ptr<runqring<N>> owner(new runqring<N>());
  std::vector<std::unique_ptr<runqring<N>>> dst;
  for (int i = 0; i < stealers; i++)
    dst.emplace_back(new runqring<N>());
  std::unique_ptr<std::atomic<uint8_t>[]> seen(new std::atomic<uint8_t>[total]);
  for (uint64_t i = 0; i < total; i++)
    seen[i].store(0, std::memory_order_relaxed);
  std::atomic<uint64_t> consumed{0};
  std::atomic<bool> done{false};
  auto mark = [&](g *gp) {
    uint64_t id = untok(gp);
    ASSERT_LT(id, total);
    seen[id].fetch_add(1, std::memory_order_relaxed);
    consumed.fetch_add(1, std::memory_order_relaxed);
  };

  std::vector<std::thread> th;
  for (int s = 0; s < stealers; s++) {
    th.emplace_back([&, s] {
      runqring<N> &mine = *dst[s];
      while (!done.load(std::memory_order_acquire) || !runqempty(*owner)) {
        g *gp = runqsteal(mine, *owner, /*stealRunNext=*/(s & 1) == 0, /*victimRunning=*/false);
        if (gp) {
          mark(gp);
          bool inherit;
          while (g *x = runqget(mine, &inherit))
            mark(x);
        }
      }
    });
  }

  bool inherit;
  for (uint64_t i = 0; i < total; i++) {
    // Only the owner adds, so after this check the put cannot spill.
    while (runqlen(*owner) >= N) {
      if (g *gp = runqget(*owner, &inherit))
        mark(gp);
    }
    gBatch spill;
    bool spilled = runqput(*owner, tok(i), /*next=*/i % 7 == 0, &spill);
    ASSERT_FALSE(spilled);
    if (i % 3 == 0)
      if (g *gp = runqget(*owner, &inherit))
        mark(gp);
  }
  while (g *gp = runqget(*owner, &inherit))
    mark(gp);
  done.store(true, std::memory_order_release);
  for (auto &t : th)
    t.join();

  EXPECT_EQ(consumed.load(), total);
  uint64_t bad = 0;
  for (uint64_t i = 0; i < total; i++)
    if (seen[i].load(std::memory_order_relaxed) != 1)
      bad++;
  EXPECT_EQ(bad, 0u) << "Gs lost or duplicated";
}

} // namespace

// >= 10^7 operations in total: each G is put once and consumed once.
TEST(RunqTest, OwnerAndOneStealer) { stressOwnerAndStealers<256>(1, 2000000); }
TEST(RunqTest, OwnerAndThreeStealers) { stressOwnerAndStealers<256>(3, 2000000); }
TEST(RunqTest, OwnerAndSevenStealers) { stressOwnerAndStealers<256>(7, 1500000); }
TEST(RunqTest, TinyRingOwnerAndStealers) { stressOwnerAndStealers<4>(3, 1000000); }

TEST(RunqTest, RunnextFirstAndInheritsTime) {
  runqring<8> rq;
  gBatch spill;
  runqput(rq, tok(1), false, &spill);
  runqput(rq, tok(2), true, &spill);
  runqput(rq, tok(3), true, &spill); // kicks 2 to the tail
  bool inherit = false;
  EXPECT_EQ(runqget(rq, &inherit), tok(3));
  EXPECT_TRUE(inherit);
  EXPECT_EQ(runqget(rq, &inherit), tok(1));
  EXPECT_FALSE(inherit);
  EXPECT_EQ(runqget(rq, &inherit), tok(2));
  EXPECT_EQ(runqget(rq, &inherit), nullptr);
  EXPECT_TRUE(runqempty(rq));
}

template <uint32_t N> void checkPutSlow() {
  std::vector<g> gs(N + 1);
  runqring<N> rq;
  gBatch spill;
  for (uint32_t i = 0; i < N; i++)
    ASSERT_FALSE(runqput(rq, &gs[i], false, &spill));
  EXPECT_EQ(runqlen(rq), N);
  // Full: half the ring plus the new G move to the batch, oldest first.
  ASSERT_TRUE(runqput(rq, &gs[N], false, &spill));
  EXPECT_EQ(spill.n, int32_t(N / 2 + 1));
  EXPECT_EQ(runqlen(rq), N / 2);
  std::vector<g *> got;
  while (g *gp = spill.q.pop())
    got.push_back(gp);
  ASSERT_EQ(got.size(), N / 2 + 1);
  for (uint32_t i = 0; i < N / 2; i++)
    EXPECT_EQ(got[i], &gs[i]);
  EXPECT_EQ(got.back(), &gs[N]);
  bool inherit;
  for (uint32_t i = N / 2; i < N; i++)
    EXPECT_EQ(runqget(rq, &inherit), &gs[i]);
}

TEST(RunqTest, PutSlowMovesHalfPlusOne) { checkPutSlow<256>(); }
TEST(RunqTest, TinyRingPutSlow) { checkPutSlow<4>(); }

TEST(RunqTest, StealTakesHalfRoundedUpAndRunnextLast) {
  runqring<8> victim, thief;
  gBatch spill;
  for (int i = 0; i < 5; i++)
    runqput(victim, tok(i), false, &spill);
  runqput(victim, tok(99), true, &spill);
  g *gp = runqsteal(thief, victim, true, false);
  // 5 in the ring: steal 3 (ids 0,1,2), return the last, keep 2 in thief.
  EXPECT_EQ(gp, tok(2));
  EXPECT_EQ(runqlen(thief), 2u);
  EXPECT_EQ(runqlen(victim), 2u);
  bool inherit;
  EXPECT_EQ(runqget(thief, &inherit), tok(0));
  EXPECT_EQ(runqget(thief, &inherit), tok(1));
  // Drain the victim's ring; runnext only goes when the ring is empty.
  EXPECT_EQ(runqsteal(thief, victim, true, false), tok(3));
  EXPECT_EQ(runqsteal(thief, victim, false, false), tok(4));
  EXPECT_EQ(runqsteal(thief, victim, false, false), nullptr);
  EXPECT_EQ(runqsteal(thief, victim, true, false), tok(99));
  EXPECT_TRUE(runqempty(victim));
}

// The global queue and globrunqget's fair share, through a real P.
TEST(RunqTest, GlobalQueueFairShare) {
  std::unique_ptr<p> pp(new p());
  std::vector<g> gs(10);
  int32_t oldprocs = gomaxprocs.load();
  gomaxprocs.store(2);
  lock(&sched.lock);
  ASSERT_EQ(sched.runqsize.load(), 0);
  for (auto &x : gs)
    globrunqput(&x);
  EXPECT_EQ(sched.runqsize.load(), 10);
  // n = 10/2 + 1 = 6: one returned, five to the local ring.
  g *gp = globrunqget(pp.get(), 0);
  EXPECT_EQ(gp, &gs[0]);
  EXPECT_EQ(runqlen(pp->runq), 5u);
  EXPECT_EQ(sched.runqsize.load(), 4);
  // max limits it.
  EXPECT_EQ(globrunqget(pp.get(), 1), &gs[6]);
  EXPECT_EQ(sched.runqsize.load(), 3);
  globrunqputhead(&gs[6]);
  EXPECT_EQ(globrunqget(pp.get(), 1), &gs[6]);
  while (globrunqget(pp.get(), 1)) {
  }
  EXPECT_EQ(sched.runqsize.load(), 0);
  EXPECT_TRUE(sched.runq.empty());
  unlock(&sched.lock);
  gomaxprocs.store(oldprocs);
}

// runqput on a P spills through runqputslow into sched.runq.
TEST(RunqTest, PutOnFullPSpillsToGlobal) {
  std::unique_ptr<p> pp(new p());
  std::vector<g> gs(runqSize + 1);
  for (auto &x : gs)
    runqput(pp.get(), &x, false);
  lock(&sched.lock);
  EXPECT_EQ(sched.runqsize.load(), int32_t(runqSize / 2 + 1));
  int n = 0;
  while (sched.runq.pop())
    n++;
  EXPECT_EQ(n, int(runqSize / 2 + 1));
  sched.runqsize.store(0);
  unlock(&sched.lock);
  EXPECT_EQ(runqlen(pp->runq), runqSize / 2);
}
