//===- os.cpp - process-level services: exit, the saved command line -------===//
//
// os.Exit(code) is glrt_exit: it flushes this thread's pending print output
// and ends the process at once with _exit (Go runs no deferred calls and no
// atexit handlers either). The command line saved by rt0 lives here so that
// a later os.Args can read it without pulling in the process entry.
//
// Stack use: glrt_exit switches to g0 (systemstack) before flushing, so a
// goroutine calling os.Exit needs only its own frame plus 32 bytes.
//===----------------------------------------------------------------------===//
#include "abi.h"
#include "panic.h"
#include "print.h"
#include "trace.h"

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
