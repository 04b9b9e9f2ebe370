// select tests (runtime/select.cpp) under the real scheduler; same harness
// as chan_test.cpp: bodies run as goroutines, the gtest thread waits.
#include "chan.h"
#include "mem.h"
#include "proc.h"
#include "sched_harness.h"

#include "test_types.h"
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <vector>

using namespace glrt;
using namespace glrt_test;

namespace {

hchan *mk(int64_t elemsize, int64_t size) {
  return static_cast<hchan *>(glrt_makechan(glrt_test::chanOf(uintptr_t(elemsize)), size));
}

int64_t queueLen(hchan *c, bool send) {
  int64_t n = 0;
  lock(&c->lock);
  for (sudog *s = (send ? c->sendq : c->recvq).first.load(); s; s = s->next)
    n++;
  unlock(&c->lock);
  return n;
}

// A select as the compiler lowers it: sends first, then receives.
struct Select {
  std::vector<scase> cases;
  std::vector<uint16_t> order;
  int64_t nsends = 0;
  Select &send(hchan *c, void *elem) {
    cases.insert(cases.begin() + nsends, scase{c, elem});
    nsends++;
    return *this;
  }
  Select &recv(hchan *c, void *elem) {
    cases.push_back(scase{c, elem});
    return *this;
  }
  // Returns {chosen, recvOK}.
  std::pair<int64_t, bool> run(bool block) {
    std::vector<scase> cs = cases; // selectgo may clear elems of nil cases
    order.assign(2 * cs.size() + 1, 0xffff);
    glrt_pair r = glrt_selectgo(cs.data(), order.data(), nsends,
                                int64_t(cs.size()) - nsends, block);
    return {int64_t(intptr_t(r.p)), r.n != 0};
  }
};

} // namespace

TEST(SelectTest, DefaultWhenNothingReady) {
  runInGoroutine([] {
    hchan *a = mk(8, 0), *b = mk(8, 1);
    int64_t x = 0, y = 0;
    int64_t full = 1;
    glrt_chansend1(b, &full);
    Select s;
    s.send(b, &x).recv(a, &y);
    auto [chosen, ok] = s.run(false);
    EXPECT_EQ(chosen, -1);
    EXPECT_FALSE(ok);
    // Now make the receive ready: a value in a buffered channel.
    hchan *c = mk(8, 1);
    int64_t v = 42;
    glrt_chansend1(c, &v);
    Select t;
    t.send(b, &x).recv(c, &y);
    auto [ch2, ok2] = t.run(false);
    EXPECT_EQ(ch2, 1);
    EXPECT_TRUE(ok2);
    EXPECT_EQ(y, 42);
  });
}

TEST(SelectTest, NilCasesNeverReady) {
  runInGoroutine([] {
    int64_t x = 5, y = 0;
    Select s;
    s.send(nullptr, &x).recv(nullptr, &y);
    EXPECT_EQ(s.run(false).first, -1);
    hchan *c = mk(8, 1);
    glrt_chansend1(c, &x);
    for (int i = 0; i < 200; i++) {
      Select t;
      t.send(nullptr, &x).recv(nullptr, &y).recv(c, &y).recv(nullptr, &y);
      auto [chosen, ok] = t.run(true);
      EXPECT_EQ(chosen, 2);
      EXPECT_TRUE(ok);
      glrt_chansend1(c, &x);
    }
  });
}

TEST(SelectTest, AllNilBlocksForever) {
  runInGoroutine([] {
    std::atomic<g *> gp{nullptr};
    std::atomic<int> returned{0};
    go([&] {
      gp.store(getg());
      int64_t x;
      Select s;
      s.recv(nullptr, &x).send(nullptr, &x);
      s.run(true);
      returned.fetch_add(1);
    });
    goWaitUntil([&] { return gp.load() && readgstatus(gp.load()) == _Gwaiting; });
    for (int i = 0; i < 1000; i++)
      glrt_Gosched();
    EXPECT_EQ(returned.load(), 0);
    EXPECT_STREQ(waitReasonString(gp.load()->waitreason), "select");
  });
}

// Two always-ready receive cases: each must be chosen about half the time.
TEST(SelectTest, FairnessBetweenReadyCases) {
  runInGoroutine([] {
    hchan *a = mk(8, 1), *b = mk(8, 1);
    int64_t one = 1;
    glrt_chansend1(a, &one);
    glrt_chansend1(b, &one);
    constexpr int N = 100000;
    int64_t counts[2] = {0, 0};
    for (int i = 0; i < N; i++) {
      int64_t v;
      Select s;
      s.recv(a, &v).recv(b, &v);
      auto [chosen, ok] = s.run(true);
      ASSERT_TRUE(chosen == 0 || chosen == 1);
      ASSERT_TRUE(ok);
      counts[chosen]++;
      glrt_chansend1(chosen == 0 ? a : b, &one); // ready again
    }
    // Binomial(1e5, 0.5): sd = 158; 45%..55% is > 30 sd.
    EXPECT_GT(counts[0], N * 45 / 100);
    EXPECT_LT(counts[0], N * 55 / 100);
  });
}

// Three ready cases, one a send: uniform over all three.
TEST(SelectTest, FairnessSendAndReceive) {
  runInGoroutine([] {
    hchan *a = mk(8, 1), *b = mk(8, 1), *out = mk(8, 1);
    int64_t one = 1;
    glrt_chansend1(a, &one);
    glrt_chansend1(b, &one);
    constexpr int N = 60000;
    int64_t counts[3] = {0, 0, 0};
    for (int i = 0; i < N; i++) {
      int64_t v;
      Select s;
      s.recv(a, &v).recv(b, &v).send(out, &one); // send becomes index 0
      auto [chosen, ok] = s.run(true);
      ASSERT_TRUE(chosen >= 0 && chosen < 3);
      counts[chosen]++;
      if (chosen == 0)
        glrt_chanrecv1(out, nullptr);
      else
        glrt_chansend1(chosen == 1 ? a : b, &one);
    }
    for (int k = 0; k < 3; k++) {
      EXPECT_GT(counts[k], N * 30 / 100) << k;
      EXPECT_LT(counts[k], N * 37 / 100) << k;
    }
  });
}

// select { case c <- v: case x = <-c: } on one unbuffered channel: the
// select's own send and receive must not match each other; a peer decides.
TEST(SelectTest, SendAndReceiveOnSameChannel) {
  for (int procs : {1, 2}) {
    runInGoroutine([&] {
      glrt_GOMAXPROCS(procs);
      hchan *c = mk(8, 0);
      for (int round = 0; round < 200; round++) {
        std::atomic<int64_t> chosen{-2}, got{0};
        std::atomic<bool> done{false};
        int64_t out = 100 + round, in = 0;
        go([&] {
          Select s;
          s.send(c, &out).recv(c, &in);
          auto r = s.run(true);
          chosen.store(r.first);
          done.store(true);
        });
        goWaitUntil([&] { return queueLen(c, true) == 1 && queueLen(c, false) == 1; });
        if (round % 2 == 0) {
          int64_t v = 0;
          glrt_chanrecv1(c, &v); // takes the select's send
          got.store(v);
          goWaitUntil([&] { return done.load(); });
          EXPECT_EQ(chosen.load(), 0);
          EXPECT_EQ(got.load(), 100 + round);
        } else {
          int64_t v = -round;
          glrt_chansend1(c, &v); // satisfies the select's receive
          goWaitUntil([&] { return done.load(); });
          EXPECT_EQ(chosen.load(), 1);
          EXPECT_EQ(in, -round);
        }
        // Pass 3 removed the losing sudog.
        EXPECT_EQ(queueLen(c, true), 0);
        EXPECT_EQ(queueLen(c, false), 0);
      }
    });
  }
}

// The same channel in many cases (lock order has duplicates: each lock
// must be taken once) and many channels at once.
TEST(SelectTest, DuplicateChannelsAndManyCases) {
  runInGoroutine([] {
    glrt_GOMAXPROCS(2);
    hchan *c = mk(8, 0);
    std::vector<hchan *> many;
    for (int i = 0; i < 100; i++)
      many.push_back(mk(8, 0));
    std::atomic<int> done{0};
    std::atomic<int64_t> chosenSum{0};
    go([&] {
      int64_t v[105] = {};
      for (int round = 0; round < 100; round++) {
        Select s;
        for (int k = 0; k < 5; k++)
          s.recv(c, &v[k]);
        for (int k = 0; k < 100; k++)
          s.recv(many[k], &v[5 + k]);
        auto [chosen, ok] = s.run(true);
        EXPECT_TRUE(ok);
        chosenSum.fetch_add(chosen >= 5 ? chosen - 5 : 1000);
      }
      done.store(1);
    });
    int64_t want = 0;
    for (int round = 0; round < 100; round++) {
      int64_t x = round;
      glrt_chansend1(many[round], &x);
      want += round;
    }
    goWaitUntil([&] { return done.load() == 1; });
    EXPECT_EQ(chosenSum.load(), want);
    for (int i = 0; i < 100; i++)
      EXPECT_EQ(queueLen(many[i], false), 0);
    EXPECT_EQ(queueLen(c, false), 0);
  });
}

TEST(SelectTest, ReceiveFromClosedAndWokenByClose) {
  runInGoroutine([] {
    glrt_GOMAXPROCS(2);
    hchan *a = mk(16, 0), *b = mk(16, 0);
    char buf[16];
    memset(buf, 7, sizeof buf);
    std::atomic<int64_t> chosen{-2};
    std::atomic<int> ok{-1}, done{0};
    go([&] {
      Select s;
      s.recv(a, buf).recv(b, buf);
      auto r = s.run(true);
      chosen.store(r.first);
      ok.store(r.second);
      done.store(1);
    });
    goWaitUntil([&] { return queueLen(a, false) == 1 && queueLen(b, false) == 1; });
    glrt_closechan(b);
    goWaitUntil([&] { return done.load() == 1; });
    EXPECT_EQ(chosen.load(), 1);
    EXPECT_EQ(ok.load(), 0);
    for (char ch : buf)
      EXPECT_EQ(ch, 0);
    EXPECT_EQ(queueLen(a, false), 0);
    // Already closed: chosen at once, recvOK false.
    Select s;
    memset(buf, 7, sizeof buf);
    s.recv(b, buf);
    auto r = s.run(false);
    EXPECT_EQ(r.first, 0);
    EXPECT_FALSE(r.second);
    EXPECT_EQ(buf[0], 0);
  });
}

// Many goroutines selecting on both sides: every value arrives once.
TEST(SelectTest, StressSelectSendersAndReceivers) {
  for (int procs : {2, 4, 8}) {
    runInGoroutine([&] {
      glrt_GOMAXPROCS(procs);
      hchan *c1 = mk(8, 0), *c2 = mk(8, 2), *quit = mk(0, 0);
      constexpr int P = 4, C = 4;
      constexpr int64_t per = 5000;
      std::atomic<int64_t> sum{0}, count{0};
      std::atomic<int> prodDone{0}, consDone{0};
      for (int p = 0; p < P; p++)
        go([&, p] {
          for (int64_t i = 1; i <= per; i++) {
            int64_t v = p * per + i;
            Select s;
            s.send(c1, &v).send(c2, &v);
            s.run(true);
          }
          prodDone.fetch_add(1);
        });
      for (int k = 0; k < C; k++)
        go([&] {
          for (;;) {
            int64_t v = 0;
            Select s;
            s.recv(c1, &v).recv(c2, &v).recv(quit, nullptr);
            auto [chosen, ok] = s.run(true);
            if (chosen == 2) {
              EXPECT_FALSE(ok);
              break;
            }
            sum.fetch_add(v);
            count.fetch_add(1);
          }
          consDone.fetch_add(1);
        });
      goWaitUntil([&] { return prodDone.load() == P && count.load() == P * per; });
      glrt_closechan(quit);
      goWaitUntil([&] { return consDone.load() == C; });
      int64_t n = P * per;
      EXPECT_EQ(count.load(), n);
      EXPECT_EQ(sum.load(), n * (n + 1) / 2);
    });
  }
}

TEST(SelectDeathTest, SendOnClosedChannel) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(runInGoroutine([] {
                hchan *c = mk(8, 0), *d = mk(8, 0);
                glrt_closechan(c);
                int64_t v = 1;
                Select s;
                s.send(c, &v).recv(d, &v);
                s.run(true);
              }),
              ::testing::ExitedWithCode(2), "(^|\n)panic: send on closed channel\n");
}

// A blocking select takes its sudogs from the per-M cache: after warm-up,
// 100,000 parking selects allocate (almost) nothing.
TEST(SelectTest, ParkingSelectsReuseSudogs) {
  runInGoroutine([] {
    glrt_GOMAXPROCS(2);
    hchan *c = mk(8, 0), *d = mk(8, 0), *back = mk(8, 0);
    // The echo G takes the channels by value and says when it is gone
    // (as in ChanTest.SudogsAreCachedNotAllocatedPerOp): with [&] it read
    // `c` from this frame after the test had returned when it was between
    // two receives at the close, and under TSan a garbage pointer from the
    // reused stack sent it into lock() on a word with value 2: it slept on
    // that futex for ever holding its P, and the next test's GOMAXPROCS
    // (stop-the-world) waited for that P for ever.
    std::atomic<bool> echoDone{false};
    go([c, back, &echoDone] {
      int64_t v;
      while (glrt_chanrecv2(c, &v))
        glrt_chansend1(back, &v);
      echoDone.store(true);
    });
    auto round = [&](int64_t i) {
      int64_t v = i, w = 0;
      Select s;
      s.send(c, &v).recv(d, &w); // d never ready: 2 sudogs per park
      auto r = s.run(true);
      ASSERT_EQ(r.first, 0);
      glrt_chanrecv1(back, &w);
      ASSERT_EQ(w, i);
    };
    for (int64_t i = 0; i < 1000; i++)
      round(i);
    int64_t before = sudogsAllocated();
    for (int64_t i = 0; i < 100000; i++)
      round(i);
    EXPECT_LT(sudogsAllocated() - before, 1000);
    glrt_closechan(c);
    goWaitUntil([&] { return echoDone.load(); });
  });
}

// The lock order (second half of the caller's order array) is the non-nil
// cases sorted by channel address, duplicates adjacent; the poll order
// (first half) is a permutation of the non-nil cases.
TEST(SelectTest, LockOrderIsSortedByAddressPollOrderIsPermutation) {
  runInGoroutine([] {
    std::vector<hchan *> chans;
    for (int i = 0; i < 40; i++)
      chans.push_back(mk(8, 1));
    for (int trial = 0; trial < 200; trial++) {
      std::vector<scase> cs;
      int64_t v = 0;
      int nonnil = 0;
      for (int k = 0; k < 50; k++) {
        uint32_t r = fastrandn(45);
        hchan *c = r < 40 ? chans[r] : nullptr; // some nil, some repeated
        nonnil += c != nullptr;
        cs.push_back(scase{c, &v});
      }
      std::vector<uint16_t> order(100, 0xffff);
      glrt_pair res = glrt_selectgo(cs.data(), order.data(), 0, int64_t(cs.size()), 0);
      ASSERT_EQ(intptr_t(res.p), -1); // all empty: nothing ready
      std::vector<int> seenPoll(50, 0);
      for (int i = 0; i < nonnil; i++) {
        ASSERT_LT(order[i], 50);
        ASSERT_NE(cs[order[i]].c, nullptr);
        seenPoll[order[i]]++;
      }
      for (int k = 0; k < 50; k++)
        ASSERT_EQ(seenPoll[k], cs[k].c != nullptr ? 1 : 0);
      for (int i = 1; i < nonnil; i++)
        ASSERT_LE(uintptr_t(cs[order[50 + i - 1]].c), uintptr_t(cs[order[50 + i]].c));
    }
  });
}

// Selects naming the same channels in opposite orders, on several threads:
// locking by case order would deadlock here.
TEST(SelectTest, OppositeCaseOrdersDoNotDeadlock) {
  runInGoroutine([] {
    glrt_GOMAXPROCS(4);
    hchan *a = mk(8, 1), *b = mk(8, 1);
    constexpr int64_t per = 20000;
    std::atomic<int64_t> got{0};
    std::atomic<int> done{0};
    for (int k = 0; k < 2; k++)
      go([&, k] {
        for (int64_t i = 0; i < per; i++) {
          int64_t v = 1;
          Select s;
          if (k == 0)
            s.send(a, &v).send(b, &v);
          else
            s.send(b, &v).send(a, &v);
          s.run(true);
        }
        done.fetch_add(1);
      });
    for (int k = 0; k < 2; k++)
      go([&, k] {
        for (int64_t i = 0; i < per; i++) {
          int64_t v = 0;
          Select s;
          if (k == 0)
            s.recv(a, &v).recv(b, &v);
          else
            s.recv(b, &v).recv(a, &v);
          s.run(true);
          got.fetch_add(v);
        }
        done.fetch_add(1);
      });
    goWaitUntil([&] { return done.load() == 4; });
    EXPECT_EQ(got.load(), 2 * per);
  });
}
