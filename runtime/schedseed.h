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
//   select's poll order: selectgo's shuffle (cheaprandn otherwise).
//   map iteration start: cheaprand's per-thread seed (alg/map).
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
// Time-driven choices are switched off instead, because no seed can
// replay them: sysmon's 10 ms preemption and its SIGURGs (retake), so a
// loop without calls is never preempted under schedseed. Timers still fire
// by the clock: a program that sleeps is not replayable (tests use none).
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

// schedinit: parses the value and the optional schedpreempt=K.
void schedseedInit(uint64_t seed, int32_t preemptOneIn);
// The initial state of P id's generator (procresize, when it creates a P).
inline uint64_t seedrandInit(int32_t id) { return seedmix(schedseedValue ^ seedmix(uint64_t(id) + 1)); }

} // namespace glrt
