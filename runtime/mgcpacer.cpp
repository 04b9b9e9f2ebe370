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
// (0.7 at start, within [0.7, 0.9]) moves down after a cycle whose mark
// ended past the goal and up after one that ended far short of it
// (gcPaceCycle).
//
// Assists (Go's gcAssistAlloc/gcParkAssist/gcFlushBgCredit, simplified).
// While marking, each goroutine carries a balance, g.gcAssistBytes, in
// bytes of allocation: every allocation slow path (about once per span its
// mcache takes) charges a span's worth, 8 KiB, or the object's size if
// larger. A G in debt owes debt * assistRatio bytes of scan work, where
//     assistRatio = (scan work expected - done so far) / (goal - heapLive)
// once the heap has used kAssistStart (80%) of the runway from the mark's
// start to the goal, and 0 before (the background workers mark alone)
// (gcReviseAssists, at every 100 us poll of the collector; the work
// expected is what the last cycle marked; once exceeded, as much again
// with the goal stretched to 1.1x, Go's hard goal). It pays, in order:
// from the background workers' scan credit (bgScanCredit, which they
// flush every 64 KiB scanned), by scanning grey objects itself (64 KiB at
// least, 1 MiB at most per go, on g0; mgcmark.cpp's gcAssist), and if
// neither covers the debt, by waiting: at its next safe point (gcSafePoint
// in the allocation entry points of generated code, where no runtime lock
// is held) it parks on the assist queue, and the collector goroutine
// readies it when the credit pays its debt or grey work appears on the
// full list (it then scans), or when the mark ends. A program that
// allocates faster than the collector marks is thus slowed to the mark's
// pace, and the heap ends the mark near its goal instead of overshooting
// it by what the program allocated meanwhile (binary_trees: 41->65 MB
// against a 59 MB goal before, peak RSS 1.6-2.0x go1.19's). The collector
// and the sweeper (system Gs) never assist. GODEBUG=gcassist=0 turns
// assists off (tests, measurements). With GODEBUG=gcstoptheworld=1 marking stops the
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

#include "gmp.h"
#include "lock.h"
#include "proc.h"

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
bool gcassist = true;

namespace {
constexpr uint64_t defaultHeapMinimum = uint64_t(4) << 20;
// The fraction of the runway (goal - marked) the heap may grow before the
// next concurrent cycle starts (Go's triggerRatio; written at mark
// termination only, world stopped).
double triggerRatio = 0.7;
// triggerRatio's floor (Go 1.19's minimum trigger, 45/64 of the runway).
// The controller below lowers the ratio after a mark that overshot its
// goal; before assists existed it needed room down to 0.4. Now assists
// hold the heap near the goal, and a low ratio costs more than it saves:
// map_string (bench/) reached 0.65, started a cycle in the middle of a
// map's last growth, when the old and new bucket arrays were both live,
// and the next goal (2x that) let its second round grow to 245 MB of
// fresh pages (peak RSS 289 MB against go1.19's 174; 230 MB with the floor).
constexpr double kMinTrigger = 0.7;
uint64_t lastMarked = 0;
uint64_t heapAtMarkStart = 0;
// Assists scan at least this much (Go's gcOverAssistWork).
constexpr int64_t kOverAssist = 64 << 10;
// ... and at most this much at once (~1-3 ms): an allocation's slow path
// is not a safe point, and gcAssistPark pays the rest in more rounds.
constexpr int64_t kMaxAssist = 1 << 20;
// assistRatio's denominator never drops below this: past the goal an
// allocation of a span's 8 KiB owes ~1/8 of the remaining work.
constexpr uint64_t kMinAssistDistance = 64 << 10;
// Assists begin when the heap has used this much of the mark's runway
// (gcReviseAssists).
constexpr double kAssistStart = 0.8;
// The assist queue (Go's work.assistQueue): Gs parked in gcAssistPark,
// FIFO through g.schedlink (a parked G is on no run queue). assistLock
// guards the list and, while a G is on it, that G's gcAssistBytes. A G
// parks only if, under the lock, gcphase is still _GCmark; the collector
// goroutine wakes them (gcWakeAssists): during the mark from its 100 us
// poll, with background credit or when grey work appears on the full list;
// after mark termination every one of them, once the world runs again (it
// set _GCoff with the world stopped, so no G can be between its check and
// its park then, and none parks afterwards). Background workers are
// threads without a P and cannot goready, hence the poll. Lock order:
// assistLock before sched.lock (goready).
constinit mutex assistLock;
g *assistHead GUARDED_BY(assistLock) = nullptr;
g *assistTail GUARDED_BY(assistLock) = nullptr;
} // namespace

void gcPaceCycle(uint64_t heapAtMarkEnd, uint64_t goalThisCycle) {
  if (!gcconcurrent || goalThisCycle == ~uint64_t(0) || goalThisCycle <= lastMarked)
    return;
  // A simple controller (Go's pre-1.18 pacer did much the same): if the
  // mark ended past its goal, start earlier next time; if it ended well
  // short of it, later. Kept within [kMinTrigger, 0.9] of the runway.
  double runway = double(goalThisCycle - lastMarked);
  double over = (double(heapAtMarkEnd) - double(goalThisCycle)) / runway;
  if (over > 0)
    triggerRatio -= over > 0.3 ? 0.15 : over / 2 + 0.02;
  else if (over < -0.1)
    triggerRatio += 0.05;
  if (triggerRatio < kMinTrigger)
    triggerRatio = kMinTrigger;
  if (triggerRatio > 0.9)
    triggerRatio = 0.9;
}

void gcStartAssists(uint64_t heapAtStart) {
  heapAtMarkStart = heapAtStart;
  // No debt until the heap has used kAssistStart of the runway: the
  // collector's first poll (gcReviseAssists, within 100 us) sets the ratio.
  assistRatio.store(0, std::memory_order_relaxed);
}

void gcReviseAssists() {
  // Go's revise: the scan work still expected over the heap growth left
  // until the goal. Expected work: what the last cycle marked (a
  // stand-in for Go's heapScan); once the workers and assists have done
  // more than that, the heap is bigger than last time: assume as much
  // again is left, and stretch the goal to Go's hard goal (1.1x), so
  // assists keep pace without stopping the program outright.
  uint64_t goal = heapGoal.load(std::memory_order_relaxed);
  if (goal == ~uint64_t(0))
    return;
  double expected = double(lastMarked > (uint64_t(1) << 20) ? lastMarked : uint64_t(1) << 20);
  double done = double(gcScanDone());
  double remaining = expected - done;
  if (remaining < expected / 10) {
    remaining = expected / 10;
    goal += goal / 10;
  }
  double live = double(heapLive.load(std::memory_order_relaxed));
  // The background workers mark alone until the heap has used
  // kAssistStart of the runway from the mark's start to the goal; only
  // then do allocations incur debt. Assists from the first byte (Go's
  // way, with its idle-P workers to help) left binary_trees' mutator doing
  // most of the marking here: 1.15-1.2x go1.19's wall time at 0.95x its
  // peak RSS; from 80% of the runway: 0.84-0.9x wall at 1.2x RSS
  // (go1.19's 1.5x bound is issue 11's); from the goal only: 0.8x wall
  // but 1.3-1.9x RSS, as the marked heap then includes everything
  // allocated black during a longer mark.
  double goalNow = double(heapGoal.load(std::memory_order_relaxed));
  double start = double(heapAtMarkStart);
  if (live < start + (goalNow - start) * kAssistStart) {
    assistRatio.store(0, std::memory_order_relaxed);
    return;
  }
  double dist = double(goal) - live;
  if (dist < double(kMinAssistDistance))
    dist = double(kMinAssistDistance);
  assistRatio.store(remaining / dist, std::memory_order_relaxed);
}

namespace {

// Pays what it can of gp's debt (g0): background credit first, then
// scanning at least kOverAssist bytes (Go's gcOverAssistWork: fewer,
// larger assists; the surplus is credit for later allocations).
void assistPay(g *gp) {
  double ratio = assistRatio.load(std::memory_order_relaxed);
  if (ratio <= 0) {
    gp->gcAssistBytes = 0;
    return;
  }
  int64_t work = int64_t(double(-gp->gcAssistBytes) * ratio) + 1;
  int64_t stolen = gcAssistSteal(work);
  if (stolen >= work) {
    gp->gcAssistBytes = 0;
    return;
  }
  gp->gcAssistBytes += int64_t(double(stolen) / ratio);
  work -= stolen;
  if (work < kOverAssist)
    work = kOverAssist;
  if (work > kMaxAssist)
    work = kMaxAssist; // the rest at the next allocation or safe point
  uint64_t done = gcAssist(uint64_t(work));
  gp->gcAssistBytes += int64_t(double(done) / ratio);
}

bool assistParkCommit(g *, void *lk) NO_THREAD_SAFETY_ANALYSIS {
  unlock(static_cast<mutex *>(lk));
  return true;
}

} // namespace

void gcAssistAlloc(uintptr_t size) {
  if (!gcassist)
    return;
  g *gp = getg()->mp->curg; // the G this allocation is for (we are on g0)
  if (gp == nullptr || gp->goid <= 0)
    return; // the collector and the sweeper never assist (nor park)
  // About one slow path per span the mcache takes: charge a span's worth.
  uintptr_t bytes = size > 8192 ? size : 8192;
  gp->gcAssistBytes -= int64_t(bytes);
  if (gp->gcAssistBytes < 0)
    assistPay(gp);
}

void gcAssistPark() NO_THREAD_SAFETY_ANALYSIS { // gopark releases assistLock
  g *gp = getg();
  for (;;) {
    if (gcphase.load(std::memory_order_relaxed) != _GCmark || gp->gcAssistBytes >= 0)
      return;
    // A stop-the-world is waiting (mark termination, say): return to the
    // safe point, whose preemptCheck stops this G; the debt stays for the
    // next round. Looping here (an assist takes nothing while a stop is
    // pending, but the full list is not empty) kept mark termination
    // waiting for tens of milliseconds.
    if (sched.gcwaiting.load(std::memory_order_relaxed) != 0)
      return;
    systemstack([gp] { assistPay(gp); });
    if (gp->gcAssistBytes >= 0)
      return;
    lock(&assistLock);
    if (gcphase.load(std::memory_order_relaxed) != _GCmark) {
      unlock(&assistLock);
      return;
    }
    if (gcBgScanCredit() > 0 || gcFullWork()) {
      unlock(&assistLock); // credit or work appeared meanwhile: pay again
      continue;
    }
    gp->schedlink = nullptr;
    if (assistTail == nullptr)
      assistHead = gp;
    else
      assistTail->schedlink = gp;
    assistTail = gp;
    gopark(assistParkCommit, &assistLock, waitReasonGCAssistWait);
  }
}

void gcWakeAssists(bool all) {
  lock(&assistLock);
  double ratio = assistRatio.load(std::memory_order_relaxed);
  // Grey objects on the full list: every parked G goes to scan them. A
  // ratio of 0 (below kAssistStart: the goal moved, SetGCPercent) forgives
  // every debt (assistPay), and must not divide below.
  bool work = all || ratio <= 0 || gcFullWork();
  while (assistHead != nullptr) {
    g *gp = assistHead;
    if (!work) {
      int64_t need = int64_t(double(-gp->gcAssistBytes) * ratio) + 1;
      int64_t got = gcAssistSteal(need);
      if (got < need) {
        gp->gcAssistBytes += int64_t(double(got) / ratio);
        break; // FIFO: the head waits for more credit
      }
      gp->gcAssistBytes = 0;
    }
    assistHead = gp->schedlink;
    if (assistHead == nullptr)
      assistTail = nullptr;
    gp->schedlink = nullptr;
    goready(gp);
  }
  unlock(&assistLock);
}

namespace {
void resetAssist1(g *gp, void *) { gp->gcAssistBytes = 0; }
} // namespace

void gcResetAssists() { forEachG(resetAssist1, nullptr); }

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
