//===- mgcpacer.cpp - when to collect: GOGC, the heap goal, the trigger ---===//
//
// Go's mgcpacer.go, simplified. After a collection that marked `marked`
// bytes (allocated-black objects included), the heap goal is
//     heapGoal = max(marked * (1 + GOGC/100), heapMinimum)
// with heapMinimum = 4 MiB * GOGC/100 (Go's defaultHeapMinimum scaled the
// same way). GOGC=off (or SetGCPercent(-1)) makes the goal infinite: only
// runtime.GC collects. The concurrent collector starts its cycle at
//     heapTrigger = marked + (heapGoal - marked) * triggerRatio
// so the mark usually ends before the heap reaches the goal; triggerRatio
// (0.7 at start, within [0.4, 0.9]) moves down after a cycle whose mark
// ended past the goal and up after one that ended far short of it
// (gcPaceCycle). While marking, every allocation slow path (about once per
// span the mcache takes) assists: it scans assistRatio bytes per byte
// allocated, where assistRatio = (bytes marked last cycle) / (goal - heap
// at the start of the mark), and four times that plus 4 once the heap is
// past the goal, so a mutator that outruns the background workers pays
// for the marking itself. With GODEBUG=gcstoptheworld=1 marking stops the
// world and the trigger is the goal itself.
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
std::atomic<uint64_t> heapTrigger{uint64_t(4) << 20};
std::atomic<double> assistRatio{0};
bool gcconcurrent = true;
std::atomic<uint32_t> gcTriggered{0};
int64_t gcstress = 0;
bool gcpoison = false;
bool gccheckmark = false;

namespace {
constexpr uint64_t defaultHeapMinimum = uint64_t(4) << 20;
// The fraction of the runway (goal - marked) the heap may grow before the
// next concurrent cycle starts (Go's triggerRatio; written at mark
// termination only, world stopped).
double triggerRatio = 0.7;
uint64_t lastMarked = 0;
} // namespace

void gcPaceCycle(uint64_t heapAtMarkEnd, uint64_t goalThisCycle) {
  if (!gcconcurrent || goalThisCycle == ~uint64_t(0) || goalThisCycle <= lastMarked)
    return;
  // A simple controller (Go's pre-1.18 pacer did much the same): if the
  // mark ended past its goal, start earlier next time; if it ended well
  // short of it, later. Kept within [0.4, 0.9] of the runway.
  double runway = double(goalThisCycle - lastMarked);
  double over = (double(heapAtMarkEnd) - double(goalThisCycle)) / runway;
  if (over > 0)
    triggerRatio -= over > 0.3 ? 0.15 : over / 2 + 0.02;
  else if (over < -0.2)
    triggerRatio += 0.05;
  if (triggerRatio < 0.4)
    triggerRatio = 0.4;
  if (triggerRatio > 0.9)
    triggerRatio = 0.9;
}

void gcStartAssists(uint64_t heapAtStart) {
  // Scan work expected this cycle ~ the heap marked last time (plus what
  // the mutator allocated since, which is black and not scanned); spread
  // over the allocation left until the goal. At least 1 byte scanned per
  // byte allocated once past the goal (gcAssistAlloc raises it there).
  uint64_t goal = heapGoal.load(std::memory_order_relaxed);
  double work = double(lastMarked > (uint64_t(1) << 20) ? lastMarked : uint64_t(1) << 20);
  double dist = goal > heapAtStart + (uint64_t(1) << 20) ? double(goal - heapAtStart)
                                                         : double(uint64_t(1) << 20);
  assistRatio.store(work / dist, std::memory_order_relaxed);
}

void gcAssistAlloc(uintptr_t size) {
  double ratio = assistRatio.load(std::memory_order_relaxed);
  if (heapLive.load(std::memory_order_relaxed) > heapGoal.load(std::memory_order_relaxed))
    ratio = ratio * 4 + 4; // behind: the allocating goroutines carry the mark
  uintptr_t bytes = size > 8192 ? size : 8192;
  gcAssist(uint64_t(double(bytes) * ratio));
}

void gcSetGoal(uint64_t marked) {
  int32_t pct = gcPercent.load(std::memory_order_relaxed);
  lastMarked = marked;
  if (pct < 0) {
    heapGoal.store(~uint64_t(0), std::memory_order_relaxed);
    heapTrigger.store(~uint64_t(0), std::memory_order_relaxed);
    return;
  }
  uint64_t goal = marked + marked / 100 * uint64_t(pct) + marked % 100 * uint64_t(pct) / 100;
  uint64_t minimum = defaultHeapMinimum * uint64_t(pct) / 100;
  if (goal < minimum)
    goal = minimum;
  heapGoal.store(goal, std::memory_order_relaxed);
  uint64_t trigger = goal;
  if (gcconcurrent && goal > marked)
    trigger = marked + uint64_t(double(goal - marked) * triggerRatio);
  heapTrigger.store(trigger, std::memory_order_relaxed);
}

void gcAccountAlloc(uint64_t n) {
  uint64_t live = heapLive.fetch_add(n, std::memory_order_relaxed) + n;
  if (live < heapTrigger.load(std::memory_order_relaxed) || !gcEnabled())
    return;
  uint32_t zero = 0;
  gcTriggered.compare_exchange_strong(zero, 1, std::memory_order_relaxed);
}

} // namespace glrt
