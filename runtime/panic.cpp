//===- panic.cpp - panic(v), runtime errors, fatal errors, fault signals ---===//
//
// What a dying Go program prints (go1.19, runtime/panic.go, error.go):
//
//     panic: <value>                      printpanics: the value as print()
//     [signal SIGSEGV: ... pc=0x...]      only when a fault signal caused it
//     <blank line>
//     goroutine 1 [running]:
//     main.f(...)                         traceback.cpp
//             /abs/path/x.go:12 +0x45
//     main.main()
//             /abs/path/x.go:20 +0x1e
//
// then exit status 2 (GOTRACEBACK decides how much of this and which
// goroutines are printed, and crash dies by SIGABRT: traceback.cpp). The value's text: predeclared types print as print()
// would (strings raw, floats as +1.500000e+000, panic(nil) as "nil"); named
// types as main.T(5), main.S("x"), main.F(+2.000000e+000); runtime errors
// as "runtime error: <text>". Fatal errors (Go's throw) print
// "fatal error: <msg>" instead of "panic: ...".
//
// Every panic -- panic(v), runtime errors, channel panics -- is a value
// handed to gopanic (defer.cpp), which runs the deferred calls and may be
// recovered. Only when none recovers does the printing here run
// (fatalpanic): Go's printpanics, the chain of panics in flight, oldest
// first, "[recovered]" after a recovered one that was followed by another
// panic, each value printed as go1.19's printany does.
//
// Faults. initsig() installs handlers for SIGSEGV, SIGBUS and SIGFPE on a
// per-thread alternate stack (minitsignalstack), as Go does:
//  - fault at a PC inside generated code (gl_text) -> Go's sigpanic
//    choices: address < 0x1000 -> nil dereference panic; SIGFPE -> integer
//    divide by zero / overflow; any other address -> "unexpected fault
//    address" + "fatal error: fault";
//  - anywhere else -> "fatal error: unexpected signal during runtime
//    execution";
//  - a SIGSEGV just below the stack pointer (the guard page) anywhere ->
//    Go's "fatal error: stack overflow" (without Go's "runtime: sp=..."
//    line, which needs stack bounds the runtime does not track yet).
// Both add Go's "[signal SIG...: <name> code=0x.. addr=0x.. pc=0x..]" line.
// The nil dereference and integer-division faults of a goroutine become
// real panics: the handler injects a call of glrt_sigpanic0 (Go's
// sigpanic, injectsigpanic below) and returns, so deferred calls run and
// recover works; the signal line is printed if the panic is fatal. Every
// other case prints and exits on the signal stack.
//
// Stacks. Every panic entry point and fatal() only record their arguments
// in a per-M request (preq) and switch to the M's g0 stack (dieong0) before
// doing anything that needs stack -- formatting the value or the bounds
// text, printing, the traceback, _exit -- and never come back: a goroutine
// on a 2 KiB segment keeps only the entry point's frame, dieong0's and
// systemstack's 32 bytes (measured by abi_stack_test.cpp). The traceback still starts from the G's frames
// (pc/fp are taken before the switch). sighandler runs on the signal
// stack; while it runs, %fs:0x70 holds that stack's own limit (restored
// on return) and onsystemstack does not switch (sigdepth > 0). A fault on
// a goroutine segment is handled like any other: the G's sp decides
// "stack overflow" (a fault just below it, e.g. a guard page).
//
// Invariants:
//  - Only one thread prints a death: `dying` holds the tid of the first;
//    another thread that panics or faults meanwhile blocks forever, and a
//    nested fault in the dying thread itself (e.g. a corrupt frame chain in
//    the traceback) exits at once.
//  - Pending print output of the dying thread is flushed before the panic
//    text, and all of it reaches fd 2 before exit.
//===----------------------------------------------------------------------===//
#include "panic.h"

#include "abi.h"
#include "defer.h"
#include "malloc.h"
#include "mem.h"
#include "print.h"
#include "proc.h"
#include "trace.h"
#include "race.h"
#include "stack.h"
#include "traceback.h"

#include <atomic>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

namespace glrt {

// defer.h's originpanicinfo: entry k says only "raised by panicorigin k".
#define O(k) sigpanicinfo{0, 0, 0, 0, nullptr, uint8_t(k)}
const sigpanicinfo originpanicinfo[kNOrigins] = {
    O(0),  O(1),  O(2),  O(3),  O(4),  O(5),  O(6),  O(7),  O(8),  O(9),
    O(10), O(11), O(12), O(13), O(14), O(15), O(16), O(17), O(18), O(19),
    O(20), O(21), O(22), O(23), O(24), O(25), O(26), O(27), O(28), O(29),
    O(30), O(31), O(32), O(33), O(34), O(35), O(36), O(37), O(38),
};
#undef O
static_assert(kNOrigins == 39, "one originpanicinfo entry per panicorigin");
namespace {

std::atomic<long> dying{0}; // tid of the thread printing its death, or 0

// Nesting depth of sighandler on this thread: while > 0 the thread is on
// its signal stack and onsystemstack must not switch stacks.
__attribute__((tls_model("initial-exec"))) thread_local int sigdepth;


// Claim the right to print this death. Returns normally for the first
// dying thread; never returns for the others.
void startdying() {
  long self = syscall(SYS_gettid);
  long expect = 0;
  if (dying.compare_exchange_strong(expect, self, std::memory_order_acq_rel))
    return;
  if (expect == self) {
    // Fault while printing our own death: give up quietly but with Go's
    // status.
    printflush();
    _exit(2);
  }
  for (;;)
    pause();
}

} // namespace

bool panicking() { return dying.load(std::memory_order_acquire) != 0; }

namespace {

struct SigCtx {
  int sig;
  uint64_t code;
  uint64_t addr;
  uint64_t pc;
};

const char *signame(int sig) {
  switch (sig) {
  case SIGSEGV:
    return "SIGSEGV: segmentation violation";
  case SIGBUS:
    return "SIGBUS: bus error";
  case SIGFPE:
    return "SIGFPE: floating-point exception";
  default:
    return nullptr;
  }
}

void printsigline(const SigCtx &s) {
  const char *name = signame(s.sig);
  gwrites("[signal ");
  if (name)
    gwrites(name);
  else
    printhex(static_cast<uint64_t>(s.sig));
  gwrites(" code=");
  printhex(s.code);
  gwrites(" addr=");
  printhex(s.addr);
  gwrites(" pc=");
  printhex(s.pc);
  gwrites("]\n");
}

// The common tail: optional signal line, goroutine header, traceback, exit.
// frame: a runtime-implemented Go function to show as the innermost frame
// (panicstringframe), or null.
// throwtype: Go's m.throwing: 0 a panic, kThrowUser a fatal error of the
// user's making (Go's fatal: concurrent map writes, unlock of an unlocked
// mutex), kThrowRuntime a runtime throw. Go's gotraceback prints every
// goroutine for both, and a runtime throw at level 2 whatever GOTRACEBACK
// says (runtime frames, wrappers, runtime.main).
enum : int { kThrowNone, kThrowUser, kThrowRuntime };
[[noreturn]] void finish(const SigCtx *sig, uintptr_t pc, uintptr_t fp,
                         bool exactpc, const char *frame = nullptr,
                         int throwtype = kThrowNone, const _panic *panics = nullptr) {
  if (sig)
    printsigline(*sig);
  int32_t level;
  bool all, crash;
  gotraceback(&level, &all, &crash);
  if (throwtype != kThrowNone)
    all = true;
  if (throwtype == kThrowRuntime) {
    level = 2;
    settracebacklevel(2); // this thread dies: no need to restore it
  }
  if (level > 0) {
    // An M running no goroutine (a signal sent to the process that the
    // kernel gave to an idle M) is Go's g0: "goroutine 0 [idle]".
    int64_t goid = curgoid ? curgoid() : 1;
    gwrites("\ngoroutine ");
    printint(goid);
    gwrites(goid == 0 ? " [idle]:\n" : " [running]:\n");
    int hidden = 0;
    if (panics) {
      // Go's gopanic and the runtime functions that raised the panic:
      // printed at level 2, counted against the 100 frames at every level.
      runtimeframe rf[3];
      hidden = fatalpanicframes(panics, rf);
      printfatalpanicframes(panics);
    }
    if (frame) {
      // No address inside it to show: Go prints such a frame (inlined) with
      // its file:line only (a file of Go's library glc does not have).
      gwrites(frame);
      gwrites("(...)\n\t?:0\n");
    }
    traceback(pc, fp, exactpc, nullptr, hidden);
    printcreatedby(curgopc ? curgopc() : 0);
    if (all && tracebackothers)
      tracebackothers();
  }
  printflush();
  traceFlush(); // GODEBUG=tracefile: the trace ends with the death
  if (crash)
    dieabort();
  _exit(2);
}

// Start of every death: one thread only, earlier print output first.
void begin(const char *prefix) {
  startdying();
  printflush();
  gwrites(prefix);
}

// The PC/frame pointer pair for "trace from the caller of the entry point
// whose frame is fp": the return address and the caller's rbp.
inline uintptr_t retpc(uintptr_t fp) {
  return reinterpret_cast<const uintptr_t *>(fp)[1];
}
inline uintptr_t callerfp(uintptr_t fp) {
  return reinterpret_cast<const uintptr_t *>(fp)[0];
}

// ---- the switch to g0 ----
// A dying goroutine may be on a 2 KiB segment with only the 256-byte budget
// left, so an entry point does nothing but record its arguments in this
// per-thread request and switch (dieong0): entry frame + 16 + systemstack's
// 32 bytes of the G's stack. Per thread is safe: nothing parks between the
// record and the switch, so the G is still on this M, and a second death on
// the same thread exits in startdying before reading the request.
enum PanicKind : uint8_t {
  kString, kInt, kUint, kFloat, kBool, kNil, // panic(v): "panic: " v
  kRuntimeError,                             // "panic: runtime error: " msg
  kBounds,                                   // a boundsError
  kMem,                                      // nil dereference + signal line
  kFatal,                                    // "fatal error: " msg
  kPanics,                                   // fatalpanic: the chain
};

struct PanicReq {
  uintptr_t fp; // frame of the entry point: trace from its caller
  PanicKind kind;
  bool xsigned;
  int32_t code;
  const void *typeName;
  int64_t typeLen;
  const char *frame;  // kString: innermost pseudo-frame or null
  int throwtype;      // kFatal: kThrowUser or kThrowRuntime
  bool stackoverflow; // kFatal: print Go's "runtime stack:" of newstack's throw
  const char *msg;    // kString data, kRuntimeError / kFatal text
  int64_t n;          // kString length
  int64_t i;          // kInt/kUint/kBool value, kBounds x
  int64_t y;          // kBounds y
  double f;           // kFloat
  _panic *panics;     // kPanics
};
__attribute__((tls_model("initial-exec"))) thread_local PanicReq preq;

// "panic: " + (typeName "(" v ")" | v). quote: string values of named
// types print as main.S("x").
void printpanicvalue(const PanicReq &r) {
  bool named = r.typeLen > 0;
  bool quote = r.kind == kString;
  if (named) {
    gwrite(static_cast<const char *>(r.typeName), static_cast<size_t>(r.typeLen));
    gwrites(quote ? "(\"" : "(");
  }
  switch (r.kind) {
  case kString:
    gwrite(r.msg, r.n > 0 ? size_t(r.n) : 0);
    break;
  case kInt:
    printint(r.i);
    break;
  case kUint:
    printuint(uint64_t(r.i));
    break;
  case kFloat:
    printfloat(r.f);
    break;
  case kBool:
    printbool(r.i != 0);
    break;
  default:
    gwrites("nil");
    break;
  }
  if (named)
    gwrites(quote ? "\")" : ")");
}

[[noreturn]] void panicsig(const char *msg, const SigCtx &sig, uintptr_t pc,
                           uintptr_t fp, bool exactpc = true);

// go1.19's printany: values of the predeclared types print as print()
// does; other types through printanycustomtype: "main.T(5)",
// `main.S("x")`, else "(main.T) 0xc000012345" (the data word).
void printpanicval(Eface e) {
  const Type *t = e.type;
  if (!t) {
    gwrites("nil");
    return;
  }
  if (isruntimeerror(t)) {
    printruntimeerror(e);
    return;
  }
  bool named = (t->tflag & TFlagNamed) != 0;
  uint8_t k = kindOf(t);
  const void *d = e.data;
  auto body = [&]() -> bool {
    switch (k) {
    case KindString: {
      auto *s = static_cast<const GoString *>(d);
      gwrite(reinterpret_cast<const char *>(s->str), size_t(s->len));
      return true;
    }
    case KindBool: printbool(*static_cast<const bool *>(d)); return true;
    case KindInt: case KindInt64: printint(*static_cast<const int64_t *>(d)); return true;
    case KindInt8: printint(*static_cast<const int8_t *>(d)); return true;
    case KindInt16: printint(*static_cast<const int16_t *>(d)); return true;
    case KindInt32: printint(*static_cast<const int32_t *>(d)); return true;
    case KindUint: case KindUint64: case KindUintptr:
      printuint(*static_cast<const uint64_t *>(d)); return true;
    case KindUint8: printuint(*static_cast<const uint8_t *>(d)); return true;
    case KindUint16: printuint(*static_cast<const uint16_t *>(d)); return true;
    case KindUint32: printuint(*static_cast<const uint32_t *>(d)); return true;
    case KindFloat32: printfloat(*static_cast<const float *>(d)); return true;
    case KindFloat64: printfloat(*static_cast<const double *>(d)); return true;
    default: return false;
    }
  };
  if (!named && (k <= KindFloat64 || k == KindString) && body())
    return;
  if (k <= KindFloat64 || k == KindString) {
    gwrite(reinterpret_cast<const char *>(t->str.str), size_t(t->str.len));
    gwrites(k == KindString ? "(\"" : "(");
    body();
    gwrites(k == KindString ? "\")" : ")");
    return;
  }
  gwrites("(");
  gwrite(reinterpret_cast<const char *>(t->str.str), size_t(t->str.len));
  gwrites(") ");
  printhex(reinterpret_cast<uintptr_t>(d));
}

// Go's printpanics: oldest first; each later one on a tab-indented line.
void printpanics(const _panic *p) {
  if (p->link) {
    printpanics(p->link);
    if (!p->link->goexit)
      gwrites("\t");
  }
  if (p->goexit)
    return;
  gwrites("panic: ");
  printpanicval(p->arg);
  if (p->recovered)
    gwrites(" [recovered]");
  gwrites("\n");
}

// Runs on g0: prints the death described by preq and exits.
void panicmain(void *) {
  const PanicReq r = preq;
  uintptr_t pc = retpc(r.fp), fp = callerfp(r.fp);
  switch (r.kind) {
  case kRuntimeError:
    begin("panic: runtime error: ");
    gwrites(r.msg);
    break;
  case kBounds: {
    char buf[160];
    size_t n = fmtboundserror(buf, r.i, r.y, r.code, r.xsigned);
    begin("panic: "); // fmtboundserror includes "runtime error: "
    gwrite(buf, n);
    break;
  }
  case kMem: {
    // An explicit nil check in generated code stands for the fault Go
    // would have taken, so print Go's signal line too (pc = the check's
    // return address, addr = the offset it would have faulted at, code
    // SEGV_MAPERR).
    SigCtx s{SIGSEGV, SEGV_MAPERR, uint64_t(r.i), pc};
    panicsig("invalid memory address or nil pointer dereference", s, pc, fp, false);
  }
  case kFatal:
    begin("fatal error: ");
    gwrites(r.msg);
    gwrite("\n", 1);
    if (r.stackoverflow) {
      // Go throws a stack overflow on the system stack (newstack, called
      // by morestack) and prints that stack first: its three frames, with
      // go1.19's lines and offsets (glrt's own __morestack and
      // glrt_morestack_grow stand for them).
      gwrites("\nruntime stack:\n"
              "runtime.throw(...)\n\t$GOROOT/src/runtime/panic.go:1047 +0x5d\n"
              "runtime.newstack()\n\t$GOROOT/src/runtime/stack.go:1103 +0x5cc\n"
              "runtime.morestack()\n\t$GOROOT/src/runtime/asm_amd64.s:570 +0x8b\n");
    }
    finish(nullptr, pc, fp, false, nullptr, r.throwtype);
  case kPanics: {
    begin("");
    // Go's fatalpanic: this panic runs no more deferred calls, and the
    // death is claimed (panicking) before the count drops, so main's
    // return sees one or the other.
    runningPanicDefers.fetch_sub(1, std::memory_order_relaxed);
    printpanics(r.panics);
    // Go prints the signal line when the goroutine's last panic came from
    // a fault (gp.sig): the newest panic in the chain that carries one.
    const _panic *sp = r.panics;
    while (sp && !(sp->sig && sp->sig->sig != 0))
      sp = sp->link;
    if (sp) {
      SigCtx s{sp->sig->sig, sp->sig->code, sp->sig->addr, sp->sig->pc};
      finish(&s, pc, fp, false, nullptr, kThrowNone, r.panics);
    }
    // The newest panic's pseudo-frame (panicstringframe), if any.
    finish(nullptr, pc, fp, false, r.panics && r.panics->sig ? r.panics->sig->frame : nullptr,
           kThrowNone, r.panics);
  }
  default:
    begin("panic: ");
    printpanicvalue(r);
    break;
  }
  gwrite("\n", 1);
  finish(nullptr, pc, fp, false, r.kind == kString ? r.frame : nullptr);
}

// Switches to g0 for good and dies there as preq says.
[[noreturn]] __attribute__((noinline)) void dieong0() {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || sigdepth > 0)
    panicmain(nullptr);
  else
    glrt_systemstack(panicmain, nullptr); // a plain call on g0 already
  __builtin_unreachable();
}

[[noreturn]] void panicsig(const char *msg, const SigCtx &sig, uintptr_t pc,
                           uintptr_t fp, bool exactpc) {
  onsystemstack([&] {
    begin("panic: runtime error: ");
    gwrites(msg);
    gwrite("\n", 1);
    finish(&sig, pc, fp, exactpc);
  });
  __builtin_unreachable();
}

// How far below the stack pointer a faulting access still counts as a stack
// overflow (the largest frame that probes its stack only at its bottom).
constexpr uint64_t kOverflowSlack = 64 << 10;

void sighandler1(int sig, siginfo_t *info, void *uctxp);

// Set by minitNonM: this thread is one of the runtime's threads that are
// not Ms (sysmon, the mark helpers, the schedtrace printer).
__attribute__((tls_model("initial-exec"))) thread_local bool nonM;

// A fault signal that was sent (kill(2), tgkill, sigqueue: si_code <= 0,
// Go's sigFromUser; the kernel's own faults have si_code > 0) and that the
// kernel delivered to a thread that is not an M. Go has no such threads:
// there every thread is an M and the signal is handled by whichever one got
// it, which shows its goroutine and stops the program. Handling it here
// instead was wrong twice over: the dying thread printed "goroutine 1
// [running]" for a G it does not run, and nothing stopped main, which could
// print on and exit 0 before the death was claimed (lit
// debug/fatal_signal_level under GODEBUG=gcstress: kill(getpid(), SIGSEGV)
// sent while the sending M had a preemption SIGURG pending, so the kernel
// passed over it and chose sysmon). So the thread blocks the signal for the
// rest of its life (uc_sigmask is the mask restored when the handler
// returns) and sends it to the process again: the kernel then picks a
// thread that does not block it, an M or another such thread, which does
// the same, so it reaches an M after at most one hop per non-M thread. The
// process dies of it (every handled fault signal is fatal when sent), so a
// thread that keeps it blocked never needs it again. Not by blocking these
// signals when the threads start: a real fault in sysmon or a mark helper
// must still print "unexpected signal during runtime execution" (a blocked
// synchronous fault kills the process silently). The resent signal comes
// from this process (si_pid is ours, si_code SI_USER): the kernel lets only
// the thread-group leader queue a forged SI_USER siginfo.
bool forwardToM(int sig, siginfo_t *info, ucontext_t *uc) {
  if (!nonM || info->si_code > 0)
    return false;
  sigaddset(&uc->uc_sigmask, sig);
  syscall(SYS_kill, getpid(), sig); // not kill(): TSan's interceptor under -race
  return true;
}

// The installed handler. It runs on the thread's alternate signal stack,
// which may have interrupted split-stack code on a goroutine segment:
// %fs:0x70 then holds that segment's limit, meaningless here. While the
// handler runs, the slot holds the signal stack's own limit (its lowest
// address + STACK_GUARD), and the interrupted value is put back on the way
// out (ARCHITECTURE.md 4). Today every path prints a death and exits; the
// restore matters once sigpanic returns into the faulting G.
void sighandler(int sig, siginfo_t *info, void *uctxp) {
  if (forwardToM(sig, info, static_cast<ucontext_t *>(uctxp)))
    return;
  uintptr_t oldlimit = getstacklimit();
  stack_t ss;
  if (sigaltstack(nullptr, &ss) == 0 && (ss.ss_flags & SS_ONSTACK) != 0)
    setstacklimit(reinterpret_cast<uintptr_t>(ss.ss_sp) + STACK_GUARD);
  sigdepth++;
  sighandler1(sig, info, uctxp);
  sigdepth--;
  setstacklimit(oldlimit);
}

// Go's sigpanic: a fault in generated code that Go turns into a panic
// (nil dereference, integer division) becomes a real, recoverable panic
// on the goroutine. The handler makes the faulting instruction look as if
// it had called glrt_sigpanic0 (its address pushed as the return address,
// as asyncPreempt's injection does; the red zone is dead, the code never
// resumes there) and returns; the stub aligns the stack and calls
// sigpanicgo, which raises the panic with the fault's details. They pass
// through this per-thread slot: nothing can reschedule the goroutine
// between the handler's return and the stub's read.
__attribute__((tls_model("initial-exec"))) thread_local SigCtx sigpanicctx;

bool injectsigpanic(const SigCtx &s, ucontext_t *uc) {
  bool nilish = (s.sig == SIGSEGV && (s.code == 0 || s.code == SEGV_MAPERR ||
                                      s.code == SEGV_ACCERR) && s.addr < 0x1000) ||
                (s.sig == SIGBUS && s.code == BUS_ADRERR && s.addr < 0x1000);
  bool fpe = s.sig == SIGFPE && (s.code == FPE_INTDIV || s.code == FPE_INTOVF);
  if (!nilish && !fpe)
    return false;
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || gp == gp->mp->g0 || gp->stackseg == nullptr ||
      sigdepth > 1)
    return false;
  greg_t *regs = uc->uc_mcontext.gregs;
  uintptr_t sp = uintptr_t(regs[REG_RSP]);
  if (sp < gp->stackseg->lo + 64 || sp > gp->stackseg->hi)
    return false; // not on the goroutine's segment: die here as before
  sigpanicctx = s;
  sp -= 8;
  *reinterpret_cast<uintptr_t *>(sp) = s.pc;
  regs[REG_RSP] = greg_t(sp);
  regs[REG_RIP] = greg_t(reinterpret_cast<uintptr_t>(&glrt_sigpanic0));
  return true;
}

// The fatal errors below are Go's throws (newstack's "stack overflow",
// sigpanic's "fault", sighandler's "unexpected signal"): runtime throws,
// so they trace every goroutine at level 2 whatever GOTRACEBACK says
// (kThrowRuntime), as glrt::fatal does. Go's panics (nil dereference,
// integer division) keep GOTRACEBACK's level.
void sighandler1(int sig, siginfo_t *info, void *uctxp) {
  auto *uc = static_cast<ucontext_t *>(uctxp);
  SigCtx s;
  s.sig = sig;
  s.code = static_cast<uint64_t>(static_cast<int64_t>(info->si_code));
  s.addr = reinterpret_cast<uint64_t>(info->si_addr);
  s.pc = static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]);
  uintptr_t fp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]);

  // A fault just below the stack pointer is the thread's stack guard page:
  // report Go's stack overflow (until segmented stacks make the limit
  // explicit, this is how unbounded recursion shows up).
  uintptr_t sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
  if (sig == SIGSEGV && s.addr + kOverflowSlack >= sp && s.addr < sp + 4096) {
    begin("runtime: goroutine stack exceeds 1000000000-byte limit\n"
          "fatal error: stack overflow\n");
    finish(nullptr, s.pc, fp, true, nullptr, kThrowRuntime);
  }
  // A fault signal sent by kill(2) or tgkill (si_code <= 0, Go's
  // sigFromUser) is no fault of the code at pc: never a panic, wherever it
  // lands (before, one landing in generated code became "unexpected fault
  // address", or a nil dereference panic when the sender's pid, which is
  // si_addr's low half then, was below 0x1000). go1.19 prints its crash dump
  // for it; glrt, like for a signal in the runtime, this throw.
  if (!ingeneratedcode(s.pc) || info->si_code <= 0) {
    begin("fatal error: unexpected signal during runtime execution\n");
    finish(&s, s.pc, fp, true, nullptr, kThrowRuntime);
  }
  if (injectsigpanic(s, uc))
    return; // the goroutine panics (recoverably) when the handler returns
  switch (sig) {
  case SIGSEGV:
  case SIGBUS: {
    bool nilish = sig == SIGSEGV
                      ? (s.code == 0 || s.code == SEGV_MAPERR ||
                         s.code == SEGV_ACCERR)
                      : s.code == BUS_ADRERR;
    if (nilish && s.addr < 0x1000)
      panicsig("invalid memory address or nil pointer dereference", s, s.pc,
               fp);
    begin("unexpected fault address ");
    printhex(s.addr);
    gwrites("\nfatal error: fault\n");
    finish(&s, s.pc, fp, true, nullptr, kThrowRuntime);
  }
  case SIGFPE:
    // Go checks divisors explicitly, so its output for a zero divisor has
    // no signal line; a trap here stands for that check, so print none.
    if (s.code == FPE_INTDIV) {
      begin("panic: runtime error: integer divide by zero\n");
      finish(nullptr, s.pc, fp, true);
    }
    if (s.code == FPE_INTOVF)
      panicsig("integer overflow", s, s.pc, fp);
    panicsig("floating point error", s, s.pc, fp);
  default:
    begin("fatal error: unexpected signal\n");
    finish(&s, s.pc, fp, true, nullptr, kThrowRuntime);
  }
}

size_t append(char *buf, size_t n, const char *s) {
  size_t k = strlen(s);
  memcpy(buf + n, s, k);
  return n + k;
}

} // namespace

void onsystemstack(void (*fn)(void *), void *arg) {
  g *gp = getg();
  if (gp == nullptr || gp->mp == nullptr || sigdepth > 0) {
    fn(arg);
    return;
  }
  glrt_systemstack(fn, arg); // a plain call when gp is g0 already
}

[[noreturn]] void fatal(const char *msg) {
  PanicReq &r = preq;
  r.fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  r.kind = kFatal;
  r.msg = msg;
  r.throwtype = kThrowRuntime;
  dieong0();
}

[[noreturn]] void fataluser(const char *msg) {
  PanicReq &r = preq;
  r.fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  r.kind = kFatal;
  r.msg = msg;
  r.throwtype = kThrowUser;
  dieong0();
}

[[noreturn]] void fatalstackoverflow(uintptr_t sp, uintptr_t lo, uintptr_t hi) {
  // Go's newstack: print("runtime: goroutine stack exceeds ...\n");
  // print("runtime: sp=", ..., " stack=[", ..., "]\n"); throw("stack
  // overflow"). Straight to fd 2, as fatal(runtimeMsg, msg).
  char buf[128];
  size_t n = 0;
  auto put = [&](const char *s) {
    while (*s && n < sizeof buf)
      buf[n++] = *s++;
  };
  auto puthex = [&](uintptr_t v) {
    char t[19];
    int k = 0;
    do {
      t[k++] = "0123456789abcdef"[v & 15];
      v >>= 4;
    } while (v);
    put("0x");
    while (k > 0 && n < sizeof buf)
      buf[n++] = t[--k];
  };
  const char *exceeds = "runtime: goroutine stack exceeds 1000000000-byte limit\n";
  (void)!write(2, exceeds, strlen(exceeds));
  put("runtime: sp=");
  puthex(sp);
  put(" stack=[");
  puthex(lo);
  put(", ");
  puthex(hi);
  put("]\n");
  (void)!write(2, buf, n);
  PanicReq &r = preq;
  r.fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  r.kind = kFatal;
  r.msg = "stack overflow";
  r.throwtype = kThrowRuntime;
  r.stackoverflow = true;
  dieong0();
}

[[noreturn]] void fatal(const char *runtimeMsg, const char *msg) {
  // Go's print("runtime: ...\n"); throw(msg). The line goes straight to
  // fd 2 with write(2): no buffer, no lock, so a thread that dies holding
  // the print lock or deep in the allocator can still say why.
  if (runtimeMsg) {
    (void)!write(2, runtimeMsg, strlen(runtimeMsg));
    (void)!write(2, "\n", 1);
  }
  fatal(msg);
}

[[noreturn]] void panicruntimeerror(const char *msg, uintptr_t fp) {
  gopanic(errorString(msg), fp);
}

[[noreturn]] void fatalpanic(_panic *p, uintptr_t fp) {
  PanicReq &r = preq;
  r.fp = fp;
  r.kind = kPanics;
  r.panics = p;
  dieong0();
}

namespace {
struct StringFrameBoxes {
  GoString *box;
  sigpanicinfo *si;
};
// Out of line so that panicstringframe's own frame, which stays on the
// goroutine's stack under gopanicsig, holds only fp (stack.h's budget).
__attribute__((noinline)) StringFrameBoxes boxstringframe(const char *msg, const char *frame) {
  auto *box = static_cast<GoString *>(mallocgc(sizeof(GoString), &stringType, true));
  *box = GoString{reinterpret_cast<const uint8_t *>(msg), intptr_t(strlen(msg))};
  auto *si = static_cast<sigpanicinfo *>(mallocscan(sizeof(sigpanicinfo)));
  *si = sigpanicinfo{0, 0, 0, 0, frame, kOriginNone};
  return {box, si};
}
} // namespace

[[noreturn]] void panicstringframe(const char *msg, const char *frame, uintptr_t fp) {
  // Go's panic(msg) in a library function: a recoverable panic whose
  // value is the string; its frame is printed first if it is fatal.
  StringFrameBoxes b = boxstringframe(msg, frame);
  gopanicsig(Eface{&stringType, b.box}, fp, b.si);
}

size_t fmtboundserror(char *buf, int64_t x, int64_t y, int code,
                      bool xsigned) {
  // Go's boundsErrorFmts / boundsNegErrorFmts, indexed by boundsErrorCode;
  // %x is x, %y is y. The negative forms apply when x is signed and < 0.
  static const char *const fmts[] = {
      "index out of range [%x] with length %y",
      "slice bounds out of range [:%x] with length %y",
      "slice bounds out of range [:%x] with capacity %y",
      "slice bounds out of range [%x:%y]",
      "slice bounds out of range [::%x] with length %y",
      "slice bounds out of range [::%x] with capacity %y",
      "slice bounds out of range [:%x:%y]",
      "slice bounds out of range [%x:%y:]",
      "cannot convert slice with length %y to pointer to array with length %x",
  };
  static const char *const negfmts[] = {
      "index out of range [%x]",        "slice bounds out of range [:%x]",
      "slice bounds out of range [:%x]", "slice bounds out of range [%x:]",
      "slice bounds out of range [::%x]", "slice bounds out of range [::%x]",
      "slice bounds out of range [:%x:]", "slice bounds out of range [%x::]",
      "cannot convert slice with length %y to pointer to array with length %x",
  };
  constexpr int kCodes = sizeof fmts / sizeof fmts[0];
  if (code < 0 || code >= kCodes)
    code = 0;
  const char *f = (xsigned && x < 0) ? negfmts[code] : fmts[code];
  size_t n = append(buf, 0, "runtime error: ");
  for (; *f; f++) {
    if (*f != '%') {
      buf[n++] = *f;
      continue;
    }
    f++;
    if (*f == 'x')
      n += xsigned ? fmtint(buf + n, x) : fmtuint(buf + n, uint64_t(x));
    else
      n += fmtint(buf + n, y);
  }
  return n;
}

[[noreturn]] void dieFromSignal(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigaction(sig, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  _exit(2); // the signal was ignored by a parent: Go's exit status
}

[[noreturn]] void dieabort() {
  printflush();
  dieFromSignal(SIGABRT);
}

// A write to a pipe or socket with no reader: the write returns EPIPE, the
// signal itself is dropped (os.cpp has the rule).
static void sigpipeDrop(int, siginfo_t *, void *) {}

void minitsignalstack() {
  // -race: STACK_GUARD holds RACE_STACK_RESERVE; the limit must stay inside.
  constexpr size_t kSigStackSize = (64 << 10) + (raceenabled ? STACK_GUARD : 0);
  void *p = sysAlloc(kSigStackSize);
  stack_t st;
  memset(&st, 0, sizeof st);
  st.ss_sp = p;
  st.ss_size = kSigStackSize;
  if (sigaltstack(&st, nullptr) != 0)
    fatal("runtime: sigaltstack failed");
}

void minitNonM() { nonM = true; }

void initsig() {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = sighandler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigfillset(&sa.sa_mask); // nothing else interrupts a dying thread
  glrt_sigaction(SIGSEGV, &sa, nullptr); // race.h: never TSan's interceptor
  glrt_sigaction(SIGBUS, &sa, nullptr);
  glrt_sigaction(SIGFPE, &sa, nullptr);

  // Installed even over an inherited SIG_IGN, as Go does (it respects an
  // inherited SIG_IGN only for SIGHUP and SIGINT).
  struct sigaction sp;
  memset(&sp, 0, sizeof sp);
  sp.sa_sigaction = sigpipeDrop;
  sp.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sp.sa_mask);
  glrt_sigaction(SIGPIPE, &sp, nullptr);
}

} // namespace glrt

// ---- the compiler's entry points (abi.def) ----
// Each traces from its caller: the frame at __builtin_frame_address(0) is
// the entry point's own, [fp+8] returns into generated code.
#define GLRT_ENTRY_FP() reinterpret_cast<uintptr_t>(__builtin_frame_address(0))

namespace glrt {
namespace {
inline void panicvalue(uintptr_t fp, PanicKind kind, const void *typeName, int64_t typeLen) {
  PanicReq &r = preq;
  r.fp = fp;
  r.kind = kind;
  r.typeName = typeName;
  r.typeLen = typeLen;
  r.frame = nullptr;
}

// The legacy panic(v) entry points (a value of basic type and its type's
// name, if named): box v with the runtime's descriptor of the predeclared
// type, or, for a named type, a copy of it carrying the name. Such a copy
// prints right but is not the type glc describes: a recovered value's
// type assertions need glc to call glrt_gopanic with its own descriptor.
Eface boxbasic(const Type *basic, const void *v, size_t size, const void *typeName,
               int64_t typeLen) {
  void *box = mallocgc(size, basic, true);
  memcpy(box, v, size);
  const Type *t = basic;
  if (typeLen > 0) {
    auto *nt = static_cast<Type *>(mallocscan(sizeof(Type)));
    *nt = *basic;
    nt->tflag |= TFlagNamed;
    nt->str = GoString{static_cast<const uint8_t *>(typeName), typeLen};
    t = nt;
  }
  return Eface{t, box};
}

// A nil dereference: Go's memoryError, with the signal line it prints
// when the panic is fatal (glc's explicit checks stand for Go's faults).
[[noreturn]] void panicmemat(uintptr_t fp, uint64_t addr) {
  auto *si = static_cast<sigpanicinfo *>(mallocscan(sizeof(sigpanicinfo)));
  *si = sigpanicinfo{SIGSEGV, SEGV_MAPERR, addr, retpc(fp), nullptr, kOriginNone};
  gopanicsig(errorString("invalid memory address or nil pointer dereference"), fp, si);
}
} // namespace
} // namespace glrt

using glrt::preq;
using glrt::Eface;

// Called by glrt_sigpanic0 (arch/amd64/defer_amd64.S) on the goroutine
// that faulted; its frame chain leads to the faulting function.
extern "C" [[noreturn]] void glrt_sigpanic() {
  glrt::SigCtx s = glrt::sigpanicctx;
  uintptr_t fp = GLRT_ENTRY_FP();
  if (s.sig == SIGFPE && s.code == FPE_INTDIV) // Go checks divisors: no signal line
    glrt::panicruntimeerror("integer divide by zero", fp);
  const char *msg = s.sig == SIGFPE ? "integer overflow"
                                    : "invalid memory address or nil pointer dereference";
  auto *si = static_cast<glrt::sigpanicinfo *>(glrt::mallocscan(sizeof(glrt::sigpanicinfo)));
  *si = glrt::sigpanicinfo{s.sig, s.code, s.addr, s.pc, nullptr, glrt::kOriginNone};
  glrt::gopanicsig(glrt::errorString(msg), fp, si);
}

void glrt_gopanicstring(void *s, int64_t n, void *typeName, int64_t typeLen) {
  glrt::GoString v{static_cast<const uint8_t *>(s), n};
  glrt::gopanic(glrt::boxbasic(&glrt::stringType, &v, sizeof v, typeName, typeLen),
                GLRT_ENTRY_FP());
}

void glrt_panicwrap(void *s, int64_t n) {
  glrt::gopanic(glrt::plainError(glrt::GoString{static_cast<const uint8_t *>(s), n}),
                GLRT_ENTRY_FP());
}

void glrt_gopanicint(int64_t v, void *typeName, int64_t typeLen) {
  glrt::gopanic(glrt::boxbasic(&glrt::intType, &v, sizeof v, typeName, typeLen), GLRT_ENTRY_FP());
}

void glrt_gopanicuint(int64_t v, void *typeName, int64_t typeLen) {
  glrt::gopanic(glrt::boxbasic(&glrt::uintType, &v, sizeof v, typeName, typeLen), GLRT_ENTRY_FP());
}

void glrt_gopanicfloat(double v, void *typeName, int64_t typeLen) {
  glrt::gopanic(glrt::boxbasic(&glrt::float64Type, &v, sizeof v, typeName, typeLen),
                GLRT_ENTRY_FP());
}

void glrt_gopanicbool(uint8_t v, void *typeName, int64_t typeLen) {
  bool b = v != 0;
  glrt::gopanic(glrt::boxbasic(&glrt::boolType, &b, sizeof b, typeName, typeLen), GLRT_ENTRY_FP());
}

void glrt_gopanicnil() { glrt::gopanic(Eface{nullptr, nullptr}, GLRT_ENTRY_FP()); }

void glrt_panicBounds(int64_t x, int64_t y, int32_t code, uint8_t xSigned) {
  glrt::gopanic(glrt::boundsError(x, y, xSigned != 0, uint8_t(code)), GLRT_ENTRY_FP());
}

void glrt_panicdivide() {
  glrt::panicruntimeerror("integer divide by zero", GLRT_ENTRY_FP());
}

void glrt_panicshift() {
  glrt::panicruntimeerror("negative shift amount", GLRT_ENTRY_FP());
}

void glrt_panicmem() { glrt::panicmemat(GLRT_ENTRY_FP(), 0); }

void glrt_panicmemAddr(int64_t addr) { glrt::panicmemat(GLRT_ENTRY_FP(), uint64_t(addr)); }

// Go's newproc1: fatal("go of nil func value"), a fatal error of the
// user's making (throwTypeUser): no runtime frames in the traceback.
void glrt_gonilfunc() {
  glrt::panicvalue(GLRT_ENTRY_FP(), glrt::kFatal, nullptr, 0);
  preq.msg = "go of nil func value";
  preq.throwtype = glrt::kThrowUser;
  glrt::dieong0();
}

void glrt_panicmakeslicelen() {
  glrt::gopanicorigin(glrt::errorString("makeslice: len out of range"), GLRT_ENTRY_FP(),
                      glrt::kOriginMakeslicelen);
}

void glrt_panicmakeslicecap() {
  glrt::gopanicorigin(glrt::errorString("makeslice: cap out of range"), GLRT_ENTRY_FP(),
                      glrt::kOriginMakeslicecap);
}
