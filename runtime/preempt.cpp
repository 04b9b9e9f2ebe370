//===- preempt.cpp - asking a running goroutine to yield (Go's preempt.go) ===//
//
// A goroutine that runs for a long time without parking is asked to yield
// by sysmon (sysmon.cpp), in two ways at once, as Go does (preemptone):
//
// Cooperative (function prologues, and the entries of blocking runtime
// operations: preemptCheck in preempt.h). Every generated function starts with a
// split-stack check of rsp against the limit in %fs:0x70. preemptone sets
// gp->preempt, then stores a poison (INT64_MAX: larger than any rsp, and
// positive, because LLVM's dynamic-alloca check compares signed; stacks.md
// 6.4) into the slot of the M running gp. The next prologue therefore calls
// __morestack, which sees that the slot differs from g->stackguard0 (the
// truth), puts the truth back with xchg (a full fence), then consumes the
// request with an exchange of g->preempt and, if it was set, yields through
// glrt_morestack_preempt (Gosched: the G goes to the global queue, as a
// preempted G does in Go). Ordering: sysmon stores flag then poison; the M
// restores the slot then reads the flag. If the poison lands after the M
// read the flag, the next prologue comes back once more and finds no flag
// (a spurious entry, harmless). If the M installs another G meanwhile, its
// gogo overwrites the slot and execute() clears the new G's flag: the
// request is dropped, and sysmon asks again only if that P still runs the
// same time slice 10 ms later.
//
// Asynchronous (signals), for loops without calls. preemptone also sends
// SIGURG to the M's thread (tgkill). The handler (sigPreempt, on the M's
// sigaltstack) injects a call to glrt_asyncPreempt only when it is safe:
//   - the interrupted PC is in generated code (gl_text): not the runtime,
//     not libc, not __morestack (the stack-switch windows are all there);
//   - the current G is a user G with its flag set (consumed here);
//   - GODEBUG=asyncpreemptoff=1 is not set (then SIGURG is not even sent);
//   - the G's current segment has room for the 128-byte red zone of the
//     interrupted code, glrt_asyncPreempt's register save area and the
//     yield (asyncPreemptStack bytes) above the segment's lo. Generated
//     code always leaves that much (stack.h static_asserts
//     StackSmall + asyncPreemptStack <= StackGuard, as Go checks
//     asyncPreemptStack <= _StackLimit), so this only refuses an rsp that
//     is not on the G's segment at all.
// Otherwise it does nothing and sysmon asks again on a later tick. The
// injected call skips the red zone: the handler sets rsp = rsp - 136 and
// stores the interrupted PC there; glrt_asyncPreempt saves the registers
// the yield may clobber (caller-saved GPRs, flags, xmm0-15: glc targets
// generic x86-64, no AVX), glrt_mcall(glrt_asyncPreempt_m) (Gosched's
// continuation), restores them and returns with `ret $128`.
//
// Who runs what: preemptone/preemptall run on sysmon's thread or on a g0
// (stop-the-world); they read pp->mp and mp->curg racily (relaxed loads;
// a request that reaches the wrong G is harmless: see above). sigPreempt
// runs in a signal handler on the interrupted M's thread.
//===----------------------------------------------------------------------===//
#include "preempt.h"

#include <csignal>
#include <cstring>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "mgc.h"
#include "proc.h"
#include "schedseed.h"
#include "race.h"
#include "stack.h"
#include "trace.h"
#include "traceback.h"

extern "C" void glrt_asyncPreempt(void); // arch/amd64/preempt_amd64.S

namespace glrt {

static bool asyncPreemptOff = false;

// Counters (relaxed): GODEBUG=preemptdebug=1 prints them at exit; tests
// read them.
preemptStats preemptStat;

void setAsyncPreemptOff(bool off) { asyncPreemptOff = off; }

bool preemptone(p *pp) {
  m *mp = __atomic_load_n(&pp->mp, __ATOMIC_RELAXED);
  if (mp == nullptr)
    return false;
  g *gp = __atomic_load_n(&mp->curg, __ATOMIC_RELAXED);
  if (gp == nullptr || gp == mp->g0)
    return false;
  // The request's trace timestamp is read before the flag: once the flag
  // is set the G may stop at once, and its stop must not precede the
  // request in the trace (lit trace/three_goroutines.gl saw that).
  int64_t ts = traceEnabled() ? traceNow() : 0;
  // Flag first, then the poison (stacks.md 6.4): an M that sees the poison
  // and then exchanges the flag cannot miss it.
  __atomic_store_n(&gp->preempt, true, __ATOMIC_SEQ_CST);
  uintptr_t *slot = __atomic_load_n(&mp->stacklimitslot, __ATOMIC_ACQUIRE);
  if (slot != nullptr)
    __atomic_store_n(slot, uintptr_t(INT64_MAX), __ATOMIC_SEQ_CST);
  preemptStat.requests.fetch_add(1, std::memory_order_relaxed);
  if (traceEnabled()) {
    if (getg() == nullptr)
      traceSysmonEvent(traceEvPreemptReq, gp->goid, pp->id, ts); // sysmon's thread
    else
      traceGoEvent(traceEvPreemptReq, gp->goid, pp->id, 0, 0, ts); // preemptall on a g0
  }
  if (!asyncPreemptOff && mp->procid != 0) {
    syscall(SYS_tgkill, getpid(), mp->procid, SIGURG);
    preemptStat.signals.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

void preemptall() {
  int32_t n = gomaxprocs.load(std::memory_order_acquire);
  p **ps = __atomic_load_n(&allp, __ATOMIC_ACQUIRE);
  for (int32_t i = 0; i < n; i++) {
    p *pp = ps[i];
    if (__atomic_load_n(&pp->status, __ATOMIC_RELAXED) == _Prunning)
      preemptone(pp);
  }
}

// SIGURG handler. Async-signal-safe: touches only the interrupted thread's
// own G and the ucontext.
static void sigPreempt(int, siginfo_t *, void *uctxp) {
  auto *uc = static_cast<ucontext_t *>(uctxp);
  greg_t *regs = uc->uc_mcontext.gregs;
  uintptr_t pc = uintptr_t(regs[REG_RIP]);
  uintptr_t sp = uintptr_t(regs[REG_RSP]);
  if (!ingeneratedcode(pc))
    return; // runtime, libc, __morestack: the next tick (or prologue) will do
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->stackseg == nullptr)
    return;
  if (sp < gp->stackseg->lo + asyncPreemptStack || sp > gp->stackseg->hi)
    return; // no room on this segment (or sp not on it): try again later
  if (!canPreemptM(gp->mp))
    return; // inside a print statement (acquirem) etc.: releasem re-arms
  if (!__atomic_exchange_n(&gp->preempt, false, __ATOMIC_SEQ_CST))
    return; // already honoured at a prologue, or a stale signal
  gp->tracestop = traceStopAsyncPreempt;
  uintptr_t nsp = sp - 128 - 8;
  *reinterpret_cast<uintptr_t *>(nsp) = pc;
  regs[REG_RSP] = greg_t(nsp);
  regs[REG_RIP] = greg_t(reinterpret_cast<uintptr_t>(&glrt_asyncPreempt));
  preemptStat.async.fetch_add(1, std::memory_order_relaxed);
}

void initPreemptSignal() {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = sigPreempt;
  // SA_RESTART: a thread interrupted in a system call (write, futex)
  // resumes it. SIGURG is otherwise ignored by default, as in Go.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  glrt_sigaction(SIGURG, &sa, nullptr); // race.h: never TSan's interceptor
}

// A consumed cooperative request: yield as runtime.Gosched. Under
// schedseed (schedseed.h) every prologue and preemptCheck comes here: the
// request stays pending (__morestack's resume path and releasem re-poison
// the slot) and only a seeded fraction of the points yield.
void yieldForPreempt(g *gp) {
  if (schedseedEnabled()) {
    __atomic_store_n(&gp->preempt, true, __ATOMIC_RELAXED);
    if (!seedPreemptHere())
      return;
    gp->tracestop = traceStopSeedPreempt;
    Gosched();
    return;
  }
  preemptStat.cooperative.fetch_add(1, std::memory_order_relaxed);
  gp->tracestop = traceStopPreempt;
  // A request from gcTriggerWake (the collector is in this P's runnext):
  // yield locally, so this P keeps the G and this M runs it again when
  // the collector parks after its first pause, instead of a spinning M on
  // another P taking it from the global queue. Under load each such
  // migration waits for the other thread's wake-up: map_int's main
  // goroutine ran on three threads in turn (perf sched), go1.19's on one.
  // (Doing the same for a stop-the-world's request made it worse: after
  // the restart startm hands the P to whichever M is idle.)
  if (gcTriggered.load(std::memory_order_relaxed) == 2)
    Goyield();
  else
    Gosched();
}

} // namespace glrt

using namespace glrt;

// Called by __morestack (morestack_amd64.S) on the G's stack, with every
// argument register of the interrupted prologue spilled, when it consumed
// a preemption request. Yields like runtime.Gosched; returns on whichever
// M runs the G next.
extern "C" void glrt_morestack_preempt(void) {
  g *gp = getg();
  if (!canPreemptM(gp->mp)) {
    // Not now: keep the request pending; releasem re-arms the poison.
    __atomic_store_n(&gp->preempt, true, __ATOMIC_RELAXED);
    return;
  }
  yieldForPreempt(gp);
}

namespace glrt {
// preemptCheck's slow path (preempt.h). On a user G with a request:
// consume it and yield. On g0 (a runtime test calling the entry points
// from a thread) there is nothing to yield.
[[gnu::noinline]] void preemptYield() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0)
    return;
  if (!canPreemptM(gp->mp))
    return; // the request stays pending until releasem
  if (__atomic_exchange_n(&gp->preempt, false, __ATOMIC_SEQ_CST)) {
    yieldForPreempt(gp);
  }
}

// preemptYield for preemptCheck's call sites (preempt.h): preserve_most,
// so its callers keep their argument registers across the call; the
// register saves are here, on the yield path only.
[[clang::preserve_most]] [[gnu::noinline]] void preemptYieldSaving() { preemptYield(); }

// The last releasem of a G with a pending request: put the poison back
// (Go: stackguard0 = stackPreempt), since a declined cooperative request
// restored the real limit and a G switch (systemstack for a print flush)
// rewrote the slot. Owner M, on the G. Same order as preemptone: the flag
// is already set, then the poison; the next prologue consumes both, and
// sysmon keeps signalling for a loop without calls.
void releasemSlow(m *mp) {
  uintptr_t *slot = mp->stacklimitslot;
  if (slot != nullptr && getg() == mp->curg)
    __atomic_store_n(slot, uintptr_t(INT64_MAX), __ATOMIC_SEQ_CST);
}
} // namespace glrt

// glrt_asyncPreempt's mcall continuation (preempt_amd64.S), on g0: the
// interrupted G's registers are saved on its stack; it yields as with
// Gosched (to the global run queue).
extern "C" void glrt_asyncPreempt_m(g *gp) { gosched_m(gp); }
