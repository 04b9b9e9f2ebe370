//===- sysmon.cpp - the system monitor thread (Go's sysmon, proc.go) ------===//
//
// sysmon is a dedicated OS thread that is not an M: it holds no P, runs no
// G, never takes part in scheduling and is not counted by checkdead. It
// wakes up periodically and looks at every P:
//
//   retake: a P in _Prunning whose schedtick has not moved for
//   forcePreemptNS (10 ms) has been running the same G (or a chain of Gs
//   inheriting one time slice through runnext) for that long: preemptone
//   asks that G to yield (preempt.cpp). A P in _Psyscall (its M blocked in
//   a system call) whose call has lasted at least one tick (the current
//   delay between looks) is taken and handed to another M when there is
//   other work (or after 10 ms): syscall.cpp's retakesyscall, Go's rule
//   timed from the call's start instead of from a first look. Such a
//   retake counts as work (the sleep goes back to 20 us), as in Go.
//
//   netpoll: if nobody has polled the network for 10 ms (every M busy
//   running Go code, none idle to block in netpoll), sysmon polls without
//   blocking and queues the ready Gs globally (sysmonNetpoll, proc.cpp).
//
//   Overdue timers on idle Ps (Go's sysmon does this only on netbsd,
//   where its netpoller may oversleep): normally an
//   M that gives up its P sleeps until the earliest timer (stopmUntil) and
//   addtimer wakes one for an earlier timer. Should a timer still be due
//   for more than timerGraceNS while some P is idle and no M is spinning
//   (an M that had the duty is stuck in a timer function or a system call,
//   or any wake-up that was missed), sysmon starts a spinning M
//   (wakeForTimers): it takes an idle P and runs every due timer in
//   findRunnable. So with a P free, no timer is later than timerGraceNS
//   plus one look of sysmon (which sleeps no longer than until the
//   earliest timer, then 20 us). The grace keeps sysmon from starting a
//   second M each time the sleeping one is about to run the timer.
//
//   Overdue timers on busy Ps (glrt, not Go): a P in _Prunning whose own timer heap
//   has a timer that is due is preempted at once, whatever its time
//   slice: a P runs its timers only when it enters the scheduler, so in Go
//   a time.Sleep behind a busy goroutine ends only when that goroutine's
//   10 ms slice does. Here it ends within sysmon's next look, and sysmon
//   times its sleep to wake when the earliest timer is due (never later
//   than its usual delay). Cost: one preemption per burst of due timers
//   on a busy P.
//
// Sleep: 20 us between looks (with 1 us of timer slack, below); after 50
// consecutive looks that retook nothing the delay doubles each time up to
// 10 ms (Go's rule; preemption requests do not count as work, as in Go),
// but never past the earliest pending timer. While the world is stopped or
// every P is idle, sysmon sleeps on sched.sysmonnote until the next timer
// is due (at most 60 s) or startTheWorld (or a system call's entry or
// exit) wakes it: with every P idle only a timer, a stop-the-world or a
// returning call can start Go code again. After such a sleep the delay
// starts again at 20 us however it ended (Go resets it only when woken,
// not at its timer, to spare programs that mostly sleep; here a program
// waking from a sleep to make a blocking call is handed off within
// ~20-50 us rather than a backed-off look later; an idle program is
// unaffected: it sleeps in sysmonwait, not in the backed-off loop).
//
// Invariants / who touches what:
//   - sysmon is the only writer of p.sysmonSchedtick/sysmonSchedwhen.
//   - it reads allp, gomaxprocs, p.status, p.schedtick, p.mp, m.curg
//     racily (acquire for allp/gomaxprocs, which procresize publishes in
//     that order; relaxed for the rest: a stale value costs one wrong or
//     missed request, never memory safety: Ps and Ms are never freed).
//   - sched.sysmonwait is set under sched.lock; startTheWorld clears it and
//     wakes the note.
//===----------------------------------------------------------------------===//
#include "mheap.h"
#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include "lock.h"
#include "netpoll.h"
#include "panic.h"
#include "preempt.h"
#include "proc.h"
#include "procsys.h"
#include "schedseed.h"
#include "timer.h"

namespace glrt {

static constexpr int64_t forcePreemptNS = 10 * 1000 * 1000;
static constexpr int64_t sysmonIdleSleepNS = 60LL * 1000 * 1000 * 1000;
static constexpr int64_t timerGraceNS = 1000 * 1000;

// A timer overdue by more than timerGraceNS with a P idle: start an M for
// it (see the header). Returns whether sysmon asked for one.
bool sysmonCheckTimers(int64_t now) {
  if (schedseedEnabled())
    return false; // virtual time: `when` is not on sysmon's clock (schedseed.h)
  int64_t next = nextTimerWhen();
  if (next == 0 || now - next <= timerGraceNS)
    return false;
  if (sched.npidle.load(std::memory_order_seq_cst) == 0)
    return false; // every P is busy: each runs its own heap, retake preempts it
  return wakeForTimers();
}

// Returns how many Ps it took from system calls. tick: sysmon's current
// delay between looks (a call is taken once it has lasted that long).
static int32_t retake(int64_t now, int64_t tick, bool preempt) {
  int32_t n = gomaxprocs.load(std::memory_order_acquire);
  p **ps = __atomic_load_n(&allp, __ATOMIC_ACQUIRE);
  int32_t retaken = 0;
  for (int32_t i = 0; i < n; i++) {
    p *pp = ps[i];
    if (pp == nullptr)
      continue;
    // acquire: with _Psyscall comes the p.syscallwhen stored before it.
    uint32_t s = __atomic_load_n(&pp->status, __ATOMIC_ACQUIRE);
    if (s == _Psyscall) {
      retaken += retakesyscall(pp, now, tick);
      continue;
    }
    if (s != _Prunning || !preempt)
      continue;
    int64_t tw = timerWhenOf(pp);
    if (tw != 0 && tw <= now) {
      preemptone(pp); // its timers run when it enters the scheduler
      continue;
    }
    uint32_t t = __atomic_load_n(&pp->schedtick, __ATOMIC_RELAXED);
    if (pp->sysmonSchedtick != t) {
      pp->sysmonSchedtick = t;
      pp->sysmonSchedwhen = now;
    } else if (pp->sysmonSchedwhen + forcePreemptNS <= now) {
      preemptone(pp);
      // Go does not reset schedwhen: it asks again on every look until
      // the P moves on.
    }
  }
  return retaken;
}

static void usleepNS(int64_t ns) {
  struct timespec ts;
  ts.tv_sec = time_t(ns / 1000000000);
  ts.tv_nsec = long(ns % 1000000000);
  while (nanosleep(&ts, &ts) != 0) {
  }
}

static void *sysmon(void *) {
  minitNonM(); // not an M: a signal sent to the process goes on to one (panic.h)
  // Timer slack (glrt, not Go): Linux lets a normal thread's nanosleep
  // end up to 50 us late (the default slack), so Go's "20 us" tick is
  // 70 us or more, and a P blocked in a system call is retaken on the
  // second look: 140 us or more after the call began. sysmon's sleeps are
  // its clock; with 1 us of slack its looks are 20 us apart as intended.
  // Only this thread's own sleeps are affected (slack is per thread); the
  // backoff to 10 ms keeps an idle program's wake-ups rare.
  (void)prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  // A parked M ready for the first hand-off (proc.cpp: newSpareM, why).
  newSpareM();
  int64_t idle = 0, delay = 0, lastscavenge = 0;
  for (;;) {
    if (idle == 0)
      delay = 20 * 1000;
    else if (idle > 50)
      delay *= 2;
    if (delay > 10 * 1000 * 1000)
      delay = 10 * 1000 * 1000;
    int64_t sleep = delay;
    if (int64_t next = schedseedEnabled() ? 0 : nextTimerWhen()) {
      int64_t until = next - nanotime();
      if (until < sleep)
        sleep = until < 20 * 1000 ? 20 * 1000 : until;
    }
    usleepNS(sleep);
    int64_t now = nanotime();
    if (sched.gcwaiting.load(std::memory_order_seq_cst) != 0 ||
        sched.npidle.load(std::memory_order_seq_cst) == gomaxprocs.load(std::memory_order_seq_cst)) {
      lock(&sched.lock);
      if (sched.gcwaiting.load(std::memory_order_seq_cst) != 0 ||
          sched.npidle.load(std::memory_order_seq_cst) == gomaxprocs.load(std::memory_order_seq_cst)) {
        int64_t next = schedseedEnabled() ? 0 : nextTimerWhen();
        int64_t sleep = sysmonIdleSleepNS;
        if (next != 0 && next - now < sleep)
          sleep = next - now;
        if (sleep > 0) {
          sched.sysmonwait.store(1, std::memory_order_seq_cst);
          unlock(&sched.lock);
          notetsleep(&sched.sysmonnote, sleep);
          lock(&sched.lock);
          sched.sysmonwait.store(0, std::memory_order_seq_cst);
          noteclear(&sched.sysmonnote);
        }
        idle = 0;
        delay = 20 * 1000;
      }
      unlock(&sched.lock);
      now = nanotime();
    }
    // Under schedseed, preemption comes only from the seed (schedseed.h):
    // a time-driven request could not be replayed. (System calls are
    // still retaken: a blocked read is not a schedule choice.)
    bool retook = retake(now, delay, !schedseedEnabled()) != 0;
    sysmonCheckTimers(now);
    sysmonNetpoll(now); // netpoll.h: if no one has polled for 10 ms
    // The background scavenger (mheap.cpp: bgscavenge), paced by sysmon's
    // loop rather than a goroutine of its own: about every 100 ms.
    if (now - lastscavenge >= 100 * 1000 * 1000) {
      lastscavenge = now;
      bgscavenge();
    }
    if (retook)
      idle = 0;
    else
      idle++;
  }
  return nullptr;
}

void startSysmon() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 << 10);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (pthread_create(&t, &attr, sysmon, nullptr) != 0)
    fatal("runtime: failed to create new OS thread", "newosproc");
  pthread_attr_destroy(&attr);
}

// Called with sched.lock held (startTheWorld).
void wakeSysmon() {
  if (sched.sysmonwait.load(std::memory_order_seq_cst) != 0) {
    sched.sysmonwait.store(0, std::memory_order_seq_cst);
    notewakeup(&sched.sysmonnote);
  }
}

} // namespace glrt
