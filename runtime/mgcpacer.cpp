//===- mgcpacer.cpp - when to collect: GOGC, the heap goal, the trigger ---===//
//
// Go's mgcpacer.go for a stop-the-world collector. After a collection that
// marked `marked` bytes, the next one starts when the live heap reaches
//     heapGoal = max(marked * (1 + GOGC/100), heapMinimum)
// with heapMinimum = 4 MiB * GOGC/100 (Go's defaultHeapMinimum scaled the
// same way). GOGC=off (or SetGCPercent(-1)) makes the goal infinite: only
// runtime.GC collects. Go triggers somewhat before the goal because its
// marking runs concurrently with the mutator; here marking stops the
// world, so the trigger is the goal itself.
//
// heapLive (Go's) is maintained at span granularity: when an mcache takes
// a span, its free slots count as allocated; when it gives the span back,
// the unused ones are subtracted; a large object counts when allocated; a
// collection resets it to the bytes it marked. The allocation fast path
// therefore does no accounting at all.
//
// Who: gcAccountAlloc runs on the allocator's slow paths (g0 or a thread
// without a G), any number at once: heapLive is an atomic (relaxed: it is
// a statistic and a trigger, ordered by nothing). The first allocation
// that sees heapLive >= heapGoal flips gcTriggered 0 -> 1 (CAS); the slow
// path then wakes the collector goroutine (gcTriggerWake, mgc.cpp). The
// collector resets gcTriggered with the world stopped.
//===----------------------------------------------------------------------===//
#include "mgc.h"

namespace glrt {

std::atomic<int32_t> gcPercent{100};
std::atomic<uint64_t> heapLive{0};
std::atomic<uint64_t> heapGoal{uint64_t(4) << 20};
std::atomic<uint32_t> gcTriggered{0};
int64_t gcstress = 0;
bool gcpoison = false;

namespace {
constexpr uint64_t defaultHeapMinimum = uint64_t(4) << 20;
} // namespace

void gcSetGoal(uint64_t marked) {
  int32_t pct = gcPercent.load(std::memory_order_relaxed);
  if (pct < 0) {
    heapGoal.store(~uint64_t(0), std::memory_order_relaxed);
    return;
  }
  uint64_t goal = marked + marked / 100 * uint64_t(pct) + marked % 100 * uint64_t(pct) / 100;
  uint64_t minimum = defaultHeapMinimum * uint64_t(pct) / 100;
  if (goal < minimum)
    goal = minimum;
  heapGoal.store(goal, std::memory_order_relaxed);
}

void gcAccountAlloc(uint64_t n) {
  uint64_t live = heapLive.fetch_add(n, std::memory_order_relaxed) + n;
  if (live < heapGoal.load(std::memory_order_relaxed) || !gcEnabled())
    return;
  uint32_t zero = 0;
  gcTriggered.compare_exchange_strong(zero, 1, std::memory_order_relaxed);
}

} // namespace glrt
