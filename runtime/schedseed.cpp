//===- schedseed.cpp - GODEBUG=schedseed=N: the seeded generator ----------===//
//
// The design and the list of choices are in schedseed.h. This file holds
// the generator (one per P, wyrand, advanced by the P's owner only) and
// the preemption-point decision.
//===----------------------------------------------------------------------===//
#include "schedseed.h"

#include "lock.h"

namespace glrt {

std::atomic<bool> schedseedOn{false};
std::atomic<int64_t> seedClock{0};
uint64_t schedseedValue = 0;
// Chance of a yield at an extra preemption point: 1 in preemptOneIn
// (0: never). Written once by schedseedInit.
static uint32_t preemptOneIn = 0;

void schedseedInit(uint64_t seed, int32_t oneIn) {
  schedseedValue = seed;
  if (oneIn >= 0) {
    preemptOneIn = uint32_t(oneIn);
  } else {
    // Seeds differ in how eagerly they preempt too: 1 in 2, 4, ..., 64.
    preemptOneIn = 2u << (seedmix(seed ^ 0x5eed) % 6);
  }
  seedClock.store(nanotime(), std::memory_order_relaxed);
  schedseedOn.store(true, std::memory_order_release); // after the parameters above
}

// Without a P (a thread that is not running Go code: unit tests) the
// choices come from one shared state; determinism is only promised for
// choices made while holding a P.
static uint64_t seedrandNoP = 0;

uint32_t seedrand() {
  g *gp = getg();
  uint64_t *state = &seedrandNoP;
  if (gp && gp->mp && gp->mp->pp)
    state = &gp->mp->pp->seedrand;
  uint64_t s = *state + 0xa0761d6478bd642full;
  *state = s;
  __uint128_t t = __uint128_t(s) * (s ^ 0xe7037ed1a0b428dbull);
  return uint32_t(uint64_t(t >> 64) ^ uint64_t(t));
}

void seedClockJump(int64_t when) {
  int64_t c = seedClock.load(std::memory_order_relaxed);
  while (c < when && !seedClock.compare_exchange_weak(c, when, std::memory_order_relaxed)) {
  }
}

bool seedPreemptHere() {
  if (preemptOneIn == 0)
    return false;
  return seedrand() % preemptOneIn == 0;
}

} // namespace glrt
