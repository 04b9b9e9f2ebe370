//===- defer.cpp - defer, panic, recover, Goexit ---------------------------===//
//
// DESIGN
//
// Records. Every executed defer statement pushes a _defer record on its
// goroutine's list (g->_defer, newest first; deferabi.h gives the layout
// generated code writes): the deferred call as a code pointer and one
// argument, fn(arg), and the deferframe of the function that deferred it.
// Like gc since Go 1.18, glc turns `defer f(x, y)` into a call of a
// wrapper that takes a block holding f and the already evaluated x, y
// (the `go` statement's trampolines, IRGenGo.cpp): the runtime only ever
// calls fn(arg). `defer func() { ... }()` calls the closure itself (arg is
// the closure record).
//
// The fast path (open-coded, no allocation). In a function whose defer
// statements are not inside a loop, each statement executes at most once
// per activation and in source order, so each gets its record and its
// argument block as fixed slots in the function's frame. At the
// statement, generated code fills the record and links it
// (d->link = g->_defer; g->_defer = d) inline; at every exit it walks its
// sites from last to first and, for each site whose record is the head of
// the list, unlinks it and calls it. No runtime call, no allocation.
// Defer statements inside a loop (or in a function with goto) call
// glrt_deferproc (a record from a per-P pool, the block from the heap) and
// the exits call glrt_deferreturn(frame), which runs every record at the
// head whose frame is this one; such a function takes this path for all
// its defer statements.
//
// Frames and recovery. A function with defer statements keeps a
// deferframe in its frame. On entry it stores its frame address, stack
// pointer and goroutine there and executes llvm.eh.sjlj.setjmp on it
// (LLVM's builtin setjmp: the resume address goes into the frame, and
// LLVM treats every register as clobbered at the resume point, so
// nothing stale is reused after a resume; the call is marked
// returns_twice, so no spill slot live into the resume path is shared
// with the body's temporaries). When the setjmp "returns" 1 the
// function goes to its exit path: it runs its remaining deferred calls and
// returns its result slots. Result slots are memory whose address the
// deferframe holds (DFRAME_RESULTS), so a value stored before a panic
// (named results, or `return x` followed by a panicking deferred call)
// is what the function returns after a recover, as in Go.
//
// gopanic runs on the goroutine's stack below the panicking frame. For
// each record at the head: mark it started, call it through
// glrt_calldefer, then unlink it. If the deferred call recovered, gopanic
// resumes the recorded frame (recovery): it finds the stack segment that
// holds the frame's sp by walking the goroutine's chain back from its
// current segment (stkseg.prev), makes it current (g->stackseg, the limit
// g->stackguard0 and %fs:0x70, the latter with xchg keeping a preemption
// poison, as __morestack does), sets rsp/rbp and jumps to the resume
// address (glrt_deferresume). The segments below it stay cached on the
// chain (seg->next) as after ordinary returns; the __morestack frames
// they were entered from are simply abandoned, like the frames on them.
//
// recover. Go's rule: recover stops the panic only when called directly
// by the deferred function the panic is running. glrt_calldefer stores its
// rbp in p->argp before calling; generated code passes recover its own
// frame address, and gorecover walks up the frame links (parentfp: one
// rbp link up, or two when the function was entered through __morestack,
// recognised by its return address glrt_morestack_ret) to argp, through
// wrapper frames only: the defer trampolines (runtime.gowrap.*) and
// method wrappers (functab's GLC_FUNC_WRAPPER, e.g. a method value's -fm),
// which Go does not count either. A trampoline itself never counts
// (`defer recover()` recovers nothing, as in Go). Functions that call
// recover are never inlined (irgen), so their frame is their own.
//
// Goexit runs the records like a panic that cannot be recovered, then
// ends the goroutine (goexit1). Main's Goexit leaves the process running
// until checkdead finds nothing left: "no goroutines (main called
// runtime.Goexit) - deadlock!".
//
// INVARIANTS
//  - g->_defer lists records of live frames only, newest first; a record
//    in a frame is unlinked before its frame is left (normal exit: the
//    exit sequence; panic: gopanic unlinks every record it runs or skips
//    before it resumes an older frame; Goexit: all).
//  - After a recovery the goroutine runs on the segment holding the
//    resumed frame, g->stackseg/g->stackguard0/%fs:0x70 agree, and the
//    chain beyond it is intact (the next __morestack reuses it).
//  - g->_panic lists panics in flight, newest first; each lives in its
//    gopanic's frame, which is alive while it is listed (a recovery pops
//    the recovered panic and aborted ones above older frames).
//  - All of this is touched only by the goroutine itself (owner M), so no
//    locks or atomics; the per-P pool is used by the P's owner only.
//  - Stack: gopanic, Goexit and deferreturn run on the goroutine's stack
//    within StackNosplitBudget (the deferred calls are generated code with
//    their own prologues); the final printing is on g0 (fatalpanic).
//===----------------------------------------------------------------------===//
#include "defer.h"

#include "abi.h"
#include "malloc.h"
#include "mbarrier.h"
#include "panic.h"
#include "proc.h"
#include "stack.h"
#include "traceback.h"

#include <string.h>

namespace glrt {

std::atomic<bool> mainGoexited{false};
// Go's runningPanicDefers (defer.h): +1 when a panic starts, -1 when it
// is recovered (or dropped as aborted by a recovery) and when it becomes
// fatal (panic.cpp, once the dying thread has claimed the death). Read by
// main's return (proc.cpp: mainTrampoline). Relaxed: only a hint that
// makes main yield; the death itself is `dying`, claimed by a CAS.
std::atomic<int32_t> runningPanicDefers{0};

namespace {

// Per-P pool of heap records (p->deferpool), owner only.
_defer *newdefer() {
  g *gp = getg();
  p *pp = gp && gp->mp ? gp->mp->pp : nullptr;
  if (pp && pp->deferpool) {
    auto *d = static_cast<_defer *>(pp->deferpool);
    pp->deferpool = d->link;
    return d;
  }
  return static_cast<_defer *>(mallocscan(sizeof(_defer)));
}

void freedefer(_defer *d) {
  if (!(d->flags & DEFER_FHEAP))
    return; // a frame's slot
  g *gp = getg();
  p *pp = gp && gp->mp ? gp->mp->pp : nullptr;
  if (!pp)
    return;
  // The record is a heap object: its pointer words are overwritten through
  // the write barrier (mbarrier.cpp's rule; the pool's next record may be
  // reachable only through d->link of the snapshot).
  d->fn = nullptr;
  writePointer(&d->arg, nullptr);
  writePointer(&d->link, pp->deferpool);
  pp->deferpool = d;
}

// The frame that called the function whose frame is fp, and the return
// address into it. A function entered through __morestack has that
// frame in between: its caller's frame is one link further and its real
// return address is the third word of __morestack's frame.
inline uintptr_t parentfp(uintptr_t fp, uintptr_t *ret) {
  auto *f = reinterpret_cast<const uintptr_t *>(fp);
  uintptr_t up = f[0];
  *ret = f[1];
  if (f[1] == reinterpret_cast<uintptr_t>(glrt_morestack_ret)) {
    auto *ms = reinterpret_cast<const uintptr_t *>(up);
    up = ms[0];
    *ret = ms[2];
  }
  return up;
}

// Whether the generated function containing pc is a wrapper that Go
// would not count as a frame of its own for recover: the defer/go
// trampolines (runtime.gowrap.*) and method wrappers (GLC_FUNC_WRAPPER,
// e.g. the -fm of a method value).
bool iswrapper(uintptr_t pc) {
  uintptr_t entry;
  int64_t flags = 0;
  const char *name = funcname(pc, &entry, &flags);
  if (!name)
    return false;
  return (flags & GLC_FUNC_WRAPPER) != 0 || strncmp(name, "runtime.gowrap.", 15) == 0;
}

// Go's preprintpanics: error and Stringer values print as their text,
// computed before the switch to g0 (on a goroutine: the methods are Go
// code).
__attribute__((noinline)) void preprintpanics1(_panic *p) {
  if (g *gp = getg())
    gp->printingpanics = true;
  for (; p; p = p->link) {
    GoString s;
    if (errortext(p->arg, &s)) {
      auto *box = static_cast<GoString *>(mallocgc(sizeof(GoString), &stringType, true));
      *box = s;
      p->arg = Eface{&stringType, box};
    }
  }
  if (g *gp = getg())
    gp->printingpanics = false;
}

// A panic raised by an Error or String method while preprintpanics runs:
// Go's preprintpanics recovers it and throws.
[[noreturn]] __attribute__((noinline)) void panicwhileprinting(Eface e) {
  const char *prefix = "panic while printing panic value: ";
  size_t pn = strlen(prefix);
  const GoString *str = nullptr;
  GoString tstr = e.type ? e.type->str : GoString{nullptr, 0};
  if (e.type && kindOf(e.type) == KindString)
    str = static_cast<const GoString *>(e.data);
  size_t n = pn + (str ? size_t(str->len) : 5 + size_t(tstr.len)) + 1;
  auto *buf = static_cast<char *>(mallocnoscan(n));
  memcpy(buf, prefix, pn);
  if (str) {
    memcpy(buf + pn, str->str, size_t(str->len));
  } else {
    memcpy(buf + pn, "type ", 5);
    memcpy(buf + pn + 5, tstr.str, size_t(tstr.len));
  }
  fatal(buf);
}
// Only a value whose type has methods (and is not one of the runtime's
// own errors, printed on g0) needs it: the common panics -- runtime
// errors, panic(basic value) -- skip preprintpanics1's frame and
// errortext's. needspreprint is a leaf in another file, so the check
// adds no registers to gopanicsig's frame.
__attribute__((always_inline)) inline void preprintpanics(_panic *p) {
  if (needspreprint(p))
    preprintpanics1(p);
}

// Resumes fr's function at its setjmp (see the essay). Never returns.
[[noreturn]] void recovery(g *gp, deferframe *fr) {
  uintptr_t sp = fr->sp;
  stkseg *s = gp->stackseg;
  while (s && !(sp >= s->lo && sp < s->hi))
    s = s->prev;
  if (!s)
    fatal("recovery: frame not on the goroutine's stack");
  gp->stackseg = s;
  gp->stackguard0 = seglimit(s);
  glrt_deferresume(fr->sp, fr->fp, fr->pc, gp->stackguard0);
}

// Runs the head record d for panic p (gopanic and Goexit). The goroutine
// is read again after the call (a TLS load) rather than kept in a
// callee-saved register: the callers' frames stay under the deferred
// call, and every register live across it costs 8 bytes of the
// goroutine's StackNosplitBudget.
inline void rundefer(_defer *d, _panic *p) {
  d->flags |= DEFER_FSTARTED;
  d->panic = p;
  glrt_calldefer(d->fn, d->arg, &p->argp);
  p->argp = 0;
  g *gp = getg();
  if (gdefer(gp) != d)
    fatal("bad defer entry in panic");
  d->panic = nullptr;
  gp->_defer = d->link;
}

// A record some older panic (or Goexit) was running when a newer one got
// to it: that panic is aborted and the record dropped, as in Go.
inline bool skipstarted(g *gp, _defer *d) {
  if (!(d->flags & DEFER_FSTARTED))
    return false;
  if (d->panic)
    d->panic->aborted = true;
  d->panic = nullptr;
  gp->_defer = d->link;
  freedefer(d);
  return true;
}

} // namespace

namespace {
// gopanic's loop: runs the records until one recovers (then resumes its
// frame, never returning) or none is left (returns). Kept out of
// gopanicsig so that a panic with nothing to run stays within
// StackNosplitBudget, and returning rather than dying itself so that
// its frame (it saves callee-saved registers) is gone before
// fatalpanic's path: panic entry + gopanicsig + max(unwind + calldefer,
// fatalpanic's path) must fit the budget.
__attribute__((noinline)) void unwind(_panic *p) {
  for (;;) {
    g *gp = getg();
    _defer *d = gdefer(gp);
    if (!d)
      return;
    if (skipstarted(gp, d))
      continue;
    rundefer(d, p);
    if (p->recovered) {
      gp = getg();
      runningPanicDefers.fetch_sub(1, std::memory_order_relaxed);
      gp->_panic = p->link;
      while (gpanic(gp) && gpanic(gp)->aborted) {
        if (!gpanic(gp)->goexit)
          runningPanicDefers.fetch_sub(1, std::memory_order_relaxed);
        gp->_panic = gpanic(gp)->link;
      }
      deferframe *fr = d->frame;
      freedefer(d);
      recovery(gp, fr);
    }
    freedefer(d);
  }
}
} // namespace

[[noreturn]] void gopanicsig(Eface e, uintptr_t fp, const sigpanicinfo *sig) {
  runningPanicDefers.fetch_add(1, std::memory_order_relaxed);
  g *gp = getg();
  _panic p{};
  p.arg = e;
  p.fp = fp;
  p.sig = sig;
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0) {
    preprintpanics(&p); // no goroutine: nothing to unwind
    fatalpanic(&p, fp);
  }
  if (gp->printingpanics) [[unlikely]]
    panicwhileprinting(e);
  p.link = gpanic(gp);
  gp->_panic = &p;
  if (gdefer(gp))
    unwind(&p);
  // Not recovered. The chain of panics in flight: p and, if p started
  // inside a deferred call, the older ones (Go's printpanics). Read
  // again from memory (getg, p.fp): nothing kept in a callee-saved
  // register across unwind.
  preprintpanics(gpanic(getg()));
  fatalpanic(gpanic(getg()), p.fp);
}

} // namespace glrt

using namespace glrt;

#define GLRT_ENTRY_FP() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

void glrt_gopanic(void *type, void *data) {
  gopanic(Eface{static_cast<const Type *>(type), data}, GLRT_ENTRY_FP());
}

glrt_eface glrt_gorecover(void *fp) {
  g *gp = getg();
  _panic *p = gp ? gpanic(gp) : nullptr;
  if (!p || p->goexit || p->recovered || p->argp == 0)
    return glrt_eface{nullptr, nullptr};
  _defer *d = gdefer(gp);
  // The record being run is the newest one marked with this panic (the
  // deferred function may have pushed records of its own since).
  while (d && d->panic != p)
    d = d->link;
  if (!d)
    return glrt_eface{nullptr, nullptr};
  // Walk up from the caller of recover through wrapper frames only,
  // until the frame glrt_calldefer made for this panic's deferred call.
  uintptr_t cur = reinterpret_cast<uintptr_t>(fp);
  for (int depth = 0;; depth++) {
    uintptr_t ret;
    uintptr_t up = parentfp(cur, &ret);
    if (up == p->argp) {
      // Called by the deferred call itself: unless that is the wrapper
      // of `defer recover()` (or of a builtin), which Go does not count.
      if (depth == 0 && (d->flags & DEFER_FWRAPPED))
        return glrt_eface{nullptr, nullptr};
      break;
    }
    if (depth >= 4 || !iswrapper(ret))
      return glrt_eface{nullptr, nullptr};
    cur = up;
  }
  p->recovered = true;
  return glrt_eface{const_cast<Type *>(p->arg.type), p->arg.data};
}

void glrt_deferproc(void (*fn)(void *), void *arg, void *frame, int32_t flags) {
  g *gp = getg();
  _defer *d = newdefer();
  d->fn = fn;
  writePointer(&d->arg, arg); // d may come from the pool: barriered (freedefer)
  d->frame = static_cast<deferframe *>(frame);
  d->flags = uint32_t(flags) | DEFER_FHEAP;
  d->panic = nullptr;
  writePointer(&d->link, gdefer(gp));
  gp->_defer = d;
}

void glrt_deferreturn(void *frame) {
  g *gp = getg();
  for (;;) {
    _defer *d = gdefer(gp);
    if (!d || d->frame != frame)
      return;
    gp->_defer = d->link;
    void (*fn)(void *) = d->fn;
    void *arg = d->arg;
    freedefer(d);
    fn(arg);
  }
}

void glrt_Goexit() {
  // The loop keeps only d in a register across a deferred call (see
  // rundefer): this frame is mostly p. Like gopanic's, it lies under
  // every deferred call Goexit runs; the deferred calls are generated
  // code, whose prologues give whatever they call a fresh
  // StackNosplitBudget.
  _panic p{};
  p.goexit = true;
  p.link = gpanic(getg());
  getg()->_panic = &p;
  for (;;) {
    g *gp = getg();
    _defer *d = gdefer(gp);
    if (!d)
      break;
    if (skipstarted(gp, d))
      continue;
    rundefer(d, &p);
    freedefer(d);
  }
  g *gp = getg();
  gp->_panic = nullptr;
  if (gp->goid == 1)
    mainGoexited.store(true, std::memory_order_relaxed);
  glrt_goexit1();
}
