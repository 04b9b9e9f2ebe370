//===- gmp.h - the scheduler's data: g, m, p, schedt (Go's runtime2.go) ---===//
//
//   g   a goroutine: its saved context (gobuf), its segmented stack, status.
//   m   an OS thread. Runs Go code only while it holds a p. Each m has a g0
//       whose stack is the thread's own (pthread) stack: the scheduler,
//       stack growth and anything called through systemstack run there.
//   p   a processor: the right to run Go code, plus a local run queue
//       (256-slot lock-free ring + runnext) and a free-G cache. There are
//       exactly gomaxprocs of them (allp[0..gomaxprocs)).
//   schedt  the global state (sched): idle m and p lists, global run queue,
//       global free-G list, spinning count; mostly under sched.lock.
//
// Who may touch what is written on each field:
//   "sched.lock"  read/written with sched.lock held (GUARDED_BY).
//   "owner"       only by the thread that currently runs on the object (the
//                 M for its m; the M holding the P for the P; the M running
//                 the G for the G).
//   atomics       each names its memory order and its partner.
//
// G status machine (atomicstatus; casgstatus is the only writer):
//   _Gidle      just allocated, not yet initialised. Owner: allocator.
//   _Grunnable  on a run queue (local ring, runnext or global), not running;
//               owns its stack, does not own an M.
//   _Grunning   running user code on an M that holds a P; gp.m != nil.
//   _Gsyscall   in a blocking system call (entersyscall..exitsyscall,
//               syscall.cpp); owns its stack and its M (m.curg), not its
//               P: the P is in _Psyscall (m.oldp) and may be retaken.
//   _Gwaiting   parked (gopark): on no run queue; some wait queue (a channel's
//               sudog list) knows it and will goready it.
//   _Gdead      exited, on a free list (gfput) or just allocated; its first
//               stack segment is kept for reuse.
//   _Gcopystack / _Gpreempted: reserved (Go numbering kept for schedtrace).
//
// P status machine (status):
//   _Pidle      on sched.pidle (or in transition); no M.
//   _Prunning   owned by an M (pp.m) which runs user code or the scheduler.
//   _Psyscall   its M is in a system call (syscall.cpp): pp.mp is null,
//               m.oldp remembers it. Whoever CASes status _Psyscall -> _Pidle
//               (the M in exitsyscall, sysmon's retake) or -> _Pgcstop
//               (stopTheWorld, entersyscall_gcwait) owns it.
//   _Pgcstop    held by the M that stopped the world (or parked for it).
//   _Pdead      beyond gomaxprocs after a resize; kept for reuse.
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <pthread.h>

#include "arch/amd64/asm_amd64.h"
#include "lock.h"

namespace glrt {

struct g;
struct m;
struct p;
struct stkseg;

enum : uint32_t {
  _Gidle = 0,
  _Grunnable = 1,
  _Grunning = 2,
  _Gsyscall = 3,
  _Gwaiting = 4,
  _Gdead = 6,
  _Gcopystack = 8,
  _Gpreempted = 9,
};

enum : uint32_t {
  _Pidle = 0,
  _Prunning = 1,
  _Psyscall = 2,
  _Pgcstop = 3,
  _Pdead = 4,
};

// Why a G is parked (Go's waitReason; strings in waitReasonStrings()).
enum waitReason : uint8_t {
  waitReasonZero = 0,
  waitReasonChanReceiveNilChan,
  waitReasonChanSendNilChan,
  waitReasonSelect,
  waitReasonSelectNoCases,
  waitReasonChanReceive,
  waitReasonChanSend,
  waitReasonSleep,
  waitReasonSyncMutexLock,
  waitReasonSemacquire,
  waitReasonPreempted,
  waitReasonTest,
  waitReasonIOWait, // parked in netpollblock (netpoll.cpp)
  waitReasonGCWorkerIdle, // the collector goroutine between collections
  waitReasonGCSweepWait,  // the background sweeper with nothing to sweep
  waitReasonGCAssistWait, // an allocating G waits for the mark (mgcpacer.cpp)
};
const char *waitReasonString(waitReason r);

// Saved context of a G that is not running. Only the stack pointer, the
// resume PC and the frame pointer: callee-saved registers (rbx, r12-r15)
// are pushed on the G's own stack by mcall before it saves sp (see
// arch/amd64/asm_amd64.S). Owner: the M that switches the G in or out.
struct gobuf {
  uintptr_t sp;
  uintptr_t pc;
  uintptr_t bp;
  g *gp;       // the G this context belongs to ("g" in Go)
  void *ctxt;  // passed in rdx on resume (closure context); may be null
};
static_assert(offsetof(gobuf, sp) == GOBUF_SP);
static_assert(offsetof(gobuf, pc) == GOBUF_PC);
static_assert(offsetof(gobuf, bp) == GOBUF_BP);
static_assert(offsetof(gobuf, gp) == GOBUF_G);
static_assert(offsetof(gobuf, ctxt) == GOBUF_CTXT);

// Intrusive singly-linked lists of Gs through g.schedlink.
struct gList {
  g *head = nullptr;
  bool empty() const { return head == nullptr; }
  void push(g *gp);
  g *pop();
};
struct gQueue {
  g *head = nullptr;
  g *tail = nullptr;
  bool empty() const { return head == nullptr; }
  void pushBack(g *gp);
  void pushBackAll(gQueue q);
  g *pop();
};

struct traceBuf; // trace.h

struct g {
  gobuf sched; // owner (the M switching it); read by gogo/mcall.
  // The value this G wants in %fs:0x70 while it runs: its current
  // segment's lo + STACK_GUARD. The truth; never read back from TLS.
  // Written by the owner M (and by __morestack on segment changes).
  uintptr_t stackguard0;
  stkseg *stackseg;  // current segment; owner; __morestack moves it.
  m *mp;             // Go's g.m: the M running it, or null. Owner M.
  void (*startfn)(void *); // entry: gostart calls startfn(startarg)
  void *startarg;
  stkseg *stackbase; // first segment of the chain (kept while _Gdead)
  // Status; CAS with acq_rel in casgstatus, loads acquire. Partner: every
  // other casgstatus/readgstatus (goready checks _Gwaiting).
  std::atomic<uint32_t> atomicstatus;
  waitReason waitreason; // valid in _Gwaiting; owner.
  // Preemption request. Set by sysmon (preemptone: seq_cst store, then the
  // poison into the M's %fs:0x70); consumed by the owner M with an
  // exchange: __morestack (xchgb, after restoring the limit with xchg, a
  // full fence: stacks.md 6.4), the SIGURG handler (same thread as the G),
  // and cleared by execute when the G is scheduled. Read by asm: G_PREEMPT.
  bool preempt;
  int64_t goid;
  g *schedlink;          // run queue / free list link; guarded by the list's owner
  uintptr_t stacksize;   // bytes in segments from stackbase through stackseg
  int64_t nsegalloc;     // segments ever allocated by this G (stats/tests)
  void *allocas;         // __morestack_allocate_stack_space blocks (heap)
  void *param;           // goready/gopark hand-off (channels)
  void *_panic;          // owned by panic.cpp
  void *_defer;          // owned by the defer code
  g *alllink;            // allgs list; sched.allglock
  // PC of the `go` statement that created this G (return address of its
  // glrt_newproc call in generated code), for "created by" in tracebacks;
  // 0 for goroutine 1 and Gs the runtime starts. Written by newproc1
  // before the G is runnable.
  uintptr_t gopc;
  // Set while preprintpanics calls a dying panic's Error/String methods
  // (defer.cpp): a panic raised meanwhile is Go's "panic while printing
  // panic value". Owner: the G itself.
  bool printingpanics;
  // Why the G is about to stop, for the trace (traceStopReason, trace.h):
  // set by the preemption paths just before they yield, read and cleared
  // by gosched_m on g0. Owner: the G itself, then its M.
  uint8_t tracestop;
  // The trace's wake-up flows (trace.h): ready() numbers each wake-up of
  // the G (never 0) and sets tracewoken; the G's next GoStart (execute)
  // records the number and clears it. Written by the waker while the G is
  // _Grunnable and on no run queue yet, read by the M that runs it next
  // (the run queue's release/acquire orders the two).
  bool tracewoken;
  uint32_t tracewakeseq;
  // Go's g.waitsince: roughly when the G last became blocked (nanotime),
  // for the ", N minutes" of goroutine headers (goroutineheader). Go sets
  // it at the first GC that finds the G waiting; glrt's collector does not
  // track waiting Gs, so park_m sets it on every park from the coarse monotonic clock (a few ns,
  // ~4 ms resolution: headers count whole minutes). 0: unknown. Written by
  // the owner M (park_m) while the G is not running; read racily by
  // goroutine dumps, as Go does (a torn read is impossible on x86-64 and a
  // stale one misreports a wait by minutes at worst).
  int64_t waitsince;
  // -race only (runtime/race.h): this G's ThreadSanitizer fiber, created by
  // newproc1 in the creator's context, switched to by execute, destroyed by
  // goexit0; for an M's g0, the thread's own TSan context. Owner M.
  void *racectx;
  // runtime.LockOSThread (syscall.cpp): the M this G is wired to, or null.
  // Written only by the G itself (Lock/UnlockOSThread) and by goexit0;
  // read by whichever M's schedule() picks the G off a run queue (the
  // run queue's release/acquire orders it after the G's own write).
  m *lockedm;
  // Where the collector scans this G while it is _Gsyscall (mgcmark.cpp:
  // addStackJobs): its M keeps running C code (the system call) on the
  // G's stack while the world is stopped, so neither gobuf.sp nor the
  // registers are saved anywhere. entersyscall's entry thunk (syscall.cpp)
  // stores the SP at its call (every frame of the G is at or above it)
  // and the caller's callee-saved registers (rbx, rbp, r12-r15: every
  // value its frames keep across the call that is not in one of those
  // frames, the system call's buffer argument for one), before the status
  // CAS to _Gsyscall publishes them (acq_rel; the collector's readgstatus
  // acquires). Owner: the G itself; valid only while _Gsyscall.
  uintptr_t syscallsp;
  uintptr_t syscallregs[6];
  // Go's g.gcAssistBytes: this G's assist balance during a concurrent
  // mark, in bytes of allocation (negative: debt, the G owes scan work;
  // positive: credit). Written by the G (on its stack or its M's g0 in
  // mallocgc's slow path), by the collector while the G is parked on the
  // assist queue (under assistLock, mgcpacer.cpp), and zeroed for every G
  // with the world stopped at STW1.
  int64_t gcAssistBytes;
};
static_assert(offsetof(g, sched) == G_SCHED);
static_assert(offsetof(g, stackguard0) == G_STACKGUARD0);
static_assert(offsetof(g, stackseg) == G_STACKSEG);
static_assert(offsetof(g, mp) == G_M);
static_assert(offsetof(g, startfn) == G_STARTFN);
static_assert(offsetof(g, startarg) == G_STARTARG);
static_assert(offsetof(g, preempt) == G_PREEMPT);

struct m {
  g *g0;   // scheduling stack (the thread's stack). Immutable after allocm.
  // User G running on this M, or null. Written only by the owner M
  // (execute, dropg) with relaxed atomic stores; the owner reads it
  // plainly, other threads (sysmon's preemptone, schedtrace) with relaxed
  // atomic loads: a stale value costs one misdirected preemption request,
  // never memory safety (Gs and Ms are never freed). The asm reads it at
  // M_CURG on its own thread.
  g *curg;
  g *gsignal;      // signal-handling G (sigaltstack); later
  p *pp;           // attached P (Go's m.p); owner.
  p *nextp;        // P to acquire when woken (set by startm before notewakeup)
  p *oldp;         // P held before the current syscall (syscall.cpp); owner
  int64_t id;      // immutable
  bool spinning;   // looking for work; counted in sched.nmspinning. Owner.
  bool blocked;    // sleeping on park note
  // Go's preemption guards (canPreemptM, preempt.h): while any is set the
  // M's G is not preempted, asynchronously or cooperatively; a request
  // that arrives meanwhile stays pending and releasem re-arms it. locks:
  // depth of acquirem (printlock holds it for a whole print statement).
  // preemptoff: why (stopTheWorld's reason), or null. Owner M only; the
  // SIGURG handler reads them on the same thread (relaxed atomics +
  // signal fences).
  int32_t locks;
  int32_t mallocing;
  int32_t throwing;
  const char *preemptoff;
  note park;       // stopm sleeps here; startm/notewakeup wakes it
  m *alllink;      // allm list; written once under sched.lock, then read racily
  m *schedlink;    // sched.midle link; sched.lock
  uint64_t fastrand; // owner: fastrand's wyrand state (mem.h)
  pthread_t thread;
  // Hand-off for gopark: the unlock callback run on g0 after the switch.
  bool (*waitunlockf)(g *, void *);
  void *waitlock;
  uintptr_t g0lo, g0hi; // g0 stack bounds (pthread stack)
  // Set once by the M's own thread before it runs any G, read by sysmon
  // (preempt.cpp) after it sees the M as some P's pp.m: the thread id for
  // tgkill(SIGURG), and the address of this thread's split-stack limit
  // slot (%fs:0x70) for the cooperative-preemption poison. Ms never exit,
  // so the TCB they point into stays valid (stacks.md 6.4).
  int32_t procid;
  uintptr_t *stacklimitslot;
  // GODEBUG=tracefile: this M's event chunk (trace.h); owner thread only,
  // read by the flusher (relaxed; chunks are never freed).
  traceBuf *tracebuf;
  // runtime.LockOSThread (syscall.cpp): the G wired to this M (m.lockedg;
  // schedule() on this M runs only it), and the nesting count of
  // LockOSThread calls. Owner: the locked G while it runs, the M's g0
  // otherwise.
  g *lockedg;
  uint32_t lockedExt;
  // p.syscalltick when this M entered its current system call (Go's
  // m.syscalltick). Owner.
  uint32_t syscalltick;
};
static_assert(offsetof(m, g0) == M_G0);
static_assert(offsetof(m, curg) == M_CURG);

// The per-P run queue ring: a single-producer (the owner P), multi-consumer
// ring of N slots, plus runnext. Algorithms in runq.h. N is a template
// parameter so tests can build a tiny ring to reach the overflow paths.
template <uint32_t N> struct runqring {
  static_assert((N & (N - 1)) == 0, "ring size must be a power of two");
  static constexpr uint32_t size = N;
  // head: consumers CAS it forward (acq_rel); partner: owner's load-acquire
  // in runqput/runqputslow. tail: only the owner stores (release); partner:
  // stealers' load-acquire in runqgrab.
  std::atomic<uint32_t> head{0};
  std::atomic<uint32_t> tail{0};
  // Slots are written by the owner before the releasing tail store and read
  // by consumers before their CAS on head; relaxed atomics (a slot may be
  // read by a stealer that then loses the CAS, racing with an overwrite).
  std::atomic<g *> ring[N];
  // runnext: owner stores/CASes; stealers CAS it away (acq_rel); partner:
  // each other.
  std::atomic<g *> runnext{nullptr};
};

constexpr uint32_t runqSize = 256;

struct p {
  int32_t id;        // immutable
  // _P*. Written under sched.lock or by the owner M (acquirep/releasep,
  // procresize and stop-the-world with the world stopping), always with a
  // relaxed atomic store; read plainly under the same rules, and with
  // relaxed atomic loads by threads that hold neither (sysmon's retake,
  // preemptall, stealWork, runqsteal, schedtrace): those only use it as
  // a hint, a stale value costs a wasted steal attempt or preemption
  // request. The run queue's own atomics order the Gs themselves.
  uint32_t status;
  p *link;           // sched.pidle link; sched.lock
  // Go's p.m: owning M; null when idle. Same rules as status (written by
  // acquirep/releasep and procresize with relaxed atomic stores; racy
  // readers: preemptone, schedtrace, relaxed loads; Ms are never freed).
  m *mp;
  // Incremented when the scheduler starts a G without inheriting the time
  // slice; owner (relaxed atomic store); sysmon reads it racily (relaxed).
  uint32_t schedtick;
  // Incremented by every exitsyscall that gets this P back (and by
  // sysmon's retake); written by the owner or by whoever took the P out of
  // _Psyscall, with relaxed atomic stores; sysmon reads it racily to tell a
  // P stuck in one system call from one making many short ones.
  uint32_t syscalltick;
  void *deferpool;      // free heap _defer records (defer.cpp); owner
  // The allocation cache (malloc.cpp); owner M only, created on the P's
  // first allocation, never freed (a P is never freed).
  struct mcache *mcache;
  runqring<runqSize> runq;
  // Free Gs (status _Gdead) with their first stack segment; owner.
  gList gFree;
  int32_t gFreeN;
  // goid cache: goids [goidcache, goidcacheend) are reserved for this P.
  uint64_t goidcache, goidcacheend;
  // sysmon's last look at this P (sysmon only): the schedtick it saw and
  // when it first saw it. Go's p.sysmontick.
  uint32_t sysmonSchedtick;
  int64_t sysmonSchedwhen;
  // nanotime() when the M entered its current system call (entersyscall,
  // with a relaxed atomic store before the seq_cst store of _Psyscall,
  // which publishes it). sysmon reads it (relaxed) after an acquire load
  // of status == _Psyscall, so it sees this call's time or a later
  // call's, never an earlier one's. Go keeps instead the syscalltick and
  // time sysmon first saw (p.sysmontick); see retakesyscall.
  int64_t syscallwhen;
  // GODEBUG=tracefile: this P's event chunk (trace.h); written by the M
  // holding the P, read by the flusher (relaxed; chunks are never freed).
  traceBuf *tracebuf;
  // GODEBUG=schedseed: this P's generator (schedseed.h); owner M only.
  uint64_t seedrand;
};

// Global scheduler state (Go's schedt).
struct schedt {
  mutex lock;
  // Idle Ms, parked in stopm.
  m *midle GUARDED_BY(lock) = nullptr;
  int32_t nmidle GUARDED_BY(lock) = 0;
  int32_t nmidlelocked GUARDED_BY(lock) = 0;
  int64_t mnext GUARDED_BY(lock) = 0;   // next M id; also the M count
  int32_t maxmcount GUARDED_BY(lock) = 10000;
  int32_t nmsys GUARDED_BY(lock) = 0;   // Ms not counted (schedtrace thread)
  int64_t nmfreed GUARDED_BY(lock) = 0;
  // Idle Ps.
  p *pidle GUARDED_BY(lock) = nullptr;
  // npidle/nmspinning: written under sched.lock or by CAS, read racily.
  // seq_cst: the spinning->non-spinning transition needs StoreLoad against
  // runqput+wakep (see findRunnable and wakep).
  std::atomic<int32_t> npidle{0};
  std::atomic<int32_t> nmspinning{0};
  // Global run queue.
  gQueue runq GUARDED_BY(lock);
  // Read racily as a hint (relaxed); written under lock.
  std::atomic<int32_t> runqsize{0};
  // Global free G cache.
  mutex gFreeLock;
  gList gFree GUARDED_BY(gFreeLock);
  int32_t gFreeN GUARDED_BY(gFreeLock) = 0;
  // goid generator: fetch_add(16) relaxed (only uniqueness matters).
  std::atomic<uint64_t> goidgen{0};
  // Stop-the-world (procresize at run time).
  std::atomic<uint32_t> gcwaiting{0}; // seq_cst; read in findRunnable
  int32_t stopwait GUARDED_BY(lock) = 0;
  note stopnote;
  // sysmon sleeps on sysmonnote while every P is idle (sysmonwait = 1,
  // stored under sched.lock); startm and startTheWorld wake it.
  std::atomic<uint32_t> sysmonwait{0};
  note sysmonnote;
  // Number of live goroutines (not _Gdead), for NumGoroutine; relaxed.
  std::atomic<int64_t> ngoroutines{0};
};

extern schedt sched;
extern p **allp;               // allp[0..gomaxprocs); resized under STW
extern std::atomic<int32_t> gomaxprocs;
extern int32_t ncpu;           // CPUs we may run on; written once by schedinit
                               // before any other thread, then read plainly (lock)
extern std::atomic<m *> allm;  // prepend with release; readers acquire
extern m m0;
extern g g0_0;                 // m0's g0

// The current G of this thread (g0 when in the scheduler). Also read and
// written by the assembly (initial-exec TLS).
} // namespace glrt
extern "C" __thread glrt::g *glrt_curg __attribute__((tls_model("initial-exec")));
namespace glrt {
inline g *getg() { return glrt_curg; }

} // namespace glrt
