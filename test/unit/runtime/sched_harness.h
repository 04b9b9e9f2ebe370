//===- sched_harness.h - run test bodies as goroutines ---------------------===//
//
// The one harness the runtime unit tests share. The gtest thread starts the
// scheduler once per process (glrt_schedinit) and gives up its P
// (releasem0ForTest), so the scheduler's own Ms do all the scheduling; a test
// body that parks, sends or sleeps runs as a goroutine and the gtest thread
// waits for it on a note. Functions are `inline` so every test file shares
// one "scheduler started" flag.
//===----------------------------------------------------------------------===//
#ifndef GLRT_TEST_SCHED_HARNESS_H
#define GLRT_TEST_SCHED_HARNESS_H

#include "lock.h"
#include "proc.h"

#include <cstdint>
#include <functional>

namespace glrt_test {

inline void ensureSched() {
  static bool done = false;
  if (done)
    return;
  done = true;
  glrt_schedinit(0, nullptr);
  glrt::releasem0ForTest();
}

/// Runs body() as a goroutine whose first segment is `stacksize` bytes
/// (0: the runtime's default 2 KiB) and waits for it to return.
inline void runInGoroutine(std::function<void()> body, uintptr_t stacksize = 256 << 10) {
  ensureSched();
  struct ctx {
    std::function<void()> *body;
    glrt::note done;
  } c{&body, {}};
  glrt::newproc1(
      [](void *a) {
        ctx *c = static_cast<ctx *>(a);
        (*c->body)();
        glrt::notewakeup(&c->done);
      },
      &c, stacksize);
  glrt::notesleep(&c.done);
}

/// Starts fn as a goroutine (64 KiB first segment; fn may use gtest macros)
/// without waiting for it. A goroutine's last touch of anything it
/// captured by reference must be the store the test waits for (or it must
/// take what it still needs by value): once the body returns, its frame is
/// reused, and a goroutine that reads a channel pointer from it afterwards
/// can sleep for ever in lock() holding its P, which hangs the next test's
/// stop-the-world (SelectTest.ParkingSelectsReuseSudogs did, under TSan).
inline void go(std::function<void()> fn, uintptr_t stacksize = 64 << 10) {
  auto *heap = new std::function<void()>(std::move(fn));
  glrt::newproc1(
      [](void *a) {
        auto *f = static_cast<std::function<void()> *>(a);
        (*f)();
        delete f;
      },
      heap, stacksize);
}

/// Yields until cond() holds (inside a goroutine).
template <class F> void goWaitUntil(F cond) {
  while (!cond())
    glrt_Gosched();
}

} // namespace glrt_test

#endif // GLRT_TEST_SCHED_HARNESS_H
