//===- time.cpp - per-P timer heaps, time.Sleep/After/Tick, time.Timer ----===//
//
// Go 1.14+'s timer design, simplified:
//   - Every P has a timer heap: a 4-ary min-heap on `when`, under its own
//     lock (Go's pp.timersLock). The heap of P i is heaps[i % maxHeaps]
//     (heaps are static, so a P's heap outlives a procresize that kills the
//     P; moveTimers drains a dead P's heap into a live one).
//   - addtimer puts a timer into the current P's heap. deltimer removes it
//     from whichever heap holds it (t->heap, read under that heap's lock; a
//     timer only changes heaps in moveTimers, with the world stopped).
//   - The scheduler runs due timers: findRunnable calls checkTimers on its
//     own P first, and checkAllTimers (every heap, on behalf of idle Ps)
//     before it gives up its P. An M with nothing to do sleeps on its park
//     note until the earliest timer (nextTimerWhen), not forever; when it
//     times out it takes an idle P and runs the timers.
//   - Each heap publishes its earliest `when` in timer0When (atomic, 0 =
//     empty) so the scheduler can skip heaps with nothing due without
//     taking their locks.
//   - A timer's function runs with no timer lock held (the heap is unlocked
//     around the call), on g0, with a P. For a periodic timer the next
//     `when` is computed and the timer is re-inserted before f runs.
//
// time.Sleep parks the G with waitReason "sleep"; the timer lives in the
// sleeping G's frame (stacks never move) and is added by the park's unlockf
// on g0, after the G is _Gwaiting, so the timer can never goready a G that
// is still running. A sleeping G holds no M.
//
// time.NewTimer / Timer.Stop / Timer.Reset (abi.def: timeNewTimer,
// timerStop, timerReset). A Timer is a 64-byte heap block {hchan *C;
// timer r} (goTimer below) that is never freed (no GC yet; when there is
// one, a timer in a heap must keep its block alive). Its timer sends the
// time on C without blocking, like time.After. Stop is stopTimer
// (deltimer), Reset is resetTimer (deltimer + re-add with the new when),
// each serialised per timer by a striped lock (timerModLocks, hashed by
// address) and run on g0. Who decides what when they race:
//   - Stop or Reset vs the timer firing on another M: the heap lock. The
//     firing M removes t from its heap (t->heap = null) under that lock
//     before it unlocks and calls f; deltimer takes the same lock and
//     sees t->heap, so exactly one of them wins. Stop wins: f never runs
//     for that arming, Stop returns 1, no value is ever sent for it. The
//     fire wins: Stop/Reset returns 0 and f runs (or is running) once.
//   - Reset while the previous arming's f is still running on another M:
//     f works only on copies (f, arg = the channel, seq) taken under the
//     heap lock, and never reads t again, so Reset may rewrite t->when and
//     put t back into a heap meanwhile; nothing of t is read after it was
//     handed back. The old send is not lost: it completes (possibly after
//     Reset returned, exactly Go's documented caveat: Reset a timer only
//     when it is stopped or expired with its channel drained), and the new
//     arming fires once more later. Each send is non-blocking, so with C's
//     one-slot buffer full the later one is dropped: one arming never
//     sends twice and a fire never sends more than one value (Go's
//     sendTime). Nothing is freed, so no path can touch reused memory.
//   - Two Stop/Reset calls on one timer from different Ms: the striped mod
//     lock. Without it two Resets could both see "not in a heap" and
//     insert t twice. Order: mod lock, then a heap lock (and from addtimer
//     sched.lock through wakep); nothing takes a mod lock while holding a
//     heap lock or sched.lock. The firing path never takes it.
// timer_test.cpp forces the second case (f held running on one M while
// another Resets or Stops) and races many Stop/Reset/fire on shared timers.
//
// Invariants: t->heap != null <=> t is in heap t->heap at t->index;
// timer0When == (n ? t[0]->when : 0), updated under the heap lock.
//===----------------------------------------------------------------------===//
#include "timer.h"

#include <cstdlib>
#include <cstring>

#include "abi.h"
#include "chan.h"
#include "lock.h"
#include "malloc.h"
#include "panic.h"
#include "proc.h"
#include "race.h"
#include "schedseed.h"

namespace glrt {

struct timerHeap {
  mutex lock;
  timer **t GUARDED_BY(lock) = nullptr;
  int32_t n GUARDED_BY(lock) = 0;
  int32_t cap GUARDED_BY(lock) = 0;
  // Earliest when in this heap, 0 if empty. Stored under lock (release),
  // read racily (acquire) as a hint.
  std::atomic<int64_t> timer0When{0};
};

constexpr int32_t maxHeaps = 256;
static timerHeap heaps[maxHeaps];
// Timers in all heaps (relaxed counter, changed under a heap lock): lets
// the scheduler skip the timer checks entirely in programs without timers.
static std::atomic<int64_t> ntimers{0};

// Heaps that may hold timers: those of live Ps (a dead P's timers are moved
// to P 0's heap; timers added without a P go to heap 0 too).
static int32_t liveHeaps() {
  int32_t n = gomaxprocs.load(std::memory_order_relaxed);
  return n < 1 ? 1 : (n > maxHeaps ? maxHeaps : n);
}

static timerHeap *heapOf(p *pp) { return &heaps[pp ? pp->id % maxHeaps : 0]; }

// ---- 4-ary heap primitives (caller holds h->lock) ----

static void siftUp(timerHeap *h, int32_t i) NO_THREAD_SAFETY_ANALYSIS {
  timer *t = h->t[i];
  while (i > 0) {
    int32_t parent = (i - 1) / 4;
    if (t->when >= h->t[parent]->when)
      break;
    h->t[i] = h->t[parent];
    h->t[i]->index = i;
    i = parent;
  }
  h->t[i] = t;
  t->index = i;
}

static void siftDown(timerHeap *h, int32_t i) NO_THREAD_SAFETY_ANALYSIS {
  int32_t n = h->n;
  timer *t = h->t[i];
  for (;;) {
    int32_t c = 4 * i + 1;
    if (c >= n)
      break;
    int32_t best = c;
    for (int32_t k = c + 1; k < c + 4 && k < n; k++)
      if (h->t[k]->when < h->t[best]->when)
        best = k;
    if (h->t[best]->when >= t->when)
      break;
    h->t[i] = h->t[best];
    h->t[i]->index = i;
    i = best;
  }
  h->t[i] = t;
  t->index = i;
}

static void updateTimer0When(timerHeap *h) NO_THREAD_SAFETY_ANALYSIS {
  h->timer0When.store(h->n ? h->t[0]->when : 0, std::memory_order_release);
}

static void heapInsert(timerHeap *h, timer *t) NO_THREAD_SAFETY_ANALYSIS {
  if (h->n == h->cap) {
    int32_t nc = h->cap ? 2 * h->cap : 16;
    // persistentalloc, not libc: the collector scans persistent memory
    // conservatively, and the array is what keeps heap timers (time.After,
    // NewTimer: mallocscan) alive. The old array is dropped (never freed:
    // growth doubles, so at most as much again is wasted).
    auto *nt = static_cast<timer **>(persistentalloc(sizeof(timer *) * size_t(nc)));
    if (h->n)
      memcpy(nt, h->t, sizeof(timer *) * size_t(h->n));
    h->t = nt;
    h->cap = nc;
  }
  __atomic_store_n(&t->heap, h, __ATOMIC_RELEASE); // deltimer reads it unlocked
  ntimers.fetch_add(1, std::memory_order_relaxed);
  h->t[h->n] = t;
  siftUp(h, h->n++);
  updateTimer0When(h);
}

static void heapRemove(timerHeap *h, int32_t i) NO_THREAD_SAFETY_ANALYSIS {
  timer *t = h->t[i];
  // index first: once deltimer (another M, no lock) loads heap == null
  // with acquire, a resetTimer may put t into another heap at once and
  // write index there; a later -1 here would clobber it (TSan found it).
  t->index = -1;
  __atomic_store_n(&t->heap, nullptr, __ATOMIC_RELEASE);
  ntimers.fetch_sub(1, std::memory_order_relaxed);
  int32_t last = --h->n;
  if (i != last) {
    h->t[i] = h->t[last];
    h->t[i]->index = i;
    siftDown(h, i);
    siftUp(h, h->t[i]->index);
  }
  updateTimer0When(h);
}

// ---- API ----

// Inserts t into the current P's heap; returns whether it is the earliest
// there. Every M that gives up its P sleeps until the earliest timer of
// all heaps (stopmUntil), so a timer that is not the earliest of its own
// heap is not the earliest of all either and needs no wake-up; one that
// is gets one (wakeTimerSleeper: a spinning M, if a P is idle), which then
// sleeps until it. Wake-ups lost anyway (an M with that duty stuck in a
// timer function or a system call) are sysmon's: sysmonCheckTimers.
// After unlock t is not ours any more: it may fire on another M at once,
// and a sleeping G's timer lives in its frame, which is gone when the G
// has resumed (TSan found addtimer reading t->when after unlock).
static bool addtimerNoWake(timer *t) {
  if (t->when <= 0)
    t->when = 1; // 0 means "no timer" in timer0When
  g *gp = getg();
  timerHeap *h = heapOf(gp && gp->mp ? gp->mp->pp : nullptr);
  lock(&h->lock);
  heapInsert(h, t);
  bool earliest = h->t[0] == t;
  unlock(&h->lock);
  return earliest;
}

void addtimer(timer *t) {
  int64_t when = t->when > 0 ? t->when : 1; // read while t is still ours
  if (addtimerNoWake(t))
    wakeTimerSleeper(when);
}

void addtimerNoWakeForTest(timer *t) { addtimerNoWake(t); }

bool deltimer(timer *t) {
  for (;;) {
    timerHeap *h = __atomic_load_n(&t->heap, __ATOMIC_ACQUIRE);
    if (h == nullptr)
      return false;
    lock(&h->lock);
    if (t->heap != h) { // fired or moved meanwhile
      unlock(&h->lock);
      continue;
    }
    heapRemove(h, t->index);
    unlock(&h->lock);
    return true;
  }
}

int64_t timeNow() { return schedseedEnabled() ? seedClockRead() : nanotime(); }

// Takes h's first timer (due: h->t[0]->when <= now) out for firing: a
// periodic one is re-armed for its next tick after now, a one-shot one
// leaves the heap. Returns the copies f runs with. Caller holds h->lock.
struct dueTimer {
  void (*f)(void *, uintptr_t);
  void *arg;
  uintptr_t seq;
};
static dueTimer takeDue(timerHeap *h, int64_t now) NO_THREAD_SAFETY_ANALYSIS {
  timer *t = h->t[0];
  dueTimer d{t->f, t->arg, t->seq};
  // -race: the last start -> this run of f, in whatever context runs
  // timers: the M's own (g0's fiber), where Go uses one per P
  // (timerRaceCtx). Either accumulates every timer it ran: a channel timer
  // fired later by the same context orders all their starters before its
  // receiver (go1.19 -race misses those races too; lit race/timers.gl).
  raceacquire(t);
  if (t->period > 0) {
    // Next tick after now (missed ticks are dropped, as in Go).
    t->when += t->period * (1 + (now - t->when) / t->period);
    siftDown(h, 0);
    updateTimer0When(h);
  } else {
    heapRemove(h, 0);
  }
  return d;
}

// Under schedseed: the timers due at this check fire in a seeded order
// (Go leaves the order of timers due at once unspecified; its heap order
// is by `when`, i.e. by the accident of when each was set). A batch is
// taken out under the lock, shuffled by the P's generator and fired with
// the lock released; timers that became due meanwhile are the next batch.
static void runHeapSeeded(timerHeap *h, int64_t now) {
  constexpr int kBatch = 32;
  for (;;) {
    dueTimer d[kBatch];
    int n = 0;
    lock(&h->lock);
    while (n < kBatch && h->n > 0 && h->t[0]->when <= now)
      d[n++] = takeDue(h, now);
    unlock(&h->lock);
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = int(seedrandn(uint32_t(i + 1)));
      dueTimer t = d[i];
      d[i] = d[j];
      d[j] = t;
    }
    for (int i = 0; i < n; i++)
      d[i].f(d[i].arg, d[i].seq);
    if (n < kBatch)
      return;
  }
}

static void runHeap(timerHeap *h, int64_t now) {
  int64_t w = h->timer0When.load(std::memory_order_acquire);
  if (w == 0 || w > now)
    return;
  if (schedseedEnabled()) {
    runHeapSeeded(h, now);
    return;
  }
  lock(&h->lock);
  while (h->n > 0 && h->t[0]->when <= now) {
    dueTimer d = takeDue(h, now);
    unlock(&h->lock);
    d.f(d.arg, d.seq);
    lock(&h->lock);
  }
  unlock(&h->lock);
}

int64_t checkTimers(p *pp, int64_t now) {
  timerHeap *h = heapOf(pp);
  runHeap(h, now);
  return h->timer0When.load(std::memory_order_acquire);
}

void checkAllTimers(int64_t now) {
  for (int32_t i = 0, n = liveHeaps(); i < n; i++)
    runHeap(&heaps[i], now);
}

int64_t nextTimerWhen() {
  if (ntimers.load(std::memory_order_relaxed) == 0)
    return 0;
  int64_t best = 0;
  for (int32_t i = 0, n = liveHeaps(); i < n; i++) {
    int64_t w = heaps[i].timer0When.load(std::memory_order_acquire);
    if (w != 0 && (best == 0 || w < best))
      best = w;
  }
  return best;
}

bool timersPending() { return nextTimerWhen() != 0; }

int64_t timerWhenOf(p *pp) { return heapOf(pp)->timer0When.load(std::memory_order_acquire); }

bool anyTimers() { return ntimers.load(std::memory_order_relaxed) != 0; }

int64_t timerHeapsCheckForTest() NO_THREAD_SAFETY_ANALYSIS {
  int64_t total = 0;
  bool ok = true;
  for (int32_t i = 0; i < maxHeaps; i++) {
    timerHeap *h = &heaps[i];
    lock(&h->lock);
    for (int32_t k = 0; k < h->n; k++) {
      timer *t = h->t[k];
      if (t->heap != h || t->index != k)
        ok = false;
      if (k > 0 && h->t[(k - 1) / 4]->when > t->when)
        ok = false;
    }
    if (h->timer0When.load() != (h->n ? h->t[0]->when : 0))
      ok = false;
    total += h->n;
    unlock(&h->lock);
  }
  return ok ? total : -1;
}

void moveTimers(p *dst, p *src) NO_THREAD_SAFETY_ANALYSIS {
  timerHeap *hs = heapOf(src), *hd = heapOf(dst);
  if (hs == hd)
    return;
  lock(&hs->lock);
  lock(&hd->lock);
  while (hs->n > 0) {
    timer *t = hs->t[hs->n - 1];
    heapRemove(hs, hs->n - 1);
    heapInsert(hd, t);
  }
  unlock(&hd->lock);
  unlock(&hs->lock);
}

// ---- time.Sleep ----

static void goroutineReady(void *arg, uintptr_t) { goready(static_cast<g *>(arg)); }

static bool resetForSleep(g *, void *t) {
  addtimer(static_cast<timer *>(t));
  return true;
}

void timeSleep(int64_t ns) {
  if (ns <= 0)
    return;
  timer t;
  g *gp = getg();
  int64_t now = timeNow();
  t.when = now + ns < now ? INT64_MAX : now + ns; // saturate on overflow
  t.f = goroutineReady;
  t.arg = gp;
  gopark(resetForSleep, &t, waitReasonSleep);
}

// ---- channel timers (time.After, time.Tick, time.NewTimer) ----

// time.Time as glc lays it out (Go's fields; glc keeps monotonic ns in ext).
struct goTime {
  uint64_t wall;
  int64_t ext;
  void *loc;
};

// Sends the current time on the channel without blocking (a full buffer
// drops the tick, as Go's sendTime does).
static void sendTime(void *c, uintptr_t) {
  goTime now{0, timeNow(), nullptr};
  chansend(static_cast<hchan *>(c), &now, false);
}

// Go's when(d): d from now, saturating; d <= 0 is now.
static int64_t whenFromNow(int64_t d) {
  int64_t now = timeNow();
  return d <= 0 ? now : (now + d < now ? INT64_MAX : now + d);
}

static void *newChanTimer(int64_t d, int64_t period) {
  struct args {
    int64_t d, period;
    void *c;
  } a{d, period, nullptr};
  systemstack([&a] {
    hchan *c = makechan(&conservativeType, sizeof(goTime), 1);
    auto *t = static_cast<timer *>(mallocscan(sizeof(timer)));
    new (t) timer();
    t->when = whenFromNow(a.d);
    t->period = a.period;
    t->f = sendTime;
    t->arg = c;
    racerelease(t); // -race: Go's startTimer (time.Sleep's timer: none)
    addtimer(t);
    a.c = c;
  });
  return a.c;
}

// time.Timer as glc lays it out (abi.def: timeNewTimer).
struct goTimer {
  hchan *c;
  timer r;
};
static_assert(sizeof(goTimer) == 64);
static_assert(offsetof(goTimer, c) == 0);
static_assert(offsetof(goTimer, r) == 8);

// Per-timer serialisation of stopTimer/resetTimer (see the essay above).
constexpr uintptr_t timerModLockCount = 61;
static mutex timerModLocks[timerModLockCount];

static mutex *timerModLock(timer *t) {
  return &timerModLocks[(reinterpret_cast<uintptr_t>(t) >> 3) % timerModLockCount];
}

bool stopTimer(timer *t) {
  mutex *ml = timerModLock(t);
  lock(ml);
  bool active = deltimer(t);
  unlock(ml);
  return active;
}

bool resetTimer(timer *t, int64_t when) {
  mutex *ml = timerModLock(t);
  lock(ml);
  bool active = deltimer(t);
  t->when = when;
  racerelease(t); // -race: Go's resetTimer
  addtimer(t);
  unlock(ml);
  return active;
}

static void *newTimer(int64_t d) {
  struct args {
    int64_t d;
    goTimer *tm;
  } a{d, nullptr};
  systemstack([&a] {
    auto *tm = static_cast<goTimer *>(mallocscan(sizeof(goTimer)));
    tm->c = makechan(&conservativeType, sizeof(goTime), 1);
    new (&tm->r) timer();
    tm->r.when = whenFromNow(a.d);
    tm->r.f = sendTime;
    tm->r.arg = tm->c;
    racerelease(&tm->r); // -race: Go's startTimer
    addtimer(&tm->r);
    a.tm = tm;
  });
  return a.tm;
}

} // namespace glrt

using namespace glrt;

extern "C" void glrt_timeSleep(int64_t ns) { timeSleep(ns); }

extern "C" int64_t glrt_nanotime(void) { return timeNow(); }

extern "C" void *glrt_timeAfter(int64_t d) { return newChanTimer(d, 0); }

// time.Tick(d): nil for d <= 0, as in Go.
extern "C" void *glrt_timeTick(int64_t d) {
  if (d <= 0)
    return nullptr;
  return newChanTimer(d, d);
}

extern "C" void *glrt_timeNewTimer(int64_t d) { return newTimer(d); }

// The entry points check for a zero-value Timer on the goroutine stack
// (the panic switches to g0 itself) and do the work on g0: the mod lock
// and the heap locks may sleep on a futex.
#define GLRT_ENTRY_FP() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

extern "C" uint8_t glrt_timerStop(void *p) {
  if (p == nullptr)
    glrt_panicmem();
  auto *tm = static_cast<goTimer *>(p);
  if (tm->r.f == nullptr)
    panicstringframe("time: Stop called on uninitialized Timer", "time.(*Timer).Stop", GLRT_ENTRY_FP());
  struct args {
    timer *t;
    bool active;
  } a{&tm->r, false};
  glrt_systemstack(
      [](void *x) {
        auto *p = static_cast<args *>(x);
        p->active = stopTimer(p->t);
      },
      &a);
  return a.active;
}

extern "C" uint8_t glrt_timerReset(void *p, int64_t d) {
  if (p == nullptr)
    glrt_panicmem();
  auto *tm = static_cast<goTimer *>(p);
  if (tm->r.f == nullptr)
    panicstringframe("time: Reset called on uninitialized Timer", "time.(*Timer).Reset", GLRT_ENTRY_FP());
  struct args {
    timer *t;
    int64_t d;
    bool active;
  } a{&tm->r, d, false};
  glrt_systemstack(
      [](void *x) {
        auto *p = static_cast<args *>(x);
        p->active = resetTimer(p->t, whenFromNow(p->d));
      },
      &a);
  return a.active;
}
