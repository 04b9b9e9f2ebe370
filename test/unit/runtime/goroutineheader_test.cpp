//===- goroutineheader_test.cpp - goroutine headers and g.waitsince --------===//
//
// Go's goroutineheader prints ", N minutes" after the wait reason of a G
// blocked for a minute or more (proc.cpp: goroutineheader, park_m sets
// g.waitsince). The minutes are checked on a hand-made G whose waitsince
// is set back in time (no test waits a minute); the real park path is
// checked for setting waitsince when a goroutine parks.
//===----------------------------------------------------------------------===//
#include "gmp.h"
#include "lock.h"
#include "print.h"
#include "proc.h"
#include "sched_harness.h"

#include <gtest/gtest.h>
#include <string>

using namespace glrt;

namespace {

std::string hdrout;
void hdrsink(const char *p, size_t n) { hdrout.append(p, n); }

std::string header(g *gp) {
  hdrout.clear();
  setprintsink(hdrsink);
  goroutineheader(gp);
  printflush();
  setprintsink(nullptr);
  return hdrout;
}

constexpr int64_t kMinute = 60000000000LL;

TEST(GoroutineHeaderTest, WaitDurationInWholeMinutesFromOneMinute) {
  g gp{};
  gp.goid = 5;
  gp.atomicstatus.store(_Gwaiting);
  gp.waitreason = waitReasonChanReceive;
  EXPECT_EQ(header(&gp), "goroutine 5 [chan receive]:\n"); // waitsince 0: unknown
  gp.waitsince = nanotime() - kMinute / 2;
  EXPECT_EQ(header(&gp), "goroutine 5 [chan receive]:\n");
  gp.waitsince = nanotime() - kMinute - kMinute / 10;
  EXPECT_EQ(header(&gp), "goroutine 5 [chan receive, 1 minutes]:\n"); // Go's plural
  gp.waitsince = nanotime() - 2 * kMinute - kMinute / 2;
  EXPECT_EQ(header(&gp), "goroutine 5 [chan receive, 2 minutes]:\n");
  gp.waitreason = waitReasonSleep;
  gp.waitsince = nanotime() - 125 * kMinute;
  EXPECT_EQ(header(&gp), "goroutine 5 [sleep, 125 minutes]:\n");
  // Only a blocked G shows it (Go: _Gwaiting or _Gsyscall).
  gp.atomicstatus.store(_Grunnable);
  EXPECT_EQ(header(&gp), "goroutine 5 [runnable]:\n");
  gp.atomicstatus.store(_Grunning);
  EXPECT_EQ(header(&gp), "goroutine 5 [running]:\n");
  // A waiting G without a reason: Go's status string.
  gp.atomicstatus.store(_Gwaiting);
  gp.waitreason = waitReasonZero;
  gp.waitsince = 0;
  EXPECT_EQ(header(&gp), "goroutine 5 [waiting]:\n");
}

TEST(GoroutineHeaderTest, ParkSetsWaitsince) {
  int64_t before = 0, seen = 0, after = 0;
  glrt_test::runInGoroutine([&] {
    before = nanotime();
    // unlockf runs on g0 after the G became _Gwaiting: read what park_m
    // stored, then resume at once (false).
    gopark(
        [](g *gp, void *p) {
          *static_cast<int64_t *>(p) = gp->waitsince;
          return false;
        },
        &seen, waitReasonTest);
    after = nanotime();
  });
  // The coarse clock lags the fine one by at most a tick (<= 10 ms).
  EXPECT_GE(seen, before - 10000000);
  EXPECT_LE(seen, after);
}

} // namespace
