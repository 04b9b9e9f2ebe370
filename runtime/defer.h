//===- defer.h - defer records, panics in flight (the essay: defer.cpp) ---===//
#ifndef GLRT_DEFER_H
#define GLRT_DEFER_H

#include <stddef.h>
#include <stdint.h>

#include "deferabi.h"
#include "gmp.h"
#include "type.h"

namespace glrt {

struct _panic;

// In the frame of every activation of a function with defer statements
// (deferabi.h). fp/pc/sp are written by the function's entry
// (llvm.frameaddress, llvm.eh.sjlj.setjmp, llvm.stacksave); recovery
// resumes there.
struct deferframe {
  uintptr_t fp;
  uintptr_t pc;
  uintptr_t sp;
  uintptr_t sjlj[2];
  g *gp;
  void *results;
};
static_assert(offsetof(deferframe, fp) == DFRAME_FP);
static_assert(offsetof(deferframe, pc) == DFRAME_PC);
static_assert(offsetof(deferframe, sp) == DFRAME_SP);
static_assert(offsetof(deferframe, gp) == DFRAME_G);
static_assert(offsetof(deferframe, results) == DFRAME_RESULTS);
static_assert(sizeof(deferframe) == DFRAME_SIZE);

struct _defer {
  _defer *link;
  void (*fn)(void *);
  void *arg;
  deferframe *frame;
  uint32_t flags;
  uint32_t pad;
  _panic *panic;
};
static_assert(offsetof(_defer, link) == DEFER_LINK);
static_assert(offsetof(_defer, fn) == DEFER_FN);
static_assert(offsetof(_defer, arg) == DEFER_ARG);
static_assert(offsetof(_defer, frame) == DEFER_FRAME);
static_assert(offsetof(_defer, flags) == DEFER_FLAGS);
static_assert(offsetof(_defer, panic) == DEFER_PANIC);
static_assert(sizeof(_defer) == DEFER_SIZE);
static_assert(offsetof(g, _defer) == G_DEFER);

// A panic (or Goexit) in flight: Go's _panic, in gopanic's frame on the
// goroutine's stack; linked from g->_panic, newest first.
struct _panic {
  Eface arg;        // the value passed to panic
  _panic *link;     // the panic that was running when this one started
  uintptr_t argp;   // rbp of glrt_calldefer while it runs a deferred call
  uintptr_t fp;     // frame of the panic entry point: traceback from its caller
  bool recovered;
  bool aborted;     // a newer panic ran past the deferred call this one ran
  bool goexit;
  // The fault this panic stands for (Go's gp.sig), printed as
  // "[signal ...]" if the panic is fatal, and/or a pseudo-frame to print
  // (panicstringframe); null for other panics. A heap copy, so that
  // _panic stays small (gopanic's frame counts against
  // StackNosplitBudget).
  const struct sigpanicinfo *sig;
};
struct sigpanicinfo {
  int32_t sig; // 0: not a fault
  uint64_t code, addr, pc;
  // The innermost frame to print first if the panic is fatal, for a
  // panic raised in a runtime entry point standing for a Go library
  // function (e.g. "time.(*Timer).Stop"), or null.
  const char *frame;
  // The Go runtime function whose panic a glrt entry point raised in its
  // place (panicorigin), or 0: callers.cpp shows its frames under
  // runtime.gopanic, as Go's runtime.Callers and level-2 tracebacks do.
  uint8_t origin;
};
// Go's runtime functions that raise the panics of glrt's entry points
// (go1.19's frames are callers.cpp's originframes, indexed by this).
enum panicorigin : uint8_t {
  kOriginNone,
  kOriginMapassign,        // nil map write: by the key, as gc picks
  kOriginMapassignFast32,  // the mapassign variant (walk's mapfast)
  kOriginMapassignFast64,
  kOriginMapassignFast64ptr,
  kOriginMapassignFaststr,
  kOriginChansend,         // c <- v on a closed channel (chansend1)
  kOriginSelectnbsend,     // a select with one send case and a default
  kOriginSelectgo,         // any other select
  kOriginClosechanNil,
  kOriginClosechanClosed,
  kOriginMakechan,
  kOriginMakeslicelen,
  kOriginMakeslicecap,
  kOriginDottypeE,         // x.(T) of an empty interface (nil or not)
  kOriginDottypeI,         // x.(T) of a non-empty interface
  kOriginAssertE2I,        // x.(I): a missing method (getitab)
  kOriginAssertI2I,
  kOriginChansendWoken,    // a blocked c <- v woken by close(c)
  kOriginAssertE2INil,     // x.(I) of a nil interface{}
  kOriginAssertI2INil,     // x.(I) of a nil non-empty interface
  kOriginEfaceeq,          // == on interface{} values of an uncomparable type
  kOriginIfaceeq,          // == on non-empty interface values
  // A hash of an unhashable key (alg.cpp: unhashableorigin):
  // kOriginHash + 8 * (the key's interface is non-empty: Go's interhash,
  // else nilinterhash) + the map operation (HashOp; its nil/empty-map
  // variant, where Go hashes only to panic, at another line).
  kOriginHash,
  kNOrigins = kOriginHash + 16,
};
enum HashOp : uint8_t {
  kHashOpNone, // not found (no map operation under the hash)
  kHashOpMapaccess1,
  kHashOpMapaccess1Empty,
  kHashOpMapaccess2,
  kHashOpMapaccess2Empty,
  kHashOpMapassign,
  kHashOpMapdelete,
  kHashOpMapdeleteEmpty,
};

inline _panic *gpanic(g *gp) { return static_cast<_panic *>(gp->_panic); }
inline _defer *gdefer(g *gp) { return static_cast<_defer *>(gp->_defer); }

// Go's gopanic: runs the goroutine's deferred calls; if one recovers,
// resumes the function that deferred it; otherwise prints the panics
// (panic.cpp: fatalpanic) and exits. fp: the entry point's frame (the
// traceback starts at its caller). Callable on a goroutine with
// StackNosplitBudget bytes; on g0, without a G or in a signal handler the
// panic is fatal at once.
// The same for a panic that stands for a fault signal (printed with Go's
// "[signal ...]" line when fatal); sig may be null.
[[noreturn]] void gopanicsig(Eface e, uintptr_t fp, const sigpanicinfo *sig);
// One constant sigpanicinfo per panicorigin (no fault, no frame):
// panic.cpp. Constant, so that raising such a panic allocates nothing and
// adds no frame (panic paths count against StackNosplitBudget).
extern const sigpanicinfo originpanicinfo[kNOrigins];
// Always inlined: calls of noreturn functions count as cold, and clang
// otherwise keeps this wrapper as a frame of its own (16 bytes of the
// goroutine's stack on every panic path).
[[noreturn]] __attribute__((always_inline)) inline void gopanic(Eface e, uintptr_t fp) {
  gopanicsig(e, fp, nullptr);
}
// gopanic(e, fp) of a panic that Go raises in the runtime function origin
// (panicorigin; callers.cpp shows its frames).
[[noreturn]] __attribute__((always_inline)) inline void gopanicorigin(Eface e, uintptr_t fp,
                                                                      uint8_t origin) {
  gopanicsig(e, fp, &originpanicinfo[origin < kNOrigins ? origin : 0]);
}

// Go's runningPanicDefers: how many panics may still run deferred calls
// (defer.cpp). While it is not 0, main's return yields first (up to 1000
// times, as go1.19's runtime.main), so that a goroutine whose deferred
// call woke main still reaches its death (exit 2) before main's exit 0.
extern std::atomic<int32_t> runningPanicDefers;

// panic.cpp: prints the chain of panics (Go's preprintpanics already
// done: error/Stringer values replaced by their text) and dies on g0.
[[noreturn]] void fatalpanic(_panic *p, uintptr_t fp);

// error.cpp: the descriptors of the runtime's own types.
// Symbols shared with glc's descriptors ("type:" + the type string).
extern const Type stringType __asm__("type:string");
extern const Type intType __asm__("type:int");
extern const Type int64Type __asm__("type:int64");
extern const Type uintType __asm__("type:uint");
extern const Type uint64Type __asm__("type:uint64");
extern const Type float64Type __asm__("type:float64");
extern const Type boolType __asm__("type:bool");
// Go's runtime.errorString / plainError / boundsError values as efaces.
Eface errorString(const char *msg);  // Error(): "runtime error: " + msg
Eface plainError(const char *msg);   // Error(): msg
Eface plainError(GoString msg);     // the same for a Go string (not copied)
Eface boundsError(int64_t x, int64_t y, bool xsigned, uint8_t code);
Eface typeAssertionError(const char *msg); // Error(): msg
// The text of a value's Error() or String() method if its type has one
// (Go's preprintpanics); false otherwise.
// The runtime's own error values are not converted by preprintpanics;
// printpanicval prints their Error() text itself (on g0).
bool errortext(Eface e, GoString *out);
bool isruntimeerror(const Type *t);
// Whether some panic of the chain p holds a value errortext converts (a
// type with methods other than the runtime's own errors). A leaf.
bool needspreprint(const _panic *p);
void printruntimeerror(Eface e);

} // namespace glrt

extern "C" {
// arch/amd64/defer_amd64.S
// Calls fn(arg) with a frame of its own whose rbp it first stores into
// *argp (gorecover compares deferred functions' parent frames with it).
void glrt_calldefer(void (*fn)(void *), void *arg, uintptr_t *argp);
// Switches to the frame (sp, fp) and jumps to pc, after installing limit
// as the G's %fs:0x70 value (xchg, keeping a preemption poison).
[[noreturn]] void glrt_deferresume(uintptr_t sp, uintptr_t fp, uintptr_t pc,
                                   uintptr_t limit);
// The return address of __morestack's call of a function body
// (morestack_amd64.S): a frame whose return address is this was entered
// through __morestack, and its caller's frame is one link further.
extern char glrt_morestack_ret[];
// The target of a fault turned into a panic (panic.cpp: injectsigpanic):
// entered as if the faulting instruction had called it; aligns the stack
// and calls glrt_sigpanic.
void glrt_sigpanic0(void);
[[noreturn]] void glrt_sigpanic(void);
}

#endif // GLRT_DEFER_H
