//===- os.cpp - process-level services: exit, the saved command line -------===//
//
// os.Exit(code) is glrt_exit: it flushes this thread's pending print output
// and ends the process at once with _exit (Go runs no deferred calls and no
// atexit handlers either). The command line saved by rt0 lives here so that
// a later os.Args can read it without pulling in the process entry.
//
// SIGPIPE, Go's rule: a write to a pipe or socket whose reader has gone
// gets EPIPE and the signal is dropped (initsig installs a handler that
// does nothing, not SIG_IGN, so children started later get the default;
// it does so even when the parent left SIGPIPE ignored, as Go does),
// except on standard output and standard error: os.File.Write calls
// glrt_os_sigpipe there, which kills the process with SIGPIPE (a shell's
// `prog | head` ends quietly, status 141). It returns only if SIGPIPE's
// disposition is SIG_IGN at that moment, which nothing in GL can set (GL
// has no os/signal; the stack-budget probe does).
//
// Stack use: glrt_exit and glrt_os_sigpipe switch to g0 (systemstack)
// before flushing, so a goroutine calling them needs only its own frame
// plus 32 bytes.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "panic.h"
#include "print.h"
#include "trace.h"

#include <signal.h>
#include <unistd.h>

namespace glrt {
// Set once by rt0's main before anything else runs; read-only afterwards.
int argc;
char **argv;
} // namespace glrt

// Runs on g0 (stack.h's rule: write(2)); never comes back to the G.
void glrt_exit(int64_t code) {
  glrt::onsystemstack([&] {
    glrt::printflush();
    glrt::traceFlush(); // GODEBUG=tracefile: os.Exit and main's return
    _exit(static_cast<int>(code));
  });
  __builtin_unreachable();
}

// Runs on g0; returns only if SIGPIPE is ignored (see above).
void glrt_os_sigpipe(void) {
  glrt::onsystemstack([&] {
    struct sigaction cur;
    if (sigaction(SIGPIPE, nullptr, &cur) == 0 && cur.sa_handler == SIG_IGN)
      return;
    glrt::printflush();
    glrt::traceFlush();
    glrt::dieFromSignal(SIGPIPE);
  });
}
