//===- schedseed.h - GODEBUG=schedseed=N: seeded scheduling choices -------===//
//
// Every choice the scheduler is free to make (Go's specification leaves it
// open, and Go's runtime makes it by fastrand or by the accident of
// timing) comes from here when GODEBUG=schedseed=N is set, so that one N
// names one schedule. The choices, and where they are made:
//
//   runnext or the tail: a G made runnable by the running one (newproc1,
//     ready: goready/close/unlock wake-ups) normally goes to runnext and
//     runs next; seeded, a coin decides runnext or the tail of the ring.
//     This also permutes the wake-up order of several waiters woken at once
//     (close of a channel, WaitGroup.Wait's waiters, Mutex hand-off), which
//     Go leaves unspecified.
//   steal victim order: stealWork's random start and stride.
//   select's poll order: selectgo's shuffle (fastrandn otherwise).
//   map hash seeds and iteration starts: fastrand's per-M state, seeded
//     from N and the M's id (mcommoninit; mem.h).
//   extra preemption points: every G runs with a preemption request
//     pending (execute sets g.preempt, gogo poisons %fs:0x70: the existing
//     cooperative mechanism, preempt.cpp), so every function prologue and
//     every blocking runtime entry (preemptCheck) is a point where
//     seedPreemptHere() decides: yield (Gosched, reason "seed preempt") with
//     probability 1/2^k, else keep going with the request re-armed
//     (__morestack's resume path re-poisons while g.preempt is set).
//     k is drawn from the seed (1..6), so seeds also differ in how often
//     they preempt; GODEBUG=schedpreempt=K sets the chance to 1/K (0: no
//     extra points).
//   the order of simultaneous timers: the timers due at one check fire in
//     a seeded order (time.cpp's runHeapSeeded), not by `when`.
//   the wake-up order of a channel's parked waiters: of several Gs parked
//     sending on (or receiving from) a channel, the one a receive (send,
//     select case) pairs with is a seeded pick, not the longest waiting
//     (chan.cpp's waitq::dequeue; close wakes them all, in seeded order).
//   the wake-up order of a semaphore's waiters: a Mutex Unlock in normal
//     mode, WaitGroup's and Once's releases wake a seeded pick among the
//     waiters (sema.cpp); a starving Mutex's hand-off stays FIFO, which is
//     Go's fairness guarantee.
// Time-driven choices are switched off instead, because no seed can
// replay them: sysmon's 10 ms preemption and its SIGURGs (retake), so a
// loop without calls is never preempted under schedseed, and sysmon's
// overdue-timer wake-ups.
//
// Virtual time: under schedseed the clock that Go code and timers see
// (time.Now, time.Since, time.Sleep, time.After/Tick/Timer, a Mutex's
// starvation threshold: timeNow() in timer.h) is not the machine's but
// seedClock, as on the Go playground: it starts at nanotime() when the
// seed is set, advances by seedClockQuantum each time a G is scheduled
// (execute) and by 1 ns each time it is read (so a loop polling
// time.Since always gets somewhere), and, when every P is idle and a
// timer is pending, jumps to that timer's `when` plus a seeded slack of
// under 50 us (findRunnable) instead of sleeping: the timers due within
// the slack are "simultaneous" and fire in a seeded order, as timers that
// a real M finds due together after its sleep. A program that sleeps therefore runs without waiting, and at
// GOMAXPROCS=1 its timers fire at the same points of the schedule every
// time: replay covers timers too. Not virtual: the trace's timestamps,
// sysmon, and anything read from the OS (files, wall-clock dates). A G
// blocked in a system call does not stop a jump (its P is idle).
//
// Determinism: each P has its own generator (p.seedrand, seeded from N and
// the P's id when the P is created), advanced only by the M that holds the
// P. At GOMAXPROCS=1 one M runs all Go code, so the same N gives the same
// sequence of choices, the same schedule, the same trace event sequence and
// the same output. At GOMAXPROCS>1 the choices are still seeded, but
// thread timing interleaves them: exploration, not replay.
//
// Off (the default): each hook is one load of schedseedOn and a not-taken
// branch.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstdint>

#include "gmp.h"

namespace glrt {

// Set by schedinit before any other thread exists (and by unit tests while
// Ms run, hence atomic): a release store after schedseedValue and the
// generators' parameters, an acquire load per hook (a plain load on
// x86-64, so "off" stays one load and a not-taken branch).
extern std::atomic<bool> schedseedOn;
extern uint64_t schedseedValue;
inline bool schedseedEnabled() {
  return __builtin_expect(schedseedOn.load(std::memory_order_acquire), 0);
}

// splitmix64: seeds generators from (seed, stream).
inline uint64_t seedmix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The seeded generator of the caller's P (wyrand step). Owner M only.
uint32_t seedrand();
inline uint32_t seedrandn(uint32_t n) { return uint32_t((uint64_t(seedrand()) * n) >> 32); }

// The choices (see the header). Call only when schedseedEnabled().
inline bool seedRunnext() { return (seedrand() & 1) != 0; }
bool seedPreemptHere();

// The virtual clock (see the header). Any thread; relaxed atomics (at
// GOMAXPROCS=1 one M does every update, so the values are replayable).
extern std::atomic<int64_t> seedClock;
constexpr int64_t seedClockQuantum = 1000; // ns per scheduled G
constexpr uint32_t seedTimerSlack = 50000;  // ns: a jump overshoots by [0, this)
inline int64_t seedClockRead() { return seedClock.fetch_add(1, std::memory_order_relaxed) + 1; }
inline void seedClockTick() { seedClock.fetch_add(seedClockQuantum, std::memory_order_relaxed); }
// Moves the clock forward to `when` (never back).
void seedClockJump(int64_t when);

// schedinit: parses the value and the optional schedpreempt=K.
void schedseedInit(uint64_t seed, int32_t preemptOneIn);
// The initial state of P id's generator (procresize, when it creates a P).
inline uint64_t seedrandInit(int32_t id) { return seedmix(schedseedValue ^ seedmix(uint64_t(id) + 1)); }

} // namespace glrt
