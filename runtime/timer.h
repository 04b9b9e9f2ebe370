//===- timer.h - runtime timers (Go's runtime/time.go) --------------------===//
// (Not "time.h": runtime/ is on the include path and would shadow <time.h>.)
//
// A timer calls f(arg, seq) on some M's g0 stack once `when` (nanotime) has
// passed, and again every `period` ns if period > 0. The timer struct is
// owned by its creator (a sleeping G keeps its timer on its own stack: stacks
// never move), the runtime only links it into a heap between addtimer and
// the moment it fires (or deltimer).
//
// f runs on the scheduler's g0 with the M holding a P and no runtime lock
// held; it must not park or block (goready and a non-blocking channel send
// are what it does).
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "gmp.h"

namespace glrt {

struct timer {
  int64_t when = 0;
  int64_t period = 0;              // > 0: fires again every period ns
  void (*f)(void *arg, uintptr_t seq) = nullptr;
  void *arg = nullptr;
  uintptr_t seq = 0;
  // Runtime-private: the heap holding it (null when not in any) and its
  // index there. Guarded by that heap's lock.
  struct timerHeap *heap = nullptr;
  int32_t index = -1;
};
// Generated code lays a time.Timer's runtime timer out as [7]uint64 (abi.def:
// timeNewTimer); f at offset 16 is what Stop/Reset test for "uninitialized".
static_assert(sizeof(timer) == 56, "abi.def: time.Timer.r is [7]uint64");
static_assert(offsetof(timer, f) == 16);

// The clock of timers and of Go code (time.Now, Since, Sleep, the timer
// functions, a Mutex's starvation threshold): nanotime(), or under
// GODEBUG=schedseed the virtual clock (schedseed.h). `when` values are on
// this clock.
int64_t timeNow();

// Puts t into the current P's heap (from a G or from g0 with a P; from a
// thread without a P, into heap 0). t must not be in a heap already.
void addtimer(timer *t);
// Removes t if it has not fired yet. Returns true if it was removed.
bool deltimer(timer *t);
// Go's modtimer for a one-shot timer: removes t if pending, sets its `when`
// and puts it back into the current P's heap. Returns whether t was
// pending. Serialised with the other stopTimer/resetTimer calls on the
// same t (they may run on several Ms at once). On g0 (takes locks).
bool resetTimer(timer *t, int64_t when);
// deltimer, serialised like resetTimer. On g0.
bool stopTimer(timer *t);

// Runs the due timers of pp's heap. Called by the scheduler on g0 with a P.
// Returns the earliest remaining `when` of that heap (0: none).
int64_t checkTimers(p *pp, int64_t now);
// Runs the due timers of every heap (on behalf of idle Ps). g0 with a P.
void checkAllTimers(int64_t now);
// Earliest `when` over all heaps (0: no timer pending).
int64_t nextTimerWhen();
// Earliest `when` in P pp's heap (0: none). One acquire load; any thread
// (sysmon reads it to preempt a P whose timers are overdue).
int64_t timerWhenOf(p *pp);
// True if some timer is pending anywhere (part of checkdead's condition:
// a program with a sleeping goroutine is not deadlocked).
bool timersPending();
// Whether any timer exists at all: one relaxed load, for the scheduler's
// hot path (a timer added concurrently is seen on a later round, or wakes
// an idle M through wakeTimerSleeper).
bool anyTimers();
// Moves every timer of the heap of P src into the heap of P dst (procresize,
// world stopped).
void moveTimers(p *dst, p *src);

// time.Sleep(ns): parks the current G for ns nanoseconds (<= 0: returns).
void timeSleep(int64_t ns);

// Hooks proc.cpp provides for timers: wake an idle M so that a timer added
// with an early `when` is noticed (Go's wakeNetPoller).
void wakeTimerSleeper(int64_t when);
// For sysmon (no G, no M): if a P is idle and no M is spinning, start a
// spinning M, which runs every due timer before it looks for work or
// sleeps (findRunnable). Returns whether it started one.
bool wakeForTimers();
// sysmon's look at the timers (sysmon.cpp): a timer due for more than a
// grace period (1 ms) with a P idle gets an M. Returns whether it asked.
bool sysmonCheckTimers(int64_t now);

} // namespace glrt

namespace glrt {
// For tests: checks every heap's 4-ary order, t->index/t->heap back links
// and timer0When. Returns the number of timers in all heaps, -1 if broken.
int64_t timerHeapsCheckForTest();
// For tests: addtimer without the wake-up (a lost wake-up on demand).
void addtimerNoWakeForTest(timer *t);
} // namespace glrt
