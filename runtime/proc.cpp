//===- proc.cpp - the G/M/P scheduler (Go's proc.go) ----------------------===//
//
// Goroutines (g) are multiplexed onto OS threads (m) by processors (p): an
// M runs Go code only while it holds a P, and there are exactly gomaxprocs
// Ps. Each P has a local run queue (runq.h); there is also a global queue.
//
// The scheduling loop (every M, on its g0 stack):
//     schedule() -> findRunnable() -> execute(gp) -> gogo(&gp->sched)
// and a G comes back to g0 through mcall: gopark (park_m), Gosched
// (gosched_m), goexit (goexit0), each of which ends in schedule() again.
// g0's stack is reset on every mcall, so schedule() never returns.
//
// findRunnable's order is Go's (go1.19, minus GC/timers/netpoll, which do
// not exist yet):
//   0. stop for a stop-the-world if one is pending (gcwaiting)
//   1. every 61st schedtick, one G from the global queue (fairness: two Gs
//      respawning each other cannot monopolise the local queue)
//   2. the local queue: runnext first (inherits the time slice), then ring
//   3. the global queue (a fair share: size/gomaxprocs + 1)
//   4. if spinning is allowed (this M already spins, or fewer than half the
//      busy Ps have spinning Ms), spin: 4 passes over all Ps from a random
//      start with a random coprime stride, stealing half of a victim's
//      ring; runnext only on the last pass
//   5. the global queue again, under sched.lock; else release the P to the
//      idle list; a spinning M then stops spinning (StoreLoad) and rechecks
//      every P's queue so a concurrent runqput+wakep cannot be lost
//   6. stopm: sleep on m.park (a futex) until startm hands this M a P.
//
// Worker parking/unparking (Go's rule): wakep() starts one spinning M only
// if there is an idle P and no M is spinning already. A spinning M that
// finds work calls resetspinning(), which calls wakep() again, so wake-ups
// chain instead of every ready() waking a thread.
//
// Rejected designs (as in Go): a central queue only (contention); waking an
// M on every ready (thread thrash); handing a G directly to a woken M.
//
// Preemption: sysmon (sysmon.cpp) asks a G that has held its P for 10 ms
// to yield, at its next function prologue or, for loops without calls,
// with a signal (preempt.cpp); a preempted G goes to the global queue. A
// stop-the-world preempts every running G while it waits.
// System calls (syscall.cpp): a G in a blocking call leaves its P in
// _Psyscall; sysmon's retake hands it off (handoffp) to another M when the
// call lasts and there is other work. LockOSThread wires a G to its M:
// schedule() on that M runs only the G (stoplockedm), and an M that picks
// the G off a queue hands its P to the locked M (startlockedm).
//
// Seeing and steering (both off by default, one predictable branch each):
// GODEBUG=tracefile records the scheduler's events at the sites marked
// traceEnabled() (trace.h: create, start/stop with reason, unblock, spin,
// park, procresize, stop-the-world); GODEBUG=schedseed takes the choices
// marked schedseedEnabled() from a seeded generator (schedseed.h: runnext
// or tail in newproc1/ready, the steal order, a request pending on every G
// in execute) and switches off sysmon's time-driven preemption.
//
// Invariants:
//   - mp->pp != null <=> pp->mp == mp and pp->status == _Prunning.
//   - a P is on sched.pidle <=> status _Pidle and no M (npidle counts them).
//   - nmspinning == number of Ms with m.spinning set.
//   - a G is _Grunnable iff it is on exactly one run queue (or in transit
//     between one and execute()).
//===----------------------------------------------------------------------===//
#include "netpoll.h"
#include "proc.h"
#include "procsys.h"
#include "race.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "malloc.h"
#include "mbarrier.h"
#include "mem.h"
#include "mgc.h"
#include "panic.h"
#include "preempt.h"
#include "print.h"
#include "traceback.h"
#include "runq.h"
#include "schedseed.h"
#include "sema.h"
#include "stack.h"
#include "timer.h"
#include "trace.h"

// Runtime objects may be called from split-stack code under the rule in
// stack.h: tell gold/lld not to rewrite such callers.
asm(".pushsection .note.GNU-split-stack,\"\",@progbits\n.popsection");

extern "C" __thread glrt::g *glrt_curg __attribute__((tls_model("initial-exec"))) = nullptr;

// os.Exit in print/os code (runtime engineer); used if linked in.
extern "C" [[gnu::weak]] void glrt_exit(int64_t code);

static void stackdebugReport(glrt::g *gp); // GODEBUG=stackdebug=1, below

namespace glrt {

schedt sched;
p **allp = nullptr;
static int32_t allplen = 0;
std::atomic<int32_t> gomaxprocs{0};
int32_t ncpu = 1;
std::atomic<m *> allm{nullptr};
m m0;
g g0_0;

static mutex allglock;
static g *allgs GUARDED_BY(allglock) = nullptr;     // creation order, like Go's allgs
static g *allgsTail GUARDED_BY(allglock) = nullptr;
static std::atomic<bool> mainStarted{false};
static bool schedinited = false;

// ---------------------------------------------------------------------------
// Small helpers


// For panic.cpp's "goroutine N [running]:" header.
int64_t curgoid() {
  g *gp = getg();
  if (gp && gp->mp)
    return gp->mp->curg ? gp->mp->curg->goid : 0; // 0: an idle M, on g0 (Go's g0 goid)
  return 1;
}

// For panic.cpp's "created by" line after the running goroutine's frames.
uintptr_t curgopc() {
  g *gp = getg();
  if (gp && gp->mp && gp->mp->curg)
    return gp->mp->curg->gopc;
  return 0;
}

// Called by each M's own thread before it runs a G: what sysmon needs to
// preempt it (its thread id for tgkill, its %fs:0x70 slot's address).
static void minitpreempt(m *mp) {
  mp->procid = int32_t(gettid());
  __atomic_store_n(&mp->stacklimitslot, stacklimitslot(), __ATOMIC_RELEASE);
}

uint32_t readgstatus(g *gp) { return gp->atomicstatus.load(std::memory_order_acquire); }

void casgstatus(g *gp, uint32_t oldval, uint32_t newval) {
  uint32_t o = oldval;
  // acq_rel; pairs with other casgstatus and readgstatus.
  if (!gp->atomicstatus.compare_exchange_strong(o, newval, std::memory_order_acq_rel))
    fatal("runtime: casgstatus: bad incoming value", "casgstatus");
}

const char *waitReasonString(waitReason r) {
  switch (r) {
  case waitReasonZero: return "";
  case waitReasonChanReceiveNilChan: return "chan receive (nil chan)";
  case waitReasonChanSendNilChan: return "chan send (nil chan)";
  case waitReasonSelect: return "select";
  case waitReasonSelectNoCases: return "select (no cases)";
  case waitReasonChanReceive: return "chan receive";
  case waitReasonChanSend: return "chan send";
  case waitReasonSleep: return "sleep";
  case waitReasonSyncMutexLock: return "sync.Mutex.Lock";
  case waitReasonSemacquire: return "semacquire";
  case waitReasonPreempted: return "preempted";
  case waitReasonTest: return "test";
  case waitReasonIOWait: return "IO wait";
  case waitReasonGCWorkerIdle: return "GC worker (idle)";
  case waitReasonGCSweepWait: return "GC sweep wait";
  case waitReasonGCAssistWait: return "GC assist wait";
  }
  return "";
}

// ---------------------------------------------------------------------------
// Ms

// The M's fastrand seed. Under schedseed (schedseed.h) the seed and the M's
// id, so map hash seeds and iteration orders replay too (at GOMAXPROCS=1 Go
// code runs on one M); else the clock.
static uint64_t mfastrandseed(int64_t id) {
  uint64_t s = schedseedEnabled() ? seedmix(schedseedValue ^ uint64_t(id + 7))
                                  : uint64_t(id + 1) * 0x9E3779B97F4A7C15ull ^ uint64_t(nanotime());
  return s != 0 ? s : 1;
}

static void mcommoninit(m *mp, int64_t id) {
  mp->id = id;
  seedfastrand(mp, mfastrandseed(id));
  // release; pairs with the acquire load of readers walking allm.
  m *head = allm.load(std::memory_order_relaxed);
  do {
    mp->alllink = head;
  } while (!allm.compare_exchange_weak(head, mp, std::memory_order_release));
}

int32_t mcount() {
  lock(&sched.lock);
  int32_t n = int32_t(sched.mnext - sched.nmfreed) - sched.nmsys;
  unlock(&sched.lock);
  return n;
}

static void checkmcount() REQUIRES(sched.lock) {
  int64_t count = sched.mnext - sched.nmfreed - sched.nmsys;
  if (count > sched.maxmcount)
    fatal("runtime: program exceeds 10000-thread limit", "thread exhaustion");
}

static int64_t mReserveID() REQUIRES(sched.lock) {
  int64_t id = sched.mnext;
  sched.mnext++;
  checkmcount();
  return id;
}

static void mput(m *mp) REQUIRES(sched.lock) {
  mp->schedlink = sched.midle;
  sched.midle = mp;
  sched.nmidle++;
}

static m *mget() REQUIRES(sched.lock) {
  m *mp = sched.midle;
  if (mp) {
    sched.midle = mp->schedlink;
    sched.nmidle--;
  }
  return mp;
}

// ---------------------------------------------------------------------------
// Ps

static void pidleput(p *pp) REQUIRES(sched.lock) {
  __atomic_store_n(&pp->status, _Pidle, __ATOMIC_RELAXED);
  pp->link = sched.pidle;
  sched.pidle = pp;
  sched.npidle.fetch_add(1, std::memory_order_seq_cst);
}

p *pidleget() REQUIRES(sched.lock) {
  p *pp = sched.pidle;
  if (pp) {
    sched.pidle = pp->link;
    sched.npidle.fetch_sub(1, std::memory_order_seq_cst);
  }
  return pp;
}

void acquirep(p *pp) {
  m *mp = getg()->mp;
  if (mp->pp != nullptr || pp->mp != nullptr)
    fatal("runtime: acquirep: invalid p state", "acquirep: invalid p state");
  mp->pp = pp;
  __atomic_store_n(&pp->mp, mp, __ATOMIC_RELAXED);
  __atomic_store_n(&pp->status, _Prunning, __ATOMIC_RELAXED);
}

p *releasep() {
  m *mp = getg()->mp;
  p *pp = mp->pp;
  if (pp == nullptr || pp->mp != mp)
    fatal("runtime: releasep: invalid p state", "releasep: invalid arg");
  if (traceEnabled())
    traceFlushPending(pp); // never across a hand-over of the P (trace.h: the switch)
  __atomic_store_n(&pp->mp, nullptr, __ATOMIC_RELAXED);
  mp->pp = nullptr;
  __atomic_store_n(&pp->status, _Pidle, __ATOMIC_RELAXED);
  return pp;
}

// ---------------------------------------------------------------------------
// Thread start

void schedule();
static void newm(p *pp, bool spinning, int64_t id);

static void mstart1() {
  m *mp = getg()->mp;
  if (mp != &m0) {
    p *pp = mp->nextp;
    mp->nextp = nullptr;
    if (pp == nullptr) {
      stopm(false); // a spare (newSpareM): idle until startm hands it a P
    } else {
      acquirep(pp);
      if (traceEnabled() && mp->spinning)
        traceMEvent(traceEvMSpin, 0, 0);
    }
  }
  schedule();
}

static void setg0bounds(m *mp) {
  pthread_attr_t attr;
  void *addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  mp->g0lo = uintptr_t(addr);
  mp->g0hi = uintptr_t(addr) + size;
  // No split-stack code runs on g0. If some does, its limit sits 32 KiB
  // above the bottom of the thread stack and __morestack throws
  // "morestack on g0" instead of overrunning.
  mp->g0->stackguard0 = mp->g0lo + (32 << 10);
  mp->g0->stackseg = nullptr;
}

static void *mstart_thread(void *arg) {
  m *mp = static_cast<m *>(arg);
  glrt_curg = mp->g0;
  raceminit(mp->g0); // -race: the thread's own TSan context is g0's
  setg0bounds(mp);
  // glibc reuses TCBs: the slot may hold a stale value. Write ours.
  setstacklimit(mp->g0->stackguard0);
  minitsignalstack(); // panic.cpp: every M gets an alternate signal stack
  minitpreempt(mp);
  glrt_mstart_on_g0(mp->g0, mstart1);
}

// One M with no P that parks on the idle list at once (sysmon starts it
// as its first act, off the main thread's path). go1.19's runtime.main
// starts system goroutines (bgsweep, bgscavenge, forcegchelper) whose
// wakep calls leave two or three idle Ms behind before main.main runs, so
// a Go program's first startm (the first hand-off of a P from a blocked
// system call, the first wakep) finds a thread; glrt has no such
// goroutines, and without the spare that first startm paid for
// pthread_create and the thread's start: 0.3-1.4 ms on a 2-vCPU guest
// (clone alone 0.15-0.75 ms even under SCHED_FIFO), while the other
// goroutines waited. Cost: one parked thread per program. Not under
// schedseed: its park would land at a different point of each replay's
// trace.
void newSpareM() {
  if (schedseedEnabled())
    return;
  lock(&sched.lock);
  int64_t id = mReserveID();
  unlock(&sched.lock);
  newm(nullptr, false, id);
}

static void newm(p *pp, bool spinning, int64_t id) {
  m *mp = static_cast<m *>(persistentalloc(sizeof(m), 64));
  g *g0 = static_cast<g *>(persistentalloc(sizeof(g), 64));
  g0->mp = mp;
  g0->goid = -1;
  g0->atomicstatus.store(_Grunning, std::memory_order_relaxed);
  mp->g0 = g0;
  mp->nextp = pp;
  mp->spinning = spinning;
  mcommoninit(mp, id);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
#if GLRT_SANITIZE || GLRT_TSAN
  pthread_attr_setstacksize(&attr, 8 << 20);
#else
  pthread_attr_setstacksize(&attr, 512 << 10);
#endif
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int err = pthread_create(&mp->thread, &attr, mstart_thread, mp);
  pthread_attr_destroy(&attr);
  if (err != 0)
    fatal("runtime: failed to create new OS thread", "newosproc");
}

// ---------------------------------------------------------------------------
// Parking and waking Ms

// ---------------------------------------------------------------------------
// Deadlock detection (Go's checkdead, proc.go)
//
// Called with sched.lock held by an M that has just put itself on the idle
// list. If every M is now idle (none is running Go code, spinning, or
// blocked inside a G), no timer is pending and at least one goroutine is
// parked, nothing can ever make progress again: print Go's fatal error and
// every parked goroutine (main first: allgs is in creation order), exit 2.
// A runnable G with every M idle would be a lost wake-up, not a deadlock:
// we then return and let the program hang rather than report a false one.
// Only armed for real programs (glrt_rt0_go): runtime unit tests park Gs
// and release them from threads that are not Ms.
static std::atomic<bool> checkdeadArmed{false};
extern std::atomic<bool> mainGoexited; // defer.cpp: set by main's Goexit

void checkdead() REQUIRES(sched.lock) {
  if (!checkdeadArmed.load(std::memory_order_relaxed))
    return;
  // Ms parked for their locked G (stoplockedm) are idle too.
  int64_t run = (sched.mnext - sched.nmfreed - sched.nmsys) - sched.nmidle - sched.nmidlelocked;
  if (run > 0)
    return;
  if (timersPending())
    return;
  int64_t waiting = 0;
  bool runnable = false;
  lock(&allglock);
  for (g *gp = allgs; gp; gp = gp->alllink) {
    if (gp->goid <= 0)
      continue;
    uint32_t s = gp->atomicstatus.load(std::memory_order_acquire);
    if (s == _Gwaiting)
      waiting++;
    else if (s != _Gdead && s != _Gidle)
      runnable = true;
  }
  unlock(&allglock);
  if (runnable)
    return;
  if (waiting == 0) {
    // Possible only when main called runtime.Goexit (defer.cpp): main
    // returning exits the process. Go's fatal, without a goroutine dump.
    if (!mainGoexited.load(std::memory_order_relaxed))
      return;
    printflush();
    gwrites("fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n");
    printflush();
    traceFlush();
    _exit(2);
  }
  printflush();
  gwrites("fatal error: all goroutines are asleep - deadlock!\n");
  int32_t level;
  bool all, crash;
  gotraceback(&level, &all, &crash);
  lock(&allglock);
  for (g *gp = allgs; gp && level > 0; gp = gp->alllink) {
    if (gp->goid <= 0 || gp->atomicstatus.load(std::memory_order_acquire) != _Gwaiting)
      continue;
    gwrites("\n");
    goroutineheader(gp);
    traceback(gp->sched.pc, gp->sched.bp, false, gp);
    printcreatedby(gp->gopc);
  }
  unlock(&allglock);
  printflush();
  traceFlush();
  if (crash)
    dieabort();
  _exit(2);
}

int64_t coarsenanotime() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void goroutineheader(g *gp) {
  uint32_t s = readgstatus(gp);
  const char *status;
  switch (s) {
  case _Gidle: status = "idle"; break;
  case _Grunnable: status = "runnable"; break;
  case _Grunning: status = "running"; break;
  case _Gwaiting: status = "waiting"; break;
  case _Gdead: status = "dead"; break;
  case _Gsyscall: status = "syscall"; break;
  case _Gcopystack: status = "copystack"; break;
  case _Gpreempted: status = "preempted"; break;
  default: status = "???"; break;
  }
  if (s == _Gwaiting && gp->waitreason != waitReasonZero)
    status = waitReasonString(gp->waitreason);
  // Go: whole minutes since waitsince, only when at least one.
  int64_t waitfor = 0;
  if ((s == _Gwaiting || s == _Gsyscall) && gp->waitsince != 0)
    waitfor = (nanotime() - gp->waitsince) / 60000000000LL;
  gwrites("goroutine ");
  printint(gp->goid);
  gwrites(" [");
  gwrites(status);
  if (waitfor >= 1) {
    gwrites(", ");
    printint(waitfor);
    gwrites(" minutes");
  }
  gwrites("]:\n");
}

// GOTRACEBACK=all (panic.cpp's finish, on the dying M): every goroutine
// but the current one, in creation order, as Go's tracebackothers: a
// parked or runnable G from its saved context, a G running on another
// thread without a stack. Goroutines the runtime started (goid <= 0) are
// Go's system goroutines: not shown. Reads allgs without allglock: the
// dying thread may hold it (a panic inside newproc1), allgs only grows
// (links are written before the G is published) and the others may keep
// running while we print, as in Go, which freezes the world only loosely.
void tracebackothers() NO_THREAD_SAFETY_ANALYSIS {
  g *me = getg();
  if (me && me->mp && me->mp->curg)
    me = me->mp->curg;
  for (g *gp = allgs; gp; gp = gp->alllink) {
    if (gp == me || gp->goid <= 0)
      continue;
    uint32_t s = gp->atomicstatus.load(std::memory_order_acquire);
    if (s == _Gdead || s == _Gidle)
      continue;
    gwrites("\n");
    goroutineheader(gp);
    if (s == _Grunning)
      gwrites("\tgoroutine running on other thread; stack unavailable\n");
    else if (gp->sched.pc == uintptr_t(&glrt_gostart))
      printunstarted(gp->startfn, gp->startarg); // not run yet
    else
      traceback(gp->sched.pc, gp->sched.bp, false, gp);
    printcreatedby(gp->gopc);
  }
}

// Trace: an M woke up with a P; startm may have made it a spinning M.
static void traceUnpark(m *mp) {
  traceMEvent(traceEvMUnpark, 0, 0);
  if (mp->spinning)
    traceMEvent(traceEvMSpin, 0, 0);
}

// Stops the current M until startm gives it a P (in m.nextp).
void stopm(bool traced) {
  m *mp = getg()->mp;
  if (mp->pp)
    fatal("runtime: stopm holding p", "stopm holding p");
  if (mp->spinning)
    fatal("runtime: stopm spinning", "stopm spinning");
  lock(&sched.lock);
  mput(mp);
  checkdead();
  unlock(&sched.lock);
  if (traced && traceEnabled())
    traceMEvent(traceEvMPark, 0, 0);
  mp->blocked = true;
  notesleep(&mp->park);
  mp->blocked = false;
  noteclear(&mp->park);
  p *pp = mp->nextp;
  mp->nextp = nullptr;
  acquirep(pp);
  if (traceEnabled())
    traceUnpark(mp);
}

// Like stopm, but an M that nobody wakes gives up at nanotime() >= until
// (0: never) and, if it can get an idle P, returns with it so that
// findRunnable runs the due timers (time.go). A timed-out M that finds no
// idle P goes back to sleep: every P is busy and runs timers itself.
static void stopmUntil(int64_t until) {
  if (until == 0) {
    stopm();
    return;
  }
  m *mp = getg()->mp;
  lock(&sched.lock);
  mput(mp);
  checkdead();
  unlock(&sched.lock);
  if (traceEnabled())
    traceMEvent(traceEvMPark, 0, 0);
  mp->blocked = true;
  for (;;) {
    int64_t ns = until - nanotime();
    if (ns > 0 && notetsleep(&mp->park, ns))
      break; // startm handed us a P
    lock(&sched.lock);
    // Still on the idle list? Then no startm is on its way: leave it.
    m **pm = &sched.midle;
    while (*pm && *pm != mp)
      pm = &(*pm)->schedlink;
    if (*pm == nullptr) {
      unlock(&sched.lock);
      notesleep(&mp->park); // a startm took us; its wakeup is coming
      break;
    }
    p *pp = pidleget();
    if (pp == nullptr) {
      unlock(&sched.lock);
      until = 0x7fffffffffffffff; // stay on midle; sleep until woken
      notesleep(&mp->park);
      break;
    }
    *pm = mp->schedlink;
    sched.nmidle--;
    unlock(&sched.lock);
    mp->blocked = false;
    acquirep(pp);
    if (traceEnabled())
      traceUnpark(mp);
    return;
  }
  mp->blocked = false;
  noteclear(&mp->park);
  p *pp = mp->nextp;
  mp->nextp = nullptr;
  acquirep(pp);
  if (traceEnabled())
    traceUnpark(mp);
}

// Schedules some M to run pp (or an idle P if pp is null). If spinning, the
// caller has already counted the M in nmspinning; undo that if no P is idle.
void startm(p *pp, bool spinning) {
  lock(&sched.lock);
  if (pp == nullptr) {
    pp = pidleget();
    if (pp == nullptr) {
      unlock(&sched.lock);
      if (spinning)
        sched.nmspinning.fetch_sub(1, std::memory_order_seq_cst);
      return;
    }
  }
  m *nmp = mget();
  if (nmp == nullptr) {
    int64_t id = mReserveID();
    unlock(&sched.lock);
    newm(pp, spinning, id);
    return;
  }
  unlock(&sched.lock);
  nmp->spinning = spinning;
  nmp->nextp = pp;
  notewakeup(&nmp->park);
}

// Tries to add one more spinning M if there are idle Ps and none spins.
static void wakep() {
  if (sched.npidle.load(std::memory_order_seq_cst) == 0)
    return;
  int32_t zero = 0;
  if (sched.nmspinning.load(std::memory_order_seq_cst) != 0 ||
      !sched.nmspinning.compare_exchange_strong(zero, 1, std::memory_order_seq_cst))
    return;
  startm(nullptr, true);
}

// Hands off P from an M that can no longer run Go code: an M blocked in a
// system call (sysmon's retake, entersyscallblock), an M stopping for its
// locked G (stoplockedm) or exiting (mexit). The caller owns pp (status
// _Pidle after releasep or retake's CAS, pp.mp null). Go's rule: start an M
// for it if it or the global queue has work, or if nobody else (no idle P,
// no spinning M) would notice new work; else park it (_Pgcstop when the
// world is stopping). May run on sysmon's thread (no G): it only takes
// sched.lock and starts or wakes an M.
void handoffp(p *pp) {
  if (!runqempty(pp) || sched.runqsize.load(std::memory_order_relaxed) != 0) {
    startm(pp, false);
    return;
  }
  int32_t zero = 0;
  if (sched.nmspinning.load() + sched.npidle.load() == 0 &&
      sched.nmspinning.compare_exchange_strong(zero, 1)) {
    startm(pp, true);
    return;
  }
  lock(&sched.lock);
  if (sched.gcwaiting.load()) {
    __atomic_store_n(&pp->status, _Pgcstop, __ATOMIC_RELAXED);
    sched.stopwait--;
    if (sched.stopwait == 0)
      notewakeup(&sched.stopnote);
    unlock(&sched.lock);
    return;
  }
  if (sched.runqsize.load(std::memory_order_relaxed) != 0) {
    unlock(&sched.lock);
    startm(pp, false);
    return;
  }
  bool timers = timerWhenOf(pp) != 0;
  pidleput(pp);
  unlock(&sched.lock);
  // Its timers now belong to an idle P: make sure some M sleeps no longer
  // than the earliest of them (Go's wakeNetPoller(when) in handoffp).
  if (timers)
    wakep();
}

static void resetspinning() {
  m *mp = getg()->mp;
  mp->spinning = false;
  if (traceEnabled())
    traceMEvent(traceEvMSpinDone, 0, 0);
  int32_t n = sched.nmspinning.fetch_sub(1, std::memory_order_seq_cst) - 1;
  if (n < 0)
    fatal("runtime: findRunnable: negative nmspinning", "findRunnable: negative nmspinning");
  // The last spinning M found work: start another one to look for more.
  wakep();
}

// Stops the current M for a stop-the-world, then waits to be restarted.
static void gcstopm() {
  m *mp = getg()->mp;
  if (mp->spinning) {
    mp->spinning = false;
    sched.nmspinning.fetch_sub(1, std::memory_order_seq_cst);
    if (traceEnabled())
      traceMEvent(traceEvMSpinDone, 0, 0);
  }
  p *pp = releasep();
  lock(&sched.lock);
  __atomic_store_n(&pp->status, _Pgcstop, __ATOMIC_RELAXED);
  sched.stopwait--;
  if (sched.stopwait == 0)
    notewakeup(&sched.stopnote);
  unlock(&sched.lock);
  stopm();
}

// ---------------------------------------------------------------------------
// Finding work

static g *stealWork(p *pp) {
  m *mp = getg()->mp;
  const int stealTries = 4;
  for (int i = 0; i < stealTries; i++) {
    bool stealRunNextG = i == stealTries - 1;
    int32_t n = gomaxprocs.load(std::memory_order_relaxed);
    p **ps = allp;
    // The steal order is a free choice: seeded under schedseed (schedseed.h).
    uint32_t start = (schedseedEnabled() ? seedrand() : fastrand(mp)) % uint32_t(n);
    // A random stride coprime with n visits every P once.
    uint32_t stride = 1;
    if (n > 2) {
      stride = 1 + (schedseedEnabled() ? seedrand() : fastrand(mp)) % uint32_t(n - 1);
      auto gcd = [](uint32_t a, uint32_t b) {
        while (b) {
          uint32_t t = a % b;
          a = b;
          b = t;
        }
        return a;
      };
      while (gcd(stride, uint32_t(n)) != 1)
        stride = stride % uint32_t(n - 1) + 1;
    }
    for (int32_t k = 0; k < n; k++) {
      if (sched.gcwaiting.load(std::memory_order_relaxed))
        return nullptr;
      p *victim = ps[(start + uint32_t(k) * stride) % uint32_t(n)];
      if (victim == pp || __atomic_load_n(&victim->status, __ATOMIC_RELAXED) == _Pidle)
        continue;
      if (g *gp = runqsteal(pp, victim, stealRunNextG))
        return gp;
    }
  }
  return nullptr;
}

// The Gs a poll made ready: the first runs on this M now, the rest go to
// the run queues (injectglist). Go's findRunnable does the same in both
// of its netpoll calls.
static g *runFirstReady(gList *list, bool *inheritTime) {
  g *gp = list->pop();
  injectglist(list);
  casgstatus(gp, _Gwaiting, _Grunnable);
  if (traceEnabled())
    traceGoEvent(traceEvGoUnblock, gp->goid, 0, 0);
  *inheritTime = false;
  return gp;
}

static g *findRunnable(bool *inheritTime) {
  m *mp = getg()->mp;
top:
  p *pp = mp->pp;
  if (sched.gcwaiting.load(std::memory_order_seq_cst)) {
    if (traceEnabled())
      traceFlushPending(pp); // before the P goes (trace.h: the switch)
    gcstopm();
    goto top;
  }
  // 1. Fairness: the global queue once every 61 ticks.
  if (pp->schedtick % 61 == 0 && sched.runqsize.load(std::memory_order_relaxed) > 0) {
    lock(&sched.lock);
    g *gp = globrunqget(pp, 1);
    unlock(&sched.lock);
    if (gp) {
      *inheritTime = false;
      return gp;
    }
  }
  // Timers: this P's on every round; everyone's (if any is due) only when
  // this P has no local work, because nextTimerWhen scans every heap: on
  // each goroutine switch it cost more than the switch itself (62% of an
  // unbuffered ping-pong). Idle Ps' heaps are still run on time: an M
  // sleeping in stopmUntil wakes at the earliest timer with no local work.
  // (Not schedtick % 61: runnext hand-offs inherit the tick, so it can
  // stay at a multiple of 61 for a whole ping-pong.)
  // No timers anywhere (most programs, most of the time): skip even the
  // clock read.
  if (anyTimers()) {
    int64_t now = timeNow();
    checkTimers(pp, now);
    if (runqempty(pp)) {
      int64_t w = nextTimerWhen();
      if (w != 0 && w <= now)
        checkAllTimers(now);
    }
  }
  // 2. Local queue.
  if (g *gp = runqget(pp, inheritTime))
    return gp;
  // 3. Global queue.
  if (sched.runqsize.load(std::memory_order_relaxed) != 0) {
    lock(&sched.lock);
    g *gp = globrunqget(pp, 0);
    unlock(&sched.lock);
    if (gp) {
      *inheritTime = false;
      return gp;
    }
  }
  // No local or global work: a stop left pending (trace.h: the switch) is
  // written now, before polling, spinning, stealing or stopping.
  if (traceEnabled())
    traceFlushPending(pp);
  // 3b. Network, without blocking (Go's findRunnable polls here, before
  // stealing): only if some G waits for I/O and no M is blocked in
  // netpoll already (lastpoll == 0 then: that M will deliver the events).
  if (netpollinited() && netpollWaiters.load(std::memory_order_relaxed) > 0 &&
      sched_lastpoll.load(std::memory_order_relaxed) != 0) {
    gList list = netpoll(0);
    if (!list.empty())
      return runFirstReady(&list, inheritTime);
  }
  // 4. Spin and steal, if at most half the busy Ps have spinning Ms.
  int32_t procs = gomaxprocs.load(std::memory_order_relaxed);
  if (mp->spinning ||
      2 * sched.nmspinning.load(std::memory_order_seq_cst) < procs - sched.npidle.load(std::memory_order_seq_cst)) {
    if (!mp->spinning) {
      mp->spinning = true;
      sched.nmspinning.fetch_add(1, std::memory_order_seq_cst);
      if (traceEnabled())
        traceMEvent(traceEvMSpin, 0, 0);
    }
    if (g *gp = stealWork(pp)) {
      *inheritTime = false;
      return gp;
    }
  }
  // 5. Give up the P.
  lock(&sched.lock);
  if (sched.gcwaiting.load(std::memory_order_seq_cst)) {
    unlock(&sched.lock);
    goto top;
  }
  if (sched.runqsize.load(std::memory_order_relaxed) != 0) {
    g *gp = globrunqget(pp, 0);
    unlock(&sched.lock);
    *inheritTime = false;
    return gp;
  }
  releasep();
  pidleput(pp);
  // Under schedseed, time is virtual (schedseed.h): when the last P goes
  // idle with a timer pending, nothing can happen before that timer, so the
  // clock jumps to it (plus a seeded slack: the timers due within it fire
  // together, in a seeded order) and this M takes a P back to run them.
  // Under sched.lock, so exactly one M (the last to put its P) sees every
  // P idle.
  if (schedseedEnabled() &&
      sched.npidle.load(std::memory_order_relaxed) == gomaxprocs.load(std::memory_order_relaxed)) {
    if (int64_t w = nextTimerWhen()) {
      p *np = pidleget();
      unlock(&sched.lock);
      acquirep(np); // first: seedrand draws from this P's generator
      seedClockJump(w + int64_t(seedrandn(seedTimerSlack)));
      goto top;
    }
  }
  unlock(&sched.lock);

  bool wasSpinning = mp->spinning;
  if (mp->spinning) {
    mp->spinning = false;
    if (traceEnabled())
      traceMEvent(traceEvMSpinDone, 0, 0);
    // seq_cst: StoreLoad against runqput+wakep on another M. Either we see
    // its G below, or it sees nmspinning == 0 and wakes an M.
    sched.nmspinning.fetch_sub(1, std::memory_order_seq_cst);
    int32_t n = gomaxprocs.load(std::memory_order_seq_cst);
    // Also the global queue: a thread without a P (newproc1 from outside
    // the scheduler) may have queued a G and seen us still spinning.
    for (int32_t i = -1; i < n; i++) {
      bool work = i < 0 ? sched.runqsize.load(std::memory_order_seq_cst) != 0 : !runqempty(allp[i]);
      if (work) {
        lock(&sched.lock);
        p *np = pidleget();
        unlock(&sched.lock);
        if (np) {
          acquirep(np);
          if (wasSpinning) {
            mp->spinning = true;
            sched.nmspinning.fetch_add(1, std::memory_order_seq_cst);
            if (traceEnabled())
              traceMEvent(traceEvMSpin, 0, 0);
          }
          goto top;
        }
        break;
      }
    }
  }
  // 6a. Block in netpoll (Go's rule: only one M, the last to go idle,
  // and only while some G waits for I/O), until an fd is ready, the
  // earliest timer is due or netpollBreak (an earlier timer was added).
  // The exchange makes lastpoll 0: no other M blocks here meanwhile, and
  // findRunnable/sysmon skip their non-blocking polls.
  if (netpollinited() && netpollWaiters.load(std::memory_order_seq_cst) > 0 &&
      sched_lastpoll.exchange(0, std::memory_order_seq_cst) != 0) {
    int64_t until = nextTimerWhen();
    int64_t delay = -1;
    if (until != 0) {
      delay = until - nanotime();
      if (delay < 0)
        delay = 0;
    }
    sched_pollUntil.store(until, std::memory_order_seq_cst);
    gList list = netpoll(delay);
    sched_pollUntil.store(0, std::memory_order_seq_cst);
    sched_lastpoll.store(nanotime(), std::memory_order_seq_cst);
    lock(&sched.lock);
    p *np = pidleget();
    unlock(&sched.lock);
    if (np == nullptr) {
      injectglist(&list); // every P is busy: the global queue
    } else {
      acquirep(np);
      if (!list.empty())
        return runFirstReady(&list, inheritTime);
      goto top; // timers, or work that arrived meanwhile
    }
  }
  // 6. Sleep until startm hands us a P, or until the earliest timer (under
  // schedseed `when` is virtual: the last M to go idle runs it, above).
  stopmUntil(schedseedEnabled() ? 0 : nextTimerWhen());
  goto top;
}

// Go's injectglist: makes the Gs netpoll returned runnable. Without a P
// (sysmon, or an M back from a blocking poll with no P free) they go to
// the global queue and an M is started for each idle P (as many as there
// are Gs). With a P, as many as there are idle Ps go to the global queue
// (with an M started for each), the rest into this P's queue, which this
// M runs next.
void injectglist(gList *glist) {
  if (glist->empty())
    return;
  gQueue q;
  int32_t n = 0;
  while (g *gp = glist->pop()) {
    casgstatus(gp, _Gwaiting, _Grunnable);
    if (traceEnabled())
      traceGoEvent(traceEvGoUnblock, gp->goid, 0, 0);
    q.pushBack(gp);
    n++;
  }
  auto startIdle = [](int32_t k) {
    for (; k > 0 && sched.npidle.load(std::memory_order_seq_cst) != 0; k--)
      startm(nullptr, false);
  };
  g *cur = getg();
  p *pp = cur && cur->mp ? cur->mp->pp : nullptr;
  if (pp == nullptr) {
    lock(&sched.lock);
    globrunqputbatch(&q, n);
    unlock(&sched.lock);
    startIdle(n);
    return;
  }
  int32_t npidle = sched.npidle.load(std::memory_order_seq_cst);
  gQueue gq;
  int32_t k = 0;
  for (; k < npidle && !q.empty(); k++)
    gq.pushBack(q.pop());
  if (k > 0) {
    lock(&sched.lock);
    globrunqputbatch(&gq, k);
    unlock(&sched.lock);
    startIdle(k);
  }
  while (g *gp = q.pop())
    runqput(pp, gp, false);
}

// sysmon (no G, no P): Go's "poll network if not polled for more than
// 10ms". The CAS keeps two pollers (sysmon and an M's findRunnable, or a
// blocking poll that just began) from both claiming this round.
void sysmonNetpoll(int64_t now) {
  if (!netpollinited())
    return;
  int64_t last = sched_lastpoll.load(std::memory_order_seq_cst);
  if (last == 0 || last + 10 * 1000 * 1000 >= now)
    return;
  if (!sched_lastpoll.compare_exchange_strong(last, now, std::memory_order_seq_cst))
    return;
  gList list = netpoll(0);
  injectglist(&list);
}

// Runs gp on the current M. Never returns.
GLRT_SWITCH_NORETURN void execute(g *gp, bool inheritTime) {
  m *mp = getg()->mp;
  __atomic_store_n(&mp->curg, gp, __ATOMIC_RELAXED);
  gp->mp = mp;
  casgstatus(gp, _Grunnable, _Grunning);
  // A request for the G's previous run is moot now (Go's execute does the
  // same); gogo then installs its real limit over any poison. Under
  // schedseed every run starts with a request pending instead: gogo
  // poisons the slot, and each prologue is a seeded preemption point
  // (schedseed.h).
  bool seeded = schedseedEnabled();
  __atomic_store_n(&gp->preempt, seeded, __ATOMIC_RELAXED);
  if (seeded)
    seedClockTick(); // virtual time moves with the schedule (schedseed.h)
  if (traceEnabled()) {
    // After a wake-up: its number, the flow's end (g.tracewoken). With the
    // stop this pass of the scheduler left pending, one switch event.
    traceGoStart(mp, gp->goid, gp->tracewoken ? gp->tracewakeseq : 0);
    gp->tracewoken = false;
  }
  if (!inheritTime)
    __atomic_store_n(&mp->pp->schedtick, mp->pp->schedtick + 1, __ATOMIC_RELAXED);
  racegoswitch(gp); // -race: from here on, TSan sees gp's fiber
  glrt_gogo(&gp->sched);
  __builtin_unreachable();
}

// One round of scheduler: find a runnable G and run it. Never returns.
GLRT_SWITCH_NORETURN static void scheduleImpl() {
  m *mp = getg()->mp;
  if (mp->curg != nullptr || getg() != mp->g0)
    fatal("runtime: schedule: in user G", "schedule: holding locks");
  // An M wired to a G (LockOSThread) runs that G and nothing else: give
  // the P away and sleep until the G is runnable (syscall.cpp).
  if (mp->lockedg != nullptr) {
    if (traceEnabled())
      traceFlushPending(mp->pp); // the P goes to another M
    stoplockedm();
    execute(mp->lockedg, false);
  }
top:
  bool inheritTime = false;
  g *gp = findRunnable(&inheritTime);
  if (mp->spinning)
    resetspinning();
  // A G wired to another M: hand that M our P and wait for another.
  if (gp->lockedm != nullptr) {
    if (traceEnabled())
      traceFlushPending(mp->pp); // the P goes to gp's M
    startlockedm(gp);
    goto top;
  }
  execute(gp, inheritTime);
  __builtin_unreachable();
}

void schedule() {
  scheduleImpl();
  __builtin_unreachable();
}

// Detaches the current G from its M.
void dropg() {
  m *mp = getg()->mp;
  mp->curg->mp = nullptr;
  __atomic_store_n(&mp->curg, nullptr, __ATOMIC_RELAXED);
}

// ---------------------------------------------------------------------------
// G creation and exit

static void allgadd(g *gp) {
  lock(&allglock);
  gp->alllink = nullptr;
  if (allgsTail)
    allgsTail->alllink = gp;
  else
    allgs = gp;
  allgsTail = gp;
  unlock(&allglock);
}

void forEachG(void (*fn)(g *, void *), void *arg) {
  lock(&allglock);
  for (g *gp = allgs; gp; gp = gp->alllink)
    fn(gp, arg);
  unlock(&allglock);
}

static g *malg() {
  g *gp = static_cast<g *>(persistentalloc(sizeof(g), 64));
  gp->atomicstatus.store(_Gidle, std::memory_order_relaxed);
  return gp;
}

// Puts a dead G on pp's free list; moves a batch to the global list if
// the local one grows past 64.
static void gfput(p *pp, g *gp) {
  pp->gFree.push(gp);
  pp->gFreeN++;
  if (pp->gFreeN >= 64) {
    lock(&sched.gFreeLock);
    while (pp->gFreeN >= 32) {
      g *x = pp->gFree.pop();
      pp->gFreeN--;
      sched.gFree.push(x);
      sched.gFreeN++;
    }
    unlock(&sched.gFreeLock);
  }
}

// Gets a dead G from pp's free list, refilling up to 32 from the global
// list first if empty. pp may be null (thread without a P).
static g *gfget(p *pp) {
  if (pp == nullptr) {
    lock(&sched.gFreeLock);
    g *gp = sched.gFree.pop();
    if (gp)
      sched.gFreeN--;
    unlock(&sched.gFreeLock);
    return gp;
  }
  if (pp->gFree.empty()) {
    lock(&sched.gFreeLock);
    while (pp->gFreeN < 32 && !sched.gFree.empty()) {
      g *x = sched.gFree.pop();
      sched.gFreeN--;
      pp->gFree.push(x);
      pp->gFreeN++;
    }
    unlock(&sched.gFreeLock);
  }
  g *gp = pp->gFree.pop();
  if (gp)
    pp->gFreeN--;
  return gp;
}

// goids are handed out in batches of 16 per P (Go's _GoidCacheBatch).
static int64_t newgoid(p *pp) {
  if (pp == nullptr)
    return int64_t(sched.goidgen.fetch_add(1, std::memory_order_relaxed) + 1);
  if (pp->goidcache == pp->goidcacheend) {
    uint64_t base = sched.goidgen.fetch_add(16, std::memory_order_relaxed);
    pp->goidcache = base + 1;
    pp->goidcacheend = base + 17;
  }
  return int64_t(pp->goidcache++);
}

int64_t newproc1(void (*fn)(void *), void *arg, uintptr_t stacksize) {
  return newproc1pc(fn, arg, stacksize, 0);
}

static int64_t newproc1impl(void (*fn)(void *), void *arg, uintptr_t stacksize, uintptr_t gopc,
                            bool system);

int64_t newproc1pc(void (*fn)(void *), void *arg, uintptr_t stacksize, uintptr_t gopc) {
  return newproc1impl(fn, arg, stacksize, gopc, false);
}

// Go's system goroutines (the collector's): a negative goid, so
// tracebacks, checkdead and the goroutine dumps skip it, and not counted
// by NumGoroutine. Such a G must never exit.
static std::atomic<int64_t> nextsysgoid{-2};
int64_t newprocsystem(void (*fn)(void *), void *arg) {
  return newproc1impl(fn, arg, 0, 0, true);
}

static int64_t newproc1impl(void (*fn)(void *), void *arg, uintptr_t stacksize, uintptr_t gopc,
                            bool system) {
  g *self = getg();
  m *mp = self ? self->mp : nullptr;
  p *pp = mp ? mp->pp : nullptr;
  g *gp = gfget(pp);
  if (gp == nullptr) {
    gp = malg();
    casgstatus(gp, _Gidle, _Gdead);
    allgadd(gp);
  } else {
    // -race: a dead goroutine's record, whose g._defer generated code
    // read and wrote: the new goroutine forgets those accesses (race.h).
    static_assert(sizeof(g) % 8 == 0, "racereset's unit");
    racereset(gp, sizeof(g));
  }
  stackinit(gp, stacksize ? stacksize : firstSegmentSize);
  gp->sched.sp = gp->stackbase->hi & ~uintptr_t(15);
  gp->sched.pc = uintptr_t(&glrt_gostart);
  gp->sched.bp = 0;
  gp->sched.gp = gp;
  gp->sched.ctxt = nullptr;
  gp->startfn = fn;
  gp->startarg = arg;
  gp->waitreason = waitReasonZero;
  gp->preempt = false;
  gp->param = nullptr;
  gp->gcAssistBytes = 0; // a reused G's debt was its previous goroutine's
  gp->gopc = gopc;
  gp->goid = system ? nextsysgoid.fetch_sub(1, std::memory_order_relaxed) : newgoid(pp);
  racegostart(gp); // -race: in the creator's context (the `go` edge)
  int64_t id = gp->goid;
  if (!system)
    sched.ngoroutines.fetch_add(1, std::memory_order_relaxed);
  casgstatus(gp, _Gdead, _Grunnable);
  if (traceEnabled())
    traceGoCreate(mp, id, mp && mp->curg ? mp->curg->goid : 0, gopc);
  if (pp) {
    runqput(pp, gp, schedseedEnabled() ? seedRunnext() : true);
    if (mainStarted.load(std::memory_order_relaxed))
      wakep();
  } else {
    lock(&sched.lock);
    globrunqput(gp);
    unlock(&sched.lock);
    wakep();
  }
  return id;
}

// goexit continuation on g0.
static void goexit0(g *gp) {
  m *mp = getg()->mp;
  stackdebugReport(gp); // before NumGoroutine drops: observers see it done
  if (traceEnabled())
    traceGoStop(mp, gp->goid, 0, traceStopExit); // with the next start, as one switch (trace.h)
  dropg();
  gp->waitreason = waitReasonZero;
  gp->_panic = gp->_defer = nullptr;
  // Every frame has returned, so the G is back on its first segment; the
  // cache after it is trimmed (a dead G keeps only its first segment).
  gp->stackseg = gp->stackbase;
  stacktrimcache(gp);
  // -race: the fiber ends (the segments' next users reset their shadow:
  // stackalloc, stackinit).
  racegotog0();
  racegoend(gp);
  freeallocas(gp);
  // _Gdead last (Go marks it first): the status CAS (acq_rel) publishes the
  // trimmed G, so whoever sees _Gdead with readgstatus (acquire) sees its
  // stack fields final (stack_test reads them; TSan reported the race).
  // A G that exits while wired to its M (LockOSThread without Unlock)
  // takes the thread with it, as in Go: the M never runs another G.
  bool locked = gp->lockedm != nullptr;
  gp->lockedm = nullptr;
  mp->lockedg = nullptr;
  mp->lockedExt = 0;
  casgstatus(gp, _Grunning, _Gdead);
  sched.ngoroutines.fetch_sub(1, std::memory_order_relaxed);
  gfput(mp->pp, gp);
  if (locked)
    mexit();
  schedule();
}

// Park continuation on g0.
static void park_m(g *gp) {
  m *mp = getg()->mp;
  // Before the status CAS (acq_rel), which publishes it to goroutine
  // dumps (they read waitsince only after seeing _Gwaiting).
  gp->waitsince = coarsenanotime();
  casgstatus(gp, _Grunning, _Gwaiting);
  if (traceEnabled())
    traceGoStop(mp, gp->goid, gp->waitreason, traceStopPark); // with the next start, as one switch (trace.h)
  dropg();
  // An idle G keeps no cached segments beyond the one it is on: a parked
  // goroutine costs its G and the segments in use, nothing more. (Crossing
  // a boundary between two parks costs one pooled segment allocation; the
  // hot-split cache is for loops that do not park.)
  if (gp->stackseg->next)
    stacktrimcache(gp); // -race: in gp's fiber still (stackfree releases)
  // -race: back to the M's context before unlockf publishes the G (its
  // sudog): from then on a waker may act in gp's fiber (raceacquireg).
  racegotog0();
  if (auto fn = mp->waitunlockf) {
    bool ok = fn(gp, mp->waitlock);
    mp->waitunlockf = nullptr;
    mp->waitlock = nullptr;
    if (!ok) {
      casgstatus(gp, _Gwaiting, _Grunnable);
      execute(gp, true);
    }
  }
  schedule();
}

void gosched_m(g *gp) {
  racegotog0();
  casgstatus(gp, _Grunning, _Grunnable);
  if (traceEnabled())
    traceGoStop(getg()->mp, gp->goid, 0, gp->tracestop ? gp->tracestop : traceStopGosched);
  gp->tracestop = 0;
  dropg();
  lock(&sched.lock);
  globrunqput(gp);
  unlock(&sched.lock);
  schedule();
}

// Go's goyield_m: as gosched_m, but gp goes to the tail of this P's local
// queue, so this M runs it again after the runnext G (Goyield).
void goyield_m(g *gp) {
  racegotog0();
  casgstatus(gp, _Grunning, _Grunnable);
  if (traceEnabled())
    traceGoStop(getg()->mp, gp->goid, 0, gp->tracestop ? gp->tracestop : traceStopGosched);
  gp->tracestop = 0;
  p *pp = getg()->mp->pp;
  dropg();
  runqput(pp, gp, false);
  schedule();
}

void gopark(bool (*unlockf)(g *, void *), void *lk, waitReason reason) {
  m *mp = getg()->mp;
  g *gp = mp->curg;
  if (gp == nullptr || gp != getg())
    fatal("runtime: gopark on g0", "gopark: bad g status");
  mp->waitunlockf = unlockf;
  mp->waitlock = lk;
  gp->waitreason = reason;
  glrt_mcall(park_m);
}

static void ready(g *gp, bool wake) {
  if (readgstatus(gp) != _Gwaiting)
    fatal("runtime: goready: bad g status", "bad g->status in ready");
  casgstatus(gp, _Gwaiting, _Grunnable);
  m *mp = getg()->mp;
  if (traceEnabled()) {
    // Number the wake-up: GoUnblock and the G's next GoStart both record
    // it, the two ends of the flow (g.tracewoken).
    if (++gp->tracewakeseq == 0)
      gp->tracewakeseq = 1;
    gp->tracewoken = true;
    traceGoUnblock(mp, gp->goid, mp->curg ? mp->curg->goid : 0, gp->tracewakeseq);
  }
  // runnext: the woken G runs next. Under schedseed a coin decides, which
  // also permutes the order of several Gs woken at once (schedseed.h).
  runqput(mp->pp, gp, schedseedEnabled() ? seedRunnext() : true);
  if (wake)
    wakep();
}

// A timer that fires at `when` was added: if a P is idle, start a spinning
// M so that some idle M recomputes its sleep deadline (Go's wakeNetPoller).
void wakeTimerSleeper(int64_t when) {
  // An M blocked in netpoll sleeps until pollUntil at most: break its
  // poll if this timer is earlier (Go's wakeNetPoller). lastpoll is 0
  // also before the poller exists (Go sets it in schedinit; glrt only at
  // netpollGenericInit), so check netpollinited first: without it there
  // is no eventfd to write.
  if (netpollinited() && sched_lastpoll.load(std::memory_order_seq_cst) == 0) {
    int64_t pu = sched_pollUntil.load(std::memory_order_seq_cst);
    if (pu == 0 || pu > when)
      onsystemstack([] { netpollBreak(); }); // write(2): g0
  }
  if (sched.npidle.load(std::memory_order_relaxed) == 0)
    return;
  systemstack([] { wakep(); });
}

// sysmon's thread has no G (no systemstack): wakep needs none, it only
// takes sched.lock and wakes or creates an M.
bool wakeForTimers() {
  if (sched.npidle.load(std::memory_order_seq_cst) == 0)
    return false;
  int32_t zero = 0;
  if (sched.nmspinning.load(std::memory_order_seq_cst) != 0 ||
      !sched.nmspinning.compare_exchange_strong(zero, 1, std::memory_order_seq_cst))
    return false;
  startm(nullptr, true);
  return true;
}

void goready(g *gp, bool wake) {
  systemstack([gp, wake] { ready(gp, wake); });
}

void Gosched() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0)
    return; // not on a goroutine: nothing to yield
  glrt_mcall(gosched_m);
}

void Goyield() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0)
    return;
  glrt_mcall(goyield_m);
}

// ---------------------------------------------------------------------------
// Stop the world and resize

// Resizes to nprocs Ps. Caller holds sched.lock and the world is stopped
// (or this is schedinit). Returns the Ps with local work (not idle), linked
// through p.link; the caller must start Ms for them.
static p *procresize(int32_t nprocs) REQUIRES(sched.lock) {
  int32_t old = gomaxprocs.load(std::memory_order_relaxed);
  if (traceEnabled())
    traceMEvent(traceEvProcResize, old, nprocs);
  if (nprocs > allplen) {
    p **na = static_cast<p **>(persistentalloc(sizeof(p *) * size_t(nprocs), 64));
    for (int32_t i = 0; i < allplen; i++)
      na[i] = allp[i];
    // Release stores, allp first: a reader that loads allplen (acquire,
    // allplenForTrace) then allp sees an array at least that long. Old
    // arrays stay valid for racy readers.
    __atomic_store_n(&allp, na, __ATOMIC_RELEASE);
    __atomic_store_n(&allplen, nprocs, __ATOMIC_RELEASE);
  }
  for (int32_t i = 0; i < nprocs; i++) {
    if (allp[i] == nullptr) {
      p *pp = static_cast<p *>(persistentalloc(sizeof(p), 64));
      pp->id = i;
      pp->seedrand = seedrandInit(i);
      __atomic_store_n(&pp->status, _Pgcstop, __ATOMIC_RELAXED);
      allp[i] = pp;
    } else if (__atomic_load_n(&allp[i]->status, __ATOMIC_RELAXED) == _Pdead) {
      // (an atomic load: an M leaving a system call may CAS the status of
      // a _Psyscall P concurrently; it fails, since STW made it _Pgcstop)
      __atomic_store_n(&allp[i]->status, _Pgcstop, __ATOMIC_RELAXED);
    }
  }
  // Destroy Ps beyond nprocs: their Gs go to the global queue.
  for (int32_t i = nprocs; i < old; i++) {
    p *pp = allp[i];
    bool inherit;
    gQueue q;
    while (g *gp = runqget(pp, &inherit))
      q.pushBack(gp);
    int32_t n = 0;
    for (g *x = q.head; x; x = x->schedlink)
      n++;
    // Keep them ahead of newer global work, in order.
    q.pushBackAll(sched.runq);
    sched.runq = q;
    sched.runqsize.store(sched.runqsize.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    lock(&sched.gFreeLock);
    while (g *gp = pp->gFree.pop()) {
      pp->gFreeN--;
      sched.gFree.push(gp);
      sched.gFreeN++;
    }
    unlock(&sched.gFreeLock);
    moveTimers(allp[0], pp);
    __atomic_store_n(&pp->status, _Pdead, __ATOMIC_RELAXED);
  }
  m *mp = getg()->mp;
  if (mp->pp && mp->pp->id < nprocs) {
    __atomic_store_n(&mp->pp->status, _Prunning, __ATOMIC_RELAXED);
  } else {
    if (mp->pp) {
      __atomic_store_n(&mp->pp->mp, nullptr, __ATOMIC_RELAXED);
      mp->pp = nullptr;
    }
    p *pp = allp[0];
    __atomic_store_n(&pp->mp, nullptr, __ATOMIC_RELAXED);
    __atomic_store_n(&pp->status, _Pidle, __ATOMIC_RELAXED);
    acquirep(pp);
  }
  gomaxprocs.store(nprocs, std::memory_order_seq_cst);
  // Rebuild the idle list.
  sched.pidle = nullptr;
  sched.npidle.store(0, std::memory_order_seq_cst);
  p *runnable = nullptr;
  for (int32_t i = nprocs - 1; i >= 0; i--) {
    p *pp = allp[i];
    if (mp->pp == pp)
      continue;
    __atomic_store_n(&pp->mp, nullptr, __ATOMIC_RELAXED);
    if (runqempty(pp)) {
      pidleput(pp);
    } else {
      __atomic_store_n(&pp->status, _Pidle, __ATOMIC_RELAXED); // startm will acquire it
      pp->link = runnable;
      runnable = pp;
    }
  }
  return runnable;
}

struct stwArgs {
  int32_t newprocs;
};

// Go's worldsema: the right to stop the world. A G takes it before it
// switches to g0 in stopTheWorld and gives it back after startTheWorld, so
// at most one stop is in progress: a second stopper parks here as a G
// (semacquire) instead of resetting sched.stopwait on g0 while the first
// waits for it to stop its own P (which it never would: both waited
// forever). While the holder runs between the two (the world stopped, or
// its own code around a collection later), its M is marked with
// preemptoff. The collector will take it too.
static std::atomic<uint32_t> worldsema{1};

static void stopTheWorldOnG0(void *reason) {
  m *mp = getg()->mp;
  if (traceEnabled())
    traceMEvent(traceEvSTWStart, 0, int64_t(reason)); // on the M's buffer, as STWDone: one stream balances them
  lock(&sched.lock);
  sched.stopwait = gomaxprocs.load();
  sched.gcwaiting.store(1, std::memory_order_seq_cst);
  __atomic_store_n(&mp->pp->status, _Pgcstop, __ATOMIC_RELAXED);
  sched.stopwait--;
  // Ps whose M is in a system call stop now: the M finds its P gone in
  // exitsyscall. seq_cst CAS after the seq_cst gcwaiting store: an M
  // entering a syscall either shows up here or sees gcwaiting and stops
  // its P itself (entersyscall_gcwait); whoever wins the CAS counts it.
  for (int32_t i = 0; i < gomaxprocs.load(); i++) {
    p *pp = allp[i];
    uint32_t s = _Psyscall;
    if (__atomic_compare_exchange_n(&pp->status, &s, _Pgcstop, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
      __atomic_store_n(&pp->syscalltick, pp->syscalltick + 1, __ATOMIC_RELAXED);
      sched.stopwait--;
    }
  }
  while (p *pp = pidleget()) {
    __atomic_store_n(&pp->status, _Pgcstop, __ATOMIC_RELAXED);
    sched.stopwait--;
  }
  bool wait = sched.stopwait > 0;
  unlock(&sched.lock);
  if (wait) {
    // Running Ps stop at their next schedule(): make them get there soon,
    // at once and then every 100 us (Go: preemptall, then again after
    // each 100 us wait). Waiting first left the first request 100 us
    // late: every stop of a running P took 0.13-0.19 ms on an idle P
    // (the concurrent collector's mark termination in bench gc_pause).
    preemptall();
    for (;;) {
      if (notetsleep(&sched.stopnote, 100 * 1000))
        break;
      preemptall();
    }
    noteclear(&sched.stopnote);
  }
}

void stopTheWorld(const char *reason) {
  semacquire(&worldsema, waitReasonSemacquire);
  getg()->mp->preemptoff = reason;
  glrt_systemstack(stopTheWorldOnG0, const_cast<char *>(reason));
}

static void startTheWorldOnG0(void *arg) {
  int32_t n = static_cast<stwArgs *>(arg)->newprocs;
  lock(&sched.lock);
  p *runnable = procresize(n > 0 ? n : gomaxprocs.load());
  if (traceEnabled())
    traceMEvent(traceEvSTWDone, 0, 0);
  sched.gcwaiting.store(0, std::memory_order_seq_cst);
  wakeSysmon();
  unlock(&sched.lock);
  while (runnable) {
    p *pp = runnable;
    runnable = pp->link;
    startm(pp, false);
  }
  wakep();
}

void startTheWorld(int32_t newprocs) {
  stwArgs a{newprocs};
  glrt_systemstack(startTheWorldOnG0, &a);
  getg()->mp->preemptoff = nullptr;
  semrelease(&worldsema, false);
}

// ---------------------------------------------------------------------------
// Initialisation and process entry

static int32_t getproccount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return 1;
  int n = CPU_COUNT(&set);
  return n > 0 ? n : 1;
}

// Go's runtime atoi32: optional '-', decimal digits only, no overflow.
static bool atoi32(const char *s, int32_t *out) {
  if (!s || !*s)
    return false;
  bool neg = false;
  if (*s == '-') {
    neg = true;
    s++;
    if (!*s)
      return false;
  }
  int64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    v = v * 10 + (*s - '0');
    if (v > INT32_MAX)
      return false;
  }
  *out = int32_t(neg ? -v : v);
  return true;
}

static bool debugStack; // GODEBUG=stackdebug=1 (set once in schedinit)
static bool debugPreempt; // GODEBUG=preemptdebug=1 (set once in schedinit)

// GODEBUG=preemptdebug=1 (glrt only): when main returns, one line with
// sysmon's preemption requests and how they were honoured. Runs on g0.
static void preemptdebugReport() {
  if (!debugPreempt)
    return;
  char buf[200];
  int n = snprintf(buf, sizeof buf,
                   "preemptdebug: requests=%lld signals=%lld cooperative=%lld async=%lld\n",
                   (long long)preemptStat.requests.load(), (long long)preemptStat.signals.load(),
                   (long long)preemptStat.cooperative.load(), (long long)preemptStat.async.load());
  if (n > 0)
    (void)!write(2, buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

// GODEBUG=name=val,... -> value of name, or -1.
static int32_t godebug(const char *name) {
  const char *s = getenv("GODEBUG");
  if (!s)
    return -1;
  size_t nl = strlen(name);
  int32_t result = -1;
  while (*s) {
    const char *end = strchr(s, ',');
    size_t len = end ? size_t(end - s) : strlen(s);
    if (len > nl && strncmp(s, name, nl) == 0 && s[nl] == '=') {
      char buf[32];
      size_t vl = len - nl - 1;
      if (vl < sizeof buf) {
        memcpy(buf, s + nl + 1, vl);
        buf[vl] = 0;
        int32_t v;
        if (atoi32(buf, &v))
          result = v; // the last setting wins
      }
    }
    s += len;
    if (*s == ',')
      s++;
  }
  return result;
}

// GODEBUG=name=value,... -> copies value (NUL-terminated, truncated to
// size) into buf and returns true if name is set; the last setting wins.
static bool godebugstr(const char *name, char *buf, size_t size) {
  const char *s = getenv("GODEBUG");
  if (!s)
    return false;
  size_t nl = strlen(name);
  bool found = false;
  while (*s) {
    const char *end = strchr(s, ',');
    size_t len = end ? size_t(end - s) : strlen(s);
    if (len > nl && strncmp(s, name, nl) == 0 && s[nl] == '=') {
      size_t vl = len - nl - 1;
      if (vl >= size)
        vl = size - 1;
      memcpy(buf, s + nl + 1, vl);
      buf[vl] = 0;
      found = true;
    }
    s += len;
    if (*s == ',')
      s++;
  }
  return found;
}

int32_t allplenForTrace() { return __atomic_load_n(&allplen, __ATOMIC_ACQUIRE); }

void releasem0ForTest() {
  mainStarted.store(true, std::memory_order_relaxed);
  if (getg() != &g0_0 || m0.pp == nullptr)
    return; // already released (several test files call it)
  lock(&sched.lock);
  p *pp = releasep();
  pidleput(pp);
  unlock(&sched.lock);
}

} // namespace glrt

using namespace glrt;

extern "C" void glrt_schedinit(int argc, char **argv) {
  if (schedinited)
    return;
  schedinited = true;
  g0_0.mp = &m0;
  g0_0.goid = -1;
  g0_0.atomicstatus.store(_Grunning, std::memory_order_relaxed);
  m0.g0 = &g0_0;
  glrt_curg = &g0_0;
  raceminit(&g0_0);
  lock(&sched.lock);
  int64_t id = mReserveID();
  unlock(&sched.lock);
  mcommoninit(&m0, id);
  setg0bounds(&m0);
  setstacklimit(g0_0.stackguard0);
  minitpreempt(&m0);

  // Before the first procresize: it creates the Ps (their seeded
  // generators) and is the trace's first event.
  char tracepath[4096];
  if (godebugstr("tracefile", tracepath, sizeof tracepath) && tracepath[0])
    traceInit(tracepath);
  char seedstr[32];
  if (godebugstr("schedseed", seedstr, sizeof seedstr) && seedstr[0]) {
    uint64_t seed = 0;
    for (const char *c = seedstr; *c >= '0' && *c <= '9'; c++)
      seed = seed * 10 + uint64_t(*c - '0');
    schedseedInit(seed, godebug("schedpreempt"));
    seedfastrand(&m0, mfastrandseed(m0.id)); // m0 was seeded by the clock above
    // Time-driven preemption cannot be replayed: no SIGURGs (below) and
    // no retake (sysmon.cpp).
  }

  ncpu = getproccount();
  int32_t procs = ncpu;
  int32_t n;
  if (atoi32(getenv("GOMAXPROCS"), &n) && n > 0)
    procs = n;
  lock(&sched.lock);
  p *runnable = procresize(procs);
  unlock(&sched.lock);
  (void)runnable; // all Ps are empty at start
  int32_t st = godebug("schedtrace");
  if (st > 0)
    startSchedtraceThread(st, godebug("scheddetail") > 0);
  debugStack = godebug("stackdebug") > 0;
  debugPreempt = godebug("preemptdebug") > 0;
  wbtestinit(godebug("wbtest") > 0); // mbarrier.cpp
  setAsyncPreemptOff(godebug("asyncpreemptoff") > 0 || schedseedEnabled());
}

// GODEBUG=stackdebug=1: one line per goroutine that grew its stack, printed
// when it exits (goroutine 1: when main returns). Runs on g0.
static void stackdebugReport(g *gp) {
  if (!debugStack || gp->nsegalloc == 0)
    return;
  uintptr_t largest = 0;
  for (stkseg *s = gp->stackbase; s; s = s->next)
    if (s->size > largest)
      largest = s->size;
  char buf[160];
  int n = snprintf(buf, sizeof buf,
                   "stackdebug: goroutine %lld added %lld stack segments (largest %llu bytes)\n",
                   (long long)gp->goid, (long long)gp->nsegalloc, (unsigned long long)largest);
  if (n > 0)
    (void)!write(2, buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

namespace glrt {
extern std::atomic<int32_t> runningPanicDefers; // defer.cpp
}

static void mainTrampoline(void *fn) {
  reinterpret_cast<void (*)(void)>(fn)();
  // main returned: exit at once, whatever other goroutines are doing,
  // unless one of them is panicking (go1.19's runtime.main): a panic
  // still running deferred calls gets up to 1000 yields to finish them
  // (its deferred call may be what woke main: wg.Done in a dying
  // goroutine), and a thread printing a fatal panic or error exits the
  // process itself with status 2; main waits for it, never exits 0.
  if (runningPanicDefers.load(std::memory_order_relaxed) != 0)
    for (int c = 0; c < 1000 && runningPanicDefers.load(std::memory_order_relaxed) != 0; c++)
      Gosched();
  if (panicking())
    glrt_systemstack([](void *) { for (;;) pause(); }, nullptr);
  glrt_systemstack(
      [](void *) {
        stackdebugReport(getg()->mp->curg);
        preemptdebugReport();
        wbtestReport();
        if (&glrt_exit != nullptr)
          glrt_exit(0); // flushes the trace
        traceFlush();
        _exit(0);
      },
      nullptr);
}

extern "C" void glrt_rt0_go(void (*mainfn)(void)) {
  if (!schedinited)
    glrt_schedinit(0, nullptr);
  gcinit(); // real programs only: the unit tests never collect by themselves
  newproc1(mainTrampoline, reinterpret_cast<void *>(mainfn), 0);
  // go1.19's runtime.main starts three system goroutines (forcegc,
  // bgsweep, bgscavenge: goids 2-4 from the same per-P batch) before
  // main.main runs, so the first goroutine main creates is goroutine 5.
  // Skip those ids so goroutine headers in traces match Go's.
  g *self = getg();
  p *pp = self && self->mp ? self->mp->pp : nullptr;
  if (pp && pp->goidcache + 3 <= pp->goidcacheend)
    pp->goidcache += 3;
  // Those system goroutines also run before main.main (runtime.main waits
  // for two of them): P0's schedtick is 4 (mod 61) when main.main starts
  // in go1.19, measured with GOMAXPROCS=1 by which Gosched first finds the
  // global queue's turn (findRunnable's schedtick % 61 check). Start there,
  // so a program that yields with runtime.Gosched sees go1.19's order
  // (from 0, main's first Gosched came straight back to main).
  if (pp)
    __atomic_store_n(&pp->schedtick, pp->schedtick + 4, __ATOMIC_RELAXED);
  mainStarted.store(true, std::memory_order_relaxed);
  // Real programs only (unit tests drive the scheduler by hand): the
  // SIGURG handler, then sysmon, which may send SIGURG.
  initPreemptSignal();
  startSysmon();
  checkdeadArmed.store(true, std::memory_order_relaxed);
  glrt_mstart_on_g0(&g0_0, mstart1);
}

extern "C" void glrt_goexit1(void) {
  glrt_mcall(goexit0);
  __builtin_unreachable();
}

struct newprocArgs {
  void (*fn)(void *);
  void *arg;
  uintptr_t gopc;
};

// The caller is the generated code of a `go` statement: its return address
// is the new G's gopc ("created by" in tracebacks).
extern "C" void glrt_newproc(void (*fn)(void *), void *arg) {
  newprocArgs a{fn, arg, reinterpret_cast<uintptr_t>(__builtin_return_address(0))};
  auto body = [](void *p) {
    auto *a = static_cast<newprocArgs *>(p);
    newproc1pc(a->fn, a->arg, 0, a->gopc);
  };
  if (getg() == nullptr)
    body(&a);
  else
    glrt_systemstack(body, &a);
}

extern "C" void glrt_Gosched(void) { Gosched(); }

extern "C" int64_t glrt_GOMAXPROCS(int64_t n) {
  int32_t ret = gomaxprocs.load();
  if (n <= 0 || n == ret)
    return ret;
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->mp->pp == nullptr)
    return ret; // only a goroutine can stop the world
  if (n > INT32_MAX)
    n = INT32_MAX;
  stopTheWorld("GOMAXPROCS");
  startTheWorld(int32_t(n));
  return ret;
}

// runtime.GC(): a full, blocking collection (gcCollect, mgc.cpp) when the
// collector is enabled; otherwise (runtime tests without gcinit) only what
// a collection means to the scheduler: stop the world and start it again
// through the same path. Either way it then yields like Gosched, so a
// goroutine calling runtime.GC in a loop does not keep its P for a whole
// time slice per call (go1.19 fixedbugs/issue30977.go).
extern "C" void glrt_GC(void) {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->mp->pp == nullptr)
    return; // only a goroutine can stop the world
  if (gcEnabled()) {
    gcCollect(true);
  } else {
    stopTheWorld("GC");
    startTheWorld(0);
  }
  Gosched();
}

extern "C" int64_t glrt_NumCPU(void) { return ncpu; }

// A loop polling runtime.NumGoroutine() is preemptible (preempt.h:
// preemptCheck).
extern "C" int64_t glrt_NumGoroutine(void) {
  preemptCheck();
  return sched.ngoroutines.load(std::memory_order_relaxed);
}
