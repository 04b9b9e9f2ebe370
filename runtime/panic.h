//===- panic.h - panics, runtime errors, fatal errors, fault signals -------===//
#ifndef GLRT_PANIC_H
#define GLRT_PANIC_H

#include <stddef.h>
#include <stdint.h>

namespace glrt {

// Go's throw: "fatal error: <msg>", a blank line, the goroutine header and
// traceback, exit 2. For broken runtime invariants, never for user errors.
// Printed as go1.19 prints a runtime throw: every goroutine, at traceback
// level 2 whatever GOTRACEBACK says (wrappers and runtime.main shown).
[[noreturn]] void fatal(const char *msg);
// Go's fatal: the same for errors of the user's making (concurrent map
// writes, unlock of an unlocked mutex): every goroutine, at GOTRACEBACK's
// level.
[[noreturn]] void fataluser(const char *msg);
// Go's panicking != 0: some thread has begun printing a fatal panic or
// error and will exit the process (main's return then waits for it).
bool panicking();
// The same, preceded by a "runtime: ..." line of detail (runtimeMsg may be
// null), as Go's print(...); throw(msg).
[[noreturn]] void fatal(const char *runtimeMsg, const char *msg);
// Go's stack overflow: "runtime: goroutine stack exceeds 1000000000-byte
// limit", "runtime: sp=SP stack=[LO, HI]" (the goroutine's stack pointer
// at __morestack and its current segment), "fatal error: stack overflow",
// Go's "runtime stack:" (throw, newstack, morestack), then every goroutine
// at level 2, as go1.19.
[[noreturn]] void fatalstackoverflow(uintptr_t sp, uintptr_t lo, uintptr_t hi);

// A Go runtime error panic ("panic: runtime error: <msg>"), traced from the
// caller of the glrt entry point whose frame pointer is fp.
[[noreturn]] void panicruntimeerror(const char *msg, uintptr_t fp);

// panic(msg) raised inside a Go library function that glrt implements
// (time.(*Timer).Stop): a recoverable panic whose value is the string
// msg. If it is fatal, Go's trace starts with that function's frame, so
// `frame` ("time.(*Timer).Stop") is printed as the first frame, then the
// generated frames from the caller of the entry point whose frame pointer
// is fp.
[[noreturn]] void panicstringframe(const char *msg, const char *frame, uintptr_t fp);

// Formats Go's boundsError text ("runtime error: index out of range [5]
// with length 3") into buf (>= 128 bytes); returns its length. code is Go's
// boundsErrorCode (abi.def); out-of-range codes format as "index".
size_t fmtboundserror(char *buf, int64_t x, int64_t y, int code, bool xsigned);

// Install the SIGSEGV/SIGBUS/SIGFPE handlers (on the alternate signal
// stack) that turn faults into Go's panic/fatal text, and SIGPIPE's
// handler that drops it (os.cpp: Go's rule). Once per process.
void initsig();

// Die of sig with its default action (SIGPIPE: status 141 from a shell);
// exit(2) should the signal not kill the process. Go's dieFromSignal.
[[noreturn]] void dieFromSignal(int sig);

// Give the calling thread an alternate signal stack. Every M must call it
// when it starts (the scheduler's mstart); rt0 does it for the main thread.
void minitsignalstack();

// Mark the calling thread as one of the runtime's threads that are not Ms
// (sysmon, the collector's mark helpers, the schedtrace printer): Go has no
// such threads, so a fault signal SENT to the process (kill(2), sigqueue)
// that the kernel hands to one of them is passed on to an M (sighandler).
// Call first thing in the thread's start function.
void minitNonM();

// Implemented by the scheduler (strong definition in proc.cpp when it
// exists): the id of the running goroutine, for "goroutine N [running]:";
// 0 on an M running none (printed as Go's g0: "goroutine 0 [idle]:").
// Referenced weakly; when absent (or on a thread that is not an M), glrt
// prints goroutine 1.
int64_t curgoid() __attribute__((weak));
// Likewise: the PC of the `go` statement that created the running
// goroutine (0 for goroutine 1 and for goroutines the runtime started), for
// the "created by" lines after its traceback.
uintptr_t curgopc() __attribute__((weak));
// Likewise: GOTRACEBACK=all: every other goroutine's header, frames and
// "created by" (Go's tracebackothers).
void tracebackothers() __attribute__((weak));
// GOTRACEBACK=crash: Go's crash(): die by SIGABRT with its default action
// (a core dump where enabled; status 134 from a shell).
[[noreturn]] void dieabort();

// Runs fn(arg) on the M's g0 stack (glrt_systemstack, 32 bytes of the G's
// stack) when called on a goroutine; directly when already on g0, on a
// thread that has no G (tests, start-up before the scheduler), or inside a
// fault handler (already on the signal stack). The rule of stack.h: every
// glrt path from generated code that writes, locks, maps memory or prints
// a death goes through here.
void onsystemstack(void (*fn)(void *), void *arg);
template <class F> inline void onsystemstack(F &&f) {
  onsystemstack([](void *a) { (*static_cast<F *>(a))(); }, &f);
}

} // namespace glrt

#endif // GLRT_PANIC_H
