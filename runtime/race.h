//===- race.h - the -race runtime's ThreadSanitizer annotations ------------===//
//
// `glc build -race` instruments generated code with LLVM's ThreadSanitizer
// pass and links libglrt_race.a (this runtime compiled with GLRT_RACE=1)
// and clang-19's TSan runtime. glrt itself is never instrumented: its
// lock-free run queues, futex locks and atomics would be reported as races
// or, worse, turned into happens-before edges between goroutines that the
// Go memory model does not have. Instead it tells TSan what Go guarantees:
//
//   goroutines     each G is a TSan fiber (g.racectx): newproc1 creates it
//                  in the creator's context (`go` statement -> goroutine
//                  start is the fiber's creation edge), execute switches to
//                  it before gogo, every mcall continuation (park_m,
//                  gosched_m, goexit0) switches back to the M's own context
//                  (g0.racectx) first, goexit0 destroys it. Switches pass
//                  __tsan_switch_to_fiber_no_sync: running one G after
//                  another on an M is no synchronisation.
//   channels       Go's chan.go scheme: each buffer slot's sync object
//                  holds its last user's clock (racenotify:
//                  racereleaseacquire by the sender and the receiver, so
//                  the kth receive is ordered before the (k+C)th send and
//                  nothing more), a release-store/acquire exchange for
//                  unbuffered hand-offs (racesync), close -> receive of
//                  the zero value through the channel's own address. The
//                  other party of a hand-off is parked: its side is done in
//                  its own fiber (raceacquireg/racereleaseg switch to it for
//                  the one call; it cannot run meanwhile: its sudog is ours).
//   sync           Mutex: Unlock releases (store), Lock acquires the mutex
//                  address; WaitGroup: Done/Add(<0) release-merge, Wait
//                  acquires; Once: the end of f releases, every Do that
//                  finds it done acquires (sync.cpp).
//   sync/atomic    every operation is TSan's own atomic operation
//                  (atomic.cpp): an atomic access plus seq_cst
//                  synchronisation on the address, as go1.19's
//                  __tsan_go_atomic*; atomic.Value acquires/releases its
//                  two words as Go's Load/StorePointer do.
//   timers         time.After/Tick/NewTimer and Reset release the timer
//                  (Go's startTimer/resetTimer; time.Sleep's timer does
//                  not), its function runs after an acquire in the M's
//                  context (Go: the P's timerRaceCtx), and a channel
//                  timer's send then carries it to the receiver.
//   maps           Go's racereadpc/racewritepc on the map header at every
//                  map operation (map.cpp), so unsynchronised map writes
//                  are a DATA RACE report, not only a lucky fatal error.
//   heap objects   Go's racemalloc/racefree: the collector frees objects
//                  and the allocator hands their memory to new ones, with
//                  no happens-before between the old object's last user
//                  and the new one's first (goroutines on other Ps, or
//                  the same P later). The sweep makes TSan forget every
//                  object it frees (racefree: the slot's shadow is reset,
//                  and the clocks of a channel, mutex or WaitGroup that
//                  lived there are dropped, so a new one at the same
//                  address starts with none); new arenas are forgotten
//                  when mapped (racefresh: TSan's mmap interceptor marks
//                  a mapping's ends as written by the mapping goroutine).
//                  So every slot mallocgc hands out is new to TSan, with
//                  nothing to do at allocation (Go resets at allocation,
//                  racemalloc; at the sweep the cost is per freed object
//                  and runs in the M's own TSan context, whose shallow
//                  call stack TSan records cheaply). Under -race the tiny
//                  allocator is off (as in Go): a reset is per 8-byte
//                  shadow cell, and must not erase a live neighbour's
//                  accesses.
//   stacks         a segment's memory is reused by other goroutines (a dead
//                  G's first segment goes with the G to the next goroutine,
//                  freed segments go back to the pools): the new user
//                  forgets the old one's accesses (racestackget resets the
//                  part generated code can touch: stackalloc, stackinit),
//                  as Go's stackalloc/gfget call racemalloc. No edge: a
//                  release/acquire on the segment would order the old
//                  goroutine's whole life before the new one's creator,
//                  hiding its real races. The G record itself (generated
//                  code reads and writes g._defer) is reset the same way
//                  when newproc1 reuses a dead G (racereset). (LLVM 19's
//                  AnnotateNewMemory, which would clear the shadow, is an
//                  empty function; __tsan_java_alloc is the entry point
//                  that does: race.cpp.)
//
// Audit against go1.19's runtime (every raceacquire/racerelease*/
// racereleaseacquire call in /usr/share/go-1.19/src/runtime and the
// race.Acquire/Release* calls of package sync), issue 13:
//   Go                                      glrt
//   chan.go racesync (unbuffered)           chan.cpp racesync: same calls
//   chan.go racenotify, elemsize != 0:      racenotify: same; glrt merged
//     racereleaseacquire(g)                   (acquire+release) until this
//                                             audit: hid lit race/chan_slot
//   chan.go racenotify, elemsize == 0:      same (one object per index)
//     raceacquire + racerelease
//   chan.go send() to a waiting receiver    sendToWaiter: same, and recvx/
//     on a buffered chan: slot recvx, ++    sendx advance under -race
//   chan.go closechan: racerelease(c),      chan.cpp closechan: same
//     raceacquireg for every waiter
//   chan.go/select.go recv on closed:       chan.cpp, select.cpp: same
//     raceacquire(c.raceaddr())
//   racerelease = ReleaseStore              racerelease: java_release_store
//     (glrt's was TSan's C __tsan_release, a merge: an unbuffered channel
//     carried an earlier pair's sender to a later receiver, race/chan_pairs)
//   time.go startTimer/resetTimer:          newChanTimer/newTimer/
//     racerelease(t); timeSleep: none         resetTimer; timeSleep: none
//     (glrt released every timer in addtimer, Sleep's too, until this audit)
//   time.go runOneTimer: raceacquirectx     takeDue: raceacquire in the
//     (per-P timerRaceCtx, accumulates)       M's g0 fiber (accumulates too)
//   proc.go newproc: racegostart (edge);    racegostart (fiber creation);
//     goexit: racegoend (no edge)             goexit0: racegoend (none)
//   Gosched, park/ready, the scheduler's    none: switches are _no_sync,
//     locks, GC, sysmon: no annotations       glrt is not instrumented and
//                                             its libc calls bypass TSan
//   sync.Mutex: Acquire / Release(store)    sync.cpp: same
//   sync.WaitGroup: ReleaseMerge / Acquire  sync.cpp: same (was a merge
//     (+ race.Read/Write misuse checks)       under the old racerelease; the
//                                             misuse checks are not done)
//   sync.Once: atomic done (acq/rel)        sync.cpp: release / acquire
//   sync/atomic: __tsan_go_atomic*          atomic.cpp: __tsan_atomic*
//     (glrt's were invisible to TSan until this audit: race/atomic_pub,
//     race/atomic_plain)
//   syscall.Read/Write: Acquire/            raceioread/raceiowrite in
//     ReleaseMerge(&ioSync), Write/ReadRange  poll_read/write, syscall_read/
//                                             write (before this audit:
//                                             TSan's fd interceptors, which
//                                             also misfiled g0-stack buffers)
//   cgo, profiling labels, trace, metrics,  not in glrt
//     finalizers (racefingo), reflectOffs
// Issue 13's missed race (sleep, then a write) was none of these: the
// optimiser had deleted the write-only variable (compiler/driver/Race.cpp).
// Known difference kept: timers fired by one context (Go: a P, glrt: an
// M) accumulate their starters' clocks, so the receiver of a later
// channel timer from the same context is ordered after every earlier
// starter; go1.19 -race misses the same races (GOMAXPROCS=1 always).
//
// Every function here is a no-op (inline, empty) in the ordinary runtime.
// All of them run in the context of the G on whose behalf the operation
// happens (the current fiber) unless named ...g(gp, ...).
//===----------------------------------------------------------------------===//
#pragma once

#include <csignal>
#include <cstdint>

namespace glrt {

struct g;

#if GLRT_RACE
constexpr bool raceenabled = true;
// Go's four primitives (runtime/race.go), with its TSan operations:
//   raceacquire(a)         the caller's clock joins a's (Acquire);
//   racerelease(a)         a's clock becomes the caller's (ReleaseStore:
//                          whatever earlier releasers left there is gone);
//   racereleasemerge(a)    a's clock joins the caller's (Release);
//   racereleaseacquire(a)  both at once: a's clock becomes the caller's
//                          and the caller joins a's old one
//                          (ReleaseStoreAcquire; a channel slot).
void raceacquire(const void *addr);
void racerelease(const void *addr);
void racereleasemerge(const void *addr);
void racereleaseacquire(const void *addr);
void raceacquireg(g *gp, const void *addr);
void racereleaseg(g *gp, const void *addr);
void racereleaseacquireg(g *gp, const void *addr);
// Go's racereadpc / racewritepc: an access of size 1 at addr by the
// generated code whose call returned to callerpc (the report's top frame).
void racereadpc(const void *addr, uintptr_t callerpc);
void racewritepc(const void *addr, uintptr_t callerpc);
void racereadrangepc(const void *addr, uintptr_t len, uintptr_t callerpc);
void racewriterangepc(const void *addr, uintptr_t len, uintptr_t callerpc);
// Go's syscall.Read/Write under -race (syscall_unix.go): a write first
// release-merges into one process-wide object (ioSync), a read that
// succeeded acquires it, so every write is ordered before every later
// read through any descriptor; the bytes read are a write of the buffer
// by the caller (at pc), the bytes written a read of it. glrt calls them
// in the goroutine's context around its read/write rows (syscall.cpp,
// netpoll.cpp).
void raceiowrite(const void *b, int64_t n, uintptr_t pc); // before writing n
void raceioread(const void *b, int64_t n, uintptr_t pc);  // after reading n >= 0
// Goroutine lifecycle (proc.cpp).
void racegostart(g *newg);  // in the creator's context
void racegoswitch(g *gp);   // execute: before gogo to gp
void racegotog0();          // first thing in every mcall continuation
void racegoend(g *gp);      // goexit0, after racegotog0
void raceminit(g *g0);      // an M's thread: g0.racectx = its own context
// Forget [p, p+n): every access TSan remembers there and every
// synchronisation object at an address in it. racefree: a heap slot the
// sweep freed; racereset: memory reused outside the heap (stacks, G
// records). racefresh: a new mapping that holds no synchronisation
// object yet (cheaper for big ranges). p and n multiples of 8; any
// thread, any context.
void racefree(const void *p, uintptr_t n);
void racereset(const void *p, uintptr_t n);
void racefresh(const void *p, uintptr_t n);
void racestackget(uintptr_t lo, uintptr_t hi); // a segment's new user
#else
constexpr bool raceenabled = false;
inline void raceacquire(const void *) {}
inline void racerelease(const void *) {}
inline void racereleasemerge(const void *) {}
inline void racereleaseacquire(const void *) {}
inline void raceacquireg(g *, const void *) {}
inline void racereleaseg(g *, const void *) {}
inline void racereleaseacquireg(g *, const void *) {}
inline void racereadpc(const void *, uintptr_t) {}
inline void racewritepc(const void *, uintptr_t) {}
inline void racereadrangepc(const void *, uintptr_t, uintptr_t) {}
inline void racewriterangepc(const void *, uintptr_t, uintptr_t) {}
inline void raceiowrite(const void *, int64_t, uintptr_t) {}
inline void raceioread(const void *, int64_t, uintptr_t) {}
inline void racegostart(g *) {}
inline void racegoswitch(g *) {}
inline void racegotog0() {}
inline void racegoend(g *) {}
inline void raceminit(g *) {}
inline void racefree(const void *, uintptr_t) {}
inline void racereset(const void *, uintptr_t) {}
inline void racefresh(const void *, uintptr_t) {}
inline void racestackget(uintptr_t, uintptr_t) {}
#endif

// sigaction for glrt's own handlers (SIGSEGV/SIGBUS/SIGFPE, SIGURG). Under
// -race it is libc's, not TSan's interceptor: TSan defers asynchronous
// signals to its next safe point and hands the handler a copy of the
// context, so the SIGURG handler's injected asyncPreempt call would be
// lost; installed directly, the handler runs as the kernel delivers it and
// only injects when the interrupted PC is in generated code (never inside
// TSan's runtime, whose state is then consistent for the fiber switch).
int glrt_sigaction(int sig, const struct sigaction *sa, struct sigaction *old);

// The caller's return address into generated code, for racereadpc.
#define RACE_CALLERPC() (reinterpret_cast<uintptr_t>(__builtin_return_address(0)))

} // namespace glrt
