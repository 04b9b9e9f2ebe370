//===- schedtrace.cpp - GODEBUG=schedtrace=N[,scheddetail=1] --------------===//
//
// Prints Go's scheduler trace lines (proc.go:schedtrace) every N ms from a
// plain timer thread (it stands in for sysmon, which does this in Go, and is
// counted in threads= as sysmon is). Reads scheduler state racily except
// for what Go also reads under sched.lock. Output goes to stderr, one
// write() per line block.
//===----------------------------------------------------------------------===//
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <pthread.h>
#include <unistd.h>

#include "panic.h"
#include "proc.h"
#include "runq.h"

namespace glrt {

namespace {

struct outbuf {
  char buf[4096];
  size_t n = 0;
  void flush() {
    if (n)
      (void)!write(2, buf, n);
    n = 0;
  }
  void printf(const char *fmt, ...) __attribute__((format(printf, 2, 3))) {
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0)
      return;
    size_t len = size_t(k) < sizeof tmp ? size_t(k) : sizeof tmp - 1;
    if (n + len > sizeof buf)
      flush();
    memcpy(buf + n, tmp, len);
    n += len;
  }
};

int64_t starttime = 0;
bool traceThreadRunning = false;
int32_t tracePeriodMs = 0;
bool traceDetailed = false;

} // namespace

void schedtrace(bool detailed) {
  int64_t now = nanotime();
  if (starttime == 0)
    starttime = now;
  outbuf o;
  lock(&sched.lock);
  int32_t procs = gomaxprocs.load();
  int32_t threads = int32_t(sched.mnext - sched.nmfreed) - sched.nmsys + (traceThreadRunning ? 1 : 0);
  o.printf("SCHED %lldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d idlethreads=%d runqueue=%d",
           (long long)((now - starttime) / 1000000), procs, sched.npidle.load(), threads,
           sched.nmspinning.load(), sched.nmidle, sched.runqsize.load());
  if (detailed)
    o.printf(" gcwaiting=%u nmidlelocked=%d stopwait=%d sysmonwait=%d\n", sched.gcwaiting.load(),
             sched.nmidlelocked, sched.stopwait, sched.sysmonwait.load());
  for (int32_t i = 0; i < procs; i++) {
    p *pp = allp[i];
    uint32_t len = runqlen(pp->runq);
    if (detailed) {
      m *mp = pp->mp;
      o.printf("  P%d: status=%u schedtick=%u syscalltick=%u m=%lld runqsize=%u gfreecnt=%d timerslen=0\n", i,
               pp->status, pp->schedtick, pp->syscalltick, mp ? (long long)mp->id : -1LL, len, pp->gFreeN);
    } else {
      o.printf("%s%u", i == 0 ? " [" : " ", len);
      if (i == procs - 1)
        o.printf("]\n");
    }
  }
  if (!detailed) {
    unlock(&sched.lock);
    o.flush();
    return;
  }
  for (m *mp = allm.load(std::memory_order_acquire); mp; mp = mp->alllink) {
    p *pp = mp->pp;
    g *gp = mp->curg;
    o.printf("  M%lld: p=%d curg=%lld mallocing=%d throwing=%d preemptoff=%s locks=%d dying=0 spinning=%s "
             "blocked=%s lockedg=%lld\n",
             (long long)mp->id, pp ? pp->id : -1, gp ? (long long)gp->goid : -1LL, mp->mallocing, mp->throwing,
             mp->preemptoff ? mp->preemptoff : "", mp->locks, mp->spinning ? "true" : "false",
             mp->blocked ? "true" : "false", mp->lockedg ? (long long)mp->lockedg->goid : -1LL);
  }
  unlock(&sched.lock);
  forEachG(
      [](g *gp, void *arg) {
        outbuf &o = *static_cast<outbuf *>(arg);
        m *mp = gp->mp;
        m *lm = gp->lockedm;
        o.printf("  G%lld: status=%u(%s) m=%lld lockedm=%lld\n", (long long)gp->goid, readgstatus(gp),
                 waitReasonString(gp->waitreason), mp ? (long long)mp->id : -1LL, lm ? (long long)lm->id : -1LL);
      },
      &o);
  o.flush();
}

static void *schedtraceThread(void *) {
  glrt::minitNonM(); // not an M (panic.h)
  // Like sysmon: the first line at start-up ("SCHED 0ms"), then one per
  // period.
  for (;;) {
    schedtrace(traceDetailed);
    usleep(uint32_t(tracePeriodMs) * 1000);
  }
  return nullptr;
}

void startSchedtraceThread(int32_t periodMs, bool detailed) {
  tracePeriodMs = periodMs;
  traceDetailed = detailed;
  traceThreadRunning = true;
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &attr, schedtraceThread, nullptr);
  pthread_attr_destroy(&attr);
}

} // namespace glrt
