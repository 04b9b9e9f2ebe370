// A cooperative preemption request (g.preempt, then the poison INT64_MAX in
// the M's %fs:0x70) must survive __morestack's own writes of the limit slot.
// A goroutine keeps calling split_recurse (stack_test.cpp's hand-written
// split-stack function) deep enough to cross into a second segment and
// back on every call, while this thread (not an M: sysmon's role) asks it
// to yield over and over. A request is lost if the slot's poison was
// overwritten with a real limit while the flag stays set: then no prologue
// ever enters __morestack for it again. Detected without timing: after the
// request, the goroutine completes two more whole calls (hundreds of
// prologues) and the flag is still set. Before the fix, the plain stores of
// the limit on a segment switch and on the return to the old segment
// (the whole unwinding of the deeper segment is a window) lost such
// requests within a few hundred tries.
#include "preempt.h"
#include "proc.h"

#include "sched_harness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <unistd.h>

extern "C" int64_t split_recurse(int64_t n); // stack_test.cpp

using namespace glrt;

namespace {

// The P whose M runs gp right now, or null (racy, as sysmon's own look:
// relaxed loads of p.status, p.mp and m.curg, gmp.h).
p *pOf(g *gp) {
  int32_t n = gomaxprocs.load(std::memory_order_acquire);
  p **ps = __atomic_load_n(&allp, __ATOMIC_ACQUIRE);
  for (int32_t i = 0; i < n; i++) {
    if (__atomic_load_n(&ps[i]->status, __ATOMIC_RELAXED) != _Prunning)
      continue;
    m *mp = __atomic_load_n(&ps[i]->mp, __ATOMIC_RELAXED);
    if (mp != nullptr && __atomic_load_n(&mp->curg, __ATOMIC_RELAXED) == gp)
      return ps[i];
  }
  return nullptr;
}

TEST(MorestackPreempt, RequestSurvivesSegmentSwitches) {
  glrt_test::ensureSched();
  setAsyncPreemptOff(true); // cooperative requests only: no SIGURG
  std::atomic<g *> target{nullptr};
  std::atomic<bool> stop{false}, done{false};
  std::atomic<int64_t> calls{0}, badSum{0};
  // 4 KiB first segment; 64 levels of 224 bytes = 14 KiB: every call
  // crosses into the next segment (cached after the first) and back.
  glrt_test::go(
      [&] {
        target.store(getg());
        while (!stop.load(std::memory_order_relaxed)) {
          if (split_recurse(64) != 64 * 65 / 2)
            badSum++;
          calls.fetch_add(1, std::memory_order_release);
        }
        done.store(true);
      },
      4 << 10);
  while (target.load() == nullptr)
    ::usleep(100);
  g *gp = target.load();
  constexpr int kRequests = 3000;
  int asked = 0, honoured = 0, lost = 0;
  int64_t deadline = nanotime() + int64_t(20) * 1000000000; // hang guard only
  while (asked < kRequests && lost == 0 && nanotime() < deadline) {
    p *pp = pOf(gp);
    if (pp == nullptr || !preemptone(pp))
      continue; // between runs (it just yielded): ask again
    asked++;
    int64_t c0 = calls.load(std::memory_order_acquire);
    for (;;) {
      if (!__atomic_load_n(&gp->preempt, __ATOMIC_SEQ_CST)) {
        honoured++;
        break;
      }
      // Two whole calls started after the poison was stored and still
      // nothing consumed the flag: the poison is gone.
      if (calls.load(std::memory_order_acquire) >= c0 + 2 &&
          __atomic_load_n(&gp->preempt, __ATOMIC_SEQ_CST)) {
        lost++;
        break;
      }
      if (nanotime() > deadline)
        break;
    }
  }
  stop = true;
  while (!done.load())
    ::usleep(100);
  setAsyncPreemptOff(false);
  EXPECT_EQ(lost, 0) << "after " << asked << " requests";
  EXPECT_EQ(honoured, asked);
  EXPECT_EQ(asked, kRequests);
  EXPECT_EQ(badSum.load(), 0);
}

} // namespace
