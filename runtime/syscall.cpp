//===- syscall.cpp - blocking system calls and locked threads (Go's proc.go) -===//
//
// A goroutine that makes a system call which may block (a read of a pipe
// or terminal, a write to a full pipe, open of a FIFO...) must not keep
// its P meanwhile: the other goroutines would stop. Go's answer, here
// under Go's names:
//
//   entersyscall (on the G, before the call): the G becomes _Gsyscall and
//   keeps its M (m.curg); the P becomes _Psyscall, unwired from the M
//   (pp.mp = null), remembered in m.oldp. Nothing is handed off yet: most
//   calls are short, and a hand-off costs a thread wake-up.
//
//   exitsyscall (on the G, after the call). Fast path: CAS the old P from
//   _Psyscall back (nobody took it), else take any idle P; the G goes on
//   running on this M. Slow path (exitsyscall0 on g0, through mcall): no P
//   anywhere; the G becomes _Grunnable on the global queue and this M
//   stops (stopm), or, if the M is wired to the G (LockOSThread), waits
//   for whichever M picks the G up to hand it a P (stoplockedm).
//
//   retake (sysmon, sysmon.cpp -> retakesyscall): a P in _Psyscall whose
//   call has lasted at least one sysmon tick (sysmon's current delay, 20
//   us while it is busy) is taken (CAS _Psyscall -> _Pidle) and handed off
//   (handoffp starts an M for it) if it has work queued, or if no P is
//   idle and no M spins (nobody else would notice new work), or once the
//   call has lasted 10 ms. Go's rule ("in the syscall for more than 1
//   sysmon tick"), measured from the call's start (p.syscallwhen, one
//   clock read in entersyscall) rather than from the first look that saw
//   it: Go needs two looks, so a blocked read waits for the next look plus
//   one more tick (1.5 looks on average; a look is ~50 us on a 2-vCPU
//   guest even under SCHED_FIFO, ~100 us on a loaded one); here it is
//   taken at the first look at which it has lasted a tick (~0.5 look plus
//   up to a tick). Calls shorter than a tick are never taken.
//
//   entersyscallblock: for calls known to block; the P is handed off at
//   once (Go's entersyscallblock).
//
//   stopTheWorld takes _Psyscall Ps as stopped (CAS -> _Pgcstop);
//   entersyscall_gcwait does the same for an M entering a call while the
//   world is stopping.
//
// Invariants: a P in _Psyscall has pp.mp == null and belongs to whoever
// CASes it out of _Psyscall (the M itself, sysmon, a stopper); the M in
// the call never touches it again without winning that CAS. Its
// syscalltick moves on every exit from a call and on every retake, so
// sysmon never retakes a P on the strength of an older call. The status
// store in entersyscall is release (seq_cst: also StoreLoad against
// stopTheWorld's gcwaiting, below), the CASes acquire: the new owner sees
// everything the old one did to the P (its run queue ring, timers).
//
// LockOSThread (Go's semantics): m.lockedg / g.lockedm wire a G to its M.
// schedule() on a wired M runs only that G: while the G is blocked the M
// hands its P off and sleeps (stoplockedm); an M that finds the G on a run
// queue hands its own P to the wired M and stops (startlockedm). A wired
// G that exits takes its thread with it (mexit): the M never runs another
// G. Go's M exits; ours parks for good, because sysmon may still hold a
// pointer into the thread's TCB (its stack-limit slot, preempt.cpp) and Ms
// are never freed. It counts as freed (nmfreed) for checkdead and
// threads=.
//
// Stack use: the row functions run on the G's stack within the nosplit
// budget (stack.h): entersyscall/exitsyscall are small, the calls are
// libc's thin syscall(2) wrapper; exitsyscall's slow path goes to g0.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "procsys.h"
#include "runq.h"
#include "preempt.h"
#include "race.h"
#include "timer.h"
#include "trace.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace glrt {

// ---------------------------------------------------------------------------
// entersyscall / exitsyscall

// Whether the caller is a goroutine holding a P (the only case that needs
// the dance: a test thread or g0 just makes the call).
static inline bool onUserG(g *gp) {
  return gp != nullptr && gp->mp != nullptr && gp != gp->mp->g0 && gp->mp->pp != nullptr &&
         gp->mp->curg == gp;
}

// The world is stopping: count our P as stopped, unless the stopper
// already did (whoever wins the CAS).
static void entersyscall_gcwait(p *pp) {
  lock(&sched.lock);
  uint32_t s = _Psyscall;
  if (sched.stopwait > 0 && __atomic_compare_exchange_n(&pp->status, &s, _Pgcstop, false,
                                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    __atomic_store_n(&pp->syscalltick, pp->syscalltick + 1, __ATOMIC_RELAXED);
    if (--sched.stopwait == 0)
      notewakeup(&sched.stopnote);
  }
  unlock(&sched.lock);
}

// The entry thunks of entersyscall and entersyscallblock: before any
// compiled code can touch a register, store the caller's SP and its
// callee-saved registers in the current G (g.syscallsp/syscallregs, the
// collector's roots for a G in a system call: gmp.h), then tail-jump to
// the C++ body, which sees the original return address. A thread without
// a G stores nothing. Naked: the body is this asm only.
#define GLRT_SYSCALL_THUNK(name, body)                                                   \
  __attribute__((naked, noinline)) void name() {                                         \
    asm volatile("movq glrt_curg@gottpoff(%%rip), %%rax\n\t"                             \
                 "movq %%fs:(%%rax), %%rax\n\t"                                          \
                 "testq %%rax, %%rax\n\t"                                                \
                 "jz 1f\n\t"                                                             \
                 "movq %%rsp, %c0(%%rax)\n\t"                                            \
                 "movq %%rbx, %c1+0(%%rax)\n\t"                                          \
                 "movq %%rbp, %c1+8(%%rax)\n\t"                                          \
                 "movq %%r12, %c1+16(%%rax)\n\t"                                         \
                 "movq %%r13, %c1+24(%%rax)\n\t"                                         \
                 "movq %%r14, %c1+32(%%rax)\n\t"                                         \
                 "movq %%r15, %c1+40(%%rax)\n"                                            \
                 "1:\n\t"                                                                \
                 "jmp " #body "\n\t"                                                     \
                 :                                                                       \
                 : "i"(offsetof(g, syscallsp)), "i"(offsetof(g, syscallregs)));          \
  }

extern "C" void glrt_entersyscall_body();
extern "C" void glrt_entersyscallblock_body();
GLRT_SYSCALL_THUNK(entersyscall, glrt_entersyscall_body)
GLRT_SYSCALL_THUNK(entersyscallblock, glrt_entersyscallblock_body)

// Go's reentersyscall. pc/bp are the caller's: tracebacks of a G in a
// system call (GOTRACEBACK=all, a deadlock dump) start there.
extern "C" __attribute__((noinline)) void glrt_entersyscall_body() {
  g *gp = getg();
  if (!onUserG(gp))
    return;
  m *mp = gp->mp;
  gp->sched.pc = uintptr_t(__builtin_return_address(0));
  gp->sched.bp = *static_cast<uintptr_t *>(__builtin_frame_address(0)); // the caller's rbp
  gp->waitreason = waitReasonZero;
  casgstatus(gp, _Grunning, _Gsyscall);
  p *pp = mp->pp;
  mp->syscalltick = pp->syscalltick;
  if (traceEnabled())
    traceGoEvent(traceEvSyscallEnter, gp->goid, pp->id, 0);
  // For sysmon's retake: when this call began. Published with the status
  // store below (release), read by sysmon after it sees _Psyscall.
  __atomic_store_n(&pp->syscallwhen, nanotime(), __ATOMIC_RELAXED);
  __atomic_store_n(&pp->mp, nullptr, __ATOMIC_RELAXED);
  mp->oldp = pp;
  mp->pp = nullptr;
  // Publishes the P (release) and orders against the gcwaiting load
  // below (StoreLoad, paired with stopTheWorldOnG0's seq_cst store and
  // CAS): either the stopper sees _Psyscall or we see gcwaiting.
  __atomic_store_n(&pp->status, _Psyscall, __ATOMIC_SEQ_CST);
  // sysmon may be going to sleep because every P looked idle a moment
  // ago: it must watch this call (Go's entersyscall_sysmon).
  if (sched.sysmonwait.load(std::memory_order_seq_cst) != 0) {
    lock(&sched.lock);
    wakeSysmon();
    unlock(&sched.lock);
  }
  if (sched.gcwaiting.load(std::memory_order_seq_cst) != 0)
    entersyscall_gcwait(pp);
}

static void entersyscallblock_handoff(void *) { handoffp(releasep()); }

extern "C" __attribute__((noinline)) void glrt_entersyscallblock_body() {
  g *gp = getg();
  if (!onUserG(gp))
    return;
  m *mp = gp->mp;
  gp->sched.pc = uintptr_t(__builtin_return_address(0));
  gp->sched.bp = *static_cast<uintptr_t *>(__builtin_frame_address(0)); // the caller's rbp
  gp->waitreason = waitReasonZero;
  p *pp = mp->pp;
  mp->syscalltick = pp->syscalltick;
  mp->oldp = nullptr; // no fast path back to it: it is handed off now
  casgstatus(gp, _Grunning, _Gsyscall);
  if (traceEnabled())
    traceGoEvent(traceEvSyscallEnter, gp->goid, pp->id, 0);
  glrt_systemstack(entersyscallblock_handoff, nullptr);
}

// A P for the returning G without leaving its stack: the old one if it is
// still ours, else an idle one.
static bool exitsyscallfast(p *oldp) {
  uint32_t s = _Psyscall;
  if (oldp != nullptr && __atomic_load_n(&oldp->status, __ATOMIC_RELAXED) == _Psyscall &&
      __atomic_compare_exchange_n(&oldp->status, &s, _Pidle, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED)) {
    acquirep(oldp);
    return true;
  }
  if (sched.npidle.load(std::memory_order_seq_cst) > 0) {
    lock(&sched.lock);
    p *pp = sched.gcwaiting.load(std::memory_order_seq_cst) ? nullptr : pidleget();
    if (pp != nullptr)
      wakeSysmon(); // it may sleep because every P was idle
    unlock(&sched.lock);
    if (pp != nullptr) {
      acquirep(pp);
      return true;
    }
  }
  return false;
}

// Slow path, on g0: no P. Queue the G and stop this M (or wait for the G,
// if the M is wired to it).
static void exitsyscall0(g *gp) {
  // -race: back to this M's own TSan context first, as every mcall
  // continuation (race.h): gp may go to the global queue and run on
  // another M, and TSan's fiber switch there fails a CHECK (ProcWire)
  // while gp's fiber is still current on this stopped M.
  racegotog0();
  m *mp = getg()->mp;
  if (traceEnabled())
    traceGoEvent(traceEvGoStop, gp->goid, 0, 0, traceStopSyscall);
  casgstatus(gp, _Gsyscall, _Grunnable);
  dropg();
  lock(&sched.lock);
  p *pp = sched.gcwaiting.load(std::memory_order_seq_cst) ? nullptr : pidleget();
  if (pp == nullptr)
    globrunqput(gp);
  else
    wakeSysmon();
  unlock(&sched.lock);
  if (pp != nullptr) {
    acquirep(pp);
    execute(gp, false);
  }
  if (mp->lockedg != nullptr) {
    // gp is wired to this M: whoever takes it off the global queue hands
    // us a P (startlockedm).
    stoplockedm();
    execute(gp, false);
  }
  stopm();
  schedule();
}

// The SP and registers entersyscall saved are roots only while the G is
// _Gsyscall (mgcmark.cpp); once it runs again with a P they are stale, but
// the G record itself is persistent memory, scanned conservatively as a
// whole, so a stale copy would keep whatever it pointed to alive for as
// long as the G record exists (dead Gs' records are reused, never freed).
// Cleared only after the G is _Grunning: while
// it is still _Gsyscall a stopped world may be scanning them, and a read's
// buffer may live only in one of them.
static inline void clearsyscallregs(g *gp) {
  gp->syscallsp = 0;
  for (uintptr_t &r : gp->syscallregs)
    r = 0;
}

void exitsyscall() {
  g *gp = getg();
  m *mp = gp ? gp->mp : nullptr;
  if (mp == nullptr || gp == mp->g0 || readgstatus(gp) != _Gsyscall)
    return; // entersyscall did nothing
  p *oldp = mp->oldp;
  mp->oldp = nullptr;
  if (exitsyscallfast(oldp)) {
    p *pp = mp->pp;
    __atomic_store_n(&pp->syscalltick, pp->syscalltick + 1, __ATOMIC_RELAXED);
    casgstatus(gp, _Gsyscall, _Grunning);
    clearsyscallregs(gp);
    if (traceEnabled())
      traceGoEvent(traceEvSyscallExit, gp->goid, pp->id, 0);
    return;
  }
  glrt_mcall(exitsyscall0);
  // Running again, with a P (maybe on another M).
  clearsyscallregs(gp);
}

// ---------------------------------------------------------------------------
// sysmon's retake of Ps blocked in system calls

static constexpr int64_t syscallRetakeNS = 10 * 1000 * 1000;

// Called by sysmon (or a test's stand-in) after an acquire load of
// pp->status saw _Psyscall: pp->syscallwhen is then that call's start or
// a later call's (never an earlier one's), so a call is never judged
// older than it is. A later call slipping in between the load and the CAS
// below (exitsyscall, then entersyscall again) may be taken early, as in
// Go, where the M can do the same between retake's check and its CAS.
bool retakesyscall(p *pp, int64_t now, int64_t tick) {
  uint32_t t = __atomic_load_n(&pp->syscalltick, __ATOMIC_RELAXED);
  int64_t when = __atomic_load_n(&pp->syscallwhen, __ATOMIC_RELAXED);
  if (now - when < tick)
    return false; // not a whole sysmon tick yet: most calls end by then
  // Go's rule: leave it if there is nothing for it to do and someone else
  // (an idle P, a spinning M) would notice new work, for up to 10 ms.
  if (runqempty(pp) &&
      sched.nmspinning.load(std::memory_order_seq_cst) + sched.npidle.load(std::memory_order_seq_cst) > 0 &&
      when + syscallRetakeNS > now)
    return false;
  uint32_t s = _Psyscall;
  if (!__atomic_compare_exchange_n(&pp->status, &s, _Pidle, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_RELAXED))
    return false;
  // Ours now. A new tick, so that a later call on its next owner is
  // looked at afresh.
  __atomic_store_n(&pp->syscalltick, t + 1, __ATOMIC_RELAXED);
  if (traceEnabled())
    traceSysmonEvent(traceEvSyscallRetake, 0, pp->id);
  handoffp(pp);
  return true;
}

// ---------------------------------------------------------------------------
// LockOSThread

static void incidlelocked(int32_t v) {
  lock(&sched.lock);
  sched.nmidlelocked += v;
  if (v > 0)
    checkdead();
  unlock(&sched.lock);
}

// schedule() on an M wired to a G that is not runnable yet: give the P
// away and sleep until startlockedm hands this M a P to run the G with.
void stoplockedm() {
  m *mp = getg()->mp;
  if (mp->lockedg == nullptr || mp->lockedg->lockedm != mp)
    fatal("runtime: stoplockedm: inconsistent locking", "stoplockedm: inconsistent locking");
  if (mp->pp != nullptr)
    handoffp(releasep());
  incidlelocked(1);
  if (traceEnabled())
    traceMEvent(traceEvMPark, 0, 0);
  mp->blocked = true;
  notesleep(&mp->park);
  mp->blocked = false;
  noteclear(&mp->park);
  if (readgstatus(mp->lockedg) != _Grunnable)
    fatal("runtime: stoplockedm: lockedg not runnable", "stoplockedm: not runnable");
  p *pp = mp->nextp;
  mp->nextp = nullptr;
  acquirep(pp);
}

// schedule() found gp, wired to another M: hand that M our P, then stop.
void startlockedm(g *gp) {
  m *mp = getg()->mp;
  m *lm = gp->lockedm;
  if (lm == mp)
    fatal("runtime: startlockedm: locked to me", "startlockedm: locked to me");
  if (lm->nextp != nullptr)
    fatal("runtime: startlockedm: m has p", "startlockedm: m has p");
  incidlelocked(-1);
  p *pp = releasep();
  lm->nextp = pp;
  notewakeup(&lm->park); // release: lm sees nextp (note's futex word)
  stopm();
}

// The M's wired G exited: this thread runs no more Go code.
void mexit() {
  m *mp = getg()->mp;
  handoffp(releasep());
  lock(&sched.lock);
  sched.nmfreed++;
  checkdead();
  unlock(&sched.lock);
  if (traceEnabled())
    traceMEvent(traceEvMPark, 0, 0);
  mp->blocked = true;
  note never;
  notesleep(&never); // nobody wakes it (see the header: why not exit)
  fatal("runtime: mexit: a dead M woke up", "mexit");
}

} // namespace glrt

using namespace glrt;

// ---------------------------------------------------------------------------
// Entry points (abi.def): runtime.LockOSThread/UnlockOSThread and the
// system calls stdlib/syscall and stdlib/os make. Results: >= 0, or -errno.

void glrt_LockOSThread(void) {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0)
    return;
  m *mp = gp->mp;
  mp->lockedExt++;
  mp->lockedg = gp;
  gp->lockedm = mp;
}

void glrt_UnlockOSThread(void) {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0)
    return;
  m *mp = gp->mp;
  if (mp->lockedExt == 0)
    return;
  if (--mp->lockedExt == 0) {
    mp->lockedg = nullptr;
    gp->lockedm = nullptr;
  }
}

// One system call between entersyscall and exitsyscall; EINTR (a SIGURG
// from sysmon's preemption, which has SA_RESTART, or another signal) is
// retried, as Go's ignoringEINTR does.
template <class F> static int64_t blocking(F &&f) {
  entersyscall();
  long r;
  do
    r = f();
  while (r < 0 && errno == EINTR);
  int64_t res = r < 0 ? -int64_t(errno) : int64_t(r);
  exitsyscall();
  return res;
}

int64_t glrt_syscall_read(int64_t fd, void *b, int64_t n, int64_t) {
  int64_t r = blocking([&] { return syscall(SYS_read, int(fd), b, size_t(n)); });
  raceioread(b, r, RACE_CALLERPC()); // -race: Go's syscall.Read (race.h)
  return r;
}

int64_t glrt_syscall_write(int64_t fd, void *b, int64_t n, int64_t) {
  raceiowrite(b, n, RACE_CALLERPC()); // -race: Go's syscall.Write (race.h)
  return blocking([&] { return syscall(SYS_write, int(fd), b, size_t(n)); });
}

// path is NUL-terminated (the GL side appends the NUL, and rejects paths
// holding one with EINVAL as Go's BytePtrFromString does).
int64_t glrt_syscall_open(void *path, int64_t, int64_t flags, int64_t perm) {
  return blocking([&] {
    return syscall(SYS_openat, AT_FDCWD, path, int(flags) | O_CLOEXEC, unsigned(perm));
  });
}

int64_t glrt_syscall_close(int64_t fd) {
  // No EINTR retry for close (Linux closes the fd anyway).
  entersyscall();
  long r = syscall(SYS_close, int(fd));
  int64_t res = r < 0 ? -int64_t(errno) : 0;
  exitsyscall();
  return res;
}

int64_t glrt_syscall_pipe2(int64_t flags) {
  int fds[2];
  long r = syscall(SYS_pipe2, fds, int(flags) | O_CLOEXEC);
  if (r < 0)
    return -int64_t(errno);
  return int64_t(uint32_t(fds[0])) | int64_t(fds[1]) << 32;
}

int64_t glrt_syscall_unlink(void *path, int64_t) {
  return blocking([&] { return syscall(SYS_unlinkat, AT_FDCWD, path, 0); });
}

int64_t glrt_syscall_rmdir(void *path, int64_t) {
  return blocking([&] { return syscall(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR); });
}

int64_t glrt_syscall_mkdir(void *path, int64_t, int64_t perm) {
  return blocking([&] { return syscall(SYS_mkdirat, AT_FDCWD, path, unsigned(perm)); });
}

int64_t glrt_syscall_readlink(void *path, int64_t, void *b, int64_t n, int64_t) {
  return blocking([&] { return syscall(SYS_readlinkat, AT_FDCWD, path, b, size_t(n)); });
}

int64_t glrt_syscall_gettid(void) { return int64_t(syscall(SYS_gettid)); }
int64_t glrt_syscall_getpid(void) { return int64_t(syscall(SYS_getpid)); }

int64_t glrt_syscall_kill(int64_t pid, int64_t sig) {
  long r = syscall(SYS_kill, pid_t(pid), int(sig));
  return r < 0 ? -int64_t(errno) : 0;
}

int64_t glrt_syscall_tgkill(int64_t tgid, int64_t tid, int64_t sig) {
  long r = syscall(SYS_tgkill, pid_t(tgid), pid_t(tid), int(sig));
  return r < 0 ? -int64_t(errno) : 0;
}

// Go's Errno.Error() text: glibc's description (a constant string, no
// formatting) with its first letter in lower case, as Go's table has it
// ("no such file or directory"). Unknown numbers: empty (the GL side
// prints "errno N").
glrt_pair glrt_syscall_errstr(int64_t e) {
  const char *s = e > 0 && e < 4096 ? strerrordesc_np(int(e)) : nullptr;
  if (s == nullptr)
    return {nullptr, 0};
  return {const_cast<char *>(s), int64_t(strlen(s))};
}

// ---- the command line and the environment (os.Args, os.Environ)
namespace glrt {
extern int argc;
extern char **argv;
} // namespace glrt
extern "C" char **environ;

int64_t glrt_os_argc(void) { return glrt::argc; }

glrt_pair glrt_os_arg(int64_t i) {
  if (i < 0 || i >= glrt::argc || glrt::argv == nullptr)
    return {nullptr, 0};
  char *s = glrt::argv[i];
  return {s, int64_t(strlen(s))};
}

int64_t glrt_os_envc(void) {
  int64_t n = 0;
  if (environ)
    while (environ[n])
      n++;
  return n;
}

glrt_pair glrt_os_env(int64_t i) {
  char *s = environ[i];
  return {s, int64_t(strlen(s))};
}
