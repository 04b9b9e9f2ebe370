// Channel tests under real concurrency. As in sched_test.cpp, the gtest
// thread initialises the scheduler and gives up its P; every test body that
// touches channels runs as a goroutine (runInGoroutine) and the gtest
// thread waits for it on a note. Blocked senders that panic are observed
// through chanpanicHookForTest (the hook records the message and parks the
// G forever) or, for the real output, with death tests.
#include "chan.h"
#include "proc.h"
#include "sched_harness.h"
#include "stack.h"

#include "test_types.h"
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <memory>
#include <vector>

using namespace glrt;
using namespace glrt_test;

namespace {

int64_t queueLen(hchan *c, bool send) {
  int64_t n = 0;
  lock(&c->lock);
  for (sudog *s = (send ? c->sendq : c->recvq).first.load(); s; s = s->next)
    n++;
  unlock(&c->lock);
  return n;
}

hchan *mk(int64_t elemsize, int64_t size) {
  return static_cast<hchan *>(glrt_makechan(glrt_test::chanOf(uintptr_t(elemsize)), size));
}

// chanpanic hook: count the panic and park this G forever.
std::atomic<int> hookPanics{0};
std::atomic<int> hookBadMsg{0};
void parkingHook(const char *msg) {
  if (strcmp(msg, "send on closed channel") != 0)
    hookBadMsg.fetch_add(1);
  hookPanics.fetch_add(1);
  gopark(nullptr, nullptr, waitReasonTest);
}

struct HookScope {
  HookScope() {
    hookPanics.store(0);
    hookBadMsg.store(0);
    chanpanicHookForTest = parkingHook;
  }
  ~HookScope() { chanpanicHookForTest = nullptr; }
};

} // namespace

TEST(ChanTest, LenCapAndNil) {
  runInGoroutine([] {
    hchan *c = mk(8, 3);
    EXPECT_EQ(glrt_chancap(c), 3);
    EXPECT_EQ(glrt_chanlen(c), 0);
    int64_t v = 7;
    glrt_chansend1(c, &v);
    glrt_chansend1(c, &v);
    EXPECT_EQ(glrt_chanlen(c), 2);
    glrt_chanrecv1(c, nullptr); // discard
    EXPECT_EQ(glrt_chanlen(c), 1);
    EXPECT_EQ(glrt_chanlen(nullptr), 0);
    EXPECT_EQ(glrt_chancap(nullptr), 0);
    EXPECT_EQ(glrt_chancap(mk(8, 0)), 0);
  });
}

TEST(ChanTest, BufferedFIFOAndNonBlocking) {
  runInGoroutine([] {
    struct big {
      int64_t a, b, c;
    };
    hchan *c = mk(sizeof(big), 4);
    for (int64_t round = 0; round < 3; round++) { // wraps the ring
      for (int64_t i = 0; i < 4; i++) {
        big v{round, i, -i};
        EXPECT_TRUE(glrt_selectnbsend(c, &v));
      }
      big extra{9, 9, 9};
      EXPECT_FALSE(glrt_selectnbsend(c, &extra)) << "full channel accepted a value";
      for (int64_t i = 0; i < 4; i++) {
        big v{};
        glrt_pair r = glrt_selectnbrecv(&v, c);
        EXPECT_EQ(r.p, (void *)1);
        EXPECT_EQ(r.n, 1);
        EXPECT_EQ(v.a, round);
        EXPECT_EQ(v.b, i);
        EXPECT_EQ(v.c, -i);
      }
      big v{1, 1, 1};
      glrt_pair r = glrt_selectnbrecv(&v, c);
      EXPECT_EQ(r.p, nullptr) << "empty channel delivered a value";
      EXPECT_EQ(v.a, 1) << "failed receive wrote the slot";
    }
    // Unbuffered with nobody waiting: neither side is ready.
    hchan *u = mk(8, 0);
    int64_t x = 1;
    EXPECT_FALSE(glrt_selectnbsend(u, &x));
    EXPECT_EQ(glrt_selectnbrecv(&x, u).p, nullptr);
  });
}

TEST(ChanTest, ZeroSizeElements) {
  runInGoroutine([] {
    hchan *c = mk(0, 3);
    for (int i = 0; i < 3; i++)
      glrt_chansend1(c, nullptr);
    EXPECT_FALSE(glrt_selectnbsend(c, nullptr));
    EXPECT_EQ(glrt_chanlen(c), 3);
    for (int i = 0; i < 3; i++)
      EXPECT_TRUE(glrt_chanrecv2(c, nullptr));
    EXPECT_EQ(glrt_chanlen(c), 0);
    // Unbuffered struct{} hand-off between goroutines.
    hchan *u = mk(0, 0);
    std::atomic<int> got{0};
    for (int i = 0; i < 10; i++)
      go([&] {
        glrt_chanrecv1(u, nullptr);
        got.fetch_add(1);
      });
    for (int i = 0; i < 10; i++)
      glrt_chansend1(u, nullptr);
    goWaitUntil([&] { return got.load() == 10; });
  });
}

// N producers x M consumers. Each value is (producer << 32 | seq). Checks:
// every value received exactly once, and each consumer sees each
// producer's values in increasing seq order (FIFO per producer).
namespace {
void producersConsumers(int procs, int64_t capacity, int nprod, int ncons, int64_t per) {
  std::unique_ptr<std::atomic<uint8_t>[]> seen(new std::atomic<uint8_t>[nprod * per]);
  for (int64_t i = 0; i < nprod * per; i++)
    seen[i].store(0);
  std::atomic<int64_t> received{0}, sum{0}, orderViolations{0}, bad{0};
  runInGoroutine([&] {
    glrt_GOMAXPROCS(procs);
    hchan *c = mk(8, capacity);
    std::atomic<int> prodLeft{nprod}, consDone{0};
    for (int p = 0; p < nprod; p++)
      go([&, p] {
        for (int64_t s = 0; s < per; s++) {
          uint64_t v = uint64_t(p) << 32 | uint64_t(s);
          glrt_chansend1(c, &v);
        }
        if (prodLeft.fetch_sub(1) == 1)
          glrt_closechan(c);
      });
    for (int k = 0; k < ncons; k++)
      go([&] {
        std::vector<int64_t> last(nprod, -1);
        uint64_t v;
        while (glrt_chanrecv2(c, &v)) {
          int64_t p = int64_t(v >> 32), s = int64_t(v & 0xffffffff);
          if (p >= nprod || s >= per) {
            bad.fetch_add(1);
            continue;
          }
          if (s <= last[p])
            orderViolations.fetch_add(1);
          last[p] = s;
          seen[p * per + s].fetch_add(1);
          received.fetch_add(1);
          sum.fetch_add(int64_t(v));
        }
        if (v != 0)
          bad.fetch_add(1); // closed receive must zero the slot
        consDone.fetch_add(1);
      });
    goWaitUntil([&] { return consDone.load() == ncons; });
  });
  int64_t want = 0;
  for (int p = 0; p < nprod; p++)
    for (int64_t s = 0; s < per; s++)
      want += int64_t(uint64_t(p) << 32 | uint64_t(s));
  EXPECT_EQ(received.load(), nprod * per);
  EXPECT_EQ(sum.load(), want);
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(orderViolations.load(), 0);
  int64_t dup = 0;
  for (int64_t i = 0; i < nprod * per; i++)
    dup += seen[i].load() != 1;
  EXPECT_EQ(dup, 0) << "values lost or duplicated";
}
} // namespace

class ChanStress : public ::testing::TestWithParam<std::tuple<int, int64_t>> {};

TEST_P(ChanStress, ProducersConsumers) {
  auto [procs, capacity] = GetParam();
  producersConsumers(procs, capacity, 4, 3, 20000);
}

INSTANTIATE_TEST_SUITE_P(Procs, ChanStress,
                         ::testing::Combine(::testing::Values(1, 2, 4, 8),
                                            ::testing::Values(int64_t(0), int64_t(1),
                                                              int64_t(64))));

TEST(ChanTest, CloseWakesBlockedReceiversWithZero) {
  for (int64_t capacity : {0, 4}) {
    runInGoroutine([&] {
      glrt_GOMAXPROCS(2);
      hchan *c = mk(16, capacity);
      constexpr int N = 200;
      std::atomic<int> done{0}, okTrue{0}, nonzero{0};
      for (int i = 0; i < N; i++)
        go([&] {
          char buf[16];
          memset(buf, 0xab, sizeof buf);
          bool ok = glrt_chanrecv2(c, buf);
          okTrue.fetch_add(ok);
          for (char ch : buf)
            if (ch != 0) {
              nonzero.fetch_add(1);
              break;
            }
          done.fetch_add(1);
        });
      goWaitUntil([&] { return queueLen(c, false) == N; });
      glrt_closechan(c);
      goWaitUntil([&] { return done.load() == N; });
      EXPECT_EQ(okTrue.load(), 0);
      EXPECT_EQ(nonzero.load(), 0);
      // Receives after close: immediately zero, ok=false; non-blocking too.
      char buf[16];
      memset(buf, 1, sizeof buf);
      EXPECT_FALSE(glrt_chanrecv2(c, buf));
      EXPECT_EQ(buf[0], 0);
      glrt_pair r = glrt_selectnbrecv(buf, c);
      EXPECT_EQ(r.p, (void *)1);
      EXPECT_EQ(r.n, 0);
    });
  }
}

TEST(ChanTest, CloseDrainsBufferFirst) {
  runInGoroutine([] {
    hchan *c = mk(8, 5);
    for (int64_t i = 1; i <= 3; i++)
      glrt_chansend1(c, &i);
    glrt_closechan(c);
    EXPECT_EQ(glrt_chanlen(c), 3);
    for (int64_t i = 1; i <= 3; i++) {
      int64_t v = 0;
      EXPECT_TRUE(glrt_chanrecv2(c, &v));
      EXPECT_EQ(v, i);
    }
    int64_t v = 5;
    EXPECT_FALSE(glrt_chanrecv2(c, &v));
    EXPECT_EQ(v, 0);
  });
}

TEST(ChanTest, CloseWakesBlockedSendersWhichPanic) {
  HookScope hook;
  runInGoroutine([] {
    glrt_GOMAXPROCS(4);
    hchan *c = mk(8, 0);
    constexpr int N = 100;
    std::atomic<int> returned{0};
    for (int i = 0; i < N; i++)
      go([&] {
        int64_t v = 1;
        glrt_chansend1(c, &v);
        returned.fetch_add(1); // must never happen
      });
    goWaitUntil([&] { return queueLen(c, true) == N; });
    glrt_closechan(c);
    goWaitUntil([&] { return hookPanics.load() == N; });
    EXPECT_EQ(returned.load(), 0);
    EXPECT_EQ(hookBadMsg.load(), 0);
  });
}

// Close racing with live senders and receivers: every send that returned
// was received exactly once; senders that did not return panicked.
TEST(ChanTest, CloseRacesWithSendersAndReceivers) {
  HookScope hook;
  for (int procs : {2, 4, 8})
    for (int64_t capacity : {0, 3}) {
      runInGoroutine([&] {
        glrt_GOMAXPROCS(procs);
        for (int iter = 0; iter < 20; iter++) {
          hookPanics.store(0);
          hchan *c = mk(8, capacity);
          constexpr int S = 4, R = 3;
          std::atomic<int64_t> sent{0}, sentSum{0}, recvd{0}, recvSum{0};
          std::atomic<int> recvDone{0};
          for (int s = 0; s < S; s++)
            go([&, s] {
              for (int64_t i = 1;; i++) {
                int64_t v = s * 1000000 + i;
                glrt_chansend1(c, &v); // panics (hook parks) once closed
                sent.fetch_add(1);
                sentSum.fetch_add(v);
              }
            });
          for (int r = 0; r < R; r++)
            go([&] {
              int64_t v;
              while (glrt_chanrecv2(c, &v)) {
                recvd.fetch_add(1);
                recvSum.fetch_add(v);
              }
              recvDone.fetch_add(1);
            });
          goWaitUntil([&] { return recvd.load() > 100 * (iter % 5); });
          glrt_closechan(c);
          goWaitUntil([&] { return recvDone.load() == R && hookPanics.load() == S; });
          EXPECT_EQ(recvd.load(), sent.load());
          EXPECT_EQ(recvSum.load(), sentSum.load());
        }
      });
    }
}

TEST(ChanTest, NilChannelNonBlockingNeverReady) {
  runInGoroutine([] {
    int64_t v = 3;
    EXPECT_FALSE(glrt_selectnbsend(nullptr, &v));
    glrt_pair r = glrt_selectnbrecv(&v, nullptr);
    EXPECT_EQ(r.p, nullptr);
    EXPECT_EQ(v, 3);
  });
}

// Blocking operations on nil channels park for ever with Go's reasons.
TEST(ChanTest, NilChannelBlocksForever) {
  runInGoroutine([] {
    std::atomic<g *> gs[3] = {nullptr, nullptr, nullptr};
    std::atomic<int> returned{0};
    go([&] {
      gs[0].store(getg());
      int64_t v = 1;
      glrt_chansend1(nullptr, &v);
      returned.fetch_add(1);
    });
    go([&] {
      gs[1].store(getg());
      glrt_chanrecv1(nullptr, nullptr);
      returned.fetch_add(1);
    });
    go([&] {
      gs[2].store(getg());
      glrt_block();
    });
    auto parked = [&](int i) {
      g *gp = gs[i].load();
      return gp != nullptr && readgstatus(gp) == _Gwaiting;
    };
    goWaitUntil([&] { return parked(0) && parked(1) && parked(2); });
    for (int i = 0; i < 1000; i++)
      glrt_Gosched();
    EXPECT_EQ(returned.load(), 0);
    EXPECT_STREQ(waitReasonString(gs[0].load()->waitreason), "chan send (nil chan)");
    EXPECT_STREQ(waitReasonString(gs[1].load()->waitreason), "chan receive (nil chan)");
    EXPECT_STREQ(waitReasonString(gs[2].load()->waitreason), "select (no cases)");
  });
}

TEST(ChanTest, BlockedGoroutinesShowWaitReason) {
  runInGoroutine([] {
    hchan *c = mk(8, 0), *d = mk(8, 0);
    std::atomic<g *> r{nullptr}, s{nullptr};
    go([&] {
      r.store(getg());
      glrt_chanrecv1(c, nullptr);
    });
    go([&] {
      s.store(getg());
      int64_t v = 4;
      glrt_chansend1(d, &v);
    });
    goWaitUntil([&] { return queueLen(c, false) == 1 && queueLen(d, true) == 1; });
    EXPECT_STREQ(waitReasonString(r.load()->waitreason), "chan receive");
    EXPECT_STREQ(waitReasonString(s.load()->waitreason), "chan send");
    int64_t v = 9;
    glrt_chansend1(c, &v);
    glrt_chanrecv1(d, &v);
    EXPECT_EQ(v, 4);
  });
}

// 100,000 goroutines (default 2 KiB stacks) parked on one channel, then
// released: half by values, half by close.
TEST(ChanTest, HundredThousandParkedThenReleased) {
  constexpr int N = 100000;
  runInGoroutine([] {
    glrt_GOMAXPROCS(4);
    static hchan *c;
    static std::atomic<int64_t> sum, okCount, done;
    c = mk(8, 0);
    sum = 0;
    okCount = 0;
    done = 0;
    for (int i = 0; i < N; i++)
      newproc1(
          [](void *) {
            int64_t v;
            if (glrt_chanrecv2(c, &v)) {
              sum.fetch_add(v, std::memory_order_relaxed);
              okCount.fetch_add(1, std::memory_order_relaxed);
            }
            done.fetch_add(1, std::memory_order_release); // orders the read of c before its reuse
          },
          nullptr, 0);
    goWaitUntil([&] { return c->recvq.first.load() != nullptr && queueLen(c, false) == N; });
    int64_t want = 0;
    for (int64_t i = 1; i <= N / 2; i++) {
      glrt_chansend1(c, &i);
      want += i;
    }
    glrt_closechan(c);
    goWaitUntil([&] { return done.load() == N; });
    EXPECT_EQ(okCount.load(), N / 2);
    EXPECT_EQ(sum.load(), want);
  });
}

TEST(ChanTest, SudogsAreCachedNotAllocatedPerOp) {
  runInGoroutine([] {
    glrt_GOMAXPROCS(2);
    hchan *c = mk(8, 0), *back = mk(8, 0);
    // The echo G takes the channels by value and says when it is gone: with
    // [&] it read `c` through this frame after the test had returned (a G
    // between two receives when c was closed), and a leftover G blocked on
    // a garbage channel lock hung a later stop-the-world (seen under TSan).
    std::atomic<bool> echoDone{false};
    go([c, back, &echoDone] {
      int64_t v;
      while (glrt_chanrecv2(c, &v))
        glrt_chansend1(back, &v);
      echoDone.store(true);
    });
    for (int64_t i = 0; i < 1000; i++) { // warm the caches
      glrt_chansend1(c, &i);
      glrt_chanrecv1(back, nullptr);
    }
    int64_t before = sudogsAllocated();
    for (int64_t i = 0; i < 100000; i++) {
      glrt_chansend1(c, &i);
      int64_t v = -1;
      glrt_chanrecv1(back, &v);
      if (v != i) {
        ADD_FAILURE() << "received " << v << ", want " << i;
        break;
      }
    }
    // A few may be allocated when Gs migrate between Ms; never one per op.
    EXPECT_LT(sudogsAllocated() - before, 1000);
    glrt_closechan(c);
    goWaitUntil([&] { return echoDone.load(); });
  });
}

// ---- the real panic output (death tests re-run the test in a child) ----

TEST(ChanDeathTest, SendOnClosedChannel) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                hchan *c = mk(8, 1);
                glrt_closechan(c);
                int64_t v = 1;
                glrt_chansend1(c, &v);
              }),
              ::testing::ExitedWithCode(2), "(^|\n)panic: send on closed channel\n\ngoroutine [0-9]+ \\[running\\]:");
}

TEST(ChanDeathTest, BlockedSenderPanicsWhenClosed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                hchan *c = mk(8, 0);
                go([c] {
                  int64_t v = 1;
                  glrt_chansend1(c, &v);
                });
                goWaitUntil([&] { return queueLen(c, true) == 1; });
                glrt_closechan(c);
                for (;;)
                  glrt_Gosched();
              }),
              ::testing::ExitedWithCode(2), "(^|\n)panic: send on closed channel\n");
}

TEST(ChanDeathTest, CloseOfClosedChannel) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                hchan *c = mk(8, 0);
                glrt_closechan(c);
                glrt_closechan(c);
              }),
              ::testing::ExitedWithCode(2), "(^|\n)panic: close of closed channel\n");
}

TEST(ChanDeathTest, CloseOfNilChannel) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] { glrt_closechan(nullptr); }), ::testing::ExitedWithCode(2),
              "(^|\n)panic: close of nil channel\n");
}

TEST(ChanDeathTest, MakechanSizeOutOfRange) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] { glrt_makechan(glrt_test::chanArg<8>(), -1); }), ::testing::ExitedWithCode(2),
              "(^|\n)panic: makechan: size out of range\n");
  EXPECT_EXIT(runInGoroutine([] { glrt_makechan(glrt_test::chanArg<8>(), int64_t(1) << 46); }),
              ::testing::ExitedWithCode(2), "(^|\n)panic: makechan: size out of range\n");
}

// ---- stack use: the rule of stack.h for entry points called from
// generated code (at most StackNosplitBudget = 256 bytes of the goroutine's
// stack; the rest runs on g0). Measured by painting the unused part of the
// G's segment, as stack_test.cpp does, on every path: fast paths, buffer,
// hand-off to a parked peer (goready), parking (gopark/mcall), close
// waking a waiter, a select that parks.
namespace {
constexpr unsigned char kPaint = 0x5A;
constexpr uintptr_t kBudget = 256; // stack.h StackNosplitBudget

__attribute__((noinline)) uintptr_t gStackUsedBy(void (*fn)()) {
  uintptr_t sp;
  asm volatile("movq %%rsp, %0" : "=r"(sp));
  uintptr_t lo = getg()->stackseg->lo;
  for (uintptr_t p = lo; p < sp; p++)
    *reinterpret_cast<volatile unsigned char *>(p) = kPaint;
  fn();
  uintptr_t p = lo;
  while (p < sp && *reinterpret_cast<volatile unsigned char *>(p) == kPaint)
    p++;
  return sp - p;
}

hchan *sbuf, *sunbuf, *sother;
std::atomic<int> peerState{0};
int64_t sval;

void pMakechan() { sbuf = static_cast<hchan *>(glrt_makechan(glrt_test::chanArg<8>(), 4)); }
void pSendBuffered() { glrt_chansend1(sbuf, &sval); }
void pRecvBuffered() { glrt_chanrecv1(sbuf, &sval); }
void pSendParks() { glrt_chansend1(sunbuf, &sval); }   // peer receives later
void pRecvParks() { glrt_chanrecv2(sunbuf, &sval); }   // peer sends later
void pSendToParked() { glrt_chansend1(sunbuf, &sval); } // peer already parked
void pNonBlocking() {
  glrt_selectnbsend(sunbuf, &sval);
  glrt_selectnbrecv(&sval, sunbuf);
  sval += glrt_chanlen(sbuf) + glrt_chancap(sbuf);
}
void pSelectParks() {
  scase cases[2] = {{sunbuf, &sval}, {sother, &sval}};
  uint16_t order[4];
  glrt_selectgo(cases, order, 0, 2, 1);
}
void pCloseWakes() { glrt_closechan(sunbuf); } // a receiver is parked
} // namespace

TEST(ChanTest, EntryPointsFitTheNosplitBudget) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  GTEST_SKIP() << "ASan frames are several times larger; the budget applies to the real build";
#endif
#endif
  struct probe {
    const char *name;
    void (*fn)();
    int peer; // 0 none; 1 receive once parked sender; 2 send once parked receiver;
              // 3 park a receiver first
    uintptr_t used;
  } probes[] = {{"glrt_makechan", pMakechan, 0, 0},
                {"glrt_chansend1 (buffer)", pSendBuffered, 0, 0},
                {"glrt_chanrecv1 (buffer)", pRecvBuffered, 0, 0},
                {"glrt_chansend1 (parks)", pSendParks, 1, 0},
                {"glrt_chanrecv2 (parks)", pRecvParks, 2, 0},
                {"glrt_chansend1 (to parked receiver)", pSendToParked, 3, 0},
                {"glrt_selectnb*/len/cap", pNonBlocking, 0, 0},
                {"glrt_selectgo (parks)", pSelectParks, 2, 0},
                {"glrt_closechan (wakes a receiver)", pCloseWakes, 3, 0}};
  runInGoroutine([&] {
    glrt_GOMAXPROCS(2);
    sunbuf = mk(8, 0);
    sother = mk(8, 0);
    for (auto &p : probes) {
      std::atomic<int> peerDone{0};
      if (p.peer == 3) {
        go([&] {
          int64_t v;
          glrt_chanrecv2(sunbuf, &v);
          peerDone.store(1);
        });
        goWaitUntil([&] { return queueLen(sunbuf, false) == 1; });
      } else if (p.peer != 0) {
        go([&, kind = p.peer] {
          goWaitUntil([&] { return queueLen(sunbuf, kind == 1) == 1; });
          int64_t v = 1;
          if (kind == 1)
            glrt_chanrecv1(sunbuf, &v);
          else
            glrt_chansend1(sunbuf, &v);
          peerDone.store(1);
        });
      } else {
        peerDone.store(1);
      }
      // The probe runs on its own G with a fresh 64 KiB segment.
      struct ctx {
        probe *p;
        note done;
      } c{&p, {}};
      newproc1(
          [](void *a) {
            ctx *c = static_cast<ctx *>(a);
            c->p->used = gStackUsedBy(c->p->fn);
            notewakeup(&c->done);
          },
          &c, 64 << 10);
      goWaitUntil([&] { return c.done.key.load() != 0 && peerDone.load() == 1; });
    }
  });
  for (auto &p : probes) {
    EXPECT_GT(p.used, 0u) << p.name << ": the probe saw nothing";
    EXPECT_LE(p.used, kBudget) << p.name << " uses " << p.used << " bytes of the goroutine stack";
  }
}
