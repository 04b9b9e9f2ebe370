// The pollDesc semaphore (netpoll.cpp's state machine) under concurrent
// ready / wait / timeout, without file descriptors: a waiter goroutine
// parks in netpollblock round after round while one goroutine posts I/O
// readiness (netpollunblock with ioready) and another expires and clears
// the read deadline (netpollunblock without). A lost wake-up leaves the
// waiter parked (the test times out after 20 s and fails); a double
// wake-up makes goready throw ("bad g->status in ready"); a G handed out
// by netpollunblock must be the waiter, never anyone else.
#include "sched_harness.h"
#include "lock.h"
#include "netpoll.h"
#include "proc.h"

#include <gtest/gtest.h>

#include <atomic>

namespace glrt {
struct pollDesc;
pollDesc *pollDescForTest();
bool netpollblockForTest(pollDesc *pd, int32_t mode);
g *netpollunblockForTest(pollDesc *pd, int32_t mode, bool ioready);
void netpollExpireForTest(pollDesc *pd, int32_t mode, bool expired);
int64_t netpollcheckerrForTest(pollDesc *pd, int32_t mode);
uintptr_t netpollsemForTest(pollDesc *pd, int32_t mode);
} // namespace glrt

using namespace glrt;
using glrt_test::ensureSched;
using glrt_test::go;

namespace {

TEST(NetpollTest, ReadyBeforeWaitIsConsumedWithoutParking) {
  pollDesc *pd = pollDescForTest();
  glrt_test::runInGoroutine([pd] {
    EXPECT_EQ(netpollunblockForTest(pd, 'r', true), nullptr); // pdNil -> pdReady
    EXPECT_EQ(netpollsemForTest(pd, 'r'), 1u);
    EXPECT_EQ(netpollunblockForTest(pd, 'r', true), nullptr); // stays pdReady
    EXPECT_TRUE(netpollblockForTest(pd, 'r'));                // consumes it
    EXPECT_EQ(netpollsemForTest(pd, 'r'), 0u);
    // A deadline with nobody waiting is not remembered in the semaphore...
    EXPECT_EQ(netpollunblockForTest(pd, 'r', false), nullptr);
    EXPECT_EQ(netpollsemForTest(pd, 'r'), 0u);
    // ...but in the error state: the waiter does not park.
    netpollExpireForTest(pd, 'r', true);
    EXPECT_EQ(netpollcheckerrForTest(pd, 'r'), -10002);
    EXPECT_EQ(netpollcheckerrForTest(pd, 'w'), 0);
    EXPECT_FALSE(netpollblockForTest(pd, 'r'));
    netpollExpireForTest(pd, 'r', false);
    EXPECT_EQ(netpollsemForTest(pd, 'w'), 0u);
  });
}

TEST(NetpollTest, ConcurrentReadyWaitTimeoutLosesAndDuplicatesNothing) {
  ensureSched();
  pollDesc *pd = pollDescForTest();
  constexpr int kRounds = 20000;
  static std::atomic<int> consumed, stop, handedReady, handedTimeout, timeouts;
  static std::atomic<g *> waiter;
  consumed = stop = handedReady = handedTimeout = timeouts = 0;
  waiter = nullptr;
  // Static like the rest: if the bounded wait below gives up (a failure),
  // the waiter's notewakeup must not land in this returned frame.
  static note done;
  noteclear(&done);
  go([pd] { // the waiter
    waiter.store(getg());
    for (int i = 0; i < kRounds; i++) {
      // Each round ends with one I/O notification consumed; a deadline
      // wake-up (false) makes it wait again, as pollWait's loop does.
      while (!netpollblockForTest(pd, 'r')) {
        timeouts.fetch_add(1);
        if (netpollcheckerrForTest(pd, 'r') != 0)
          Gosched(); // expired: let the timeout goroutine clear it
      }
      consumed.fetch_add(1);
    }
    stop.store(1);
    notewakeup(&done);
  });
  go([pd] { // I/O readiness: one notification per round
    for (int i = 0; i < kRounds; i++) {
      while (consumed.load() < i)
        Gosched();
      // Every other round, give the waiter time to park (its g* in the
      // word), so the hand-over path is exercised whatever the timing.
      for (int k = 0; i % 2 == 0 && k < 1000 && netpollsemForTest(pd, 'r') <= 2; k++)
        Gosched();
      g *gp = netpollunblockForTest(pd, 'r', true);
      if (gp) {
        EXPECT_EQ(gp, waiter.load());
        handedReady.fetch_add(1);
        goready(gp);
      }
    }
  });
  go([pd] { // deadlines: expire (waking the waiter with false), then clear
    while (!stop.load()) {
      netpollExpireForTest(pd, 'r', true);
      g *gp = netpollunblockForTest(pd, 'r', false);
      if (gp) {
        EXPECT_EQ(gp, waiter.load());
        handedTimeout.fetch_add(1);
        goready(gp);
      }
      netpollExpireForTest(pd, 'r', false);
      Gosched();
    }
  });
  ASSERT_TRUE(notetsleep(&done, int64_t(20) * 1000 * 1000 * 1000)) << "lost wake-up: consumed "
                                                                    << consumed.load();
  EXPECT_EQ(consumed.load(), kRounds);
  // Every G handed out was parked and returns from netpollblock exactly
  // once (true or false: a deadline's wake-up reads true when the ready
  // side posted pdReady before the G resumed, as in Go); the ready side's
  // wake-ups are rounds.
  EXPECT_LE(handedReady.load() + handedTimeout.load(), timeouts.load() + consumed.load());
  EXPECT_LE(handedReady.load(), kRounds);
  EXPECT_GT(handedReady.load() + handedTimeout.load(), 0);
  netpollExpireForTest(pd, 'r', false);
}

} // namespace
