//===- traceback.h - stack traces of generated code --------------------------===//
#ifndef GLRT_TRACEBACK_H
#define GLRT_TRACEBACK_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// Sort a private copy of __glc_functab by entry address. Called once at
// start-up (rt0); traceback() calls it lazily if needed. Idempotent.
void tracebackinit();

// The frame pointer of rt0's main on the main thread: the walk never goes
// past it (the frames above are libc's and need not keep rbp). Goroutines
// started by the scheduler end their chain with rbp = 0 instead.
void settracebackstop(uintptr_t fp);

// Forces this thread's traceback level (runtime.Stack prints at level 1
// whatever GOTRACEBACK says, as Go's m.traceback); 0 restores GOTRACEBACK's.
void settracebacklevel(int32_t level);

// The frame walk's primitives, for runtime.Callers (callers.cpp): the two
// words at fp (saved rbp, return address), false where the chain leaves
// mapped memory; and settracebackstop's frame.
bool readframewords(uintptr_t fp, uintptr_t out[2]);
uintptr_t tracebackstop();

// Go's gotraceback(): GOTRACEBACK's level (0 none, 1 single/all, 2
// system/crash), whether every goroutine is printed, whether to die by
// SIGABRT. Parsed once (tracebackinit).
void gotraceback(int32_t *level, bool *all, bool *crash);

// True if pc lies inside the "gl_text" section of generated code.
bool ingeneratedcode(uintptr_t pc);

// The generated function containing pc, or nullptr. *entry gets its entry
// address when found.
const char *funcname(uintptr_t pc, uintptr_t *entry, int64_t *flags = nullptr);

// Print Go-style frames ("main.f(...)\n\t/abs/x.go:12 +0xOFF\n") for the generated
// functions on the frame-pointer chain, innermost first, stopping after
// main.main, at a null frame pointer, or after 100 frames (then Go's
// "...additional frames elided..." line).
//   pc: a PC inside the frame whose frame pointer is fp. If exactpc, pc is
//       the faulting instruction itself (signal case); otherwise it is a
//       return address (the lookup then uses pc-1, as Go does).
//   fp: that frame's rbp; the caller's rbp is at [fp], its return address
//       at [fp+8].
// Frames outside generated code (runtime C++, __morestack) are walked
// through but not printed. Returns the number of frames printed.
//   gp: the goroutine whose stack this is (null: the current one), for the
//       runtime frames under a deferred call a panic runs.
//   hidden: Go's frames above pc that Go walks but glrt has not (the
//       runtime.gopanic and runtime-error frames of a dying panic:
//       fatalpanicframes), counted, as Go counts them, against the 100
//       frames a traceback shows; "...additional frames elided..." only
//       when 100 frames were printed (go1.19's traceback1).
struct g;
int traceback(uintptr_t pc, uintptr_t fp, bool exactpc, g *gp = nullptr, int hidden = 0);

// Go's printcreatedby, after a goroutine's frames: for gopc (the return
// address of the `go` statement's call of glrt_newproc) in a generated
// function F, prints "created by F\n\t/abs/x.go:LINE +0xOFF\n" (OFF = gopc - F's
// entry, as for ordinary frames). Prints nothing for gopc 0 (goroutine 1,
// goroutines the runtime starts), outside generated code, or in a hidden
// runtime.* function.
void printcreatedby(uintptr_t gopc);

// One of Go's runtime frames glrt stands in for (callers.cpp).
struct runtimeframe {
  const char *name; // Go's, e.g. "runtime.gopanic"
  const char *file; // "$GOROOT/src/runtime/panic.go"
  int32_t line;
  // go1.19's offset of the call in it (pc - entry, as its traceback
  // prints: measured on go1.19 for linux/amd64), 0 where not known.
  uint32_t off;
};
// Go's runtime frames under the deferred call that glrt_calldefer, whose
// frame has rbp fp, runs for gp (null: the current goroutine's, by the
// frame alone): runtime.gopanic or runtime.Goexit first, then for a
// runtime error or a panic of a glrt entry point the Go functions that
// raised it. Returns how many (1..3).
int deferrunnerframes(g *gp, uintptr_t fp, runtimeframe out[3]);
// The frame of a goroutine that has not run yet (its sched.pc is
// glrt_gostart): the function its go statement starts, at its entry (the
// func line, without an offset, as Go prints a frame at its entry), then
// runtime.goexit at level 2. Nothing for a goroutine the runtime started
// or a go statement of a builtin.
void printunstarted(void (*startfn)(void *), void *startarg);
// The innermost frames of a goroutine dying of panic p (null: a panic
// without a _panic record): go1.19's runtime.gopanic at panic.go:987 (its
// call of fatalpanic), then the Go functions that raised p. Returns how
// many (1..3).
int fatalpanicframes(const struct _panic *p, runtimeframe out[3]);
// Prints them ("panic" for runtime.gopanic, as Go) when the traceback
// level is 2 or more (Go's showframe hides a first frame's gopanic and
// unexported runtime functions below it).
void printfatalpanicframes(const struct _panic *p);

} // namespace glrt

#endif // GLRT_TRACEBACK_H
